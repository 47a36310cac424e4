"""Heavy ingest into a journal until killed (run by test_journal_crash.py in a subprocess).

Prints, one line each, what the test needs to check after the kill:
``batch K SEQ N T_START T_END`` when batch K (N readings between the times) was
submitted as entry SEQ; ``ack SEQ ID...`` when alarms were acknowledged in entry
SEQ; ``committed SEQ`` from the journal's writer thread after each commit.
"""

from __future__ import annotations

import sys
import threading
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from console.model.journal import Journal  # noqa: E402
from console.model.pipeline import Pipeline  # noqa: E402
from console.model.readings import ReadingBatch  # noqa: E402
from console.model.rules import RuleSet  # noqa: E402
from console.model.sensors import SensorTable  # noqa: E402

SENSORS = 10_000
PER_BATCH = 5_000
T0 = 1_784_592_000_000
RULES = '[quantity.gas_lel]\ndirection = "high"\nlevels = [5, 10, 25, 50]\ndelay_off_s = 0\n'
_lock = threading.Lock()


def say(text: str) -> None:
    with _lock:
        sys.stdout.write(text + "\n")
        sys.stdout.flush()


def main(path: str) -> None:
    ids = [f"GAS-{i:05d}" for i in range(SENSORS)]
    table = SensorTable(ids, ["gas_lel"] * SENSORS, ["gas"] * SENSORS, x=np.arange(SENSORS) * 1000.0, y=np.zeros(SENSORS))
    journal = Journal(path, commit_interval_s=0.02, on_commit=lambda seq: say(f"committed {seq}"))
    pipeline = Pipeline(table, RuleSet.from_text(RULES, "crash rules"), journal=journal)
    rng = np.random.default_rng(3)
    high = np.zeros(SENSORS, dtype=bool)
    k = 0
    while True:
        # Fifty more sensors go high and stay high: their alarms are raised once and never change level.
        low = np.flatnonzero(~high)
        high[rng.choice(low, min(50, len(low)), replace=False)] = True
        rows = rng.integers(0, SENSORS, PER_BATCH)
        start = T0 + k * PER_BATCH
        t = start + np.arange(PER_BATCH)  # one reading per millisecond: unique times
        value = np.where(high[rows], 30.0, rng.uniform(0, 1, PER_BATCH))
        readings = ReadingBatch(table.ids[rows], t, value, np.zeros(PER_BATCH, np.uint8), np.zeros(PER_BATCH, np.int64))
        pipeline.process(readings, "crash feed", now_ms=int(t[-1]))
        say(f"batch {k} {journal.submitted_seq} {PER_BATCH} {start} {int(t[-1])}")
        unacked = [a.alarm_id for a in pipeline.book.open_alarms() if a.needs_ack]
        if unacked:
            pipeline.book.acknowledge(unacked, "night shift", int(t[-1]))
            say(f"ack {journal.submitted_seq} {' '.join(map(str, unacked))}")
        k += 1


if __name__ == "__main__":
    main(sys.argv[1])
