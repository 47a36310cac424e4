"""``console cap FILE... [--json]``: read CAP alerts and Atom feeds of them, print them normalised.

Each file is a CAP document (one ``<alert>`` or a wrapper of several) or an Atom
feed of CAP entries. Files that cannot be read are named on stderr with the
reason, the others are still printed, and the exit status is 2 when any failed.
"""

from __future__ import annotations

import argparse

from console.model.levels import DISPLAY_ZONE


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("files", metavar="FILE", nargs="+", help="CAP XML documents or Atom feeds of CAP alerts")
    parser.add_argument("--json", action="store_true", help="print the alerts as JSON")
    parser.add_argument("--lonlat-circles", action="store_true",
                        help="read circle centres as lon,lat (sources that write them the wrong way round)")
    parser.add_argument("--tz", default=DISPLAY_ZONE, help=f"time zone of the times shown (default {DISPLAY_ZONE})")


def read_file(path: str, *, lonlat_circles: bool = False) -> tuple[str, list]:
    """("alerts" or "feed", the items) of one file; raises InputError naming the file."""
    from pathlib import Path

    from console.cap import MAX_DOCUMENT_BYTES, parse_alerts, parse_feed
    from console.errors import InputError

    file = Path(path)
    try:
        with file.open("rb") as handle:
            data = handle.read(MAX_DOCUMENT_BYTES + 1)  # never more than the limit + 1 into memory
    except OSError as exc:
        raise InputError(path, f"cannot read: {exc.strerror or exc}") from None
    # The root decides: the Atom namespace is in the first bytes of every feed.
    if b"http://www.w3.org/2005/Atom" in data[:4096] and b"<feed" in data[:4096]:
        return "feed", parse_feed(data, path, lonlat_circles=lonlat_circles)
    return "alerts", parse_alerts(data, path, lonlat_circles=lonlat_circles)


def _time(ms: int | None, zone) -> str:
    from datetime import datetime

    return "-" if ms is None else datetime.fromtimestamp(ms / 1000, zone).strftime("%Y-%m-%d %H:%M %Z")


def _alert_lines(alert, zone) -> list[str]:
    from console.model.levels import level_name

    level = f"level {level_name(alert.level)} ({alert.level_source})" if alert.level else "no level"
    lines = [f"  {alert.msg_type} {alert.status} {alert.identifier}  from {alert.sender}",
             f"    sent {_time(alert.sent_ms, zone)}, effective {_time(alert.effective_ms, zone)}, "
             f"onset {_time(alert.onset_ms, zone)}, expires {_time(alert.expires_ms, zone)}"]
    if alert.info_count:
        lines.append(f"    {alert.event} [{alert.language}, info {alert.info_index + 1} of {alert.info_count}]: {level}, "
                     f"{alert.severity}/{alert.urgency}/{alert.certainty}")
        if alert.headline:
            lines.append(f"    {alert.headline}")
    for ref in alert.references:
        lines.append(f"    references {ref.sender},{ref.identifier},{ref.sent}")
    for area in alert.areas:
        shapes = ", ".join(g.geom_type for g in area.geometries) or "no shape"
        codes = f"; geocodes {', '.join(f'{n}={v}' for n, v in area.geocodes)}" if area.geocodes else ""
        lines.append(f"    area {area.description}: {shapes}{codes}")
    lines += [f"    note: {w}" for w in alert.warnings]
    return lines


def run(args: argparse.Namespace) -> int:
    import json
    import sys
    from zoneinfo import ZoneInfo

    from console.errors import InputError

    zone = ZoneInfo(args.tz)
    results, failed = [], 0
    for path in args.files:
        try:
            kind, items = read_file(path, lonlat_circles=args.lonlat_circles)
        except InputError as exc:
            print(f"console cap: {exc}", file=sys.stderr)
            failed += 1
            continue
        results.append((path, kind, items))
    if args.json:
        out = [{"file": path, kind: [item.to_json() for item in items]} for path, kind, items in results]
        print(json.dumps(out, ensure_ascii=False, indent=1))
    else:
        for path, kind, items in results:
            noun = "feed entr" + ("y" if len(items) == 1 else "ies") if kind == "feed" else \
                "alert" + ("" if len(items) == 1 else "s")
            print(f"{path}: {len(items)} {noun}")
            for item in items:
                if kind == "feed":
                    print(f"  {item.title}  <{item.link}>")
                else:
                    print("\n".join(_alert_lines(item, zone)))
    return 2 if failed else 0
