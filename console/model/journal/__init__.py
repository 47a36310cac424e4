"""The journal: a crash-safe SQLite record of readings, alarms and operator actions.

SQLite in WAL mode, written by one background thread in batched transactions:
callers hand over ``JournalEntry`` objects through a queue and never wait on the
disk. An entry is written whole or not at all, entries are written in the order
they were submitted, and the live state of the console can be rebuilt from the
last committed entry (``Journal.restore``). The schema is documented in docs/journal.md.

``schema`` holds the tables and migrations, ``writer`` the ``Journal`` and its
thread, ``blocks`` the columnar reading blocks, ``states`` the sensors' live
state, ``restore`` the rebuilding of the alarm book and ``queries`` the reading back.
"""

from console.model.journal.blocks import BLOCK_MIN_READINGS
from console.model.journal.schema import APPLICATION_ID, SCHEMA_VERSION, STATE_COLUMNS, JournalError
from console.model.journal.states import state_snapshot
from console.model.journal.writer import DEFAULT_RETENTION_S, HURRY_ROWS, Journal, JournalEntry

__all__ = [
    "APPLICATION_ID",
    "BLOCK_MIN_READINGS",
    "DEFAULT_RETENTION_S",
    "HURRY_ROWS",
    "SCHEMA_VERSION",
    "STATE_COLUMNS",
    "Journal",
    "JournalEntry",
    "JournalError",
    "state_snapshot",
]
