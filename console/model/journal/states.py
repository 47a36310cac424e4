"""Per-sensor live state in the journal: snapshots, writing and restoring ``sensor_state``."""

from __future__ import annotations

import json
import sqlite3

import numpy as np

from console.model.journal.blocks import chunks
from console.model.journal.schema import STATE_COLUMNS, TIME_COLUMNS
from console.model.sensors import NO_TIME, SensorTable

__all__ = ["restore_states", "state_snapshot", "write_states"]


def state_snapshot(table: SensorTable, rows, chatter_since: int | None = None) -> dict:
    """Copies of the per-sensor state columns at ``rows`` (for a ``JournalEntry``).

    Chattering times (JSON text, ``"[]"`` for none) come for every row given, or,
    with ``chatter_since``, for the rows whose times changed after that version
    only (those rows are added to ``rows``): the journal keeps the others' as they are.
    """
    rows = np.asarray(rows, dtype=np.int64)
    if chatter_since is None:
        chatter_rows = rows
    else:
        chatter_rows = np.flatnonzero(table.chatter_version > chatter_since)
        if chatter_rows.size:
            rows = np.union1d(rows, chatter_rows)
    snapshot = {"rows": rows}
    for name in STATE_COLUMNS:
        snapshot[name] = getattr(table, name)[rows]
    chatter = {}
    if chatter_since is not None or table.chatter_times:
        times = table.chatter_times
        for row in chatter_rows.tolist():
            found = times.get(row)
            if found or chatter_since is not None:
                chatter[row] = json.dumps(found or [])
    snapshot["chatter_times"] = chatter
    return snapshot


def write_states(connection: sqlite3.Connection, key_of_row: np.ndarray, states: list[dict]) -> None:
    """Upsert the newest snapshot of each sensor in ``states`` into ``sensor_state``."""
    # No Python loop over rows here: the calling thread must get the GIL back quickly.
    rows = np.concatenate([s["rows"] for s in states])
    # Keep the newest snapshot of each sensor: last occurrence wins.
    reverse_unique = np.unique(rows[::-1], return_index=True)[1]
    pick = len(rows) - 1 - reverse_unique
    rows = rows[pick]
    columns = [key_of_row[rows]]
    for name in STATE_COLUMNS:
        column = np.concatenate([s[name] for s in states])[pick]
        if name in TIME_COLUMNS:
            unset = column == NO_TIME
            column = column.astype(object)
            column[unset] = None
        elif column.dtype == bool:
            column = column.astype(np.int64)
        columns.append(column)
    chatter_text = np.full(len(rows), None, dtype=object)
    chatter = {}
    for s in states:
        chatter.update(s["chatter_times"])
    if chatter:
        chatter_rows = np.fromiter(chatter.keys(), dtype=np.int64, count=len(chatter))
        position = np.searchsorted(rows, chatter_rows)  # rows are sorted by np.unique
        chatter_text[position] = list(chatter.values())
    columns.append(chatter_text)
    marks = ", ".join("?" * (len(STATE_COLUMNS) + 2))
    names = ", ".join(("sensor_key", *STATE_COLUMNS, "chatter_times"))
    # A row without chattering times in the entries keeps the times it has.
    updates = ", ".join([f"{name} = excluded.{name}" for name in STATE_COLUMNS]
                        + ["chatter_times = coalesce(excluded.chatter_times, sensor_state.chatter_times)"])
    for part in chunks(len(rows)):
        connection.executemany(
            f"INSERT INTO sensor_state ({names}) VALUES ({marks}) ON CONFLICT (sensor_key) DO UPDATE SET {updates}",
            zip(*(column[part].tolist() for column in columns), strict=True),
        )


def restore_states(db: sqlite3.Connection, table: SensorTable) -> None:
    """Put the committed ``sensor_state`` rows back into ``table`` (sensors it lacks are skipped)."""
    names = ", ".join(("s.sensor_id", *(f"st.{c}" for c in STATE_COLUMNS), "st.chatter_times"))
    records = db.execute(
        f"SELECT {names} FROM sensor_state st JOIN sensor s USING (sensor_key)"
    ).fetchall()
    if not records:
        return
    columns = list(zip(*records, strict=True))
    rows = table.rows_of(np.array(columns[0], dtype=object))
    found = rows >= 0
    rows = rows[found]
    restored = {}
    for name, values in zip(STATE_COLUMNS, columns[1:], strict=False):
        dtype = table.column_dtype(name)
        if name in TIME_COLUMNS:
            array = np.array([NO_TIME if v is None else v for v in values], dtype=np.int64)
        elif dtype.kind == "f":
            array = np.array([np.nan if v is None else v for v in values], dtype=np.float64)
        else:
            fill = -1 if name == "pending_level" else 0
            array = np.array([fill if v is None else v for v in values]).astype(dtype)
        restored[name] = array[found]
    chatter = np.array(columns[-1], dtype=object)[found]
    chatter_times = [json.loads(text) if text else [] for text in chatter.tolist()]
    table.restore_rows(rows, restored, chatter_times)
