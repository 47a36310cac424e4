"""The alarm book's hand-written parts against library ones, side by side in one run.

1. Alarm rate: annunciation times kept in order and counted in a 10-minute
   window (``console.model.alarms.rate.SortedTimes``, bisection over a list)
   against ``sortedcontainers.SortedList``. A flood adds 20,000 annunciations,
   a few late; after each the rate is asked for as the alarm pane does.
2. Incident neighbourhood: the recent alarms near a new alarm of the same family
   (``console.model.alarms.incidents.IncidentGrid``, a dict of grid cells)
   against shapely's ``STRtree``. An STRtree cannot take points one by one, so
   it is rebuilt from the recent alarms when a new alarm asks (a grid needs no rebuild).

Both candidates must give the same answers; the figure is operations per second
and the ratio library / hand-written (above 1: the library is faster).

Run: .venv/bin/python bench/bench_book_structures.py
"""

from __future__ import annotations

import math
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from console.model.alarms.incidents import IncidentGrid  # noqa: E402
from console.model.alarms.rate import RATE_MEMORY_MS, SortedTimes  # noqa: E402

ANNUNCIATIONS = 20_000
QUERIES_PER_ADD = 3
ALARMS = 4_000
DISTANCE_M = 500.0
WINDOW_MS = 600_000
REPEATS = 3


class SortedListTimes:
    """``SortedTimes``' interface on ``sortedcontainers.SortedList``."""

    def __init__(self):
        from sortedcontainers import SortedList

        self._times = SortedList()

    def add(self, t_ms: int) -> None:
        self._times.add(t_ms)

    def forget_before(self, t_ms: int) -> None:
        del self._times[: self._times.bisect_left(t_ms)]

    @property
    def newest(self) -> int:
        return self._times[-1]

    def count(self, after_ms: int, until_ms: int) -> int:
        return self._times.bisect_right(until_ms) - self._times.bisect_right(after_ms)


class TreeNeighbourhood:
    """``IncidentGrid``'s interface on shapely's STRtree, rebuilt when positions were added."""

    def __init__(self, distance_m: float, window_ms: int):
        self.distance_m, self.window_ms = distance_m, window_ms
        self._entries: dict[str, list[tuple[float, float, int, int]]] = {}
        self._trees: dict[str, tuple] = {}

    def nearest(self, family: str, x: float, y: float, scale: float, t_ms: int) -> int | None:
        import shapely

        entries = self._entries.get(family)
        if not entries:
            return None
        while entries and t_ms - entries[0][2] > self.window_ms:
            entries.pop(0)
            self._trees.pop(family, None)
        if not entries:
            return None
        tree = self._trees.get(family)
        if tree is None:
            xy = np.array([(e[0], e[1]) for e in entries])
            tree = (shapely.STRtree(shapely.points(xy)), xy)
            self._trees[family] = tree
        strtree, xy = tree
        found = strtree.query(shapely.Point(x, y), predicate="dwithin", distance=self.distance_m / scale)
        best, best_distance = None, math.inf
        for index in sorted(found.tolist()):
            distance = math.hypot(xy[index, 0] - x, xy[index, 1] - y) * scale
            if distance <= self.distance_m and distance < best_distance:
                best, best_distance = entries[index][3], distance
        return best

    def remember(self, incident_id: int, family: str, x: float, y: float, t_ms: int) -> None:
        self._entries.setdefault(family, []).append((x, y, t_ms, incident_id))
        self._trees.pop(family, None)


def annunciation_times(rng: np.random.Generator) -> list[int]:
    # A flood: one annunciation every ~0.9 s on average, 2 % arriving up to a minute late.
    t = np.cumsum(rng.exponential(900, ANNUNCIATIONS)).astype(np.int64)
    late = rng.random(ANNUNCIATIONS) < 0.02
    t[late] -= rng.integers(0, 60_000, int(late.sum()))
    return t.tolist()


def run_rate(times_class, times: list[int]) -> tuple[float, list[int]]:
    kept = times_class()
    counts = []
    start = time.perf_counter()
    newest = 0
    for t in times:
        kept.add(t)
        newest = max(newest, t)
        kept.forget_before(newest - RATE_MEMORY_MS)
        for _ in range(QUERIES_PER_ADD):
            counts.append(kept.count(newest - 600_000, newest))
    return time.perf_counter() - start, counts


def alarm_positions(rng: np.random.Generator):
    # Alarms in a few hot spots of a 40 km city, three families, raised over an hour.
    centres = rng.uniform(0, 40_000, (30, 2))
    pick = rng.integers(0, len(centres), ALARMS)
    xy = centres[pick] + rng.normal(0, 400, (ALARMS, 2))
    t = np.sort(rng.integers(0, 3_600_000, ALARMS))
    family = np.array(["lifeline", "flood", "hazmat"], dtype=object)[rng.integers(0, 3, ALARMS)]
    return xy, t, family


def run_neighbourhood(make, xy, t, family) -> tuple[float, list[int]]:
    finder = make()
    incidents = []
    next_incident = 1
    start = time.perf_counter()
    for i in range(len(t)):
        x, y = float(xy[i, 0]), float(xy[i, 1])
        found = finder.nearest(family[i], x, y, 0.77, int(t[i]))
        if found is None:
            found, next_incident = next_incident, next_incident + 1
        finder.remember(found, family[i], x, y, int(t[i]))
        incidents.append(found)
    return time.perf_counter() - start, incidents


def best_of(run, *args):
    results = [run(*args) for _ in range(REPEATS)]
    return min(r[0] for r in results), results[0][1]


def main() -> int:
    rng = np.random.default_rng(2026)
    times = annunciation_times(rng)
    ours_s, ours = best_of(run_rate, SortedTimes, times)
    lib_s, lib = best_of(run_rate, SortedListTimes, times)
    assert ours == lib, "the two alarm-rate counters disagree"
    operations = len(times) * (QUERIES_PER_ADD + 2)
    print(f"alarm rate, {len(times):,} annunciations, {QUERIES_PER_ADD} counts each (best of {REPEATS}):")
    print(f"  SortedTimes (bisect on a list): {operations / ours_s:12,.0f} ops/s")
    print(f"  sortedcontainers.SortedList:    {operations / lib_s:12,.0f} ops/s")
    print(f"  ratio library / ours: {ours_s / lib_s:.2f} -> keep {'SortedList' if lib_s < ours_s else 'SortedTimes'}")

    xy, t, family = alarm_positions(rng)
    scales = np.array([0.77])
    ours_s, ours = best_of(run_neighbourhood, lambda: IncidentGrid(DISTANCE_M, WINDOW_MS, scales), xy, t, family)
    lib_s, lib = best_of(run_neighbourhood, lambda: TreeNeighbourhood(DISTANCE_M, WINDOW_MS), xy, t, family)
    assert ours == lib, "the two neighbourhood searches group alarms differently"
    print(f"incident neighbourhood, {len(t):,} alarms, {len(set(ours)):,} incidents (best of {REPEATS}):")
    print(f"  IncidentGrid (grid cells):  {len(t) / ours_s:12,.0f} alarms/s")
    print(f"  shapely STRtree (rebuilt):  {len(t) / lib_s:12,.0f} alarms/s")
    print(f"  ratio library / ours: {ours_s / lib_s:.2f} -> keep {'STRtree' if lib_s < ours_s else 'IncidentGrid'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
