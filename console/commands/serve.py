"""``console serve --sources S.toml --journal J``: the live engine without a window.

Sources (MQTT, SensorThings services, recorded feeds replayed live, ...) feed the
sensor table, rules, alarm book and journal until SIGTERM or SIGINT (the journal is flushed, exit 0),
for ``--duration`` seconds, or until every finite source is exhausted. Then it
prints the alarm summary of ``console process`` and the per-source counters.

Without ``--catalog`` or ``--sensors`` the sensors are those the sources supply
themselves (the Datastreams of a SensorThings service, with their Locations);
the demo city only when no source supplies any.
"""

from __future__ import annotations

import argparse

PROBLEMS_SHOWN = 20  # Datastreams left out, printed when serve starts


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--sources", metavar="S", required=True, help="sources file (TOML, docs/sources.md)")
    parser.add_argument("--journal", metavar="J", required=True,
                        help="SQLite journal to write (created if absent), or postgresql://USER@HOST:PORT/DB: "
                             "the shared alarm service of several consoles (docs/several-consoles.md)")
    sensors = parser.add_mutually_exclusive_group()
    sensors.add_argument("--catalog", metavar="C", help="layer catalog whose sensor layers to use (default: the sensors the sources supply, "
                              "else the demo city)")
    sensors.add_argument("--sensors", metavar="FILE", nargs="+", help="sensor layer file(s) instead of a catalog")
    parser.add_argument("--rules", metavar="R", help="rules TOML file (default: assets/rules/default_rules.toml)")
    parser.add_argument("--duration", metavar="SECONDS", type=float,
                        help="stop after this many seconds (default: run until SIGTERM/SIGINT)")
    parser.add_argument("--tz", default="Asia/Shanghai", help="time zone of the times shown (default Asia/Shanghai)")
    parser.add_argument("--json", action="store_true", help="print the summary as JSON")


def run(args: argparse.Namespace) -> int:
    import json
    import signal
    import sys
    import threading

    from console.commands.process import load_sensor_layers
    from console.commands.summary import time_zone
    from console.engine import Engine
    from console.errors import InputError
    from console.model.journal import Journal
    from console.model.pipeline import Pipeline
    from console.model.rules import RuleEngine, RuleSet
    from console.model.sensors import SensorTable
    from console.shared import is_postgres_url
    from console.sources import build_adapters, load_sources, supplied_sensor_layers

    if args.duration is not None and not args.duration > 0:
        raise InputError("--duration", f"must be a positive number of seconds, not {args.duration}")
    zone = time_zone(args.tz)
    # Everything that can be refused is checked before the journal is touched.
    sources = load_sources(args.sources)
    discoveries = None
    if args.catalog or args.sensors:
        layers = load_sensor_layers(args.catalog, args.sensors)
        args.sensors_from = "the catalog" if args.catalog else "the sensor files"
    else:
        supplied = supplied_sensor_layers(sources)
        for problem in supplied.problems[:PROBLEMS_SHOWN]:
            print(f"console serve: {problem}", file=sys.stderr)
        if len(supplied.problems) > PROBLEMS_SHOWN:
            print(f"console serve: ... and {len(supplied.problems) - PROBLEMS_SHOWN} more Datastream(s) left out",
                  file=sys.stderr)
        discoveries = supplied.discoveries
        layers = supplied.layers or load_sensor_layers(None, None)
        args.sensors_from = ", ".join(f"source {layer.name!r}" for layer in supplied.layers) or "the demo city"
    table = SensorTable.from_layers(layers)
    if is_postgres_url(args.journal):
        from console.shared.serve import serve_shared

        return serve_shared(args, table, RuleSet.load(args.rules),
                            lambda: build_adapters(sources, known_sensors=table.ids.tolist(), discoveries=discoveries))
    engine_rules = RuleEngine(RuleSet.load(args.rules), table)
    adapters = build_adapters(sources, known_sensors=table.ids.tolist(), discoveries=discoveries)
    journal = Journal(args.journal)
    try:
        pipeline = Pipeline(table, engine_rules, journal=journal)
    except InputError:
        journal.close()
        raise
    first_alarm = pipeline.book.next_alarm_id
    engine = Engine(pipeline, adapters)
    stop = threading.Event()

    def on_signal(signum, frame) -> None:
        stop.set()

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        engine.run(stop, args.duration)
    finally:
        engine.stop()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    summary = build_summary(args, engine, first_alarm, zone)
    if args.json:
        print(json.dumps(summary, ensure_ascii=False, indent=2))
    else:
        print(format_text(summary, zone))
    failed = [s for s in summary["sources"] if s["status"] == "failed"]
    for source in failed:
        print(f"console serve: source {source['name']!r} failed: {source['message']}", file=sys.stderr)
    return 0


def build_summary(args, engine, first_alarm: int, zone) -> dict:
    """The summary as plain data (what ``--json`` prints)."""
    from console.commands.summary import alarm_figures

    pipeline = engine.pipeline
    table = pipeline.table
    unknown: dict[str, int] = {}
    for counter in table.unknown_by_source.values():
        for sensor_id, count in counter.items():
            unknown[sensor_id] = unknown.get(sensor_id, 0) + count
    return {
        "sources_file": str(args.sources),
        "journal": str(args.journal),
        "sensors": len(table),
        "sensors_from": getattr(args, "sensors_from", ""),
        **alarm_figures(pipeline, first_alarm, zone),
        "unknown_sensors": dict(sorted(unknown.items(), key=lambda item: (-item[1], item[0]))),
        "sources": engine.source_figures(),
        "warnings": pipeline.engine.warnings,
        "cap_warnings": [warning.to_json() for warning in engine.warnings.active],
        "cap_refused": list(engine.warnings.problems),
    }


def _local(iso_utc: str, zone) -> str:
    """An ISO UTC time in the summary's zone (UTC without one), to the minute."""
    from datetime import UTC, datetime

    moment = datetime.fromisoformat(iso_utc.replace("Z", "+00:00")).astimezone(zone or UTC)
    return moment.strftime("%Y-%m-%d %H:%M %Z")


def format_text(summary: dict, zone=None) -> str:
    """The human-readable summary, CAP times in ``zone``."""
    from console.commands.summary import alarm_lines
    from console.model.levels import LEVEL_ROMAN

    lines = [
        f"sources:   {summary['sources_file']}",
        f"journal:   {summary['journal']}",
        f"sensors:   {summary['sensors']} (from {summary['sensors_from']})",
        "",
        *alarm_lines(summary),
        f"incidents: {len(summary['incidents'])}",
        "",
    ]
    for source in summary["sources"]:
        lines.append(
            f"source {source['name']} ({source['kind']}): {source['status']}  received {source['received']}, "
            f"accepted {source['accepted']}, rejected {source['rejected']}, unknown {source['unknown']}, "
            f"reconnects {source['reconnects']}, down {source['time_down_s']:.1f} s"
        )
        for item in source["recent_rejections"]:
            lines.append(f"  rejected ({item['line']}): {item['reason']}")
    if summary["unknown_sensors"]:
        shown = ", ".join(f"{sensor_id} ({n})" for sensor_id, n in list(summary["unknown_sensors"].items())[:20])
        lines.append(f"unknown sensors: {shown}")
    for warning in summary["warnings"]:
        lines.append(f"warning: {warning}")
    lines.append(f"CAP warnings in force: {len(summary['cap_warnings'])}")
    for cap in summary["cap_warnings"]:
        level = f"level {LEVEL_ROMAN[cap['level']]}" if cap["level"] else "no level"
        expires = _local(cap["expires"], zone) if cap["expires"] else "no expiry"
        lines.append(f"  {level}  {cap['event']}: {cap['headline']}  (expires {expires}; "
                     f"from {cap['sender']} via source {cap['source']})")
    for problem in summary["cap_refused"]:
        lines.append(f"  CAP refused: {problem}")
    return "\n".join(lines)
