"""Replay of a recorded feed with seeking: the engine under the replay controls (no Qt).

A ``Replay`` decodes a recorded feed once into columns (``FeedColumns`` of
``console.feeds.columns``: sensor rows, times, values in time order), owns its
own sensor table, rule engine and alarm book (a ``Pipeline`` without the live
journal), and moves a feed clock:

``start_ms``, ``end_ms``
    The feed's first and last event time (UTC epoch ms).
``now_ms``
    The replay clock. Everything with a time at or before it has been processed.
``advance_to(t_ms)``
    Process every reading, sensor status event and CAP warning with a time up to
    ``t_ms``; returns an ``AdvanceSummary``. Playing at any speed is a timer that
    calls ``advance_to(now_ms + speed * elapsed)``.
``seek(t_ms)``
    Rebuild the sensor table and the alarm book exactly as they are after playing
    to ``t_ms``, from the nearest checkpoint (a saved state, one every
    ``checkpoint_every_s`` of feed time), so a seek never replays from the start.
``table``, ``book``
    The state to show. They stay the same objects for the life of the replay;
    after a seek every row and alarm counts as changed and ``generation`` grows:
    a view that sees a new generation re-reads everything (alarms that no longer
    exist at the new moment are gone from ``book.alarms``).
``alarm_density(n_bins)``
    Alarms raised over the feed per level, for the timeline's histogram.

Time passes in steps of ``tick_s`` of feed time (stale sensors, chattering that
calms down, shelves that end are checked at every multiple of ``tick_s`` after
``start_ms``). Because those steps are fixed, the state after ``advance_to(t)``
depends only on ``t`` and on the operator actions, never on how the clock got
there (one big step, many small ones or a seek): that is what makes seeking exact.

Operator actions (acknowledge, shelve, note, dispatch, close, service) are made on
``book`` exactly as on the live book, with the replay clock as their time
(``at_ms=replay.now_ms``). The replay records each one with the clock at which
it was made (``actions``). A seek forward keeps them all; a seek back to ``t``
drops the actions made after ``t`` (they are lost) and replays the others at the
moments they were made, so the state after the seek is what the operators saw at
``t``.

Checkpoints come from an indexing pass (``console.feeds.player.IndexPass``)
that plays the feed on a second, private table and book without operator
actions; it also collects the alarm density. It runs in a child process
(``index_in_background``: the console's threads keep their interpreter lock),
or here (``build_index``, or as far as a seek needs when no child is at work).
While a child indexes, a seek beyond what it has reached starts from the nearest
checkpoint known (or from the replay's own clock, when nearer) and plays on from
there; it never waits for the child. Once operators have acted on alarms, the
replay also keeps checkpoints of its own as it plays. Actions that change no
alarm (a drill's seek record, ``AlarmBook.record_action``) are journaled and
made again after a seek, but leave the index checkpoints usable.

A seek far beyond what the child has indexed would have to play hours of feed
(seconds of work on the thread that asks). When more than ``max_seek_readings``
readings lie between the nearest checkpoint and the moment (and at least twice
what the warm-up below plays), and no operator has acted on an alarm yet, the
seek is **provisional** instead: it loads that
checkpoint (the exact state there, its alarms included), jumps to ``warmup_ms``
before the moment and plays only that last stretch, so that sensor values,
levels, stale sensors and the rules' windows are those of the moment; alarms
raised in the stretch jumped over are missing. ``provisional`` says which
stretch (a ``Provisional``); meanwhile the book refuses operator actions on
alarms (``AlarmBook.actions_refused``), nothing is journaled, and ``settle()``,
called as the index grows, rebuilds the exact state as soon as the index has
reached the clock (the seek's journal record is written then, with the exact
skipped stretch).

Not thread-safe otherwise: one thread drives ``advance_to``, ``seek`` and the
operator actions.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from console.errors import InputError
from console.feeds.columns import FeedColumns, decode_feed
from console.feeds.events import CapWarning
from console.feeds.index_child import IndexChild, IndexOnFirstPiece
from console.feeds.player import AdvanceSummary, Checkpoint, IndexPass, Player
from console.feeds.replay_actions import OperatorAction, apply_action, changes_state
from console.feeds.replay_index import AlarmDensity, ReplayIndex
from console.model.alarms import AlarmBook, BookRecords
from console.model.journal import Journal, JournalEntry
from console.model.pipeline import Pipeline
from console.model.rules import RuleEngine, RuleSet
from console.model.sensors import SensorTable

__all__ = [
    "AdvanceSummary",
    "AlarmDensity",
    "FeedColumns",
    "OperatorAction",
    "Provisional",
    "Replay",
    "decode_feed",
]

DEFAULT_CHECKPOINT_EVERY_S = 900.0
DEFAULT_TICK_S = 10.0
# Readings a seek plays at most before it goes provisional: half a second here, about a second on a busy day.
DEFAULT_MAX_SEEK_READINGS = 1_000_000
MIN_WARMUP_MS = 3_600_000  # a provisional seek plays at least the last hour before its moment
PROVISIONAL_REFUSAL = ("the replay's state is provisional until the index reaches this moment "
                       "(alarms raised in the stretch a far seek jumped over are missing)")


# --- what the replay hands back ------------------------------------------------------------------


@dataclass(frozen=True)
class Provisional:
    """A provisional state after a far seek (see the module docstring): what it leaves out.

    ``gap_from_ms``..``gap_to_ms`` is the stretch of feed jumped over (the state
    includes everything before it, and the readings after it); alarms raised in
    it are missing. ``target_ms`` is where the seek went, ``from_ms`` where the
    clock was before (exact); the clock may have played on since.
    """

    from_ms: int
    target_ms: int
    gap_from_ms: int
    gap_to_ms: int


# --- the replay ----------------------------------------------------------------------------------------


class Replay(ReplayIndex):
    """A recorded feed played on its own sensor table and alarm book, with exact seeking.

    Parameters
    ----------
    feed : path-like or FeedColumns
        The recorded feed (decoded here when a path), or columns decoded for the
        same sensors by ``decode_feed``.
    sensors : SensorTable or callable returning one
        The sensors to replay on. The replay works on fresh copies; the table
        given is never changed (it may be the live console's).
    rules : RuleSet, path or None
        None: the shipped default rules.
    journal : Journal, optional
        Where the replay's alarms, transitions and operator actions go (a drill
        journal, see ``console.feeds.drill``); never the live journal. A seek
        rewinds it to the new moment (``Journal.rewind``).
    checkpoint_every_s : float
        Feed time between checkpoints. None: every 15 minutes, or fewer so that
        there are at most ``max_checkpoints``.
    tick_s : float
        Feed time between checks of stale sensors, chattering and shelves.
    incident_distance_m, incident_window_s : float
        Incident grouping, as for the live book.
    max_checkpoints : int
        See ``checkpoint_every_s``.
    on_progress : callable, optional
        Called with the number of readings decoded so far, while the feed is decoded.
    index_while_decoding : bool
        For a feed file: index it in a child process while it is decoded, so that
        when the replay opens much of the index is there (a drill does this).
    max_seek_readings : int
        While a child indexes: a seek that would play more readings than this from
        its checkpoint is provisional (see the module docstring).

    Attributes
    ----------
    columns : FeedColumns
    table : SensorTable
    book : AlarmBook
    pipeline : Pipeline
    generation : int
        Grows with every seek: views re-read the whole table and book when it changes.
    actions : list of OperatorAction
        Operator actions made in this replay up to now, in order.
    cap_warnings : list of CapWarning
        CAP warnings passed so far (rebuilt by a seek).
    provisional : Provisional or None
        Set while the state is provisional: after a far seek, until ``settle()``.
    warmup_ms : int
        Feed time a provisional seek plays before its moment: an hour, or twice the
        longest stale time, chatter window or delay of the rules when longer.
    index_error : str or None
        Why the indexing child failed, if it did (indexing then goes on here, as seeks need it).
    after_seek : callable or None
        Called after each seek with the feed times it went from and to and the
        number of operator actions on alarms it undid (a drill journals the seek).
    on_index_step : callable or None
        Called with the time indexed up to, whenever the index grows (on the
        indexing child's reading thread, or the thread indexing here).
    """

    def __init__(
        self,
        feed,
        sensors,
        rules=None,
        *,
        journal: Journal | None = None,
        checkpoint_every_s: float | None = None,
        max_checkpoints: int = 100,
        tick_s: float = DEFAULT_TICK_S,
        incident_distance_m: float = 500.0,
        incident_window_s: float = 600.0,
        on_progress: Callable[[int], None] | None = None,
        index_while_decoding: bool = False,
        max_seek_readings: int = DEFAULT_MAX_SEEK_READINGS,
    ):
        template = sensors() if callable(sensors) else sensors
        if not isinstance(template, SensorTable):
            raise TypeError("sensors must be a SensorTable or a function returning one")
        self._template = template
        self._rules = rules if isinstance(rules, RuleSet) else RuleSet.load(rules)
        self._book_options = {"incident_distance_m": incident_distance_m, "incident_window_s": incident_window_s}
        self.table = template.fresh_copy()
        # Rules are checked before the feed is read: a bad rules file fails fast.
        self.pipeline = Pipeline(self.table, RuleEngine(self._rules, self.table), **self._book_options)
        self.book: AlarmBook = self.pipeline.book
        if tick_s <= 0:
            raise ValueError("tick_s must be positive")
        self.tick_ms = max(1, round(tick_s * 1000))
        self._index_checkpoints: list[Checkpoint] = []
        self._index_until_ms = -(2**62)  # checkpoints and density are known up to here
        self._index_lock = threading.Lock()  # one in-process indexing step at a time
        self._data_lock = threading.Lock()  # short: the index checkpoints and density lists
        self._raised_t: list[int] = []
        self._raised_level: list[int] = []
        self._child: IndexChild | None = None
        self.index_error: str | None = None  # why the indexing child failed, if it did
        self.on_index_step: Callable[[int], None] | None = None  # called (any thread) as the index grows
        decoding = None
        if isinstance(feed, FeedColumns):
            self.columns = feed
        else:
            # Checkpoint times while decoding: those of a feed up to max_checkpoints x 15 minutes long.
            every = checkpoint_every_s if checkpoint_every_s is not None else DEFAULT_CHECKPOINT_EVERY_S
            every_ms, name = self._on_grid(every * 1000), Path(feed).name
            decoding = IndexOnFirstPiece(
                lambda first_ms: {**self._child_setup(template, first_ms, every_ms, name), "path": str(feed)},
                self._add_index_step, self._on_child_end) if index_while_decoding else None
            try:
                self.columns = decode_feed(feed, template, on_progress=on_progress,
                                           on_piece=None if decoding is None else decoding.add)
            except BaseException:
                if decoding is not None:
                    decoding.stop()
                raise
            self._child = None if decoding is None else decoding.child
        span = self.columns.span
        if span is None:
            self.stop_background_index()
            raise InputError(self.columns.path, "the feed has no readings or events to replay")
        self.start_ms, self.end_ms = span
        self._index_until_ms = max(self._index_until_ms, self.start_ms - 1)
        if checkpoint_every_s is None:
            every_ms = max(DEFAULT_CHECKPOINT_EVERY_S * 1000, (self.end_ms - self.start_ms) / max(1, max_checkpoints))
        else:
            every_ms = checkpoint_every_s * 1000
        self.checkpoint_every_ms = self._on_grid(every_ms)
        self.source = self.columns.path.name
        self.generation = 0
        self.actions: list[OperatorAction] = []
        self.cap_warnings: list[CapWarning] = []
        self.provisional: Provisional | None = None
        self.max_seek_readings = int(max_seek_readings)
        engine = self.pipeline.engine
        memory = max(int(a.max(initial=0)) for a in (engine.stale_after_ms, engine.chatter_window_ms,
                                                     engine.delay_on_ms, engine.delay_off_ms))
        self.warmup_ms = self._on_grid(max(MIN_WARMUP_MS, 2 * memory))

        self._player = Player(self.columns, self.pipeline, self.start_ms, self.tick_ms, self.source)
        self._player.after_tick = self._after_play_tick
        self._blank = self._player.save(0)
        self._play_checkpoints: list[Checkpoint] = []
        self._replaying = False
        self._actions_applied = 0  # how many of ``actions`` the current state includes
        self._first_state_action: int | None = None  # index in ``actions`` of the first that changes the book
        # Called after each seek with (from_ms, to_ms, actions on alarms undone): a drill journals the seek.
        self.after_seek: Callable[[int, int, int], None] | None = None
        self.book.records_emitted.connect(self._on_book_records)

        self._index_setup = self._child_setup(template, self.start_ms, self.checkpoint_every_ms, self.source)
        self._indexer = IndexPass(self.columns, end_ms=self.end_ms, **self._index_setup)
        if self._child is not None:
            used = decoding.setup
            if (used["checkpoint_every_ms"], used["origin_ms"]) != (self.checkpoint_every_ms, self.start_ms):
                self._drop_index()  # a long feed, checkpoints further apart: indexed again when asked
            else:
                decoding.finish(self.end_ms)

        self.journal: Journal | None = None
        if journal is not None:
            self.attach_journal(journal)
        self.advance_to(self.start_ms)

    def _on_grid(self, every_ms: float) -> int:
        # Checkpoints sit on ticks, so the state at a checkpoint is one the tick grid passes through.
        return max(1, round(every_ms / self.tick_ms)) * self.tick_ms

    def _child_setup(self, template: SensorTable, origin_ms: int, every_ms: int, source: str) -> dict:
        return {"template": template, "rules": self._rules, "book_options": self._book_options,
                "origin_ms": origin_ms, "tick_ms": self.tick_ms, "checkpoint_every_ms": every_ms,
                "source": source}

    def attach_journal(self, journal: Journal) -> None:
        """Write the replay's alarms, transitions and operator actions to ``journal`` from now on.

        The journal first gets the state as it is now (see ``Journal.rewind``).
        """
        if self.journal is not None:
            raise ValueError("the replay already has a journal")
        journal.bind(self.table)
        self.journal = journal
        if self.provisional is None:  # else settle() gives it the exact state
            self.pipeline.journal = journal
            journal.rewind(self.table, self.book, self.now_ms)

    # --- the clock -------------------------------------------------------------------------------
    @property
    def now_ms(self) -> int:
        return self._player.now_ms

    @property
    def finished(self) -> bool:
        return self._player.now_ms >= self.end_ms

    def advance_to(self, t_ms: int) -> AdvanceSummary:
        """Play forward to ``t_ms`` (at most ``end_ms``); nothing happens for a time not after ``now_ms``."""
        t_ms = min(int(t_ms), self.end_ms)
        summary = AdvanceSummary(self.now_ms, self.now_ms)
        if t_ms > self.now_ms:
            self._player.advance_to(t_ms, summary)
            self.cap_warnings += summary.cap_warnings
        summary.to_ms = self.now_ms
        summary.finished = self.finished
        return summary

    def step(self, feed_ms: int) -> AdvanceSummary:
        """Play ``feed_ms`` of feed time forward (the replay controls' step button)."""
        return self.advance_to(self.now_ms + int(feed_ms))

    def seek(self, t_ms: int) -> AdvanceSummary:
        """Rebuild the table and book as they are after playing to ``t_ms`` (clamped to the feed).

        Backward, operator actions made after ``t_ms`` are dropped. ``generation``
        grows. The summary covers the replay from the checkpoint used. A seek far
        beyond the index is provisional (the module docstring says when and what
        that means; ``summary.provisional``).
        """
        t_ms = min(max(int(t_ms), self.start_ms), self.end_ms)
        pending = self.provisional
        # A provisional clock is no moment to journal a seek from: the last exact one is.
        from_ms, undone = (self.now_ms if pending is None else pending.from_ms), 0
        if t_ms < self.now_ms:
            undone = sum(changes_state(a) for a in self.actions if a.clock_ms > t_ms)
            self.actions = [a for a in self.actions if a.clock_ms <= t_ms]
            self._play_checkpoints = [c for c in self._play_checkpoints
                                      if c.now_ms <= t_ms and c.actions <= len(self.actions)]
            self._actions_applied = min(self._actions_applied, len(self.actions))
            self._first_state_action = next((i for i, a in enumerate(self.actions) if changes_state(a)), None)
        self._ensure_indexed(t_ms)
        checkpoint = self._best_checkpoint(t_ms)
        self.generation += 1
        if self._too_far(checkpoint, t_ms):
            return self._seek_provisionally(checkpoint, t_ms, from_ms)
        self._end_provisional()
        if checkpoint is None:  # going forward from here is the shortest way
            summary = self._replay_actions_to(t_ms)
        else:
            summary = self._rebuild(checkpoint, t_ms)
        if self.after_seek is not None:
            self.after_seek(from_ms, self.now_ms, undone)
        return summary

    # --- provisional seeks -------------------------------------------------------------------------
    def _too_far(self, checkpoint: Checkpoint | None, t_ms: int) -> bool:
        """Too many readings to play from the checkpoint, while a child indexes and no operator has acted."""
        if not self.background_indexing or self._first_state_action is not None:
            return False
        base_ms, base_position = (self.now_ms, self._player.position) if checkpoint is None else (
            checkpoint.now_ms, checkpoint.position)
        since = self._warmup_start(t_ms)
        if since <= base_ms:
            return False  # the whole way is no longer than the warm-up
        times = self.columns.t_ms
        end = int(np.searchsorted(times, t_ms, side="right"))
        exact = end - base_position
        # Worth it only when the warm-up plays at most half of what the exact way would.
        return exact > self.max_seek_readings and end - int(np.searchsorted(times, since, side="right")) <= exact // 2

    def _warmup_start(self, t_ms: int) -> int:
        return self.start_ms + (t_ms - self.warmup_ms - self.start_ms) // self.tick_ms * self.tick_ms

    def _seek_provisionally(self, checkpoint: Checkpoint | None, t_ms: int, from_ms: int) -> AdvanceSummary:
        """The checkpoint's state, a jump to the warm-up's start, and the warm-up played (see the module docstring)."""
        self.pipeline.journal = None  # nothing provisional is journaled: settle() rewinds the journal
        player, columns = self._player, self.columns
        if checkpoint is not None:
            player.load(checkpoint)
        gap_from, since = max(player.now_ms, self.start_ms), self._warmup_start(t_ms)
        player.position = max(player.position, int(np.searchsorted(columns.t_ms, since, side="right")))
        player.event_index = max(player.event_index, int(np.searchsorted(columns.event_pos, player.position)))
        player.now_ms, player.next_tick_ms = since, since + self.tick_ms  # ``since`` is on the tick grid
        self.cap_warnings = [e for e in columns.events[:player.event_index] if isinstance(e, CapWarning)]
        summary = self._replay_actions_to(t_ms, first_action=None if checkpoint is None else checkpoint.actions)
        summary.provisional = True
        self.provisional = Provisional(from_ms, t_ms, gap_from, since)
        self.book.actions_refused = PROVISIONAL_REFUSAL
        return summary

    def settle(self) -> bool:
        """After a provisional seek: rebuild the exact state at the clock once the index has reached it.

        Returns True when it did (``generation`` grows; the seek is journaled now,
        with the exact skipped stretch). Call it from the thread that drives the
        replay whenever the index grows. Without an indexing child (it failed or
        was stopped) the index is first built here, up to the clock.
        """
        pending = self.provisional
        if pending is None or (self.background_indexing and self._index_until_ms < self.now_ms):
            return False
        self._ensure_indexed(self.now_ms)
        checkpoint = self._best_checkpoint(self.now_ms)  # while provisional, never the state as it is
        self._end_provisional()
        self.generation += 1
        self._rebuild(checkpoint, self.now_ms)
        if self.after_seek is not None:
            self.after_seek(pending.from_ms, pending.target_ms, 0)
        return True

    def _end_provisional(self) -> None:
        if self.provisional is not None:
            self.provisional = None
            self.book.actions_refused = None
            self.pipeline.journal = self.journal

    def _rebuild(self, checkpoint: Checkpoint, t_ms: int) -> AdvanceSummary:
        journal = self.journal
        self.pipeline.journal = None  # what is rebuilt is not written again; the rewind below sets the journal right
        try:
            self._player.load(checkpoint)
            self.cap_warnings = [e for e in self.columns.events[: checkpoint.event_index] if isinstance(e, CapWarning)]
            summary = self._replay_actions_to(t_ms, first_action=checkpoint.actions)
        finally:
            self.pipeline.journal = journal
        if journal is not None:
            journal.rewind(self.table, self.book, self.now_ms)
        return summary

    def _best_checkpoint(self, t_ms: int) -> Checkpoint | None:
        """The latest usable checkpoint at or before ``t_ms``; None when playing on from now is as good."""
        first = self._first_state_action
        first_action_ms = None if first is None else self.actions[first].clock_ms
        best = self._blank
        with self._data_lock:
            index = list(self._index_checkpoints)
        for checkpoint in index:
            # An index checkpoint knows no actions: usable up to the first that changes the book (those
            # that do not, a drill's seek records, are made again at once after loading it).
            if checkpoint.now_ms <= t_ms and (first_action_ms is None or first_action_ms >= checkpoint.now_ms):
                best = checkpoint if checkpoint.now_ms > best.now_ms else best
        for checkpoint in self._play_checkpoints:
            following = self.actions[checkpoint.actions].clock_ms if checkpoint.actions < len(self.actions) else None
            if checkpoint.now_ms <= t_ms and (following is None or following >= checkpoint.now_ms):
                best = checkpoint if checkpoint.now_ms >= best.now_ms else best
        if self.provisional is None and self.now_ms <= t_ms and self.now_ms >= best.now_ms:
            return None
        return best

    def _replay_actions_to(self, t_ms: int, first_action: int | None = None) -> AdvanceSummary:
        summary = AdvanceSummary(self.now_ms, self.now_ms)
        if first_action is not None:
            self._replaying = True
            self._actions_applied = first_action
            try:
                for action in self.actions[first_action:]:
                    self._player.advance_to(action.clock_ms, summary)
                    apply_action(self.book, action)
                    self._actions_applied += 1
            finally:
                self._replaying = False
        self._player.advance_to(t_ms, summary)
        self.cap_warnings += summary.cap_warnings
        summary.to_ms = self.now_ms
        summary.finished = self.finished
        return summary

    # --- operator actions ----------------------------------------------------------------------------
    def _on_book_records(self, records: BookRecords) -> None:
        if not self._replaying:
            for _seq, t_ms, operator, action, alarm_id, sensor_id, detail in records.actions:
                made = OperatorAction(self.now_ms, t_ms, operator, action, alarm_id, sensor_id, json.loads(detail))
                if self._first_state_action is None and changes_state(made):
                    self._first_state_action = len(self.actions)
                self.actions.append(made)
            self._actions_applied = len(self.actions)
        if self.pipeline.journal is not None:
            self.pipeline.journal.submit(JournalEntry(records=records))

    def _after_play_tick(self, tick_ms: int) -> None:
        # Only actions that change the book make the replay's own state differ from the index pass.
        first = self._first_state_action
        if first is None or self._actions_applied <= first or (tick_ms - self.start_ms) % self.checkpoint_every_ms:
            return
        if any(c.now_ms == tick_ms for c in self._play_checkpoints):
            return
        self._play_checkpoints.append(self._player.save(self._actions_applied))

    # --- reading the past ----------------------------------------------------------------------------
    def history(self, sensor_id: str, start_ms: int | None = None, end_ms: int | None = None):
        """Readings of one sensor up to the replay clock: (t_ms int64, value float64, quality uint8)."""
        row = self.table.row_of(sensor_id)
        c = self.columns
        end = self.now_ms if end_ms is None else min(int(end_ms), self.now_ms)
        lo = 0 if start_ms is None else int(np.searchsorted(c.t_ms, int(start_ms), side="left"))
        hi = int(np.searchsorted(c.t_ms, end, side="right"))
        mine = lo + np.flatnonzero(c.row[lo:hi] == row)
        return c.t_ms[mine], c.value[mine], c.quality[mine]
