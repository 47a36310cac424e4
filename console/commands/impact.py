"""``console impact --sensor ID [--catalog C] [--substance NAME] [--json]``: the impact of an alarm, headless.

Prints the radius and where it comes from, the facilities inside with their distance
and people, for gas and water the valves to close and the segments and facilities
cut off, and the nearest emergency units of each kind by road distance; then any
notes on what could not be answered (a layer missing, a sensor on no pipe).
``--csv`` and ``--geojson`` write the same result to files.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
DEMO_CATALOG = REPO / "layers" / "demo" / "catalog.toml"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--sensor", metavar="ID", required=True, help="the sensor of the alarm, e.g. GAS-00001")
    parser.add_argument("--catalog", metavar="C", default=str(DEMO_CATALOG),
                        help="layer catalog TOML with role layers (default: the demo city)")
    parser.add_argument("--substance", metavar="NAME",
                        help="substance of a hazardous-chemical alarm (name, Chinese name or UN number; "
                             "default: the chemical of the tank or site the sensor watches)")
    period = parser.add_mutually_exclusive_group()
    period.add_argument("--night", action="store_true", help="night-time protective-action distances")
    period.add_argument("--day", action="store_true", help="day-time protective-action distances")
    parser.add_argument("--spill", choices=["small", "large"], default="large", help="spill size (default large)")
    parser.add_argument("--radii", metavar="FILE", help="radius and speed table TOML (default: the bundled one)")
    parser.add_argument("--substances", metavar="FILE", help="substance table TOML (default: the bundled one)")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    parser.add_argument("--csv", metavar="FILE", help="also write the result as CSV")
    parser.add_argument("--geojson", metavar="FILE", help="also write the result as GeoJSON")


def _m(value) -> str:
    return "-" if value is None else (f"{value / 1000:.2f} km" if value >= 1000 else f"{value:.0f} m")


def lines_of(result) -> list[str]:
    """The result as text lines (English; the names stay as the layers give them)."""
    out = [f"Impact of {result.sensor} {result.sensor_name} ({result.category})",
           f"Radius {_m(result.radius_m)}" + (f", initial isolation {_m(result.isolation_m)}" if result.isolation_m
                                              else "") + f": {result.radius_source}"]
    if result.substance:
        out.append(f"Substance: {result.substance}, {result.period}")
    out.append(f"Facilities inside: {len(result.facilities)}, people {result.people}")
    for f in result.facilities:
        out.append(f"  {_m(f.distance_m):>9}  {f.kind:<13} {f.id:<10} {f.name}  people {f.people}"
                   + ("  (supply cut off)" if f.cut_off else ""))
    if result.network:
        out.append(f"Valves to close ({result.network}): {len(result.valves)}")
        for v in result.valves:
            out.append(f"  {v.id:<10} {_m(v.distance_m):>9} from the sensor")
        section = [s for s in result.segments if s.in_section]
        beyond = [s for s in result.segments if not s.in_section]
        out.append(f"Segments cut off: {len(section)} between the valves ({_m(sum(s.length_m for s in section))})"
                   f", {len(beyond)} fed only through them ({_m(sum(s.length_m for s in beyond))})")
        for s in result.segments:
            out.append(f"  {s.pipe_id:<10} {_m(s.length_m):>9}  {s.road}" + ("" if s.in_section else "  (beyond)"))
        out.append(f"Facilities cut off: {len(result.cut_off_facilities)}, people {result.cut_off_people}")
        for f in result.cut_off_facilities:
            out.append(f"  {_m(f.distance_m):>9}  {f.kind:<13} {f.id:<10} {f.name}  people {f.people}")
    out.append("Nearest resources by road:")
    for r in result.resources:
        road = f"road {_m(r.road_m)}, ~{r.minutes:.0f} min" if r.road_m is not None else "no road way"
        capacity = "" if r.capacity is None else f"  capacity {r.capacity:g}"
        out.append(f"  {r.kind:<15} {r.id:<8} {r.name}  {road} (straight {_m(r.straight_m)}){capacity}")
    for n in result.notes:
        out.append(f"Note: {n.en}")
    return out


def run(args: argparse.Namespace) -> int:
    from console.impact import ImpactContext, load_tables, write_csv, write_geojson

    tables = load_tables(args.radii, args.substances)
    context = ImpactContext.from_catalog(args.catalog, tables)
    night = True if args.night else (False if args.day else None)
    result = context.analyse(args.sensor, substance=args.substance, night=night, spill=args.spill)
    if args.csv:
        write_csv(result, args.csv)
    if args.geojson:
        write_geojson(result, args.geojson)
    if args.json:
        json.dump(result.to_dict(), sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    else:
        print("\n".join(lines_of(result)))
    return 0
