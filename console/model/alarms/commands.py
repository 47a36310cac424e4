"""Operator actions as plain commands: checked against the book, then applied as one journaled action.

A command names one alarm, the action, the operator, the time and the action's
fields. ``check_command`` says why the book would refuse it (the lifecycle
table, the dispatch loop, missing fields) without changing anything;
``apply_command`` checks and applies it. ``console act`` sends its command
through here, and a command is a flat dict (``as_dict``/``from_dict``) so it can
travel as one row to whoever owns the book.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from console.model.alarms.dispatch import next_deadline
from console.model.alarms.lifecycle import AlarmState, TransitionKind, allowed
from console.model.alarms.records import CLASSIFICATIONS, Alarm

__all__ = ["COMMAND_ACTIONS", "AlarmCommand", "CommandRefused", "apply_command", "check_command"]

# The action names of the command line, and the lifecycle transition each needs (None: none).
COMMAND_ACTIONS = {
    "acknowledge": TransitionKind.ACK,
    "shelve": TransitionKind.SHELVE,
    "unshelve": TransitionKind.UNSHELVE,
    "note": None,
    "dispatch": None,
    "unit-acknowledged": None,
    "on-site": None,
    "feedback": None,
    "close": None,
}


class CommandRefused(ValueError):
    """The book refuses a command; the message says why."""


@dataclass(frozen=True)
class AlarmCommand:
    """One operator action on one alarm.

    ``note`` is the note's or the feedback's text, the shelving reason, and the
    note of a dispatch, a step or a closure. ``until_ms`` ends a shelf.
    """

    action: str
    alarm_id: int
    operator: str
    at_ms: int
    unit: str = ""
    note: str = ""
    classification: str = ""
    until_ms: int | None = None

    def as_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> AlarmCommand:
        return cls(**data)


def check_command(book, command: AlarmCommand) -> Alarm:
    """The alarm the command applies to, or ``CommandRefused`` saying why it cannot."""
    c = command
    if c.action not in COMMAND_ACTIONS:
        raise CommandRefused(f"unknown action {c.action!r} (known: {', '.join(COMMAND_ACTIONS)})")
    if not (c.operator or "").strip():
        raise CommandRefused("an operator action needs the operator's name")
    alarm = book.alarms.get(int(c.alarm_id))
    if alarm is None:
        raise CommandRefused(f"no alarm {c.alarm_id} in the journal")
    if alarm.closed_ms is not None and c.action != "note":
        raise CommandRefused(f"alarm {alarm.alarm_id} is closed ({alarm.classification})")
    kind = COMMAND_ACTIONS[c.action]
    if kind is not None and not allowed(kind, alarm.state):
        raise CommandRefused(f"alarm {alarm.alarm_id} is {alarm.state.key}: {c.action} is not allowed from that state"
                             + (" (already acknowledged)" if c.action == "acknowledge" else ""))
    if c.action in ("note", "feedback") and not c.note.strip():
        raise CommandRefused(f"{c.action} needs text (--note)")
    if c.action == "shelve":
        if not c.note.strip():
            raise CommandRefused("shelving needs a reason (--note)")
        if c.until_ms is None or c.until_ms <= c.at_ms:
            raise CommandRefused("shelving needs an end after now (--until)")
    if c.action == "dispatch" and not (c.unit.strip() or alarm.owner):
        raise CommandRefused(f"alarm {alarm.alarm_id}'s sensor has no owner: name the unit (--unit)")
    if c.action in ("unit-acknowledged", "on-site", "feedback") and alarm.dispatched_ms is None:
        raise CommandRefused(f"alarm {alarm.alarm_id} has not been dispatched: dispatch it to a unit first")
    if c.action == "unit-acknowledged" and alarm.unit_acked_ms is not None:
        raise CommandRefused(f"alarm {alarm.alarm_id}: the unit's acknowledgement is already recorded")
    if c.action == "on-site" and alarm.on_site_ms is not None:
        raise CommandRefused(f"alarm {alarm.alarm_id}: the unit's arrival on site is already recorded")
    if c.action == "close" and c.classification not in CLASSIFICATIONS:
        given = f", not {c.classification!r}" if c.classification else ""
        raise CommandRefused(f"closing needs a classification (--classification): one of "
                             f"{', '.join(CLASSIFICATIONS)}{given}")
    return alarm


def apply_command(book, command: AlarmCommand) -> dict:
    """Check and apply one command; a plain description of the alarm after it.

    Raises
    ------
    CommandRefused
        Why the command was not applied (nothing changed).
    """
    alarm = check_command(book, command)
    c = command
    ids, at = [alarm.alarm_id], int(c.at_ms)
    try:
        if c.action == "acknowledge":
            book.acknowledge(ids, c.operator, at)
        elif c.action == "shelve":
            book.shelve(ids, c.note, int(c.until_ms), c.operator, at)
        elif c.action == "unshelve":
            book.unshelve(ids, c.operator, at)
        elif c.action == "note":
            book.note(ids, c.note, c.operator, at)
        elif c.action == "dispatch":
            book.dispatch(ids, c.unit.strip() or alarm.owner, c.operator, at, note=c.note)
        elif c.action == "unit-acknowledged":
            book.unit_acknowledged(ids, c.operator, at, note=c.note)
        elif c.action == "on-site":
            book.on_site(ids, c.operator, at, note=c.note)
        elif c.action == "feedback":
            book.feedback(ids, c.note, c.operator, at)
        elif c.action == "close":
            book.close(ids, c.classification, c.note, c.operator, at)
    except ValueError as exc:  # what the book itself refused
        raise CommandRefused(str(exc)) from None
    return describe(book.alarms[alarm.alarm_id])


def describe(alarm: Alarm) -> dict:
    """An alarm as plain data: state, dispatch, steps and deadlines (times UTC epoch ms)."""
    deadline = next_deadline(alarm)
    return {
        "alarm": alarm.alarm_id,
        "sensor": alarm.sensor_id,
        "kind": alarm.kind,
        "level": alarm.level,
        "peak_level": alarm.peak_level,
        "state": AlarmState(alarm.state).key,
        "active": alarm.active,
        "raised_ms": alarm.raised_ms,
        "owner": alarm.owner,
        "acked_by": alarm.acked_by,
        "dispatched_to": alarm.dispatched_to,
        "dispatched_by": alarm.dispatched_by,
        "dispatched_ms": alarm.dispatched_ms,
        "unit_acked_ms": alarm.unit_acked_ms,
        "on_site_ms": alarm.on_site_ms,
        "due_unit_ack_ms": alarm.due_unit_ack_ms,
        "due_on_site_ms": alarm.due_on_site_ms,
        "due_handled_ms": alarm.due_handled_ms,
        "next_step": deadline.step if deadline else None,
        "next_due_ms": deadline.due_ms if deadline else None,
        "escalated": [s for s in alarm.escalated.split(",") if s],
        "closed_ms": alarm.closed_ms,
        "classification": alarm.classification,
    }
