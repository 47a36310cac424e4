"""What the alarm book holds and hands out: alarms, incidents and the records of each change.

The book emits ``BookRecords`` (typed transition and action records plus snapshot
rows of changed alarms and incidents); the journal serialises them as they come
and never reads the book itself. The column tuples below are the journal's
``alarm`` and ``incident`` columns, in order.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import NamedTuple

import numpy as np

from console.model.alarms.lifecycle import AlarmState

__all__ = [
    "ALARM_COLUMNS",
    "CLASSIFICATIONS",
    "FAULT_KIND",
    "INCIDENT_COLUMNS",
    "LEVEL_KIND",
    "ActionRecord",
    "Alarm",
    "BookChanges",
    "BookRecords",
    "Incident",
    "LevelStep",
    "Note",
    "TransitionRecord",
    "alarm_row",
    "incident_row",
]

CLASSIFICATIONS = ("handled", "false_alarm", "test", "duplicate")
# Alarm kinds: a process alarm (a level of the rules) or a sensor-fault item.
LEVEL_KIND, FAULT_KIND = "level", "fault"


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
    """An operator's note, or (``kind`` ``feedback``) the responsible unit's feedback on a dispatch."""

    t_ms: int
    operator: str
    text: str
    kind: str = "note"


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

    ``kind`` is ``"level"`` for a process alarm or ``"fault"`` for a sensor-fault
    item (the sensor itself is stuck or chattering: a matter for its maintenance
    unit, ``owner``): such an item has level 0, ``trigger`` ``stuck`` or
    ``chattering``, no incident, and never counts as a level alarm or in the
    alarm rate. ``reason`` names the rule's settings that raised the item or held
    it back (``confirm_count=2 ...: 2 readings in 60 s``); empty when a level was
    raised at its first reading.
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
    kind: str = "level"
    reason: str = ""
    # The dispatch loop (``dispatch``): the steps of the unit, their absolute deadlines
    # (set at the dispatch) and the steps escalated as overdue (comma-separated ``STEPS``).
    dispatch_note: str | None = None
    unit_acked_ms: int | None = None
    unit_acked_by: str | None = None
    on_site_ms: int | None = None
    on_site_by: str | None = None
    due_unit_ack_ms: int | None = None
    due_on_site_ms: int | None = None
    due_handled_ms: int | None = None
    escalated: str = ""
    history: list[LevelStep] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    version: int = field(default=0, compare=False)

    @property
    def closed(self) -> bool:
        return self.closed_ms is not None

    @property
    def is_fault(self) -> bool:
        return self.kind == FAULT_KIND

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
    ``area`` is what grouped it (``district:<name>``, ``warning:<id>``, or "" for
    a neighbourhood, see ``incidents``); ``score`` the severity of its active
    members and ``trend`` the score's steps (t_ms, change) of the trend window.
    These three are the book's working state and not journal columns.
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
    area: str = ""
    score: int = 0
    trend: list[tuple[int, int]] = field(default_factory=list, compare=False)


# Columns of an alarm's journal row, in order (lists and version excluded).
ALARM_COLUMNS = tuple(f.name for f in fields(Alarm) if f.name not in ("history", "notes", "version"))
INCIDENT_COLUMNS = tuple(f.name for f in fields(Incident) if f.name not in ("alarm_ids", "districts", "version", "area",
                                                                              "score", "trend"))


class TransitionRecord(NamedTuple):
    """One transition of an alarm, as the journal's ``transition`` row (states by key)."""

    seq: int
    alarm_id: int
    t_ms: int
    kind: str
    state_from: str
    state_to: str
    level_from: int | None
    level_to: int | None
    value: float | None
    threshold: float | None
    trigger: str | None
    operator: str | None


class ActionRecord(NamedTuple):
    """One operator action, as the journal's ``action`` row (``detail`` is JSON text)."""

    seq: int
    t_ms: int
    operator: str
    action: str
    alarm_id: int | None
    sensor_id: str | None
    detail: str


@dataclass
class BookRecords:
    """What the book hands to the journal after an operation.

    ``transitions``: ``TransitionRecord`` rows; ``actions``: ``ActionRecord`` rows.
    ``alarms`` and ``incidents`` are snapshot rows in ``ALARM_COLUMNS`` /
    ``INCIDENT_COLUMNS`` order (``alarm_row``, ``incident_row``), taken when the
    records are, so the journal's thread never reads a live alarm. ``service``:
    (sensor_row, out_of_service).
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


def checked_operator(operator: str) -> str:
    operator = (operator or "").strip()
    if not operator:
        raise ValueError("an operator action needs the operator's name")
    return operator


def id_list(alarm_ids) -> list[int]:
    """One id or several, each once, in the order given."""
    if isinstance(alarm_ids, int | np.integer):
        return [int(alarm_ids)]
    return list(dict.fromkeys(int(i) for i in alarm_ids))
