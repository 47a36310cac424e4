"""Replay of the 24-hour demo-city feed: decoding, indexing, seeking and playing.

Uses the feed of bench_process.py (the scenario generator's 24-hour rainstorm +
gas leak for the demo city, ~28 million readings; generated on first use). Prints
the time to decode the feed into columns; first seeks into parts not yet indexed
while the indexing child works (target: under 2 s; one far beyond what the child
has reached gives a provisional view, and the bench also prints how long until
the exact state is there), beside the old way (indexing in this process up to
the moment); how long the child takes to index the whole
feed; the time of seeks to several moments once indexed (target: under 2 s
each), how fast the clock advances in one-minute steps (what a 3600x replay
asks for every frame), and the memory held.

    python bench/bench_replay.py              # 24 h x ~20,000 sensors
    python bench/bench_replay.py --hours 2    # a quicker look
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from bench_process import bench_feed  # noqa: E402

SEEK_TARGET_S = 2.0
MINUTE_MS = 60_000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hours", type=float, default=24.0)
    args = parser.parse_args()
    feed, how = bench_feed(args.hours)
    print(f"feed: {feed.name}: {how}")

    from console.commands.process import load_sensor_layers
    from console.feeds.replay import Replay, decode_feed
    from console.model.sensors import SensorTable

    table = SensorTable.from_layers(load_sensor_layers(None, None))
    began = time.perf_counter()
    columns = decode_feed(feed, table)
    decoded_s = time.perf_counter() - began
    print(f"decode:  {len(columns):,} readings of {len(table):,} sensors in {decoded_s:.1f} s "
          f"({len(columns) / decoded_s:,.0f} readings/s), columns {columns.nbytes / 1e6:.0f} MB")

    began = time.perf_counter()
    replay = Replay(columns, table)
    opened_s = time.perf_counter() - began
    span_ms = replay.end_ms - replay.start_ms

    # The reference, the old way: a seek with no index indexes up to its moment in this process first.
    reference = Replay(columns, table)
    began = time.perf_counter()
    reference.seek(reference.start_ms + span_ms // 2)
    cold_s = time.perf_counter() - began
    del reference
    print(f"open:    {opened_s:.2f} s; reference: first seek to the middle, indexing in this process up to it: "
          f"{cold_s:.1f} s")

    # The child indexes from the start; seeks meanwhile start from the nearest checkpoint it has sent.
    began = time.perf_counter()
    replay.index_in_background()
    first_seeks = []
    for label, ahead_ms in (("1 h beyond", 3_600_000), ("15 min beyond", 900_000)):
        while replay.indexed_until_ms < replay.start_ms + span_ms * (0.25 if not first_seeks else 0.5):
            time.sleep(0.05)
        frontier = replay.indexed_until_ms
        seek_began = time.perf_counter()
        summary = replay.seek(frontier + ahead_ms)
        seconds = time.perf_counter() - seek_began
        first_seeks.append(seconds)
        print(f"first seek {label} what the child had indexed ({(frontier - replay.start_ms) / 3_600_000:.1f} h): "
              f"{seconds:.2f} s ({summary.readings:,} readings played) -> "
              f"{'ok' if seconds < SEEK_TARGET_S else 'OVER TARGET'} (target {SEEK_TARGET_S:g} s)")
    frontier = replay.indexed_until_ms
    far_s = far_seek(replay, replay.end_ms - 3_600_000,
                     f"to 23:00 with the child at {(frontier - replay.start_ms) / 3_600_000:.1f} h")
    first_seeks.append(far_s)
    while replay.indexed_until_ms < replay.end_ms and replay.index_error is None:
        time.sleep(0.05)
    index_s = time.perf_counter() - began
    if replay.index_error:
        print(f"the indexing child failed: {replay.index_error}")
        return 1
    print(f"index:   the child indexed the whole feed in {index_s:.1f} s, seeks included "
          f"({len(replay.checkpoint_times)} checkpoints every {replay.checkpoint_every_ms / 60_000:g} min, "
          f"{replay.checkpoint_bytes / 1e6:.0f} MB)")
    density = replay.alarm_density(200)
    print(f"density: {int(density.counts.sum()):,} alarms raised in 200 bins, complete: {density.complete}")

    seeks = []
    for share in (0.1, 0.9, 0.5, 0.25, 1.0, 0.0, 0.73, 0.42):
        moment = replay.start_ms + int(span_ms * share) + 37_000
        began = time.perf_counter()
        summary = replay.seek(moment)
        seconds = time.perf_counter() - began
        seeks.append(seconds)
        print(f"seek to {share:>4.0%} of the feed: {seconds:.2f} s ({summary.readings:,} readings replayed from "
              f"its checkpoint, {len(replay.book.alarms):,} alarms in the book)")
    worst = max(seeks)
    print(f"seeks:   median {statistics.median(seeks):.2f} s, worst {worst:.2f} s (target {SEEK_TARGET_S:g} s) -> "
          f"{'ok' if worst < SEEK_TARGET_S else 'OVER TARGET'}")

    replay.seek(replay.start_ms + span_ms // 3)
    steps, readings = [], 0
    for _ in range(min(120, int(span_ms / MINUTE_MS) // 3)):
        began = time.perf_counter()
        readings += replay.advance_to(replay.now_ms + MINUTE_MS).readings
        steps.append(time.perf_counter() - began)
    total = sum(steps)
    print(f"advance: {len(steps)} one-minute steps (3600x at 60 frames/s): median {statistics.median(steps) * 1000:.1f} "
          f"ms, worst {max(steps) * 1000:.1f} ms per step; {readings / total:,.0f} readings/s")
    del replay, columns
    drill_open(feed, table)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    child_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"memory:  peak {peak_mb:.0f} MB in this process (columns, checkpoints, two tables and books), "
          f"{child_mb:.0f} MB in the largest child (the reading child, or the indexing child with its copy "
          f"of the columns)")
    return 0


def far_seek(replay, t_ms: int, label: str) -> float:
    """A first seek; when provisional, the wait until the replay settles on the exact state. Returns the seek's time."""
    began = time.perf_counter()
    summary = replay.seek(t_ms)
    seconds = time.perf_counter() - began
    verdict = f"{'ok' if seconds < SEEK_TARGET_S else 'OVER TARGET'} (target {SEEK_TARGET_S:g} s)"
    if not summary.provisional:
        print(f"first seek {label}: {seconds:.2f} s, exact ({summary.readings:,} readings played) -> {verdict}")
        return seconds
    gap = replay.provisional
    print(f"first seek {label}: provisional view in {seconds:.2f} s ({summary.readings:,} readings played: the "
          f"checkpoint, then the last {replay.warmup_ms / 3_600_000:g} h; "
          f"{(gap.gap_to_ms - gap.gap_from_ms) / 3_600_000:.1f} h jumped over) -> {verdict}")
    settle_s = 0.0
    while True:
        tried = time.perf_counter()
        settled = replay.settle()
        settle_s = time.perf_counter() - tried
        if settled or replay.index_error:
            break
        time.sleep(0.05)
    waited = time.perf_counter() - began
    print(f"         exact state {waited:.1f} s after the seek, when the child's index reached the moment "
          f"(the old way played all of it here, blocking); rebuilding it there took {settle_s:.2f} s")
    return seconds


def drill_open(feed, table) -> None:
    """As a drill opens a feed: indexed by a child while it is decoded; then first seeks far into it."""
    from console.feeds.replay import Replay

    began = time.perf_counter()
    replay = Replay(feed, table, index_while_decoding=True)
    opened = time.perf_counter()
    opened_s = opened - began
    span_ms = replay.end_ms - replay.start_ms
    share = (replay.indexed_until_ms - replay.start_ms) / span_ms
    print(f"drill:   decoded with the child indexing meanwhile in {opened_s:.1f} s; indexed at open: {share:.0%}")
    worst = 0.0
    for share in (0.96, 0.5, 0.2):
        frontier = replay.indexed_until_ms
        seconds = far_seek(replay, replay.start_ms + int(span_ms * share) + 37_000,
                           f"to {share:>4.0%} with the child at {(frontier - replay.start_ms) / span_ms:.0%}")
        worst = max(worst, seconds)
    print(f"drill:   worst first seek {worst:.2f} s (target {SEEK_TARGET_S:g} s) -> "
          f"{'ok' if worst < SEEK_TARGET_S else 'OVER TARGET'}")
    while replay.indexed_until_ms < replay.end_ms and replay.index_error is None:
        time.sleep(0.05)
    print(f"drill:   index complete {time.perf_counter() - opened:.1f} s after the open"
          + (f" (the child failed: {replay.index_error})" if replay.index_error else ""))
    replay.close()


if __name__ == "__main__":
    raise SystemExit(main())
