"""Generated six-hour feeds of about 120 sensors with faulty ones: the default rules against the same rules
without confirmation, physical rates or stuck checks, scored by ``console evaluate``."""

from __future__ import annotations

import argparse
import json

import pytest

from console.commands import evaluate as evaluate_command
from console.feeds.scenario import SensorSet, generate_scenario
from console.model.rule_file import DEFAULT_RULES_PATH
from tests.feeds.city import sensor_frame

ALL = "rainstorm+gas-leak+hazmat-tank+bridge-overload"
FAULT_KINDS = {"spike", "stuck", "dropout", "chattering", "drift", "clock_skew"}


@pytest.fixture(scope="module")
def city(tmp_path_factory):
    folder = tmp_path_factory.mktemp("faults")
    frame = sensor_frame(seed=5, scale=1.85)
    layer = folder / "sensors.geojson"
    frame.to_file(layer, driver="GeoJSON")
    # The same rules with every check of issue 12 taken out: one reading raises a level.
    text = DEFAULT_RULES_PATH.read_text(encoding="utf-8")
    lines = [line for line in text.splitlines()
             if not line.startswith(("plausible_rate_per_min", "stuck_after_s", "confirm_count"))]
    unchecked = folder / "unchecked.toml"
    unchecked.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder, layer, SensorSet.from_frame(frame), unchecked, len(frame)


def figures(capsys, feed, truth, layer, rules=None) -> dict:
    parser = argparse.ArgumentParser()
    evaluate_command.add_arguments(parser)
    argv = [str(feed), "--truth", str(truth), "--sensors", str(layer), "--json"]
    if rules is not None:
        argv += ["--rules", str(rules)]
    assert evaluate_command.run(parser.parse_args(argv)) == 0
    return json.loads(capsys.readouterr().out)


@pytest.mark.parametrize("seed", [12, 13])
def test_faulty_sensors_raise_fewer_false_alarms_and_every_event_is_still_alarmed_in_time(city, capsys, seed):
    folder, layer, sensors, unchecked, count = city
    assert 115 <= count <= 125
    result = generate_scenario(ALL, sensors, folder / f"{seed}.jsonl.gz", folder / f"{seed}.json", seed=seed, hours=6)
    assert {f["kind"] for f in result.truth_data["faults"]} == FAULT_KINDS
    checked = figures(capsys, result.feed, result.truth, layer)
    plain = figures(capsys, result.feed, result.truth, layer, unchecked)
    assert checked["rejected_lines"] == 0

    # Every real event alarmed within five minutes of its onset, with and without the checks.
    for run in (checked, plain):
        assert run["events"] == run["events_alarmed_on_time"] == 4
        assert run["event_delay_worst_s"] <= 300
        assert run["episodes_alarmed"] == run["episodes"]
    # Fewer false alarms: none at all here, where one reading alone raised some before.
    assert plain["false_alarms"] >= 1
    assert checked["false_alarms"] == 0 and checked["false_alarm_share"] == 0
    assert set(checked["by_fault_kind"]) == FAULT_KINDS
    assert sum(k["false_alarms"] for k in checked["by_fault_kind"].values()) == 0
    # The chattering sensor and the stuck one are sensor-fault items, and no healthy sensor is called faulty.
    assert checked["by_fault_kind"]["chattering"]["found_as_sensor_fault"] == 1
    assert checked["by_fault_kind"]["stuck"]["found_as_sensor_fault"] == 1
    assert checked["sensor_fault_items_on_healthy_sensors"] == 0
