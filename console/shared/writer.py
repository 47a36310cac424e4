"""The alarm book's records as rows of the shared journal, written by the active service.

``SharedJournal`` stands where the SQLite ``Journal`` stands for a ``Pipeline``:
the pipeline and the book hand it their records, and it keeps them until the
service's loop calls ``write`` inside a transaction. Writing happens on the
loop's own thread (the book's owner), so the snapshots of changed alarms are
taken from the book as it is after the records, never from another thread.

Sequence numbers are given here, by the one writer that holds the advisory
lock, and taken only when the transaction committed (``committed``), so the
committed sequence has no gaps. A transaction that fails ends the service's
term: it lost its connection, hence its lock, and takes over again from what
was committed (``service``).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field

import numpy as np

from console.model.alarms import (
    ALARM_COLUMNS,
    INCIDENT_COLUMNS,
    AlarmBook,
    BookRecords,
    TransitionKind,
    alarm_row,
)
from console.model.alarms.lifecycle import AlarmState, annunciates
from console.model.journal.schema import STATE_COLUMNS, TIME_COLUMNS
from console.model.sensors import NO_TIME, SensorTable
from console.shared.schema import EVENT_CHANNEL

__all__ = ["Origin", "SharedJournal", "clean", "event_body"]


@dataclass(frozen=True)
class Origin:
    """Who made the records: the console and command of an operator's action (empty for the rules)."""

    console: str | None = None
    command_id: str | None = None


@dataclass
class _Pending:
    records: BookRecords
    origin: Origin = field(default_factory=Origin)


def clean(value):
    """A value JSON and PostgreSQL's jsonb accept: NaN and infinities become null, NumPy scalars plain."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, list | tuple):
        return [clean(v) for v in value]
    return value


def event_body(kind: str, record) -> dict:
    """A transition's or action's record as the event's JSON body."""
    body = {name: clean(value) for name, value in record._asdict().items()}
    if kind == "action":
        body["detail"] = json.loads(body["detail"] or "{}")
    return body


class SharedJournal:
    """What the pipeline journals, kept for the next ``write`` (the duck type of ``Journal`` a pipeline uses).

    Attributes
    ----------
    next_seq : int
        The seq the next event gets (set by the service from the database on takeover).
    occurrence, version : dict of int to int
        Per alarm: how often it reached the operator anew (as the book stands, written or
        not), and how often its row was written. A failed write ends the service's term,
        so neither is ever rolled back: the next term reads them from the database.
    """

    keep_readings = False  # raw readings stay on the broker and in the feeds; the state is what is shared
    keep_states = False  # sensor state goes in the once-a-second batches instead

    def __init__(self):
        self.next_seq = 1
        self.occurrence: dict[int, int] = {}
        self.version: dict[int, int] = {}
        self.book: AlarmBook | None = None
        self.table: SensorTable | None = None
        self._pending: list[_Pending] = []
        self._origin = Origin()
        self._written: int | None = None

    # --- the pipeline's side ---------------------------------------------------
    def bind(self, table: SensorTable) -> None:
        self.table = table

    def restore(self, table: SensorTable, **options) -> AlarmBook:
        if self.book is None or self.book.table is not table:
            raise RuntimeError("the service restores the book before the pipeline is built")
        return self.book

    def submit(self, entry) -> int:
        records = entry.records
        if records:
            # Counted now, not at the write: a command applied before the next commit is checked against
            # what the book has done, committed or not.
            for record in records.transitions:
                if annunciates(TransitionKind(record.kind), AlarmState.from_key(record.state_to)):
                    self.occurrence[record.alarm_id] = self.occurrence.get(record.alarm_id, 0) + 1
            self._pending.append(_Pending(records, self._origin))
        return 0

    def throttle(self, max_queued_rows: int, timeout: float | None = None) -> bool:
        return True

    def close(self) -> None:
        pass

    @property
    def dirty(self) -> bool:
        return bool(self._pending)

    def origin(self, origin: Origin):
        """Records submitted until the returned callable is called come from ``origin``."""
        self._origin = origin

        def done() -> None:
            self._origin = Origin()
        return done

    # --- the service's side ------------------------------------------------------
    def write(self, connection, marks: list[tuple] = ()) -> int:
        """Write the kept records and the commands' answers in the caller's transaction; returns the last seq.

        ``marks``: (command_id, status, reason) rows. Events of a command carry
        its id, and its answer the seq of its last event.
        """
        pending, self._pending = self._pending, []
        occurrence, version = self.occurrence, self.version
        events = []
        touched: dict[int, None] = {}
        incidents: dict[int, None] = {}
        last_of_command: dict[str, int] = {}
        seq = self.next_seq
        for item in pending:
            records, origin = item.records, item.origin
            first = seq
            for record in records.transitions:
                events.append((seq, record.t_ms, "transition", record.kind, record.alarm_id, record.operator,
                               origin.console, origin.command_id, json.dumps(event_body("transition", record))))
                touched[record.alarm_id] = None
                seq += 1
            for record in records.actions:
                events.append((seq, record.t_ms, "action", record.action, record.alarm_id, record.operator,
                               origin.console, origin.command_id, json.dumps(event_body("action", record),
                                                                             ensure_ascii=False)))
                if record.alarm_id is not None:
                    touched[record.alarm_id] = None
                seq += 1
            if origin.command_id and seq > first:
                last_of_command[origin.command_id] = seq - 1
            for row in records.alarms:
                touched[row[0]] = None
            for row in records.incidents:
                incidents[row[0]] = None
        last_seq = seq - 1
        cursor = connection.cursor()
        if events:
            cursor.executemany(
                "INSERT INTO event (seq, t_ms, kind, name, alarm_id, operator, console, command_id, body) "
                "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)", events)
        alarm_rows = []
        for alarm_id in touched:
            alarm = self.book.alarms.get(alarm_id) if self.book is not None else None
            if alarm is None:
                continue
            version[alarm_id] = version.get(alarm_id, 0) + 1
            record = dict(zip(ALARM_COLUMNS, (clean(v) for v in alarm_row(alarm)), strict=True))
            history = [[s.t_ms, s.level_from, s.level_to, clean(s.value), clean(s.threshold), s.trigger]
                       for s in alarm.history]
            notes = [[n.t_ms, n.operator, n.text] for n in alarm.notes]
            alarm_rows.append((alarm_id, version[alarm_id], occurrence.get(alarm_id, 0), last_seq,
                               json.dumps(record, ensure_ascii=False), json.dumps(history),
                               json.dumps(notes, ensure_ascii=False)))
        if alarm_rows:
            cursor.executemany(
                "INSERT INTO alarm_state (alarm_id, version, occurrence, last_seq, record, history, notes) "
                "VALUES (%s, %s, %s, %s, %s, %s, %s) ON CONFLICT (alarm_id) DO UPDATE SET version = excluded.version, "
                "occurrence = excluded.occurrence, last_seq = excluded.last_seq, record = excluded.record, "
                "history = excluded.history, notes = excluded.notes", alarm_rows)
        incident_rows = []
        for incident_id in incidents:
            incident = self.book.incidents.get(incident_id) if self.book is not None else None
            if incident is None:
                continue
            record = {name: clean(getattr(incident, name)) for name in INCIDENT_COLUMNS}
            incident_rows.append((incident_id, last_seq, json.dumps(record, ensure_ascii=False),
                                  json.dumps(incident.alarm_ids), json.dumps(incident.districts, ensure_ascii=False)))
        if incident_rows:
            cursor.executemany(
                "INSERT INTO incident_state (incident_id, last_seq, record, alarm_ids, districts) "
                "VALUES (%s, %s, %s, %s, %s) ON CONFLICT (incident_id) DO UPDATE SET last_seq = excluded.last_seq, "
                "record = excluded.record, alarm_ids = excluded.alarm_ids, districts = excluded.districts",
                incident_rows)
        if marks:
            cursor.executemany(
                "UPDATE command SET status = %s, reason = %s, seq = %s, answered_at = now() WHERE command_id = %s",
                [(status, reason, last_of_command.get(str(command_id)), command_id)
                 for command_id, status, reason in marks])
        if events:
            cursor.execute("UPDATE service SET last_seq = %s WHERE id = 1", (last_seq,))
            cursor.execute("SELECT pg_notify(%s, %s)", (EVENT_CHANNEL, str(last_seq)))
        self._written = seq
        return last_seq

    def committed(self) -> None:
        """The transaction of the last ``write`` committed: its seq numbers are spent."""
        if self._written is not None:
            self.next_seq = self._written
        self._written = None



def sensor_rows(table: SensorTable, rows: np.ndarray, batch: int) -> list[tuple]:
    """Rows of ``sensor_state`` for the table's ``rows`` (level, status, value and time, and the state to restore)."""
    columns = {name: getattr(table, name)[rows].tolist() for name in STATE_COLUMNS}
    out = []
    ids = table.ids[rows].tolist()
    for i, row in enumerate(rows.tolist()):
        state = {}
        for name in STATE_COLUMNS:
            value = columns[name][i]
            if (name in TIME_COLUMNS and value == NO_TIME) or (isinstance(value, float) and not math.isfinite(value)):
                value = None
            elif isinstance(value, bool):
                value = int(value)
            state[name] = value
        state["chatter_times"] = table.chatter_times.get(row, [])
        out.append((ids[i], batch, state["level"], state["status"], state["value"], state["t_ms"], json.dumps(state)))
    return out
