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

from console.model.levels import DISPLAY_ZONE

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
    parser.add_argument("--tz", default=DISPLAY_ZONE, help=f"time zone of the times shown (default {DISPLAY_ZONE})")
    parser.add_argument("--json", action="store_true", help="print the summary as JSON")
    parser.add_argument("--timings", action="store_true", help="print where the time went (to stderr)")


def run(args: argparse.Namespace) -> int:
    import json
    import sys
    import time

    from console.commands.summary import time_zone
    from console.errors import InputError
    from console.feeds.base import SensorStatusEvent
    from console.feeds.recorded import CodedReadings, read_feed
    from console.model.journal import Journal
    from console.model.pipeline import Pipeline
    from console.model.rules import RuleEngine, RuleSet
    from console.model.sensors import SensorTable

    began = time.perf_counter()
    timings: dict[str, float] = {}
    zone = time_zone(args.tz)
    reader = read_feed(args.feed, in_process=True)
    reader.prefetch()  # the feed is read in a child process while the sensors and rules load
    try:
        table = SensorTable.from_layers(load_sensor_layers(args.catalog, args.sensors))
        # Rules are checked against the sensors before the journal is touched.
        engine = RuleEngine(RuleSet.load(args.rules), table)
        journal = Journal(args.journal)
        try:
            pipeline = Pipeline(table, engine, journal=journal)
        except InputError:
            journal.close()
            raise
    except BaseException:
        reader.close()
        raise
    timings["sensors, rules, journal opened"] = time.perf_counter() - began
    first_alarm = pipeline.book.next_alarm_id
    source = Path(args.feed).name
    totals = {"readings": 0, "accepted": 0, "duplicates": 0, "out_of_order": 0, "offline_events": 0, "other_events": 0}
    rejected: list[dict] = []
    rows = _SensorRows(table, reader, source)
    pending = _Pending()

    def process_pending() -> None:
        batch = pending.take()
        if batch is None:
            return
        report = pipeline.process(batch, source, now_ms=int(batch.t_ms[-1]))
        totals["accepted"] += report.n_accepted
        totals["duplicates"] += report.n_duplicate
        totals["out_of_order"] += report.n_history_only
        rejected.extend({"line": ln, "sensor": s, "reason": r} for ln, s, r in report.rejected)

    waited = processed = throttled = 0.0
    from console.commands.terminal_progress import TerminalProgress

    progress = TerminalProgress("console process", zone)  # on stderr, only when it is a terminal
    try:
        # Reading and ordering run on threads of their own, ahead of the rules.
        events = reader.coded()
        while True:
            mark = time.perf_counter()
            event = next(events, None)
            waited += time.perf_counter() - mark
            mark = time.perf_counter()
            if event is None:
                process_pending()
                processed += time.perf_counter() - mark
                break
            if isinstance(event, CodedReadings):
                totals["readings"] += rows.drop_unknown(event, pending)
                progress.update(totals["readings"], int(event.t_ms[-1]) if len(event.t_ms) else None)
                if pending.size >= PROCESS_BATCH_READINGS:
                    process_pending()
                    # Hold back when the journal falls behind, rather than queueing the feed in memory.
                    held = time.perf_counter()
                    pipeline.journal.throttle(JOURNAL_BACKLOG_ROWS)
                    throttled += time.perf_counter() - held
            else:
                # Readings before an event are processed before it, as they came.
                process_pending()
                if isinstance(event, SensorStatusEvent) and event.status == "offline":
                    pipeline.mark_offline([event.sensor], event.t_ms)
                    totals["offline_events"] += 1
                elif isinstance(event, SensorStatusEvent):
                    pipeline.mark_online([event.sensor], event.t_ms)
                else:
                    totals["other_events"] += 1
            processed += time.perf_counter() - mark
    finally:
        progress.close()
        mark = time.perf_counter()
        pipeline.close()
        timings["journal: writing what was still queued"] = time.perf_counter() - mark
    timings["feed: waiting for parsed readings"] = waited
    timings["sensor table, rules, alarm book (and handing to the journal)"] = processed - throttled
    timings["held back by the journal"] = throttled
    totals["duplicates"] += reader.duplicates_dropped
    rejected += [{"line": line, "sensor": None, "reason": reason} for line, reason in reader.problems]
    rejected.sort(key=lambda item: item["line"])
    summary = build_summary(args, pipeline, first_alarm, totals, rejected, reader.problem_count, zone)
    if args.json:
        print(json.dumps(summary, ensure_ascii=False, indent=2))
    else:
        print(format_text(summary))
    if args.timings:
        timings["total"] = time.perf_counter() - began
        for what, seconds in timings.items():
            print(f"{seconds:8.2f} s  {what}", file=sys.stderr)
        print(f"journal: {journal.commits} transactions, writer busy {journal.write_seconds:.2f} s", file=sys.stderr)
    return 0


# Readings handed to the pipeline at once: large batches keep the per-batch costs small.
PROCESS_BATCH_READINGS = 500_000
JOURNAL_BACKLOG_ROWS = 8_000_000


class _SensorRows:
    """Maps the reader's sensor codes to table rows, once per id; counts unknown ids."""

    def __init__(self, table, reader, source: str):
        import numpy as np

        self.table = table
        self.reader = reader
        self.source = source
        self.row_of_code = np.empty(0, dtype=np.int32)

    def drop_unknown(self, readings, pending: _Pending) -> int:
        """Add the readings of known sensors to ``pending`` (as rows); count the others. Returns the count."""
        import numpy as np

        code = readings.code
        if len(code) and int(code.max()) >= len(self.row_of_code):
            ids = self.reader.sensor_ids[len(self.row_of_code):]
            self.row_of_code = np.concatenate((self.row_of_code, self.table.rows_of(ids).astype(np.int32)))
        rows = self.row_of_code[code]
        known = rows >= 0
        if known.all():
            pending.add(rows, readings.t_ms, readings.value, readings.quality, readings.line)
        else:
            keep = np.flatnonzero(known)
            pending.add(rows[keep], readings.t_ms[keep], readings.value[keep], readings.quality[keep],
                        readings.line[keep])
            unknown_codes, counts = np.unique(code[~known], return_counts=True)
            ids = self.reader.sensor_ids
            self.table.count_unknown(self.source, {ids[c]: n for c, n in
                                                   zip(unknown_codes.tolist(), counts.tolist(), strict=True)})
        return len(code)


class _Pending:
    """Readings collected for the next pipeline batch."""

    def __init__(self):
        self.parts: list[tuple] = []
        self.size = 0

    def add(self, *columns) -> None:
        if len(columns[0]):
            self.parts.append(columns)
            self.size += len(columns[0])

    def take(self):
        import numpy as np

        from console.model.readings import ReadingBatch

        if not self.parts:
            return None
        parts, self.parts, self.size = self.parts, [], 0
        columns = [np.concatenate(c) if len(parts) > 1 else c[0] for c in zip(*parts, strict=True)]
        return ReadingBatch(*columns)


def load_sensor_layers(catalog: str | None, sensor_files: list[str] | None):
    """The sensor layers of a catalog, of sensor files, or of the demo city."""
    import dataclasses

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
    loaded = load_catalog(catalog)
    # Only the sensor layers are read: roads and districts are not needed here.
    loaded = dataclasses.replace(loaded, layers=[entry for entry in loaded.layers if entry.sensors])
    layers = [layer for layer in loaded.load_layers() if layer.is_sensor_layer]
    if not layers:
        raise InputError(catalog, "the catalog has no sensor layer (sensors = true)")
    return layers


def build_summary(args, pipeline, first_alarm: int, totals: dict, rejected: list[dict], problem_count: int, zone) -> dict:
    """The summary as plain data (what ``--json`` prints)."""
    from console.commands.summary import alarm_figures

    table = pipeline.table
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
        **alarm_figures(pipeline, first_alarm, zone),
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
    from console.commands.summary import alarm_lines

    lines = [
        f"feed:      {summary['feed']}",
        f"journal:   {summary['journal']}",
        f"sensors:   {summary['sensors']}",
        f"readings:  {summary['readings']} ({summary['accepted']} accepted, {summary['duplicates']} duplicate, "
        f"{summary['out_of_order']} out of order, kept as history); offline reports: {summary['offline_events']}",
        "",
        *alarm_lines(summary),
    ]
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
