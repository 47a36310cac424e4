"""`console process` end to end: a 24-hour feed of the demo city (~20,000 sensors, one reading a minute).

The feed comes from the scenario generator (rainstorm + gas leak, with its noise,
clock jitter, duplicates, offline reports and a CAP warning: the DESIGN.md JSON
Lines form, gzip), seed 1, written once into a folder under the system's temporary
directory and reused by later runs (and by bench_replay.py). `console process`
then runs on it as a subprocess with a fresh journal: reading, parsing, rules,
alarm book and journal, everything from start-up to the printed summary.

Printed: readings/s over the whole wall time, peak memory (the largest single
process from getrusage, and the sum of the process and its reading child sampled
every 50 ms), and where the time went (`console process --timings`).

    python bench/bench_process.py              # 24 h x ~20,000 sensors, ~28 million readings
    python bench/bench_process.py --hours 2    # a quicker look
    python bench/bench_process.py --feed F     # any recorded feed of the demo city
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

CATALOG = REPO / "layers" / "demo" / "catalog.toml"
TARGET_PER_S = 1_000_000
MEMORY_LIMIT_MB = 2048


def bench_feed(hours: float) -> tuple[Path, str]:
    """The benchmark feed for ``hours`` (generated on first use); and how it was made."""
    folder = Path(tempfile.gettempdir()) / "console-bench"
    folder.mkdir(exist_ok=True)
    feed = folder / f"demo-city-rainstorm-gas-leak-{hours:g}h-seed1.jsonl.gz"
    how = f"scenario generator, rainstorm+gas-leak, seed 1, {hours:g} h, demo city, every sensor every minute"
    if feed.is_file():
        return feed, how + f" (reused {feed})"
    from console.feeds.scenario import generate_scenario, load_sensors

    if not CATALOG.is_file():
        raise SystemExit("the demo city is missing: run `make city` first")
    began = time.perf_counter()
    partial = feed.with_name("partial-" + feed.name)  # still ending in .gz: the generator compresses by the name
    truth = folder / feed.name.replace(".jsonl.gz", ".truth.json")
    result = generate_scenario("rainstorm+gas-leak", load_sensors(CATALOG), partial, truth, seed=1, hours=hours)
    partial.replace(feed)
    print(f"generated {result.readings:,} readings in {time.perf_counter() - began:.0f} s "
          f"({feed.stat().st_size / 1e6:.0f} MB gzip)", flush=True)
    return feed, how


class TreeMemory:
    """Samples the resident memory of a process and its children (``/proc``), keeping the peak sum."""

    def __init__(self, pid: int, interval_s: float = 0.05):
        self.pid = pid
        self.interval_s = interval_s
        self.peak_mb = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _tree(self, pid: int) -> list[int]:
        pids = [pid]
        try:
            for task in Path(f"/proc/{pid}/task").iterdir():
                children = (task / "children").read_text().split()
                for child in children:
                    pids += self._tree(int(child))
        except OSError:
            pass
        return pids

    def _rss_mb(self, pid: int) -> float:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
        except OSError:
            pass
        return 0.0

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak_mb = max(self.peak_mb, sum(self._rss_mb(pid) for pid in self._tree(self.pid)))
            self._stop.wait(self.interval_s)

    def stop(self) -> float:
        self._stop.set()
        self._thread.join()
        return self.peak_mb


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hours", type=float, default=24.0)
    parser.add_argument("--feed", help="a recorded feed of the demo city instead of the generated one")
    args = parser.parse_args()
    feed, how = (Path(args.feed), "given") if args.feed else bench_feed(args.hours)
    print(f"feed: {feed.name} ({feed.stat().st_size / 1e6:.0f} MB): {how}")
    with tempfile.TemporaryDirectory() as folder:
        journal = Path(folder) / "journal.sqlite"
        command = [sys.executable, "-m", "console", "process", str(feed), "--journal", str(journal), "--json",
                   "--timings"]
        began = time.perf_counter()
        child = subprocess.Popen(command, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        memory = TreeMemory(child.pid)
        out, err = child.communicate()
        seconds = time.perf_counter() - began
        tree_peak_mb = memory.stop()
        journal_mb = journal.stat().st_size / 1e6 if journal.is_file() else 0.0
    if child.returncode != 0:
        print(err)
        return 1
    summary = json.loads(out)
    largest_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    readings = summary["readings"]
    rate = readings / seconds
    print(f"console process: {readings:,} readings, {summary['alarms']:,} alarms, {len(summary['incidents'])} "
          f"incidents, journal {journal_mb:.0f} MB")
    print(f"end to end:      {seconds:.1f} s = {rate:,.0f} readings/s (target {TARGET_PER_S:,}) -> "
          f"{'ok' if rate >= TARGET_PER_S else 'BELOW TARGET'}")
    print(f"peak memory:     {tree_peak_mb:.0f} MB for the process and its reading child together, "
          f"largest single process {largest_mb:.0f} MB (limit {MEMORY_LIMIT_MB} MB) -> "
          f"{'ok' if max(tree_peak_mb, largest_mb) < MEMORY_LIMIT_MB else 'OVER'}")
    print("where the time went (console process --timings):")
    for line in err.strip().splitlines():
        print(f"  {line.strip()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
