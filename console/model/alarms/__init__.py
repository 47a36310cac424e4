"""The alarm book and what it holds.

``book`` applies level changes and operator actions, ``lifecycle`` is the
transition table (ISA-18.2 states), ``records`` the alarms, incidents and the
typed records handed to the journal, ``incidents`` the grouping (by area or
neighbourhood) and the incident half of the book, ``rate`` the alarm rate,
``checkpoints`` saving and restoring a book, ``dispatch`` and ``deadlines`` the
dispatch loop with its response deadlines, and ``commands`` operator actions as
checked commands (``console act``).
"""

from console.model.alarms.book import ActionsRefused, AlarmBook
from console.model.alarms.commands import (
    COMMAND_ACTIONS,
    AlarmCommand,
    CommandRefused,
    apply_command,
    check_command,
)
from console.model.alarms.deadlines import STEPS, DeadlineTable
from console.model.alarms.dispatch import (
    ESCALATION_ACTION,
    SYSTEM_OPERATOR,
    Deadline,
    next_deadline,
    overdue_steps,
)
from console.model.alarms.lifecycle import (
    ANNUNCIATING_KINDS,
    LEVEL_KINDS,
    TRANSITIONS,
    AlarmState,
    OperatorAction,
    RefusedTransition,
    TransitionKind,
)
from console.model.alarms.rate import RATE_MEMORY_MS, RATE_WINDOW_S, AlarmRate, SortedTimes
from console.model.alarms.records import (
    ALARM_COLUMNS,
    CLASSIFICATIONS,
    FAULT_KIND,
    INCIDENT_COLUMNS,
    LEVEL_KIND,
    ActionRecord,
    Alarm,
    BookChanges,
    BookRecords,
    Incident,
    LevelStep,
    Note,
    TransitionRecord,
    alarm_row,
    incident_row,
)

__all__ = [
    "ALARM_COLUMNS",
    "COMMAND_ACTIONS",
    "ESCALATION_ACTION",
    "STEPS",
    "SYSTEM_OPERATOR",
    "AlarmCommand",
    "CommandRefused",
    "Deadline",
    "DeadlineTable",
    "apply_command",
    "check_command",
    "next_deadline",
    "overdue_steps",
    "ANNUNCIATING_KINDS",
    "CLASSIFICATIONS",
    "FAULT_KIND",
    "INCIDENT_COLUMNS",
    "LEVEL_KIND",
    "LEVEL_KINDS",
    "RATE_MEMORY_MS",
    "RATE_WINDOW_S",
    "TRANSITIONS",
    "ActionRecord",
    "ActionsRefused",
    "Alarm",
    "AlarmBook",
    "AlarmRate",
    "AlarmState",
    "BookChanges",
    "BookRecords",
    "Incident",
    "LevelStep",
    "Note",
    "OperatorAction",
    "RefusedTransition",
    "SortedTimes",
    "TransitionKind",
    "TransitionRecord",
    "alarm_row",
    "incident_row",
]
