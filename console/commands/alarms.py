"""``console alarms --journal J [--open] [--json]``: the alarms of a journal with their dispatch and deadlines.

Reads the journal without writing it (a running console may have it open): the
committed alarms, their state, who they were dispatched to, the next deadline of
the dispatch and how long is left (or how long it is overdue) at ``--at``
(default now, the wall clock; give the feed's time for a drill journal).
"""

from __future__ import annotations

import argparse
import json
import sys
import time

from console.model.levels import DISPLAY_ZONE

_STEP_TEXT = {"unit_ack": "unit ack", "on_site": "on site", "handled": "handled"}


def is_shared(journal: str) -> bool:
    """A PostgreSQL URL: the shared alarm state of several consoles (console.shared)."""
    return str(journal).startswith(("postgresql://", "postgres://"))


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--journal", metavar="J", required=True,
                        help="the SQLite journal to read, or postgresql://... (the shared alarm state)")
    parser.add_argument("--open", action="store_true", help="only alarms not closed")
    parser.add_argument("--json", action="store_true", help="print JSON (times as UTC epoch ms and in --tz)")
    parser.add_argument("--at", metavar="T", help="the moment countdowns are counted to (default: now)")
    parser.add_argument("--tz", default=DISPLAY_ZONE, help=f"time zone of the times shown (default {DISPLAY_ZONE})")


def read_alarms(path, table=None):
    """The alarm book committed in the journal at ``path`` (read-only), on ``table`` (default: no sensors)."""
    from console.model.journal.restore import restore_book
    from console.model.journal.schema import connect_reader
    from console.model.sensors import SensorTable

    db = connect_reader(path)
    try:
        return restore_book(db, table if table is not None else SensorTable([], [], [], source=str(path)))
    finally:
        db.close()


def moment(text: str | None, option: str, zone) -> int:
    from console.commands.report import parse_time

    return int(time.time() * 1000) if text is None else parse_time(text, option, zone)


def run(args: argparse.Namespace) -> int:
    if is_shared(args.journal):
        from console.shared.cli import main as shared

        return shared(["alarms", "--journal", args.journal] + ["--json"] * args.json + ["--all"] * (not args.open))
    from console.commands.summary import format_time, time_zone
    from console.model.alarms import overdue_steps
    from console.model.alarms.commands import describe

    zone = time_zone(args.tz)
    now = moment(args.at, "--at", zone)
    book = read_alarms(args.journal)
    alarms = [a for a in book.alarms.values() if not args.open or a.closed_ms is None]
    items = []
    for alarm in alarms:
        item = describe(alarm)
        item["overdue"] = [step for step, _due in overdue_steps(alarm, now)]
        item["next_due_in_s"] = None if item["next_due_ms"] is None else round((item["next_due_ms"] - now) / 1000)
        items.append(item)
    if args.json:
        for item in items:
            for key in [k for k in item if k.endswith("_ms")]:
                if item[key] is not None:
                    item[key.removesuffix("_ms") + "_time"] = format_time(item[key], zone)
        json.dump({"journal": str(args.journal), "now_ms": now, "now": format_time(now, zone), "alarms": items},
                  sys.stdout, ensure_ascii=False, indent=2)
        print()
        return 0
    print(f"{len(items)} alarm(s) in {args.journal} at {format_time(now, zone)}")
    for item in items:
        print(line_of(item, zone))
    return 0


def line_of(item: dict, zone) -> str:
    from console.commands.summary import format_time
    from console.model.levels import LEVEL_NAMES

    level = "fault" if item["kind"] == "fault" else LEVEL_NAMES[item["peak_level"]]
    state = "closed " + str(item["classification"]) if item["closed_ms"] is not None else item["state"]
    text = f"#{item['alarm']:<5} {level:<5} {item['sensor']:<14} {state:<18}"
    if item["dispatched_to"]:
        text += f" -> {item['dispatched_to']}"
        if item["next_step"] is not None:
            left = item["next_due_in_s"]
            when = format_time(item["next_due_ms"], zone)[11:16]
            if left < 0:
                text += f"  OVERDUE {_STEP_TEXT[item['next_step']]} (due {when}, {_duration(-left)} ago)"
            else:
                text += f"  next: {_STEP_TEXT[item['next_step']]} by {when} (in {_duration(left)})"
        if item["escalated"]:
            text += "  escalated: " + ", ".join(_STEP_TEXT[s] for s in item["escalated"])
    return text


def _duration(seconds: int) -> str:
    minutes, seconds = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min" if hours else f"{minutes} min {seconds:02d} s"
