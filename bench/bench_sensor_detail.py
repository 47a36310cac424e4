"""Sensor detail: opening a sensor with 7 days of one-minute history in <= 300 ms.

Two journals are written by the console's own ``Journal`` writer: one where the
readings came in bulk (a day per transaction, kept as reading blocks, as
``console process`` writes them) and one where they came a minute at a time
(kept as rows, as a live console writes them), with a week of one-minute
readings for every sensor and a handled alarm on the sensor opened.

Figures, each the median (and worst) of several opens:

- reference: the bare journal reads the dock makes (``query_readings`` and
  ``sensor_alarm_events`` on a fresh read-only connection), in this process;
- open: from ``show_sensor`` to the history plotted (read on the worker thread,
  handed back, lines, bands and markers set) and the dock painted once;
- the longest time the GUI thread was blocked meanwhile (a 1 ms watchdog timer);
- the same with four sensors at once.

Run: .venv/bin/python bench/bench_sensor_detail.py
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from console.model.journal import Journal, JournalEntry  # noqa: E402
from console.model.journal.queries import query_readings, sensor_alarm_events  # noqa: E402
from console.model.journal.schema import connect_reader  # noqa: E402
from console.model.sensors import SensorTable  # noqa: E402

T0 = 1_784_592_000_000
MINUTE = 60_000
DAYS = 7
TARGET_MS = 300.0
REPEATS = 7
LAYOUTS = {"blocks (bulk, a day per transaction)": 300, "rows (live, a minute per transaction)": 60}


def line(name: str, value: float, unit: str, target: float | None = None) -> None:
    verdict = f"  target <= {target:g} {unit}: {'met' if value <= target else 'NOT MET'}" if target is not None else ""
    print(f"{name:<66} {value:9.1f} {unit}{verdict}", flush=True)


def build_table(n: int) -> SensorTable:
    ids = [f"GAS-{i:05d}" for i in range(n)]
    rng = np.random.default_rng(3)
    return SensorTable(ids, ["gas_lel"] * n, ["gas"] * n, names=[f"燃气井{i}" for i in range(n)],
                       units=["%LEL"] * n, owners=["市燃气集团"] * n, districts=["江北区"] * n,
                       x=rng.uniform(12.70e6, 12.74e6, n), y=rng.uniform(3.56e6, 3.58e6, n))


def write_journal(path: Path, table: SensorTable, minutes_per_entry: int) -> int:
    """A week of one-minute readings of every sensor, ``minutes_per_entry`` at a time; returns the count."""
    n = len(table)
    journal = Journal(path, synchronous="NORMAL", commit_interval_s=0.0 if minutes_per_entry > 1 else 0.05)
    journal.bind(table)
    rng = np.random.default_rng(11)
    total_minutes = DAYS * 1440
    rows = np.arange(n)
    for first in range(0, total_minutes, minutes_per_entry):
        minutes = np.arange(first, min(first + minutes_per_entry, total_minutes))
        r = np.tile(rows, len(minutes))
        t = T0 + np.repeat(minutes, n).astype(np.int64) * MINUTE
        order = np.lexsort((t, r))  # a bulk batch comes sorted by sensor and time
        values = rng.uniform(0.0, 2.0, len(r))
        journal.submit(JournalEntry(readings=(r[order], t[order], values[order], np.zeros(len(r), np.uint8))))
        if minutes_per_entry == 1 and first % 60 == 59:
            journal.flush(timeout=60)  # live-sized transactions: the writer never gathers a block
    journal.flush(timeout=120)
    journal.close()
    return n * total_minutes


def median_max(values: list[float]) -> tuple[float, float]:
    return statistics.median(values), max(values)


def main() -> int:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from console.ui.sensor_detail import SensorDetailPanel

    app = QApplication.instance() or QApplication([])
    folder = Path(tempfile.mkdtemp(prefix="bench_detail_"))
    for layout, n in LAYOUTS.items():
        table = build_table(n)
        path = folder / f"{layout.split()[0]}.sqlite"
        started = time.perf_counter()
        count = write_journal(path, table, 1440 if layout.startswith("blocks") else 1)
        print(f"\n{layout}: {n} sensors x {DAYS} days x 1440 = {count:,} readings, "
              f"{path.stat().st_size / 1e6:.0f} MB, written in {time.perf_counter() - started:.1f} s", flush=True)
        start_ms, end_ms = T0, T0 + DAYS * 1440 * MINUTE
        bare = []
        for repeat in range(REPEATS):
            sensor_id = str(table.ids[repeat % n])
            began = time.perf_counter()
            db = connect_reader(path)
            t, _v, _q = query_readings(db, sensor_id, end_ms - DAYS * 1440 * MINUTE, None)
            sensor_alarm_events(db, sensor_id, start_ms, None)
            db.close()
            bare.append((time.perf_counter() - began) * 1000)
            assert len(t) == DAYS * 1440, len(t)
        line("reference: bare journal reads of one sensor (7 days)", *median_max(bare)[:1], "ms")
        line("reference: worst of them", median_max(bare)[1], "ms")

        panel = SensorDetailPanel(interval_ms=0)
        panel.resize(760, 640)
        panel.show()
        panel.bind(table, None, path, lambda end_ms=end_ms: end_ms)
        for sensors in (1, 4):
            opens, blocks = [], []
            for repeat in range(REPEATS):
                rows = [(repeat * 4 + k) % n for k in range(sensors)]
                gaps = []
                last = [time.perf_counter()]

                def watch(gaps=gaps, last=last) -> None:
                    now = time.perf_counter()
                    gaps.append(now - last[0])
                    last[0] = now

                watchdog = QTimer()
                watchdog.setInterval(1)
                watchdog.timeout.connect(watch)
                watchdog.start()
                app.processEvents()
                began = time.perf_counter()
                last[0] = began
                panel.show_sensor(rows[0])
                for row in rows[1:]:
                    panel.add_sensor(row)
                while panel.loading:
                    app.processEvents()
                panel.repaint()
                app.processEvents()
                opens.append((time.perf_counter() - began) * 1000)
                watchdog.stop()
                blocks.append(max(gaps, default=0.0) * 1000)
                plotted = [len(s.t_ms) for s in panel.plot.series.values()]
                assert plotted == [DAYS * 1440] * sensors, plotted
                assert not panel.message, panel.message
            label = "one sensor" if sensors == 1 else "four sensors"
            line(f"open {label}: show_sensor to plotted and painted (median)", median_max(opens)[0], "ms",
                 TARGET_MS if sensors == 1 else None)
            line(f"open {label}: worst of {REPEATS}", median_max(opens)[1], "ms")
            line(f"open {label}: longest GUI-thread block meanwhile (median)", median_max(blocks)[0], "ms")
        panel.close_reads()
        panel.deleteLater()
        app.processEvents()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
