"""The journal's schema: tables, version and migrations (documented in docs/journal.md).

A journal is an SQLite file marked with ``APPLICATION_ID`` whose ``user_version``
is its schema version; an older file is upgraded in place when the writer opens it.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from console.errors import InputError
from console.model.alarms import ALARM_COLUMNS, INCIDENT_COLUMNS

__all__ = [
    "APPLICATION_ID",
    "SCHEMA_VERSION",
    "STATE_COLUMNS",
    "TIME_COLUMNS",
    "JournalError",
    "connect",
    "connect_reader",
]

SCHEMA_VERSION = 5
# The writer appends: a small page cache serves it as well as a big one, and a long-running
# console's memory must not grow by the cache as the journal grows (bench_serve, bench_journal).
WRITER_CACHE_KIB = 8192
APPLICATION_ID = 0x434F4E53  # "CONS": marks a SQLite file as a console journal

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
    "pending_count",
    "fault",
    "steady_value",
    "steady_since_ms",
    "steady_count",
)
TIME_COLUMNS = {"t_ms", "pending_since_ms", "rate_ref_t_ms", "steady_since_ms"}

# Added in schema version 3: confirmation and sensor-check state, and sensor-fault items.
V3_COLUMNS = """
ALTER TABLE sensor_state ADD COLUMN pending_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sensor_state ADD COLUMN fault INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sensor_state ADD COLUMN steady_value REAL;
ALTER TABLE sensor_state ADD COLUMN steady_since_ms INTEGER;
ALTER TABLE sensor_state ADD COLUMN steady_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE alarm ADD COLUMN kind TEXT NOT NULL DEFAULT 'level';
ALTER TABLE alarm ADD COLUMN reason TEXT NOT NULL DEFAULT ''
"""

# Added in schema version 4: the dispatch loop (the unit's steps, absolute deadlines, escalations).
V4_COLUMNS = """
ALTER TABLE alarm ADD COLUMN dispatch_note TEXT;
ALTER TABLE alarm ADD COLUMN unit_acked_ms INTEGER;
ALTER TABLE alarm ADD COLUMN unit_acked_by TEXT;
ALTER TABLE alarm ADD COLUMN on_site_ms INTEGER;
ALTER TABLE alarm ADD COLUMN on_site_by TEXT;
ALTER TABLE alarm ADD COLUMN due_unit_ack_ms INTEGER;
ALTER TABLE alarm ADD COLUMN due_on_site_ms INTEGER;
ALTER TABLE alarm ADD COLUMN due_handled_ms INTEGER;
ALTER TABLE alarm ADD COLUMN escalated TEXT NOT NULL DEFAULT ''
"""

# Added in schema version 5: CAP warnings coming into force and leaving it (expired, replaced,
# cancelled): the map forgets them, the journal keeps them.
CAP_WARNING_COLUMNS = ("t_ms", "warning_id", "change", "reason", "by_warning", "level", "event", "headline",
                       "area_desc", "sender", "source", "msg_type", "sent_ms", "effective_ms", "expires_ms",
                       "description", "area_wkb")
CAP_WARNING_SCHEMA = """
CREATE TABLE IF NOT EXISTS cap_warning (
    t_ms INTEGER NOT NULL, warning_id TEXT NOT NULL, change TEXT NOT NULL, reason TEXT NOT NULL,
    by_warning TEXT NOT NULL, level INTEGER, event TEXT, headline TEXT, area_desc TEXT, sender TEXT,
    source TEXT, msg_type TEXT, sent_ms INTEGER, effective_ms INTEGER, expires_ms INTEGER,
    description TEXT, area_wkb BLOB
);
CREATE INDEX IF NOT EXISTS cap_warning_time ON cap_warning (t_ms)
"""

# Readings of a large transaction, stored as columns (docs/journal.md); added in schema version 2.
BLOCK_SCHEMA = """
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

SCHEMA = f"""
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
{BLOCK_SCHEMA}
CREATE TABLE sensor_state (
    sensor_key INTEGER PRIMARY KEY,
    value REAL, t_ms INTEGER, quality INTEGER, level INTEGER, status INTEGER,
    out_of_service INTEGER NOT NULL DEFAULT 0, chattering INTEGER NOT NULL DEFAULT 0,
    pending_level INTEGER, pending_since_ms INTEGER, rate_ref_value REAL, rate_ref_t_ms INTEGER,
    chatter_times TEXT,
    pending_count INTEGER NOT NULL DEFAULT 0, fault INTEGER NOT NULL DEFAULT 0,
    steady_value REAL, steady_since_ms INTEGER, steady_count INTEGER NOT NULL DEFAULT 0
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



def connect(path: Path, synchronous: str | None) -> sqlite3.Connection:
    """Open ``path`` as a journal in WAL mode; with ``synchronous`` (the writer), create or upgrade its schema.

    Raises
    ------
    JournalError
        Not a journal: a folder, another program's database, a newer schema, unreadable.
    """
    if path.is_dir():
        raise JournalError(path, "is a folder, not a journal file")
    if not path.parent.is_dir():
        raise JournalError(path, f"the folder {path.parent} does not exist")
    try:
        connection = sqlite3.connect(path, check_same_thread=False, isolation_level=None, timeout=5.0)
        application_id = connection.execute("PRAGMA application_id").fetchone()[0]
        version = connection.execute("PRAGMA user_version").fetchone()[0]
        tables = connection.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
        if tables and application_id != APPLICATION_ID:
            connection.close()
            raise JournalError(path, "is an SQLite database of another program, not a console journal")
        if version > SCHEMA_VERSION:
            connection.close()
            raise JournalError(path, f"was written by a newer console (schema {version} > {SCHEMA_VERSION})")
        mode = connection.execute("PRAGMA journal_mode=WAL").fetchone()[0]
        if mode.lower() != "wal":
            connection.close()
            raise JournalError(path, f"cannot switch to WAL mode (got {mode})")
        if synchronous is not None:
            connection.execute(f"PRAGMA synchronous={synchronous}")
            connection.execute(f"PRAGMA cache_size=-{WRITER_CACHE_KIB}")
            if not tables:
                create_schema(connection)
            elif version < SCHEMA_VERSION:
                upgrade_schema(connection, version)
    except sqlite3.Error as exc:
        raise JournalError(path, f"cannot be opened as a journal: {exc}") from None
    return connection

def connect_reader(path: Path) -> sqlite3.Connection:
    """Open an existing journal read-only (reports): nothing is created, upgraded or switched to WAL.

    Raises
    ------
    JournalError
        No such file, a folder, or a file that is not a console journal (checked before
        anything else reads it, so another program's file is left exactly as it was).
    """
    path = Path(path)
    if path.is_dir():
        raise JournalError(path, "is a folder, not a journal file")
    if not path.exists():
        raise JournalError(path, "no such journal file")
    try:
        with path.open("rb") as file:
            header = file.read(16)
    except OSError as exc:
        raise JournalError(path, f"cannot be read: {exc.strerror}") from None
    if header != b"SQLite format 3\x00":
        raise JournalError(path, "is not a console journal (not an SQLite database)")
    try:
        connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, check_same_thread=False)
        application_id = connection.execute("PRAGMA application_id").fetchone()[0]
        version = connection.execute("PRAGMA user_version").fetchone()[0]
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    except sqlite3.Error as exc:
        raise JournalError(path, f"cannot be read as a journal: {exc}") from None
    problem = None
    if application_id != APPLICATION_ID or not {"alarm", "transition", "action", "meta"} <= tables:
        problem = "is an SQLite database of another program, not a console journal"
    elif version > SCHEMA_VERSION:
        problem = f"was written by a newer console (schema {version} > {SCHEMA_VERSION})"
    if problem is not None:
        connection.close()
        raise JournalError(path, problem)
    return connection

def create_schema(connection: sqlite3.Connection) -> None:
    """Write the schema of ``SCHEMA_VERSION`` into an empty file."""
    from console import __version__

    connection.execute("BEGIN IMMEDIATE")
    for statement in (SCHEMA + ";" + CAP_WARNING_SCHEMA).split(";"):
        if statement.strip():
            connection.execute(statement)
    created = datetime.now(UTC).isoformat(timespec="seconds")
    connection.executemany(
        "INSERT INTO meta VALUES (?, ?)", [("created_utc", created), ("console_version", __version__)]
    )
    connection.execute(f"PRAGMA application_id={APPLICATION_ID}")
    connection.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
    connection.execute("COMMIT")

def upgrade_schema(connection: sqlite3.Connection, version: int) -> None:
    """Upgrade a journal of an older schema in place.

    Version 1 had no reading blocks; version 2 no confirmation, sensor-check state or fault items
    (its alarms are all process alarms); version 3 no dispatch steps or deadlines (its dispatches
    keep no deadline: they count from nothing and never escalate); version 4 no CAP warnings.
    """
    connection.execute("BEGIN IMMEDIATE")
    if version < 2:
        for statement in BLOCK_SCHEMA.split(";"):
            if statement.strip():
                connection.execute(statement)
    if version < 3:
        for statement in V3_COLUMNS.split(";"):
            if statement.strip():
                connection.execute(statement)
    if version < 4:
        for statement in V4_COLUMNS.split(";"):
            if statement.strip():
                connection.execute(statement)
    if version < 5:
        for statement in CAP_WARNING_SCHEMA.split(";"):
            if statement.strip():
                connection.execute(statement)
    connection.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
    connection.execute("COMMIT")
