"""Rebuilding the alarm book from the journal after a restart.

The journal reads its rows back into the book's own record types and hands them
to ``AlarmBook.restore``; it never writes the book's fields.
"""

from __future__ import annotations

import json
import sqlite3

from console.model.alarms import (
    ALARM_COLUMNS,
    ANNUNCIATING_KINDS,
    FAULT_KIND,
    INCIDENT_COLUMNS,
    LEVEL_KINDS,
    RATE_MEMORY_MS,
    Alarm,
    AlarmBook,
    AlarmState,
    Incident,
    LevelStep,
    Note,
)
from console.model.sensors import SensorTable

__all__ = ["restore_book"]


def restore_book(
    db: sqlite3.Connection, table: SensorTable, *, incident_distance_m: float = 500.0, incident_window_s: float = 600.0
) -> AlarmBook:
    """A new book for ``table`` holding the committed alarms and incidents.

    Alarms of sensors the table lacks are kept with ``sensor_row`` -1.
    """
    book = AlarmBook(table, incident_distance_m=incident_distance_m, incident_window_s=incident_window_s)

    history: dict[int, list[LevelStep]] = {}
    kinds = ", ".join(f"'{k.value}'" for k in LEVEL_KINDS)
    for alarm_id, *step in db.execute(
        "SELECT alarm_id, t_ms, level_from, level_to, value, threshold, trigger FROM \"transition\" "
        f"WHERE kind IN ({kinds}) ORDER BY seq"
    ):
        history.setdefault(alarm_id, []).append(LevelStep(*_nan_floats(step, (3, 4))))
    notes: dict[int, list[Note]] = {}
    for alarm_id, t_ms, operator, action, detail in db.execute(
        "SELECT alarm_id, t_ms, operator, action, detail FROM action WHERE action IN ('note', 'feedback') ORDER BY seq"
    ):
        notes.setdefault(alarm_id, []).append(Note(t_ms, operator, json.loads(detail)["text"], action))

    alarms = []
    # A journal opened read-only keeps its older schema: columns it lacks read as empty.
    stored = {row[1] for row in db.execute("PRAGMA table_info(alarm)")}
    selected = ", ".join(name if name in stored else "NULL" for name in ALARM_COLUMNS)
    for values in db.execute(f"SELECT {selected} FROM alarm ORDER BY alarm_id"):
        record = dict(zip(ALARM_COLUMNS, values, strict=True))
        record["state"] = AlarmState.from_key(record["state"])
        record["active"] = bool(record["active"])
        record["chattering"] = bool(record["chattering"])
        for name in ("threshold", "value"):
            record[name] = float("nan") if record[name] is None else record[name]
        for name, empty in (("kind", "level"), ("reason", ""), ("escalated", "")):
            record[name] = empty if record[name] is None else record[name]
        rows = table.rows_of([record["sensor_id"]])
        record["sensor_row"] = int(rows[0])
        alarm = Alarm(**record)
        alarm.history = history.get(alarm.alarm_id, [])
        alarm.notes = notes.get(alarm.alarm_id, [])
        alarms.append(alarm)

    members: dict[int, list[Alarm]] = {}
    for alarm in alarms:
        members.setdefault(alarm.incident_id, []).append(alarm)
    incidents = []
    for values in db.execute(f"SELECT {', '.join(INCIDENT_COLUMNS)} FROM incident ORDER BY incident_id"):
        incident = Incident(**dict(zip(INCIDENT_COLUMNS, values, strict=True)))
        for name in ("x", "y"):
            value = getattr(incident, name)
            setattr(incident, name, float("nan") if value is None else value)
        group = members.get(incident.incident_id, [])
        incident.alarm_ids = [a.alarm_id for a in group]
        incident.districts = sorted({a.district for a in group if a.district})
        incidents.append(incident)

    clock = db.execute(
        'SELECT max(coalesce((SELECT max(t_ms) FROM "transition"), 0), coalesce((SELECT max(t_ms) FROM action), 0))'
    ).fetchone()[0]
    kinds = ", ".join(f"'{k.value}'" for k in ANNUNCIATING_KINDS)
    annunciations = [
        t
        for (t,) in db.execute(
            f"SELECT t_ms FROM \"transition\" WHERE kind IN ({kinds}) AND state_to = ? AND t_ms > ? "
            "AND alarm_id NOT IN (SELECT alarm_id FROM alarm WHERE kind = ?)",
            (AlarmState.UNACK.key, clock - RATE_MEMORY_MS, FAULT_KIND),
        )
    ]
    next_ids = {
        "alarm": db.execute("SELECT coalesce(max(alarm_id), 0) + 1 FROM alarm").fetchone()[0],
        "transition": db.execute('SELECT coalesce(max(seq), 0) + 1 FROM "transition"').fetchone()[0],
        "action": db.execute("SELECT coalesce(max(seq), 0) + 1 FROM action").fetchone()[0],
        "incident": db.execute("SELECT coalesce(max(incident_id), 0) + 1 FROM incident").fetchone()[0],
        "clock_ms": clock,
    }
    book.restore(alarms, incidents, annunciations, next_ids)
    return book


def _nan_floats(values, positions) -> list:
    values = list(values)
    for i in positions:
        if values[i] is None:
            values[i] = float("nan")
    return values
