"""``console cap FILE... [--json]`` and ``console cap export``: CAP alerts in and out.

Reading: each file is a CAP document (one ``<alert>`` or a wrapper of several)
or an Atom feed of CAP entries. Files that cannot be read are named on stderr
with the reason, the others are still printed, and the exit status is 2 when
any failed.

``console cap export --journal J (--alarm ID | --incident ID) --out FILE.xml
[--target folder:PATH | --target mqtt://HOST:PORT/TOPIC]`` writes the alarm's or
incident's latest CAP 1.2 message (``console.cap.export``); sensor positions come
from ``--catalog`` or ``--sensors`` (default: the demo city).
"""

from __future__ import annotations

import argparse

from console.model.levels import DISPLAY_ZONE

EXPORT_OPTIONS = ("journal", "alarm", "incident", "out", "target", "sender", "sender_name", "radius_km", "buffer_km",
                  "catalog", "sensors")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.usage = ("%(prog)s FILE... [--json] [--lonlat-circles] [--tz TZ]\n"
                    "       %(prog)s export --journal J (--alarm ID | --incident ID) --out FILE.xml "
                    "[--target folder:PATH | --target mqtt://HOST:PORT/TOPIC] [--catalog C | --sensors FILE...]")
    parser.add_argument("files", metavar="FILE", nargs="*",
                        help="CAP XML documents or Atom feeds of CAP alerts; or the word export")
    parser.add_argument("--json", action="store_true", help="print the alerts as JSON")
    parser.add_argument("--lonlat-circles", action="store_true",
                        help="read circle centres as lon,lat (sources that write them the wrong way round)")
    parser.add_argument("--tz", default=DISPLAY_ZONE,
                        help=f"time zone of the times shown and written (default {DISPLAY_ZONE})")
    out = parser.add_argument_group("export (console cap export)")
    out.add_argument("--journal", metavar="J", help="the journal holding the alarm or incident")
    which = out.add_mutually_exclusive_group()
    which.add_argument("--alarm", metavar="ID", type=int, help="the alarm to publish")
    which.add_argument("--incident", metavar="ID", type=int, help="the incident to publish (its footprint)")
    out.add_argument("--out", metavar="FILE.xml", help="where to write the CAP alert")
    out.add_argument("--target", metavar="T", action="append", default=None,
                     help="also publish to folder:PATH or mqtt://HOST:PORT/TOPIC (may repeat)")
    out.add_argument("--sender", help="CAP sender (default console@HOST)")
    out.add_argument("--sender-name", help="CAP senderName, e.g. the duty room's name")
    out.add_argument("--radius-km", type=float, help="circle around an alarm's sensor (default 0.5)")
    out.add_argument("--buffer-km", type=float, help="buffer around an incident's sensors (default 0.5)")
    sensors = out.add_mutually_exclusive_group()
    sensors.add_argument("--catalog", metavar="C", help="layer catalog of the sensors (default: demo city)")
    sensors.add_argument("--sensors", metavar="FILE", nargs="+", help="sensor layer file(s) instead of a catalog")


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
    from console.errors import InputError

    given = [name for name in EXPORT_OPTIONS if getattr(args, name) is not None]
    if args.files[:1] == ["export"]:
        if args.files[1:]:
            raise InputError("console cap export", f"takes no file arguments ({args.files[1]!r})")
        return run_export(args)
    if not args.files:
        raise InputError("console cap", "give CAP files to read, or: console cap export --journal J ...")
    if given:
        raise InputError("console cap", f"--{given[0].replace('_', '-')} belongs to `console cap export`")
    return run_read(args)


def run_export(args: argparse.Namespace) -> int:
    """Write the latest CAP message of an alarm or incident, then publish it to each target."""
    from console.cap.export import ExportOptions, export_message
    from console.cap.publish import parse_target, publish, write_atomic
    from console.cap.story import read_journal_subject, sites_of_table
    from console.commands.process import load_sensor_layers
    from console.errors import InputError
    from console.model.sensors import SensorTable

    where = "console cap export"
    if not args.journal:
        raise InputError(where, "--journal is required")
    if args.alarm is None and args.incident is None:
        raise InputError(where, "give --alarm ID or --incident ID")
    if not args.out:
        raise InputError(where, "--out FILE.xml is required")
    radius_km = 0.5 if args.radius_km is None else args.radius_km
    buffer_km = 0.5 if args.buffer_km is None else args.buffer_km
    if not (radius_km > 0 and buffer_km > 0):
        raise InputError(where, "--radius-km and --buffer-km must be positive")
    targets = [parse_target(text) for text in args.target or ()]  # checked before anything is read
    subject = read_journal_subject(args.journal, alarm=args.alarm, incident=args.incident)
    sites = sites_of_table(SensorTable.from_layers(load_sensor_layers(args.catalog, args.sensors)))
    options = ExportOptions(sender=args.sender or "", sender_name=args.sender_name or "", radius_km=radius_km,
                            buffer_km=buffer_km, zone=args.tz)
    message = export_message(subject, sites, options)
    write_atomic(args.out, message.data())
    print(f"{args.out}: CAP {message.msg_type} {message.identifier} "
          f"({subject.kind} {subject.key}, revision {message.revision.number} of {len(subject.revisions)}, "
          f"level {message.revision.level}{', exercise' if subject.drill else ''})")
    for target in targets:
        print(f"  published to {publish(target, message.identifier, message.data())}")
    return 0


def run_read(args: argparse.Namespace) -> int:
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
