"""Recorded feeds: scenario generation speed, then parse throughput (readings/s) and peak memory.

Generates a feed for the demo city (or 20,000 made-up sensors when the city is
absent) into a temporary folder, every sensor reporting every minute, then reads
it back in a fresh process so that the peak memory is the reader's own.

    python bench/bench_feeds.py               # 24 hours x ~20,000 sensors, ~29 million readings
    python bench/bench_feeds.py --hours 2     # a quicker look
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

CATALOG = REPO / "layers" / "demo" / "catalog.toml"


def made_up_sensors(n: int, seed: int = 0):
    """n sensors of every quantity spread over a 15 km x 12 km city."""
    import numpy as np

    from console.feeds.scenario.sensors import QUANTITIES, SensorSet

    rng = np.random.default_rng(seed)
    names = list(QUANTITIES)
    share = np.array([20, 6, 6, 10, 3, 2, 4, 5, 3, 3, 4, 1, 4, 1, 1, 1], dtype=float)
    quantity = rng.choice(names, n, p=share / share.sum()).astype(object)
    levels = np.array([QUANTITIES[q].levels for q in quantity], dtype=float)
    levels[quantity == "river_level"] = (24.5, 25.0, 26.2, 26.5)
    high = np.array([QUANTITIES[q].direction == "high" for q in quantity])
    ids = np.array([f"{q[:3].upper()}-{i:05d}" for i, q in enumerate(quantity)], dtype=object)
    asset = np.array([f"A-{i // 8}" for i in range(n)], dtype=object)
    blank = np.full(n, "", dtype=object)
    return SensorSet(ids, quantity, blank, asset, blank, rng.uniform(0, 15000, n), rng.uniform(0, 12000, n),
                     levels, high)


def read_only(path: str) -> None:
    """Child process: read the feed, print readings, seconds and peak memory."""
    from console.feeds.recorded import read_feed
    from console.model.readings import ReadingBatch

    began = time.perf_counter()
    reader = read_feed(path)
    readings = 0
    for event in reader:
        if isinstance(event, ReadingBatch):
            readings += len(event)
    seconds = time.perf_counter() - began
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{readings} {seconds:.3f} {peak_mb:.0f} {reader.problem_count} {reader.duplicates_dropped}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hours", type=float, default=24.0)
    parser.add_argument("--sensors", type=int, default=20_000, help="made-up sensors when the demo city is absent")
    parser.add_argument("--read", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.read:
        read_only(args.read)
        return 0
    from console.feeds.scenario import generate_scenario, load_sensors

    if CATALOG.is_file():
        sensors, where = load_sensors(CATALOG), "demo city"
    else:
        sensors, where = made_up_sensors(args.sensors), "made-up sensors"
    with tempfile.TemporaryDirectory() as folder:
        feed = Path(folder) / "bench.jsonl.gz"
        result = generate_scenario("rainstorm+gas-leak", sensors, feed, Path(folder) / "truth.json", seed=1,
                                   hours=args.hours)
        size_mb = feed.stat().st_size / 1e6
        print(f"generate: {result.readings:,} readings ({len(sensors):,} sensors of the {where} x {args.hours:g} h) "
              f"in {result.seconds:.1f} s = {result.readings / result.seconds:,.0f} readings/s, {size_mb:.0f} MB gzip")
        child = subprocess.run([sys.executable, __file__, "--read", str(feed)], capture_output=True, text=True,
                               check=True)
        readings, seconds, peak_mb, problems, duplicates = child.stdout.split()
        readings, seconds = int(readings), float(seconds)
        print(f"parse:    {readings:,} readings in {seconds:.1f} s = {readings / seconds:,.0f} readings/s, "
              f"peak memory {peak_mb} MB ({problems} problems, {duplicates} duplicate lines dropped)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
