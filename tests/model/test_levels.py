"""Level transitions: thresholds, deadband, delays, rate of change, chattering and staleness."""

from __future__ import annotations

import numpy as np
import pytest

from console.model.pipeline import Pipeline
from console.model.readings import Quality
from console.model.rules import RuleEngine
from console.model.sensors import SensorStatus
from tests.model.helpers import GAS_RULES, MINUTE, T0, batch, make_table, rules

SECOND = 1000

WATER_RULES = """
[quantity.water_pressure]
direction = "low"
levels = [0.25, 0.20, 0.16, 0.12]
deadband = 0.01
delay_off_s = 0
"""

DELAY_RULES = """
[quantity.gas_lel]
direction = "high"
levels = [5, 10, 25, 50]
deadband = 1.0
delay_on_s = 60
delay_off_s = 120
"""

RATE_RULES = """
[quantity.gas_pressure]
direction = "low"
levels = [0.25, 0.22, 0.18, 0.15]
delay_off_s = 0
rate_per_min = 0.02
rate_level = "III"
"""

# (rules, quantity, [(seconds, value, expected level after it)]): levels 0 none, 1..4 = I..IV.
CASES = {
    "rising and falling through a high rule with deadband": (
        GAS_RULES,
        "gas_lel",
        [
            (0, 0.5, 0),
            (60, 5.0, 4),  # reaches IV
            (120, 4.5, 4),  # inside the deadband (5 - 1)
            (180, 3.9, 0),  # below it: cleared
            (240, 12.0, 3),  # straight to III
            (300, 9.2, 3),  # inside III's deadband
            (360, 8.9, 4),  # below 9: down to IV, not to 0
            (420, 30.0, 2),
            (480, 55.0, 1),
            (540, 49.5, 1),  # inside I's deadband
            (600, 24.5, 2),  # below 49, above 24: II
            (660, 3.0, 0),
        ],
    ),
    "a low rule (falling pressure is worse)": (
        WATER_RULES,
        "water_pressure",
        [
            (0, 0.32, 0),
            (60, 0.25, 4),
            (120, 0.255, 4),  # inside the deadband (0.25 + 0.01)
            (180, 0.261, 0),
            (240, 0.19, 3),
            (300, 0.15, 2),
            (360, 0.11, 1),
            (420, 0.125, 1),  # inside I's deadband (0.13)
            (480, 0.131, 2),
            (540, 0.30, 0),
        ],
    ),
    "delay-on and delay-off restart when the condition flips": (
        DELAY_RULES,
        "gas_lel",
        [
            (0, 1.0, 0),
            (10, 6.0, 0),  # above IV: pending since 10 s
            (40, 7.0, 0),
            (70, 6.0, 4),  # 60 s above: raised
            (80, 12.0, 4),  # above III: pending since 80 s
            (100, 3.0, 4),  # now below: pending down since 100 s
            (130, 12.0, 4),  # up again: pending since 130 s
            (190, 13.0, 3),  # 60 s: escalated
            (200, 2.0, 3),  # pending down since 200 s
            (260, 2.0, 3),
            (320, 2.0, 0),  # 120 s below: cleared
            (330, 6.0, 0),  # pending since 330 s ...
            (350, 1.0, 0),  # ... cancelled by a normal reading
            (395, 6.0, 0),  # pending since 395 s, not 330 s
            (440, 6.0, 0),
            (455, 6.0, 4),
        ],
    ),
    "rate of change raises its own level": (
        RATE_RULES,
        "gas_pressure",
        [
            (0, 0.30, 0),
            (60, 0.29, 0),  # falling 0.01 per minute
            (120, 0.265, 3),  # falling 0.025 per minute: level III by rate
            (180, 0.262, 0),  # slow again, above every threshold
            (240, 0.17, 2),  # plain threshold II (and a fast fall, whose level III is less severe)
        ],
    ),
}


@pytest.mark.parametrize("name", list(CASES))
def test_level_transitions(name):
    text, quantity, steps = CASES[name]
    table = make_table([("S-1", quantity)])
    engine = RuleEngine(rules(text), table)
    levels = []
    for seconds, value, _ in steps:
        engine.evaluate(table.ingest(batch([("S-1", T0 + seconds * SECOND, value)])))
        levels.append(int(table.level[0]))
    assert levels == [expected for _, _, expected in steps]


@pytest.mark.parametrize("name", list(CASES))
def test_one_batch_gives_the_same_changes_as_one_reading_at_a_time(name):
    text, quantity, steps = CASES[name]
    readings = [("S-1", T0 + seconds * SECOND, value) for seconds, value, _ in steps]
    single = make_table([("S-1", quantity)])
    single_engine = RuleEngine(rules(text), single)
    one_by_one = [c for r in readings for c in single_engine.evaluate(single.ingest(batch([r])))]
    together = make_table([("S-1", quantity)])
    # Shuffled: a batch need not be in time order.
    shuffled = [readings[i] for i in np.random.default_rng(5).permutation(len(readings))]
    all_at_once = RuleEngine(rules(text), together).evaluate(together.ingest(batch(shuffled)))
    assert all_at_once == one_by_one
    assert len(one_by_one) > 2


def test_many_sensors_in_chunks_match_one_reading_at_a_time():
    rng = np.random.default_rng(11)
    sensors = [(f"GAS-{i:05d}", "gas_lel") for i in range(40)]
    readings = [
        (sensors[s][0], T0 + k * 20 * SECOND + s, float(rng.choice([0.5, 4.5, 6.0, 9.5, 12.0, 26.0, 55.0])))
        for k in range(30)
        for s in range(40)
    ]
    reference_table = make_table(sensors)
    reference = RuleEngine(rules(DELAY_RULES), reference_table)
    expected = [c for r in readings for c in reference.evaluate(reference_table.ingest(batch([r])))]
    table = make_table(sensors)
    engine = RuleEngine(rules(DELAY_RULES), table)
    got = []
    for start in range(0, len(readings), 97):
        got += engine.evaluate(table.ingest(batch(readings[start : start + 97])))
    key = lambda c: (c.t_ms, c.row)  # noqa: E731
    assert sorted(got, key=key) == sorted(expected, key=key)
    assert len(expected) > 50
    assert table.level.tolist() == reference_table.level.tolist()


def test_changes_record_rule_threshold_and_trigger():
    table = make_table([("GP-1", "gas_pressure"), ("GAS-1", "gas_lel")])
    engine = RuleEngine(rules(RATE_RULES + GAS_RULES), table)
    changes = engine.evaluate(
        table.ingest(
            batch([("GP-1", T0, 0.30), ("GP-1", T0 + MINUTE, 0.27), ("GAS-1", T0, 12.0), ("GAS-1", T0 + MINUTE, 0.0)])
        )
    )
    described = [(c.row, c.level_from, c.level_to, c.trigger, c.threshold, c.rule) for c in changes]
    assert described == [
        (0, 0, 3, "rate", pytest.approx(0.02), "quantity:gas_pressure"),
        (1, 0, 3, "threshold", 10.0, "quantity:gas_lel"),
        (1, 3, 0, "clear", 10.0, "quantity:gas_lel"),
    ]


def test_bad_quality_readings_do_not_move_the_level():
    table = make_table([("GAS-1", "gas_lel")])
    engine = RuleEngine(rules(GAS_RULES), table)
    engine.evaluate(table.ingest(batch([("GAS-1", T0, 60.0)], quality=[Quality.BAD])))
    assert table.level[0] == 0 and table.value[0] == 60.0
    engine.evaluate(table.ingest(batch([("GAS-1", T0 + MINUTE, 60.0)], quality=[Quality.SUSPECT])))
    assert table.level[0] == 1


def test_chattering_is_flagged_and_shelving_suggested_then_it_calms_down():
    text = GAS_RULES + "chatter_count = 4\nchatter_window_min = 10\n"
    table = make_table([("GAS-1", "gas_lel")])
    pipeline = Pipeline(table, rules(text))
    flags = []
    for k, value in enumerate([6.0, 1.0, 6.0, 1.0, 6.0]):
        report = pipeline.process(batch([("GAS-1", T0 + k * MINUTE, value)]))
        flags.append([c.chattering for c in report.changes])
    assert flags == [[False], [False], [False], [True], [True]]
    assert table.chattering[0]
    alarm = pipeline.book.alarm(1)
    assert len(pipeline.book.open_alarms()) == 1  # one line for the flickering sensor, not five
    # Its readings crossed four times in the window: a sensor-fault item beside the alarm.
    assert [(f.trigger, f.kind) for f in pipeline.book.fault_items()] == [("chattering", "fault")]
    assert alarm.chattering and alarm.suggest_shelving
    pipeline.tick(T0 + 5 * MINUTE)
    assert table.chattering[0]
    # Ten minutes after the second change three remain in the window, fewer than four: calm again.
    pipeline.tick(T0 + 11 * MINUTE + 1)
    assert not table.chattering[0] and not alarm.chattering


def test_stale_after_silence_and_back_with_a_reading():
    text = GAS_RULES + "stale_after_s = 300\n"
    table = make_table([("GAS-1", "gas_lel"), ("GAS-2", "gas_lel")])
    pipeline = Pipeline(table, rules(text))
    pipeline.process(batch([("GAS-1", T0, 1.0)]))
    pipeline.tick(T0 + 300 * SECOND)
    assert table.status.tolist() == [SensorStatus.LIVE, SensorStatus.NO_DATA]
    seen = table.version
    pipeline.tick(T0 + 301 * SECOND)
    assert table.status.tolist() == [SensorStatus.STALE, SensorStatus.NO_DATA]
    assert table.changed_since(seen, style_only=True).tolist() == [0]
    pipeline.process(batch([("GAS-1", T0 + 400 * SECOND, 1.0)]))
    assert table.status[0] == SensorStatus.LIVE
    pipeline.mark_offline(["GAS-2", "unknown"], T0 + 400 * SECOND)
    assert table.status[1] == SensorStatus.OFFLINE
    # A report older than the sensor's last reading changes nothing.
    assert pipeline.mark_offline(["GAS-1"], T0 + 399 * SECOND).tolist() == []
    assert pipeline.mark_offline(["GAS-1"], T0 + 401 * SECOND).tolist() == [0]
    assert pipeline.mark_online(["GAS-1", "GAS-2"], T0 + 402 * SECOND).tolist() == [0, 1]
    assert table.status.tolist() == [SensorStatus.LIVE, SensorStatus.NO_DATA]
