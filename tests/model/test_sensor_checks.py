"""Confirmation, implausible jumps and sensor faults, with the shipped default rules."""

from __future__ import annotations

import numpy as np
import pytest

from console.errors import InputError
from console.model.alarms import AlarmState
from console.model.journal import Journal
from console.model.pipeline import Pipeline
from console.model.readings import Quality
from console.model.rules import RuleSet
from console.model.sensors import SensorFault
from tests.model.helpers import MINUTE, T0, batch, make_table, rules

SENSORS = [("GAS-1", "gas_lel", 0.0, 0.0), ("GAS-2", "gas_lel", 100.0, 0.0), ("GP-1", "gas_pressure", 0.0, 500.0),
           ("WLG-1", "depth", 900.0, 0.0)]


def pipeline_with_defaults(journal=None) -> Pipeline:
    return Pipeline(make_table(SENSORS), RuleSet.load(), journal=journal)


def feed(pipeline: Pipeline, sensor: str, values, start_min: float = 0, step_min: float = 1):
    """One reading a minute (by default) of one sensor, one batch each, the clock ticking with them."""
    reports = []
    for k, value in enumerate(values):
        t = T0 + int((start_min + k * step_min) * MINUTE)
        reports.append(pipeline.process(batch([(sensor, t, value)]), "test", now_ms=t))
    return reports


def level_alarms(pipeline, sensor=None):
    return [a for a in pipeline.book.open_alarms() if sensor is None or a.sensor_id == sensor]


# (sensor, normal value, spike, held back as: an unconfirmed level / an implausible jump)
SPIKES = [("GAS-1", 0.4, 55.0, "suspect"), ("GAS-1", 0.4, 26.0, "unconfirmed"), ("WLG-1", 0.0, 52.0, "suspect"),
          ("WLG-1", 0.0, 14.0, "none"), ("GP-1", 0.30, 0.14, "suspect"), ("GP-1", 0.30, 0.21, "unconfirmed")]


@pytest.mark.parametrize("sensor, normal, spike, held", SPIKES)
def test_a_single_sample_spike_raises_no_level(sensor, normal, spike, held):
    pipeline = pipeline_with_defaults()
    feed(pipeline, sensor, [normal] * 5 + [spike] + [normal] * 5)
    assert level_alarms(pipeline) == [] and pipeline.book.fault_items() == []
    assert pipeline.table.level.max() == 0
    # What held the spike back is counted, not forgotten silently.
    engine = pipeline.engine
    assert (engine.held_back, engine.checks.suspect_readings) == {"suspect": (0, 1), "unconfirmed": (1, 0),
                                                                   "none": (0, 0)}[held]


def test_a_leak_ramping_up_over_three_minutes_is_alarmed_within_five_minutes():
    pipeline = pipeline_with_defaults()
    onset_min = 10
    ramp = [0.4 + 60 * k / 3 for k in range(1, 4)]  # 20, 40, 60 %LEL over three minutes
    feed(pipeline, "GAS-1", [0.4] * onset_min + ramp + [60.0] * 5)
    alarm = level_alarms(pipeline, "GAS-1")[0]
    assert alarm.raised_ms - (T0 + onset_min * MINUTE) <= 5 * MINUTE
    assert alarm.peak_level == 1 and alarm.kind == "level"
    # The rule that held it back for a reading is on the alarm.
    assert alarm.rule == "quantity:gas_lel" and alarm.reason.startswith("confirm_count=2")


def test_a_stuck_sensor_becomes_a_sensor_fault_item_not_a_level_alarm():
    pipeline = pipeline_with_defaults()
    noisy = list(np.round(0.4 + 0.1 * np.sin(np.arange(10)), 1))
    feed(pipeline, "GAS-2", noisy + [0.3] * 70 + [0.5, 0.4])
    assert level_alarms(pipeline) == []
    (item,) = pipeline.book.fault_items()
    assert (item.kind, item.trigger, item.sensor_id, item.level) == ("fault", "stuck", "GAS-2", 0)
    assert item.owner == "gas company" and item.incident_id == 0
    assert "stuck_after_s=3600" in item.reason and item.rule == "quantity:gas_lel"
    # Stuck from minute 10 (its first 0.3): an hour and 20 readings later it is reported.
    assert item.raised_ms == T0 + 70 * MINUTE
    assert not item.active and item.state == AlarmState.RTN_UNACK  # the value moved again
    assert pipeline.table.fault[pipeline.table.row_of("GAS-2")] == SensorFault.NONE
    assert pipeline.book.counts_by_level() == {1: 0, 2: 0, 3: 0, 4: 0}
    assert pipeline.book.alarm_rate(T0 + 80 * MINUTE) == 0  # never in the alarm rate


def test_a_chattering_sensor_becomes_a_sensor_fault_item_not_a_level_alarm():
    pipeline = pipeline_with_defaults()
    feed(pipeline, "GAS-1", [0.4, 6.0] * 8)  # in and out of level IV every minute
    assert level_alarms(pipeline) == []
    (item,) = pipeline.book.fault_items()
    assert (item.trigger, item.active, item.state) == ("chattering", True, AlarmState.UNACK)
    assert item.raised_ms == T0 + 6 * MINUTE  # the sixth crossing within ten minutes
    assert pipeline.book.alarm_rate(T0 + 16 * MINUTE) == 0
    # Calm for ten minutes: the fault ends.
    feed(pipeline, "GAS-1", [0.4] * 12, start_min=16)
    assert not item.active and item.state == AlarmState.RTN_UNACK


def test_an_implausible_jump_is_suspect_and_a_real_step_is_alarmed_once_it_holds():
    pipeline = pipeline_with_defaults()
    table = pipeline.table
    row = table.row_of("GP-1")
    reports = feed(pipeline, "GP-1", [0.30, 0.30, 0.10, 0.30, 0.30])
    assert level_alarms(pipeline) == [] and pipeline.engine.checks.suspect_readings == 1
    assert [r.changes for r in reports] == [[]] * 5
    # A main that really drops by 0.18 MPa (more than 0.1 MPa a minute) and stays down.
    feed(pipeline, "GP-1", [0.12] * 5, start_min=5)
    assert table.quality[row] == Quality.GOOD
    alarm = level_alarms(pipeline, "GP-1")[0]
    assert alarm.peak_level == 1 and alarm.raised_ms <= T0 + 9 * MINUTE


def test_fault_items_survive_a_restart_and_keep_their_lifecycle(tmp_path):
    path = tmp_path / "journal.sqlite"
    first = pipeline_with_defaults(Journal(path, synchronous="NORMAL", commit_interval_s=0))
    feed(first, "GAS-1", [0.4, 6.0] * 5)  # chattering
    feed(first, "GAS-2", [0.1, 0.2] + [0.3] * 65)  # stuck
    before = {a.alarm_id: (a.kind, a.trigger, a.state, a.active, a.reason) for a in first.book.alarms.values()}
    assert sorted(v[1] for v in before.values()) == ["chattering", "stuck"]
    first.book.acknowledge([i for i, v in before.items() if v[1] == "stuck"], "Li", T0 + 70 * MINUTE)
    first.close()

    second = pipeline_with_defaults(Journal(path, synchronous="NORMAL", commit_interval_s=0))
    book, table = second.book, second.table
    after = {a.alarm_id: (a.kind, a.trigger, a.state, a.active, a.reason) for a in book.alarms.values()}
    stuck_id = next(i for i, v in after.items() if v[1] == "stuck")
    assert after[stuck_id][2] == AlarmState.ACK
    assert {i: v[:2] + v[3:] for i, v in after.items()} == {i: v[:2] + v[3:] for i, v in before.items()}
    assert table.fault_id[table.row_of("GAS-2")] == stuck_id and table.alarm_id[table.row_of("GAS-2")] == -1
    assert table.fault[table.row_of("GAS-2")] == SensorFault.STUCK
    assert book.alarm_rate(T0 + 70 * MINUTE) == 0 and book.open_alarms() == []
    # The restored run goes on where it stopped: the value moves, the same item returns.
    feed(second, "GAS-2", [0.6], start_min=67)
    assert not book.alarms[stuck_id].active and book.alarms[stuck_id].state == AlarmState.NORMAL
    second.book.close([stuck_id], "handled", "replaced the head", "Li", T0 + 80 * MINUTE)
    assert table.fault_id[table.row_of("GAS-2")] == -1
    second.close()


BASE = """
[quantity.gas_lel]
direction = "high"
levels = [5, 10, 25, 50]
"""


@pytest.mark.parametrize("extra, key, message", [
    ("confirm_counts = 2", "quantity.gas_lel.confirm_counts", "did you mean 'confirm_count'"),
    ("confirm_count = 0", "quantity.gas_lel.confirm_count", "at least 1"),
    ("plausible_rate_per_min = -1", "quantity.gas_lel.plausible_rate_per_min", "must be positive"),
    ("stuck_tolerance = -0.1", "quantity.gas_lel.stuck_tolerance", "must not be negative"),
    ("delay_on_s = 900", "quantity.gas_lel.delay_on_s", "not shorter than stale_after_s"),
    ("stuck_after_s = 600", "quantity.gas_lel.stuck_after_s", "shorter than stale_after_s"),
    ("rate_per_min = 60\nrate_level = \"III\"\nplausible_rate_per_min = 50", "quantity.gas_lel.rate_per_min",
     "could never be reached"),
])
def test_bad_confirmation_and_check_settings_name_the_file_and_key(extra, key, message):
    with pytest.raises(InputError) as error:
        rules(BASE + extra + "\n")
    assert error.value.source == "test_rules.toml" and error.value.key == key
    assert message in str(error.value)
    assert str(error.value).startswith(f"test_rules.toml: {key}: ")


def test_contradictions_of_a_sensor_table_name_the_sensor_key():
    text = BASE + '[sensor."GAS-1"]\ndelay_on_s = 60\nstale_after_s = 30\n'
    with pytest.raises(InputError) as error:
        Pipeline(make_table(SENSORS[:2]), rules(text))
    assert (error.value.source, error.value.key) == ("test_rules.toml", 'sensor."GAS-1".delay_on_s')
