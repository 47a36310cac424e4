"""The journal: a crash-safe SQLite record of readings, alarms and operator actions.

SQLite in WAL mode, written by one background thread in batched transactions:
callers hand over ``JournalEntry`` objects through a queue and never wait on the
disk. An entry is written whole or not at all, entries are written in the order
they were submitted, and the live state of the console can be rebuilt from the
last committed entry (``restore``). The schema is documented in docs/journal.md.
"""

from __future__ import annotations

import contextlib
import json
import math
import queue
import sqlite3
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from console.errors import InputError
from console.model.alarms import (
    ALARM_COLUMNS,
    INCIDENT_COLUMNS,
    Alarm,
    AlarmBook,
    AlarmState,
    BookRecords,
    Incident,
    LevelStep,
    Note,
    alarm_row,
    incident_row,
)
from console.model.sensors import NO_TIME, SensorTable

__all__ = ["APPLICATION_ID", "SCHEMA_VERSION", "Journal", "JournalEntry", "JournalError", "state_snapshot"]

SCHEMA_VERSION = 2
APPLICATION_ID = 0x434F4E53  # "CONS": marks a SQLite file as a console journal
DEFAULT_RETENTION_S = 30 * 86400.0

# Per-sensor state columns written to sensor_state (the table attribute of the same name).
STATE_COLUMNS = (
    "value",
    "t_ms",
    "quality",
    "level",
    "status",
    "out_of_service",
    "chattering",
    "pending_level",
    "pending_since_ms",
    "rate_ref_value",
    "rate_ref_t_ms",
)
_TIME_COLUMNS = {"t_ms", "pending_since_ms", "rate_ref_t_ms"}
_LEVEL_KINDS = ("raise", "reactivate", "escalate", "deescalate", "return")
_ANNUNCIATING_KINDS = ("raise", "reactivate", "escalate", "unshelve", "shelf_expired", "in_service")

# Readings of a large transaction, stored as columns (docs/journal.md); added in schema version 2.
_BLOCK_SCHEMA = """
CREATE TABLE reading_block (
    block_id INTEGER PRIMARY KEY,
    t_min INTEGER NOT NULL,
    t_max INTEGER NOT NULL,
    n INTEGER NOT NULL,
    sensor_keys BLOB NOT NULL,
    starts BLOB NOT NULL,
    t_ms BLOB NOT NULL,
    value BLOB NOT NULL,
    quality BLOB NOT NULL
);
CREATE INDEX reading_block_time ON reading_block (t_max, t_min);
"""
# Rows waiting that make the writer start a transaction at once (instead of waiting to gather more).
HURRY_ROWS = 3_000_000
# A transaction with at least this many readings stores them as one block, fewer go to rows.
BLOCK_MIN_READINGS = 50_000

_SCHEMA = f"""
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE sensor (sensor_key INTEGER PRIMARY KEY, sensor_id TEXT NOT NULL UNIQUE);
CREATE TABLE reading (
    sensor_key INTEGER NOT NULL,
    t_ms INTEGER NOT NULL,
    value REAL NOT NULL,
    quality INTEGER NOT NULL,
    PRIMARY KEY (sensor_key, t_ms)
) WITHOUT ROWID;
CREATE INDEX reading_time ON reading (t_ms);
{_BLOCK_SCHEMA}
CREATE TABLE sensor_state (
    sensor_key INTEGER PRIMARY KEY,
    value REAL, t_ms INTEGER, quality INTEGER, level INTEGER, status INTEGER,
    out_of_service INTEGER NOT NULL DEFAULT 0, chattering INTEGER NOT NULL DEFAULT 0,
    pending_level INTEGER, pending_since_ms INTEGER, rate_ref_value REAL, rate_ref_t_ms INTEGER,
    chatter_times TEXT
);
CREATE TABLE alarm (
    {", ".join(("alarm_id INTEGER PRIMARY KEY", *ALARM_COLUMNS[1:]))}
);
CREATE INDEX alarm_open ON alarm (closed_ms);
CREATE TABLE "transition" (
    seq INTEGER PRIMARY KEY,
    alarm_id INTEGER NOT NULL,
    t_ms INTEGER NOT NULL,
    kind TEXT NOT NULL,
    state_from TEXT NOT NULL,
    state_to TEXT NOT NULL,
    level_from INTEGER, level_to INTEGER, value REAL, threshold REAL, trigger TEXT,
    operator TEXT
);
CREATE INDEX transition_alarm ON "transition" (alarm_id);
CREATE TABLE action (
    seq INTEGER PRIMARY KEY,
    t_ms INTEGER NOT NULL,
    operator TEXT NOT NULL,
    action TEXT NOT NULL,
    alarm_id INTEGER,
    sensor_id TEXT,
    detail TEXT NOT NULL
);
CREATE INDEX action_alarm ON action (alarm_id);
CREATE TABLE incident (
    {", ".join(("incident_id INTEGER PRIMARY KEY", *INCIDENT_COLUMNS[1:]))}
);
"""


class JournalError(InputError):
    """A journal that cannot be opened or written; the message names the file."""


@dataclass
class JournalEntry:
    """One unit of writing: committed whole or not at all.

    ``readings``: (rows, t_ms, value, quality) arrays, rows of the bound table.
    ``states``: a ``state_snapshot``. ``records``: what the alarm book recorded.
    ``sensors``: (key, id) pairs of sensors new to the journal. ``meta``: keys
    and values for the ``meta`` table. ``rewind``: written first; forget what came
    after a point (see ``Journal.rewind``).
    """

    readings: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray] | None = None
    states: dict | None = None
    records: BookRecords | None = None
    sensors: list[tuple[int, str]] | None = None
    meta: dict[str, str] | None = None
    rewind: dict | None = None
    seq: int = 0

    def size(self) -> int:
        n = len(self.readings[0]) if self.readings is not None else 0
        n += len(self.states["rows"]) if self.states is not None else 0
        if self.records is not None:
            n += len(self.records.transitions) + len(self.records.actions) + len(self.records.alarms)
        return n + (len(self.sensors) if self.sensors else 0)


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


_STOP = object()


class Journal:
    """A journal file and its writer thread.

    Parameters
    ----------
    path : path-like
        The SQLite file; created with the schema when absent.
    retention_s : float
        Readings older than this, behind the newest reading written, are deleted.
        Alarms, transitions, actions and incidents are kept.
    synchronous : {"FULL", "NORMAL"}
        SQLite's sync level. FULL survives a power cut at the cost of one fsync
        per transaction; NORMAL survives a crash of the console.
    commit_interval_s : float
        Least time between transactions, so that a busy feed is written in few,
        large transactions.
    on_commit : callable, optional
        Called from the writer thread with the ``seq`` of the last entry of each
        committed transaction.
    keep_readings, keep_states : bool
        Whether readings history and the sensors' live state are written. A drill
        journal keeps neither: its feed file holds the readings, and its state is
        rebuilt by replaying the feed.

    Attributes
    ----------
    submitted_seq, committed_seq : int
        Sequence number of the last entry submitted / committed.
    failed : BaseException or None
        Set when writing failed; later submits raise ``JournalError``.

    Raises
    ------
    JournalError
        The file cannot be opened as a journal (not SQLite, another program's
        database, a newer schema, unreadable). ``Journal.start_fresh_beside(path)``
        starts a new journal next to it and leaves the old file alone.
    """

    def __init__(
        self,
        path,
        *,
        retention_s: float = DEFAULT_RETENTION_S,
        synchronous: str = "FULL",
        commit_interval_s: float = 0.1,
        on_commit: Callable[[int], None] | None = None,
        keep_readings: bool = True,
        keep_states: bool = True,
    ):
        self.path = Path(path)
        self.keep_readings = bool(keep_readings)
        self.keep_states = bool(keep_states)
        self.retention_ms = round(retention_s * 1000)
        self.commit_interval_s = float(commit_interval_s)
        self.on_commit = on_commit
        if synchronous not in ("FULL", "NORMAL"):
            raise ValueError(f"synchronous must be FULL or NORMAL, not {synchronous!r}")
        self._writer = self._connect(synchronous)
        self._reader = self._connect(None)
        self.key_of_row: np.ndarray | None = None
        self._table: SensorTable | None = None
        self._queue: queue.SimpleQueue = queue.SimpleQueue()
        self._done = threading.Condition()
        self.submitted_seq = 0
        self.committed_seq = 0
        self._queued_size = 0
        self._flushing = 0  # flush() calls waiting: the writer does not wait to gather more
        self.write_seconds = 0.0  # time the writer spent writing
        self.failed: BaseException | None = None
        self.commits = 0
        self.rows_written = 0
        self._newest_reading_ms = NO_TIME
        self._last_retention = -math.inf
        # Deleting old readings costs a scan of the time index: do it now and then, not every commit.
        self.retention_check_s = 10.0
        self._closed = False
        self._thread = threading.Thread(target=self._run, name=f"journal-writer {self.path.name}", daemon=True)
        self._thread.start()

    # --- opening ----------------------------------------------------------
    def _connect(self, synchronous: str | None) -> sqlite3.Connection:
        if self.path.is_dir():
            raise JournalError(self.path, "is a folder, not a journal file")
        if not self.path.parent.is_dir():
            raise JournalError(self.path, f"the folder {self.path.parent} does not exist")
        try:
            connection = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None, timeout=5.0)
            application_id = connection.execute("PRAGMA application_id").fetchone()[0]
            version = connection.execute("PRAGMA user_version").fetchone()[0]
            tables = connection.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
            if tables and application_id != APPLICATION_ID:
                connection.close()
                raise JournalError(self.path, "is an SQLite database of another program, not a console journal")
            if version > SCHEMA_VERSION:
                connection.close()
                raise JournalError(self.path, f"was written by a newer console (schema {version} > {SCHEMA_VERSION})")
            mode = connection.execute("PRAGMA journal_mode=WAL").fetchone()[0]
            if mode.lower() != "wal":
                connection.close()
                raise JournalError(self.path, f"cannot switch to WAL mode (got {mode})")
            if synchronous is not None:
                connection.execute(f"PRAGMA synchronous={synchronous}")
                connection.execute("PRAGMA cache_size=-65536")
                if not tables:
                    self._create_schema(connection)
                elif version < SCHEMA_VERSION:
                    self._upgrade_schema(connection, version)
        except sqlite3.Error as exc:
            raise JournalError(self.path, f"cannot be opened as a journal: {exc}") from None
        return connection

    @staticmethod
    def _create_schema(connection: sqlite3.Connection) -> None:
        from console import __version__

        connection.execute("BEGIN IMMEDIATE")
        for statement in _SCHEMA.split(";"):
            if statement.strip():
                connection.execute(statement)
        created = datetime.now(UTC).isoformat(timespec="seconds")
        connection.executemany(
            "INSERT INTO meta VALUES (?, ?)", [("created_utc", created), ("console_version", __version__)]
        )
        connection.execute(f"PRAGMA application_id={APPLICATION_ID}")
        connection.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
        connection.execute("COMMIT")

    @staticmethod
    def _upgrade_schema(connection: sqlite3.Connection, version: int) -> None:
        connection.execute("BEGIN IMMEDIATE")
        if version < 2:
            for statement in _BLOCK_SCHEMA.split(";"):
                if statement.strip():
                    connection.execute(statement)
        connection.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
        connection.execute("COMMIT")

    @staticmethod
    def fresh_path_beside(path) -> Path:
        """A name for a new journal next to ``path`` that does not exist yet."""
        path = Path(path)
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        suffix = path.suffix or ".sqlite"
        candidate = path.with_name(f"{path.stem}-{stamp}{suffix}")
        counter = 2
        while candidate.exists():
            candidate = path.with_name(f"{path.stem}-{stamp}-{counter}{suffix}")
            counter += 1
        return candidate

    @classmethod
    def start_fresh_beside(cls, path, **options) -> Journal:
        """Open a new, empty journal next to ``path``; the old file is left untouched."""
        return cls(cls.fresh_path_beside(path), **options)

    # --- meta -------------------------------------------------------------------
    def set_meta(self, **values) -> None:
        """Write keys of the ``meta`` table (in order with everything submitted before)."""
        self.submit(JournalEntry(meta={key: str(value) for key, value in values.items()}))

    def meta(self) -> dict[str, str]:
        """The committed ``meta`` table."""
        return dict(self._reader.execute("SELECT key, value FROM meta").fetchall())

    @property
    def is_drill(self) -> bool:
        """True for a drill journal (``meta`` key ``drill`` = 1); reports say so."""
        return self.meta().get("drill") == "1"

    # --- binding a table ----------------------------------------------------
    def bind(self, table: SensorTable) -> None:
        """Give each sensor of ``table`` a journal key (new sensors are written first)."""
        known = dict(self._reader.execute("SELECT sensor_id, sensor_key FROM sensor").fetchall())
        next_key = max(known.values(), default=0) + 1
        keys = np.empty(len(table), dtype=np.int64)
        new = []
        for row, sensor_id in enumerate(table.ids.tolist()):
            key = known.get(sensor_id)
            if key is None:
                key = next_key
                next_key += 1
                new.append((key, sensor_id))
            keys[row] = key
        self.key_of_row = keys
        self._table = table
        if new:
            self.submit(JournalEntry(sensors=new))

    # --- writing ------------------------------------------------------------
    def submit(self, entry: JournalEntry) -> int:
        """Queue an entry for writing; returns its sequence number. Never waits on the disk."""
        if self.failed is not None:
            raise JournalError(self.path, f"writing the journal failed: {self.failed}")
        if self._closed:
            raise JournalError(self.path, "the journal is closed")
        size = entry.size()
        with self._done:
            self.submitted_seq += 1
            entry.seq = self.submitted_seq
            self._queued_size += size
            if self._queued_size >= HURRY_ROWS:
                self._done.notify_all()  # enough for a large transaction: the writer need not wait
        self._queue.put(entry)
        return entry.seq

    def throttle(self, max_queued_rows: int, timeout: float | None = None) -> bool:
        """Wait while more than ``max_queued_rows`` rows wait to be written (a bulk writer's brake).

        The console's GUI thread never calls this; ``console process`` does, so that a
        feed read faster than the disk takes it does not pile up in memory.
        """
        with self._done:
            ok = self._done.wait_for(lambda: self._queued_size <= max_queued_rows or self.failed is not None, timeout)
        if self.failed is not None:
            raise JournalError(self.path, f"writing the journal failed: {self.failed}")
        return ok

    def rewind(self, table: SensorTable, book: AlarmBook, now_ms: int) -> int:
        """Make the journal match a book and table that were rebuilt for an earlier moment.

        A replay that seeks rebuilds its state from a checkpoint instead of playing.
        This entry deletes the transitions, actions, alarms and incidents numbered
        at or after the book's next numbers (what happened after that moment) and
        readings after ``now_ms``, then rewrites every alarm and incident of the
        book and, when states are kept, every sensor's state. Returns the entry's seq.
        """
        records = BookRecords(
            alarms=[alarm_row(a) for a in book.alarms.values()],
            incidents=[incident_row(i) for i in book.incidents.values()],
        )
        numbers = book.numbering()
        states = state_snapshot(table, np.arange(len(table))) if self.keep_states else None
        return self.submit(JournalEntry(states=states, records=records, rewind={**numbers, "now_ms": int(now_ms)}))

    @property
    def backlog(self) -> int:
        """Entries submitted but not yet committed."""
        return self.submitted_seq - self.committed_seq

    def flush(self, timeout: float | None = None) -> bool:
        """Wait until every submitted entry is committed; False on timeout."""
        target = self.submitted_seq
        with self._done:
            self._flushing += 1
            self._done.notify_all()
            try:
                ok = self._done.wait_for(lambda: self.committed_seq >= target or self.failed is not None, timeout)
            finally:
                self._flushing -= 1
        if self.failed is not None:
            raise JournalError(self.path, f"writing the journal failed: {self.failed}")
        return ok

    def close(self) -> None:
        """Write what is queued, stop the writer and close the file."""
        if self._closed:
            return
        self._closed = True
        self._queue.put(_STOP)
        with self._done:
            self._done.notify_all()
        self._thread.join()
        self._writer.close()
        self._reader.close()

    def __enter__(self) -> Journal:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _run(self) -> None:
        # Bounded transactions: a crash loses at most a few seconds of writing (a bulk feed's).
        max_rows = 4_000_000
        stop = False
        last_commit = 0.0
        last_write_s = 0.0
        while not stop:
            item = self._queue.get()
            if item is _STOP:
                break
            entries = [item]
            size = item.size()
            # Let a busy feed collect into one transaction. A transaction has a fixed cost (the
            # sensor states): under a heavy feed the writer waits four times as long as it wrote,
            # so transactions grow until writing takes a fifth of the time at most.
            wait = max(self.commit_interval_s, 4 * last_write_s) - (time.monotonic() - last_commit)
            if wait > 0:
                with self._done:
                    self._done.wait_for(lambda: self._closed or self._flushing or self._queued_size >= HURRY_ROWS,
                                        wait)
            while size < max_rows:
                try:
                    item = self._queue.get_nowait()
                except queue.Empty:
                    break
                if item is _STOP:
                    stop = True
                    break
                entries.append(item)
                size += item.size()
            write_began = time.monotonic()
            try:
                self._write(entries)
            except BaseException as exc:  # reported through self.failed
                with contextlib.suppress(sqlite3.Error):
                    self._writer.execute("ROLLBACK")
                with self._done:
                    self.failed = exc
                    self._done.notify_all()
                return
            last_commit = time.monotonic()
            last_write_s = min(last_commit - write_began, 1.0)
            self.write_seconds += last_commit - write_began
            with self._done:
                self.committed_seq = entries[-1].seq
                self.commits += 1
                self.rows_written += size
                self._queued_size -= size
                self._done.notify_all()
            if self.on_commit is not None:
                self.on_commit(self.committed_seq)

    def _write(self, entries: list[JournalEntry]) -> None:
        connection = self._writer
        connection.execute("BEGIN IMMEDIATE")
        # A rewind forgets what the entries before it wrote after its moment: write those first.
        last_rewind = max((i for i, e in enumerate(entries) if e.rewind is not None), default=-1)
        if last_rewind >= 0:
            if last_rewind > 0:
                self._write_entries(connection, entries[:last_rewind])
            self._write_rewind(connection, entries[last_rewind].rewind)
            entries = entries[last_rewind:]
        self._write_entries(connection, entries)
        self._apply_retention(connection)
        connection.execute("COMMIT")

    def _write_rewind(self, connection: sqlite3.Connection, rewind: dict) -> None:
        connection.execute('DELETE FROM "transition" WHERE seq >= ?', (rewind["transition"],))
        connection.execute("DELETE FROM action WHERE seq >= ?", (rewind["action"],))
        connection.execute("DELETE FROM alarm WHERE alarm_id >= ?", (rewind["alarm"],))
        connection.execute("DELETE FROM incident WHERE incident_id >= ?", (rewind["incident"],))
        connection.execute("DELETE FROM reading WHERE t_ms > ?", (rewind["now_ms"],))
        later = rewind["now_ms"]
        straddling = connection.execute(
            "SELECT block_id FROM reading_block WHERE t_max > ? AND t_min <= ?", (later, later)).fetchall()
        for (block_id,) in straddling:
            keys, t, values, quality = _read_block(connection, block_id)
            keep = t <= later
            connection.execute("DELETE FROM reading_block WHERE block_id = ?", (block_id,))
            if keep.any():
                self._write_block(connection, keys[keep], t[keep], values[keep], quality[keep])
        connection.execute("DELETE FROM reading_block WHERE t_min > ?", (later,))

    def _write_entries(self, connection: sqlite3.Connection, entries: list[JournalEntry]) -> None:
        meta = {key: value for e in entries if e.meta for key, value in e.meta.items()}
        if meta:
            connection.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)", list(meta.items()))
        sensors = [pair for e in entries if e.sensors for pair in e.sensors]
        if sensors:
            connection.executemany("INSERT INTO sensor VALUES (?, ?)", sensors)
        readings = [e.readings for e in entries if e.readings is not None and len(e.readings[0])]
        readings = readings if self.keep_readings else []
        # A large entry (a bulk batch) is a block of its own: it comes sorted by sensor and time.
        for rows, t, values, quality in [r for r in readings if len(r[0]) >= BLOCK_MIN_READINGS]:
            self._newest_reading_ms = max(self._newest_reading_ms, int(t.max()))
            self._write_block(connection, self.key_of_row[rows], t, values, quality)
        readings = [r for r in readings if len(r[0]) < BLOCK_MIN_READINGS]
        if readings:
            keys = self.key_of_row[np.concatenate([r[0] for r in readings])]
            t = np.concatenate([r[1] for r in readings])
            self._newest_reading_ms = max(self._newest_reading_ms, int(t.max()))
            values = np.concatenate([r[2] for r in readings])
            quality = np.concatenate([r[3] for r in readings])
            if len(t) >= BLOCK_MIN_READINGS:
                self._write_block(connection, keys, t, values, quality)
            else:
                for part in _chunks(len(t)):
                    connection.executemany(
                        "INSERT OR IGNORE INTO reading VALUES (?, ?, ?, ?)",
                        zip(keys[part].tolist(), t[part].tolist(), values[part].tolist(), quality[part].tolist(),
                            strict=True),
                    )
        states = [e.states for e in entries if e.states is not None and len(e.states["rows"])]
        states = states if self.keep_states else []
        if states:
            self._write_states(connection, states)
        for entry in entries:
            records = entry.records
            if not records:
                continue
            if records.transitions:
                connection.executemany(
                    'INSERT INTO "transition" VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)', records.transitions
                )
            if records.actions:
                connection.executemany("INSERT INTO action VALUES (?, ?, ?, ?, ?, ?, ?)", records.actions)
            if records.alarms:
                marks = ", ".join("?" * len(ALARM_COLUMNS))
                connection.executemany(f"INSERT OR REPLACE INTO alarm VALUES ({marks})", records.alarms)
            if records.incidents:
                marks = ", ".join("?" * len(INCIDENT_COLUMNS))
                connection.executemany(f"INSERT OR REPLACE INTO incident VALUES ({marks})", records.incidents)
            if records.service:
                connection.executemany(
                    "INSERT INTO sensor_state (sensor_key, out_of_service) VALUES (?, ?) "
                    "ON CONFLICT (sensor_key) DO UPDATE SET out_of_service = excluded.out_of_service",
                    [(int(self.key_of_row[row]), int(flag)) for row, flag in records.service],
                )

    @staticmethod
    def _write_block(connection: sqlite3.Connection, keys, t, values, quality) -> None:
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

    def _write_states(self, connection: sqlite3.Connection, states: list[dict]) -> None:
        # No Python loop over rows here: the calling thread must get the GIL back quickly.
        rows = np.concatenate([s["rows"] for s in states])
        # Keep the newest snapshot of each sensor: last occurrence wins.
        reverse_unique = np.unique(rows[::-1], return_index=True)[1]
        pick = len(rows) - 1 - reverse_unique
        rows = rows[pick]
        columns = [self.key_of_row[rows]]
        for name in STATE_COLUMNS:
            column = np.concatenate([s[name] for s in states])[pick]
            if name in _TIME_COLUMNS:
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
        for part in _chunks(len(rows)):
            connection.executemany(
                f"INSERT INTO sensor_state ({names}) VALUES ({marks}) ON CONFLICT (sensor_key) DO UPDATE SET {updates}",
                zip(*(column[part].tolist() for column in columns), strict=True),
            )

    def _apply_retention(self, connection: sqlite3.Connection) -> None:
        now = time.monotonic()
        if self._newest_reading_ms == NO_TIME or now - self._last_retention < self.retention_check_s:
            return
        self._last_retention = now
        cutoff = self._newest_reading_ms - self.retention_ms
        connection.execute("DELETE FROM reading WHERE t_ms < ?", (cutoff,))
        # A block goes when all of it is older than the retention.
        connection.execute("DELETE FROM reading_block WHERE t_max < ?", (cutoff,))

    # --- reading ------------------------------------------------------------
    def query_readings(self, sensor_id: str, start_ms: int | None = None, end_ms: int | None = None):
        """Committed readings of one sensor in time order: (t_ms int64, value float64, quality uint8).

        A sensor and time written twice gives the first one written; one kept in a
        block wins over one in the ``reading`` rows.
        """
        db = self._reader
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
            parts.append((_block_times(db, block_id, t_min, n, lo, hi),
                          _blob_slice(db, "value", block_id, lo, hi, "<f8"),
                          _blob_slice(db, "quality", block_id, lo, hi, np.uint8)))
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

    def count_readings(self, start_ms: int, end_ms: int) -> int:
        """How many readings with a time in [start_ms, end_ms] are stored, in rows and blocks.

        A sensor and time stored twice (once in a block, once in a row) counts twice.
        """
        db = self._reader
        count = db.execute("SELECT count(*) FROM reading WHERE t_ms BETWEEN ? AND ?", (start_ms, end_ms)).fetchone()[0]
        for (block_id,) in db.execute(
            "SELECT block_id FROM reading_block WHERE t_max >= ? AND t_min <= ?", (start_ms, end_ms)
        ).fetchall():
            t = _read_block(db, block_id)[1]
            count += int(((t >= start_ms) & (t <= end_ms)).sum())
        return count

    def integrity_check(self) -> str:
        """SQLite's ``PRAGMA integrity_check`` ("ok" when sound)."""
        return "; ".join(r[0] for r in self._reader.execute("PRAGMA integrity_check").fetchall())

    def restore(
        self, table: SensorTable, *, incident_distance_m: float = 500.0, incident_window_s: float = 600.0
    ) -> AlarmBook:
        """Rebuild the last committed state: the sensors' live state in ``table`` and the alarm book.

        Sensors the journal knows but the table lacks are skipped; their alarms are
        kept with ``sensor_row`` -1.
        """
        if self._table is not table:
            self.bind(table)
        db = self._reader
        self._restore_states(table)
        book = AlarmBook(table, incident_distance_m=incident_distance_m, incident_window_s=incident_window_s)

        history: dict[int, list[LevelStep]] = {}
        kinds = ", ".join(f"'{k}'" for k in _LEVEL_KINDS)
        for alarm_id, *step in db.execute(
            "SELECT alarm_id, t_ms, level_from, level_to, value, threshold, trigger FROM \"transition\" "
            f"WHERE kind IN ({kinds}) ORDER BY seq"
        ):
            history.setdefault(alarm_id, []).append(LevelStep(*_nan_floats(step, (3, 4))))
        notes: dict[int, list[Note]] = {}
        for alarm_id, t_ms, operator, detail in db.execute(
            "SELECT alarm_id, t_ms, operator, detail FROM action WHERE action = 'note' ORDER BY seq"
        ):
            notes.setdefault(alarm_id, []).append(Note(t_ms, operator, json.loads(detail)["text"]))

        alarms = []
        for values in db.execute(f"SELECT {', '.join(ALARM_COLUMNS)} FROM alarm ORDER BY alarm_id"):
            record = dict(zip(ALARM_COLUMNS, values, strict=True))
            record["state"] = AlarmState.from_key(record["state"])
            record["active"] = bool(record["active"])
            record["chattering"] = bool(record["chattering"])
            for name in ("threshold", "value"):
                record[name] = float("nan") if record[name] is None else record[name]
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
        kinds = ", ".join(f"'{k}'" for k in _ANNUNCIATING_KINDS)
        annunciations = [
            t
            for (t,) in db.execute(
                f"SELECT t_ms FROM \"transition\" WHERE kind IN ({kinds}) AND state_to = 'unack' AND t_ms > ?",
                (clock - 3_600_000,),
            )
        ]
        next_ids = {
            "alarm": db.execute("SELECT coalesce(max(alarm_id), 0) + 1 FROM alarm").fetchone()[0],
            "transition": db.execute('SELECT coalesce(max(seq), 0) + 1 FROM "transition"').fetchone()[0],
            "action": db.execute("SELECT coalesce(max(seq), 0) + 1 FROM action").fetchone()[0],
            "incident": db.execute("SELECT coalesce(max(incident_id), 0) + 1 FROM incident").fetchone()[0],
            "clock_ms": clock,
        }
        book.load(alarms, incidents, annunciations, next_ids)
        return book

    def _restore_states(self, table: SensorTable) -> None:
        names = ", ".join(("s.sensor_id", *(f"st.{c}" for c in STATE_COLUMNS), "st.chatter_times"))
        records = self._reader.execute(
            f"SELECT {names} FROM sensor_state st JOIN sensor s USING (sensor_key)"
        ).fetchall()
        if not records:
            return
        columns = list(zip(*records, strict=True))
        rows = table.rows_of(np.array(columns[0], dtype=object))
        found = rows >= 0
        rows = rows[found]
        for name, values in zip(STATE_COLUMNS, columns[1:], strict=False):
            target = getattr(table, name)
            if name in _TIME_COLUMNS:
                array = np.array([NO_TIME if v is None else v for v in values], dtype=np.int64)
            elif target.dtype.kind == "f":
                array = np.array([np.nan if v is None else v for v in values], dtype=np.float64)
            else:
                fill = -1 if name == "pending_level" else 0
                array = np.array([fill if v is None else v for v in values]).astype(target.dtype)
            target[rows] = array[found]
        chatter = np.array(columns[-1], dtype=object)[found]
        for row, text in zip(rows.tolist(), chatter.tolist(), strict=True):
            table.set_chatter_times(row, json.loads(text) if text else [])
        table.mark_changed(rows, style=True)


def _block_times(db: sqlite3.Connection, block_id: int, t_min: int, n: int, lo: int, hi: int) -> np.ndarray:
    """Times lo..hi of a block: 32-bit offsets from t_min, or (4 bytes more each) absolute times."""
    with db.blobopen("reading_block", "t_ms", block_id, readonly=True) as blob:
        if len(blob) == 8 * n:
            return _blob_slice(db, "t_ms", block_id, lo, hi, "<i8").astype(np.int64)
    return _blob_slice(db, "t_ms", block_id, lo, hi, "<i4").astype(np.int64) + t_min


def _blob_slice(db: sqlite3.Connection, column: str, block_id: int, lo: int, hi: int, dtype) -> np.ndarray:
    """Items lo..hi of one column blob of a reading block, read without loading the whole blob."""
    size = np.dtype(dtype).itemsize
    with db.blobopen("reading_block", column, block_id, readonly=True) as blob:
        blob.seek(lo * size)
        return np.frombuffer(blob.read((hi - lo) * size), dtype=dtype)


def _read_block(db: sqlite3.Connection, block_id: int):
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


def _chunks(n: int, size: int = 4096):
    """Slices of at most ``size`` rows, so each conversion to Python holds the GIL only briefly."""
    for start in range(0, n, size):
        yield slice(start, min(n, start + size))


def _nan_floats(values, positions) -> list:
    values = list(values)
    for i in positions:
        if values[i] is None:
            values[i] = float("nan")
    return values
