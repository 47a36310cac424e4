"""One table and book moving through a feed's columns on a fixed tick grid, and the indexing pass over it.

``Player`` is what ``console.feeds.replay.Replay`` plays with, twice: once for
the state it shows and once, privately, for its index. ``IndexPass`` is that
private pass: it plays the feed without operator actions, keeps a checkpoint
(``Checkpoint``) at every multiple of the checkpoint interval and the time and
level of every alarm raised (the timeline's histogram). It runs in the replay's
process or in a child process (``console.feeds.index_child``); both give the
same checkpoints, byte for byte.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from console.feeds.columns import FeedColumns
from console.feeds.events import CapWarning, SensorStatusEvent
from console.model.pipeline import Pipeline
from console.model.readings import ReadingBatch
from console.model.rules import RuleEngine, RuleSet
from console.model.sensors import SensorTable

__all__ = ["MAX_BATCH_READINGS", "AdvanceSummary", "Checkpoint", "IndexPass", "IndexStep", "Player"]

# Most readings handed to the pipeline at once (cut between two feed times, never inside one).
MAX_BATCH_READINGS = 200_000


@dataclass
class AdvanceSummary:
    """What one ``advance_to`` (or ``seek``) did.

    ``raised`` are the ids of alarms opened on the way; ``status_events`` and
    ``cap_warnings`` the other feed events passed. ``finished``: the clock is at
    the end of the feed. ``provisional``: a seek that left a provisional state
    (``console.feeds.replay``).
    """

    from_ms: int
    to_ms: int
    readings: int = 0
    raised: list[int] = field(default_factory=list)
    status_events: list[SensorStatusEvent] = field(default_factory=list)
    cap_warnings: list[CapWarning] = field(default_factory=list)
    finished: bool = False
    provisional: bool = False


@dataclass
class Checkpoint:
    """A saved state of a player: where it is in the columns, its table and its book."""

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


class Player:
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

    def save(self, actions: int) -> Checkpoint:
        return Checkpoint(self.now_ms, self.position, self.event_index, self.next_tick_ms,
                          self.pipeline.table.save_state(), self.pipeline.book.save_state(), actions)

    def load(self, checkpoint: Checkpoint) -> None:
        self.pipeline.table.load_state(checkpoint.table)
        self.pipeline.book.load_state(checkpoint.book)
        self.position = checkpoint.position
        self.event_index = checkpoint.event_index
        self.now_ms = checkpoint.now_ms
        self.next_tick_ms = checkpoint.next_tick_ms


@dataclass
class IndexStep:
    """What one step of the indexing pass found: up to ``until_ms``, the checkpoints and alarms raised."""

    until_ms: int
    checkpoints: list[Checkpoint]
    raised_t: list[int]
    raised_level: list[int]


class IndexPass:
    """The indexing pass: the feed played on a private table and book, a step at a time.

    ``step(t_ms)`` plays at most to the next checkpoint time, so that whoever
    waits for the pass gets a turn at least once a checkpoint interval.
    """

    def __init__(self, columns: FeedColumns, template: SensorTable, rules: RuleSet, book_options: dict,
                 origin_ms: int, end_ms: int, tick_ms: int, checkpoint_every_ms: int, source: str):
        table = template.fresh_copy()
        pipeline = Pipeline(table, RuleEngine(rules, table), **book_options)
        self.player = Player(columns, pipeline, origin_ms, tick_ms, source)
        self.player.after_tick = self._after_tick
        self.origin_ms, self.end_ms = origin_ms, end_ms
        self.checkpoint_every_ms = checkpoint_every_ms
        self._saved: list[Checkpoint] = []

    @property
    def now_ms(self) -> int:
        return self.player.now_ms

    def load(self, checkpoint: Checkpoint) -> None:
        """Go on from a checkpoint of this same pass (made here or by another pass over the same feed)."""
        self.player.load(checkpoint)

    def step(self, t_ms: int) -> IndexStep:
        done = self.player.now_ms - self.origin_ms
        next_checkpoint = self.origin_ms + (done // self.checkpoint_every_ms + 1) * self.checkpoint_every_ms
        target = min(int(t_ms), self.end_ms, next_checkpoint)
        summary = AdvanceSummary(self.player.now_ms, self.player.now_ms)
        if target > self.player.now_ms:
            self.player.advance_to(target, summary)
        book = self.player.pipeline.book
        raised = [book.alarms[alarm_id] for alarm_id in summary.raised]
        saved, self._saved = self._saved, []
        return IndexStep(self.player.now_ms, saved, [a.raised_ms for a in raised],
                         [a.history[0].level_to for a in raised])

    def _after_tick(self, tick_ms: int) -> None:
        if (tick_ms - self.origin_ms) % self.checkpoint_every_ms == 0:
            self._saved.append(self.player.save(0))
