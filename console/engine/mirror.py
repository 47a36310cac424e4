"""The window's copy of the engine's state: a mirror table and a mirror book (no Qt).

Views (map binding, warning pane) read a ``SensorTable`` and an alarm book by
version: ``table.changed_since``, ``book.changes_since``, ``book.alarms``,
``book.alarm_rate``. ``EngineMirror.apply`` writes what the engine process sent
into the window's own table (through ``SensorTable.apply_mirrored``, its only
writer) and into ``BookMirror``, so the views work unchanged whether the state is
computed here (a drill) or in the engine process (live sources).

The mirror's action methods have the book's signatures, but they are commands:
they go to the engine, which applies and journals them, and the answer comes
back with a later update (``answers``; a refusal also goes to ``refused``).
"""

from __future__ import annotations

from collections.abc import Callable

from psygnal import Signal

from console.engine.protocol import Answer, Hello, Update
from console.model.alarms import BookChanges, TransitionKind
from console.model.alarms.lifecycle import allowed


class BookMirror:
    """The alarm book as the engine last reported it.

    Parameters
    ----------
    send : callable
        ``send(method, *args, **kwargs) -> request id``: hands an action to the engine.

    Attributes
    ----------
    alarms, incidents : dict
        Copies of the engine's alarms and incidents, by id.
    version : int
        Grows with every update that changed an alarm or an incident.
    clock_ms : int
        The engine book's clock at the last update.
    pending : dict of int to str
        Actions sent and not answered yet, by request id.

    Signals
    -------
    refused(str, str): the engine refused an action (method, reason).
    answered(object): an ``Answer`` arrived.
    """

    refused = Signal(str, str)
    answered = Signal(object)

    def __init__(self, send: Callable[..., int]):
        self._send = send
        self.alarms: dict = {}
        self.incidents: dict = {}
        self.version = 0
        self.clock_ms = 0
        self.pending: dict[int, str] = {}
        self._rate = 0
        self._deadlines = None

    # --- the read API of AlarmBook that views use ------------------------------
    def changes_since(self, version: int) -> BookChanges:
        alarms = [alarm for alarm in self.alarms.values() if alarm.version > version]
        incidents = [incident for incident in self.incidents.values() if incident.version > version]
        return BookChanges(self.version, sorted(alarms, key=lambda a: a.alarm_id),
                           sorted(incidents, key=lambda i: i.incident_id))

    def alarm_rate(self, now_ms: int | None = None, window_s: float | None = None) -> int:
        """Annunciations in the last ten minutes, as the engine counted them at its last update."""
        return self._rate

    def open_alarms(self) -> list:
        return [alarm for alarm in self.alarms.values() if alarm.closed_ms is None]

    # --- taking what the engine sent ------------------------------------------
    def apply(self, update: Update) -> None:
        if update.alarms or update.incidents or update.gone_alarms:
            self.version += 1
            for alarm in update.alarms:
                alarm.version = self.version  # versions are the mirror's own: views ask by them
                self.alarms[alarm.alarm_id] = alarm
            for incident in update.incidents:
                incident.version = self.version
                self.incidents[incident.incident_id] = incident
            for alarm_id in update.gone_alarms:
                self.alarms.pop(alarm_id, None)
        self._rate = update.alarm_rate
        self.clock_ms = update.clock_ms

    def answer(self, answer: Answer) -> None:
        self.pending.pop(answer.request, None)
        if not answer.ok:
            self.refused.emit(answer.method, answer.message)
        self.answered.emit(answer)

    # --- operator actions: commands to the engine ---------------------------------
    def _command(self, method: str, *args, **kwargs) -> int:
        request = self._send(method, *args, **kwargs)
        self.pending[request] = method
        return request

    def _expected(self, alarm_ids, kind: TransitionKind) -> list[int]:
        """The alarms the engine will change, as far as this copy knows (its answer is final)."""
        ids = [int(alarm_ids)] if isinstance(alarm_ids, int) else [int(i) for i in alarm_ids]
        return [i for i in ids if i in self.alarms and self.alarms[i].closed_ms is None
                and allowed(kind, self.alarms[i].state)]

    def acknowledge(self, alarm_ids, operator: str, at_ms: int) -> list[int]:
        self._command("acknowledge", alarm_ids, operator, at_ms)
        return self._expected(alarm_ids, TransitionKind.ACK)

    def shelve(self, alarm_ids, reason: str, until_ms: int, operator: str, at_ms: int) -> list[int]:
        self._command("shelve", alarm_ids, reason, until_ms, operator, at_ms)
        return self._expected(alarm_ids, TransitionKind.SHELVE)

    def unshelve(self, alarm_ids, operator: str, at_ms: int) -> list[int]:
        self._command("unshelve", alarm_ids, operator, at_ms)
        return self._expected(alarm_ids, TransitionKind.UNSHELVE)

    def note(self, alarm_ids, text: str, operator: str, at_ms: int) -> None:
        self._command("note", alarm_ids, text, operator, at_ms)

    def dispatch(self, alarm_ids, unit: str, operator: str, at_ms: int, note: str = "") -> None:
        self._command("dispatch", alarm_ids, unit, operator, at_ms, note=note)

    def unit_acknowledged(self, alarm_ids, operator: str, at_ms: int, note: str = "") -> None:
        self._command("unit_acknowledged", alarm_ids, operator, at_ms, note=note)

    def on_site(self, alarm_ids, operator: str, at_ms: int, note: str = "") -> None:
        self._command("on_site", alarm_ids, operator, at_ms, note=note)

    def feedback(self, alarm_ids, text: str, operator: str, at_ms: int) -> None:
        self._command("feedback", alarm_ids, text, operator, at_ms)

    def deadline_table(self):
        """The deadlines a dispatch will get (the engine process reads the same configured file)."""
        from console.model.alarms import DeadlineTable

        if self._deadlines is None:
            self._deadlines = DeadlineTable.configured()
        return self._deadlines

    def close(self, alarm_ids, classification: str, note: str, operator: str, at_ms: int) -> None:
        self._command("close", alarm_ids, classification, note, operator, at_ms)

    def record_action(self, action: str, operator: str, at_ms: int, **detail) -> None:
        self._command("record_action", action, operator, at_ms, **detail)


class EngineMirror:
    """The mirror table and book of one engine, and what else it reports (rule directions, sources).

    Parameters
    ----------
    table : SensorTable
        The window's table, built from its layers; the one the engine got a copy of.
    send : callable
        As for ``BookMirror``.

    Attributes
    ----------
    book : BookMirror
    sign : ndarray or None
        +1 / -1 per row (rule direction), from the engine's ``Hello``.
    journal : str
        The journal the engine writes ('' for none).
    sources : list of dict
        Per-source figures at the last report (``Engine.source_figures`` plus link and rejections).
    unknown_by_source : dict
        The most frequent unknown sensor ids per source.
    warnings : list of ActiveWarning
        The CAP warnings in force, most severe first, as the engine last reported them.
    warnings_version : int
        Grows when ``warnings`` changes (views ask by it).
    updates : int
        Updates applied.
    """

    def __init__(self, table, send: Callable[..., int]):
        self.table = table
        self.book = BookMirror(send)
        self.sign = None
        self.journal = ""
        self.sources: list[dict] = []
        self.unknown_by_source: dict[str, dict[str, int]] = {}
        self.warnings: list = []
        self.warnings_version = 0
        self.rule_warnings: list[str] = []  # from the engine's Hello
        self.updates = 0

    def apply(self, message) -> None:
        """Take one message from the engine (``Hello``, ``Update`` or ``Answer``)."""
        if isinstance(message, Hello):
            self.sign = message.sign
            self.journal = message.journal
            self.rule_warnings = list(message.rule_warnings)
            rows = range(len(self.table))
            self.table.apply_mirrored(list(rows), {"levels": message.levels, "rule": message.rule})
        elif isinstance(message, Update):
            self.table.apply_mirrored(message.rows, message.columns)
            self.book.apply(message)
            if message.sources is not None:
                self.sources = message.sources
                self.unknown_by_source = message.unknown_by_source or {}
            if message.warnings is not None:
                self.warnings = list(message.warnings)
                self.warnings_version += 1
            self.updates += 1
        elif isinstance(message, Answer):
            self.book.answer(message)
