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

A seek leaves a stretch of the feed that nobody watched; so that the debrief of
a drill (the shift report of its journal) is complete, every seek is journaled
as an operator action ``drill_seek`` at the moment the drill resumed, with the
feed times it went from and to and what the skipped stretch held: alarms raised
(by level), reactivated, escalated and returned to normal, CAP warnings and offline reports
(counted from the rebuilt book and the feed). A seek back says which moment it
resumed at and how many operator actions after it were undone.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from console.feeds.events import CapWarning, SensorStatusEvent
from console.feeds.replay import FeedColumns, Replay
from console.model.alarms import AlarmBook
from console.model.journal import Journal

__all__ = ["SEEK_ACTION", "DrillSession", "drill_journal_path", "skipped_stretch"]

SEEK_ACTION = "drill_seek"
# Who moved the clock, when the console has no operator on duty.
DEFAULT_OPERATOR = "replay"


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
        Passed to ``Replay`` (checkpoint_every_s, tick_s, ...). A drill from a
        feed file indexes it in a child process while it is decoded
        (``index_while_decoding``, on unless turned off), so that a first seek
        anywhere finds a checkpoint near.

    Attributes
    ----------
    replay : Replay
    journal : Journal
        The drill journal.
    is_drill : bool
        Always True: views and exports mark everything they show as a drill.
    operator : callable returning str
        Who is on duty: the name a seek is journaled with (``DEFAULT_OPERATOR``
        when it gives none).
    """

    is_drill = True

    def __init__(self, feed, sensors, rules=None, *, journal_path=None, beside=None, **replay_options):
        if journal_path is None and beside is None:
            raise ValueError("a drill needs journal_path or beside (the live journal) for its journal")
        # The feed is read first: a bad feed leaves no journal file behind.
        replay_options.setdefault("index_while_decoding", True)
        self.replay = Replay(feed, sensors, rules, **replay_options)
        path = Path(journal_path) if journal_path is not None else drill_journal_path(beside)
        try:
            self.journal = Journal(path, synchronous="NORMAL", keep_readings=False, keep_states=False)
        except BaseException:
            self.replay.close()
            raise
        feed_path = feed.path if isinstance(feed, FeedColumns) else Path(feed)
        self.journal.set_meta(
            drill="1",
            feed=str(feed_path),
            feed_start_ms=self.replay.start_ms,
            feed_end_ms=self.replay.end_ms,
            started_utc=datetime.now(UTC).isoformat(timespec="seconds"),
        )
        self.replay.attach_journal(self.journal)
        self.replay.after_seek = self._journal_seek
        self.operator: Callable[[], str] = lambda: DEFAULT_OPERATOR
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

    def _journal_seek(self, from_ms: int, to_ms: int, undone: int) -> None:
        detail = skipped_stretch(self.replay, from_ms, to_ms) if to_ms > from_ms else {
            "from_ms": int(from_ms), "to_ms": int(to_ms), "undone_actions": int(undone)}
        self.book.record_action(SEEK_ACTION, (self.operator() or "").strip() or DEFAULT_OPERATOR, to_ms, **detail)

    def close(self) -> None:
        """Leave the drill: note the end time and close the drill journal (everything written)."""
        if self.closed:
            return
        self.closed = True
        pending = self.replay.provisional
        self.replay.close()
        # Left during a provisional state, the journal holds the drill as it was at the last exact moment.
        ended_ms = self.now_ms if pending is None else pending.from_ms
        self.journal.set_meta(ended_utc=datetime.now(UTC).isoformat(timespec="seconds"), ended_at_feed_ms=ended_ms)
        self.journal.close()

    def __enter__(self) -> DrillSession:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def skipped_stretch(replay: Replay, from_ms: int, to_ms: int) -> dict:
    """What happened in the feed between ``from_ms`` (excluded) and ``to_ms``, for a seek's journal record.

    Counted from the replay's book as rebuilt at ``to_ms`` (no operator acted in
    the stretch, so every alarm raised in it is still in the book) and from the
    feed's events: ``raised`` (new alarms) and ``raised_by_level`` (I..IV),
    ``reactivated`` (active again after a return), ``escalated``, ``returned``
    (to normal), ``cap_warnings`` and ``offline_reports``; process alarms only,
    with the sensor faults raised in the stretch counted apart (``faults``).
    """
    raised, reactivated, escalated, returned, faults = [0, 0, 0, 0], 0, 0, 0, 0
    book: AlarmBook = replay.book
    for alarm in book.alarms.values():
        if alarm.changed_ms <= from_ms:
            continue  # nothing of it in the stretch
        if alarm.kind != "level":
            faults += from_ms < alarm.raised_ms <= to_ms
            continue
        for i, step in enumerate(alarm.history):
            if not from_ms < step.t_ms <= to_ms:
                continue
            if step.level_from == 0 and step.level_to:
                if i == 0:
                    raised[step.level_to - 1] += 1
                else:
                    reactivated += 1
            elif step.level_to == 0:
                returned += 1
            elif step.level_to < step.level_from:  # level I is the most severe
                escalated += 1
    columns = replay.columns
    lo, hi = np.searchsorted(columns.event_t, [from_ms, to_ms], side="right") if len(columns.event_t) else (0, 0)
    events = columns.events[int(lo):int(hi)]
    return {
        "from_ms": int(from_ms),
        "to_ms": int(to_ms),
        "raised": sum(raised),
        "raised_by_level": raised,
        "reactivated": reactivated,
        "escalated": escalated,
        "returned": returned,
        "faults": faults,
        "cap_warnings": sum(isinstance(e, CapWarning) for e in events),
        "offline_reports": sum(isinstance(e, SensorStatusEvent) and e.status == "offline" for e in events),
    }
