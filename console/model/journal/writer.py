"""The journal: a crash-safe SQLite record of readings, alarms and operator actions.

SQLite in WAL mode, written by one background thread in batched transactions:
callers hand over ``JournalEntry`` objects through a queue and never wait on the
disk. An entry is written whole or not at all, entries are written in the order
they were submitted, and the live state of the console can be rebuilt from the
last committed entry (``restore``). The schema is documented in docs/journal.md.
"""

from __future__ import annotations

import contextlib
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

from console.model.alarms import ALARM_COLUMNS, INCIDENT_COLUMNS, AlarmBook, BookRecords
from console.model.journal.blocks import BLOCK_MIN_READINGS, chunks, read_block, write_block
from console.model.journal.lock import WriterLock
from console.model.journal.queries import count_readings, integrity_check, query_readings
from console.model.journal.restore import restore_book
from console.model.journal.schema import CAP_WARNING_COLUMNS, JournalError, connect
from console.model.journal.states import restore_states, state_snapshot, write_states
from console.model.sensors import NO_TIME, SensorTable

__all__ = ["DEFAULT_RETENTION_S", "HURRY_ROWS", "Journal", "JournalEntry"]

DEFAULT_RETENTION_S = 30 * 86400.0
# Rows waiting that make the writer start a transaction at once (instead of waiting to gather more).
HURRY_ROWS = 3_000_000


@dataclass
class JournalEntry:
    """One unit of writing: committed whole or not at all.

    ``readings``: (rows, t_ms, value, quality) arrays, rows of the bound table.
    ``states``: a ``state_snapshot``. ``records``: what the alarm book recorded.
    ``sensors``: (key, id) pairs of sensors new to the journal. ``warnings``: rows of
    ``cap_warning`` (``schema.CAP_WARNING_COLUMNS``). ``meta``: keys
    and values for the ``meta`` table. ``rewind``: written first; forget what came
    after a point (see ``Journal.rewind``).
    """

    readings: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray] | None = None
    states: dict | None = None
    records: BookRecords | None = None
    sensors: list[tuple[int, str]] | None = None
    meta: dict[str, str] | None = None
    rewind: dict | None = None
    warnings: list[tuple] | None = None
    seq: int = 0

    def size(self) -> int:
        n = len(self.readings[0]) if self.readings is not None else 0
        n += len(self.states["rows"]) if self.states is not None else 0
        if self.records is not None:
            n += len(self.records.transitions) + len(self.records.actions) + len(self.records.alarms)
        n += len(self.warnings) if self.warnings else 0
        return n + (len(self.sensors) if self.sensors else 0)


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
    exclusive : bool
        Refuse at once if anyone else has the journal open (``console act``, which
        rebuilds a book of its own from the file); others share it.

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
        starts a new journal next to it and leaves the old file alone. Or, with
        ``exclusive``, someone else has it open (see ``lock.WriterLock``).
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
        exclusive: bool = False,
    ):
        self.path = Path(path)
        self.keep_readings = bool(keep_readings)
        self.keep_states = bool(keep_states)
        self.retention_ms = round(retention_s * 1000)
        self.commit_interval_s = float(commit_interval_s)
        self.on_commit = on_commit
        if synchronous not in ("FULL", "NORMAL"):
            raise ValueError(f"synchronous must be FULL or NORMAL, not {synchronous!r}")
        self._writer = connect(self.path, synchronous)
        self._reader = connect(self.path, None)
        try:  # taken once the file is known to be a journal: nothing is left beside another program's file
            self._lock = WriterLock(self.path, exclusive)
        except JournalError:
            self._writer.close()
            self._reader.close()
            raise
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
        records = book.full_records()
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
        self._lock.release()

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
            keys, t, values, quality = read_block(connection, block_id)
            keep = t <= later
            connection.execute("DELETE FROM reading_block WHERE block_id = ?", (block_id,))
            if keep.any():
                write_block(connection, keys[keep], t[keep], values[keep], quality[keep])
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
            write_block(connection, self.key_of_row[rows], t, values, quality)
        readings = [r for r in readings if len(r[0]) < BLOCK_MIN_READINGS]
        if readings:
            keys = self.key_of_row[np.concatenate([r[0] for r in readings])]
            t = np.concatenate([r[1] for r in readings])
            self._newest_reading_ms = max(self._newest_reading_ms, int(t.max()))
            values = np.concatenate([r[2] for r in readings])
            quality = np.concatenate([r[3] for r in readings])
            if len(t) >= BLOCK_MIN_READINGS:
                write_block(connection, keys, t, values, quality)
            else:
                for part in chunks(len(t)):
                    connection.executemany(
                        "INSERT OR IGNORE INTO reading VALUES (?, ?, ?, ?)",
                        zip(keys[part].tolist(), t[part].tolist(), values[part].tolist(), quality[part].tolist(),
                            strict=True),
                    )
        warnings = [row for e in entries if e.warnings for row in e.warnings]
        if warnings:
            marks = ", ".join("?" * len(CAP_WARNING_COLUMNS))
            connection.executemany(f"INSERT INTO cap_warning VALUES ({marks})", warnings)
        states = [e.states for e in entries if e.states is not None and len(e.states["rows"])]
        states = states if self.keep_states else []
        if states:
            write_states(connection, self.key_of_row, states)
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

    def _apply_retention(self, connection: sqlite3.Connection) -> None:
        now = time.monotonic()
        if self._newest_reading_ms == NO_TIME or now - self._last_retention < self.retention_check_s:
            return
        self._last_retention = now
        cutoff = self._newest_reading_ms - self.retention_ms
        connection.execute("DELETE FROM reading WHERE t_ms < ?", (cutoff,))
        # A block goes when all of it is older than the retention.
        connection.execute("DELETE FROM reading_block WHERE t_max < ?", (cutoff,))

    # --- reading back ---------------------------------------------------------
    def query_readings(self, sensor_id: str, start_ms: int | None = None, end_ms: int | None = None):
        """Committed readings of one sensor in time order (see ``queries.query_readings``)."""
        return query_readings(self._reader, sensor_id, start_ms, end_ms)

    def count_readings(self, start_ms: int, end_ms: int) -> int:
        """How many readings with a time in [start_ms, end_ms] are stored (see ``queries.count_readings``)."""
        return count_readings(self._reader, start_ms, end_ms)

    def integrity_check(self) -> str:
        """SQLite's ``PRAGMA integrity_check`` ("ok" when sound)."""
        return integrity_check(self._reader)

    def restore(
        self, table: SensorTable, *, incident_distance_m: float = 500.0, incident_window_s: float = 600.0
    ) -> AlarmBook:
        """Rebuild the last committed state: the sensors' live state in ``table`` and the alarm book.

        Sensors the journal knows but the table lacks are skipped; their alarms are
        kept with ``sensor_row`` -1.
        """
        if self._table is not table:
            self.bind(table)
        restore_states(self._reader, table)
        return restore_book(
            self._reader, table, incident_distance_m=incident_distance_m, incident_window_s=incident_window_s
        )
