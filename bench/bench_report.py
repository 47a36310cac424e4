"""Shift report over 24 h of journal: at most 5 s from the journal to the file (issue 14).

The journal is made by the real pipeline and alarm book: 5,000 sensors of four
categories, an alarm episode every ~30 s for 24 hours (raise, often an escalation,
return), every alarm acknowledged, a third dispatched, most closed (a tenth as
false alarms), a handover every 8 hours, and the readings of every sensor each
minute for the two hours before, so the file also holds readings the report must skip.
Then `console report` is timed as a subprocess over the whole 24 hours, for
Markdown, CSV and PDF, whole process from start-up to the file.

Printed beside it, measured in the same run: the time to read every alarm,
transition and action row of the journal once (the floor of any report over it),
and `console report` over an empty hour (start-up and the fixed costs).

    python bench/bench_report.py
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from console.model.journal import Journal  # noqa: E402
from console.model.pipeline import Pipeline  # noqa: E402
from console.model.readings import ReadingBatch  # noqa: E402
from console.model.rules import RuleSet  # noqa: E402
from console.model.sensors import SensorTable  # noqa: E402

TARGET_S = 5.0
SENSORS = 5_000
HOURS = 24
EPISODE_EVERY_S = 30
T0 = 1_784_592_000_000  # 2026-07-21T00:00:00Z, 08:00 in Shanghai
MINUTE = 60_000
QUANTITIES = [("gas_lel", "gas"), ("depth", "waterlogging"), ("rain_1h", "rainfall"), ("water_pressure", "water_supply")]
RULES = """
[quantity.gas_lel]
direction = "high"
levels = [5, 10, 25, 50]
[quantity.depth]
direction = "high"
levels = [15, 27, 40, 50]
[quantity.rain_1h]
direction = "high"
levels = [20, 30, 50, 70]
[quantity.water_pressure]
direction = "high"
levels = [5, 10, 25, 50]
"""
# A value per level for every quantity above (IV, III, II, I) and a calm one.
LEVEL_VALUE = {"gas_lel": (6, 12, 30, 60), "depth": (20, 30, 45, 60), "rain_1h": (25, 35, 55, 80),
               "water_pressure": (6, 12, 30, 60)}
CALM = {"gas_lel": 1.0, "depth": 1.0, "rain_1h": 1.0, "water_pressure": 1.0}
OPERATORS = ["王芳", "Li Lei", "Zhao Lei"]


def batch(sensors, t_ms, values) -> ReadingBatch:
    n = len(sensors)
    return ReadingBatch(sensor=np.array(sensors, dtype=object), t_ms=np.full(n, t_ms, np.int64),
                        value=np.array(values, np.float64), quality=np.zeros(n, np.uint8))


def make_journal(path: Path) -> dict:
    rng = np.random.default_rng(14)
    kinds = [QUANTITIES[i % len(QUANTITIES)] for i in range(SENSORS)]
    ids = [f"S-{i:05d}" for i in range(SENSORS)]
    table = SensorTable(ids, [q for q, _ in kinds], [c for _, c in kinds], x=rng.uniform(0, 40_000, SENSORS),
                        y=rng.uniform(0, 40_000, SENSORS), source="bench sensors")
    pipeline = Pipeline(table, RuleSet.from_text(RULES, source="bench rules"),
                        journal=Journal(path, synchronous="NORMAL"))
    book = pipeline.book
    for minute in range(-120, 0):  # readings history before the day, which the report has to step over
        t = T0 + minute * MINUTE
        pipeline.process(batch(ids, t, [CALM[q] for q, _ in kinds]), "bench")
    episodes = HOURS * 3600 // EPISODE_EVERY_S
    for k in range(episodes):
        t = T0 + k * EPISODE_EVERY_S * 1000
        operator = OPERATORS[(t - T0) // (8 * 3600_000) % 3]
        if (t - T0) % (8 * 3600_000) == 0:
            book.record_action("shift_start", operator, t)
        row = int(rng.integers(SENSORS))
        quantity = kinds[row][0]
        level = int(rng.integers(1, 5))
        pipeline.process(batch([ids[row]], t, [LEVEL_VALUE[quantity][4 - level]]), "bench")
        alarm_id = table.alarm_id[row]
        if alarm_id < 0:
            continue
        if level > 1 and rng.random() < 0.3:
            pipeline.process(batch([ids[row]], t + 5_000, [LEVEL_VALUE[quantity][5 - level]]), "bench")
        book.acknowledge([alarm_id], operator, t + 8_000)
        if rng.random() < 1 / 3:
            book.dispatch([alarm_id], f"unit {row % 40}", operator, t + 10_000)
        pipeline.process(batch([ids[row]], t + 20_000, [CALM[quantity]]), "bench")
        if rng.random() < 0.85:
            book.close([alarm_id], "false_alarm" if rng.random() < 0.1 else "handled", "", operator, t + 25_000)
    pipeline.close()
    db = sqlite3.connect(path)
    counts = {name: db.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0]
              for name in ("alarm", "transition", "action", "reading", "reading_block")}
    db.close()
    return counts


def floor_s(path: Path) -> float:
    """Every alarm, transition and action row read once, in one process already running."""
    began = time.perf_counter()
    db = sqlite3.connect(path)
    for table in ("alarm", "transition", "action"):
        db.execute(f'SELECT * FROM "{table}"').fetchall()
    db.close()
    return time.perf_counter() - began


def report_s(path: Path, out: Path, start: str, end: str) -> float:
    began = time.perf_counter()
    subprocess.run([sys.executable, "-m", "console", "report", "--journal", str(path), "--from", start, "--to", end,
                    "--tz", "UTC", "--lang", "zh_CN", "--out", str(out)],
                   cwd=REPO, check=True, capture_output=True, env={"QT_QPA_PLATFORM": "offscreen", **os.environ})
    return time.perf_counter() - began


def main() -> int:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "journal.sqlite"
        began = time.perf_counter()
        counts = make_journal(path)
        print(f"journal: {counts['alarm']:,} alarms, {counts['transition']:,} transitions, {counts['action']:,} "
              f"actions, {counts['reading']:,} reading rows + {counts['reading_block']:,} blocks "
              f"({path.stat().st_size / 1e6:.0f} MB, made in {time.perf_counter() - began:.0f} s)")
        print(f"reference: every alarm, transition and action row read once: {floor_s(path):.2f} s")
        print(f"reference: console report over an empty hour (.md): "
              f"{report_s(path, Path(folder) / 'empty.md', '2026-07-20T00:00', '2026-07-20T01:00'):.2f} s")
        worst = 0.0
        for suffix in (".md", ".csv", ".pdf"):
            out = Path(folder) / f"day{suffix}"
            took = report_s(path, out, "2026-07-21T00:00", "2026-07-22T00:00")
            worst = max(worst, took)
            pages = ""
            if suffix == ".pdf":
                info = subprocess.run(["pdfinfo", str(out)], capture_output=True, text=True).stdout
                pages = next((f", {line.split()[-1]} pages" for line in info.splitlines()
                              if line.startswith("Pages:")), "")
            print(f"console report over 24 h ({suffix}): {took:.2f} s ({out.stat().st_size / 1e3:.0f} kB{pages}); "
                  f"target <= {TARGET_S:.0f} s")
        print(f"{'within' if worst <= TARGET_S else 'OVER'} the target: slowest {worst:.2f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
