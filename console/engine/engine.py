"""One loop from the sources' outboxes into the pipeline (no Qt).

The adapters receive on their own threads and only fill their outboxes; the
engine's loop drains them, hands readings to the pipeline in batches (as columns:
ids are resolved to table rows once per batch, unknown ids counted per source),
runs the clock (stale sensors, ended shelves) once a second, and applies operator
actions between batches so that a click never waits behind a burst. Everything
the pipeline changes is journaled by the pipeline itself.

A source that goes down (reconnecting, failed) turns the sensors it delivered
offline: they are drawn as "no data", never as normal, until it is live again.
"""

from __future__ import annotations

import queue
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable
from concurrent.futures import Future

import numpy as np

from console.engine.health import DOWN_STATUSES, SourceHealth
from console.engine.warnings import EngineWarnings
from console.feeds.base import AdapterStatusEvent, CapWarning, FeedAdapter, FeedStatus, SensorStatusEvent
from console.model.journal import JournalEntry
from console.model.pipeline import Pipeline
from console.model.readings import ReadingBatch

TICK_INTERVAL_MS = 1000  # stale sensors and ended shelves need no finer clock
IDLE_WAIT_S = 0.02  # an idle loop looks again 50 times a second: latency stays far below the map's 10 Hz
# A journal writer this far behind holds the loop back rather than the backlog growing in memory.
JOURNAL_BACKLOG_ROWS = 2_000_000


def wall_clock_ms() -> int:
    return int(time.time() * 1000)


class Engine:
    """Sources -> sensor table -> rules -> alarm book -> journal, on one loop.

    Parameters
    ----------
    pipeline : Pipeline
        Owns the table, rules, book and journal; the engine is its only caller
        once started.
    adapters : iterable of FeedAdapter
        Not yet started; names must be unique (the sources file makes sure).
    clock_ms : callable, optional
        "Now" in UTC epoch milliseconds (the wall clock by default; tests inject one).

    Attributes
    ----------
    health : dict of str to SourceHealth
        Per source, written only by the loop.
    warnings : EngineWarnings
        The CAP warnings in force, on ``clock_ms``, from every source's ``CapWarning`` events.
    other_events : Counter
        Events the engine received but does not act on, by type name.
    """

    def __init__(self, pipeline: Pipeline, adapters: Iterable[FeedAdapter], *,
                 clock_ms: Callable[[], int] = wall_clock_ms):
        self.pipeline = pipeline
        self.adapters = list(adapters)
        names = [adapter.name for adapter in self.adapters]
        if len(set(names)) != len(names):
            raise ValueError(f"source names must be unique: {names}")
        self.clock_ms = clock_ms
        self.health = {a.name: SourceHealth(a.name, a.kind) for a in self.adapters}
        self.warnings = EngineWarnings()
        self.other_events: Counter = Counter()
        self._seen = {a.name: np.zeros(len(pipeline.table), dtype=bool) for a in self.adapters}
        self._actions: queue.SimpleQueue = queue.SimpleQueue()
        self._last_tick_ms: int | None = None
        self._started = False

    # --- running ----------------------------------------------------------
    def start(self) -> None:
        """Start every adapter (they connect on their own threads)."""
        if self._started:
            raise RuntimeError("the engine was already started")
        self._started = True
        for adapter in self.adapters:
            adapter.start()

    def run(self, stop: threading.Event, duration_s: float | None = None) -> None:
        """Loop until ``stop`` is set, ``duration_s`` has passed, or every finite source is exhausted."""
        if not self._started:
            self.start()
        deadline = None if duration_s is None else time.monotonic() + duration_s
        while not stop.is_set():
            if deadline is not None and time.monotonic() >= deadline:
                break
            if self.step() == 0:
                if not any(adapter.running for adapter in self.adapters) and self._actions.empty():
                    self.step()  # what the last adapter delivered before it ended
                    break
                stop.wait(IDLE_WAIT_S)

    def stop(self) -> None:
        """Stop the adapters, take what they still delivered, write the journal and close it."""
        for adapter in self.adapters:
            adapter.stop()
        self.step()
        self.pipeline.close()

    def step(self) -> int:
        """Apply queued actions, drain every source once, tick the clock when due. Returns readings taken."""
        self._apply_actions()
        now = self.clock_ms()
        taken = 0
        for adapter in self.adapters:
            taken += self._take(adapter, adapter.poll(), now)
            self.health[adapter.name].adapter = adapter.health()
        warnings_changed = False
        if self._last_tick_ms is None or now - self._last_tick_ms >= TICK_INTERVAL_MS:
            self._last_tick_ms = now
            self.pipeline.tick(now)
            # effective and expires times pass without a message
            warnings_changed = self.warnings.refresh(now, prune=True)
        elif self.warnings.dirty:
            warnings_changed = self.warnings.refresh(now)
        journal = self.pipeline.journal
        if warnings_changed:
            self._group_by_warnings()
            rows = self.warnings.take_journal_rows()
            if rows and journal is not None:  # what came into force and what left it, kept past the map
                journal.submit(JournalEntry(warnings=rows))
        if taken and journal is not None:
            journal.throttle(JOURNAL_BACKLOG_ROWS)
        return taken

    def _group_by_warnings(self) -> None:
        """New alarms inside an active warning's area group by that area (the book's incidents)."""
        from console.cap.cover import WarningCover

        table, active = self.pipeline.table, self.warnings.active
        cover = WarningCover(active, table.ids, table.x, table.y) if active else None
        self.pipeline.book.set_incident_areas(cover.area_per_row() if cover is not None else None)

    # --- operator actions ---------------------------------------------------
    def post(self, action: Callable[[Pipeline], object]) -> Future:
        """Run ``action(pipeline)`` on the engine's loop (from any thread); the future gets its result."""
        future: Future = Future()
        self._actions.put((action, future))
        return future

    def _apply_actions(self) -> None:
        while True:
            try:
                action, future = self._actions.get_nowait()
            except queue.Empty:
                return
            if not future.set_running_or_notify_cancel():
                continue
            try:
                future.set_result(action(self.pipeline))
            except Exception as exc:  # a refused action is the caller's answer, not the loop's end
                future.set_exception(exc)

    # --- what the sources delivered -------------------------------------------
    def _take(self, adapter: FeedAdapter, events: list, now_ms: int) -> int:
        taken = 0
        readings: list[ReadingBatch] = []
        for event in events:
            if isinstance(event, ReadingBatch):
                readings.append(event)
                continue
            # Readings that came before an event are processed before it, as they came.
            taken += self._process(adapter.name, readings)
            readings = []
            if isinstance(event, AdapterStatusEvent):
                self._status_changed(adapter.name, event)
            elif isinstance(event, SensorStatusEvent):
                if event.status == "offline":
                    self.pipeline.mark_offline([event.sensor], event.t_ms)
                else:
                    self.pipeline.mark_online([event.sensor], event.t_ms)
            elif isinstance(event, CapWarning):
                if self.warnings.take(event, adapter.name, lonlat_circles=getattr(adapter, "lonlat_circles", False)):
                    self.health[adapter.name].accepted += 1  # a CAP source's "accepted" counts its documents
            else:
                self.other_events[type(event).__name__] += 1
        return taken + self._process(adapter.name, readings)

    def _process(self, source: str, batches: list[ReadingBatch]) -> int:
        if not batches:
            return 0
        batch = batches[0] if len(batches) == 1 else ReadingBatch.concat(batches)
        table = self.pipeline.table
        rows = table.rows_of(batch.sensor) if batch.sensor.dtype.kind not in "iu" else \
            np.where((batch.sensor >= 0) & (batch.sensor < len(table)), batch.sensor, -1).astype(np.int64)
        known = rows >= 0
        health = self.health[source]
        if not known.all():
            unknown_ids, counts = np.unique(np.asarray(batch.sensor[~known], dtype=str), return_counts=True)
            table.count_unknown(source, dict(zip(unknown_ids.tolist(), counts.tolist(), strict=True)))
            health.unknown += int(counts.sum())
            keep = np.flatnonzero(known)
            batch = ReadingBatch(rows[keep].astype(np.int32), batch.t_ms[keep], batch.value[keep],
                                 batch.quality[keep], batch.line[keep])
            rows = rows[keep]
        else:
            batch = ReadingBatch(rows.astype(np.int32), batch.t_ms, batch.value, batch.quality, batch.line)
        self._seen[source][rows] = True
        if len(batch):
            health.accepted += self.pipeline.process(batch, source).n_accepted
        return len(known)

    def _status_changed(self, source: str, event: AdapterStatusEvent) -> None:
        health = self.health[source]
        was_down = health.down
        health.status_changed(event.status, event.message, event.wall_ms)
        ids = self.pipeline.table.ids[self._seen[source]]
        if not ids.size:
            return
        if event.status in DOWN_STATUSES and not was_down:
            self.pipeline.mark_offline(ids, event.wall_ms)
        elif event.status is FeedStatus.LIVE and was_down:
            self.pipeline.mark_online(ids, event.wall_ms)

    # --- figures --------------------------------------------------------------
    def source_figures(self) -> list[dict]:
        """Per-source counters as plain data."""
        now = self.clock_ms()
        return [self.health[adapter.name].as_dict(now) for adapter in self.adapters]
