"""The alarm rate: annunciation times kept in order and counted in a window."""

from __future__ import annotations

import bisect

__all__ = ["RATE_MEMORY_MS", "RATE_WINDOW_S", "AlarmRate", "SortedTimes"]

RATE_WINDOW_S = 600
# Annunciation times older than this (behind the newest) are forgotten.
RATE_MEMORY_MS = 3_600_000


class SortedTimes:
    """Times (ms) kept in order, counted in a window by bisection.

    The alarm rate is asked for several times a second while a flood adds thousands
    of annunciations an hour; counting them one by one grew with the flood.
    """

    def __init__(self, times=()):
        self._times = sorted(int(t) for t in times)
        self._head = 0  # times before it are forgotten

    def __len__(self) -> int:
        return len(self._times) - self._head

    @property
    def newest(self) -> int:
        return self._times[-1]

    def add(self, t_ms: int) -> None:
        if not self._times or t_ms >= self._times[-1]:
            self._times.append(t_ms)
        else:  # a late one (rare): keep the order
            bisect.insort(self._times, t_ms, lo=self._head)

    def forget_before(self, t_ms: int) -> None:
        self._head = bisect.bisect_left(self._times, t_ms, lo=self._head)
        if self._head > 4096 and self._head > len(self._times) // 2:
            del self._times[: self._head]
            self._head = 0

    def count(self, after_ms: int, until_ms: int) -> int:
        """How many times t with after_ms < t <= until_ms."""
        times, head = self._times, self._head
        return bisect.bisect_right(times, until_ms, lo=head) - bisect.bisect_right(times, after_ms, lo=head)

    def __iter__(self):
        return iter(self._times[self._head:])


class AlarmRate:
    """Annunciations of one book: what EEMUA 191 counts to tell a flood.

    The book adds one per transition that ``lifecycle.annunciates``; times more
    than ``RATE_MEMORY_MS`` behind the newest are forgotten.
    """

    def __init__(self, times=()):
        self.times = SortedTimes(times)

    def __len__(self) -> int:
        return len(self.times)

    @property
    def newest(self) -> int:
        return self.times.newest

    def __iter__(self):
        return iter(self.times)

    def add(self, t_ms: int, clock_ms: int) -> None:
        times = self.times
        times.add(int(t_ms))
        times.forget_before(max(times.newest, clock_ms) - RATE_MEMORY_MS)

    def count(self, now_ms: int, window_s: float = RATE_WINDOW_S) -> int:
        """Annunciations in the ``window_s`` up to ``now_ms``."""
        return self.times.count(now_ms - round(window_s * 1000), now_ms)
