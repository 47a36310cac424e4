"""The warning pane alone: 5,000 open alarms, sorted, refreshed, repainted, filtered.

The same sensors, rules and alarm load as ``bench_ui_live.py`` (a pool of 5,000
sensors among 100,000 that keep an open alarm each, 200 state changes per
100 ms), but the pane is timed on its own, without the map, and each figure is
the median of many repetitions, so that two versions of the pane can be
compared on a busy machine.

Figures:
- sorting the 5,000 open alarms by each column, both ways, with the list's repaint;
- the pane's refresh after 200 state changes (what its 250 ms timer does);
- one repaint of the list; the free-text filter set and cleared.

Run: .venv/bin/python bench/bench_ui_pane.py
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from bench_ui_live import RULES, T0, TICK_MS, Load, line, sensor_layer  # noqa: E402

WARM_UP_TICKS = 60
SORT_ROUNDS = 5
REFRESH_TICKS = 100
REPAINTS = 50
FILTER_ROUNDS = 10


def main() -> None:
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    from console.model.pipeline import Pipeline
    from console.model.rules import RuleSet
    from console.model.sensors import SensorTable
    from console.ui.alarm_pane import AlarmPane, Column
    from console.ui.app import application

    app = application("en")
    layer, flood = sensor_layer()
    table = SensorTable.from_layers([layer])
    pipeline = Pipeline(table, RuleSet.from_text(RULES, "bench rules"))
    pane = AlarmPane(interval_ms=0)  # refreshed by the bench
    pane.resize(1900, 400)
    pane.operator = "bench"
    pane.clock = lambda: pipeline.book.clock_ms
    pane.bind(pipeline.book, table, sign=pipeline.engine.sign)
    pane.state_filter.setCurrentIndex(pane.state_filter.findData("all"))
    pane.show()
    load = Load(flood)
    t = T0
    pipeline.process(load.first_alarms(t), "bench", t)
    pane.refresh()
    for _ in range(WARM_UP_TICKS):
        t += TICK_MS
        pipeline.process(load.batch(t), "bench", t)
        pane.refresh()
        app.processEvents()
    rows = pane.model.rowCount()
    open_alarms = len(pipeline.book.open_alarms())
    print(f"pane 1900x400, {open_alarms:,} open alarms, {rows:,} lines", flush=True)
    median = statistics.median

    times, per_column = [], {}
    for _ in range(SORT_ROUNDS):
        for column in Column:
            for order in (Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder):
                start = time.perf_counter()
                pane.view.sortByColumn(column, order)
                pane.view.viewport().repaint()
                elapsed = (time.perf_counter() - start) * 1e3
                times.append(elapsed)
                per_column.setdefault(column, []).append(elapsed)
    line(f"sort {open_alarms:,} open alarms by a column, with repaint (median of {len(times)})", median(times), "ms")
    slowest = max(per_column, key=lambda c: median(per_column[c]))
    line(f"  slowest column ({slowest.name.lower()}, median of {len(per_column[slowest])})",
         median(per_column[slowest]), "ms")
    pane.view.sortByColumn(Column.LEVEL, Qt.SortOrder.AscendingOrder)

    refresh_ms = []
    for _ in range(REFRESH_TICKS):
        t += TICK_MS
        pipeline.process(load.batch(t), "bench", t)
        start = time.perf_counter()
        pane.refresh()
        refresh_ms.append((time.perf_counter() - start) * 1e3)
        app.processEvents()
    line(f"refresh after 200 state changes (median of {REFRESH_TICKS})", median(refresh_ms), "ms")

    repaint_ms = []
    for _ in range(REPAINTS):
        start = time.perf_counter()
        pane.view.viewport().repaint()
        repaint_ms.append((time.perf_counter() - start) * 1e3)
    line(f"one list repaint (median of {REPAINTS})", median(repaint_ms), "ms")

    filter_ms = []
    for _ in range(FILTER_ROUNDS):
        start = time.perf_counter()
        pane.search.setText("监测点1")
        QApplication.processEvents()
        pane.search.clear()
        QApplication.processEvents()
        filter_ms.append((time.perf_counter() - start) * 1e3)
    line(f"free-text filter set and cleared (median of {FILTER_ROUNDS})", median(filter_ms), "ms")
    pipeline.close()
    pane.close()


if __name__ == "__main__":
    main()
