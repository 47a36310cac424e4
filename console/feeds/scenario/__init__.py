"""Drill scenarios: a recorded feed of a city's sensors plus the ground truth of what happened.

A scenario name is one of ``rainstorm``, ``gas-leak``, ``hazmat-tank`` and
``bridge-overload``, or several joined by ``+`` (``rainstorm+gas-leak``). Every
sensor of the layer reports once a minute (rain gauges every five minutes) with
realistic noise; the events push the sensors they touch past level IV, mostly
higher; a few sensors are given faults (one-sample spikes, stuck values,
dropouts, chattering past a threshold, drift, a clock running ahead); clocks jitter, lines arrive a little out of order
and a few twice. The truth file lists the events (sensor ids, onset = first
report at level IV or beyond, end, peak level) and the faults.

The same seed gives the same bytes. The bundled demo feed was made with::

    console scenario rainstorm+gas-leak --catalog layers/demo/catalog.toml \\
        --out assets/feeds/demo_rainstorm_gasleak.jsonl.gz \\
        --truth assets/feeds/demo_rainstorm_gasleak.truth.json --seed 2026 --hours 6 --quiet-interval 10

``--quiet-interval 10`` keeps it under 10 MB: calm sensors send a heartbeat every
ten minutes, sensors an event moves report every minute (every sensor of the
20,000 every minute for six hours would be about 50 MB).
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from console.errors import InputError
from console.feeds.scenario.events import (
    Event,
    StormParameters,
    bridge_overload,
    chicago_hyetograph,
    gas_leak,
    hazmat_tank,
    rainstorm,
)
from console.feeds.scenario.sensors import QUANTITIES, SensorSet, load_sensors
from console.feeds.scenario.writer import Faults, Normal, Schedule, activity, sensor_truth, write_feed
from console.feeds.timefmt import format_rfc3339, format_time, parse_time_value
from console.model.levels import LEVEL_OF_ROMAN, LEVEL_ROMAN

__all__ = [
    "DEFAULT_START",
    "SCENARIOS",
    "ScenarioResult",
    "SensorSet",
    "StormParameters",
    "chicago_hyetograph",
    "generate_scenario",
    "load_sensors",
    "parse_scenario_name",
]

SCENARIOS = ("rainstorm", "gas-leak", "hazmat-tank", "bridge-overload")
DEFAULT_START = "2026-07-21T00:00:00+08:00"

# When each event starts, as a share of the feed, so that combined events overlap but stay apart.
_ONSET_SHARE = {"rainstorm": 0.12, "gas-leak": 0.45, "hazmat-tank": 0.3, "bridge-overload": 0.6}


@dataclass
class ScenarioResult:
    """What ``generate_scenario`` wrote."""

    feed: Path
    truth: Path
    readings: int
    sensors: int
    seconds: float
    truth_data: dict


def parse_scenario_name(name: str) -> list[str]:
    """The scenario kinds of a name like ``rainstorm+gas-leak`` (InputError for unknown parts)."""
    kinds = [part.strip() for part in name.split("+") if part.strip()]
    unknown = [k for k in kinds if k not in SCENARIOS]
    if not kinds or unknown:
        raise InputError("scenario", f"unknown scenario {name!r}: use {', '.join(SCENARIOS)} or several joined by '+'")
    if len(set(kinds)) != len(kinds):
        raise InputError("scenario", f"scenario {name!r} names the same event twice")
    return kinds


def generate_scenario(
    name: str,
    sensors: SensorSet,
    feed_path: str | Path,
    truth_path: str | Path,
    *,
    seed: int = 0,
    start: str | int = DEFAULT_START,
    hours: float = 6.0,
    storm: StormParameters | None = None,
    utc_offset_minutes: int = 480,
    compresslevel: int = 6,
    quiet_interval_min: int = 1,
) -> ScenarioResult:
    """Generate a scenario feed and its truth file.

    Parameters
    ----------
    name : str
        Scenario kinds joined by ``+``.
    sensors : SensorSet
    feed_path : path-like
        Gzip JSON Lines when the name ends in ``.gz``, else plain JSON Lines.
    truth_path : path-like
    seed : int
    start : str or int
        Feed start, RFC 3339 with an offset or epoch ms.
    hours : float
        Feed length, at least one hour.
    storm : StormParameters, optional
        The design storm of a rainstorm.
    utc_offset_minutes : int
        Offset the feed's times are written in.
    compresslevel : int
        Gzip level of a ``.gz`` feed.
    quiet_interval_min : int
        1: every sensor reports every minute (rain gauges every five). Above 1: a
        sensor nothing moves reports only this often (see ``Schedule``).
    """
    began = time.perf_counter()
    kinds = parse_scenario_name(name)
    start_ms = parse_time_value(start)
    if start_ms is None:
        raise InputError("scenario", f"--start {start!r} is not an RFC 3339 time with an offset")
    if not 1 <= hours <= 24 * 14:
        raise InputError("scenario", f"--hours must lie between 1 and 336, not {hours}")
    if len(sensors) == 0:
        raise InputError("scenario", "the sensor layer is empty")
    storm = storm or StormParameters()
    minutes = int(round(hours * 60))
    start_local_h = ((start_ms / 60000 + utc_offset_minutes) / 60) % 24
    normal = Normal.draw(sensors, np.random.default_rng([seed, 1]))
    events: list[Event] = []
    for kind in kinds:
        rng = np.random.default_rng([seed, 100 + SCENARIOS.index(kind)])
        onset = round(_ONSET_SHARE[kind] * minutes)
        if kind == "rainstorm":
            onset = max(25, onset)  # room for the weather warning issued 20 minutes ahead
            duration = min(storm.duration_min, max(30, minutes - onset - 30))
            params = StormParameters(storm.return_period_y, storm.peak_position, duration, storm.a1, storm.c, storm.b,
                                     storm.n)
            events.append(rainstorm(sensors, normal.base, minutes, onset, rng, params))
        elif kind == "gas-leak":
            events.append(gas_leak(sensors, normal.base, minutes, onset, rng, min(150.0, 0.35 * minutes)))
        elif kind == "hazmat-tank":
            events.append(hazmat_tank(sensors, normal.base, minutes, onset, rng))
        else:
            events.append(bridge_overload(sensors, normal.base, minutes, onset, rng))
    _clear_of_noise(events, sensors, normal, minutes, start_local_h)
    busy = np.zeros(len(sensors), dtype=bool)
    for event in events:
        busy[event.rows] = True
    faults = Faults.draw(sensors, normal, busy, minutes, start_local_h, np.random.default_rng([seed, 3]))
    feed_path, truth_path = Path(feed_path), Path(truth_path)
    schedule = Schedule.draw(seed, sensors, quiet_interval_min)
    counts = write_feed(feed_path, sensors, normal, events, faults, seed=seed, start_ms=start_ms, minutes=minutes,
                        utc_offset_minutes=utc_offset_minutes, schedule=schedule, compresslevel=compresslevel)
    truth = _truth(name, kinds, sensors, normal, events, faults, counts, schedule, seed=seed, start_ms=start_ms,
                   minutes=minutes, utc_offset_minutes=utc_offset_minutes)
    truth_path.write_text(truth_json(truth), encoding="utf-8")
    return ScenarioResult(feed_path, truth_path, counts["readings"], len(sensors), time.perf_counter() - began, truth)


def _clear_of_noise(events: list[Event], sensors: SensorSet, normal: Normal, minutes: int, start_local_h: float) -> None:
    """Nudge events whose peak would end within the noise of level IV clearly past it.

    Otherwise the noise alone would decide whether such a sensor alarms, and the
    truth could not say whether it should.
    """
    all_minutes = np.arange(minutes)
    for event in events:
        if len(event.rows) == 0:
            continue
        clean = normal.clean(event.rows, all_minutes, start_local_h)
        total = clean + event.delta
        sign = np.where(sensors.high[event.rows], 1.0, -1.0)
        level_iv = sensors.levels[event.rows, 0]
        # Rounding to the written decimals is noise too (a rain gauge has no other).
        sd = np.maximum(normal.noise_sd[event.rows], 10.0 ** -normal.decimals[event.rows])
        at_peak = np.argmax(total * sign[:, None], axis=1)
        rows = np.arange(len(event.rows))
        peak = total[rows, at_peak]
        excess = (peak - level_iv) * sign
        marginal = np.isfinite(level_iv) & (excess > -4 * sd) & (excess < 3 * sd)
        delta_at_peak = event.delta[rows, at_peak]
        marginal &= np.abs(delta_at_peak) > 0
        for k in np.flatnonzero(marginal):
            wanted = level_iv[k] + sign[k] * 3 * sd[k] - clean[k, at_peak[k]]
            event.delta[k] *= np.float32(wanted / delta_at_peak[k])


def _truth(name, kinds, sensors, normal, events, faults, counts, schedule, *, seed, start_ms, minutes,
           utc_offset_minutes):
    phase_s = schedule.phase_s
    start_local_h = ((start_ms / 60000 + utc_offset_minutes) / 60) % 24
    all_minutes = np.arange(minutes)
    total_delta = {}
    for event in events:
        for k, row in enumerate(event.rows):
            total_delta[row] = total_delta.get(row, 0) + event.delta[k]

    def time_of(row: int, minute: int) -> int:
        return start_ms + minute * 60_000 + int(phase_s[row]) * 1000

    def minute_time(minute: float) -> str:
        return format_time(start_ms + int(round(minute * 60_000)), utc_offset_minutes)

    out_events = []
    for index, event in enumerate(events):
        total = normal.clean(event.rows, all_minutes, start_local_h)
        delta = np.array([total_delta[row] for row in event.rows]).reshape(total.shape)
        total = np.maximum(total + delta, normal.floor[event.rows][:, None])
        active = activity(delta, normal.noise_sd[event.rows], normal.gap(sensors, event.rows))
        report = schedule.mask(event.rows, all_minutes, active)
        affected = sensor_truth(sensors, event, total, report, time_of)
        onsets = sorted(s["onset"] for s in affected)  # epoch ms until _times_as_text
        ends = [s["end"] for s in affected]
        peak_level = min((LEVEL_OF_ROMAN[s["peak_level"]] for s in affected), default=None)
        out_events.append({
            "id": f"{event.kind}-{index + 1}",
            "kind": event.kind,
            "physical_onset": minute_time(event.onset_min),  # already text
            "physical_end": minute_time(min(event.end_min, minutes)),
            "onset": onsets[0] if onsets else None,
            "end": None if (not ends or None in ends) else max(ends),
            "peak_level": None if peak_level is None else LEVEL_ROMAN[peak_level],
            "parameters": event.parameters,
            "sensors": sorted(affected, key=lambda s: (s["onset"], s["sensor"])),
        })
    fault_list = []
    for row, minute, value in faults.spikes:
        fault_list.append({"sensor": str(sensors.ids[row]), "kind": "spike", "start": time_of(row, minute),
                           "end": time_of(row, minute + 1), "value": round(value, 4)})
    for kind, items in (("stuck", faults.stuck), ("dropout", faults.dropouts), ("chattering", faults.chatter)):
        for row, first, end, _ in items:
            fault_list.append({"sensor": str(sensors.ids[row]), "kind": kind, "start": time_of(row, first),
                               "end": time_of(row, end)})
    for row, first, end, total in faults.drift:
        fault_list.append({"sensor": str(sensors.ids[row]), "kind": "drift", "start": time_of(row, first),
                           "end": time_of(row, end), "drift": round(total, 4)})
    for row, first, end, ahead_s in faults.skew:
        fault_list.append({"sensor": str(sensors.ids[row]), "kind": "clock_skew", "start": time_of(row, first),
                           "end": time_of(row, end), "skew_s": ahead_s})
    fault_list.sort(key=lambda f: (f["start"], f["sensor"], f["kind"]))
    records = [s for e in out_events for s in e["sensors"]] + fault_list + out_events
    _times_as_text(records, ("onset", "end", "start"), utc_offset_minutes)
    return {
        "scenario": name,
        "kinds": kinds,
        "seed": seed,
        "start": format_time(start_ms, utc_offset_minutes),
        "end": format_time(start_ms + minutes * 60_000, utc_offset_minutes),
        "sensors": len(sensors),
        "quantities": sorted({str(q) for q in sensors.quantity if q in QUANTITIES}),
        "readings": counts["readings"],
        "noise": {"duplicate_lines": counts["duplicates"], "late_lines": counts["late"],
                  "status_lines": counts["status_lines"], "cap_lines": counts["cap_lines"],
                  "clock_jitter_s": 3, "reading_interval_s": 60, "rain_gauge_interval_s": 300,
                  "quiet_interval_s": 60 * schedule.quiet_interval_min},
        "events": out_events,
        "faults": fault_list,
    }


def _times_as_text(records: list[dict], keys: tuple[str, ...], utc_offset_minutes: int) -> None:
    """Replace epoch-ms values under ``keys`` by RFC 3339 text, formatting all of them in one go."""
    values = sorted({r[k] for r in records for k in keys if isinstance(r.get(k), int)})
    if not values:
        return
    table = format_rfc3339(np.array(values, dtype=np.int64), utc_offset_minutes, millis=False)
    texts = table.view(f"S{table.shape[1]}").ravel().tolist()
    text = dict(zip(values, (t.decode("ascii") for t in texts), strict=True))
    for record in records:
        for key in keys:
            if isinstance(record.get(key), int):
                record[key] = text[record[key]]


def truth_json(truth: dict) -> str:
    """The truth as JSON text: indented, but one line per affected sensor and per fault."""

    def compact(value) -> str:
        return json.dumps(value, ensure_ascii=False, separators=(", ", ": "))

    def block(items: list, indent: str) -> str:
        if not items:
            return "[]"
        return "[\n" + ",\n".join(indent + "  " + compact(item) for item in items) + "\n" + indent + "]"

    lines = []
    for key, value in truth.items():
        if key == "events":
            events = []
            for event in value:
                fields = [f'   {compact(k)}: {block(v, "   ") if k == "sensors" else compact(v)}' for k, v in event.items()]
                events.append("  {\n" + ",\n".join(fields) + "\n  }")
            lines.append(' "events": [\n' + ",\n".join(events) + "\n ]")
        elif key == "faults":
            lines.append(f' "faults": {block(value, " ")}')
        else:
            lines.append(f" {compact(key)}: {compact(value)}")
    return "{\n" + ",\n".join(lines) + "\n}\n"
