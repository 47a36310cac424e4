"""``console process FEED --journal DB``: run a recorded feed through the rules, headless.

The feed (JSON Lines or CSV, plain or gzip) goes batch by batch through the same
pipeline as the console window: sensor table, rules, alarm book, journal. The
feed's own clock is "now" (stale sensors, shelf expiry). A journal that already
holds a state is continued from it. The summary covers the alarms raised by this
run: per level and category, incidents with their first alarm, unknown sensors
and every rejected line with its number.
"""

from __future__ import annotations

import argparse
from pathlib import Path

# Rejected lines shown in the text summary (JSON lists every one kept).
TEXT_REJECTED_LIMIT = 20
TEXT_UNKNOWN_LIMIT = 20
TEXT_INCIDENT_LIMIT = 30


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("feed", metavar="FEED", help="recorded feed: JSON Lines or CSV, plain or .gz")
    parser.add_argument("--journal", metavar="DB", required=True, help="SQLite journal to write (created if absent)")
    sensors = parser.add_mutually_exclusive_group()
    sensors.add_argument("--catalog", metavar="C", help="layer catalog whose sensor layers to use (default: demo city)")
    sensors.add_argument("--sensors", metavar="FILE", nargs="+", help="sensor layer file(s) instead of a catalog")
    parser.add_argument("--rules", metavar="R", help="rules TOML file (default: assets/rules/default_rules.toml)")
    parser.add_argument("--tz", default="Asia/Shanghai", help="time zone of the times shown (default Asia/Shanghai)")
    parser.add_argument("--json", action="store_true", help="print the summary as JSON")


def run(args: argparse.Namespace) -> int:
    import json

    from console.errors import InputError
    from console.feeds.base import SensorStatusEvent
    from console.feeds.recorded import read_feed
    from console.model.journal import Journal
    from console.model.pipeline import Pipeline
    from console.model.readings import ReadingBatch
    from console.model.rules import RuleEngine, RuleSet
    from console.model.sensors import SensorTable

    zone = _zone(args.tz)
    reader = read_feed(args.feed)
    table = SensorTable.from_layers(load_sensor_layers(args.catalog, args.sensors))
    # Rules are checked against the sensors before the journal is touched.
    engine = RuleEngine(RuleSet.load(args.rules), table)
    journal = Journal(args.journal)
    try:
        pipeline = Pipeline(table, engine, journal=journal)
    except InputError:
        journal.close()
        raise
    first_alarm = pipeline.book.next_alarm_id
    source = Path(args.feed).name
    totals = {"readings": 0, "accepted": 0, "duplicates": 0, "out_of_order": 0, "offline_events": 0, "other_events": 0}
    rejected: list[dict] = []
    try:
        for event in reader:
            if isinstance(event, ReadingBatch):
                report = pipeline.process(event, source, now_ms=int(event.t_ms.max()) if len(event) else None)
                totals["readings"] += report.n_total
                totals["accepted"] += report.n_accepted
                totals["duplicates"] += report.n_duplicate
                totals["out_of_order"] += report.n_history_only
                rejected += [{"line": ln, "sensor": s, "reason": r} for ln, s, r in report.rejected]
            elif isinstance(event, SensorStatusEvent) and event.status == "offline":
                pipeline.mark_offline([event.sensor], event.t_ms)
                totals["offline_events"] += 1
            elif isinstance(event, SensorStatusEvent):
                pipeline.mark_online([event.sensor], event.t_ms)
            else:
                totals["other_events"] += 1
    finally:
        pipeline.close()
    totals["duplicates"] += reader.duplicates_dropped
    rejected += [{"line": line, "sensor": None, "reason": reason} for line, reason in reader.problems]
    rejected.sort(key=lambda item: item["line"])
    summary = build_summary(args, pipeline, first_alarm, totals, rejected, reader.problem_count, zone)
    if args.json:
        print(json.dumps(summary, ensure_ascii=False, indent=2))
    else:
        print(format_text(summary))
    return 0


def load_sensor_layers(catalog: str | None, sensor_files: list[str] | None):
    """The sensor layers of a catalog, of sensor files, or of the demo city."""
    from console.errors import InputError
    from console.geo.catalog import check_sensor_layer, load_catalog
    from console.geo.readers import read_layers
    from console.model.layer import GeometryKind

    if sensor_files:
        layers = []
        for path in sensor_files:
            for layer in read_layers(path):
                if layer.kind is GeometryKind.POINT:
                    check_sensor_layer(layer, str(path))
                    layer.is_sensor_layer = True
                    layers.append(layer)
            if not layers:
                raise InputError(path, "holds no point layer of sensors")
        return layers
    if catalog is None:
        catalog = Path(__file__).resolve().parents[2] / "layers" / "demo" / "catalog.toml"
        if not catalog.is_file():
            raise InputError(catalog, "the demo city is missing (run `make city`), or give --catalog or --sensors")
    layers = [layer for layer in load_catalog(catalog).load_layers() if layer.is_sensor_layer]
    if not layers:
        raise InputError(catalog, "the catalog has no sensor layer (sensors = true)")
    return layers


def build_summary(args, pipeline, first_alarm: int, totals: dict, rejected: list[dict], problem_count: int, zone) -> dict:
    """The summary as plain data (what ``--json`` prints)."""
    from console.model.sensors import LEVEL_NAMES, SensorStatus

    book, table = pipeline.book, pipeline.table
    alarms = [a for a in book.alarms.values() if a.alarm_id >= first_alarm]
    by_level = {LEVEL_NAMES[level]: 0 for level in (1, 2, 3, 4)}
    by_category: dict[str, dict[str, int]] = {}
    for alarm in alarms:
        name = LEVEL_NAMES[alarm.peak_level]
        by_level[name] += 1
        by_category.setdefault(alarm.category, {n: 0 for n in by_level})[name] += 1
    incident_ids = sorted({a.incident_id for a in alarms})
    incidents = []
    for incident_id in incident_ids:
        incident = book.incidents[incident_id]
        incidents.append(
            {
                "incident": incident.incident_id,
                "family": incident.family,
                "first_alarm": incident.first_alarm_id,
                "first_sensor": incident.first_sensor_id,
                "first_time": _time(incident.first_ms, zone),
                "alarms": len(incident.alarm_ids),
                "peak_level": LEVEL_NAMES[incident.peak_level],
                "districts": incident.districts,
            }
        )
    unknown = table.unknown_by_source.get(Path(args.feed).name, {})
    return {
        "feed": str(args.feed),
        "journal": str(args.journal),
        "sensors": len(table),
        "readings": totals["readings"],
        "accepted": totals["accepted"],
        "duplicates": totals["duplicates"],
        "out_of_order": totals["out_of_order"],
        "offline_events": totals["offline_events"],
        "alarms": len(alarms),
        "alarms_by_level": by_level,
        "alarms_by_category": dict(sorted(by_category.items())),
        "open_alarms": len(book.open_alarms()),
        "active_alarms": len(book.active_alarms()),
        "stale_sensors": int((table.status == SensorStatus.STALE).sum()),
        "incidents": incidents,
        "unknown_sensors": {
            "readings": int(table.unknown_total_by_source.get(Path(args.feed).name, 0)),
            "ids": dict(sorted(unknown.items(), key=lambda item: (-item[1], item[0]))),
        },
        # The reader keeps the first problems it meets but counts them all.
        "rejected_lines": sum(1 for item in rejected if item["sensor"] is not None) + problem_count,
        "rejected": rejected,
        "warnings": pipeline.engine.warnings,
    }


def format_text(summary: dict) -> str:
    """The human-readable summary."""
    lines = [
        f"feed:      {summary['feed']}",
        f"journal:   {summary['journal']}",
        f"sensors:   {summary['sensors']}",
        f"readings:  {summary['readings']} ({summary['accepted']} accepted, {summary['duplicates']} duplicate, "
        f"{summary['out_of_order']} out of order, kept as history); offline reports: {summary['offline_events']}",
        "",
        f"alarms raised: {summary['alarms']}  "
        + "  ".join(f"{name}: {count}" for name, count in summary["alarms_by_level"].items()),
    ]
    for category, counts in summary["alarms_by_category"].items():
        lines.append(f"  {category:<16}" + "  ".join(f"{name}: {count}" for name, count in counts.items()))
    lines.append(
        f"open alarms: {summary['open_alarms']} ({summary['active_alarms']} active)   "
        f"stale sensors: {summary['stale_sensors']}"
    )
    incidents = summary["incidents"]
    lines += ["", f"incidents: {len(incidents)}"]
    for incident in incidents[:TEXT_INCIDENT_LIMIT]:
        lines.append(
            f"  #{incident['incident']:<5} {incident['family']:<9} level {incident['peak_level']:<4}"
            f"{incident['alarms']:>4} alarm(s)  first {incident['first_time']} at {incident['first_sensor']}"
            + (f"  ({', '.join(incident['districts'])})" if incident["districts"] else "")
        )
    if len(incidents) > TEXT_INCIDENT_LIMIT:
        lines.append(f"  ... and {len(incidents) - TEXT_INCIDENT_LIMIT} more (--json lists them)")
    unknown = summary["unknown_sensors"]
    lines += ["", f"unknown sensors: {len(unknown['ids'])} id(s), {unknown['readings']} reading(s)"]
    for sensor_id, count in list(unknown["ids"].items())[:TEXT_UNKNOWN_LIMIT]:
        lines.append(f"  {sensor_id}: {count}")
    if len(unknown["ids"]) > TEXT_UNKNOWN_LIMIT:
        lines.append(f"  ... and {len(unknown['ids']) - TEXT_UNKNOWN_LIMIT} more")
    lines += ["", f"rejected lines: {summary['rejected_lines']}"]
    for item in summary["rejected"][:TEXT_REJECTED_LIMIT]:
        sensor = f" ({item['sensor']})" if item["sensor"] else ""
        lines.append(f"  line {item['line']}{sensor}: {item['reason']}")
    if summary["rejected_lines"] > TEXT_REJECTED_LIMIT:
        lines.append(f"  ... and {summary['rejected_lines'] - TEXT_REJECTED_LIMIT} more (--json lists them)")
    for warning in summary["warnings"]:
        lines.append(f"warning: {warning}")
    return "\n".join(lines)


def _zone(name: str):
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    from console.errors import InputError

    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise InputError("--tz", f"unknown time zone {name!r}") from None


def _time(t_ms: int, zone) -> str:
    from datetime import UTC, datetime

    return datetime.fromtimestamp(t_ms / 1000, UTC).astimezone(zone).isoformat(timespec="seconds")
