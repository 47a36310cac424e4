"""``console scenario NAME --out FEED --truth TRUTH.json``: generate a drill feed and its ground truth."""

from __future__ import annotations

import argparse
from pathlib import Path

DEFAULT_CATALOG = Path(__file__).resolve().parents[2] / "layers" / "demo" / "catalog.toml"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("name", metavar="NAME",
                        help="rainstorm, gas-leak, hazmat-tank, bridge-overload, or several joined by '+'")
    parser.add_argument("--out", required=True, metavar="FEED", help="feed file to write (.jsonl or .jsonl.gz)")
    parser.add_argument("--truth", required=True, metavar="TRUTH.json", help="ground-truth file to write")
    parser.add_argument("--seed", type=int, default=0, help="random seed (same seed, same bytes; default 0)")
    parser.add_argument("--start", default=None, metavar="T",
                        help="feed start, RFC 3339 with an offset (default 2026-07-21T00:00:00+08:00)")
    parser.add_argument("--hours", type=float, default=6.0, help="feed length in hours (default 6)")
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--catalog", metavar="C", help="layer catalog whose sensor layers to drive (default: demo city)")
    source.add_argument("--sensors", nargs="+", metavar="FILE", help="sensor layer files instead of a catalog")
    storm = parser.add_argument_group("rainstorm (Chicago design storm, q = 167·A1·(1 + C·lg P) / (t + b)^n)")
    storm.add_argument("--return-period", type=float, default=50.0, metavar="P", help="years (default 50)")
    storm.add_argument("--peak-position", type=float, default=0.4, metavar="R", help="peak at this share of the storm")
    storm.add_argument("--storm-minutes", type=int, default=180, help="storm length (default 180)")
    storm.add_argument("--a1", type=float, default=5.886, help="A1 (default 5.886, i.e. 167·A1 = 983)")
    storm.add_argument("--c", type=float, default=0.65, help="C (default 0.65)")
    storm.add_argument("--b", type=float, default=4.0, help="b, minutes (default 4)")
    storm.add_argument("--n", type=float, default=0.56, help="n (default 0.56)")
    parser.add_argument("--quiet-interval", type=int, default=1, metavar="MIN",
                        help="sensors that nothing moves report only every MIN minutes (default 1: every minute)")
    parser.add_argument("--compress-level", type=int, default=9, choices=range(1, 10), metavar="1-9",
                        help="gzip level for a .gz feed (default 9, the smallest file)")


def run(args: argparse.Namespace) -> int:
    from console.errors import InputError
    from console.feeds.scenario import (
        DEFAULT_START,
        StormParameters,
        generate_scenario,
        load_sensors,
        parse_scenario_name,
    )

    parse_scenario_name(args.name)  # a wrong name fails before the layers load
    if not 1 <= args.quiet_interval <= 14:
        raise InputError("scenario", f"--quiet-interval must lie between 1 and 14 minutes (stale sensors "
                                     f"are flagged after 15), not {args.quiet_interval}")
    catalog = args.catalog
    if catalog is None and not args.sensors:
        catalog = DEFAULT_CATALOG
        if not catalog.is_file():
            raise InputError(catalog, "the demo city catalog is missing; give --catalog or --sensors")
    sensors = load_sensors(catalog, args.sensors)
    storm = StormParameters(args.return_period, args.peak_position, args.storm_minutes, args.a1, args.c, args.b,
                            args.n)
    result = generate_scenario(args.name, sensors, args.out, args.truth, seed=args.seed,
                               start=args.start or DEFAULT_START, hours=args.hours, storm=storm,
                               compresslevel=args.compress_level, quiet_interval_min=args.quiet_interval)
    size_mb = Path(result.feed).stat().st_size / 1e6
    print(f"{result.feed}: {result.readings:,} readings from {result.sensors:,} sensors, {size_mb:.1f} MB, "
          f"{result.seconds:.1f} s")
    for event in result.truth_data["events"]:
        print(f"  {event['id']}: {len(event['sensors'])} sensors past level IV from {event['onset']}, "
              f"peak level {event['peak_level']}")
    print(f"  faults: {len(result.truth_data['faults'])}; truth in {result.truth}")
    return 0
