"""Readings of a large transaction stored as one row of columns (``reading_block``, docs/journal.md).

A bulk batch is sorted by sensor and time and kept as little-endian column blobs;
reading one sensor's slice opens the blobs without loading them whole.
"""

from __future__ import annotations

import sqlite3

import numpy as np

__all__ = ["BLOCK_MIN_READINGS", "blob_slice", "block_times", "chunks", "read_block", "write_block"]

# A transaction with at least this many readings stores them as one block, fewer go to rows.
BLOCK_MIN_READINGS = 50_000


def write_block(connection: sqlite3.Connection, keys, t, values, quality) -> None:
    """Readings as one ``reading_block`` row: sorted by sensor key and time, first of a repeated time kept."""
    ascending = (keys[1:] > keys[:-1]) | ((keys[1:] == keys[:-1]) & (t[1:] > t[:-1]))
    if not ascending.all():
        # Entries arrive sorted by sensor row: a stable sort by key mostly merges a few runs.
        order = np.argsort(keys, kind="stable")
        keys, t = keys[order], t[order]
        unsorted = (keys[1:] == keys[:-1]) & (t[1:] < t[:-1])
        if unsorted.any():  # late readings: order by time within each sensor, keeping arrival order
            again = np.lexsort((np.arange(len(t)), t, keys))
            order, keys, t = order[again], keys[again], t[again]
        keep = np.ones(len(t), dtype=bool)
        keep[1:] = (keys[1:] != keys[:-1]) | (t[1:] != t[:-1])
        order, keys, t = order[keep], keys[keep], t[keep]
        values, quality = values[order], quality[order]
    first = np.flatnonzero(np.concatenate(([True], keys[1:] != keys[:-1])))
    starts = np.append(first, len(keys)).astype("<i4")
    t_min, t_max = int(t.min()), int(t.max())
    # Times as 32-bit offsets from t_min when the block spans less than 24 days (it nearly always does).
    times = (t - t_min).astype("<i4") if t_max - t_min < 2**31 else t.astype("<i8")
    connection.execute(
        "INSERT INTO reading_block (t_min, t_max, n, sensor_keys, starts, t_ms, value, quality) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (t_min, t_max, len(t), keys[first].astype("<i4").tobytes(), starts.tobytes(), times.tobytes(),
         np.asarray(values, dtype="<f8").tobytes(), np.asarray(quality, dtype=np.uint8).tobytes()),
    )


def block_times(db: sqlite3.Connection, block_id: int, t_min: int, n: int, lo: int, hi: int) -> np.ndarray:
    """Times lo..hi of a block: 32-bit offsets from t_min, or (4 bytes more each) absolute times."""
    with db.blobopen("reading_block", "t_ms", block_id, readonly=True) as blob:
        if len(blob) == 8 * n:
            return blob_slice(db, "t_ms", block_id, lo, hi, "<i8").astype(np.int64)
    return blob_slice(db, "t_ms", block_id, lo, hi, "<i4").astype(np.int64) + t_min


def blob_slice(db: sqlite3.Connection, column: str, block_id: int, lo: int, hi: int, dtype) -> np.ndarray:
    """Items lo..hi of one column blob of a reading block, read without loading the whole blob."""
    size = np.dtype(dtype).itemsize
    with db.blobopen("reading_block", column, block_id, readonly=True) as blob:
        blob.seek(lo * size)
        return np.frombuffer(blob.read((hi - lo) * size), dtype=dtype)


def read_block(db: sqlite3.Connection, block_id: int):
    """A whole reading block as (keys per reading, t_ms, value, quality)."""
    t_min, n, keys_blob, starts_blob, t, v, q = db.execute(
        "SELECT t_min, n, sensor_keys, starts, t_ms, value, quality FROM reading_block WHERE block_id = ?",
        (block_id,),
    ).fetchone()
    keys = np.frombuffer(keys_blob, dtype="<i4").astype(np.int64)
    starts = np.frombuffer(starts_blob, dtype="<i4")
    times = np.frombuffer(t, dtype="<i8") if len(t) == 8 * n else np.frombuffer(t, dtype="<i4") + np.int64(t_min)
    return (np.repeat(keys, np.diff(starts)), times.astype(np.int64),
            np.frombuffer(v, dtype="<f8").copy(), np.frombuffer(q, dtype=np.uint8).copy())


def chunks(n: int, size: int = 4096):
    """Slices of at most ``size`` rows, so each conversion to Python holds the GIL only briefly."""
    for start in range(0, n, size):
        yield slice(start, min(n, start + size))
