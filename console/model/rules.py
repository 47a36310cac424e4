"""Graded alarm rules: the vectorised rule engine over a rules file.

The rules file (docs/rules.md) is read and checked by ``console.model.rule_file``
(``RuleSet``, re-exported here); the ``th_iv..th_i`` fields of a sensor layer
override its thresholds, sensor by sensor.

The engine turns the readings of a batch into level changes. Levels are judged
per sensor in time order, exactly as if readings came one by one, but only the
few sensors whose level may move are looked at one reading at a time; the
common case (no change) stays in NumPy.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

import numpy as np

from console.errors import InputError
from console.model.readings import Quality
from console.model.rule_file import DEFAULT_RULES_PATH, KNOWN_QUANTITIES, Rule, RuleSet, check_order
from console.model.sensor_checks import FaultChange, SensorChecks
from console.model.sensors import NO_TIME, IngestResult, SensorStatus, SensorTable

__all__ = [
    "DEFAULT_RULES_PATH",
    "KNOWN_QUANTITIES",
    "FaultChange",
    "LevelChange",
    "Rule",
    "RuleEngine",
    "RuleSet",
]


@dataclass(slots=True)
class LevelChange:
    """A sensor's level moved (one per change, few per batch).

    Levels are codes: 0 none, 1..4 = I..IV. ``trigger`` is ``"threshold"`` or
    ``"rate"`` (what put the sensor at the new level) or ``"clear"`` (back to 0).
    ``threshold`` is the threshold of the new level, the rate limit (per minute)
    for a rate, or the threshold of the level left when clearing. ``chattering``
    is the sensor's chattering flag after this change. ``reason`` names what
    confirmed a worse level when it was held back (``confirm_count=2: 2 readings
    in 60 s``), empty when it was raised at the first reading.
    """

    row: int
    t_ms: int
    level_from: int
    level_to: int
    value: float
    threshold: float
    trigger: str
    rule: str
    chattering: bool
    reason: str = ""


def _severity(level):
    """Level code (0, 1..4 = I..IV) to severity (0, 4..1): larger is worse."""
    return np.where(level == 0, 0, 5 - np.asarray(level, dtype=np.int64))


_SEVERITY_WEIGHTS = np.array([1, 2, 3, 4], dtype=np.int8)  # columns IV, III, II, I
_SEVERITY_OF_LEVEL = np.array([0, 4, 3, 2, 1], dtype=np.int64)  # level code 0, I..IV -> severity
_SEVERITY_OF_CODE = (0, 4, 3, 2, 1)  # the same for one sensor at a time


class RuleEngine:
    """Rules bound to a sensor table: per-sensor settings as arrays.

    Parameters
    ----------
    rules : RuleSet
    table : SensorTable
        Writes ``table.levels`` and ``table.rule`` (the thresholds and rule in force).

    Attributes
    ----------
    warnings : list of str
        Problems that do not stop the rules (a sensor override for an id not in
        the table, sensors without any threshold).
    checks : SensorChecks
        Implausible jumps, stuck and chattering sensors; its ``take_changes()``
        gives the sensor faults begun or ended (for ``AlarmBook.apply_faults``).
    held_back : int
        Worse levels wanted by readings but never confirmed (``confirm_count``, ``delay_on_s``).

    Raises
    ------
    InputError
        A rule names a quantity no sensor
        has and the console does not know, or merged per-sensor thresholds are out
        of order for the direction.
    """

    def __init__(self, rules: RuleSet, table: SensorTable):
        self.rules = rules
        self.table = table
        self.warnings: list[str] = []
        n = len(table)
        self.sign = np.ones(n)
        self.signed_levels = np.full((n, 4), np.nan)
        self.deadband = np.zeros(n)
        self.delay_on_ms = np.zeros(n, dtype=np.int64)
        self.delay_off_ms = np.zeros(n, dtype=np.int64)
        self.rate_limit_per_ms = np.full(n, np.nan)
        self.rate_severity = np.zeros(n, dtype=np.int8)
        self.stale_after_ms = np.zeros(n, dtype=np.int64)
        self.chatter_count = np.zeros(n, dtype=np.int64)
        self.chatter_window_ms = np.zeros(n, dtype=np.int64)
        self.confirm_count = np.ones(n, dtype=np.int64)
        self.checks = SensorChecks(table)
        self.held_back = 0
        self._bind()

    # --- binding --------------------------------------------------------
    def _bind(self) -> None:
        rules, table = self.rules, self.table
        present = sorted(set(table.quantity.tolist()))
        for quantity in rules.quantities:
            if quantity not in KNOWN_QUANTITIES and quantity not in present:
                close = difflib.get_close_matches(quantity, sorted({*KNOWN_QUANTITIES, *present}), n=1)
                hint = f" (did you mean {close[0]!r}?)" if close else ""
                raise InputError(
                    rules.source, f"unknown quantity: no sensor measures it{hint}", key=f"quantity.{quantity}"
                )
        # A quantity without a rule does not stop the others: its sensors load, are watched for
        # silence (the [defaults] stale time) and raise no level; the warning names the quantity.
        missing = [q for q in present if q not in rules.quantities]
        for quantity in missing:
            count = int((table.quantity == quantity).sum())
            self.warnings.append(
                f"{rules.source}: no rule for the quantity {quantity!r} of {count} sensor(s) in {table.source}: "
                f"watched for silence only, no alarm levels (add [quantity.{quantity}])"
            )
        levels = np.full((len(table), 4), np.nan)
        rule_names = np.empty(len(table), dtype=object)
        for quantity in present:
            rows = np.flatnonzero(table.quantity == quantity)
            self._assign(rows, rules.rule_for(quantity), levels, rule_names)

        # Layer thresholds override the quantity's, level by level.
        from_layer = ~np.isnan(table.thresholds)
        levels[from_layer] = table.thresholds[from_layer]
        overridden = from_layer.any(axis=1)
        rule_names[overridden] = ["sensor:" + i for i in table.ids[overridden].tolist()]
        directions = {q: rules.rule_for(q).direction for q in present}
        self.sign = np.where(np.array([directions[q] == "low" for q in table.quantity]), -1.0, 1.0)
        if len(table) == 0:
            self.sign = np.ones(0)
        self._check_layer_order(levels, from_layer)

        for sensor_id in rules.sensors:
            try:
                row = table.row_of(sensor_id)
            except KeyError:
                self.warnings.append(f'{rules.source}: [sensor."{sensor_id}"] names no sensor of {table.source}')
                continue
            rule = rules.rule_for(table.quantity[row], sensor_id)
            layer_levels = levels[row].copy()
            self._assign(np.array([row]), rule, levels, rule_names)
            if "levels" not in rules.sensors[sensor_id]:
                levels[row] = np.where(np.isnan(layer_levels), levels[row], layer_levels)
            else:
                check_order(rule.levels, rule.direction, rules.source, f'sensor."{sensor_id}".levels')
            rules.check_sensor(table.quantity[row], sensor_id)

        unset = np.isnan(levels).all(axis=1) & np.isnan(self.rate_limit_per_ms) & ~np.isin(table.quantity, missing)
        for quantity in sorted(set(table.quantity[unset].tolist())):
            count = int((table.quantity[unset] == quantity).sum())
            self.warnings.append(
                f"{count} sensor(s) of quantity {quantity} have no thresholds "
                f"(give th_iv..th_i in the sensor layer or levels in {rules.source})"
            )
        self.signed_levels = self.sign[:, None] * levels
        table.levels = levels
        table.rule = rule_names
        self.checks.bound()
        self._bind_bands()

    def _bind_bands(self) -> None:
        """Per sensor and current severity, the band of signed values that cannot move the level.

        A level not used (NaN) is passed together with the next used one above it,
        so the severity reached is the number of thresholds passed. A reading with
        ``band_lo <= signed value < band_hi`` (and no rate, no pending delay) leaves
        the sensor as it is: most readings are settled by two comparisons.
        """
        n = len(self.table)
        effective = self.signed_levels.copy()
        effective[:, 3] = np.where(np.isnan(effective[:, 3]), np.inf, effective[:, 3])
        for k in (2, 1, 0):
            effective[:, k] = np.where(np.isnan(effective[:, k]), effective[:, k + 1], effective[:, k])
        self._band_hi = np.full((n, 5), np.inf)
        self._band_lo = np.full((n, 5), -np.inf)
        self._band_hi[:, :4] = effective
        self._band_lo[:, 1:] = effective - self.deadband[:, None]
        self._band_hi = self._band_hi.ravel()
        self._band_lo = self._band_lo.ravel()
        # Thresholds out of order cannot be banded: such sensors are judged reading by reading.
        self._step_always = (effective[:, 1:] < effective[:, :-1]).any(axis=1)
        self._any_step_always = bool(self._step_always.any())
        self._has_rate = ~np.isnan(self.rate_limit_per_ms)
        self._any_rate = bool(self._has_rate.any())

    def _assign(self, rows: np.ndarray, rule: Rule, levels: np.ndarray, rule_names: np.ndarray) -> None:
        levels[rows] = rule.levels
        rule_names[rows] = rule.name
        self.deadband[rows] = rule.deadband
        self.delay_on_ms[rows] = round(rule.delay_on_s * 1000)
        self.delay_off_ms[rows] = round(rule.delay_off_s * 1000)
        self.rate_limit_per_ms[rows] = rule.rate_per_min / 60000.0
        self.rate_severity[rows] = 5 - rule.rate_level if rule.rate_level else 0
        self.stale_after_ms[rows] = round(rule.stale_after_s * 1000)
        self.chatter_count[rows] = rule.chatter_count
        self.chatter_window_ms[rows] = round(rule.chatter_window_min * 60000)
        self.confirm_count[rows] = rule.confirm_count
        self.checks.assign(rows, rule)

    def _check_layer_order(self, levels: np.ndarray, from_layer: np.ndarray) -> None:
        signed = self.sign[:, None] * levels
        bad = np.zeros(len(levels), dtype=bool)
        for a in range(4):
            for b in range(a + 1, 4):
                bad |= signed[:, b] <= signed[:, a]  # NaN compares False
        bad &= from_layer.any(axis=1)
        if bad.any():
            row = int(np.flatnonzero(bad)[0])
            direction = "fall" if self.sign[row] < 0 else "rise"
            raise InputError(
                self.table.source,
                f"sensor {self.table.ids[row]}: thresholds IV..I {levels[row].tolist()} (layer th_iv..th_i over "
                f"the {self.table.quantity[row]} rule) must {direction} from level IV to level I",
                key="th_iv..th_i",
            )

    # --- evaluation -----------------------------------------------------
    def evaluate(self, ingest: IngestResult) -> list[LevelChange]:
        """Judge the live readings of an ingested batch; update levels; return the changes.

        Readings of ``BAD`` quality update the live value but not the level. An
        implausible jump is marked ``SUSPECT`` (in ``ingest.quality`` and, when it is the
        newest, the table's) and not judged. Sensor faults found on the way wait in
        ``checks.take_changes()``.
        """
        table = self.table
        judged = ingest.live & (ingest.quality != Quality.BAD)
        if judged.all():
            rows, t, value = ingest.rows, ingest.t_ms, ingest.value
        else:
            index = np.flatnonzero(judged)
            if index.size == 0:
                return []
            rows, t, value = ingest.rows[index], ingest.t_ms[index], ingest.value[index]
        if rows.size == 0:
            return []
        first = np.ones(len(rows), dtype=bool)
        first[1:] = rows[1:] != rows[:-1]
        last = np.ones(len(rows), dtype=bool)
        last[:-1] = first[1:]
        checks = self.checks
        checks.check_stuck(rows, t, value, first, last)
        implausible = checks.implausible(rows, t, value, first)
        if implausible is not None:
            positions = np.flatnonzero(implausible) if judged.all() else index[implausible]
            ingest.quality[positions] = Quality.SUSPECT
            newest = positions[ingest.t_ms[positions] == table.t_ms[ingest.rows[positions]]]
            table.quality[ingest.rows[newest]] = Quality.SUSPECT
            # A sensor that keeps jumping is chattering as much as one that keeps crossing a threshold:
            # an implausible reading counts as a crossing out and one back.
            for i in np.flatnonzero(implausible).tolist():
                row = int(rows[i])
                for direction in (1, -1):
                    checks.flipped(row, int(t[i]), direction, int(self.chatter_count[row]),
                                   int(self.chatter_window_ms[row]), float(value[i]))
            plausible = ~implausible
            rows, t, value = rows[plausible], t[plausible], value[plausible]
            if rows.size == 0:
                return []
            first = np.ones(len(rows), dtype=bool)
            first[1:] = rows[1:] != rows[:-1]
            last = np.ones(len(rows), dtype=bool)
            last[:-1] = first[1:]
        signed = self.sign[rows] * value
        current = _SEVERITY_OF_LEVEL[table.level[rows]]
        band = rows * 5 + current
        above = signed >= self._band_hi[band]
        below = signed < self._band_lo[band]
        waiting = table.pending_level[rows] >= 0
        if self._any_step_always:
            waiting |= self._step_always[rows]

        # Rate of change against the previous judged reading of the same sensor (sensors with a rate only).
        rate_severity = None
        rated = np.flatnonzero(self._has_rate[rows]) if self._any_rate else np.empty(0, dtype=np.int64)
        if rated.size:
            rate_severity = np.zeros(len(rows), dtype=np.int8)
            r_rows, r_t, r_value, r_first = rows[rated], t[rated], value[rated], first[rated]
            previous_value = np.empty(len(rated))
            previous_value[1:] = r_value[:-1]
            previous_t = np.empty(len(rated), dtype=np.int64)
            previous_t[1:] = r_t[:-1]
            previous_value[r_first] = table.rate_ref_value[r_rows[r_first]]
            previous_t[r_first] = table.rate_ref_t_ms[r_rows[r_first]]
            known = previous_t != NO_TIME
            dt = np.where(known, r_t - np.where(known, previous_t, 0), 0)
            with np.errstate(divide="ignore", invalid="ignore"):
                rate = self.sign[r_rows] * (r_value - previous_value) / dt
            hit = (dt > 0) & (rate >= self.rate_limit_per_ms[r_rows])
            rate_severity[rated] = np.where(hit, self.rate_severity[r_rows], 0)
            # A rate above the current level raises it; one at or above it holds it up.
            r_severity, r_current = rate_severity[rated], current[rated]
            above[rated] |= r_severity > r_current
            below[rated] &= r_severity < r_current

        moving = above | below | waiting
        if not moving.any():
            table.rate_ref_value[rows[last]] = value[last]
            table.rate_ref_t_ms[rows[last]] = t[last]
            return []
        changes: list[LevelChange] = []
        moving_rows = np.unique(rows[moving])
        starts = np.searchsorted(rows, moving_rows, side="left")
        ends = np.searchsorted(rows, moving_rows, side="right")
        # Only the readings of the moving sensors are judged one by one.
        lengths = ends - starts
        picked = np.repeat(starts - np.cumsum(lengths) + lengths, lengths) + np.arange(int(lengths.sum()))
        p_rows = rows[picked]
        p_signed = signed[picked]
        thresholds = self.signed_levels[p_rows]
        up = (np.greater_equal(p_signed[:, None], thresholds) * _SEVERITY_WEIGHTS).max(axis=1)
        down = (
            np.greater_equal(p_signed[:, None], thresholds - self.deadband[p_rows][:, None]) * _SEVERITY_WEIGHTS
        ).max(axis=1)
        p_rate = rate_severity[picked] if rate_severity is not None else np.zeros(len(picked), dtype=np.int8)
        # A crossing of a chattering sensor: the reading is at another threshold level than the one before
        # it, jumped there by more than the deadband, and (``SensorChecks.flipped``) turns back from the
        # sensor's last crossing. A real rise through the levels, one that jitters about a threshold by its
        # noise, or passes a rate limit now and then, is the process, not the sensor.
        previous = np.where(first[picked], table.rate_ref_value[p_rows], value[np.maximum(picked - 1, 0)])
        signed_previous = self.sign[p_rows] * previous
        up_previous = (np.greater_equal(signed_previous[:, None], thresholds) * _SEVERITY_WEIGHTS).max(axis=1)
        jumped = ~(np.abs(value[picked] - previous) <= self.deadband[p_rows])
        crossed = np.where(jumped, np.sign(up.astype(np.int64) - up_previous), 0)
        table.rate_ref_value[rows[last]] = value[last]
        table.rate_ref_t_ms[rows[last]] = t[last]
        columns = (
            t[picked].tolist(),
            value[picked].tolist(),
            up.tolist(),
            down.tolist(),
            np.maximum(up, p_rate).tolist(),
            np.maximum(down, p_rate).tolist(),
            p_rate.tolist(),
            crossed.tolist(),
        )
        offsets = np.cumsum(lengths) - lengths
        for row, start, end in zip(moving_rows.tolist(), offsets.tolist(), (offsets + lengths).tolist(), strict=True):
            self._step_sensor(row, start, end, columns, changes)
        # Pending delays are state too (journaled); only level changes alter the symbol.
        table.mark_changed(moving_rows, style=False)
        table.mark_changed(np.unique([c.row for c in changes]).astype(np.int64), style=True)
        return changes

    def _step_sensor(self, row: int, start: int, end: int, columns, changes: list[LevelChange]) -> None:
        """Judge one sensor's readings one by one (only sensors whose level may move)."""
        table = self.table
        t, value, up, down, up_all, down_all, rate_severity, crossed = columns
        current = _SEVERITY_OF_CODE[int(table.level[row])]
        pending_level = int(table.pending_level[row])
        pending = -1 if pending_level < 0 else _SEVERITY_OF_CODE[pending_level]
        since = int(table.pending_since_ms[row])
        count = int(table.pending_count[row])
        delay_on, delay_off = int(self.delay_on_ms[row]), int(self.delay_off_ms[row])
        confirm = int(self.confirm_count[row])
        flip_count, flip_window = int(self.chatter_count[row]), int(self.chatter_window_ms[row])
        for i in range(start, end):
            if up_all[i] > current:
                target = up_all[i]
            elif down_all[i] < current:
                target = down_all[i]
            else:
                target = current
            if crossed[i]:
                self.checks.flipped(row, t[i], crossed[i], flip_count, flip_window, value[i])
            if target == current:
                if pending > current:
                    self.held_back += 1  # a worse level that was never confirmed
                pending, count = -1, 0
                continue
            if pending < 0 or (pending > current) != (target > current):
                since, count = t[i], 0
            pending = target
            count += 1
            worse = target > current
            if t[i] - since < (delay_on if worse else delay_off) or (worse and count < confirm):
                continue
            # The rate decides when it alone reaches the target.
            plain = up[i] if worse else down[i]
            by_rate = rate_severity[i] == target and plain < target
            reason = ""
            if worse and (count > 1 or t[i] > since):
                reason = f"confirm_count={confirm} delay_on_s={delay_on / 1000:g}: {count} readings in " \
                         f"{(t[i] - since) / 1000:g} s"
            changes.append(self._change(row, t[i], current, target, value[i], by_rate, reason))
            current, pending, count = target, -1, 0
        table.level[row] = 0 if current == 0 else 5 - current
        table.pending_level[row] = -1 if pending < 0 else 5 - pending if pending else 0
        table.pending_since_ms[row] = since if pending >= 0 else NO_TIME
        table.pending_count[row] = count if pending >= 0 else 0

    def _change(self, row: int, t_ms: int, old: int, new: int, value: float, by_rate: bool,
                reason: str = "") -> LevelChange:
        table = self.table
        if new == 0:
            # Back to normal: nothing triggers; keep the threshold of the level left.
            trigger, threshold = "clear", float(table.levels[row, old - 1])
        elif by_rate:
            trigger, threshold = "rate", float(self.rate_limit_per_ms[row] * 60000.0)
        else:
            trigger, threshold = "threshold", float(table.levels[row, new - 1])
        chattering = self._count_transition(row, t_ms)
        return LevelChange(
            row=row,
            t_ms=t_ms,
            level_from=0 if old == 0 else 5 - old,
            level_to=0 if new == 0 else 5 - new,
            value=value,
            threshold=threshold,
            trigger=trigger,
            rule=table.rule[row],
            chattering=chattering,
            reason=reason,
        )

    def _count_transition(self, row: int, t_ms: int) -> bool:
        window = int(self.chatter_window_ms[row])
        times = [x for x in self.table.chatter_times.get(row, []) if x > t_ms - window]
        times.append(t_ms)
        self.table.set_chatter_times(row, times)
        chattering = len(times) >= int(self.chatter_count[row])
        self.table.chattering[row] = chattering
        return chattering

    # --- time passing ---------------------------------------------------
    def check_stale(self, now_ms: int) -> np.ndarray:
        """Mark live sensors silent for longer than their stale_after_s; return those rows."""
        table = self.table
        live = table.status == SensorStatus.LIVE
        silent = live & (now_ms - np.where(live, table.t_ms, now_ms) > self.stale_after_ms)
        return table.set_status(np.flatnonzero(silent), SensorStatus.STALE)

    def expire_chatter(self, now_ms: int) -> list[int]:
        """Clear the chattering flag of sensors that calmed down by ``now_ms``; return those rows."""
        table = self.table
        calmed = []
        for row in np.flatnonzero(table.chattering).tolist():
            window = int(self.chatter_window_ms[row])
            old = table.chatter_times.get(row, [])
            times = [x for x in old if x > now_ms - window]
            if len(times) != len(old):
                table.set_chatter_times(row, times)
            if len(times) < int(self.chatter_count[row]):
                table.chattering[row] = False
                calmed.append(row)
        table.mark_changed(calmed, style=True)
        self.checks.expire_flips(now_ms, self.chatter_count, self.chatter_window_ms)
        return calmed
