"""On-time delivery per responsible unit and district, worst first."""

from __future__ import annotations

from console.engine.delivery import delivery_by
from console.model.pipeline import Pipeline
from tests.model.helpers import GAS_RULES, MINUTE, T0, batch, make_table, rules


def test_units_that_deliver_least_come_first():
    table = make_table([
        ("GAS-1", "gas_lel", 0, 0, "Huangpu"), ("GAS-2", "gas_lel", 0, 0, "Huangpu"),
        ("WP-1", "water_pressure", 0, 0, "Pudong"), ("WP-2", "water_pressure", 0, 0, "Pudong"),
        ("WP-3", "water_pressure", 0, 0, "Huangpu"),
    ])
    pipeline = Pipeline(table, rules(GAS_RULES + "\n[quantity.water_pressure]\ndirection = \"low\"\n"
                                                "levels = [0.2, 0.15, 0.1, 0.05]\n"))
    now = T0 + 120 * MINUTE
    # GAS-1 reported just now; GAS-2 two hours ago (outside the hour); WP-1 and WP-3 recently; WP-2 never.
    pipeline.process(batch([("GAS-2", T0, 1.0)]))
    pipeline.process(batch([("GAS-1", now - MINUTE, 1.0), ("WP-1", now - 5 * MINUTE, 0.3),
                            ("WP-3", now - 2 * MINUTE, 0.3)]))
    by_owner = delivery_by(table, "owner", now)
    assert [(s.group, s.sensors, s.on_time) for s in by_owner] == [
        ("gas company", 2, 1), ("water_supply company", 3, 2)]
    assert [round(s.share, 3) for s in by_owner] == [0.5, 0.667]
    by_district = delivery_by(table, "district", now)
    assert [(s.group, s.on_time, s.sensors) for s in by_district] == [("Pudong", 1, 2), ("Huangpu", 2, 3)]


def test_an_offline_sensor_is_not_on_time_even_with_a_fresh_reading():
    table = make_table([("GAS-1", "gas_lel", 0, 0), ("GAS-2", "gas_lel", 0, 0)])
    pipeline = Pipeline(table, rules(GAS_RULES))
    now = T0 + 10 * MINUTE
    pipeline.process(batch([("GAS-1", now - MINUTE, 1.0), ("GAS-2", now - MINUTE, 1.0)]))
    pipeline.mark_offline(["GAS-2"], now)
    [share] = delivery_by(table, "owner", now)
    assert (share.sensors, share.on_time) == (2, 1)
