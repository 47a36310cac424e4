"""Rules + alarm book throughput: 100,000 sensors, about 1 % of them alarming.

Every sensor reports once per simulated minute; one minute is one batch of
100,000 readings with string sensor ids, as a feed delivers them. The alarming
sensors hover around their thresholds, so levels rise, fall and chatter. The
figure is readings per second through SensorTable.ingest + RuleEngine.evaluate
(levels with confirmation, implausible jumps, stuck and chattering sensors) +
AlarmBook.apply / apply_faults on one core (no journal; bench_journal.py measures that).

Run: .venv/bin/python bench/bench_rules.py
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from console.model.pipeline import Pipeline  # noqa: E402
from console.model.readings import ReadingBatch  # noqa: E402
from console.model.rules import RuleSet  # noqa: E402
from console.model.sensors import SensorTable  # noqa: E402

SENSORS = 100_000
ALARMING_SHARE = 0.01
MINUTES = 13
WARMUP_MINUTES = 2
TARGET_PER_S = 1_000_000  # through the rules and the book on one core, with the confirmation and sensor checks

# quantity -> (category, prefix, normal value, noise)
QUANTITIES = {
    "gas_lel": ("gas", "GAS", 0.5, 0.3),
    "gas_pressure": ("gas", "GP", 0.30, 0.005),
    "water_pressure": ("water_supply", "WP", 0.32, 0.01),
    "pipe_fill": ("drainage", "DR", 45.0, 8.0),
    "strain": ("bridge", "BS", 200.0, 40.0),
    "deflection": ("bridge", "BD", 5.0, 2.0),
    "heating_pressure": ("heating", "HT", 0.80, 0.01),
    "cable_temperature": ("power", "PW", 42.0, 3.0),
    "tunnel_ch4": ("utility_tunnel", "UT", 0.5, 0.3),
    "tunnel_o2": ("utility_tunnel", "UO", 20.9, 0.1),
    "rain_1h": ("rainfall", "RG", 2.0, 1.5),
    "river_level": ("water_level", "WL", 3.0, 0.01),
    "depth": ("waterlogging", "WLG", 1.0, 1.0),
    "tank_temperature": ("hazmat", "HZT", 25.0, 1.0),
    "tank_pressure": ("hazmat", "HZP", 0.50, 0.01),
    "hazmat_lel": ("hazmat", "HZG", 0.5, 0.3),
}


def build_table(rng: np.random.Generator) -> SensorTable:
    names = list(QUANTITIES)
    quantity = np.array(names, dtype=object)[rng.integers(0, len(names), SENSORS)]
    ids, categories = [], []
    for i, q in enumerate(quantity.tolist()):
        category, prefix, _, _ = QUANTITIES[q]
        ids.append(f"{prefix}-{i:06d}")
        categories.append(category)
    thresholds = np.full((SENSORS, 4), np.nan)
    river = quantity == "river_level"
    thresholds[river] = [4.0, 4.5, 5.2, 5.5]  # per-gauge thresholds, as the layer carries them
    x = rng.uniform(0, 40_000, SENSORS)
    y = rng.uniform(0, 40_000, SENSORS)
    districts = np.array(["East", "West", "North", "South"], dtype=object)[rng.integers(0, 4, SENSORS)]
    return SensorTable(ids, quantity, categories, thresholds=thresholds, x=x, y=y, districts=districts)


def make_batches(table: SensorTable, rng: np.random.Generator) -> list[ReadingBatch]:
    n = len(table)
    normal = np.array([QUANTITIES[q][2] for q in table.quantity.tolist()])
    noise = np.array([QUANTITIES[q][3] for q in table.quantity.tolist()])
    alarming = rng.random(n) < ALARMING_SHARE
    # Alarming sensors sit near one of their thresholds.
    level_column = rng.integers(0, 4, n)
    threshold = table.levels[np.arange(n), level_column]
    spread = np.abs(np.diff(table.levels, axis=1)).min(axis=1) * 0.3
    # Each sensor reports once a minute at its own second; values wander slowly (AR(1)).
    phase = rng.integers(0, 60_000, n)
    t0 = 1_784_592_000_000  # 2026-07-21T00:00:00Z
    wander = rng.normal(0, 1, n)
    batches = []
    for minute in range(MINUTES):
        wander = 0.9 * wander + np.sqrt(1 - 0.9**2) * rng.normal(0, 1, n)
        # Alarming sensors jump about their threshold (white noise): many level changes.
        jitter = rng.normal(0, 1, n)
        value = np.where(alarming, threshold + jitter * spread, normal + wander * noise)
        t = t0 + minute * 60_000 + phase
        order = np.argsort(t, kind="stable")
        batches.append(
            ReadingBatch(
                sensor=table.ids[order],
                t_ms=t[order],
                value=value[order],
                quality=np.zeros(n, dtype=np.uint8),
                line=np.zeros(n, dtype=np.int64),
            )
        )
    return batches


def main() -> int:
    rng = np.random.default_rng(2026)
    table = build_table(rng)
    pipeline = Pipeline(table, RuleSet.load())
    batches = make_batches(table, rng)
    # Warm-up minutes (not timed): sensors get their first values, and the levels of the alarming
    # ones their confirming second reading, so the timed minutes are the steady state.
    for batch in batches[:WARMUP_MINUTES]:
        pipeline.process(batch, "bench", now_ms=int(batch.t_ms.max()))
    ingest_s = evaluate_s = book_s = 0.0
    changes = 0
    readings = 0
    for batch in batches[WARMUP_MINUTES:]:
        start = time.perf_counter()
        ingest = table.ingest(batch, "bench")
        after_ingest = time.perf_counter()
        level_changes = pipeline.engine.evaluate(ingest)
        after_rules = time.perf_counter()
        pipeline.book.apply(level_changes)
        pipeline.book.apply_faults(pipeline.engine.checks.take_changes())
        pipeline.tick(int(batch.t_ms.max()))
        pipeline.book.take_records()
        done = time.perf_counter()
        ingest_s += after_ingest - start
        evaluate_s += after_rules - after_ingest
        book_s += done - after_rules
        changes += len(level_changes)
        readings += len(batch)
    total_s = ingest_s + evaluate_s + book_s
    rate = readings / total_s
    active = len(pipeline.book.active_alarms())
    print(f"sensors: {len(table):,}   alarming share: {ALARMING_SHARE:.0%}   readings: {readings:,} in {len(batches) - WARMUP_MINUTES} batches")
    print(f"level changes: {changes:,}   alarms: {len(pipeline.book.alarms):,} ({active:,} active)   "
          f"incidents: {len(pipeline.book.incidents):,}   chattering sensors: {int(table.chattering.sum()):,}")
    print(f"sensor-fault items: {len(pipeline.book.fault_items()):,}   levels held back: {pipeline.engine.held_back:,}"
          f"   suspect readings: {pipeline.engine.checks.suspect_readings:,}")
    print(f"ingest (ids, checks, live state): {ingest_s * 1000 / (len(batches) - WARMUP_MINUTES):7.1f} ms/batch")
    print(f"rules (levels, delays, rate):     {evaluate_s * 1000 / (len(batches) - WARMUP_MINUTES):7.1f} ms/batch")
    print(f"alarm book + tick:                {book_s * 1000 / (len(batches) - WARMUP_MINUTES):7.1f} ms/batch")
    print(f"throughput: {rate:,.0f} readings/s on one core (target {TARGET_PER_S:,}) "
          f"-> {'ok' if rate >= TARGET_PER_S else 'BELOW TARGET'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
