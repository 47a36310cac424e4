"""``console act ACTION --journal J --alarm ID --operator NAME ...``: one operator action on a journal.

The action is checked and applied to the alarm book rebuilt from the journal,
exactly as the window applies it, and journaled as one entry. A refused action
prints why and exits 2, leaving the journal as it was. Due escalations are
recorded first (at their deadlines), as a running console would have.

The book of a running console (or ``console serve``) owns its journal: while one
has the journal open, ``console act`` is refused at once (an exclusive lock beside
the journal) and says so; act in that console's window instead.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from console.model.levels import DISPLAY_ZONE

ACTIONS = ("acknowledge", "shelve", "unshelve", "note", "dispatch", "unit-acknowledged", "on-site", "feedback",
           "close")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("action", choices=ACTIONS, help="what to do")
    parser.add_argument("--journal", metavar="J", required=True,
                        help="the SQLite journal to act on, or postgresql://... (sent to the alarm service)")
    parser.add_argument("--alarm", metavar="ID", type=int, required=True, help="the alarm's id (console alarms)")
    parser.add_argument("--operator", metavar="NAME", required=True, help="who acts (journaled with the action)")
    parser.add_argument("--unit", metavar="U", help="dispatch: the responsible unit (default: the sensor's owner)")
    parser.add_argument("--note", metavar="TEXT", default="",
                        help="the note or feedback text, the shelving reason, or the note of a dispatch, step or closure")
    parser.add_argument("--classification", metavar="C", default="",
                        help="close: handled, false_alarm, test or duplicate")
    parser.add_argument("--until", metavar="T", help="shelve: until this time, or for a duration (2h, 90min)")
    parser.add_argument("--at", metavar="T", help="when the action is made (default: now; the feed time for a drill)")
    parser.add_argument("--deadlines", metavar="TOML", help="deadlines of a dispatch (default: $CONSOLE_DEADLINES "
                                                            "or assets/rules/deadlines.toml)")
    parser.add_argument("--tz", default=DISPLAY_ZONE, help=f"zone of times without an offset (default {DISPLAY_ZONE})")
    parser.add_argument("--json", action="store_true", help="print the alarm after the action as JSON")


def run(args: argparse.Namespace) -> int:
    from console.commands.alarms import is_shared, line_of, moment
    from console.commands.report import parse_duration
    from console.commands.summary import time_zone
    from console.errors import InputError
    from console.model.alarms import AlarmCommand, CommandRefused, DeadlineTable, apply_command
    from console.model.journal import Journal
    from console.model.journal.schema import connect_reader
    from console.model.journal.writer import JournalEntry
    from console.model.sensors import SensorTable

    zone = time_zone(args.tz)
    at = moment(args.at, "--at", zone)
    until = None
    if args.until is not None:
        try:
            until = at + parse_duration(args.until, "--until")
        except InputError:
            until = moment(args.until, "--until", zone)
    if is_shared(args.journal):
        return _act_shared(args, until)
    deadlines = DeadlineTable.load(args.deadlines) if args.deadlines else DeadlineTable.configured()
    path = Path(args.journal)
    connect_reader(path).close()  # a missing file or another program's is named, and left as it is
    journal = Journal(path, exclusive=True, commit_interval_s=0)
    try:
        table = SensorTable([], [], [], source=str(path))
        book = journal.restore(table)
        book.deadlines = deadlines
        command = AlarmCommand(args.action, args.alarm, args.operator.strip(), at, unit=args.unit or "",
                               note=args.note or "", classification=args.classification or "", until_ms=until)
        with book.holding():
            book.check_deadlines(at)
            try:
                result = apply_command(book, command)
            except CommandRefused as refused:
                print(f"console act: {args.action} refused: {refused}", file=sys.stderr)
                book.take_records()  # nothing of a refused action is written (escalations neither)
                return 2
        journal.submit(JournalEntry(records=book.take_records()))
        journal.flush()
    finally:
        journal.close()
    if args.json:
        json.dump(result, sys.stdout, ensure_ascii=False, indent=2)
        print()
    else:
        from console.model.alarms import overdue_steps

        result["overdue"] = [s for s, _ in overdue_steps(book.alarms[args.alarm], at)]
        result["next_due_in_s"] = None if result["next_due_ms"] is None else round((result["next_due_ms"] - at) / 1000)
        print(f"{args.action}: done by {command.operator}")
        print(line_of(result, zone))
    return 0


# The command-line action -> the alarm service's action name and the argument its note fills.
_SHARED = {"acknowledge": ("acknowledge", None), "shelve": ("shelve", "reason"), "unshelve": ("unshelve", None),
           "note": ("note", "text"), "dispatch": ("dispatch", "note"), "unit-acknowledged": ("unit_acknowledged", "note"),
           "on-site": ("on_site", "note"), "feedback": ("feedback", "text"), "close": ("close", "note")}


def _act_shared(args: argparse.Namespace, until: int | None) -> int:
    """The action sent to the alarm service of a shared state, which applies it (or refuses it) and answers."""
    from console.shared.cli import main as shared

    action, note_key = _SHARED[args.action]
    extra = {"unit": args.unit, "classification": args.classification or None, "until_ms": until}
    if note_key and args.note:
        extra[note_key] = args.note
    # The queue kept until the service answers: a later run re-sends what is still unanswered.
    folder = Path(os.environ.get("CONSOLE_DATA_DIR") or Path.home() / ".local" / "share" / "console")
    folder.mkdir(parents=True, exist_ok=True)
    argv = ["act", "--journal", args.journal, "--operator", args.operator, "--console", "console act",
            "--outbox", str(folder / "act-outbox.sqlite")]
    for key, value in extra.items():
        if value is not None:
            argv += ["--arg", f"{key}={json.dumps(value, ensure_ascii=False)}"]
    status = shared(argv + [action, str(args.alarm)])
    return 2 if status == 1 else status  # refused: 2, as on a SQLite journal
