"""Saving, checkpointing and restoring a whole alarm book.

A replay keeps checkpoints of the book (``save_state``/``load_state``) to seek
without playing from the start; the journal rebuilds a book after a restart
through ``restore``. Both go through these methods only, so no other module
writes the book's fields.
"""

from __future__ import annotations

import pickle
import zlib
from collections import deque
from dataclasses import fields

from console.model.alarms.incidents import rebuild_index
from console.model.alarms.lifecycle import AlarmState
from console.model.alarms.rate import AlarmRate
from console.model.alarms.records import FAULT_KIND, Alarm, BookRecords, Incident, LevelStep, Note

_ALARM_FIELDS = tuple(f.name for f in fields(Alarm))
_INCIDENT_FIELDS = tuple(f.name for f in fields(Incident))
_STATE_AT = _ALARM_FIELDS.index("state")
_HISTORY_AT = _ALARM_FIELDS.index("history")
_NOTES_AT = _ALARM_FIELDS.index("notes")

__all__ = ["BookCheckpoints"]


class BookCheckpoints:
    """The saving and restoring half of ``AlarmBook`` (a mixin: the book is the only user)."""

    _STATE_FIELDS = (
        "alarms",
        "incidents",
        "clock_ms",
        "_next_alarm_id",
        "_next_transition",
        "_next_action",
        "_next_incident",
        "_annunciations",
        "_index",
        "_shelved",
    )

    def numbering(self) -> dict[str, int]:
        """The next alarm, transition, action and incident numbers."""
        return {
            "alarm": self._next_alarm_id,
            "transition": self._next_transition,
            "action": self._next_action,
            "incident": self._next_incident,
        }

    def save_state(self) -> bytes:
        """Everything the book knows, as compact bytes (alarms, incidents, numbering, clock).

        Records not yet taken (``take_records``) are not part of it.
        """
        state = {name: getattr(self, name) for name in self._STATE_FIELDS}
        # Alarms and incidents as plain tuples: pickled as dataclasses (an enum, a slotted step each)
        # a storm's book took ~70 us an alarm, 200 ms and more a checkpoint; as tuples about a tenth.
        state["alarms"] = [_alarm_tuple(a) for a in self.alarms.values()]
        state["incidents"] = [tuple(getattr(i, name) for name in _INCIDENT_FIELDS) for i in self.incidents.values()]
        return zlib.compress(pickle.dumps(state, protocol=pickle.HIGHEST_PROTOCOL), 1)

    def load_state(self, state: bytes) -> None:
        """Replace the book's contents by a ``save_state``.

        ``version`` keeps growing and every alarm and incident counts as changed;
        views that kept alarms the saved book did not have must drop them (see
        ``console.feeds.replay.Replay.generation``). Pending records are discarded.
        """
        loaded = pickle.loads(zlib.decompress(state))
        loaded["alarms"] = {values[0]: _alarm_from(values) for values in loaded["alarms"]}
        loaded["incidents"] = {values[0]: Incident(*values) for values in loaded["incidents"]}
        for name in self._STATE_FIELDS:
            setattr(self, name, loaded[name])
        self._change_log = deque()
        for alarm in self.alarms.values():
            self._touch_alarm(alarm)
        for incident in self.incidents.values():
            self._touch_incident(incident)
        self._records = BookRecords()
        self._dirty_alarms = {}
        self._dirty_incidents = {}
        self._index_dispatches()

    def restore(self, alarms: list[Alarm], incidents: list[Incident], annunciations: list[int], next_ids: dict) -> None:
        """Fill an empty book with restored alarms and incidents (the journal's restore path).

        ``next_ids`` holds the next ``alarm``, ``transition``, ``action`` and
        ``incident`` numbers and the ``clock_ms`` of the newest record. The sensors'
        ``alarm_id`` and ``alarm_state`` are set from the open alarms.
        """
        table = self.table
        for alarm in alarms:
            self.alarms[alarm.alarm_id] = alarm
            self._touch_alarm(alarm)
            if alarm.closed_ms is None and alarm.sensor_row >= 0:
                if alarm.kind == FAULT_KIND:
                    table.fault_id[alarm.sensor_row] = alarm.alarm_id
                else:
                    table.alarm_id[alarm.sensor_row] = alarm.alarm_id
                    table.alarm_state[alarm.sensor_row] = alarm.state
                self.clock_ms = max(self.clock_ms, alarm.changed_ms)
        for incident in incidents:
            self.incidents[incident.incident_id] = incident
            self._touch_incident(incident)
        self._shelved = {a.alarm_id for a in alarms if a.state == AlarmState.SHELVED and a.closed_ms is None}
        self._index_dispatches()
        table.mark_changed(table.alarm_id >= 0, style=True)
        self._annunciations = AlarmRate(annunciations)
        if len(self._annunciations):
            self.clock_ms = max(self.clock_ms, self._annunciations.newest)
        self.clock_ms = max(self.clock_ms, next_ids.get("clock_ms", 0))
        self._next_alarm_id = max(self._next_alarm_id, next_ids.get("alarm", 1))
        self._next_transition = max(self._next_transition, next_ids.get("transition", 1))
        self._next_action = max(self._next_action, next_ids.get("action", 1))
        self._next_incident = max(self._next_incident, next_ids.get("incident", 1))
        # Areas, scores and trends are not journaled: rebuilt from the members (ids stay as they were).
        rebuild_index(self._index, self.incidents, self.alarms, table, self.clock_ms)
        self._dirty_alarms, self._dirty_incidents = {}, {}


def _alarm_tuple(alarm: Alarm) -> tuple:
    values = [getattr(alarm, name) for name in _ALARM_FIELDS]
    values[_STATE_AT] = int(alarm.state)
    values[_HISTORY_AT] = [(h.t_ms, h.level_from, h.level_to, h.value, h.threshold, h.trigger) for h in alarm.history]
    values[_NOTES_AT] = [(n.t_ms, n.operator, n.text, n.kind) for n in alarm.notes]
    return tuple(values)


def _alarm_from(values: tuple) -> Alarm:
    values = list(values)
    values[_STATE_AT] = AlarmState(values[_STATE_AT])
    values[_HISTORY_AT] = [LevelStep(*h) for h in values[_HISTORY_AT]]
    values[_NOTES_AT] = [Note(*n) for n in values[_NOTES_AT]]
    return Alarm(*values)
