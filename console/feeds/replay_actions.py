"""Operator actions made during a replay, and making them again on a rebuilt book.

A replay (``console.feeds.replay.Replay``) keeps every action with the feed
clock at which it was made (``OperatorAction``); a seek rebuilds the state from
a checkpoint and makes the actions again at those moments (``apply_action``).
Only actions on alarms or sensors change the state (``changes_state``); a
handover or a drill's seek record only goes to the journal.
"""

from __future__ import annotations

from dataclasses import dataclass

from console.model.alarms import ESCALATION_ACTION, AlarmBook, lifecycle

__all__ = ["OperatorAction", "apply_action", "changes_state"]


@dataclass(frozen=True)
class OperatorAction:
    """An operator action made during a replay.

    ``clock_ms`` is the replay clock when it was made (where a seek replays it);
    the rest is the alarm book's action record: its time, operator, action name,
    alarm, sensor and details.
    """

    clock_ms: int
    t_ms: int
    operator: str
    action: str
    alarm_id: int | None
    sensor_id: str | None
    detail: dict


def apply_action(book: AlarmBook, action: OperatorAction) -> None:
    """Make a recorded operator action again on a rebuilt book."""
    a, detail = action, action.detail
    kind = lifecycle.OperatorAction
    if a.action == kind.ACKNOWLEDGE:
        book.acknowledge([a.alarm_id], a.operator, a.t_ms)
    elif a.action == kind.SHELVE:
        book.shelve([a.alarm_id], detail["reason"], detail["until_ms"], a.operator, a.t_ms)
    elif a.action == kind.UNSHELVE:
        book.unshelve([a.alarm_id], a.operator, a.t_ms)
    elif a.action == kind.NOTE:
        book.note(a.alarm_id, detail["text"], a.operator, a.t_ms)
    elif a.action == kind.DISPATCH:
        book.dispatch(a.alarm_id, detail["unit"], a.operator, a.t_ms, note=detail.get("note", ""))
    elif a.action == kind.UNIT_ACKNOWLEDGED and not detail.get("implied_by"):
        book.unit_acknowledged(a.alarm_id, a.operator, a.t_ms, note=detail.get("note", ""))
    elif a.action == kind.UNIT_ACKNOWLEDGED:
        pass  # recorded again by the on-site action that implied it
    elif a.action == kind.ON_SITE:
        book.on_site(a.alarm_id, a.operator, a.t_ms, note=detail.get("note", ""))
    elif a.action == kind.FEEDBACK:
        book.feedback(a.alarm_id, detail["text"], a.operator, a.t_ms)
    elif a.action == ESCALATION_ACTION:
        pass  # the console's own record: the clock makes it again as the drill plays
    elif a.action == kind.CLOSE:
        book.close(a.alarm_id, detail["classification"], detail["note"], a.operator, a.t_ms)
    elif a.action in (kind.OUT_OF_SERVICE, kind.IN_SERVICE):
        book.set_out_of_service([a.sensor_id], a.action == kind.OUT_OF_SERVICE, detail.get("reason", ""),
                                a.operator, a.t_ms)
    elif not changes_state(a) and a.alarm_id is None:
        book.record_action(a.action, a.operator, a.t_ms, **detail)
    else:
        raise ValueError(f"cannot replay the operator action {a.action!r}")


# Actions on alarms or sensors; the others (a handover, a drill's seek record) only go to the journal.
_STATE_ACTIONS = frozenset(lifecycle.OperatorAction) - {lifecycle.OperatorAction.SHIFT_START}


def changes_state(action: OperatorAction) -> bool:
    return action.action in _STATE_ACTIONS


