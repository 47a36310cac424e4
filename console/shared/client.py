"""A console on the shared state: reads events by sequence, sends its operators' actions, never on the GUI thread.

Two threads, each with its own connection:

- the listener LISTENs on ``console_event`` and only wakes the worker: a
  notification carries nothing the worker needs, and one sent while the
  listener was away is lost for good (PostgreSQL keeps none), so
- the worker reads every event after the last one it has, in one snapshot with
  the alarms and sensors they changed, when woken and at least every
  ``poll_s`` (the backstop). It also sends the outbox's unanswered actions and
  reads their answers.

When the database goes, the worker says so at once (``status``), keeps what
the mirror holds, keeps queuing actions in the outbox, and tries again every
``RETRY_S``; when it is back it sends what is queued and reads what it missed.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from console.shared.mirror import Event, Read, SharedMirror
from console.shared.outbox import Outbox
from console.shared.schema import COMMAND_CHANNEL, EVENT_CHANNEL, check_schema, service_running
from console.shared.url import SharedStateError, checked_url, connect, shown_url

__all__ = ["ConsoleStatus", "SharedConsole", "read_after"]

POLL_S = 1.0
RETRY_S = 0.5
SERVICE_SILENT_S = 5.0  # a heartbeat older than this: the service is hung or gone
EVENTS_PER_READ = 20_000

# What ``ConsoleStatus.state`` can be.
LIVE, NO_DATABASE, NO_SERVICE, NOT_SET_UP, REFUSED, STARTING = (
    "live", "no_database", "no_service", "not_set_up", "refused", "starting")


@dataclass(frozen=True)
class ConsoleStatus:
    """What the console's banner shows.

    ``state``: ``live``; ``no_database`` (an outage: the mirror keeps what it
    had, actions are queued); ``no_service`` (the database is there but no alarm
    service holds it: nothing changes, actions wait); ``not_set_up`` (no service
    has ever created the tables); ``refused`` (another program's database, a
    newer schema: ``message`` says which); ``starting``. ``since`` is the
    monotonic time the state began; ``queued`` the actions not yet answered.
    """

    state: str
    message: str = ""
    since: float = 0.0
    queued: int = 0

    @property
    def outage(self) -> bool:
        return self.state in (NO_DATABASE, NO_SERVICE, NOT_SET_UP, REFUSED)


def read_after(connection, last_seq: int, sensor_batch: int, waiting: list[str] = ()) -> Read:
    """Events after ``last_seq``, alarms and incidents they changed, sensors after ``sensor_batch`` and the
    answers to the ``waiting`` commands, in one snapshot."""
    read = Read()
    with connection.transaction():
        connection.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        read.events = [Event(*row[:7], None if row[7] is None else str(row[7]), row[8]) for row in connection.execute(
            "SELECT seq, t_ms, kind, name, alarm_id, operator, console, command_id, body FROM event "
            "WHERE seq > %s ORDER BY seq LIMIT %s", (last_seq, EVENTS_PER_READ))]
        # ">=": an alarm changed without an event keeps the seq of the last one (a console re-reads it, harmlessly).
        read.alarms = connection.execute(
            "SELECT alarm_id, version, occurrence, last_seq, record, history, notes FROM alarm_state "
            "WHERE last_seq >= %s", (last_seq,)).fetchall()
        read.incidents = connection.execute(
            "SELECT record, alarm_ids, districts FROM incident_state WHERE last_seq >= %s", (last_seq,)).fetchall()
        read.sensors = connection.execute(
            "SELECT sensor_id, batch, level, status, value, t_ms FROM sensor_state WHERE batch > %s",
            (sensor_batch,)).fetchall()
        if waiting:
            read.answers = [(str(c), s, r, q) for c, s, r, q in connection.execute(
                "SELECT command_id, status, reason, seq FROM command WHERE command_id = ANY(%s::uuid[]) "
                "AND status <> 'pending'", (list(waiting),))]
    return read


class SharedConsole:
    """A console's link to the shared journal at ``url``.

    Parameters
    ----------
    url : str
    console : str
        The console's name, shown with every action it sends (``城市中心``, ``district-3``).
    outbox : path
        The console's own SQLite outbox (one per console: it survives the console).
    on_change : callable, optional
        Called on the worker thread after each read that changed the mirror and on each status change
        (a window hands it to its GUI thread; see ``console/ui/crossing.py``).
    poll_s : float
        Reads at least this often without a notification.

    Attributes
    ----------
    mirror : SharedMirror
    status : ConsoleStatus
    """

    def __init__(self, url: str, console: str, outbox, *, on_change: Callable[[], None] | None = None,
                 poll_s: float = POLL_S, clock_ms: Callable[[], int] | None = None):
        self.url = checked_url(url)
        self.where = shown_url(url)
        self.console = (console or "").strip()
        if not self.console:
            raise ValueError("a console needs a name")
        self.outbox = Outbox(outbox)
        self.mirror = SharedMirror()
        self.on_change = on_change or (lambda: None)
        self.poll_s = float(poll_s)
        self.clock_ms = clock_ms or (lambda: int(time.time() * 1000))
        self.status = ConsoleStatus(STARTING, since=time.monotonic())
        self.reads = 0
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._answered = threading.Condition()
        self._threads: list[threading.Thread] = []
        self._listener = None

    # --- life ---------------------------------------------------------------------
    def start(self) -> SharedConsole:
        self._threads = [threading.Thread(target=self._work, name=f"shared-{self.console}", daemon=True),
                         threading.Thread(target=self._listen, name=f"shared-{self.console}-listen", daemon=True)]
        for thread in self._threads:
            thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        listener = self._listener
        if listener is not None:
            with contextlib.suppress(Exception):
                listener.close()
        for thread in self._threads:
            thread.join(timeout=5)
        self.outbox.close()

    # --- actions --------------------------------------------------------------------
    def act(self, action: str, operator: str, alarm_id: int | None = None, *, seen: tuple[int, int] | None = None,
            **args) -> str:
        """Queue an operator's action (committed to the outbox at once) and wake the sender; returns its id.

        The alarm's occurrence and version the operator saw go with it (``seen``: what
        the view showed; by default what the mirror has now): the service refuses the
        action if the alarm has reached the operator again since. ``args``: the
        action's arguments (``reason``, ``until_ms``, ``unit``, ``text``, ...).
        """
        operator = (operator or "").strip()
        if not operator:
            raise ValueError("an operator action needs the operator's name")
        if seen is not None:
            occurrence, version = seen
        else:
            with self.mirror.lock:
                occurrence = self.mirror.occurrence.get(alarm_id) if alarm_id is not None else None
                version = self.mirror.alarm_version.get(alarm_id) if alarm_id is not None else None
        body = {"console": self.console, "operator": operator, "action": str(action), "args": args,
                "alarm_id": alarm_id, "occurrence": occurrence, "version": version}
        command_id = self.outbox.queue(body, self.clock_ms())
        self._set_status(self.status.state, self.status.message)
        self._wake.set()
        return command_id

    def answer(self, command_id: str) -> tuple[str, str | None] | None:
        """(status, reason) once the service answered, else None."""
        queued = self.outbox.get(command_id)
        return None if queued is None or queued.status is None else (queued.status, queued.reason)

    def wait_answer(self, command_id: str, timeout: float) -> tuple[str, str | None] | None:
        deadline = time.monotonic() + timeout
        with self._answered:
            while (found := self.answer(command_id)) is None:
                left = deadline - time.monotonic()
                if left <= 0:
                    return None
                self._answered.wait(min(left, 0.2))
        return found

    # --- the worker ---------------------------------------------------------------------
    def _work(self) -> None:
        connection = None
        while not self._stop.is_set():
            try:
                if connection is None:
                    connection = connect(self.url, autocommit=True, application=f"console {self.console}")
                    if not check_schema(connection, self.where):
                        self._set_status(NOT_SET_UP, f"{self.where}: no alarm service has set this database up yet")
                        connection.close()
                        connection = None
                        self._stop.wait(self.poll_s)
                        continue
                self._send(connection)
                self._read(connection)
            except SharedStateError as error:
                refused = "another program" in error.problem or "newer" in error.problem
                self._set_status(REFUSED if refused else NO_DATABASE, str(error))
                connection = self._drop(connection)
                self._stop.wait(self.poll_s if refused else RETRY_S)
                continue
            except Exception as error:  # noqa: BLE001  (the database went away mid-read: an outage, not an end)
                self._set_status(NO_DATABASE, f"{self.where}: lost the shared journal ({type(error).__name__}: "
                                 f"{str(error).strip()})")
                connection = self._drop(connection)
                self._stop.wait(RETRY_S)
                continue
            self._wake.wait(self.poll_s)
            self._wake.clear()
        self._drop(connection)

    @staticmethod
    def _drop(connection):
        if connection is not None:
            with contextlib.suppress(Exception):
                connection.close()
        return None

    def _send(self, connection) -> None:
        unsent = [c for c in self.outbox.unanswered() if not c.sent]
        if not unsent:
            return
        with connection.transaction():
            for queued in unsent:
                body = queued.body
                connection.execute(
                    "INSERT INTO command (command_id, console, operator, action, args, alarm_id, occurrence, version, "
                    "made_ms) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s) ON CONFLICT (command_id) DO NOTHING",
                    (queued.command_id, body["console"], body["operator"], body["action"],
                     _json(body.get("args") or {}), body.get("alarm_id"), body.get("occurrence"),
                     body.get("version"), queued.made_ms))
            connection.execute("SELECT pg_notify(%s, %s)", (COMMAND_CHANNEL, self.console))
        self.outbox.mark_sent([q.command_id for q in unsent])

    def _read(self, connection) -> None:
        waiting = [c.command_id for c in self.outbox.unanswered()]
        mirror = self.mirror
        read = read_after(connection, mirror.last_seq, mirror.sensor_batch, waiting)
        running = service_running(connection)
        beat = connection.execute("SELECT extract(epoch FROM now() - beat_at) FROM service").fetchone()
        self.reads += 1
        if read.answers:
            self.outbox.mark_answered(read.answers)
            with self._answered:
                self._answered.notify_all()
        changed = mirror.apply(read)
        if len(read.events) == EVENTS_PER_READ:
            self._wake.set()  # more to catch up on
        if not running or beat is None or float(beat[0]) > SERVICE_SILENT_S:
            self._set_status(NO_SERVICE, f"{self.where}: no alarm service is running; actions wait until one is")
        else:
            self._set_status(LIVE)
        if changed:
            self.on_change()

    def _set_status(self, state: str, message: str = "") -> None:
        old = self.status
        queued = len(self.outbox.unanswered())
        if (old.state, old.message, old.queued) == (state, message, queued):
            return
        since = old.since if old.state == state else time.monotonic()
        self.status = ConsoleStatus(state, message, since, queued)
        self.on_change()

    # --- the listener ---------------------------------------------------------------------
    def _listen(self) -> None:
        while not self._stop.is_set():
            try:
                self._listener = connect(self.url, autocommit=True, application=f"console {self.console} (listen)")
                self._listener.execute(f"LISTEN {EVENT_CHANNEL}")
                self._wake.set()  # whatever came while it was away
                while not self._stop.is_set():
                    for _ in self._listener.notifies(timeout=1.0):
                        self._notified()
            except Exception:  # noqa: BLE001  (gone: the worker looks at once, and its poll covers the gap)
                self._wake.set()
            finally:
                self._listener = self._drop(self._listener)
            self._stop.wait(RETRY_S)

    def _notified(self) -> None:
        self._wake.set()


def _json(value) -> str:
    import json

    return json.dumps(value, ensure_ascii=False)
