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

Checkpoints come from an indexing pass (``build_index``, or as far as a seek
needs) that plays the feed on a second, private table and book without
operator actions; it also collects the alarm density. Once operators have acted,
the replay also keeps checkpoints of its own as it plays. The indexing pass
touches nothing the caller holds, so it may run on a worker thread while the
replay plays on another (``build_index`` and seeks take turns on a lock).

Not thread-safe otherwise: one thread drives ``advance_to``, ``seek`` and the
operator actions.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from console.errors import InputError
from console.feeds.columns import FeedColumns, decode_feed
from console.feeds.events import CapWarning, SensorStatusEvent
from console.model.alarms import AlarmBook, BookRecords, lifecycle
from console.model.journal import Journal, JournalEntry
from console.model.pipeline import Pipeline
from console.model.readings import ReadingBatch
from console.model.rules import RuleEngine, RuleSet
from console.model.sensors import SensorTable

__all__ = [
    "AdvanceSummary",
    "AlarmDensity",
    "FeedColumns",
    "OperatorAction",
    "Replay",
    "decode_feed",
]

DEFAULT_CHECKPOINT_EVERY_S = 900.0
DEFAULT_TICK_S = 10.0
# Most readings handed to the pipeline at once (cut between two feed times, never inside one).
MAX_BATCH_READINGS = 200_000


# --- what the replay hands back ------------------------------------------------------------------


@dataclass
class AdvanceSummary:
    """What one ``advance_to`` (or ``seek``) did.

    ``raised`` are the ids of alarms opened on the way; ``status_events`` and
    ``cap_warnings`` the other feed events passed. ``finished``: the clock is at
    the end of the feed.
    """

    from_ms: int
    to_ms: int
    readings: int = 0
    raised: list[int] = field(default_factory=list)
    status_events: list[SensorStatusEvent] = field(default_factory=list)
    cap_warnings: list[CapWarning] = field(default_factory=list)
    finished: bool = False


@dataclass(frozen=True)
class AlarmDensity:
    """Alarms raised per time bin and level, for the timeline histogram.

    ``edges_ms`` has ``n_bins + 1`` bin edges (UTC epoch ms); ``counts[level - 1]``
    counts the alarms raised at level ``level`` (1..4 = I..IV) in each bin.
    ``complete`` is False while the indexing pass has not reached the end: bins
    after ``indexed_until_ms`` are still empty.
    """

    edges_ms: np.ndarray
    counts: np.ndarray
    indexed_until_ms: int
    complete: bool


@dataclass(frozen=True)
class OperatorAction:
    """An operator action made during a replay.

    ``clock_ms`` is the replay clock when it was made (where a seek replays it);
    the rest is the alarm book's action record: its time, operator, action name,
    alarm, sensor and details.
    """

    clock_ms: int
    t_ms: int
    operator: str
    action: str
    alarm_id: int | None
    sensor_id: str | None
    detail: dict


@dataclass
class _Checkpoint:
    now_ms: int
    position: int
    event_index: int
    next_tick_ms: int
    table: dict
    book: bytes
    actions: int  # how many of the replay's actions the state includes

    @property
    def nbytes(self) -> int:
        return len(self.book) + sum(getattr(v, "nbytes", 0) for v in self.table.values())


# --- one table and book moving through the columns ---------------------------------------------------


class _Player:
    """A pipeline and a position in the feed columns, moved forward on a fixed tick grid."""

    def __init__(self, columns: FeedColumns, pipeline: Pipeline, origin_ms: int, tick_ms: int, source: str):
        self.columns = columns
        self.pipeline = pipeline
        self.origin_ms = origin_ms
        self.tick_ms = tick_ms
        self.source = source
        self.position = 0
        self.event_index = 0
        self.now_ms = origin_ms - 1
        self.next_tick_ms = origin_ms
        # Called with the tick time right after each tick (checkpoints are taken there).
        self.after_tick: Callable[[int], None] | None = None

    def advance_to(self, t_ms: int, summary: AdvanceSummary) -> None:
        while self.next_tick_ms <= t_ms:
            tick = self.next_tick_ms
            self._process_until(tick, summary)
            self.pipeline.tick(tick)
            self.now_ms = tick
            self.next_tick_ms = tick + self.tick_ms
            if self.after_tick is not None:
                self.after_tick(tick)
        self._process_until(t_ms, summary)
        self.now_ms = max(self.now_ms, t_ms)

    def _process_until(self, t_ms: int, summary: AdvanceSummary) -> None:
        c = self.columns
        stop = self.position + int(np.searchsorted(c.t_ms[self.position:], t_ms, side="right"))
        while self.event_index < len(c.events) and c.event_t[self.event_index] <= t_ms:
            at = int(c.event_pos[self.event_index])
            self._readings(self.position, at, summary)
            self.position = max(self.position, at)
            self._event(c.events[self.event_index], summary)
            self.event_index += 1
        self._readings(self.position, stop, summary)
        self.position = max(self.position, stop)

    def _readings(self, start: int, stop: int, summary: AdvanceSummary) -> None:
        c = self.columns
        while start < stop:
            end = stop
            if end - start > MAX_BATCH_READINGS:
                # Cut where a new time begins, so that equal times stay in one batch.
                t_cut = c.t_ms[start + MAX_BATCH_READINGS]
                end = start + int(np.searchsorted(c.t_ms[start:stop], t_cut, side="left"))
                if end == start:
                    end = start + int(np.searchsorted(c.t_ms[start:stop], t_cut, side="right"))
            batch = ReadingBatch(c.row[start:end], c.t_ms[start:end], c.value[start:end], c.quality[start:end])
            report = self.pipeline.process(batch, self.source)
            summary.readings += report.n_total
            summary.raised += report.raised
            start = end

    def _event(self, event, summary: AdvanceSummary) -> None:
        if isinstance(event, SensorStatusEvent):
            if event.status == "offline":
                self.pipeline.mark_offline([event.sensor], event.t_ms)
            else:
                self.pipeline.mark_online([event.sensor], event.t_ms)
            summary.status_events.append(event)
        else:
            summary.cap_warnings.append(event)

    def save(self, actions: int) -> _Checkpoint:
        return _Checkpoint(self.now_ms, self.position, self.event_index, self.next_tick_ms,
                           self.pipeline.table.save_state(), self.pipeline.book.save_state(), actions)

    def load(self, checkpoint: _Checkpoint) -> None:
        self.pipeline.table.load_state(checkpoint.table)
        self.pipeline.book.load_state(checkpoint.book)
        self.position = checkpoint.position
        self.event_index = checkpoint.event_index
        self.now_ms = checkpoint.now_ms
        self.next_tick_ms = checkpoint.next_tick_ms


# --- the replay ----------------------------------------------------------------------------------------


class Replay:
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
        self.columns = feed if isinstance(feed, FeedColumns) else decode_feed(feed, template, on_progress=on_progress)
        span = self.columns.span
        if span is None:
            raise InputError(self.columns.path, "the feed has no readings or events to replay")
        self.start_ms, self.end_ms = span
        if tick_s <= 0:
            raise ValueError("tick_s must be positive")
        self.tick_ms = max(1, round(tick_s * 1000))
        if checkpoint_every_s is None:
            every_ms = max(DEFAULT_CHECKPOINT_EVERY_S * 1000, (self.end_ms - self.start_ms) / max(1, max_checkpoints))
        else:
            every_ms = checkpoint_every_s * 1000
        # Checkpoints sit on ticks, so the state at a checkpoint is one the tick grid passes through.
        self.checkpoint_every_ms = max(1, round(every_ms / self.tick_ms)) * self.tick_ms
        self.source = self.columns.path.name
        self.generation = 0
        self.actions: list[OperatorAction] = []
        self.cap_warnings: list[CapWarning] = []

        self._player = _Player(self.columns, self.pipeline, self.start_ms, self.tick_ms, self.source)
        self._player.after_tick = self._after_play_tick
        self._blank = self._player.save(0)
        self._play_checkpoints: list[_Checkpoint] = []
        self._replaying = False
        self._actions_applied = 0  # how many of ``actions`` the current state includes
        self.book.records_emitted.connect(self._on_book_records)

        indexer_table = template.fresh_copy()
        indexer = Pipeline(indexer_table, RuleEngine(self._rules, indexer_table), **self._book_options)
        self._indexer = _Player(self.columns, indexer, self.start_ms, self.tick_ms, self.source)
        self._indexer.after_tick = self._after_index_tick
        self._index_checkpoints: list[_Checkpoint] = []
        self._index_lock = threading.Lock()  # one indexing step at a time
        self._data_lock = threading.Lock()  # short: the index checkpoints and density lists
        self._raised_t: list[int] = []
        self._raised_level: list[int] = []

        self.journal: Journal | None = None
        if journal is not None:
            self.attach_journal(journal)
        self.advance_to(self.start_ms)

    def attach_journal(self, journal: Journal) -> None:
        """Write the replay's alarms, transitions and operator actions to ``journal`` from now on.

        The journal first gets the state as it is now (see ``Journal.rewind``).
        """
        if self.journal is not None:
            raise ValueError("the replay already has a journal")
        journal.bind(self.table)
        self.journal = journal
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
        grows. The summary covers the replay from the checkpoint used.
        """
        t_ms = min(max(int(t_ms), self.start_ms), self.end_ms)
        if t_ms < self.now_ms:
            self.actions = [a for a in self.actions if a.clock_ms <= t_ms]
            self._play_checkpoints = [c for c in self._play_checkpoints
                                      if c.now_ms <= t_ms and c.actions <= len(self.actions)]
            self._actions_applied = min(self._actions_applied, len(self.actions))
        self._ensure_indexed(t_ms)
        checkpoint = self._best_checkpoint(t_ms)
        self.generation += 1
        if checkpoint is None:  # going forward from here is the shortest way
            return self._replay_actions_to(t_ms)
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

    def _best_checkpoint(self, t_ms: int) -> _Checkpoint | None:
        """The latest usable checkpoint at or before ``t_ms``; None when playing on from now is as good."""
        first_action_ms = self.actions[0].clock_ms if self.actions else None
        best = self._blank
        with self._data_lock:
            index = list(self._index_checkpoints)
        for checkpoint in index:
            # An index checkpoint knows no actions: usable up to the first one.
            if checkpoint.now_ms <= t_ms and (first_action_ms is None or first_action_ms >= checkpoint.now_ms):
                best = checkpoint if checkpoint.now_ms > best.now_ms else best
        for checkpoint in self._play_checkpoints:
            following = self.actions[checkpoint.actions].clock_ms if checkpoint.actions < len(self.actions) else None
            if checkpoint.now_ms <= t_ms and (following is None or following >= checkpoint.now_ms):
                best = checkpoint if checkpoint.now_ms >= best.now_ms else best
        if self.now_ms <= t_ms and self.now_ms >= best.now_ms:
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
                    _apply_action(self.book, action)
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
                self.actions.append(OperatorAction(self.now_ms, t_ms, operator, action, alarm_id, sensor_id,
                                                   json.loads(detail)))
            self._actions_applied = len(self.actions)
        if self.pipeline.journal is not None:
            self.pipeline.journal.submit(JournalEntry(records=records))

    def _after_play_tick(self, tick_ms: int) -> None:
        # Only actions make the replay's own state differ from the index pass.
        if not self._actions_applied or (tick_ms - self.start_ms) % self.checkpoint_every_ms:
            return
        if any(c.now_ms == tick_ms for c in self._play_checkpoints):
            return
        self._play_checkpoints.append(self._player.save(self._actions_applied))

    # --- indexing ------------------------------------------------------------------------------------
    @property
    def indexed_until_ms(self) -> int:
        """How far the indexing pass has gone (checkpoints and density are known up to here)."""
        return self._indexer.now_ms

    @property
    def checkpoint_bytes(self) -> int:
        """Memory held by checkpoints."""
        with self._data_lock:
            return sum(c.nbytes for c in (*self._index_checkpoints, *self._play_checkpoints))

    @property
    def checkpoint_times(self) -> list[int]:
        """Feed times of the checkpoints kept, in order."""
        with self._data_lock:
            return sorted({c.now_ms for c in (*self._index_checkpoints, *self._play_checkpoints)})

    def build_index(self, on_progress: Callable[[float], None] | None = None,
                    cancel: Callable[[], bool] | None = None) -> bool:
        """Run the indexing pass to the end of the feed (checkpoints and alarm density).

        May run on a worker thread. ``on_progress`` gets the share done (0..1);
        ``cancel`` returning True stops early. Returns True when complete.
        """
        while self._indexer.now_ms < self.end_ms:
            if cancel is not None and cancel():
                return False
            self._extend_index(self._indexer.now_ms + self.checkpoint_every_ms)
            if on_progress is not None:
                on_progress((self._indexer.now_ms - self.start_ms) / max(1, self.end_ms - self.start_ms))
        return True

    def _ensure_indexed(self, t_ms: int) -> None:
        while self._indexer.now_ms < t_ms:
            self._extend_index(t_ms)

    def _extend_index(self, t_ms: int) -> None:
        with self._index_lock:
            target = min(t_ms, self.end_ms)
            # Stop at the next checkpoint time at most, so a seek waiting on the lock gets its turn.
            done = self._indexer.now_ms - self.start_ms
            next_checkpoint = self.start_ms + (done // self.checkpoint_every_ms + 1) * self.checkpoint_every_ms
            target = min(target, next_checkpoint)
            if target <= self._indexer.now_ms:
                return
            summary = AdvanceSummary(self._indexer.now_ms, self._indexer.now_ms)
            self._indexer.advance_to(target, summary)
            book = self._indexer.pipeline.book
            raised = [book.alarms[alarm_id] for alarm_id in summary.raised]
            with self._data_lock:
                self._raised_t += [alarm.raised_ms for alarm in raised]
                self._raised_level += [alarm.history[0].level_to for alarm in raised]

    def _after_index_tick(self, tick_ms: int) -> None:
        if (tick_ms - self.start_ms) % self.checkpoint_every_ms == 0:
            checkpoint = self._indexer.save(0)
            with self._data_lock:
                self._index_checkpoints.append(checkpoint)

    def alarm_density(self, n_bins: int) -> AlarmDensity:
        """Alarms raised per level in ``n_bins`` equal bins over the feed (as far as indexed)."""
        if n_bins < 1:
            raise ValueError("n_bins must be at least 1")
        edges = np.linspace(self.start_ms, self.end_ms + 1, n_bins + 1).round().astype(np.int64)
        with self._data_lock:
            t = np.array(self._raised_t, dtype=np.int64)
            level = np.array(self._raised_level, dtype=np.int64)
        counts = np.zeros((4, n_bins), dtype=np.int64)
        for code in (1, 2, 3, 4):
            counts[code - 1] = np.histogram(t[level == code], bins=edges)[0]
        return AlarmDensity(edges, counts, self.indexed_until_ms, self.indexed_until_ms >= self.end_ms)

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


def _apply_action(book: AlarmBook, action: OperatorAction) -> None:
    """Make a recorded operator action again on a rebuilt book."""
    a, detail = action, action.detail
    kind = lifecycle.OperatorAction
    if a.action == kind.ACKNOWLEDGE:
        book.acknowledge([a.alarm_id], a.operator, a.t_ms)
    elif a.action == kind.SHELVE:
        book.shelve([a.alarm_id], detail["reason"], detail["until_ms"], a.operator, a.t_ms)
    elif a.action == kind.UNSHELVE:
        book.unshelve([a.alarm_id], a.operator, a.t_ms)
    elif a.action == kind.NOTE:
        book.note(a.alarm_id, detail["text"], a.operator, a.t_ms)
    elif a.action == kind.DISPATCH:
        book.dispatch(a.alarm_id, detail["unit"], a.operator, a.t_ms)
    elif a.action == kind.CLOSE:
        book.close(a.alarm_id, detail["classification"], detail["note"], a.operator, a.t_ms)
    elif a.action in (kind.OUT_OF_SERVICE, kind.IN_SERVICE):
        book.set_out_of_service([a.sensor_id], a.action == kind.OUT_OF_SERVICE, detail.get("reason", ""),
                                a.operator, a.t_ms)
    else:
        raise ValueError(f"cannot replay the operator action {a.action!r}")

