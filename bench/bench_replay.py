"""Replay of the 24-hour demo-city feed: decoding, indexing, seeking and playing.

Uses the feed of bench_process.py (the scenario generator's 24-hour rainstorm +
gas leak for the demo city, ~28 million readings; generated on first use). Prints
the time to decode the feed into columns, to build the checkpoints and alarm
density (the indexing pass), the time of seeks to several moments (target: under
2 s each), how fast the clock advances in one-minute steps (what a 3600x replay
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

    # A seek before any indexing has to index up to its moment first.
    began = time.perf_counter()
    replay.seek(replay.start_ms + span_ms // 2)
    cold_s = time.perf_counter() - began
    began = time.perf_counter()
    replay.build_index()
    index_s = time.perf_counter() - began
    print(f"open:    {opened_s:.2f} s; first seek to the middle before indexing {cold_s:.1f} s; "
          f"indexing the rest {index_s:.1f} s ({len(replay.checkpoint_times)} checkpoints every "
          f"{replay.checkpoint_every_ms / 60_000:g} min, {replay.checkpoint_bytes / 1e6:.0f} MB)")
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
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"memory:  peak {peak_mb:.0f} MB in this process (columns, checkpoints, two tables and books)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
