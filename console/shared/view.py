"""The shared state as a window's views read it: a sensor table and an alarm book mirror (no Qt).

``SharedView.pump`` (called ten times a second on the GUI thread) copies what
the console's reader thread put in its ``SharedMirror`` into the window's own
sensor table (``SensorTable.apply_mirrored``, the mirror table's only writer)
and into ``SharedBook``, a ``BookMirror`` whose action methods become commands
to the alarm service. The views (map, warning pane, sensor detail) work on
them unchanged, as they do on the engine process's mirror.
"""

from __future__ import annotations

import dataclasses
import itertools
from collections import deque

import numpy as np

from console.engine.mirror import BookMirror
from console.model.alarms import ANNUNCIATING_KINDS, FAULT_KIND, RATE_WINDOW_S, AlarmState
from console.model.sensors import NO_TIME

__all__ = ["SharedBook", "SharedView"]

_ANNUNCIATING = {kind.value for kind in ANNUNCIATING_KINDS}


class SharedBook(BookMirror):
    """The alarm book of the shared state; actions go to the service through ``console`` (``SharedConsole``).

    An action on several alarms is one command per alarm, each with the occurrence
    this console shows, so one refusal (an alarm raised again) leaves the others applied.
    """

    def __init__(self, console):
        self.console = console
        self._requests = itertools.count(1)
        self._commands: dict[int, tuple[str, list[str]]] = {}
        self._annunciations: deque[int] = deque()
        super().__init__(self._send)

    def _send(self, method: str, *args, **kwargs) -> int:
        request = next(self._requests)
        if method == "record_action":
            action, operator, _at_ms = args
            ids = [self.console.act(action, operator, None, **kwargs)]
        else:
            alarm_ids, *rest = args
            names = {"acknowledge": (), "unshelve": (), "shelve": ("reason", "until_ms"), "note": ("text",),
                     "dispatch": ("unit",), "close": ("classification", "note")}[method]
            operator = rest[len(names)]
            extra = dict(zip(names, rest[:len(names)], strict=True))
            alarm_ids = [int(alarm_ids)] if isinstance(alarm_ids, int | np.integer) else [int(i) for i in alarm_ids]
            ids = [self.console.act(method, operator, alarm_id, **extra) for alarm_id in alarm_ids]
        self._commands[request] = (method, ids)
        return request

    def take_answers(self) -> None:
        """Emit ``refused`` for each refused command and forget answered requests."""
        for request, (method, ids) in list(self._commands.items()):
            answers = [self.console.answer(i) for i in ids]
            if any(answer is None for answer in answers):
                continue
            del self._commands[request]
            self.pending.pop(request, None)
            for status, reason in answers:
                if status == "refused":
                    self.refused.emit(method, reason or "")

    def take_alarms(self, alarms: list, incidents: list) -> None:
        if not (alarms or incidents):
            return
        self.version += 1
        for alarm in alarms:
            alarm = dataclasses.replace(alarm)  # the mirror's copy keeps the service's version
            alarm.version = self.version
            self.alarms[alarm.alarm_id] = alarm
        for incident in incidents:
            incident = dataclasses.replace(incident)
            incident.version = self.version
            self.incidents[incident.incident_id] = incident

    def take_events(self, events) -> None:
        for event in events:
            self.clock_ms = max(self.clock_ms, event.t_ms)
            if (event.kind == "transition" and event.name in _ANNUNCIATING
                    and event.body.get("state_to") == AlarmState.UNACK.key):
                alarm = self.alarms.get(event.alarm_id)
                if alarm is None or alarm.kind != FAULT_KIND:
                    self._annunciations.append(event.t_ms)
        while self._annunciations and self._annunciations[0] <= self.clock_ms - RATE_WINDOW_S * 1000:
            self._annunciations.popleft()
        self._rate = len(self._annunciations)


class SharedView:
    """The window's table and book on the shared state of ``console`` (a started ``SharedConsole``)."""

    def __init__(self, table, console):
        self.table = table
        self.console = console
        self.book = SharedBook(console)
        self._mirror_version = -1
        self._events_seen = 0
        self._alarm_versions: dict[int, int] = {}
        self._incidents: dict[int, object] = {}
        self._sensor_batch = -1

    @property
    def status(self):
        return self.console.status

    def pump(self) -> int:
        """Take what the reader brought since the last call; returns the table rows changed."""
        self.book.take_answers()
        mirror = self.console.mirror
        with mirror.lock:
            if mirror.version == self._mirror_version:
                return 0
            self._mirror_version = mirror.version
            alarms = [a for i, a in mirror.alarms.items() if self._alarm_versions.get(i) != a.version]
            for alarm in alarms:
                self._alarm_versions[alarm.alarm_id] = alarm.version
            incidents = [i for i in mirror.incidents.values() if self._incidents.get(i.incident_id) is not i]
            for incident in incidents:
                self._incidents[incident.incident_id] = incident
            events = mirror.events[self._events_seen:]
            self._events_seen = len(mirror.events)
            sensors = dict(mirror.sensors) if mirror.sensor_batch != self._sensor_batch else {}
            self._sensor_batch = mirror.sensor_batch
        self.book.take_alarms(alarms, incidents)
        self.book.take_events(events)
        return self._sensors(sensors) + self._alarm_columns(alarms)

    def _sensors(self, sensors: dict) -> int:
        if not sensors:
            return 0
        table = self.table
        ids = list(sensors)
        rows = table.rows_of(np.array(ids, dtype=object))
        known = rows >= 0
        values = [sensors[i] for i, k in zip(ids, known.tolist(), strict=True) if k]
        if not values:
            return 0
        level, status, value, t_ms = zip(*values, strict=True)
        table.apply_mirrored(rows[known], {
            "level": np.array(level, dtype=table.column_dtype("level")),
            "status": np.array(status, dtype=table.column_dtype("status")),
            "value": np.array([np.nan if v is None else v for v in value], dtype=np.float64),
            "t_ms": np.array([NO_TIME if t is None else t for t in t_ms], dtype=np.int64),
        })
        return int(known.sum())

    def _alarm_columns(self, alarms: list) -> int:
        """The sensors' ``alarm_id`` and ``alarm_state`` (their symbols) from the alarms that changed."""
        table = self.table
        changes: list[tuple[int, int, int]] = []  # row, alarm id, state
        for alarm in alarms:
            if alarm.kind == FAULT_KIND:
                continue
            row = int(table.rows_of(np.array([alarm.sensor_id], dtype=object))[0])
            if row < 0:
                continue
            if alarm.closed_ms is None:
                changes.append((row, alarm.alarm_id, int(alarm.state)))
            elif table.alarm_id[row] == alarm.alarm_id:
                changes.append((row, -1, int(AlarmState.NORMAL)))
        if changes:
            rows, alarm_id, state = zip(*changes, strict=True)
            table.apply_mirrored(np.array(rows), {
                "alarm_id": np.array(alarm_id, dtype=np.int64),
                "alarm_state": np.array(state, dtype=table.column_dtype("alarm_state"))})
        return len(changes)
