"""Drill mode without Qt: a replayed feed with its own state and its own journal.

A ``DrillSession`` owns a ``Replay`` (its own sensor table, rules and alarm book)
and a drill journal, a separate SQLite file marked as a drill in its ``meta``
table (``drill`` = 1, ``feed``, ``started_utc``, ``ended_utc``), so reports made
from it say so (``Journal.is_drill``). Operators act on ``session.book`` as on the
live book, with the replay clock as the time; those actions, the drill's alarms
and their transitions go to the drill journal only.

The live console's pipeline, table, book and journal are never touched: the
session works on fresh copies of the sensors and writes no other file. Leaving a
drill (``close``) closes the drill journal; the console then shows its live state,
which went on (or stood still) as it was.

The drill journal holds no readings and no sensor states: the feed file has the
readings, and the state at any moment is rebuilt by seeking. A seek rewinds it to
the new moment (``Journal.rewind``): on a seek back, the alarms, transitions and
operator actions after that moment are deleted from it, as they are from the book.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from console.feeds.replay import FeedColumns, Replay
from console.model.journal import Journal

__all__ = ["DrillSession", "drill_journal_path"]


def drill_journal_path(beside) -> Path:
    """A new drill journal's path next to ``beside`` (the live journal, or a folder).

    ``journal.sqlite`` gives ``journal-drill-<UTC time>.sqlite``; never an existing file.
    """
    beside = Path(beside)
    folder, stem, suffix = (beside, "journal", ".sqlite") if beside.is_dir() else (
        beside.parent, beside.stem, beside.suffix or ".sqlite")
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    candidate = folder / f"{stem}-drill-{stamp}{suffix}"
    counter = 2
    while candidate.exists():
        candidate = folder / f"{stem}-drill-{stamp}-{counter}{suffix}"
        counter += 1
    return candidate


class DrillSession:
    """A drill: a recorded feed replayed on its own state, into a drill journal.

    Parameters
    ----------
    feed : path-like or FeedColumns
        The drill's recorded feed.
    sensors : SensorTable or callable returning one
        The sensors (the live table may be given: only copies are used).
    rules : RuleSet, path or None
    journal_path : path-like, optional
        The drill journal. Default: a new file next to ``beside``.
    beside : path-like, optional
        The live journal (or a folder); where the drill journal goes by default.
        One of ``journal_path`` and ``beside`` is needed.
    **replay_options
        Passed to ``Replay`` (checkpoint_every_s, tick_s, ...).

    Attributes
    ----------
    replay : Replay
    journal : Journal
        The drill journal.
    is_drill : bool
        Always True: views and exports mark everything they show as a drill.
    """

    is_drill = True

    def __init__(self, feed, sensors, rules=None, *, journal_path=None, beside=None, **replay_options):
        if journal_path is None and beside is None:
            raise ValueError("a drill needs journal_path or beside (the live journal) for its journal")
        # The feed is read first: a bad feed leaves no journal file behind.
        self.replay = Replay(feed, sensors, rules, **replay_options)
        path = Path(journal_path) if journal_path is not None else drill_journal_path(beside)
        self.journal = Journal(path, synchronous="NORMAL", keep_readings=False, keep_states=False)
        feed_path = feed.path if isinstance(feed, FeedColumns) else Path(feed)
        self.journal.set_meta(
            drill="1",
            feed=str(feed_path),
            feed_start_ms=self.replay.start_ms,
            feed_end_ms=self.replay.end_ms,
            started_utc=datetime.now(UTC).isoformat(timespec="seconds"),
        )
        self.replay.attach_journal(self.journal)
        self.closed = False

    @property
    def table(self):
        return self.replay.table

    @property
    def book(self):
        return self.replay.book

    @property
    def now_ms(self) -> int:
        return self.replay.now_ms

    def close(self) -> None:
        """Leave the drill: note the end time and close the drill journal (everything written)."""
        if self.closed:
            return
        self.closed = True
        self.journal.set_meta(ended_utc=datetime.now(UTC).isoformat(timespec="seconds"), ended_at_feed_ms=self.now_ms)
        self.journal.close()

    def __enter__(self) -> DrillSession:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
