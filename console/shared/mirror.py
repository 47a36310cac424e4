"""A console's copy of the shared state: the alarms, incidents, events and sensor levels it has read.

Only the console's reader thread writes it (``apply``), under ``lock``; views
read under the same lock, or pull ``version`` and look again when it grew.
``gaps`` and ``repeats`` count events that did not follow the last one by
exactly one: both stay zero (the tests check it).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import NamedTuple

from console.model.alarms import Alarm, Incident
from console.shared.restore import alarm_from_row, incident_from_row

__all__ = ["Event", "Read", "SharedMirror"]


class Event(NamedTuple):
    """One row of ``event``: a transition or an operator action, with who made it and on which console."""

    seq: int
    t_ms: int
    kind: str
    name: str
    alarm_id: int | None
    operator: str | None
    console: str | None
    command_id: str | None
    body: dict


@dataclass
class Read:
    """What one read from the database brought."""

    events: list[Event] = field(default_factory=list)
    alarms: list[tuple] = field(default_factory=list)  # alarm_id, version, occurrence, last_seq, record, history, notes
    incidents: list[tuple] = field(default_factory=list)  # record, alarm_ids, districts
    sensors: list[tuple] = field(default_factory=list)  # sensor_id, batch, level, status, value, t_ms
    answers: list[tuple] = field(default_factory=list)  # command_id, status, reason, seq


class SharedMirror:
    """The state a console shows.

    Attributes
    ----------
    alarms : dict of int to Alarm
    occurrence, alarm_version : dict of int to int
        What the service said about each alarm (an action carries them back).
    incidents : dict of int to Incident
    events : list of Event
        Every event read, by seq.
    last_seq, sensor_batch : int
        The newest event and sensor batch read: the next read asks for what came after.
    sensors : dict of str to (level, status, value, t_ms)
    version : int
        One more for each read that changed something.
    """

    def __init__(self):
        self.lock = threading.RLock()
        self.alarms: dict[int, Alarm] = {}
        self.occurrence: dict[int, int] = {}
        self.alarm_version: dict[int, int] = {}
        self.incidents: dict[int, Incident] = {}
        self.events: list[Event] = []
        self.last_seq = 0
        self.sensor_batch = 0
        self.sensors: dict[str, tuple] = {}
        self.version = 0
        self.gaps = 0
        self.repeats = 0

    def apply(self, read: Read) -> bool:
        """Take one read in; returns whether anything changed."""
        with self.lock:
            for event in read.events:
                if event.seq <= self.last_seq:
                    self.repeats += 1
                    continue
                if event.seq != self.last_seq + 1:
                    self.gaps += 1
                self.events.append(event)
                self.last_seq = event.seq
            for alarm_id, version, occurrence, _seq, record, history, notes in read.alarms:
                if version < self.alarm_version.get(alarm_id, 0):
                    continue  # a read from before one already applied
                # ``sensor_row`` is the service's row: a view with its own table looks the sensor up by id.
                self.alarms[alarm_id] = alarm_from_row(record, history, notes, record["sensor_row"])
                self.alarms[alarm_id].version = version
                self.alarm_version[alarm_id], self.occurrence[alarm_id] = version, occurrence
            for record, alarm_ids, districts in read.incidents:
                incident = incident_from_row(record, alarm_ids, districts)
                self.incidents[incident.incident_id] = incident
            for sensor_id, batch, level, status, value, t_ms in read.sensors:
                self.sensors[sensor_id] = (level, status, value, t_ms)
                self.sensor_batch = max(self.sensor_batch, batch)
            changed = bool(read.events or read.alarms or read.incidents or read.sensors)
            if changed:
                self.version += 1
            return changed

    def alarm_rows(self) -> dict[int, tuple]:
        """Each alarm's record as a comparable tuple (the tests compare books with it)."""
        from console.model.alarms import alarm_row
        from console.shared.writer import clean

        with self.lock:
            return {i: tuple(clean(v) for v in alarm_row(a)) for i, a in self.alarms.items()}
