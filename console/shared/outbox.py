"""A console's queue of its operators' actions: a small SQLite file, so none is lost with the console.

An action is written here (and committed) before anything is sent; a console
killed at any point re-sends, after its restart, every action not yet answered.
The command's id is made here, once, so a re-send of an action the database
already has is recognised there (``ON CONFLICT DO NOTHING``) and applied once.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import uuid
from dataclasses import dataclass
from pathlib import Path

__all__ = ["Outbox", "QueuedCommand"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS outbox (
    command_id TEXT PRIMARY KEY,
    made_ms INTEGER NOT NULL,
    body TEXT NOT NULL,
    sent INTEGER NOT NULL DEFAULT 0,
    status TEXT,
    reason TEXT,
    seq INTEGER
);
"""


@dataclass(frozen=True)
class QueuedCommand:
    """One action as queued: ``body`` holds console, operator, action, args, alarm_id, occurrence, version."""

    command_id: str
    made_ms: int
    body: dict
    sent: bool = False
    status: str | None = None
    reason: str | None = None
    seq: int | None = None


class Outbox:
    """The outbox file; every method is safe from any thread (one lock, one connection)."""

    def __init__(self, path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")  # a queued action survives a power cut too
        self._db.executescript(_SCHEMA)

    def queue(self, body: dict, made_ms: int) -> str:
        """Keep an action; returns its command id (committed when this returns)."""
        command_id = str(uuid.uuid4())
        with self._lock:
            self._db.execute("INSERT INTO outbox (command_id, made_ms, body) VALUES (?, ?, ?)",
                             (command_id, int(made_ms), json.dumps(body, ensure_ascii=False)))
        return command_id

    def unanswered(self) -> list[QueuedCommand]:
        """Actions without an answer yet, oldest first (sent or not)."""
        with self._lock:
            rows = self._db.execute("SELECT command_id, made_ms, body, sent FROM outbox WHERE status IS NULL "
                                    "ORDER BY rowid").fetchall()
        return [QueuedCommand(c, m, json.loads(b), bool(s)) for c, m, b, s in rows]

    def mark_sent(self, command_ids) -> None:
        with self._lock:
            self._db.executemany("UPDATE outbox SET sent = 1 WHERE command_id = ?", [(c,) for c in command_ids])

    def mark_answered(self, answers) -> None:
        """``answers``: (command_id, status, reason, seq)."""
        with self._lock:
            self._db.executemany("UPDATE outbox SET sent = 1, status = ?, reason = ?, seq = ? WHERE command_id = ?",
                                 [(s, r, q, c) for c, s, r, q in answers])

    def get(self, command_id: str) -> QueuedCommand | None:
        with self._lock:
            row = self._db.execute("SELECT command_id, made_ms, body, sent, status, reason, seq FROM outbox "
                                   "WHERE command_id = ?", (command_id,)).fetchone()
        if row is None:
            return None
        c, m, b, s, status, reason, seq = row
        return QueuedCommand(c, m, json.loads(b), bool(s), status, reason, seq)

    def close(self) -> None:
        with self._lock:
            self._db.close()
