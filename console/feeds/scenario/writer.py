"""Normal behaviour, sensor faults, the ground truth, and the feed file, written in chunks of minutes.

Nothing here loops over readings in Python: each chunk of minutes is a
(sensors x minutes) matrix of values, turned into lines by
``console.feeds.codec.assemble_lines`` and compressed on worker threads.
"""

from __future__ import annotations

import gzip
import json
import math
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from console.feeds import codec
from console.feeds.scenario.events import Event
from console.feeds.scenario.sensors import FIVE_MINUTE_QUANTITIES, QUANTITIES, SensorSet
from console.feeds.timefmt import format_rfc3339, format_time
from console.model.levels import LEVEL_ROMAN

CHUNK_MINUTES = 20


@dataclass
class Normal:
    """Each sensor's normal behaviour: steady value, daily swing, noise, rounding, floor."""

    base: np.ndarray
    diurnal: np.ndarray
    peak_hour: np.ndarray
    noise_sd: np.ndarray
    decimals: np.ndarray
    floor: np.ndarray

    @classmethod
    def draw(cls, sensors: SensorSet, rng: np.random.Generator) -> Normal:
        n = len(sensors)
        normal = cls(np.zeros(n), np.zeros(n), np.zeros(n), np.zeros(n), np.full(n, 3), np.full(n, -np.inf))
        for quantity, spec in QUANTITIES.items():
            rows = sensors.rows(quantity)
            if len(rows) == 0:
                continue
            normal.base[rows] = rng.uniform(spec.base[0], spec.base[1], len(rows))
            normal.diurnal[rows] = spec.diurnal
            normal.peak_hour[rows] = spec.peak_hour
            normal.noise_sd[rows] = spec.noise_sd
            normal.decimals[rows] = spec.decimals
            normal.floor[rows] = spec.floor
        river = sensors.rows("river_level")
        if len(river):
            below = rng.uniform(0.8, 1.6, len(river))
            iv = sensors.levels[river, 0]
            normal.base[river] = np.where(np.isfinite(iv), iv - below, rng.uniform(18, 24, len(river)))
        other = ~np.isin(sensors.quantity, list(QUANTITIES))
        if other.any():  # a quantity this generator does not know: sit well inside the normal side of level IV
            iv = sensors.levels[other, 0]
            normal.base[other] = np.where(np.isfinite(iv), iv * np.where(sensors.high[other], 0.5, 1.5), 0.0)
            normal.noise_sd[other] = np.where(np.isfinite(iv), np.abs(iv) * 0.01, 0.01)
        return normal

    def gap(self, sensors: SensorSet, rows: np.ndarray) -> np.ndarray:
        """Distance from the steady value to the level IV threshold (NaN without one)."""
        return np.abs(sensors.levels[rows, 0] - self.base[rows])

    def clean(self, rows, minutes: np.ndarray, start_local_h: float) -> np.ndarray:
        """Noise-free values of ``rows`` at ``minutes`` (rows x minutes)."""
        hours = (start_local_h + minutes / 60.0) % 24
        phase = 2 * math.pi * (hours[None, :] - self.peak_hour[rows][:, None]) / 24
        return self.base[rows][:, None] + self.diurnal[rows][:, None] * np.cos(phase)


def levels_of(values: np.ndarray, thresholds: np.ndarray, high: np.ndarray) -> np.ndarray:
    """Level codes (0 none, 4 = IV ... 1 = I) of values (rows x times) against per-row thresholds IV..I."""
    crossed = np.zeros(values.shape, dtype=np.int64)
    for k in range(4):
        th = thresholds[:, k][:, None]
        crossed += np.where(high[:, None], values >= th, values <= th)
    return np.where(crossed > 0, 5 - crossed, 0)


@dataclass
class Faults:
    """Deliberate sensor faults: which sensors, what kind, when (minutes).

    A spike is one reading at level II; a stuck sensor repeats one value; a dropout
    is silent (half of them announced by offline/online status lines); a
    chattering sensor flips past level IV and back every minute (a loose contact);
    a drifting one wanders linearly towards level IV, to 60 % of the way (a
    calibration error the level rules cannot tell from the truth, so it stays
    inside level IV); a skewed clock runs ahead by ``skew_s`` until it is
    corrected, after which its next readings are older than its last ones.
    """

    spikes: list[tuple[int, int, float]]  # row, minute, value
    stuck: list[tuple[int, int, int, float]]  # row, first minute, end minute, value
    dropouts: list[tuple[int, int, int, bool]]  # row, first minute, end minute, announced by status lines
    chatter: list[tuple[int, int, int, float]]  # row, first minute, end minute, overshoot past level IV
    drift: list[tuple[int, int, int, float]] = field(default_factory=list)  # row, first, end, total drift
    skew: list[tuple[int, int, int, int]] = field(default_factory=list)  # row, first, end minute, seconds ahead

    @classmethod
    def draw(cls, sensors: SensorSet, normal: Normal, busy: np.ndarray, minutes: int, start_local_h: float,
             rng: np.random.Generator) -> Faults:
        """Faults on sensors that no event touches and whose quantity has noise and thresholds."""
        n = len(sensors)
        eligible = (~busy) & (normal.noise_sd > 0) & np.isfinite(sensors.levels).all(axis=1)
        pool = list(rng.permutation(np.flatnonzero(eligible)))

        def take(share: float, cap: int) -> list[int]:
            count = min(len(pool), max(1, min(cap, round(share * n))))
            chosen = [int(pool.pop()) for _ in range(count)]
            return sorted(chosen)

        def window(lo: int, hi: int) -> tuple[int, int]:
            length = int(rng.integers(lo, hi + 1))
            length = min(length, max(1, minutes // 3))
            first = int(rng.integers(5, max(6, minutes - length - 5)))
            return first, first + length

        spikes = []
        for row in take(0.003, 200):
            level_ii = sensors.levels[row, 2]
            value = level_ii * (1.05 if sensors.high[row] else 0.95)
            for minute in sorted(rng.choice(np.arange(5, minutes - 5), size=min(2, minutes - 10), replace=False)):
                spikes.append((row, int(minute), float(value)))
        stuck = []
        for row in take(0.003, 200):
            first, end = window(60, 180)
            stuck.append((row, first, end, float(normal.clean([row], np.array([first]), start_local_h)[0, 0])))
        dropouts = []
        for row in take(0.005, 400):
            first, end = window(15, 90)
            dropouts.append((row, first, end, bool(rng.random() < 0.5)))
        chatter = []
        for row in take(0.0005, 12):  # a few: about ten in a city of 20,000
            first, end = window(60, 180)
            gap = abs(sensors.levels[row, 0] - normal.base[row])
            chatter.append((row, first, end, float(max(0.15 * gap, 3 * normal.noise_sd[row]))))
        drift = []
        for row in take(0.0005, 12):
            first, end = window(120, 240)
            toward = sensors.levels[row, 0] - normal.base[row]  # signed: towards level IV
            drift.append((row, first, end, float(0.6 * toward)))
        skew = []
        for row in take(0.0005, 12):
            first, end = window(60, 180)
            # Ahead by 1-4 minutes (not whole ones): within the recorded reader's reorder window of 5 minutes.
            skew.append((row, first, end, int(rng.integers(60, 240))))
        return cls(spikes, stuck, dropouts, chatter, drift, skew)

    def rows(self) -> set[int]:
        return {f[0] for kind in (self.spikes, self.stuck, self.dropouts, self.chatter, self.drift, self.skew)
                for f in kind}


def sensor_truth(sensors: SensorSet, event: Event, total: np.ndarray, report: np.ndarray, time_of) -> list[dict]:
    """Per sensor of an event: when it crosses level IV, when it returns, its peak value and level.

    ``total`` holds the noise-free values of ``event.rows`` (rows x minutes) and
    ``report`` which minutes each sensor reports at.
    """
    levels = levels_of(total, sensors.levels[event.rows], sensors.high[event.rows])
    levels = np.where(report, levels, 0)
    out = []
    for k, row in enumerate(event.rows):
        crossing = np.flatnonzero(levels[k] > 0)
        if len(crossing) == 0:
            continue
        after = np.flatnonzero(report[k, crossing[-1] + 1 :])
        end_minute = int(crossing[-1] + 1 + after[0]) if len(after) else None
        high = bool(sensors.high[row])
        reported = total[k][report[k]]
        peak = float(reported.max() if high else reported.min())
        out.append({
            "sensor": str(sensors.ids[row]),
            "quantity": str(sensors.quantity[row]),
            "onset": time_of(row, int(crossing[0])),
            "end": None if end_minute is None else time_of(row, end_minute),
            "peak_value": round(peak, 4),
            "peak_level": LEVEL_ROMAN[int(levels[k][crossing].min())],
        })
    return out


@dataclass
class Schedule:
    """When each sensor reports.

    Every sensor reports at its own second of the minute; rain gauges every five
    minutes, the others every minute. With a quiet interval above one minute a
    sensor that nothing moves reports only every ``quiet_interval_min`` minutes (a
    heartbeat, as battery-powered city sensors do) and every minute (rain gauges:
    five) while an event or a fault moves it.
    """

    phase_s: np.ndarray
    offset5: np.ndarray
    offset_quiet: np.ndarray
    five_minute: np.ndarray
    quiet_interval_min: int

    @classmethod
    def draw(cls, seed: int, sensors: SensorSet, quiet_interval_min: int = 1) -> Schedule:
        rng = np.random.default_rng([seed, 7])
        n = len(sensors)
        phase_s, offset5 = rng.integers(0, 60, n), rng.integers(0, 5, n)
        offset_quiet = np.random.default_rng([seed, 8]).integers(0, max(1, quiet_interval_min), n)
        five = np.isin(sensors.quantity, FIVE_MINUTE_QUANTITIES)
        return cls(phase_s, offset5, offset_quiet, five, max(1, int(quiet_interval_min)))

    def mask(self, rows: np.ndarray, minutes: np.ndarray, active: np.ndarray) -> np.ndarray:
        """Which (row, minute) report, given where the rows are active (rows x minutes)."""
        m = minutes[None, :]
        quiet = self.quiet_interval_min
        quiet5 = max(5, -(-quiet // 5) * 5)
        offset5 = self.offset5[rows][:, None]
        five_slot = np.where(active, (m + offset5) % 5 == 0, (m + offset5) % quiet5 == 0)
        other_slot = active | ((m + self.offset_quiet[rows][:, None]) % quiet == 0)
        return np.where(self.five_minute[rows][:, None], five_slot, other_slot)


def activity(delta: np.ndarray, noise_sd: np.ndarray, gap: np.ndarray) -> np.ndarray:
    """Where an event moves sensors clearly: by a tenth of the way to level IV (``gap``) and twice the noise.

    Rows x minutes; this is when a report-on-change sensor reports every minute.
    """
    step = np.maximum(2 * noise_sd, np.where(np.isfinite(gap), 0.1 * gap, 0.0))
    return np.abs(delta) > np.maximum(step, 1e-6)[:, None]


def write_feed(
    path: Path,
    sensors: SensorSet,
    normal: Normal,
    events: list[Event],
    faults: Faults,
    *,
    seed: int,
    start_ms: int,
    minutes: int,
    utc_offset_minutes: int,
    schedule: Schedule,
    compresslevel: int = 6,
) -> dict:
    """Write the feed file; returns counts (readings, duplicates, late lines, status and CAP lines)."""
    phase_s = schedule.phase_s
    start_local_h = ((start_ms / 60000 + utc_offset_minutes) / 60) % 24
    event_rows = np.unique(np.concatenate([e.rows for e in events])) if events else np.zeros(0, dtype=np.int64)
    event_delta = np.zeros((len(event_rows), minutes), dtype=np.float32)
    for event in events:
        event_delta[np.searchsorted(event_rows, event.rows)] += event.delta
    event_active = activity(event_delta, normal.noise_sd[event_rows], normal.gap(sensors, event_rows))
    id_chars, id_mask = codec.text_field([str(i).encode("utf-8") for i in sensors.ids])
    thresholds_iv = sensors.levels[:, 0]
    specials = _special_lines(sensors, events, faults, start_ms, phase_s, utc_offset_minutes)
    counts = {"readings": 0, "duplicates": 0, "late": 0, "status_lines": 0, "cap_lines": 0}
    gz = path.name.lower().endswith(".gz")
    with open(path, "wb") as handle, ThreadPoolExecutor(max_workers=2) as pool:
        pending = []
        for first in range(0, minutes, CHUNK_MINUTES):
            last = min(minutes, first + CHUNK_MINUTES)
            data = _chunk(first, last, sensors, normal, event_rows, event_delta, event_active, faults, specials,
                          counts, seed=seed, start_ms=start_ms, start_local_h=start_local_h, schedule=schedule,
                          id_field=(id_chars, id_mask),
                          thresholds_iv=thresholds_iv, utc_offset_minutes=utc_offset_minutes)
            # Gzip members, one per chunk, compressed on worker threads (zlib releases the GIL);
            # concatenated members are one valid gzip stream, and mtime=0 keeps the bytes reproducible.
            pending.append(pool.submit(gzip.compress, data, compresslevel, mtime=0) if gz else data)
            while len(pending) > 2:
                head = pending.pop(0)
                handle.write(head.result() if gz else head)
        for head in pending:
            handle.write(head.result() if gz else head)
    return counts


def _special_lines(sensors, events, faults, start_ms, phase_s, utc_offset_minutes) -> list[tuple[int, int, bytes]]:
    """Status and CAP lines as (arrival ms, time ms, line), sorted by arrival."""
    lines = []
    for row, first, end, announced in faults.dropouts:
        if not announced:
            continue
        for minute, status in ((first + 3, "offline"), (end, "online")):
            t = start_ms + minute * 60_000 + int(phase_s[row]) * 1000
            record = {"t": format_time(t, utc_offset_minutes), "status": status, "sensor": str(sensors.ids[row])}
            lines.append((t, t, json.dumps(record, ensure_ascii=False, separators=(",", ":")).encode() + b"\n"))
    for event in events:
        for number, (minute, template) in enumerate(event.cap):
            t = start_ms + int(minute * 60_000)
            xml = (template.replace("{sent}", format_time(t, utc_offset_minutes))
                   .replace("{expires}", format_time(t + 6 * 3_600_000, utc_offset_minutes))
                   .replace("{identifier}", f"{event.kind}-{t // 1000}-{number + 1}"))
            record = {"t": format_time(t, utc_offset_minutes), "cap": xml}
            lines.append((t, t, json.dumps(record, ensure_ascii=False, separators=(",", ":")).encode() + b"\n"))
    return sorted(lines)


def _chunk(first, last, sensors, normal, event_rows, event_delta, event_active, faults, specials, counts, *, seed,
           start_ms, start_local_h, schedule, id_field, thresholds_iv, utc_offset_minutes) -> bytes:
    n = len(sensors)
    span = last - first
    minute = np.arange(first, last)
    rng = np.random.default_rng([seed, 11, first])
    all_rows = np.arange(n)
    values = normal.clean(all_rows, minute, start_local_h)
    values += rng.standard_normal((n, span)) * normal.noise_sd[:, None]
    if len(event_rows):
        values[event_rows] += event_delta[:, first:last]
    active = np.zeros((n, span), dtype=bool)
    if len(event_rows):
        active[event_rows] = event_active[:, first:last]
    for row, lo, hi, overshoot in faults.chatter:
        sel = (minute >= lo) & (minute < hi)
        active[row, sel] = True
        on = sel & ((minute - lo) % 2 == 0)  # past level IV every other minute, normal between
        if on.any():
            sign = 1.0 if sensors.high[row] else -1.0
            values[row, on] = thresholds_iv[row] + sign * overshoot
    for row, lo, hi, total in faults.drift:
        sel = (minute >= lo) & (minute < hi)
        values[row, sel] += total * (minute[sel] - lo + 1) / (hi - lo)
    for row, lo, hi, value in faults.stuck:
        values[row, (minute >= lo) & (minute < hi)] = value
    for row, at, value in faults.spikes:
        if first <= at < last:
            values[row, at - first] = value
            active[row, at - first] = True
    report = schedule.mask(all_rows, minute, active)
    for row, lo, hi, _ in faults.dropouts:
        report[row, (minute >= lo) & (minute < hi)] = False
    np.maximum(values, normal.floor[:, None], out=values)
    # Minute-major order: what a gateway forwards during each minute.
    mins, rows = np.nonzero(report.T)
    value = values[rows, mins]
    t_ms = start_ms + (first + mins) * 60_000 + schedule.phase_s[rows] * 1000
    # Clock jitter: a few sensors' clocks are off by a second or three.
    jitter = rng.random(len(t_ms)) < 0.05
    t_ms[jitter] += rng.choice(np.array([-3000, -2000, -1000, 1000, 2000, 3000]), int(jitter.sum()))
    arrival = t_ms + rng.exponential(1500, len(t_ms)).astype(np.int64)
    for row, lo, hi, ahead_s in faults.skew:
        # The reading is sent on time but stamped by a clock that runs ahead.
        sel = (rows == row) & (first + mins >= lo) & (first + mins < hi)
        t_ms[sel] += ahead_s * 1000
    late = rng.random(len(t_ms)) < 0.0005
    arrival[late] += rng.integers(30_000, 120_000, int(late.sum()))
    duplicate = np.flatnonzero(rng.random(len(t_ms)) < 0.0005)
    rows = np.concatenate((rows, rows[duplicate]))
    value = np.concatenate((value, value[duplicate]))
    t_ms = np.concatenate((t_ms, t_ms[duplicate]))
    arrival = np.concatenate((arrival, arrival[duplicate] + rng.integers(1000, 60_000, len(duplicate))))
    order = np.argsort(arrival, kind="stable")
    rows, value, t_ms, arrival = rows[order], value[order], t_ms[order], arrival[order]
    counts["readings"] += len(order) - len(duplicate)
    counts["duplicates"] += len(duplicate)
    counts["late"] += int(late.sum())
    # Times: every reading of the chunk falls on a whole second near the chunk, so format by second.
    chunk_start = start_ms + first * 60_000
    second = (t_ms - chunk_start) // 1000 + 5
    table = format_rfc3339(chunk_start + (np.arange(int(second.max()) + 1) - 5) * 1000, utc_offset_minutes, millis=False)
    times = table[second]
    id_chars, _ = id_field
    data, offsets = codec.assemble_lines(len(rows), [
        b'{"t":"', (times, None), b'","sensor":"', (id_chars[rows], None),
        b'","value":', codec.format_fixed(value, normal.decimals[rows]), b"}\n",
    ], with_offsets=True)
    chunk_end = start_ms + last * 60_000
    mine = [s for s in specials if chunk_start <= s[0] < chunk_end]
    if not mine:
        return data
    counts["status_lines"] += sum(1 for s in mine if b'"status"' in s[2])
    counts["cap_lines"] += sum(1 for s in mine if b'"cap"' in s[2])
    at = np.searchsorted(arrival, [s[0] for s in mine], side="right")
    cuts = [0] + [int(offsets[i]) if i < len(offsets) else len(data) for i in at] + [len(data)]
    pieces = []
    for k, special in enumerate(mine):
        pieces.append(data[cuts[k] : cuts[k + 1]])
        pieces.append(special[2])
    pieces.append(data[cuts[-2] : cuts[-1]])
    return b"".join(pieces)
