"""The alarm book: alarm lifecycle, operator actions and incidents.

One open alarm per sensor at most. A sensor's level changes (from the rule
engine) raise, escalate, de-escalate, return and reactivate its alarm; operators
acknowledge, shelve, annotate, dispatch and close. Every transition and every
operator action is recorded for the journal. Alarms of the same family close in
space and time form one incident, so a burst of alarms reads as one event.

Views pull ``changes_since(version)`` on a timer; the book never calls back per
alarm. Not thread-safe: the thread that runs the pipeline owns the book.
"""

from __future__ import annotations

import bisect
import json
import math
import pickle
import zlib
from collections import deque
from contextlib import contextmanager
from dataclasses import dataclass, field, fields
from enum import IntEnum

import numpy as np

from console.model.rules import LevelChange
from console.model.sensors import SensorTable

__all__ = [
    "ALARM_COLUMNS",
    "CLASSIFICATIONS",
    "INCIDENT_COLUMNS",
    "Alarm",
    "AlarmBook",
    "AlarmState",
    "BookChanges",
    "BookRecords",
    "Incident",
    "LevelStep",
    "Note",
]

CLASSIFICATIONS = ("handled", "false_alarm", "test", "duplicate")
RATE_WINDOW_S = 600
# Annunciation times older than this (behind the newest) are forgotten.
_RATE_MEMORY_MS = 3_600_000
_CHANGE_LOG_LIMIT = 100_000


class AlarmState(IntEnum):
    """State of an alarm (ISA-18.2); the codes are those of ``SensorTable.alarm_state``."""

    NORMAL = 0  # inactive and acknowledged (or no alarm)
    UNACK = 1
    ACK = 2
    RTN_UNACK = 3
    SHELVED = 4
    OUT_OF_SERVICE = 5

    @property
    def key(self) -> str:
        """The lower-case name used in the journal and in DESIGN.md (``unack``...)."""
        return self.name.lower()

    @classmethod
    def from_key(cls, key: str) -> AlarmState:
        return cls[key.upper()]


@dataclass(slots=True)
class LevelStep:
    """One level change of an alarm (raise, escalation, de-escalation, return)."""

    t_ms: int
    level_from: int
    level_to: int
    value: float
    threshold: float
    trigger: str


@dataclass(slots=True)
class Note:
    t_ms: int
    operator: str
    text: str


@dataclass(eq=True)
class Alarm:
    """One alarm: a sensor's episode from raise to closure.

    Levels are codes 0 (none), 1..4 = I..IV. ``level`` is the current level (0
    once returned to normal), ``peak_level`` the most severe reached. ``value``
    is the value at the latest level change; ``threshold`` and ``trigger``
    (``threshold`` or ``rate``) are those of the latest raise, escalation or
    de-escalation (a return keeps them). ``rule`` names the rule in force
    (``quantity:<q>`` or ``sensor:<id>``). Times are UTC epoch ms. ``history`` lists the level changes and
    ``notes`` the operators' notes. Views read alarms; only the book changes them.
    """

    alarm_id: int
    sensor_row: int
    sensor_id: str
    quantity: str
    category: str
    family: str
    district: str
    owner: str
    rule: str
    trigger: str
    level: int
    peak_level: int
    threshold: float
    value: float
    raised_ms: int
    changed_ms: int
    state: AlarmState
    active: bool
    incident_id: int
    chattering: bool = False
    acked_by: str | None = None
    acked_ms: int | None = None
    shelved_reason: str | None = None
    shelved_by: str | None = None
    shelved_until_ms: int | None = None
    dispatched_to: str | None = None
    dispatched_by: str | None = None
    dispatched_ms: int | None = None
    closed_ms: int | None = None
    classification: str | None = None
    closed_by: str | None = None
    close_note: str | None = None
    history: list[LevelStep] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    version: int = field(default=0, compare=False)

    @property
    def closed(self) -> bool:
        return self.closed_ms is not None

    @property
    def needs_ack(self) -> bool:
        return self.state in (AlarmState.UNACK, AlarmState.RTN_UNACK)

    @property
    def suggest_shelving(self) -> bool:
        """A chattering alarm that is still shown: the operator may want to shelve it."""
        return self.chattering and self.state not in (AlarmState.SHELVED, AlarmState.OUT_OF_SERVICE)


@dataclass(eq=True)
class Incident:
    """Alarms of one family close in space and time.

    ``alarm_ids`` are in the order the alarms joined; the first is the alarm that
    opened the incident. ``x``, ``y`` is the first alarm's position (display CRS).
    """

    incident_id: int
    family: str
    first_alarm_id: int
    first_sensor_id: str
    first_ms: int
    last_ms: int
    peak_level: int
    x: float
    y: float
    alarm_ids: list[int] = field(default_factory=list)
    districts: list[str] = field(default_factory=list)
    version: int = field(default=0, compare=False)


# Columns of an alarm's journal row, in order (lists and version excluded).
ALARM_COLUMNS = tuple(f.name for f in fields(Alarm) if f.name not in ("history", "notes", "version"))
INCIDENT_COLUMNS = tuple(f.name for f in fields(Incident) if f.name not in ("alarm_ids", "districts", "version"))


@dataclass
class BookRecords:
    """What the book hands to the journal after an operation.

    ``transitions`` rows: (seq, alarm_id, t_ms, kind, state_from, state_to,
    level_from, level_to, value, threshold, trigger, operator). ``actions`` rows:
    (seq, t_ms, operator, action, alarm_id, sensor_id, detail JSON). ``alarms`` and
    ``incidents`` are snapshot rows in ``ALARM_COLUMNS`` / ``INCIDENT_COLUMNS``
    order. ``service``: (sensor_row, out_of_service).
    """

    transitions: list[tuple] = field(default_factory=list)
    actions: list[tuple] = field(default_factory=list)
    alarms: list[tuple] = field(default_factory=list)
    incidents: list[tuple] = field(default_factory=list)
    service: list[tuple] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.transitions or self.actions or self.alarms or self.incidents or self.service)


@dataclass
class BookChanges:
    """Alarms and incidents changed after a version, and the version to ask from next."""

    version: int
    alarms: list[Alarm]
    incidents: list[Incident]


class SortedTimes:
    """Times (ms) kept in order, counted in a window by bisection.

    The alarm rate is asked for several times a second while a flood adds thousands
    of annunciations an hour; counting them one by one grew with the flood.
    """

    def __init__(self, times=()):
        self._times = sorted(int(t) for t in times)
        self._head = 0  # times before it are forgotten

    def __len__(self) -> int:
        return len(self._times) - self._head

    @property
    def newest(self) -> int:
        return self._times[-1]

    def add(self, t_ms: int) -> None:
        if not self._times or t_ms >= self._times[-1]:
            self._times.append(t_ms)
        else:  # a late one (rare): keep the order
            bisect.insort(self._times, t_ms, lo=self._head)

    def forget_before(self, t_ms: int) -> None:
        self._head = bisect.bisect_left(self._times, t_ms, lo=self._head)
        if self._head > 4096 and self._head > len(self._times) // 2:
            del self._times[: self._head]
            self._head = 0

    def count(self, after_ms: int, until_ms: int) -> int:
        """How many times t with after_ms < t <= until_ms."""
        times, head = self._times, self._head
        return bisect.bisect_right(times, until_ms, lo=head) - bisect.bisect_right(times, after_ms, lo=head)

    def __iter__(self):
        return iter(self._times[self._head:])


class AlarmBook:
    """Alarms and incidents of one sensor table.

    Parameters
    ----------
    table : SensorTable
        The book writes ``alarm_id``, ``alarm_state`` and ``out_of_service``.
    incident_distance_m : float
        An alarm joins an incident when within this ground distance of one of
        its alarms of the same family raised at most ``incident_window_s`` before.
    incident_window_s : float

    Attributes
    ----------
    alarms : dict of int to Alarm
        Every alarm, open and closed (``purge_closed`` forgets old closed ones).
    incidents : dict of int to Incident
    version : int
        Grows with every change; see ``changes_since``.
    clock_ms : int
        The newest time the book has seen (level change or operator action).
    sink : callable or None
        Called with the ``BookRecords`` of each operator action (the journal).

    Operator actions take the operator's name and the time (UTC epoch ms) and are
    recorded with both. Actions on several alarms skip those they do not apply to
    and return the ids they changed.
    """

    def __init__(self, table: SensorTable, *, incident_distance_m: float = 500.0, incident_window_s: float = 600.0):
        self.table = table
        self.incident_distance_m = float(incident_distance_m)
        self.incident_window_ms = round(incident_window_s * 1000)
        self.alarms: dict[int, Alarm] = {}
        self.incidents: dict[int, Incident] = {}
        self.version = 0
        self.clock_ms = 0
        self.sink = None
        self._hold = 0
        self._next_alarm_id = 1
        self._next_transition = 1
        self._next_action = 1
        self._next_incident = 1
        self._annunciations = SortedTimes()
        self._change_log: deque[tuple[int, str, int]] = deque()
        # Recent alarm positions by (family, grid cell) for incident matching; a cell is at
        # least the incident distance wide, so the 3 x 3 cells around an alarm cover it.
        scales = table.ground_scale[np.isfinite(table.ground_scale) & (table.ground_scale > 0)]
        smallest_scale = float(scales.min()) if scales.size else 1.0
        self._cell = max(self.incident_distance_m, 1.0) / smallest_scale
        self._grid: dict[tuple[str, int, int], list[tuple[float, float, int, int]]] = {}
        self._shelved: set[int] = set()
        self._records = BookRecords()
        self._dirty_alarms: dict[int, None] = {}
        self._dirty_incidents: dict[int, None] = {}

    # --- reading ---------------------------------------------------------
    @property
    def next_alarm_id(self) -> int:
        """The id the next raised alarm will get (ids only grow)."""
        return self._next_alarm_id

    def alarm(self, alarm_id: int) -> Alarm:
        return self.alarms[alarm_id]

    def open_alarms(self) -> list[Alarm]:
        """Alarms not closed, by id."""
        return [a for a in self.alarms.values() if a.closed_ms is None]

    def active_alarms(self) -> list[Alarm]:
        """Open alarms whose condition is active, by id."""
        return [a for a in self.alarms.values() if a.closed_ms is None and a.active]

    def alarms_of_incident(self, incident_id: int) -> list[Alarm]:
        return [self.alarms[i] for i in self.incidents[incident_id].alarm_ids if i in self.alarms]

    def counts_by_level(self, *, include_shelved: bool = False) -> dict[int, int]:
        """Active open alarms per level (1..4 = I..IV); shelved and out-of-service ones left out by default."""
        hidden = {AlarmState.OUT_OF_SERVICE} | (set() if include_shelved else {AlarmState.SHELVED})
        counts = dict.fromkeys((1, 2, 3, 4), 0)
        for alarm in self.alarms.values():
            if alarm.closed_ms is None and alarm.active and alarm.state not in hidden:
                counts[alarm.level] += 1
        return counts

    def counts_by_state(self) -> dict[str, int]:
        """Open alarms per state key."""
        counts = {state.key: 0 for state in AlarmState}
        for alarm in self.alarms.values():
            if alarm.closed_ms is None:
                counts[alarm.state.key] += 1
        return counts

    def alarm_rate(self, now_ms: int | None = None, window_s: float = RATE_WINDOW_S) -> int:
        """Alarms annunciated in the ``window_s`` up to ``now_ms`` (default: the book's clock).

        An annunciation is a raise, reactivation or escalation that reaches the
        operator (not shelved or out of service). EEMUA 191 calls more than 10 per
        10 minutes a flood.
        """
        now = self.clock_ms if now_ms is None else int(now_ms)
        return self._annunciations.count(now - round(window_s * 1000), now)

    def changes_since(self, version: int) -> BookChanges:
        """Alarms and incidents changed after ``version`` (each once, by id)."""
        log = self._change_log
        if log and version < log[0][0] - 1:
            alarms = [a for a in self.alarms.values() if a.version > version]
            incidents = [i for i in self.incidents.values() if i.version > version]
            return BookChanges(self.version, alarms, incidents)
        alarm_ids: set[int] = set()
        incident_ids: set[int] = set()
        for entry_version, kind, key in reversed(log):
            if entry_version <= version:
                break
            (alarm_ids if kind == "alarm" else incident_ids).add(key)
        return BookChanges(
            self.version,
            [self.alarms[i] for i in sorted(alarm_ids) if i in self.alarms],
            [self.incidents[i] for i in sorted(incident_ids) if i in self.incidents],
        )

    # --- level changes from the rules -------------------------------------
    def apply(self, changes: list[LevelChange]) -> None:
        """Raise, escalate, de-escalate, return or reactivate alarms (changes in time order)."""
        for change in sorted(changes, key=lambda c: (c.t_ms, c.row)):
            self._apply_one(change)
        self._flush()

    def _apply_one(self, change: LevelChange) -> None:
        table = self.table
        row = change.row
        self.clock_ms = max(self.clock_ms, change.t_ms)
        alarm_id = int(table.alarm_id[row])
        alarm = self.alarms[alarm_id] if alarm_id >= 0 else None
        if alarm is None:
            if change.level_to == 0 or table.out_of_service[row]:
                return
            alarm = self._raise(
                row, change.t_ms, change.level_from, change.level_to, change.value, change.threshold, change.trigger
            )
        else:
            state = alarm.state
            step = LevelStep(change.t_ms, change.level_from, change.level_to, change.value, change.threshold, change.trigger)
            suppressed = state in (AlarmState.SHELVED, AlarmState.OUT_OF_SERVICE)
            if change.level_to == 0:
                kind = "return"
                new_state = {AlarmState.UNACK: AlarmState.RTN_UNACK, AlarmState.ACK: AlarmState.NORMAL}.get(state, state)
            elif not alarm.active:
                kind = "reactivate"
                new_state = state if suppressed else AlarmState.UNACK
            elif change.level_to < alarm.level:
                kind = "escalate"
                # A worse level must reach the operator again, even if the alarm was acknowledged.
                new_state = state if suppressed else AlarmState.UNACK
            else:
                kind = "deescalate"
                new_state = state
            alarm.history.append(step)
            alarm.level = change.level_to
            alarm.active = change.level_to > 0
            alarm.value = change.value
            if change.level_to:
                # A return keeps what raised the alarm on show.
                alarm.threshold, alarm.trigger = change.threshold, change.trigger
            alarm.changed_ms = change.t_ms
            if change.level_to and change.level_to < alarm.peak_level:
                alarm.peak_level = change.level_to
                self._raise_incident_peak(alarm)
            self._transition(alarm, change.t_ms, kind, state, new_state, step, None)
            if kind != "deescalate" and kind != "return" and new_state == AlarmState.UNACK:
                self._annunciate(change.t_ms)
        if change.chattering != alarm.chattering:
            self._set_chattering(alarm, change.chattering, change.t_ms)

    def chatter_ended(self, rows, t_ms: int) -> None:
        """The sensors at ``rows`` stopped chattering (from ``RuleEngine.expire_chatter``)."""
        for row in rows:
            alarm_id = int(self.table.alarm_id[row])
            if alarm_id >= 0 and self.alarms[alarm_id].chattering:
                self._set_chattering(self.alarms[alarm_id], False, t_ms)
        self._flush()

    def _raise(
        self, row: int, t_ms: int, level_from: int, level: int, value: float, threshold: float, trigger: str
    ) -> Alarm:
        table = self.table
        alarm = Alarm(
            alarm_id=self._next_alarm_id,
            sensor_row=row,
            sensor_id=table.ids[row],
            quantity=table.quantity[row],
            category=table.category[row],
            family=table.family[row],
            district=table.district[row],
            owner=table.owner[row],
            rule=table.rule[row],
            trigger=trigger,
            level=level,
            peak_level=level,
            threshold=threshold,
            value=value,
            raised_ms=t_ms,
            changed_ms=t_ms,
            state=AlarmState.UNACK,
            active=True,
            incident_id=0,
        )
        self._next_alarm_id += 1
        self.alarms[alarm.alarm_id] = alarm
        step = LevelStep(t_ms, level_from, level, value, threshold, trigger)
        alarm.history.append(step)
        self._join_incident(alarm)
        self._transition(alarm, t_ms, "raise", AlarmState.NORMAL, AlarmState.UNACK, step, None)
        self._annunciate(t_ms)
        return alarm

    # --- incidents --------------------------------------------------------
    def _join_incident(self, alarm: Alarm) -> None:
        table = self.table
        row = alarm.sensor_row
        x, y = float(table.x[row]), float(table.y[row])
        scale = float(table.ground_scale[row])
        t = alarm.raised_ms
        best, best_distance = None, math.inf
        located = math.isfinite(x) and math.isfinite(y)
        if located:
            cx, cy = math.floor(x / self._cell), math.floor(y / self._cell)
            for key in ((alarm.family, cx + i, cy + j) for i in (-1, 0, 1) for j in (-1, 0, 1)):
                entries = self._grid.get(key)
                if not entries:
                    continue
                # Entries are appended in time order; the old ones at the front can go.
                while entries and t - entries[0][2] > self.incident_window_ms:
                    entries.pop(0)
                for mx, my, _, incident_id in entries:
                    distance = math.hypot(mx - x, my - y) * scale
                    if distance <= self.incident_distance_m and distance < best_distance:
                        best, best_distance = self.incidents[incident_id], distance
        if best is None:
            best = Incident(
                incident_id=self._next_incident,
                family=alarm.family,
                first_alarm_id=alarm.alarm_id,
                first_sensor_id=alarm.sensor_id,
                first_ms=t,
                last_ms=t,
                peak_level=alarm.level,
                x=x,
                y=y,
            )
            self._next_incident += 1
            self.incidents[best.incident_id] = best
        self._add_member(best, alarm, x, y)
        self._touch_incident(best)

    def _add_member(self, incident: Incident, alarm: Alarm, x: float, y: float) -> None:
        incident.alarm_ids.append(alarm.alarm_id)
        incident.last_ms = max(incident.last_ms, alarm.raised_ms)
        incident.peak_level = min(incident.peak_level, alarm.peak_level)
        if alarm.district and alarm.district not in incident.districts:
            incident.districts = sorted([*incident.districts, alarm.district])
        alarm.incident_id = incident.incident_id
        self._remember_position(incident.incident_id, alarm.family, x, y, alarm.raised_ms)

    def _remember_position(self, incident_id: int, family: str, x: float, y: float, t_ms: int) -> None:
        if math.isfinite(x) and math.isfinite(y):
            key = (family, math.floor(x / self._cell), math.floor(y / self._cell))
            entries = self._grid.setdefault(key, [])
            entries.append((x, y, t_ms, incident_id))
            entries.sort(key=lambda entry: entry[2])

    def _raise_incident_peak(self, alarm: Alarm) -> None:
        incident = self.incidents.get(alarm.incident_id)
        if incident is not None and alarm.peak_level < incident.peak_level:
            incident.peak_level = alarm.peak_level
            self._touch_incident(incident)

    # --- operator actions --------------------------------------------------
    def acknowledge(self, alarm_ids, operator: str, at_ms: int) -> list[int]:
        """Acknowledge: ``unack`` -> ``ack``, ``rtn_unack`` -> ``normal``."""
        operator = _operator(operator)
        done = []
        for alarm in self._open(alarm_ids):
            if not alarm.needs_ack:
                continue
            new_state = AlarmState.ACK if alarm.state == AlarmState.UNACK else AlarmState.NORMAL
            alarm.acked_by, alarm.acked_ms = operator, int(at_ms)
            self._transition(alarm, at_ms, "ack", alarm.state, new_state, None, operator)
            self._action(at_ms, operator, "acknowledge", alarm, {})
            done.append(alarm.alarm_id)
        self._flush()
        return done

    def shelve(self, alarm_ids, reason: str, until_ms: int, operator: str, at_ms: int) -> list[int]:
        """Hide alarms until ``until_ms`` for a stated reason."""
        operator = _operator(operator)
        reason = (reason or "").strip()
        if not reason:
            raise ValueError("shelving needs a reason")
        if int(until_ms) <= int(at_ms):
            raise ValueError("a shelf must end after it starts")
        done = []
        for alarm in self._open(alarm_ids):
            if alarm.state in (AlarmState.SHELVED, AlarmState.OUT_OF_SERVICE):
                continue
            alarm.shelved_reason, alarm.shelved_by, alarm.shelved_until_ms = reason, operator, int(until_ms)
            self._transition(alarm, at_ms, "shelve", alarm.state, AlarmState.SHELVED, None, operator)
            self._action(at_ms, operator, "shelve", alarm, {"reason": reason, "until_ms": int(until_ms)})
            done.append(alarm.alarm_id)
        self._flush()
        return done

    def unshelve(self, alarm_ids, operator: str, at_ms: int) -> list[int]:
        """End shelving now: an active alarm comes back unacknowledged."""
        operator = _operator(operator)
        done = []
        for alarm in self._open(alarm_ids):
            if alarm.state != AlarmState.SHELVED:
                continue
            self._end_shelf(alarm, at_ms, "unshelve", operator)
            self._action(at_ms, operator, "unshelve", alarm, {})
            done.append(alarm.alarm_id)
        self._flush()
        return done

    def note(self, alarm_id: int, text: str, operator: str, at_ms: int) -> None:
        """Add an operator's note (closed alarms too)."""
        operator = _operator(operator)
        text = (text or "").strip()
        if not text:
            raise ValueError("a note needs text")
        alarm = self.alarms[alarm_id]
        alarm.notes.append(Note(int(at_ms), operator, text))
        self._action(at_ms, operator, "note", alarm, {"text": text})
        self._touch_alarm(alarm)
        self._flush()

    def record_action(self, action: str, operator: str, at_ms: int, **detail) -> None:
        """Journal an operator action that concerns no alarm, e.g. ``shift_start`` at a handover."""
        if not action:
            raise ValueError("an action needs a name")
        self._action(at_ms, _operator(operator), action, None, detail)
        self._flush()

    def dispatch(self, alarm_id: int, unit: str, operator: str, at_ms: int) -> None:
        """Send the alarm to the responsible unit (usually ``alarm.owner``)."""
        operator = _operator(operator)
        unit = (unit or "").strip()
        if not unit:
            raise ValueError("dispatch needs a unit")
        alarm = self._open_one(alarm_id)
        alarm.dispatched_to, alarm.dispatched_by, alarm.dispatched_ms = unit, operator, int(at_ms)
        self._action(at_ms, operator, "dispatch", alarm, {"unit": unit})
        self._touch_alarm(alarm)
        self._flush()

    def close(self, alarm_id: int, classification: str, note: str, operator: str, at_ms: int) -> None:
        """Close an alarm with a classification (``CLASSIFICATIONS``) and a note.

        The sensor's next level change opens a new alarm.
        """
        operator = _operator(operator)
        if classification not in CLASSIFICATIONS:
            raise ValueError(f"classification must be one of {', '.join(CLASSIFICATIONS)}, not {classification!r}")
        alarm = self._open_one(alarm_id)
        note = (note or "").strip()
        alarm.closed_ms, alarm.classification, alarm.closed_by, alarm.close_note = int(at_ms), classification, operator, note
        self._transition(alarm, at_ms, "close", alarm.state, AlarmState.NORMAL, None, operator)
        self._action(at_ms, operator, "close", alarm, {"classification": classification, "note": note})
        row = alarm.sensor_row
        if row >= 0 and self.table.alarm_id[row] == alarm.alarm_id:
            self.table.alarm_id[row] = -1
            self.table.alarm_state[row] = AlarmState.NORMAL
            self.table.mark_changed([row], style=True)
        self._flush()

    def set_out_of_service(self, sensor_ids, out_of_service: bool, reason: str, operator: str, at_ms: int) -> list[str]:
        """Take sensors out of service (no new alarms) or put them back.

        Back in service, a sensor still above a threshold raises its alarm again.
        Returns the ids whose service state changed.
        """
        operator = _operator(operator)
        reason = (reason or "").strip()
        table = self.table
        done = []
        for sensor_id in sensor_ids:
            row = table.row_of(sensor_id)
            if bool(table.out_of_service[row]) == bool(out_of_service):
                continue
            table.out_of_service[row] = bool(out_of_service)
            table.mark_changed([row], style=True)
            self._records.service.append((row, bool(out_of_service)))
            alarm_id = int(table.alarm_id[row])
            alarm = self.alarms[alarm_id] if alarm_id >= 0 else None
            action = "out_of_service" if out_of_service else "in_service"
            if alarm is not None and out_of_service:
                self._transition(alarm, at_ms, action, alarm.state, AlarmState.OUT_OF_SERVICE, None, operator)
            elif alarm is not None and alarm.state == AlarmState.OUT_OF_SERVICE:
                new_state = AlarmState.UNACK if alarm.active else AlarmState.NORMAL
                self._transition(alarm, at_ms, action, alarm.state, new_state, None, operator)
                if alarm.active:
                    self._annunciate(at_ms)
            elif alarm is None and not out_of_service and table.level[row] > 0:
                level = int(table.level[row])
                threshold = float(table.levels[row, 4 - level])
                alarm = self._raise(row, int(at_ms), 0, level, float(table.value[row]), threshold, "threshold")
            self._action(at_ms, operator, action, alarm, {"reason": reason}, sensor_id=sensor_id)
            done.append(sensor_id)
        self._flush()
        return done

    def expire_shelves(self, now_ms: int) -> list[int]:
        """Unshelve alarms whose shelf ended by ``now_ms``."""
        done = []
        for alarm_id in sorted(self._shelved):
            alarm = self.alarms[alarm_id]
            if alarm.shelved_until_ms is not None and alarm.shelved_until_ms <= now_ms:
                self._end_shelf(alarm, alarm.shelved_until_ms, "shelf_expired", None)
                done.append(alarm.alarm_id)
        self._flush()
        return done

    def purge_closed(self, before_ms: int) -> int:
        """Forget alarms closed before ``before_ms`` (they stay in the journal); returns how many."""
        old = [i for i, a in self.alarms.items() if a.closed_ms is not None and a.closed_ms < before_ms]
        for alarm_id in old:
            del self.alarms[alarm_id]
        return len(old)

    # --- internals --------------------------------------------------------
    def _open(self, alarm_ids) -> list[Alarm]:
        alarms = [self.alarms[int(i)] for i in alarm_ids]
        return [a for a in alarms if a.closed_ms is None]

    def _open_one(self, alarm_id: int) -> Alarm:
        alarm = self.alarms[int(alarm_id)]
        if alarm.closed_ms is not None:
            raise ValueError(f"alarm {alarm_id} is closed")
        return alarm

    def _end_shelf(self, alarm: Alarm, at_ms: int, kind: str, operator: str | None) -> None:
        new_state = AlarmState.UNACK if alarm.active else AlarmState.NORMAL
        self._transition(alarm, at_ms, kind, alarm.state, new_state, None, operator)
        if alarm.active:
            self._annunciate(at_ms)

    def _set_chattering(self, alarm: Alarm, chattering: bool, t_ms: int) -> None:
        alarm.chattering = chattering
        kind = "chatter_on" if chattering else "chatter_off"
        self._transition(alarm, t_ms, kind, alarm.state, alarm.state, None, None)

    def _transition(self, alarm, at_ms, kind, state_from, state_to, step: LevelStep | None, operator) -> None:
        at_ms = int(at_ms)
        self.clock_ms = max(self.clock_ms, at_ms)
        alarm.state = state_to
        if state_to == AlarmState.SHELVED:
            self._shelved.add(alarm.alarm_id)
        else:
            self._shelved.discard(alarm.alarm_id)
        self._records.transitions.append(
            (
                self._next_transition,
                alarm.alarm_id,
                at_ms,
                kind,
                AlarmState(state_from).key,
                AlarmState(state_to).key,
                step.level_from if step else None,
                step.level_to if step else None,
                step.value if step else None,
                step.threshold if step else None,
                step.trigger if step else None,
                operator,
            )
        )
        self._next_transition += 1
        row = alarm.sensor_row
        if row >= 0 and alarm.closed_ms is None:
            self.table.alarm_id[row] = alarm.alarm_id
            self.table.alarm_state[row] = state_to
            self.table.mark_changed([row], style=True)
        self._touch_alarm(alarm)

    def _action(self, at_ms, operator, action, alarm: Alarm | None, detail: dict, sensor_id: str | None = None) -> None:
        at_ms = int(at_ms)
        self.clock_ms = max(self.clock_ms, at_ms)
        self._records.actions.append(
            (
                self._next_action,
                at_ms,
                operator,
                action,
                alarm.alarm_id if alarm else None,
                sensor_id if sensor_id is not None else (alarm.sensor_id if alarm else None),
                json.dumps(detail, ensure_ascii=False, sort_keys=True),
            )
        )
        self._next_action += 1

    def _annunciate(self, t_ms: int) -> None:
        self._annunciations.add(int(t_ms))
        self._annunciations.forget_before(max(self._annunciations.newest, self.clock_ms) - _RATE_MEMORY_MS)

    def _touch_alarm(self, alarm: Alarm) -> None:
        self.version += 1
        alarm.version = self.version
        self._change_log.append((self.version, "alarm", alarm.alarm_id))
        self._dirty_alarms[alarm.alarm_id] = None
        self._trim_log()

    def _touch_incident(self, incident: Incident) -> None:
        self.version += 1
        incident.version = self.version
        self._change_log.append((self.version, "incident", incident.incident_id))
        self._dirty_incidents[incident.incident_id] = None
        self._trim_log()

    def _trim_log(self) -> None:
        while len(self._change_log) > _CHANGE_LOG_LIMIT:
            self._change_log.popleft()

    @contextmanager
    def holding(self):
        """Keep records for ``take_records`` instead of handing each operation to ``sink``."""
        self._hold += 1
        try:
            yield
        finally:
            self._hold -= 1

    def take_records(self) -> BookRecords:
        """The records since the last call, with a snapshot of each changed alarm and incident."""
        records = self._records
        records.alarms = [alarm_row(self.alarms[i]) for i in self._dirty_alarms if i in self.alarms]
        records.incidents = [incident_row(self.incidents[i]) for i in self._dirty_incidents]
        self._records = BookRecords()
        self._dirty_alarms = {}
        self._dirty_incidents = {}
        return records

    def _flush(self) -> None:
        if self._hold:
            return
        records = self.take_records()
        if records and self.sink is not None:
            self.sink(records)

    # --- saving and restoring the whole book (replay checkpoints) ------------------
    _STATE_FIELDS = (
        "alarms",
        "incidents",
        "clock_ms",
        "_next_alarm_id",
        "_next_transition",
        "_next_action",
        "_next_incident",
        "_annunciations",
        "_grid",
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
        return zlib.compress(pickle.dumps(state, protocol=pickle.HIGHEST_PROTOCOL), 1)

    def load_state(self, state: bytes) -> None:
        """Replace the book's contents by a ``save_state``.

        ``version`` keeps growing and every alarm and incident counts as changed;
        views that kept alarms the saved book did not have must drop them (see
        ``console.feeds.replay.Replay.generation``). Pending records are discarded.
        """
        loaded = pickle.loads(zlib.decompress(state))
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

    # --- restore ------------------------------------------------------------
    def load(self, alarms: list[Alarm], incidents: list[Incident], annunciations: list[int], next_ids: dict) -> None:
        """Fill an empty book with restored alarms and incidents (used by ``Journal.restore``)."""
        table = self.table
        for alarm in alarms:
            self.alarms[alarm.alarm_id] = alarm
            self._touch_alarm(alarm)
            if alarm.closed_ms is None and alarm.sensor_row >= 0:
                table.alarm_id[alarm.sensor_row] = alarm.alarm_id
                table.alarm_state[alarm.sensor_row] = alarm.state
                self.clock_ms = max(self.clock_ms, alarm.changed_ms)
        for incident in incidents:
            self.incidents[incident.incident_id] = incident
            for alarm_id in incident.alarm_ids:
                alarm = self.alarms.get(alarm_id)
                if alarm is not None and alarm.sensor_row >= 0:
                    row = alarm.sensor_row
                    self._remember_position(
                        incident.incident_id, alarm.family, float(table.x[row]), float(table.y[row]), alarm.raised_ms
                    )
            self._touch_incident(incident)
        self._shelved = {a.alarm_id for a in alarms if a.state == AlarmState.SHELVED and a.closed_ms is None}
        table.mark_changed(table.alarm_id >= 0, style=True)
        self._annunciations = SortedTimes(annunciations)
        if len(self._annunciations):
            self.clock_ms = max(self.clock_ms, self._annunciations.newest)
        self.clock_ms = max(self.clock_ms, next_ids.get("clock_ms", 0))
        self._next_alarm_id = max(self._next_alarm_id, next_ids.get("alarm", 1))
        self._next_transition = max(self._next_transition, next_ids.get("transition", 1))
        self._next_action = max(self._next_action, next_ids.get("action", 1))
        self._next_incident = max(self._next_incident, next_ids.get("incident", 1))
        self._dirty_alarms, self._dirty_incidents = {}, {}


def alarm_row(alarm: Alarm) -> tuple:
    """An alarm as a journal row (``ALARM_COLUMNS`` order)."""
    values = []
    for name in ALARM_COLUMNS:
        value = getattr(alarm, name)
        if name == "state":
            value = value.key
        elif isinstance(value, bool):
            value = int(value)
        values.append(value)
    return tuple(values)


def incident_row(incident: Incident) -> tuple:
    return tuple(getattr(incident, name) for name in INCIDENT_COLUMNS)


def _operator(operator: str) -> str:
    operator = (operator or "").strip()
    if not operator:
        raise ValueError("an operator action needs the operator's name")
    return operator
