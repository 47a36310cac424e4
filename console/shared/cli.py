"""``python -m console.shared alarms|act --journal postgresql://...``: the alarm list and an operator's action
from a shell, on the shared state.

``act`` queues the action in the outbox (``--outbox``; the same file on a
later run re-sends what is still unanswered), waits for the service's answer
and prints it: ``applied``, ``noop`` (already done) or ``refused`` with the
reason. Exit status 0 applied or already done, 1 refused, 3 no answer yet (the
action stays queued), 2 bad input.
"""

from __future__ import annotations

import argparse
import json
import sys

from console.errors import InputError

__all__ = ["main"]


def _arguments(argv):
    parser = argparse.ArgumentParser(prog="python -m console.shared")
    commands = parser.add_subparsers(dest="command", required=True)
    alarms = commands.add_parser("alarms", help="the alarms of the shared state")
    alarms.add_argument("--journal", required=True, metavar="URL", help="postgresql://USER@HOST:PORT/DB")
    alarms.add_argument("--all", action="store_true", help="closed alarms too")
    alarms.add_argument("--json", action="store_true")
    act = commands.add_parser("act", help="send an operator's action to the alarm service and wait for its answer")
    act.add_argument("--journal", required=True, metavar="URL", help="postgresql://USER@HOST:PORT/DB")
    act.add_argument("--console", default="shell", help="this console's name (shown with the action)")
    act.add_argument("--operator", required=True)
    act.add_argument("--outbox", default="console-outbox.sqlite", help="the queue kept until answered")
    act.add_argument("--seen", type=int, metavar="OCCURRENCE",
                     help="the occurrence the operator saw (`alarms` lists it): refused if the alarm was raised again")
    act.add_argument("--arg", action="append", default=[], metavar="KEY=VALUE",
                     help="an argument of the action (reason=..., until_ms=..., unit=..., text=...); JSON values allowed")
    act.add_argument("--wait", type=float, default=10.0, metavar="SECONDS")
    act.add_argument("action", help="acknowledge, shelve, unshelve, note, dispatch, close, ...")
    act.add_argument("alarm_id", type=int, nargs="?")
    return parser.parse_args(argv)


def _value(text: str):
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return text


def alarms(args) -> int:
    from console.shared.client import read_after
    from console.shared.mirror import SharedMirror
    from console.shared.schema import check_schema, service_running
    from console.shared.url import connect, shown_url

    connection = connect(args.journal, application="console alarms")
    with connection:
        connection.autocommit = True
        if not check_schema(connection, shown_url(args.journal)):
            print(f"{shown_url(args.journal)}: no alarm service has set this database up yet", file=sys.stderr)
            return 3
        mirror = SharedMirror()
        mirror.apply(read_after(connection, 0, 0))
        running = service_running(connection)
    rows = []
    for alarm_id, alarm in sorted(mirror.alarms.items()):
        if alarm.closed and not args.all:
            continue
        rows.append({"alarm_id": alarm_id, "sensor_id": alarm.sensor_id, "level": alarm.level,
                     "state": alarm.state.key, "acked_by": alarm.acked_by, "occurrence": mirror.occurrence[alarm_id],
                     "version": mirror.alarm_version[alarm_id], "closed": alarm.closed})
    if args.json:
        print(json.dumps({"service_running": running, "last_seq": mirror.last_seq, "alarms": rows},
                         ensure_ascii=False, indent=2))
    else:
        if not running:
            print("no alarm service is running: the state below does not change until one is", file=sys.stderr)
        for row in rows:
            print(f"{row['alarm_id']:>6}  {row['sensor_id']:<14} level {row['level']}  {row['state']:<14} "
                  f"occurrence {row['occurrence']}  {row['acked_by'] or ''}")
    return 0


def act(args) -> int:
    from console.shared.client import SharedConsole

    extra = {}
    for item in args.arg:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise InputError("--arg", f"expected KEY=VALUE, not {item!r}")
        extra[key] = _value(value)
    console = SharedConsole(args.journal, args.console, args.outbox)
    try:
        seen = None if args.seen is None else (args.seen, None)
        command_id = console.act(args.action, args.operator, args.alarm_id, seen=seen, **extra)
        console.start()
        answer = console.wait_answer(command_id, args.wait)
        status = console.status
    finally:
        console.stop()
    if answer is None:
        print(f"no answer within {args.wait:g} s ({status.message or status.state}); the action stays queued in "
              f"{args.outbox} and is sent by the next run", file=sys.stderr)
        return 3
    state, reason = answer
    print(state if reason is None else f"{state}: {reason}")
    return 1 if state == "refused" else 0


def main(argv=None) -> int:
    args = _arguments(argv)
    try:
        return alarms(args) if args.command == "alarms" else act(args)
    except (InputError, ValueError) as error:
        print(f"console {args.command}: {error}", file=sys.stderr)
        return 2
