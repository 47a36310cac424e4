"""The shared journal's tables in PostgreSQL, their version, and the checks made before using a database.

One database per centre. ``console_meta`` names the program and the schema
version: a database that holds other tables and no ``console_meta`` belongs to
another program and is refused; a newer schema than this console knows is
refused too (it would misread it). Only the alarm service creates or upgrades
the schema; a console only checks it.

Tables (docs/several-consoles.md):

- ``event``: append-only transitions and operator actions, ``seq`` gap-free
  (one writer: the service holding the advisory lock);
- ``alarm_state`` / ``incident_state``: each alarm's and incident's current
  record, with the alarm's ``version`` (one more per change) and ``occurrence``
  (one more each time it reaches the operator anew) and the ``last_seq`` of the
  event that changed it last;
- ``command``: the consoles' actions, keyed by a console-made id (a retry
  cannot apply twice), answered ``applied`` / ``noop`` / ``refused`` with a reason;
- ``sensor_state``: each sensor's level and status, written in batches about
  once a second (``batch`` numbers them);
- ``service``: the active service's heartbeat and figures.
"""

from __future__ import annotations

from console.shared.url import SharedStateError

__all__ = [
    "APPLICATION",
    "COMMAND_CHANNEL",
    "EVENT_CHANNEL",
    "LOCK_KEYS",
    "SCHEMA_VERSION",
    "check_schema",
    "create_schema",
    "service_running",
]

APPLICATION = "console alarm service"
SCHEMA_VERSION = 1
# The advisory lock of the active service: (classid, objid) in pg_locks. 0x636f6e73 is "cons".
LOCK_KEYS = (0x636F6E73, 1)
EVENT_CHANNEL = "console_event"  # payload: the newest committed event seq
COMMAND_CHANNEL = "console_command"  # payload: the command id

DDL = """
CREATE TABLE console_meta (key text PRIMARY KEY, value text NOT NULL);
CREATE TABLE event (
    seq bigint PRIMARY KEY,
    t_ms bigint NOT NULL,
    kind text NOT NULL CHECK (kind IN ('transition', 'action')),
    name text NOT NULL,
    alarm_id bigint,
    operator text,
    console text,
    command_id uuid,
    body jsonb NOT NULL,
    written_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX event_alarm ON event (alarm_id, seq);
CREATE TABLE alarm_state (
    alarm_id bigint PRIMARY KEY,
    version integer NOT NULL,
    occurrence integer NOT NULL,
    last_seq bigint NOT NULL,
    record jsonb NOT NULL,
    history jsonb NOT NULL,
    notes jsonb NOT NULL
);
CREATE INDEX alarm_state_seq ON alarm_state (last_seq);
CREATE TABLE incident_state (
    incident_id bigint PRIMARY KEY,
    last_seq bigint NOT NULL,
    record jsonb NOT NULL,
    alarm_ids jsonb NOT NULL,
    districts jsonb NOT NULL
);
CREATE INDEX incident_state_seq ON incident_state (last_seq);
CREATE TABLE command (
    command_id uuid PRIMARY KEY,
    console text NOT NULL,
    operator text NOT NULL,
    action text NOT NULL,
    args jsonb NOT NULL DEFAULT '{}',
    alarm_id bigint,
    occurrence integer,
    version integer,
    made_ms bigint NOT NULL,
    sent_at timestamptz NOT NULL DEFAULT now(),
    status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'applied', 'noop', 'refused')),
    reason text,
    seq bigint,
    answered_at timestamptz
);
CREATE INDEX command_pending ON command (sent_at) WHERE status = 'pending';
CREATE TABLE sensor_state (
    sensor_id text PRIMARY KEY,
    batch bigint NOT NULL,
    level smallint NOT NULL,
    status smallint NOT NULL,
    value double precision,
    t_ms bigint,
    state jsonb NOT NULL
);
CREATE INDEX sensor_state_batch ON sensor_state (batch);
CREATE TABLE service (
    id integer PRIMARY KEY CHECK (id = 1),
    host text NOT NULL,
    pid integer NOT NULL,
    started_at timestamptz NOT NULL,
    beat_at timestamptz NOT NULL,
    last_seq bigint NOT NULL,
    sensor_batch bigint NOT NULL,
    sensors integer NOT NULL
);
"""


def _meta(connection) -> dict[str, str] | None:
    """``console_meta`` as a dict, or None when the table is absent."""
    found = connection.execute("SELECT to_regclass('console_meta') IS NOT NULL").fetchone()[0]
    if not found:
        return None
    return dict(connection.execute("SELECT key, value FROM console_meta").fetchall())


def _other_tables(connection) -> list[str]:
    return [name for (name,) in connection.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() "
        "ORDER BY table_name LIMIT 6")]


def check_schema(connection, where: str) -> bool:
    """Whether the database holds the console's schema (False: empty, not set up yet).

    ``connection`` is in autocommit mode (every connection of this package is:
    transactions are explicit ``connection.transaction()`` blocks).

    Raises ``SharedStateError`` for a database of another program or a newer schema.
    """
    meta = _meta(connection)
    if meta is None:
        others = _other_tables(connection)
        if others:
            raise SharedStateError(where, "this database belongs to another program (it holds tables "
                                   f"{', '.join(others)} and no console_meta); give the console a database of its own")
        return False
    if meta.get("application") != APPLICATION:
        raise SharedStateError(where, f"this database belongs to another program ({meta.get('application')!r})")
    try:
        version = int(meta.get("schema_version", ""))
    except ValueError:
        raise SharedStateError(where, f"unreadable schema version {meta.get('schema_version')!r}") from None
    if version > SCHEMA_VERSION:
        raise SharedStateError(where, f"the database has schema version {version}, newer than this console's "
                               f"{SCHEMA_VERSION}: upgrade the console (nothing was changed)")
    return True


def create_schema(connection, where: str) -> None:
    """Create the tables in an empty database (the service does, under its lock); leave a current one alone."""
    if check_schema(connection, where):
        return
    with connection.transaction():
        for statement in DDL.split(";"):
            if statement.strip():
                connection.execute(statement)
        connection.execute("INSERT INTO console_meta VALUES ('application', %s), ('schema_version', %s)",
                           (APPLICATION, str(SCHEMA_VERSION)))


def service_running(connection) -> bool:
    """Whether an alarm service holds the lock on this database now (PostgreSQL drops it with the session)."""
    return bool(connection.execute(
        "SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND granted AND classid = %s "
        "AND objid = %s AND objsubid = 2 AND database = (SELECT oid FROM pg_database WHERE datname = current_database()))",
        LOCK_KEYS).fetchone()[0])
