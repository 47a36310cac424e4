"""The alarm service: the one process that runs the rules and the book and writes the shared journal.

Several ``console serve --journal postgresql://...`` may run on one database:
the one that holds the advisory lock is active, the others wait as standbys and
try the lock every half second. PostgreSQL drops a session's lock the moment
the session ends (a SIGKILLed service's socket closes at once), so a standby
takes over within about a second, plus its restore.

A term of office: take the lock on the connection that will write (so a write
can only succeed while the lock is held), restore the book and sensor state
from what was committed, start the sources, then loop: the engine's step, the
consoles' commands (woken by NOTIFY, polled every second as a backstop), the
rules' records committed every ``COMMIT_INTERVAL_S``, sensor levels and the
heartbeat once a second. Any database error ends the term: the connection and
with it the lock may be gone and another service may have taken over, so the
service drops its state and starts again from the committed one; commands not
answered are still pending and are applied once, by whoever is active.
"""

from __future__ import annotations

import contextlib
import os
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from console.engine import Engine
from console.model.pipeline import Pipeline
from console.shared.actions import apply_command, command_from_row
from console.shared.restore import restore
from console.shared.schema import COMMAND_CHANNEL, LOCK_KEYS, create_schema
from console.shared.url import SharedStateError, connect, shown_url
from console.shared.writer import SharedJournal, sensor_rows

__all__ = ["AlarmService", "Term"]

TAKEOVER_POLL_S = 0.5
COMMIT_INTERVAL_S = 0.05  # the rules' records reach the consoles within this (plus their wake-up)
COMMAND_POLL_S = 1.0  # commands are looked for this often even without a notification
BEAT_INTERVAL_S = 1.0  # sensor batches and the heartbeat
RETRY_S = 1.0  # wait between attempts to reach the database
COMMANDS_PER_TRANSACTION = 1000
IDLE_WAIT_S = 0.01


def wall_ms() -> int:
    return int(time.time() * 1000)


@dataclass
class Parts:
    """What a term runs: a fresh sensor table, its rules (a ``RuleEngine`` on that table) and unstarted adapters."""

    table: object
    rules: object
    adapters: list = field(default_factory=list)


class Term:
    """One term of office of the active service on ``connection`` (which holds the lock)."""

    def __init__(self, connection, listener, parts: Parts, *, clock_ms: Callable[[], int] = wall_ms):
        self.connection = connection
        self.listener = listener
        self.clock_ms = clock_ms
        self.journal = SharedJournal()
        restored = restore(connection, parts.table)
        self.journal.book = restored.book
        self.journal.next_seq = restored.next_seq
        self.journal.occurrence, self.journal.version = restored.occurrence, restored.version
        self.sensor_batch = restored.sensor_batch
        self.pipeline = Pipeline(parts.table, parts.rules, journal=self.journal)
        self.engine = Engine(self.pipeline, parts.adapters, clock_ms=clock_ms)
        self.commands_applied = 0
        self._sensor_version = -1  # the first batch writes every sensor: a new term's state in full
        self._woken = threading.Event()
        self._listening = threading.Thread(target=self._listen, name="service-commands", daemon=True)

    @property
    def book(self):
        return self.pipeline.book

    def run(self, stop: threading.Event, deadline: float | None = None) -> None:
        """Loop until ``stop`` (or ``deadline``, monotonic); a database error ends it by raising."""
        self._heartbeat(first=True)
        self._listening.start()
        self.engine.start()
        next_poll = next_beat = last_commit = 0.0
        while not stop.is_set() and (deadline is None or time.monotonic() < deadline):
            taken = self.engine.step()
            now = time.monotonic()
            if self._woken.is_set() or now >= next_poll:
                self._woken.clear()
                next_poll = now + COMMAND_POLL_S
                if self.take_commands() == COMMANDS_PER_TRANSACTION:
                    self._woken.set()  # more are waiting
                last_commit = now
            elif self.journal.dirty and now - last_commit >= COMMIT_INTERVAL_S:
                self.commit()
                last_commit = now
            if now >= next_beat:
                next_beat = now + BEAT_INTERVAL_S
                self._heartbeat()
            if not taken and not self._woken.is_set():
                stop.wait(IDLE_WAIT_S)

    def stop(self, *, write: bool) -> None:
        """Stop the sources; with ``write`` (a clean stop) commit what is left first."""
        for adapter in self.engine.adapters:
            adapter.stop()
        if write:
            self.engine.step()
            self.commit()
            self._heartbeat()
        if self.listener is not None:
            with contextlib.suppress(Exception):  # its connection may be gone already
                self.listener.close()
        self._listening.join(timeout=2)

    # --- writing ------------------------------------------------------------------
    def commit(self) -> None:
        """Commit the records the rules made since the last commit."""
        if not self.journal.dirty:
            return
        with self.connection.transaction():
            self.journal.write(self.connection)
        self.journal.committed()

    def take_commands(self) -> int:
        """Apply pending commands and commit their answers and events (and the rules' records) together."""
        connection = self.connection
        with connection.transaction():
            rows = connection.execute(
                "SELECT command_id, console, operator, action, args, alarm_id, occurrence, version FROM command "
                "WHERE status = 'pending' ORDER BY sent_at, command_id LIMIT %s FOR UPDATE SKIP LOCKED",
                (COMMANDS_PER_TRANSACTION,)).fetchall()
            marks = []
            now = self.clock_ms()
            for row in rows:
                command = command_from_row(row)
                status, reason = apply_command(self.book, self.journal, command, self.journal.occurrence, now)
                marks.append((command.command_id, status, reason))
            if marks or self.journal.dirty:
                self.journal.write(connection, marks)
        self.journal.committed()
        self.commands_applied += len(rows)
        return len(rows)

    def _heartbeat(self, first: bool = False) -> None:
        """The sensors changed since the last batch, and the service's row, in one transaction."""
        table = self.pipeline.table
        version = table.version
        rows = table.changed_since(self._sensor_version)
        connection = self.connection
        with connection.transaction():
            if rows.size:
                self.sensor_batch += 1
                connection.execute("CREATE TEMP TABLE IF NOT EXISTS sensor_batch (LIKE sensor_state) ON COMMIT DELETE ROWS")
                with connection.cursor().copy(
                        "COPY sensor_batch (sensor_id, batch, level, status, value, t_ms, state) FROM STDIN") as copy:
                    for record in sensor_rows(table, rows, self.sensor_batch):
                        copy.write_row(record)
                connection.execute(
                    "INSERT INTO sensor_state SELECT * FROM sensor_batch ON CONFLICT (sensor_id) DO UPDATE SET "
                    "batch = excluded.batch, level = excluded.level, status = excluded.status, "
                    "value = excluded.value, t_ms = excluded.t_ms, state = excluded.state")
            if first:
                connection.execute(
                    "INSERT INTO service VALUES (1, %s, %s, now(), now(), %s, %s, %s) ON CONFLICT (id) DO UPDATE SET "
                    "host = excluded.host, pid = excluded.pid, started_at = now(), beat_at = now(), "
                    "last_seq = excluded.last_seq, sensor_batch = excluded.sensor_batch, sensors = excluded.sensors",
                    (socket.gethostname(), os.getpid(), self.journal.next_seq - 1, self.sensor_batch, len(table)))
            else:
                connection.execute("UPDATE service SET beat_at = now(), sensor_batch = %s WHERE id = 1",
                                   (self.sensor_batch,))
            if rows.size:
                connection.execute("SELECT pg_notify('console_event', 'sensors')")
        self._sensor_version = version

    def _listen(self) -> None:
        """Wake the loop on every new command (a lost notification waits for the next poll, a second)."""
        listener = self.listener
        if listener is None:
            return
        try:
            listener.execute(f"LISTEN {COMMAND_CHANNEL}")
            while not listener.closed:
                for _ in listener.notifies(timeout=1.0):
                    self._woken.set()
        except Exception:  # noqa: BLE001  (closed by stop, or the database went: the poll goes on)
            return


class AlarmService:
    """Active or standby on one database, until ``stop``.

    Parameters
    ----------
    url : str
        ``postgresql://USER@HOST:PORT/DB``.
    build : callable
        Returns fresh ``Parts`` for each term (a takeover starts from the committed state, not from a
        table another term changed).
    on_state : callable, optional
        Called with a line whenever the service changes state (standby, active, lost the database).

    Attributes
    ----------
    state : str
        ``connecting``, ``standby``, ``active`` or ``stopped``.
    term : Term or None
        The current term while active (tests read its book).
    terms : int
        How many terms this service has begun.
    """

    def __init__(self, url: str, build: Callable[[], Parts], *, on_state: Callable[[str], None] | None = None,
                 clock_ms: Callable[[], int] = wall_ms, name: str = "console serve"):
        self.url = url
        self.where = shown_url(url)
        self.build = build
        self.on_state = on_state or (lambda line: None)
        self.clock_ms = clock_ms
        self.name = name
        self.state = "connecting"
        self.term: Term | None = None
        self.terms = 0
        self.commands_applied = 0
        self.last_seq = 0
        self.last_error: str | None = None

    def check(self) -> None:
        """Connect once and check the database (``SharedStateError`` for a wrong address, refused
        credentials, another program's database or a newer schema) before anything else starts."""
        connection = connect(self.url, autocommit=True, application=self.name)
        try:
            from console.shared.schema import check_schema

            check_schema(connection, self.where)
        finally:
            connection.close()

    def run(self, stop: threading.Event, duration_s: float | None = None) -> None:
        deadline = None if duration_s is None else time.monotonic() + duration_s
        while not stop.is_set() and (deadline is None or time.monotonic() < deadline):
            try:
                connection = connect(self.url, autocommit=True, application=self.name)
            except SharedStateError as error:
                self._say("connecting", f"cannot reach the shared journal: {error}")
                stop.wait(RETRY_S)
                continue
            try:
                self._serve(connection, stop, deadline)
            except SharedStateError:
                raise  # another program's database, a newer schema: nothing to wait for
            except Exception as error:  # noqa: BLE001  (a lost database ends the term, not the service)
                self.last_error = f"{type(error).__name__}: {error}".strip()
                self._say("connecting", f"lost the shared journal ({self.last_error}); starting again from "
                          "what was committed")
                stop.wait(RETRY_S / 2)
            finally:
                with contextlib.suppress(Exception):
                    connection.close()
        self.state = "stopped"

    def _serve(self, connection, stop: threading.Event, deadline: float | None) -> None:
        announced = False
        while not connection.execute("SELECT pg_try_advisory_lock(%s, %s)", LOCK_KEYS).fetchone()[0]:
            if not announced:
                self._say("standby", f"standby on {self.where}: another alarm service is active")
                announced = True
            if stop.wait(TAKEOVER_POLL_S) or (deadline is not None and time.monotonic() >= deadline):
                return
        create_schema(connection, self.where)
        listener = connect(self.url, autocommit=True, application=f"{self.name} (commands)")
        term = Term(connection, listener, self.build(), clock_ms=self.clock_ms)
        self.terms += 1
        self.term = term
        self._say("active", f"active on {self.where} from event {term.journal.next_seq - 1}, "
                  f"{len(term.book.alarms)} alarm(s) restored")
        clean = False
        try:
            term.run(stop, deadline)
            clean = True
        finally:
            self.term = None
            self.commands_applied += term.commands_applied
            self.last_seq = max(self.last_seq, term.journal.next_seq - 1)
            try:
                term.stop(write=clean)
            finally:
                if clean:
                    connection.execute("SELECT pg_advisory_unlock(%s, %s)", LOCK_KEYS)

    def _say(self, state: str, line: str) -> None:
        self.state = state
        self.on_state(line)
