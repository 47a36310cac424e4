"""Alarm quality: the alarms the console raises on a feed, measured against the feed's ground truth.

The truth file is the one ``console scenario`` writes: real events, each with
the sensors it moved past level IV (onset = first report at level IV, end = the
first report back below, or null when the feed ends first), and the sensors
given faults.

Every raise counts as one alarm (a sensor that returns to normal and crosses
again raises again), as alarm rates are counted for operators (ISA-18.2).
Sensor-fault items (a stuck or chattering sensor, for its maintenance unit) are
not alarms: they are counted apart, per fault kind of the truth, as the faults
they found (an item on the faulty sensor during its fault) and those on sensors
the truth calls healthy.

Matching: an alarm belongs to a real event when its sensor is one of the
event's sensors and it was raised after the event began (or at most ``lead_s``
before that sensor's onset, whichever is earlier: a rate-of-change rule may
warn before the level is reached) and at most ``grace_s`` after the sensor's
end. Every other alarm is a false alarm; those are told apart by cause (a
listed fault of the sensor at that time, or no known cause). A real event is alarmed when any of its sensors got a matching alarm;
the delay is from the event's onset (its first sensor past level IV) to its
first matching alarm. The same figures are given per sensor ("episodes").
"""

from __future__ import annotations

import json
import statistics
from dataclasses import dataclass, field
from pathlib import Path

from console.errors import InputError
from console.feeds.timefmt import parse_time_value


@dataclass(frozen=True)
class RaisedAlarm:
    """One raise of an alarm: what evaluation needs of it."""

    sensor: str
    raised_ms: int
    peak_level: int
    quantity: str = ""
    kind: str = "level"  # or "fault": a sensor-fault item
    trigger: str = ""


@dataclass
class EventScore:
    """How one real event was alarmed."""

    event_id: str
    kind: str
    onset_ms: int
    sensors: int
    sensors_alarmed: int
    first_alarm_ms: int | None
    delay_s: float | None
    episode_delays_s: list[float] = field(default_factory=list)

    @property
    def alarmed(self) -> bool:
        return self.first_alarm_ms is not None


@dataclass
class Evaluation:
    """The figures of ``evaluate``; ``as_dict()`` gives them as plain data."""

    events: list[EventScore]
    alarms_total: int
    alarms_matched: int
    false_by_cause: dict[str, int]
    outside_alarms: int
    outside_minutes: float
    noisiest: list[dict]
    on_time_s: float
    by_fault_kind: dict[str, dict] = field(default_factory=dict)
    fault_items: int = 0
    fault_items_unexplained: int = 0

    @property
    def false_alarms(self) -> int:
        return self.alarms_total - self.alarms_matched

    def as_dict(self) -> dict:
        episode_delays = [d for e in self.events for d in e.episode_delays_s]
        episodes = sum(e.sensors for e in self.events)
        event_delays = [e.delay_s for e in self.events if e.delay_s is not None]
        return {
            "events": len(self.events),
            "events_alarmed": sum(e.alarmed for e in self.events),
            "events_alarmed_share": _share(sum(e.alarmed for e in self.events), len(self.events)),
            "events_alarmed_on_time": sum(1 for d in event_delays if d <= self.on_time_s),
            "on_time_s": self.on_time_s,
            "event_delay_median_s": _median(event_delays),
            "event_delay_worst_s": max(event_delays) if event_delays else None,
            "episodes": episodes,
            "episodes_alarmed": len(episode_delays),
            "episodes_alarmed_share": _share(len(episode_delays), episodes),
            "episode_delay_median_s": _median(episode_delays),
            "episode_delay_worst_s": max(episode_delays) if episode_delays else None,
            "alarms": self.alarms_total,
            "alarms_matched": self.alarms_matched,
            "false_alarms": self.false_alarms,
            "false_alarm_share": _share(self.false_alarms, self.alarms_total),
            "false_alarms_by_cause": dict(sorted(self.false_by_cause.items())),
            "by_fault_kind": self.by_fault_kind,
            "sensor_fault_items": self.fault_items,
            "sensor_fault_items_on_healthy_sensors": self.fault_items_unexplained,
            "alarms_outside_events": self.outside_alarms,
            "minutes_outside_events": round(self.outside_minutes, 1),
            "alarms_per_10_min_outside_events": (round(self.outside_alarms / self.outside_minutes * 10, 3)
                                                 if self.outside_minutes > 0 else None),
            "per_event": [
                {"id": e.event_id, "kind": e.kind, "sensors": e.sensors, "sensors_alarmed": e.sensors_alarmed,
                 "delay_s": e.delay_s, "episode_delay_median_s": _median(e.episode_delays_s),
                 "episode_delay_worst_s": max(e.episode_delays_s) if e.episode_delays_s else None}
                for e in self.events
            ],
            "noisiest_sensors": self.noisiest,
        }


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _median(values: list[float]) -> float | None:
    return float(statistics.median(values)) if values else None


def load_truth(path: str | Path) -> dict:
    """Read and check a truth file; InputError naming the file and the key at fault."""
    path = Path(path)
    try:
        truth = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(path, "no such truth file") from None
    except json.JSONDecodeError as exc:
        raise InputError(path, f"not JSON: {exc.msg}", line=exc.lineno) from None
    if not isinstance(truth, dict):
        raise InputError(path, "a truth file is a JSON object")
    for key in ("start", "end", "events"):
        if key not in truth:
            raise InputError(path, "missing", key=key)
    for key in ("start", "end"):
        if parse_time_value(truth[key]) is None:
            raise InputError(path, f"not an RFC 3339 time: {truth[key]!r}", key=key)
    for i, event in enumerate(truth["events"]):
        where = f"events[{i}]"
        for key in ("id", "kind", "sensors"):
            if key not in event:
                raise InputError(path, "missing", key=f"{where}.{key}")
        for j, sensor in enumerate(event["sensors"]):
            if "sensor" not in sensor or parse_time_value(sensor.get("onset")) is None:
                raise InputError(path, "needs 'sensor' and an RFC 3339 'onset'", key=f"{where}.sensors[{j}]")
            if sensor.get("end") is not None and parse_time_value(sensor["end"]) is None:
                raise InputError(path, f"not an RFC 3339 time: {sensor['end']!r}", key=f"{where}.sensors[{j}].end")
    return truth


def evaluate(alarms: list[RaisedAlarm], truth: dict, *, lead_s: float = 120.0, grace_s: float = 600.0,
             on_time_s: float = 300.0, noisiest: int = 10) -> Evaluation:
    """Match alarms to the truth's events and compute the quality figures.

    Parameters
    ----------
    alarms : list of RaisedAlarm
    truth : dict
        A truth file's content (``load_truth``).
    lead_s, grace_s : float
        How early before a sensor's onset and how late after its end an alarm still belongs to it.
    on_time_s : float
        The target delay from onset to first alarm (counted in ``events_alarmed_on_time``).
    noisiest : int
        How many of the sensors with the most alarms to list.
    """
    feed_start, feed_end = parse_time_value(truth["start"]), parse_time_value(truth["end"])
    lead_ms, grace_ms = int(lead_s * 1000), int(grace_s * 1000)
    items = [a for a in alarms if a.kind == "fault"]
    alarms = [a for a in alarms if a.kind != "fault"]
    by_sensor: dict[str, list[RaisedAlarm]] = {}
    for alarm in sorted(alarms, key=lambda a: (a.raised_ms, a.sensor)):
        by_sensor.setdefault(alarm.sensor, []).append(alarm)
    matched: set[int] = set()  # id() of alarms that belong to a real event
    scores = []
    busy_spans = []
    for event in truth["events"]:
        onset = None
        first_alarm = None
        episode_delays = []
        alarmed_sensors = 0
        began = parse_time_value(event.get("physical_onset")) if event.get("physical_onset") else None
        for item in event["sensors"]:
            s_onset = parse_time_value(item["onset"])
            s_end = parse_time_value(item["end"]) if item.get("end") else feed_end
            onset = s_onset if onset is None else min(onset, s_onset)
            earliest = s_onset - lead_ms if began is None else min(began, s_onset - lead_ms)
            hits = [a for a in by_sensor.get(item["sensor"], []) if earliest <= a.raised_ms <= s_end + grace_ms]
            matched.update(id(a) for a in hits)
            if hits:
                alarmed_sensors += 1
                episode_delays.append(max(0.0, (hits[0].raised_ms - s_onset) / 1000))
                first_alarm = hits[0].raised_ms if first_alarm is None else min(first_alarm, hits[0].raised_ms)
        if onset is None:
            onset = parse_time_value(event.get("onset")) or parse_time_value(event.get("physical_onset")) or feed_start
        delay = None if first_alarm is None else max(0.0, (first_alarm - onset) / 1000)
        scores.append(EventScore(str(event["id"]), str(event["kind"]), onset, len(event["sensors"]), alarmed_sensors,
                                 first_alarm, delay, episode_delays))
        begin = min(t for t in (parse_time_value(event.get("physical_onset")), onset) if t is not None)
        ends = [parse_time_value(s["end"]) if s.get("end") else feed_end for s in event["sensors"]]
        physical_end = parse_time_value(event.get("physical_end")) if event.get("physical_end") else None
        end = max([e for e in ends + [physical_end] if e is not None], default=feed_end)
        busy_spans.append((begin, end + grace_ms))
    faults = {}
    for fault in truth.get("faults", []):
        faults.setdefault(fault["sensor"], []).append(
            (parse_time_value(fault["start"]), parse_time_value(fault["end"]), fault["kind"]))
    false_by_cause: dict[str, int] = {}
    for alarm in alarms:
        if id(alarm) in matched:
            continue
        cause = "no known cause"
        for start, end, kind in faults.get(alarm.sensor, []):
            if start - lead_ms <= alarm.raised_ms <= end + grace_ms:
                cause = f"fault: {kind}"
                break
        false_by_cause[cause] = false_by_cause.get(cause, 0) + 1
    outside = [a for a in alarms if not any(lo <= a.raised_ms <= hi for lo, hi in busy_spans)]
    outside_ms = _uncovered_ms(feed_start, feed_end, busy_spans)
    counts = sorted(by_sensor.items(), key=lambda item: (-len(item[1]), item[0]))[:noisiest]
    fault_kind = {f["sensor"]: f["kind"] for f in truth.get("faults", [])}
    noisy = [{"sensor": sensor, "alarms": len(items), "matched": sum(id(a) in matched for a in items),
              "fault": fault_kind.get(sensor)} for sensor, items in counts]
    by_kind, unexplained = _fault_kinds(truth.get("faults", []), items, false_by_cause, lead_ms, grace_ms)
    return Evaluation(scores, len(alarms), sum(id(a) in matched for a in alarms), false_by_cause, len(outside),
                      outside_ms / 60_000, noisy, on_time_s, by_kind, len(items), unexplained)


def _fault_kinds(faults: list[dict], items: list[RaisedAlarm], false_by_cause: dict[str, int], lead_ms: int,
                 grace_ms: int) -> tuple[dict[str, dict], int]:
    """Per fault kind: how many, false alarms they caused, how many a sensor-fault item found; items unexplained."""
    items_of: dict[str, list[int]] = {}
    for item in items:
        items_of.setdefault(item.sensor, []).append(item.raised_ms)
    by_kind: dict[str, dict] = {}
    explained: set[tuple[str, int]] = set()
    for fault in faults:
        kind = fault["kind"]
        entry = by_kind.setdefault(kind, {"faults": 0, "false_alarms": false_by_cause.get(f"fault: {kind}", 0),
                                          "found_as_sensor_fault": 0})
        entry["faults"] += 1
        start, end = parse_time_value(fault["start"]), parse_time_value(fault["end"])
        hits = [t for t in items_of.get(fault["sensor"], []) if start - lead_ms <= t <= end + grace_ms]
        explained.update((fault["sensor"], t) for t in hits)
        entry["found_as_sensor_fault"] += bool(hits)
    unexplained = sum(1 for item in items if (item.sensor, item.raised_ms) not in explained)
    return dict(sorted(by_kind.items())), unexplained


def _uncovered_ms(start: int, end: int, spans: list[tuple[int, int]]) -> int:
    """Length of [start, end] outside the spans."""
    covered, cursor = 0, start
    for lo, hi in sorted(spans):
        lo, hi = max(lo, cursor), min(hi, end)
        if hi > lo:
            covered += hi - lo
            cursor = hi
    return max(0, end - start - covered)


def alarms_from_feed(feed: str | Path, layers, rules=None) -> tuple[list[RaisedAlarm], dict]:
    """Run a feed through the console's pipeline (sensor table, rules, alarm book) and list the alarms raised.

    Returns the alarms and counts of what was read.
    """
    from console.feeds.base import SensorStatusEvent
    from console.feeds.recorded import read_feed
    from console.model.pipeline import Pipeline
    from console.model.readings import ReadingBatch
    from console.model.rules import RuleEngine, RuleSet
    from console.model.sensors import SensorTable

    reader = read_feed(feed)
    table = SensorTable.from_layers(layers)
    pipeline = Pipeline(table, RuleEngine(RuleSet.load(rules), table))
    source = Path(feed).name
    readings = 0
    for event in reader:
        if isinstance(event, ReadingBatch):
            if len(event):
                pipeline.process(event, source, now_ms=int(event.t_ms.max()))
                readings += len(event)
        elif isinstance(event, SensorStatusEvent) and event.status == "offline":
            pipeline.mark_offline([event.sensor], event.t_ms)
    pipeline.close()
    alarms = []
    for alarm in pipeline.book.alarms.values():
        if alarm.is_fault:
            alarms.append(RaisedAlarm(alarm.sensor_id, int(alarm.raised_ms), 0, alarm.quantity, "fault", alarm.trigger))
            continue
        raises = [step.t_ms for step in alarm.history if step.level_from == 0 and step.level_to > 0] or [alarm.raised_ms]
        alarms.extend(RaisedAlarm(alarm.sensor_id, int(t), int(alarm.peak_level), alarm.quantity) for t in raises)
    return alarms, {"readings": readings, "rejected_lines": reader.problem_count,
                    "duplicates_dropped": reader.duplicates_dropped, "sensors": len(table)}


def format_evaluation(figures: dict) -> str:
    """The figures as text for a drill organiser."""

    def seconds(value) -> str:
        if value is None:
            return "-"
        minutes, secs = divmod(int(round(value)), 60)
        return f"{minutes} min {secs:02d} s" if minutes else f"{secs} s"

    def percent(value) -> str:
        return "-" if value is None else f"{value * 100:.1f} %"

    lines = [
        f"real events alarmed:      {figures['events_alarmed']} of {figures['events']} "
        f"({percent(figures['events_alarmed_share'])}), {figures['events_alarmed_on_time']} within "
        f"{seconds(figures['on_time_s'])} of onset",
        f"onset to first alarm:     median {seconds(figures['event_delay_median_s'])}, "
        f"worst {seconds(figures['event_delay_worst_s'])}",
        f"sensors past level IV:    {figures['episodes_alarmed']} of {figures['episodes']} alarmed "
        f"({percent(figures['episodes_alarmed_share'])}); median delay {seconds(figures['episode_delay_median_s'])}, "
        f"worst {seconds(figures['episode_delay_worst_s'])}",
        f"alarms:                   {figures['alarms']}, of which {figures['false_alarms']} matched no real event "
        f"(false-alarm share {percent(figures['false_alarm_share'])})",
    ]
    for cause, count in figures["false_alarms_by_cause"].items():
        lines.append(f"  {cause:<24}{count}")
    if figures["by_fault_kind"]:
        lines.append("per fault kind:           faults, false alarms, found as sensor faults")
        for kind, entry in figures["by_fault_kind"].items():
            lines.append(f"  {kind:<24}{entry['faults']:>6} {entry['false_alarms']:>13} "
                         f"{entry['found_as_sensor_fault']:>24}")
    lines.append(f"sensor-fault items:       {figures['sensor_fault_items']} (not alarms), "
                 f"{figures['sensor_fault_items_on_healthy_sensors']} on sensors the truth calls healthy")
    rate = figures["alarms_per_10_min_outside_events"]
    lines.append(f"operator load:            {'-' if rate is None else f'{rate:.2f}'} alarms per 10 min outside "
                 f"events ({figures['alarms_outside_events']} in {figures['minutes_outside_events']:.0f} min)")
    lines.append("")
    lines.append("per event:")
    for event in figures["per_event"]:
        lines.append(f"  {event['id']:<20} {event['sensors_alarmed']:>5}/{event['sensors']:<5} sensors alarmed, "
                     f"first alarm {seconds(event['delay_s'])} after onset, "
                     f"per sensor median {seconds(event['episode_delay_median_s'])}, "
                     f"worst {seconds(event['episode_delay_worst_s'])}")
    if figures["noisiest_sensors"]:
        lines.append("")
        lines.append("noisiest sensors:")
        for item in figures["noisiest_sensors"]:
            fault = f"  (fault: {item['fault']})" if item["fault"] else ""
            lines.append(f"  {item['sensor']:<12} {item['alarms']:>4} alarms, {item['matched']} in real events{fault}")
    return "\n".join(lines)
