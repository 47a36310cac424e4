"""Rebuilding the service's book and sensor state from the shared journal on takeover.

The rows go back into the book's own record types and through ``AlarmBook.restore``
and ``SensorTable.restore_rows``, as the SQLite journal's restore does; nothing
writes the book's fields from outside.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from console.model.alarms import (
    ANNUNCIATING_KINDS,
    FAULT_KIND,
    RATE_MEMORY_MS,
    Alarm,
    AlarmBook,
    AlarmState,
    Incident,
    LevelStep,
    Note,
)
from console.model.journal.schema import STATE_COLUMNS, TIME_COLUMNS
from console.model.sensors import NO_TIME, SensorTable

__all__ = ["Restored", "alarm_from_row", "restore"]

NAN = float("nan")


@dataclass
class Restored:
    book: AlarmBook
    next_seq: int
    occurrence: dict[int, int]
    version: dict[int, int]
    sensor_batch: int


def _float(value):
    return NAN if value is None else float(value)


def alarm_from_row(record: dict, history, notes, sensor_row: int) -> Alarm:
    """An ``Alarm`` from ``alarm_state``'s JSON (the console's mirror uses the same)."""
    values = dict(record)
    values["state"] = AlarmState.from_key(values["state"])
    values["active"] = bool(values["active"])
    values["chattering"] = bool(values["chattering"])
    values["threshold"], values["value"] = _float(values["threshold"]), _float(values["value"])
    values["sensor_row"] = sensor_row
    alarm = Alarm(**values)
    alarm.history = [LevelStep(t, lf, lt, _float(v), _float(th), trig) for t, lf, lt, v, th, trig in history]
    alarm.notes = [Note(t, operator, text) for t, operator, text in notes]
    return alarm


def incident_from_row(record: dict, alarm_ids, districts) -> Incident:
    values = dict(record)
    values["x"], values["y"] = _float(values["x"]), _float(values["y"])
    return Incident(**values, alarm_ids=list(alarm_ids), districts=list(districts))


def restore(connection, table: SensorTable, **options) -> Restored:
    """The committed state, read in one snapshot (``connection`` in autocommit mode, under the service's lock)."""
    with connection.transaction():
        connection.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        rows = connection.execute(
            "SELECT alarm_id, version, occurrence, record, history, notes FROM alarm_state ORDER BY alarm_id").fetchall()
        incident_rows = connection.execute(
            "SELECT record, alarm_ids, districts FROM incident_state ORDER BY incident_id").fetchall()
        kinds = [k.value for k in ANNUNCIATING_KINDS]
        figures = connection.execute(
            "SELECT coalesce(max(seq), 0), coalesce(max(t_ms), 0), "
            "coalesce(max((body->>'seq')::bigint) FILTER (WHERE kind = 'transition'), 0), "
            "coalesce(max((body->>'seq')::bigint) FILTER (WHERE kind = 'action'), 0) FROM event").fetchone()
        last_seq, clock_ms, last_transition, last_action = figures
        annunciation_rows = connection.execute(
            "SELECT e.t_ms FROM event e JOIN alarm_state a USING (alarm_id) WHERE e.kind = 'transition' "
            "AND e.name = ANY(%s) AND e.body->>'state_to' = %s AND e.t_ms > %s AND a.record->>'kind' <> %s",
            (kinds, AlarmState.UNACK.key, clock_ms - RATE_MEMORY_MS, FAULT_KIND)).fetchall()
        sensor_rows = connection.execute("SELECT sensor_id, state FROM sensor_state").fetchall()
        batch = connection.execute("SELECT coalesce(max(batch), 0) FROM sensor_state").fetchone()[0]

    book = AlarmBook(table, **options)
    alarms, occurrence, version = [], {}, {}
    sensor_of = table.rows_of(np.array([r[3]["sensor_id"] for r in rows], dtype=object)) if rows else []
    for (alarm_id, alarm_version, alarm_occurrence, record, history, notes), row in zip(rows, sensor_of, strict=True):
        alarms.append(alarm_from_row(record, history, notes, int(row)))
        occurrence[alarm_id], version[alarm_id] = alarm_occurrence, alarm_version
    incidents = [incident_from_row(*r) for r in incident_rows]
    next_ids = {
        "alarm": max((a.alarm_id for a in alarms), default=0) + 1,
        "transition": last_transition + 1,
        "action": last_action + 1,
        "incident": max((i.incident_id for i in incidents), default=0) + 1,
        "clock_ms": clock_ms,
    }
    _restore_sensors(table, sensor_rows)
    book.restore(alarms, incidents, sorted(t for (t,) in annunciation_rows), next_ids)
    return Restored(book, last_seq + 1, occurrence, version, batch)


def _restore_sensors(table: SensorTable, sensor_rows) -> None:
    if not sensor_rows:
        return
    rows = table.rows_of(np.array([r[0] for r in sensor_rows], dtype=object))
    keep = [i for i, row in enumerate(rows.tolist()) if row >= 0]
    if not keep:
        return
    states = [sensor_rows[i][1] for i in keep]
    columns = {}
    for name in STATE_COLUMNS:
        dtype = table.column_dtype(name)
        values = [s.get(name) for s in states]
        if name in TIME_COLUMNS:
            columns[name] = np.array([NO_TIME if v is None else v for v in values], dtype=np.int64)
        elif dtype.kind == "f":
            columns[name] = np.array([NAN if v is None else v for v in values], dtype=np.float64)
        else:
            fill = -1 if name == "pending_level" else 0
            columns[name] = np.array([fill if v is None else v for v in values]).astype(dtype)
    table.restore_rows(rows[keep], columns, [s.get("chatter_times", []) for s in states])
