"""Helpers for the model tests: small sensor tables, batches and rule files built in code."""

from __future__ import annotations

import numpy as np

from console.model.readings import ReadingBatch
from console.model.rules import RuleSet
from console.model.sensors import SensorTable

T0 = 1_784_592_000_000  # 2026-07-21T00:00:00Z
MINUTE = 60_000

CATEGORY_OF = {
    "gas_lel": "gas",
    "gas_pressure": "gas",
    "water_pressure": "water_supply",
    "depth": "waterlogging",
    "rain_1h": "rainfall",
    "river_level": "water_level",
    "tank_temperature": "hazmat",
}


def make_table(sensors, thresholds=None) -> SensorTable:
    """``sensors``: (id, quantity[, x, y[, district]]) tuples; positions in metres, ground scale 1."""
    ids = [s[0] for s in sensors]
    quantities = [s[1] for s in sensors]
    x = [s[2] if len(s) > 2 else np.nan for s in sensors]
    y = [s[3] if len(s) > 3 else np.nan for s in sensors]
    districts = [s[4] if len(s) > 4 else "Central" for s in sensors]
    return SensorTable(
        ids,
        quantities,
        [CATEGORY_OF[q] for q in quantities],
        districts=districts,
        owners=[f"{CATEGORY_OF[q]} company" for q in quantities],
        thresholds=thresholds,
        x=x,
        y=y,
        source="test sensors",
    )


def batch(readings, quality=None) -> ReadingBatch:
    """``readings``: (sensor id, t_ms, value) tuples; line numbers count from 1."""
    n = len(readings)
    return ReadingBatch(
        sensor=np.array([r[0] for r in readings], dtype=object),
        t_ms=np.array([r[1] for r in readings], dtype=np.int64),
        value=np.array([r[2] for r in readings], dtype=object if any(isinstance(r[2], str) for r in readings) else float),
        quality=np.zeros(n, np.uint8) if quality is None else np.array(quality, np.uint8),
        line=np.arange(1, n + 1, dtype=np.int64),
    )


def rules(text: str) -> RuleSet:
    return RuleSet.from_text(text, source="test_rules.toml")


GAS_RULES = """
[quantity.gas_lel]
direction = "high"
levels = [5, 10, 25, 50]
deadband = 1.0
delay_on_s = 0
delay_off_s = 0
"""

FLOOD_RULES = """
[quantity.depth]
direction = "high"
levels = [15, 27, 40, 50]
[quantity.rain_1h]
direction = "high"
levels = [20, 30, 50, 70]
[quantity.gas_lel]
direction = "high"
levels = [5, 10, 25, 50]
"""

