"""Journal: 20,000 readings/s written while the calling thread never stalls for 10 ms.

Part 1 (paced): for 10 s of wall time, a loop like the GUI timer hands the
pipeline a batch every 100 ms (2,000 readings = 20,000 readings/s) for 100,000
sensors, with alarms and acknowledgements among them. It records how long each
``Journal.submit`` call and each whole ``Pipeline.process`` call takes on the
calling thread (the writer thread competes for the GIL meanwhile), and whether
the writer keeps up (backlog at the end). The same run without a journal gives
the baseline: what the calling thread costs anyway.

Part 2 (flat out): the writer's own throughput, readings submitted as fast as
possible and timed until committed.

Run: .venv/bin/python bench/bench_journal.py
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from console.model.journal import Journal  # noqa: E402
from console.model.pipeline import Pipeline  # noqa: E402
from console.model.readings import ReadingBatch  # noqa: E402
from console.model.rules import RuleSet  # noqa: E402
from console.model.sensors import SensorTable  # noqa: E402

SENSORS = 100_000
RATE_PER_S = 20_000
TICK_S = 0.1
DURATION_S = 10.0
STALL_LIMIT_MS = 10.0
T0 = 1_784_592_000_000


def build_table() -> SensorTable:
    rng = np.random.default_rng(7)
    ids = [f"GAS-{i:06d}" for i in range(SENSORS)]
    return SensorTable(
        ids,
        ["gas_lel"] * SENSORS,
        ["gas"] * SENSORS,
        x=rng.uniform(0, 40_000, SENSORS),
        y=rng.uniform(0, 40_000, SENSORS),
    )


def batch_at(rng, table: SensorTable, start_ms: int, n: int, span_ms: int) -> ReadingBatch:
    rows = rng.integers(0, SENSORS, n)
    # Mostly normal gas readings; one in a hundred sensors reads high.
    value = np.where(rows % 100 == 0, rng.uniform(0, 30, n), rng.uniform(0, 1, n))
    t = np.sort(start_ms + rng.integers(0, span_ms, n))
    return ReadingBatch(table.ids[rows], t, value, np.zeros(n, np.uint8), np.zeros(n, np.int64))


class TimedJournal(Journal):
    """A journal that times each submit on the calling thread."""

    submit_times_ms: list[float]

    def submit(self, entry):
        start = time.perf_counter()
        seq = super().submit(entry)
        self.submit_times_ms.append((time.perf_counter() - start) * 1000)
        return seq


def paced(folder: Path | None) -> np.ndarray:
    """Feed 20,000 readings/s at 10 Hz; returns the per-tick time of the calling thread (ms)."""
    table = build_table()
    journal = None
    if folder is not None:
        journal = TimedJournal(folder / "paced.sqlite")
        journal.submit_times_ms = []
    pipeline = Pipeline(table, RuleSet.load(), journal=journal)
    if journal is not None:
        journal.flush()
        journal.submit_times_ms.clear()
    rng = np.random.default_rng(1)
    per_tick = int(RATE_PER_S * TICK_S)
    process_ms = []
    ticks = int(DURATION_S / TICK_S)
    started = time.perf_counter()
    for tick in range(ticks):
        feed_ms = T0 + tick * int(TICK_S * 1000)
        batch = batch_at(rng, table, feed_ms, per_tick, int(TICK_S * 1000))
        begin = time.perf_counter()
        pipeline.process(batch, "bench", now_ms=feed_ms)
        unacked = [a.alarm_id for a in pipeline.book.active_alarms() if a.needs_ack][:20]
        if unacked:
            pipeline.book.acknowledge(unacked, "bench operator", feed_ms)
        process_ms.append((time.perf_counter() - begin) * 1000)
        # Sleep to the next tick, as a 10 Hz GUI timer would.
        next_tick = started + (tick + 1) * TICK_S
        time.sleep(max(0.0, next_tick - time.perf_counter()))
    wall = time.perf_counter() - started
    process = np.array(process_ms)
    readings = ticks * per_tick
    if journal is None:
        print(f"baseline without journal: {readings:,} readings in {wall:.1f} s; per tick (rules, book, ack) "
              f"median {np.median(process):.2f} ms, p99 {np.percentile(process, 99):.2f} ms, max {process.max():.2f} ms")
        return process
    backlog = journal.backlog
    flush_start = time.perf_counter()
    journal.flush()
    drain_s = time.perf_counter() - flush_start
    submits = np.array(journal.submit_times_ms)
    count = journal._reader.execute("SELECT count(*) FROM reading").fetchone()[0]
    print(f"with journal: {readings:,} readings in {wall:.1f} s ({readings / wall:,.0f}/s) for {SENSORS:,} sensors; "
          f"alarms {len(pipeline.book.alarms):,}, transactions {journal.commits}")
    print(f"  submit() on the calling thread: median {np.median(submits):.3f} ms, "
          f"max {submits.max():.3f} ms over {len(submits)} calls (limit {STALL_LIMIT_MS:.0f} ms) "
          f"-> {'ok' if submits.max() < STALL_LIMIT_MS else 'OVER'}")
    print(f"  per tick (rules, book, ack, snapshot, submit) while the writer runs: median {np.median(process):.2f} ms, "
          f"p99 {np.percentile(process, 99):.2f} ms, max {process.max():.2f} ms")
    print(f"  writer kept up: backlog at the end {backlog} entries, drained in {drain_s * 1000:.0f} ms; "
          f"readings in the journal {count:,} of {readings:,} (same sensor and time collapse into one)")
    pipeline.close()
    return process


def flat_out(folder: Path) -> None:
    table = build_table()
    journal = Journal(folder / "flat.sqlite")
    pipeline = Pipeline(table, RuleSet.load(), journal=journal)
    journal.flush()
    rng = np.random.default_rng(2)
    batches = [batch_at(rng, table, T0 + i * 1000, 20_000, 1000) for i in range(20)]
    start = time.perf_counter()
    for i, batch in enumerate(batches):
        pipeline.process(batch, "bench", now_ms=T0 + i * 1000)
    submitted = time.perf_counter() - start
    journal.flush()
    total = time.perf_counter() - start
    readings = sum(len(b) for b in batches)
    print(f"flat out: {readings:,} readings submitted in {submitted:.2f} s, committed after {total:.2f} s "
          f"-> writer {readings / total:,.0f} readings/s (with sensor states and alarms) "
          f"in {journal.commits} transactions")
    pipeline.close()


def main() -> int:
    paced(None)
    with tempfile.TemporaryDirectory() as folder:
        paced(Path(folder))
        flat_out(Path(folder))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
