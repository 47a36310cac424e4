"""A tiny real replay for the replay UI's tests and benchmark: a feed clock and alarm counts, no feed.

It follows the ``console.ui.replay.ReplaySource`` protocol. ``cost_s_per_feed_s``
makes ``advance_to`` cost wall time on a simulated clock (``SimulatedClock``), so
tests can see how the controller behaves with a replay slower than the speed asked.
"""

from __future__ import annotations

import numpy as np

from console.feeds.replay import AlarmDensity


class SimulatedClock:
    """Wall time that moves only when told to (seconds, like ``time.perf_counter``)."""

    def __init__(self, start_s: float = 1000.0):
        self.now_s = start_s

    def __call__(self) -> float:
        return self.now_s

    def advance(self, seconds: float) -> None:
        self.now_s += seconds


class StandInReplay:
    """A replay over ``[start_ms, end_ms]`` whose alarms are given per level as event times."""

    def __init__(self, start_ms: int, end_ms: int, alarm_times_ms: dict[int, list[int]] | None = None,
                 clock: SimulatedClock | None = None, cost_s_per_feed_s: float = 0.0):
        self.start_ms = int(start_ms)
        self.end_ms = int(end_ms)
        self.now_ms = self.start_ms
        self.alarm_times_ms = {level: np.asarray(alarm_times_ms.get(level, []) if alarm_times_ms else [],
                                                 dtype=np.int64) for level in (1, 2, 3, 4)}
        self.clock = clock
        self.cost_s_per_feed_s = cost_s_per_feed_s
        self.advanced_ms = 0  # feed time applied by advance_to, in total
        self.advance_calls = 0
        self.seeks: list[int] = []
        self.indexed_until_ms: int | None = None  # how far the alarms are known; None: all of them

    def advance_to(self, t_ms: int) -> None:
        if t_ms < self.now_ms:
            raise ValueError(f"advance_to({t_ms}) is before the feed clock {self.now_ms}; seek instead")
        t_ms = min(int(t_ms), self.end_ms)
        if self.clock is not None:
            self.clock.advance((t_ms - self.now_ms) / 1000 * self.cost_s_per_feed_s)
        self.advanced_ms += t_ms - self.now_ms
        self.advance_calls += 1
        self.now_ms = t_ms

    def seek(self, t_ms: int) -> None:
        self.now_ms = int(min(max(t_ms, self.start_ms), self.end_ms))
        self.seeks.append(self.now_ms)

    def alarm_density(self, n_bins: int) -> AlarmDensity:
        """Alarms per bin and level, as far as ``indexed_until_ms`` (the whole feed by default)."""
        edges = np.linspace(self.start_ms, self.end_ms, n_bins + 1)
        known = self.end_ms if self.indexed_until_ms is None else self.indexed_until_ms
        counts = np.vstack([np.histogram(times[times <= known], bins=edges)[0]
                            for times in (self.alarm_times_ms[level] for level in (1, 2, 3, 4))])
        return AlarmDensity(edges.astype(np.int64), counts, known, known >= self.end_ms)


def storm_replay(start_ms: int = 1_784_563_200_000, hours: float = 6.0, seed: int = 4, **options) -> StandInReplay:
    """Six hours with a plausible shape: scattered level IV alarms, a storm peak of III/II, a few I."""
    rng = np.random.default_rng(seed)
    span = int(hours * 3_600_000)
    peak = start_ms + span * 0.55
    times = {
        4: rng.uniform(start_ms, start_ms + span, 260),
        3: rng.normal(peak, span * 0.12, 180),
        2: rng.normal(peak, span * 0.07, 70),
        1: rng.normal(peak + span * 0.05, span * 0.03, 14),
    }
    return StandInReplay(start_ms, start_ms + span, {k: v.astype(np.int64).tolist() for k, v in times.items()},
                         **options)
