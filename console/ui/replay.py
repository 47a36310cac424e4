"""Replay playback on the GUI thread: play, pause, step, seek, speed, paced by the wall clock.

The controller drives any object that follows the ``ReplaySource`` protocol
below (``console.feeds.replay.Replay`` does). A ``QTimer`` ticks 50 times a
second; each tick works out where the feed clock should be from the wall clock
(``anchor feed time + elapsed wall time x speed``) and advances the replay there
in chunks. Work per tick is capped: when the replay cannot keep up, the feed
clock lags behind (and the effective speed drops) instead of the window
freezing. The clock function is injectable so tests can simulate wall time.

Ticks come every 20 ms; after one that ran out of budget with feed still to
play, as soon as the event loop has run what waits (repaints, input, timers
due), so a replay that cannot keep up gets the time the views leave.

A tick and the repaint it causes make one stretch of the GUI thread, so the
budget covers both: a tick that tells the clock (10 Hz) or the views of the
replay's state (5 Hz, the map and the warning pane) that time moved leaves
out of its replay work what telling them and the repaint after it cost the
last times (the repaint is timed by a zero-interval timer, which runs once
the event loop has painted). A frame that repaints much does no replay work.
"""

from __future__ import annotations

import gc
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

import numpy as np
from PySide6.QtCore import QObject, Qt, QTimer, Signal

SPEEDS = (1, 10, 60, 300, 900, 3600)
# Short ticks with a small budget: the GUI thread is never held for long (a tick and the repaint
# after it stay under 20 ms), yet a replay that needs the time gets what the views leave.
TICK_INTERVAL_MS = 20
BUSY_INTERVAL_MS = 1  # after a tick that ran out of budget with feed still to play
WORK_BUDGET_MS = 10.0  # GUI-thread time of one frame: replay work, plus telling the views and their repaint
CHUNK_SHARE = 1 / 2  # a chunk is sized to cost this share of the budget: each call has ~1 ms of fixed cost
CLOCK_INTERVAL_S = 0.1  # the clock and timeline follow at 10 Hz, not at every tick
STATE_INTERVAL_S = 0.2  # views of the replay's state (map, warning pane) are told at 5 Hz
MAX_LAG_S = 1.0  # a backlog of more than this much wall time is dropped, not caught up in a rush
LAG_AFTER_S = 0.15  # behind the wall clock this long before the replay counts as lagging
CAUGHT_UP_AFTER_S = 0.3  # on time this long before it no longer does
SPEED_WINDOW_S = 0.25  # the effective speed is measured over this much wall time
FIRST_CHUNK_MS = 1_000  # feed time of the first chunk, before the controller knows the replay's cost
MIN_CHUNK_MS = 100
SETTLE_INTERVAL_MS = 250  # after a provisional seek: how often to see whether the index has reached the clock


class ReplaySource(Protocol):
    """What the replay UI needs from a replay (duck-typed; ``console.feeds.replay.Replay`` fits).

    Attributes
    ----------
    start_ms, end_ms : int
        The feed's time span, UTC epoch milliseconds.
    now_ms : int
        The feed clock: everything up to and including this time has been applied.

    Methods
    -------
    advance_to(t_ms)
        Apply the feed from ``now_ms`` up to ``t_ms`` (forward only); ``now_ms`` becomes ``t_ms``.
    seek(t_ms)
        Rebuild the state at ``t_ms`` (backward or forward); ``now_ms`` becomes ``t_ms``.
    alarm_density(n_bins)
        Alarms raised per bin and level: an object with ``edges_ms`` (``n_bins + 1``
        edges) and ``counts`` (shape ``(4, n_bins)``, rows for levels I..IV), and
        optionally ``indexed_until_ms`` and ``complete`` when only part of the feed
        is known yet; or simply the tuple ``(edges_ms, counts)``.
    build_index(on_progress=None, cancel=None), optional
        Learn the whole feed's alarm density (and seek checkpoints); run on a
        worker thread by the replay panel.
    """

    start_ms: int
    end_ms: int
    now_ms: int

    def advance_to(self, t_ms: int) -> object: ...

    def seek(self, t_ms: int) -> object: ...

    def alarm_density(self, n_bins: int) -> object: ...


@dataclass(frozen=True)
class Density:
    """An ``alarm_density`` answer read into plain arrays.

    ``counts`` has shape (4, n) with rows for levels I..IV; ``indexed_until_ms`` is
    how far the feed is known (None: all of it).
    """

    edges_ms: np.ndarray
    counts: np.ndarray
    indexed_until_ms: int | None = None
    complete: bool = True


def read_density(result) -> Density:
    """Read what ``alarm_density`` returned.

    Takes an object with ``edges_ms`` and ``counts`` (the replay's ``AlarmDensity``)
    or an ``(edges, counts)`` tuple; counts as a (4, n) or (n, 4) array or a
    {level: counts} mapping.
    """
    if hasattr(result, "edges_ms"):
        edges, counts = result.edges_ms, result.counts
        indexed = getattr(result, "indexed_until_ms", None)
        complete = bool(getattr(result, "complete", True))
    else:
        edges, counts = result
        indexed, complete = None, True
    edges = np.asarray(edges, dtype=np.float64)
    bins = len(edges) - 1
    if isinstance(counts, dict):
        counts = np.vstack([np.asarray(counts.get(level, np.zeros(bins)), dtype=np.float64) for level in (1, 2, 3, 4)])
    counts = np.asarray(counts, dtype=np.float64)
    if counts.shape == (bins, 4) and bins != 4:
        counts = counts.T
    if counts.shape != (4, bins):
        raise ValueError(f"alarm_density: counts of shape {counts.shape} do not match {bins} bins and 4 levels")
    return Density(edges, counts, None if complete or indexed is None else int(indexed), complete)


class ReplayController(QObject):
    """Plays a replay at a chosen speed without blocking the GUI thread.

    Signals
    -------
    time_changed(object): the feed clock moved (UTC epoch ms) and what the replay holds with it:
        views of its state re-read it. About 5 times a second while playing, and at once
        after a seek, a step, a pause or the end.
    clock_changed(object): the feed clock to show (UTC epoch ms): about 10 times a second
        while playing, and whenever ``time_changed`` is sent.
    playing_changed(bool): play or pause.
    speed_changed(float): the chosen speed (feed seconds per wall second).
    lagging_changed(bool): the replay could not keep up with the chosen speed, or caught up again.
    finished(): playback reached the end of the feed.
    provisional_changed(object): after a seek far beyond the replay's index, its
        ``provisional`` (what the state leaves out); None once the replay has
        settled on the exact state (``settle``, tried four times a second meanwhile).
    """

    time_changed = Signal(object)
    clock_changed = Signal(object)
    playing_changed = Signal(bool)
    speed_changed = Signal(float)
    lagging_changed = Signal(bool)
    finished = Signal()
    provisional_changed = Signal(object)

    def __init__(self, replay: ReplaySource, clock: Callable[[], float] = time.perf_counter,
                 interval_ms: int = TICK_INTERVAL_MS, budget_ms: float = WORK_BUDGET_MS, parent=None):
        super().__init__(parent)
        self.replay = replay
        self.clock = clock
        self.budget_s = budget_ms / 1000.0
        self._speed = 60.0
        self._playing = False
        self._lagging = False
        self._goal_ms: int | None = None  # a step target, reached as fast as the budget allows
        self._anchor_wall = 0.0
        self._anchor_feed = 0
        self._chunk_ms = float(FIRST_CHUNK_MS)
        self._effective_speed = 0.0
        self._behind_since: float | None = None
        self._on_time_since: float | None = None
        self._speed_samples: deque[tuple[float, int]] = deque()  # (wall, feed) over SPEED_WINDOW_S
        self._shown_ms: int | None = None  # the feed time last sent with clock_changed
        self._shown_wall = float("-inf")
        self._told_ms: int | None = None  # ... and with time_changed
        self._told_wall = float("-inf")
        # What telling the views cost lately, in the tick, and in the repaint after it.
        self._telling_cost_s = {"clock": 0.0, "state": 0.0}
        self._repaint_cost_s = {"clock": 0.0, "state": 0.0}
        self._probing: tuple[str, float] | None = None  # what was told, and when telling ended
        self._repainted = QTimer(self)
        self._repainted.setSingleShot(True)
        self._repainted.setInterval(0)  # runs once the event loop is idle: after the repaint
        self._repainted.timeout.connect(self._on_repainted)
        self.last_tick_s = 0.0  # GUI-thread time of the last tick, for benchmarks
        self.timer = QTimer(self)
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.interval_ms = interval_ms
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.tick)
        self._provisional = None  # what provisional_changed said last
        self._settle_timer = QTimer(self)
        self._settle_timer.setInterval(SETTLE_INTERVAL_MS)
        self._settle_timer.timeout.connect(self._try_settle)

    # --- state ----------------------------------------------------------
    @property
    def now_ms(self) -> int:
        return int(self.replay.now_ms)

    @property
    def start_ms(self) -> int:
        return int(self.replay.start_ms)

    @property
    def end_ms(self) -> int:
        return int(self.replay.end_ms)

    @property
    def playing(self) -> bool:
        return self._playing

    @property
    def speed(self) -> float:
        return self._speed

    @property
    def lagging(self) -> bool:
        return self._lagging

    @property
    def effective_speed(self) -> float:
        """Feed seconds per wall second over the last quarter second (below ``speed`` when lagging)."""
        return self._effective_speed

    @property
    def step_ms(self) -> int:
        """A step covers one second of playback at the chosen speed (at least one second of feed)."""
        return int(max(1.0, self._speed) * 1000)

    @property
    def at_end(self) -> bool:
        return self.now_ms >= self.end_ms

    # --- commands -------------------------------------------------------
    def play(self) -> None:
        if self._playing:
            return
        if self.at_end:
            self.seek(self.start_ms)
        self._goal_ms = None
        self._playing = True
        self._reanchor()
        self.timer.start()
        self.playing_changed.emit(True)

    def pause(self) -> None:
        self._goal_ms = None
        if not self._playing:
            return
        self._playing = False
        self.timer.stop()
        self._set_lagging(False)
        self._effective_speed = 0.0
        self._tell("state", at_once=True)
        self.playing_changed.emit(False)

    def toggle(self) -> None:
        if self._playing:
            self.pause()
        else:
            self.play()

    def set_speed(self, speed: float) -> None:
        speed = float(speed)
        if speed <= 0:
            raise ValueError(f"replay speed must be positive, got {speed}")
        if speed == self._speed:
            return
        self._speed = speed
        self._reanchor()
        self.speed_changed.emit(speed)

    def seek(self, t_ms: float) -> None:
        """Jump to ``t_ms`` (clamped to the feed's span); playing continues from there."""
        target = int(min(max(t_ms, self.start_ms), self.end_ms))
        self._goal_ms = None
        self.replay.seek(target)
        self._reanchor()
        self._follow_provisional()
        self._tell("state", at_once=True)

    @property
    def provisional(self):
        """The replay's provisional state after a far seek (None when exact, or for a replay without one)."""
        return getattr(self.replay, "provisional", None)

    def _follow_provisional(self) -> None:
        pending = self.provisional
        if pending is None:
            self._settle_timer.stop()
        elif not self._settle_timer.isActive():
            self._settle_timer.start()
        if pending != self._provisional:
            self._provisional = pending
            self.provisional_changed.emit(pending)

    def _try_settle(self) -> None:
        # The index grows on the reading thread of its child; the exact state is rebuilt here, on
        # the thread that owns the replay, once the index has reached the clock.
        if self.replay.settle():
            self._tell("state", at_once=True)
        self._follow_provisional()

    def jump_to_start(self) -> None:
        self.seek(self.start_ms)

    def jump_to_end(self) -> None:
        self.pause()
        self.seek(self.end_ms)

    def step_forward(self) -> None:
        """Pause and move one step on; a long step is applied over several ticks, never at once."""
        self.pause()
        self._goal_ms = min(self.now_ms + self.step_ms, self.end_ms)
        self.timer.start()
        self.tick()

    def step_back(self) -> None:
        self.pause()
        self.seek(self.now_ms - self.step_ms)

    # --- the tick -------------------------------------------------------
    def tick(self) -> None:
        """Advance the replay towards where the wall clock says it should be, within the budget."""
        if not self._playing and self._goal_ms is None:
            self.timer.stop()
            return
        started = self.clock()
        before = self.now_ms
        budget = self.budget_s
        due = None  # decided now: the budget is cut for what this tick will tell
        if self._goal_ms is not None:
            target = self._goal_ms
        else:
            target = min(self._anchor_feed + (started - self._anchor_wall) * 1000.0 * self._speed, self.end_ms)
            due = self._due(started)
            if due is not None:  # leave room for the views this tick tells, and their repaint
                budget -= self._telling_cost_s[due] + self._repaint_cost_s[due]
        reached = self._advance_within_budget(int(target), started, budget) if budget > 0 else before
        finished_at = self.clock()
        # Feed still to play: the next tick as soon as the event loop has run what waits (repaints,
        # input, timers already due); else at the next frame. Each tick is still one capped stretch.
        interval = BUSY_INTERVAL_MS if reached < target else self.interval_ms
        if self.timer.interval() != interval:
            self.timer.setInterval(interval)
        if self._goal_ms is not None:
            if reached >= self._goal_ms:
                self._goal_ms = None
                self.timer.stop()
                self._tell("state", at_once=True)
        else:
            self._pace(reached, int(target))
        if self._playing and reached >= self.end_ms:
            self.pause()
            self.finished.emit()
        elif due is not None and self._playing:
            self._tell(due)
        self.last_tick_s = max(finished_at, self.clock()) - started

    def _due(self, wall: float) -> str | None:
        """What a tick at ``wall`` tells: "state" (time_changed), "clock" (clock_changed only) or nothing."""
        if wall - self._told_wall >= STATE_INTERVAL_S:
            return "state"
        if wall - self._shown_wall >= CLOCK_INTERVAL_S:
            return "clock"
        return None

    def _tell(self, due: str, at_once: bool = False) -> None:
        """Send ``clock_changed``, and ``time_changed`` too for "state", for a feed time not sent yet.

        ``at_once`` (a seek, a step, a pause): send both whatever was sent before, learn nothing.
        Otherwise the next tell of this kind is due an interval from now, even if nothing moved.
        """
        now, wall = self.now_ms, self.clock()
        shown = at_once or now != self._shown_ms
        told = due == "state" and (at_once or now != self._told_ms)
        self._shown_wall = wall
        if due == "state":
            self._told_wall = wall
        if shown:
            self._shown_ms = now
            self.clock_changed.emit(now)
        if told:
            self._told_ms = now
            self.time_changed.emit(now)
        if at_once or not (shown or told):
            return
        done = self.clock()
        self._telling_cost_s[due] = _cost_estimate(self._telling_cost_s[due], done - wall)
        self._probing = (due, done)
        self._repainted.start()
        if self.timer.isActive():
            # Queued again after the repaint probe: timers due together run in the order they were
            # queued, and the next tick (at once when busy) must not run before the probe.
            self.timer.start()

    def _on_repainted(self) -> None:
        if self._probing is not None:
            due, told = self._probing
            self._probing = None
            self._repaint_cost_s[due] = _cost_estimate(self._repaint_cost_s[due], self.clock() - told)

    def _advance_within_budget(self, target: int, started: float, budget_s: float) -> int:
        """Chunks of feed up to ``target`` while the next one is expected to fit in the budget."""
        deadline = started + budget_s
        now = self.now_ms
        while now < target:
            chunk_end = int(min(target, now + self._chunk_ms))
            began = self.clock()
            self.replay.advance_to(chunk_end)
            spent = self.clock() - began
            self._learn_cost(chunk_end - now, spent)
            now = max(self.now_ms, chunk_end)  # never loop on a replay that did not move
            # The next chunk is sized to cost CHUNK_SHARE of the budget: start it only if that fits.
            if self.clock() + self.budget_s * CHUNK_SHARE > deadline:
                break
        return now

    def _learn_cost(self, feed_ms: float, spent_s: float) -> None:
        """Size the next chunk to cost about CHUNK_SHARE of the budget, from what this one cost."""
        if feed_ms <= 0:
            return
        if spent_s <= 0:
            self._chunk_ms = min(self._chunk_ms * 2, 86_400_000.0)
            return
        suggested = feed_ms * (self.budget_s * CHUNK_SHARE) / spent_s
        self._chunk_ms = max(MIN_CHUNK_MS, 0.5 * self._chunk_ms + 0.5 * suggested)

    def _pace(self, reached: int, target: int) -> None:
        wall = self.clock()
        behind_ms = target - reached
        # Hysteresis, so the clock's "lagging" does not flicker on a replay at the edge of keeping up.
        if behind_ms > 0:
            self._on_time_since = None
            self._behind_since = wall if self._behind_since is None else self._behind_since
            if wall - self._behind_since >= LAG_AFTER_S:
                self._set_lagging(True)
        else:
            self._behind_since = None
            self._on_time_since = wall if self._on_time_since is None else self._on_time_since
            if wall - self._on_time_since >= CAUGHT_UP_AFTER_S:
                self._set_lagging(False)
        if behind_ms > self._speed * 1000.0 * MAX_LAG_S:
            # Drop the backlog: from here the replay runs as fast as it can, not faster than asked.
            self._anchor_wall, self._anchor_feed = wall, reached
        samples = self._speed_samples
        samples.append((wall, reached))
        while len(samples) > 2 and wall - samples[1][0] >= SPEED_WINDOW_S:
            samples.popleft()
        (first_wall, first_feed), (last_wall, last_feed) = samples[0], samples[-1]
        if last_wall > first_wall:
            self._effective_speed = (last_feed - first_feed) / 1000.0 / (last_wall - first_wall)

    def _reanchor(self) -> None:
        self._anchor_wall = self.clock()
        self._anchor_feed = self.now_ms
        self._behind_since = self._on_time_since = None
        self._speed_samples = deque([(self._anchor_wall, self._anchor_feed)])
        self._effective_speed = 0.0

    def _set_lagging(self, lagging: bool) -> None:
        if lagging != self._lagging:
            self._lagging = lagging
            self.lagging_changed.emit(lagging)


def _cost_estimate(previous: float, cost: float) -> float:
    """A cost learnt from the last ones: up at once, down slowly (a cheap frame says little of the next)."""
    return cost if cost > previous else 0.8 * previous + 0.2 * cost


def freeze_loaded_objects() -> None:
    """Keep everything loaded so far out of the garbage collector's full passes.

    The city's layers, the sensor tables and the replay are hundreds of thousands of
    long-lived Python objects; a full collection walks them all, and in the middle of
    playback at 3600x one held the GUI thread for about 200 ms. Frozen, they are not
    walked; they are still freed by reference counting, only cycles among them wait
    for ``thaw_loaded_objects``.
    """
    gc.collect()
    gc.freeze()


def freeze_new_objects() -> None:
    """Keep what was made since the last freeze out of full collections too (no collection is run).

    A replay playing makes alarms, transitions, journal entries and list texts by the
    thousand; left in the oldest generation they made a full pass of ~25 ms every few
    seconds of 3600x playback. Frozen once a second (``gc.freeze`` only moves lists,
    it costs nothing), a full pass walks at most about a second's worth of them.
    """
    gc.freeze()


def thaw_loaded_objects() -> None:
    """Undo ``freeze_loaded_objects`` (a replay that is put away can then be fully collected)."""
    gc.unfreeze()
