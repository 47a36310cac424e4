"""Checks of the sensors themselves, beside the level rules: implausible jumps, stuck and chattering sensors.

A reading that moved further from the sensor's last plausible reading than its
quantity physically can in the time between (``plausible_rate_per_min``) is
marked suspect and not judged; once enough time has passed the same value is
plausible again, so a real step is held back by at most step / rate minutes.
A sensor that repeats the same value (within ``stuck_tolerance``) for
``stuck_count`` readings and ``stuck_after_s`` is stuck; one whose readings
cross to another level ``chatter_count`` times within ``chatter_window_min`` is
chattering. Both are sensor faults (``SensorFault``) for the maintenance unit,
reported to the alarm book as ``FaultChange`` and never as a level.

Everything here runs on the batch's columns; only the few sensors with an
implausible reading followed by more readings of the same batch are walked one
reading at a time.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from console.model.sensors import NO_TIME, SensorFault, SensorTable

__all__ = ["FaultChange", "SensorChecks"]

# Plain ints: an enum member's lookup costs more than the check on a hot path.
_STUCK, _CHATTERING = int(SensorFault.STUCK), int(SensorFault.CHATTERING)


@dataclass(slots=True)
class FaultChange:
    """A sensor fault began (``active``) or ended at ``t_ms``; ``reason`` names the rule's settings that found it."""

    row: int
    t_ms: int
    fault: SensorFault
    active: bool
    value: float
    rule: str
    reason: str


class SensorChecks:
    """Per-sensor settings of the checks as arrays, bound to a table (see the module docstring).

    Attributes
    ----------
    changes : list of FaultChange
        Faults begun or ended since the last ``take_changes``.
    suspect_readings : int
        Readings held back as implausible jumps since the checks were bound.
    """

    def __init__(self, table: SensorTable):
        n = len(table)
        self.table = table
        self.plausible_per_min = np.full(n, np.nan)
        self.stuck_after_ms = np.full(n, -1, dtype=np.int64)  # -1: no stuck check
        self.stuck_tolerance = np.zeros(n)
        self.stuck_count = np.zeros(n, dtype=np.int64)
        self.changes: list[FaultChange] = []
        self.suspect_readings = 0
        self._any_plausible = False
        self._any_stuck = False
        self._flips_swept = 64

    def assign(self, rows: np.ndarray, rule) -> None:
        self.plausible_per_min[rows] = rule.plausible_rate_per_min
        self.stuck_after_ms[rows] = -1 if np.isnan(rule.stuck_after_s) else round(rule.stuck_after_s * 1000)
        self.stuck_tolerance[rows] = rule.stuck_tolerance
        self.stuck_count[rows] = rule.stuck_count

    def bound(self) -> None:
        """Settings are assigned: note which checks any sensor has."""
        self._has_plausible = ~np.isnan(self.plausible_per_min)
        self._any_plausible = bool(self._has_plausible.any())
        self._has_stuck = self.stuck_after_ms >= 0
        self._any_stuck = bool(self._has_stuck.any())

    def take_changes(self) -> list[FaultChange]:
        changes, self.changes = self.changes, []
        return changes

    # --- implausible jumps ----------------------------------------------------
    def implausible(self, rows, t, value, first) -> np.ndarray | None:
        """Which readings jump further from the last plausible one than the quantity can (None: none do).

        ``rows`` are sorted by row then time; ``first`` marks each sensor's first reading.
        The reference is the sensor's last judged reading (``rate_ref_*``).
        """
        if not self._any_plausible:
            return None
        table = self.table
        limit = self.plausible_per_min[rows]
        previous_value = np.empty(len(rows))
        previous_value[1:] = value[:-1]
        previous_t = np.empty(len(rows), dtype=np.int64)
        previous_t[1:] = t[:-1]
        previous_value[first] = table.rate_ref_value[rows[first]]
        previous_t[first] = table.rate_ref_t_ms[rows[first]]
        known = previous_t != NO_TIME
        minutes = np.maximum((t - np.where(known, previous_t, t)) / 60000.0, 1.0)
        with np.errstate(invalid="ignore"):
            bad = known & (np.abs(value - previous_value) > limit * minutes)  # NaN limit or reference: False
        if not bad.any():
            return None
        # Against the previous reading is right while that one was plausible; a sensor with an
        # implausible reading before its last of the batch is walked against its last plausible one.
        last = np.ones(len(rows), dtype=bool)
        last[:-1] = first[1:]
        for row in np.unique(rows[bad & ~last]).tolist():
            start, end = np.searchsorted(rows, [row, row + 1])
            ref_t, ref_v = int(table.rate_ref_t_ms[row]), float(table.rate_ref_value[row])
            per_min = float(self.plausible_per_min[row])
            for i in range(start, end):
                jump = ref_t != NO_TIME and abs(value[i] - ref_v) > per_min * max((t[i] - ref_t) / 60000.0, 1.0)
                bad[i] = jump
                if not jump:
                    ref_t, ref_v = int(t[i]), float(value[i])
        self.suspect_readings += int(bad.sum())
        return bad

    # --- stuck sensors -----------------------------------------------------------
    def check_stuck(self, rows, t, value, first, last) -> None:
        """Follow each sensor's run of equal readings; a run long enough makes it stuck, a change ends that.

        Judged at every reading, so a sensor stuck and freed again within one long batch is still reported.
        """
        if not self._any_stuck:
            return
        table = self.table
        n = len(rows)
        position = np.arange(n)
        if first.all():
            # One reading per sensor (a feed's usual batch): no run inside the batch to follow.
            moved = ~(np.abs(value - table.steady_value[rows]) <= self.stuck_tolerance[rows])  # NaN: moved
            count = np.where(moved, 1, table.steady_count[rows] + 1)
            since = np.where(moved, t, table.steady_since_ms[rows])
        else:
            previous = np.empty(n)
            previous[1:] = value[:-1]
            previous[first] = table.steady_value[rows[first]]
            moved = ~(np.abs(value - previous) <= self.stuck_tolerance[rows])  # NaN (no earlier reading): moved
            last_moved = np.maximum.accumulate(np.where(moved, position, -1))
            group_start = np.maximum.accumulate(np.where(first, position, 0))
            carried = last_moved < group_start  # no change yet in this batch: the run goes on from the table's
            count = np.where(carried, table.steady_count[rows] + (position - group_start + 1),
                             position - last_moved + 1)
            since = np.where(carried, table.steady_since_ms[rows], t[np.maximum(last_moved, 0)])
        stuck = self._has_stuck[rows] & (count >= self.stuck_count[rows]) & (t - since >= self.stuck_after_ms[rows])
        before = np.empty(n, dtype=bool)
        before[1:] = stuck[:-1]
        before[first] = (table.fault[rows[first]] & _STUCK) != 0
        at = np.flatnonzero(last)
        r = rows[at]
        table.steady_value[r] = value[at]
        table.steady_since_ms[r] = since[at]
        table.steady_count[r] = np.minimum(count[at], np.iinfo(np.int32).max)
        for i in np.flatnonzero(stuck != before).tolist():  # few: where a sensor gets stuck or free
            row = int(rows[i])
            if stuck[i]:
                reason = (f"stuck_after_s={self.stuck_after_ms[row] / 1000:g} stuck_count={self.stuck_count[row]}: "
                          f"{int(count[i])} readings of {value[i]:g} in {(t[i] - since[i]) / 1000:g} s")
            else:
                reason = f"value changed to {value[i]:g}"
            self._set(row, int(t[i]), SensorFault.STUCK, bool(stuck[i]), float(value[i]), reason)

    # --- chattering sensors --------------------------------------------------------
    def flipped(self, row: int, t_ms: int, direction: int, count: int, window_ms: int, value: float) -> None:
        """A reading of ``row`` jumped to another level (``direction`` +1 worse, -1 better): count it when it
        turns back from the sensor's last crossing (few sensors, one by one)."""
        table = self.table
        if table.flip_direction.get(row) == direction:
            return
        table.flip_direction[row] = direction
        times = [x for x in table.flip_times.get(row, ()) if x > t_ms - window_ms]
        times.append(t_ms)
        table.flip_times[row] = times
        if len(times) >= count and not table.fault[row] & _CHATTERING:
            reason = f"chatter_count={count} chatter_window_min={window_ms / 60000:g}: {len(times)} level crossings"
            self._set(row, t_ms, SensorFault.CHATTERING, True, value, reason)

    def expire_flips(self, now_ms: int, counts: np.ndarray, windows_ms: np.ndarray) -> None:
        """End the chattering of sensors whose crossings fell below the count; now and then forget old crossings."""
        table = self.table
        flips = table.flip_times
        for row in np.flatnonzero(table.fault & _CHATTERING).tolist():
            times = [x for x in flips.get(row, ()) if x > now_ms - int(windows_ms[row])]
            flips[row] = times
            if len(times) < int(counts[row]):
                self._set(row, now_ms, SensorFault.CHATTERING, False, float(table.value[row]),
                          f"{len(times)} level crossings in the window")
        # Sensors that stopped crossing keep their old times until the list has doubled since the last sweep.
        if len(flips) > 2 * self._flips_swept:
            for row in list(flips):
                times = [x for x in flips[row] if x > now_ms - int(windows_ms[row])]
                if times:
                    flips[row] = times
                else:
                    del flips[row]
            self._flips_swept = max(len(flips), 64)

    def _set(self, row: int, t_ms: int, fault: SensorFault, active: bool, value: float, reason: str) -> None:
        table = self.table
        bits = int(table.fault[row])
        table.fault[row] = (bits | int(fault)) if active else (bits & ~int(fault))
        table.mark_changed([row], style=True)
        self.changes.append(FaultChange(row, t_ms, fault, active, value, str(table.rule[row]), reason))
