"""Reading the journal back: one sensor's readings, counts, integrity."""

from __future__ import annotations

import sqlite3

import numpy as np

from console.model.journal.blocks import blob_slice, block_times, read_block
from console.model.sensors import NO_TIME

__all__ = ["count_readings", "integrity_check", "query_readings"]


def query_readings(db: sqlite3.Connection, sensor_id: str, start_ms: int | None = None, end_ms: int | None = None):
    """Committed readings of one sensor in time order: (t_ms int64, value float64, quality uint8).

    A sensor and time written twice gives the first one written; one kept in a
    block wins over one in the ``reading`` rows.
    """
    start = NO_TIME if start_ms is None else int(start_ms)
    end = 2**63 - 1 if end_ms is None else int(end_ms)
    found = db.execute("SELECT sensor_key FROM sensor WHERE sensor_id = ?", (sensor_id,)).fetchone()
    if found is None:
        return np.empty(0, np.int64), np.empty(0), np.empty(0, np.uint8)
    key = found[0]
    parts = []
    for block_id, t_min, n, keys_blob in db.execute(
        "SELECT block_id, t_min, n, sensor_keys FROM reading_block WHERE t_max >= ? AND t_min <= ? "
        "ORDER BY block_id",
        (start, end),
    ).fetchall():
        keys = np.frombuffer(keys_blob, dtype="<i4")
        at = int(np.searchsorted(keys, key))
        if at == len(keys) or keys[at] != key:
            continue
        with db.blobopen("reading_block", "starts", block_id, readonly=True) as blob:
            blob.seek(4 * at)
            lo, hi = np.frombuffer(blob.read(8), dtype="<i4").tolist()
        parts.append((block_times(db, block_id, t_min, n, lo, hi),
                      blob_slice(db, "value", block_id, lo, hi, "<f8"),
                      blob_slice(db, "quality", block_id, lo, hi, np.uint8)))
    rows = db.execute(
        "SELECT t_ms, value, quality FROM reading WHERE sensor_key = ? AND t_ms >= ? AND t_ms <= ? ORDER BY t_ms",
        (key, start, end),
    ).fetchall()
    if rows:
        t, v, q = zip(*rows, strict=True)
        parts.append((np.array(t, np.int64), np.array(v, np.float64), np.array(q, np.uint8)))
    if not parts:
        return np.empty(0, np.int64), np.empty(0), np.empty(0, np.uint8)
    t, v, q = (np.concatenate(column) for column in zip(*parts, strict=True))
    order = np.argsort(t, kind="stable")  # the first written of equal times comes first
    t, v, q = t[order], v[order], q[order]
    keep = np.ones(len(t), dtype=bool)
    keep[1:] = t[1:] != t[:-1]
    keep &= (t >= start) & (t <= end)
    return t[keep], v[keep].astype(np.float64), q[keep].astype(np.uint8)

def count_readings(db: sqlite3.Connection, start_ms: int, end_ms: int) -> int:
    """How many readings with a time in [start_ms, end_ms] are stored, in rows and blocks.

    A sensor and time stored twice (once in a block, once in a row) counts twice.
    """
    count = db.execute("SELECT count(*) FROM reading WHERE t_ms BETWEEN ? AND ?", (start_ms, end_ms)).fetchone()[0]
    for (block_id,) in db.execute(
        "SELECT block_id FROM reading_block WHERE t_max >= ? AND t_min <= ?", (start_ms, end_ms)
    ).fetchall():
        t = read_block(db, block_id)[1]
        count += int(((t >= start_ms) & (t <= end_ms)).sum())
    return count

def integrity_check(db: sqlite3.Connection) -> str:
    """SQLite's ``PRAGMA integrity_check`` ("ok" when sound)."""
    return "; ".join(r[0] for r in db.execute("PRAGMA integrity_check").fetchall())
