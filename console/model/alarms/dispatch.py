"""The dispatch loop of the alarm book: dispatch, the unit's steps, deadlines and escalation.

Dispatching sends an alarm to its responsible unit (usually the sensor's
``owner``) with a deadline for each step (``deadlines.STEPS``): the unit
acknowledges, is on site, and the alarm is handled (closed with a
classification). The deadlines are absolute times stored with the alarm, so a
restart finds the countdown where it was. ``check_deadlines`` (run by the
pipeline's tick, on the feed clock in a drill and the wall clock live) records an
escalation to the supervisor once for every step that passed its deadline
undone. Every step and every escalation is an action row of the journal.
"""

from __future__ import annotations

from typing import NamedTuple

from console.model.alarms.deadlines import STEPS, DeadlineTable
from console.model.alarms.lifecycle import OperatorAction
from console.model.alarms.records import Alarm, Note, id_list

__all__ = ["ESCALATION_ACTION", "SYSTEM_OPERATOR", "BookDispatch", "Deadline", "next_deadline", "overdue_steps"]

# An escalation is the console's own record, not an operator's: it is made again by the clock
# when a drill is played again, never replayed from the record.
ESCALATION_ACTION = "escalate_overdue"
SYSTEM_OPERATOR = "system"


class Deadline(NamedTuple):
    """A step of a dispatch not done yet and when it is due (UTC epoch ms)."""

    step: str
    due_ms: int


def _due(alarm: Alarm, step: str) -> int | None:
    return getattr(alarm, f"due_{step}_ms")


def _done(alarm: Alarm, step: str) -> bool:
    if step == "unit_ack":
        return alarm.unit_acked_ms is not None
    if step == "on_site":
        return alarm.on_site_ms is not None
    return alarm.closed_ms is not None


def next_deadline(alarm: Alarm) -> Deadline | None:
    """The first step of the alarm's dispatch not done yet, or None (not dispatched, closed, or all done)."""
    if alarm.dispatched_ms is None or alarm.closed_ms is not None:
        return None
    for step in STEPS:
        due = _due(alarm, step)
        if due is not None and not _done(alarm, step):
            return Deadline(step, int(due))
    return None


def overdue_steps(alarm: Alarm, now_ms: int) -> list[Deadline]:
    """Steps of the alarm's dispatch not done by ``now_ms`` although due, in order."""
    if alarm.dispatched_ms is None or alarm.closed_ms is not None:
        return []
    return [Deadline(step, int(_due(alarm, step))) for step in STEPS
            if _due(alarm, step) is not None and not _done(alarm, step) and _due(alarm, step) <= now_ms]


class BookDispatch:
    """The dispatch half of ``AlarmBook`` (a mixin: the book is the only user).

    The book sets ``deadlines`` (a ``DeadlineTable``; None: ``DeadlineTable.configured()``
    at the first dispatch) and ``_dispatched``: open alarms with deadlines to watch, each
    with a time no later than its next escalation (so that a tick skips the others).
    """

    def deadline_table(self) -> DeadlineTable:
        if self.deadlines is None:
            self.deadlines = DeadlineTable.configured()
        return self.deadlines

    def dispatch(self, alarm_ids, unit: str, operator: str, at_ms: int, note: str = "") -> None:
        """Send one alarm or several to the responsible unit (usually ``alarm.owner``); all or none.

        Each gets the deadlines of its most severe level from the ``deadlines`` table,
        counted from ``at_ms``. Dispatching again (another unit, or the same one anew)
        starts the steps and deadlines afresh.
        """
        operator = self._acting(operator)
        unit = (unit or "").strip()
        if not unit:
            raise ValueError("dispatch needs a unit")
        note = (note or "").strip()
        table = self.deadline_table()
        at_ms = int(at_ms)
        for alarm in [self._open_one(i) for i in id_list(alarm_ids)]:
            due = table.due_ms(alarm.peak_level, at_ms)
            alarm.dispatched_to, alarm.dispatched_by, alarm.dispatched_ms = unit, operator, at_ms
            alarm.dispatch_note = note or None
            alarm.unit_acked_ms = alarm.unit_acked_by = alarm.on_site_ms = alarm.on_site_by = None
            alarm.due_unit_ack_ms, alarm.due_on_site_ms, alarm.due_handled_ms = (due[s] for s in STEPS)
            alarm.escalated = ""
            self._dispatched[alarm.alarm_id] = due["unit_ack"]
            detail = {"unit": unit, "note": note, **{f"due_{s}_ms": due[s] for s in STEPS}}
            self._action(at_ms, operator, OperatorAction.DISPATCH, alarm, detail)
            self._touch_alarm(alarm)
        self._flush()

    def unit_acknowledged(self, alarm_ids, operator: str, at_ms: int, note: str = "") -> None:
        """The unit has acknowledged the dispatch (the operator records it); all or none."""
        operator = self._acting(operator)
        alarms = [self._dispatched_one(i) for i in id_list(alarm_ids)]
        for alarm in alarms:
            if alarm.unit_acked_ms is not None:
                raise ValueError(f"alarm {alarm.alarm_id}: the unit's acknowledgement is already recorded "
                                 f"(by {alarm.unit_acked_by})")
        for alarm in alarms:
            self._unit_ack(alarm, operator, int(at_ms), (note or "").strip(), {})
        self._flush()

    def on_site(self, alarm_ids, operator: str, at_ms: int, note: str = "") -> None:
        """The unit is on site; all or none. A unit on site has evidently received the dispatch:
        its acknowledgement, if not recorded, is recorded with it."""
        operator = self._acting(operator)
        alarms = [self._dispatched_one(i) for i in id_list(alarm_ids)]
        for alarm in alarms:
            if alarm.on_site_ms is not None:
                raise ValueError(f"alarm {alarm.alarm_id}: the unit's arrival on site is already recorded "
                                 f"(by {alarm.on_site_by})")
        note = (note or "").strip()
        at_ms = int(at_ms)
        for alarm in alarms:
            if alarm.unit_acked_ms is None:
                self._unit_ack(alarm, operator, at_ms, "", {"implied_by": "on_site"})
            alarm.on_site_ms, alarm.on_site_by = at_ms, operator
            self._step_action(alarm, OperatorAction.ON_SITE, "on_site", operator, at_ms, {"note": note})
        self._flush()

    def feedback(self, alarm_ids, text: str, operator: str, at_ms: int) -> None:
        """A feedback note from the unit on a dispatched alarm (what it found, what it did); all or none."""
        operator = self._acting(operator)
        text = (text or "").strip()
        if not text:
            raise ValueError("feedback needs text")
        for alarm in [self._dispatched_one(i) for i in id_list(alarm_ids)]:
            alarm.notes.append(Note(int(at_ms), operator, text, "feedback"))
            self._action(at_ms, operator, OperatorAction.FEEDBACK, alarm, {"text": text, "unit": alarm.dispatched_to})
            self._touch_alarm(alarm)
        self._flush()

    def check_deadlines(self, now_ms: int) -> list[tuple[int, str]]:
        """Escalate every step due by ``now_ms`` and not done, once; returns (alarm id, step) escalated.

        The escalation is recorded at the deadline itself (a console that was off records it late,
        at the right time), with the unit and the supervisor it goes to.
        """
        done = []
        supervisor = None
        now_ms = int(now_ms)
        for alarm_id, bound in sorted(self._dispatched.items()):
            if bound > now_ms:
                continue  # nothing of it can be due yet
            alarm = self.alarms.get(alarm_id)
            if alarm is None or next_deadline(alarm) is None:
                del self._dispatched[alarm_id]
                continue
            escalated = set(filter(None, alarm.escalated.split(",")))
            for step, due in overdue_steps(alarm, now_ms):
                if step in escalated:
                    continue
                if supervisor is None:
                    supervisor = self.deadline_table().supervisor
                escalated.add(step)
                alarm.escalated = ",".join(s for s in STEPS if s in escalated)
                self._action(due, SYSTEM_OPERATOR, ESCALATION_ACTION, alarm,
                             {"step": step, "due_ms": due, "unit": alarm.dispatched_to, "supervisor": supervisor})
                self._touch_alarm(alarm)
                done.append((alarm_id, step))
            self._watch(alarm)
        self._flush()
        return done

    def overdue_alarms(self, now_ms: int) -> list[Alarm]:
        """Open dispatched alarms with a step past its deadline at ``now_ms``, by id."""
        return [a for a in self.alarms.values() if a.dispatched_ms is not None and overdue_steps(a, int(now_ms))]

    def _watch(self, alarm: Alarm) -> None:
        """Watch the alarm until its next escalation, or no more when none can come."""
        escalated = alarm.escalated.split(",")
        pending = [_due(alarm, step) for step in STEPS if _due(alarm, step) is not None
                   and not _done(alarm, step) and step not in escalated] if alarm.closed_ms is None else []
        if pending:
            self._dispatched[alarm.alarm_id] = min(pending)
        else:
            self._dispatched.pop(alarm.alarm_id, None)

    # --- internals --------------------------------------------------------
    def _dispatched_one(self, alarm_id: int) -> Alarm:
        alarm = self._open_one(alarm_id)
        if alarm.dispatched_ms is None:
            raise ValueError(f"alarm {alarm.alarm_id} has not been dispatched: dispatch it to a unit first")
        return alarm

    def _unit_ack(self, alarm: Alarm, operator: str, at_ms: int, note: str, extra: dict) -> None:
        alarm.unit_acked_ms, alarm.unit_acked_by = at_ms, operator
        self._step_action(alarm, OperatorAction.UNIT_ACKNOWLEDGED, "unit_ack", operator, at_ms,
                          {"note": note, **extra})

    def _step_action(self, alarm: Alarm, action, step: str, operator: str, at_ms: int, detail: dict) -> None:
        due = _due(alarm, step)
        detail = {"unit": alarm.dispatched_to, "due_ms": due, "late": due is not None and at_ms > due, **detail}
        self._action(at_ms, operator, action, alarm, detail)
        self._touch_alarm(alarm)

    def _index_dispatches(self) -> None:
        """The open alarms with deadlines to watch, after a restore or a checkpoint's load."""
        self._dispatched = {}
        for alarm in self.alarms.values():
            self._watch(alarm)
