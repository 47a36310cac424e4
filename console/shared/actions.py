"""A console's command applied to the alarm book by the service, and the answer it gets.

A command names an action (``OperatorAction`` values, or any action of the book
that comes later: the name is looked up, not hard-wired) and its arguments as
JSON. Before the book sees it, the service checks that the alarm is still the
occurrence the operator saw: an acknowledgement meant for an alarm that has
since cleared and reached the operator again would silence what nobody saw.
The alarm's version is stored with the answer but not required to match: an
alarm that merely de-escalated while the operator clicked is still the one
they saw, and refusing them then would help nobody.

Answers: ``applied``; ``noop`` "already done" (the book had nothing to change:
acknowledged by someone else first, a retry); ``refused`` with the reason.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from console.model.alarms import AlarmBook, OperatorAction, RefusedTransition
from console.model.journal import JournalEntry

__all__ = ["APPLIED", "NOOP", "REFUSED", "Command", "apply_command"]

APPLIED, NOOP, REFUSED = "applied", "noop", "refused"


@dataclass(frozen=True)
class Command:
    """One row of ``command`` as the service reads it."""

    command_id: str
    console: str
    operator: str
    action: str
    args: dict
    alarm_id: int | None = None
    occurrence: int | None = None
    version: int | None = None


def _ids(command: Command) -> list[int]:
    ids = command.args.get("alarm_ids")
    if ids is None:
        return [] if command.alarm_id is None else [command.alarm_id]
    return [int(i) for i in ids]


def _sensors(book: AlarmBook, command: Command) -> list[str]:
    sensors = command.args.get("sensor_ids")
    if sensors is not None:
        return [str(s) for s in sensors]
    return [book.alarms[i].sensor_id for i in _ids(command)]


# Action -> how the book applies it: (book, command, ids, at_ms) -> anything.
A = OperatorAction
_BOOK_CALLS = {
    A.ACKNOWLEDGE: lambda b, c, ids, t: b.acknowledge(ids, c.operator, t),
    A.SHELVE: lambda b, c, ids, t: b.shelve(ids, c.args.get("reason", ""), int(c.args["until_ms"]), c.operator, t),
    A.UNSHELVE: lambda b, c, ids, t: b.unshelve(ids, c.operator, t),
    A.NOTE: lambda b, c, ids, t: b.note(ids, c.args.get("text", ""), c.operator, t),
    A.DISPATCH: lambda b, c, ids, t: b.dispatch(ids, c.args.get("unit", ""), c.operator, t),
    A.CLOSE: lambda b, c, ids, t: b.close(ids, c.args.get("classification", ""), c.args.get("note", ""),
                                          c.operator, t),
    A.OUT_OF_SERVICE: lambda b, c, ids, t: b.set_out_of_service(_sensors(b, c), True, c.args.get("reason", ""),
                                                                c.operator, t),
    A.IN_SERVICE: lambda b, c, ids, t: b.set_out_of_service(_sensors(b, c), False, c.args.get("reason", ""),
                                                            c.operator, t),
}
del A


def _generic(book: AlarmBook, command: Command, ids: list[int], at_ms: int):
    """An action this module does not list: the book's method of that name, else a journaled record."""
    method = getattr(book, command.action, None) if not command.action.startswith("_") else None
    args = {k: v for k, v in command.args.items() if k != "alarm_ids"}
    if callable(method):
        if ids:
            args["alarm_ids"] = ids
        return method(**args, operator=command.operator, at_ms=at_ms)
    if ids:
        raise ValueError(f"unknown action {command.action!r}")
    return book.record_action(command.action, command.operator, at_ms, **args)


def apply_command(book: AlarmBook, journal, command: Command, occurrence: dict[int, int], at_ms: int):
    """Apply ``command`` to ``book`` (journaled through ``journal`` with its origin); returns (status, reason)."""
    from console.shared.writer import Origin

    ids = _ids(command)
    for alarm_id in ids:
        if alarm_id not in book.alarms:
            return REFUSED, f"there is no alarm {alarm_id}"
    if command.alarm_id is not None and command.occurrence is not None:
        now = occurrence.get(command.alarm_id, 0)
        if now != command.occurrence:
            return REFUSED, (f"alarm {command.alarm_id} reached the operator again since it was seen "
                             f"(occurrence {now}, seen {command.occurrence}): look at it again")
    call = _BOOK_CALLS.get(command.action, _generic)
    done = journal.origin(Origin(command.console, command.command_id))
    answer = None
    try:
        with book.holding():
            try:
                call(book, command, ids, at_ms)
            except (ValueError, KeyError, RefusedTransition) as error:
                answer = REFUSED, str(error).strip("'\"") or type(error).__name__
            except TypeError as error:
                answer = REFUSED, f"bad arguments for {command.action}: {error}"
        # Whatever the book recorded is journaled, a refusal's partial work included (the book checks
        # all-or-none actions before changing anything, so there is none today).
        records = book.take_records()
        if records:
            journal.submit(JournalEntry(records=records))
    finally:
        done()
    if answer is not None:
        return answer
    if not (records.transitions or records.actions):
        states = ", ".join(f"alarm {i} is {book.alarms[i].state.key}" for i in ids)
        return NOOP, "already done" + (f" ({states})" if states else "")
    return APPLIED, None


def command_from_row(row) -> Command:
    """A ``command`` row (command_id, console, operator, action, args, alarm_id, occurrence, version)."""
    command_id, console, operator, action, args, alarm_id, occurrence, version = row
    if isinstance(args, str):
        args = json.loads(args)
    return Command(str(command_id), console, operator, action, dict(args or {}), alarm_id, occurrence, version)
