"""The scenario generator: determinism, physics of the design storm, events past their thresholds, noise, faults."""

from __future__ import annotations

import argparse
import json
import math

import numpy as np
import pytest

from console.commands import scenario as scenario_command
from console.errors import InputError
from console.feeds.recorded import read_feed
from console.feeds.scenario import (
    SensorSet,
    StormParameters,
    chicago_hyetograph,
    generate_scenario,
    parse_scenario_name,
)
from console.feeds.scenario.sensors import QUANTITIES
from console.feeds.scenario.writer import levels_of
from console.feeds.timefmt import parse_time_value
from console.model.readings import ReadingBatch
from tests.feeds.city import sensor_frame

ALL = "rainstorm+gas-leak+hazmat-tank+bridge-overload"


@pytest.fixture(scope="module")
def sensors() -> SensorSet:
    return SensorSet.from_frame(sensor_frame())


@pytest.fixture(scope="module")
def generated(sensors, tmp_path_factory):
    folder = tmp_path_factory.mktemp("scenario")
    result = generate_scenario(ALL, sensors, folder / "feed.jsonl.gz", folder / "truth.json", seed=11, hours=6)
    reader = read_feed(result.feed)
    batch = ReadingBatch.concat([e for e in reader if isinstance(e, ReadingBatch)])
    return result, batch, reader


def readings_of(batch: ReadingBatch, sensor: str) -> tuple[np.ndarray, np.ndarray]:
    rows = batch.sensor == sensor
    return batch.t_ms[rows], batch.value[rows]


def test_same_seed_same_bytes_other_seed_other_bytes(sensors, tmp_path):
    paths = []
    for name, seed in (("a", 5), ("b", 5), ("c", 6)):
        result = generate_scenario("rainstorm+gas-leak", sensors, tmp_path / f"{name}.jsonl.gz",
                                   tmp_path / f"{name}.json", seed=seed, hours=2)
        paths.append((result.feed.read_bytes(), result.truth.read_bytes()))
    assert paths[0] == paths[1]
    assert paths[0][0] != paths[2][0] and paths[0][1] != paths[2][1]


def test_plain_output_is_the_gzip_output_uncompressed(sensors, tmp_path):
    import gzip

    generate_scenario("gas-leak", sensors, tmp_path / "f.jsonl", tmp_path / "t1.json", seed=2, hours=1)
    generate_scenario("gas-leak", sensors, tmp_path / "f.jsonl.gz", tmp_path / "t2.json", seed=2, hours=1)
    assert gzip.decompress((tmp_path / "f.jsonl.gz").read_bytes()) == (tmp_path / "f.jsonl").read_bytes()


def test_chicago_hyetograph_peaks_where_asked_and_matches_the_intensity_formula():
    params = StormParameters(return_period_y=20, peak_position=0.35, duration_min=120)
    rain = chicago_hyetograph(params)
    assert int(np.argmax(rain)) in (41, 42)  # 0.35 x 120 = minute 42
    # The wettest hour of a Chicago storm holds the formula's 60-minute depth.
    wettest_hour = max(rain[i : i + 60].sum() for i in range(len(rain) - 59))
    assert wettest_hour == pytest.approx(params.depth_mm(60), rel=0.02)
    a = 5.886 * (1 + 0.65 * math.log10(20))
    assert params.depth_mm(60) == pytest.approx(a * 60 / 64**0.56)


def test_every_sensor_of_an_event_is_past_level_iv_at_its_onset(generated, sensors):
    result, batch, _ = generated
    truth = result.truth_data
    assert [e["kind"] for e in truth["events"]] == ["rainstorm", "gas-leak", "hazmat-tank", "bridge-overload"]
    row_of = {str(s): i for i, s in enumerate(sensors.ids)}
    for event in truth["events"]:
        assert event["sensors"], f"{event['id']} moved no sensor past level IV"
        assert event["peak_level"] in ("I", "II")
        for item in event["sensors"]:
            row = row_of[item["sensor"]]
            t, v = readings_of(batch, item["sensor"])
            onset = parse_time_value(item["onset"])
            # The reading at the onset (clock jitter aside) is at level IV, give or take the measurement noise.
            near = np.argmin(np.abs(t - onset))
            assert abs(t[near] - onset) <= 3000
            margin = 3 * QUANTITIES[item["quantity"]].noise_sd
            shifted = v[near] + (margin if sensors.high[row] else -margin)
            assert levels_of(np.array([[shifted]]), sensors.levels[[row]], sensors.high[[row]])[0, 0] > 0, item
            # Over the event the readings do reach level IV and beyond, up to about the expected peak level.
            end = parse_time_value(item["end"]) if item["end"] else t[-1] + 1
            during = v[(t >= onset - 3000) & (t <= end)]
            reached = levels_of(during[None, :], sensors.levels[[row]], sensors.high[[row]])[0]
            assert reached.max() > 0
            best = reached[reached > 0].min()
            assert abs(best - ("I", "II", "III", "IV").index(item["peak_level"]) - 1) <= 1, item
            # Before the event's physical onset the sensor was normal.
            before = v[t < parse_time_value(event["physical_onset"])]
            assert len(before) and levels_of(before[None, :], sensors.levels[[row]], sensors.high[[row]]).max() == 0


def test_rain_gauges_report_every_five_minutes_and_river_levels_lag_the_rain(generated, sensors):
    result, batch, _ = generated
    for gauge in sensors.ids[sensors.quantity == "rain_1h"]:
        t, _ = readings_of(batch, gauge)
        assert set(np.round(np.diff(t) / 60_000).astype(int)) <= {4, 5, 6}
    rain = result.truth_data["events"][0]
    river = [s for s in rain["sensors"] if s["quantity"] == "river_level"]
    assert river, "the storm raised no river gauge past level IV"
    # The catchment takes at least its lag (20 minutes or more) to answer.
    assert all(parse_time_value(s["onset"]) > parse_time_value(rain["physical_onset"]) + 20 * 60_000 for s in river)


def test_normal_sensors_stay_below_level_iv(generated, sensors):
    result, batch, _ = generated
    truth = result.truth_data
    busy = {s["sensor"] for e in truth["events"] for s in e["sensors"]}
    faulty = {f["sensor"] for f in truth["faults"]}
    # Sensors an event moves without reaching level IV are also calm ones.
    row_of = {str(s): i for i, s in enumerate(sensors.ids)}
    calm = [s for s in row_of if s not in busy and s not in faulty]
    assert len(calm) >= 15
    rows = np.array([row_of[s] for s in batch.sensor])
    levels = levels_of(batch.value[:, None], sensors.levels[rows], sensors.high[rows])[:, 0]
    alarmed = set(batch.sensor[levels > 0])
    assert alarmed & set(calm) == set()


def test_faults_are_listed_and_visible_in_the_feed(generated, sensors):
    result, batch, reader = generated
    faults = result.truth_data["faults"]
    assert {f["kind"] for f in faults} == {"spike", "stuck", "dropout", "chattering", "drift", "clock_skew"}
    row_of = {str(s): i for i, s in enumerate(sensors.ids)}
    for fault in faults:
        t, v = readings_of(batch, fault["sensor"])
        start, end = parse_time_value(fault["start"]), parse_time_value(fault["end"])
        inside = (t >= start - 3000) & (t < end - 3000)
        row = row_of[fault["sensor"]]
        if fault["kind"] == "dropout":
            assert not ((t >= start + 5000) & (t < end - 5000)).any()
        elif fault["kind"] == "stuck":
            assert len(np.unique(v[inside])) == 1 and inside.sum() > 10
        elif fault["kind"] == "spike":
            level = levels_of(v[inside][None, :], sensors.levels[[row]], sensors.high[[row]]).max()
            assert level > 0 and level <= 2  # a spike to level II
        elif fault["kind"] == "drift":
            # Towards level IV, by 60 % of the way at the end, never past it.
            assert levels_of(v[None, :], sensors.levels[[row]], sensors.high[[row]]).max() == 0
            sign = 1 if sensors.high[row] else -1
            assert sign * (v[inside][-5:].mean() - v[t < start][-5:].mean()) > 0.4 * abs(fault["drift"])
        elif fault["kind"] == "clock_skew":
            # Stamped ahead while the clock was off: readings fall between the minute's slots.
            assert 60 <= fault["skew_s"] < 240
            ahead = (t >= start + fault["skew_s"] * 1000 - 3000) & (t < end + fault["skew_s"] * 1000)
            assert ahead.sum() > 10
        else:
            levels = levels_of(v[inside][None, :], sensors.levels[[row]], sensors.high[[row]])[0]
            assert 0.3 < (levels > 0).mean() < 0.7  # past level IV every other minute
    assert result.truth_data["noise"]["duplicate_lines"] == reader.duplicates_dropped
    assert reader.problems == []


def test_cap_warning_of_the_rainstorm_is_in_the_feed(generated):
    from console.feeds.base import CapWarning

    result, _, _ = generated
    caps = [e for e in read_feed(result.feed) if isinstance(e, CapWarning)]
    assert len(caps) == 1 and "Rainstorm" in caps[0].xml and "暴雨" in caps[0].xml
    storm_onset = parse_time_value(result.truth_data["events"][0]["physical_onset"])
    assert caps[0].t_ms == storm_onset - 20 * 60_000
    from defusedxml.ElementTree import fromstring

    alert = fromstring(caps[0].xml)
    ns = {"cap": "urn:oasis:names:tc:emergency:cap:1.2"}
    assert parse_time_value(alert.find("cap:sent", ns).text) == caps[0].t_ms
    assert alert.find("cap:identifier", ns).text and alert.find("cap:info/cap:severity", ns).text in ("Severe", "Extreme")


def test_scenario_names():
    assert parse_scenario_name("rainstorm+gas-leak") == ["rainstorm", "gas-leak"]
    with pytest.raises(InputError, match="unknown scenario 'flood'"):
        parse_scenario_name("flood")
    with pytest.raises(InputError, match="same event twice"):
        parse_scenario_name("gas-leak+gas-leak")


def test_command_writes_feed_and_truth_from_sensor_files(tmp_path, capsys):
    layer = tmp_path / "sensors.geojson"
    sensor_frame().to_file(layer, driver="GeoJSON")
    parser = argparse.ArgumentParser()
    scenario_command.add_arguments(parser)
    args = parser.parse_args(["hazmat-tank+bridge-overload", "--sensors", str(layer), "--out",
                              str(tmp_path / "f.jsonl.gz"), "--truth", str(tmp_path / "t.json"), "--seed", "4",
                              "--hours", "3", "--start", "2026-08-01T06:00:00+08:00"])
    assert scenario_command.run(args) == 0
    truth = json.loads((tmp_path / "t.json").read_text())
    assert truth["start"] == "2026-08-01T06:00:00+08:00" and truth["end"] == "2026-08-01T09:00:00+08:00"
    assert [e["kind"] for e in truth["events"]] == ["hazmat-tank", "bridge-overload"]
    span = read_feed(tmp_path / "f.jsonl.gz").time_span()
    assert parse_time_value(truth["start"]) <= span[0] < parse_time_value(truth["start"]) + 120_000
    out = capsys.readouterr().out
    assert "hazmat-tank-1" in out and "readings from" in out


def test_command_refuses_a_layer_without_the_sensors_a_scenario_needs(tmp_path):
    layer = tmp_path / "sensors.geojson"
    frame = sensor_frame()
    frame[frame["quantity"] != "tank_temperature"].to_file(layer, driver="GeoJSON")
    parser = argparse.ArgumentParser()
    scenario_command.add_arguments(parser)
    args = parser.parse_args(["hazmat-tank", "--sensors", str(layer), "--out", str(tmp_path / "f.jsonl"),
                              "--truth", str(tmp_path / "t.json")])
    with pytest.raises(InputError, match="no tank_temperature sensors"):
        scenario_command.run(args)


def test_with_a_quiet_interval_calm_sensors_report_less_and_event_sensors_every_minute(sensors, tmp_path):
    result = generate_scenario("gas-leak", sensors, tmp_path / "f.jsonl.gz", tmp_path / "t.json", seed=3, hours=4,
                               quiet_interval_min=10)
    batch = ReadingBatch.concat([e for e in read_feed(result.feed) if isinstance(e, ReadingBatch)])
    truth = result.truth_data
    leak = truth["events"][0]
    first = leak["sensors"][0]
    t, _ = readings_of(batch, first["sensor"])
    onset = parse_time_value(first["onset"])
    around = np.diff(t[(t >= onset - 3000) & (t < onset + 10 * 60_000)]) / 60_000
    assert around.size and np.all(np.round(around) <= 1)
    assert np.any(np.abs(t - onset) <= 3000)  # the onset reading is in the feed
    busy = {s["sensor"] for s in leak["sensors"]} | {f["sensor"] for f in truth["faults"]}
    calm = next(s for s in sensors.ids if s not in busy and sensors.quantity[list(sensors.ids).index(s)] == "strain")
    t, _ = readings_of(batch, calm)
    assert set(np.round(np.diff(t) / 60_000).astype(int)) == {10}
    assert truth["noise"]["quiet_interval_s"] == 600
