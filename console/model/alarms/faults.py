"""Sensor-fault items of the alarm book: a stuck or chattering sensor, for its maintenance unit.

A fault item is an ``Alarm`` of kind ``fault``: it has the lifecycle, the
operator actions and the journal rows of any alarm, but no level, no incident,
and no place in the level counts or the alarm rate (``AlarmBook`` leaves it out
of those). A sensor has at most one open fault item beside its open process
alarm; the table's ``fault_id`` points to it.
"""

from __future__ import annotations

import math

from console.model.alarms.lifecycle import AlarmState, TransitionKind
from console.model.alarms.records import FAULT_KIND, Alarm, LevelStep
from console.model.sensor_checks import FaultChange

__all__ = ["BookFaults"]


class BookFaults:
    """The sensor-fault half of ``AlarmBook`` (a mixin: the book is the only user)."""

    def apply_faults(self, changes: list[FaultChange]) -> None:
        """Raise, update, return or reactivate fault items (from ``RuleEngine.checks.take_changes``)."""
        for change in sorted(changes, key=lambda c: (c.t_ms, c.row)):
            self._apply_fault(change)
        self._flush()

    def fault_items(self, *, open_only: bool = True) -> list[Alarm]:
        """Sensor-fault items (open ones by default), by id."""
        return [a for a in self.alarms.values() if a.kind == FAULT_KIND and (a.closed_ms is None or not open_only)]

    def _apply_fault(self, change: FaultChange) -> None:
        table = self.table
        row = change.row
        self.clock_ms = max(self.clock_ms, change.t_ms)
        item_id = int(table.fault_id[row])
        item = self.alarms[item_id] if item_id >= 0 else None
        trigger = change.fault.name.lower()
        step = LevelStep(change.t_ms, 0, 0, change.value, math.nan, trigger)
        if change.active:
            if item is None:
                if not table.out_of_service[row]:
                    self._raise_fault(change, trigger, step)
                return
            kind = TransitionKind.REACTIVATE if not item.active else None
            item.trigger, item.reason, item.value, item.active = trigger, change.reason, change.value, True
            item.changed_ms = change.t_ms
            if kind is None:
                self._touch_alarm(item)  # another fault of a sensor already at fault
                return
        else:
            if item is None or not item.active or table.fault[row]:
                return  # nothing open, or another fault of the sensor goes on
            item.active, item.value, item.changed_ms = False, change.value, change.t_ms
            kind = TransitionKind.RETURN
        item.history.append(step)
        self._transition(item, change.t_ms, kind, step, None)

    def _raise_fault(self, change: FaultChange, trigger: str, step: LevelStep) -> Alarm:
        table = self.table
        row = change.row
        item = Alarm(
            alarm_id=self._next_alarm_id,
            sensor_row=row,
            sensor_id=table.ids[row],
            quantity=table.quantity[row],
            category=table.category[row],
            family=table.family[row],
            district=table.district[row],
            owner=table.owner[row],
            rule=change.rule,
            trigger=trigger,
            level=0,
            peak_level=0,
            threshold=math.nan,
            value=change.value,
            raised_ms=change.t_ms,
            changed_ms=change.t_ms,
            state=AlarmState.NORMAL,
            active=True,
            incident_id=0,
            kind=FAULT_KIND,
            reason=change.reason,
        )
        self._next_alarm_id += 1
        self.alarms[item.alarm_id] = item
        item.history.append(step)
        self._transition(item, change.t_ms, TransitionKind.RAISE, step, None)
        return item
