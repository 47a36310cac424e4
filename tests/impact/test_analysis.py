"""Impact answers on the hand-made city (tests/impact/handmade.py), where each is known."""

from __future__ import annotations

import csv
import json

import numpy as np
import pytest

from console.errors import InputError
from console.impact import ImpactContext, write_csv, write_geojson
from tests.impact import handmade


@pytest.fixture(scope="module")
def city(tmp_path_factory):
    return handmade.write_city(tmp_path_factory.mktemp("handmade"))


@pytest.fixture(scope="module")
def context(city):
    return ImpactContext.from_catalog(city)


@pytest.fixture(scope="module")
def gas(context):
    return context.analyse(handmade.GAS_SENSOR, night=False)


def test_radius_comes_from_the_category_table_and_says_so(gas):
    assert gas.radius_m == 300.0
    assert gas.radius_source.startswith("gas: ") and "radii.toml" in gas.radius_source


def test_facilities_inside_the_radius_with_distance_and_people(gas):
    assert [(f.id, f.kind) for f in gas.facilities] == [("F1", "school"), ("F2", "hospital")]
    assert [f.distance_m for f in gas.facilities] == pytest.approx([np.hypot(190, 45), np.hypot(260, 65)], abs=0.5)
    assert gas.people == 800 + 300


def test_the_valves_that_isolate_the_leak(gas):
    assert sorted(v.id for v in gas.valves) == ["V1", "V2", "V3"]
    assert [v.id for v in gas.valves][0] in ("V1", "V3")  # nearest first (490 and 495 m away)
    assert all(v.layer == "gas_valves" for v in gas.valves)


def test_segments_cut_off_between_the_valves_and_beyond(gas):
    section = sorted((s.pipe_id, round(s.length_m)) for s in gas.segments if s.in_section)
    beyond = sorted((s.pipe_id, round(s.length_m)) for s in gas.segments if not s.in_section)
    assert section == [("P1", 500), ("P2", 500), ("P3", 500)]
    assert beyond == [("P1", 500)]  # the west end of P1, fed only through the section
    assert {s.road for s in gas.segments if s.pipe_id in ("P1", "P2")} == {"东湖路"}


def test_facilities_cut_off_are_those_served_by_the_dry_segments(gas):
    assert sorted(f.id for f in gas.cut_off_facilities) == ["F1", "F2", "F3"]
    assert gas.cut_off_people == 800 + 300 + 2000
    assert all(f.cut_off for f in gas.facilities)  # both facilities inside lose their gas too


def test_nearest_by_road_is_not_nearest_as_the_crow_flies(gas):
    fire = [r for r in gas.resources if r.kind == "fire_rescue"]
    assert [r.id for r in fire] == ["B", "A"]  # B first by road
    b, a = fire
    assert a.straight_m < b.straight_m
    assert a.straight_m == pytest.approx(645.0, abs=0.5)
    assert b.road_m == pytest.approx(205 + 1510 + 50, abs=1.0)
    assert a.road_m == pytest.approx(205 + 1990 + 900 + 1990 + 50, abs=1.0)
    # R1 is an arterial (40 km/h); the two legs off the road at 10 km/h
    assert b.minutes == pytest.approx(1510 / (40_000 / 60) + 255 / (10_000 / 60), abs=0.05)
    assert b.route[0] == pytest.approx([gas.x, gas.y]) and b.route[-1] == pytest.approx([1500, -250])


def test_a_unit_on_a_road_island_is_unreachable_and_said_so(gas):
    medical = [r for r in gas.resources if r.kind == "medical"]
    assert [r.id for r in medical] == ["D"] and medical[0].road_m is None and medical[0].minutes is None
    unreachable = [n for n in gas.notes if n.code == "unreachable"]
    assert len(unreachable) == 1 and "孤岛急救站" in unreachable[0].en and "道路不连通" in unreachable[0].zh


def test_a_sensor_on_no_pipe_gets_no_trace_but_the_rest(context):
    result = context.analyse(handmade.FAR_SENSOR, night=False)
    assert [n.code for n in result.notes if n.code == "sensor_on_no_pipe"] == ["sensor_on_no_pipe"]
    assert "500 m away" in next(n.en for n in result.notes if n.code == "sensor_on_no_pipe")
    assert result.valves == [] and result.segments == []
    assert result.facilities == []  # the nearest, F2 at (250, -60), is 506 m away
    assert {r.kind for r in result.resources} == {"fire_rescue", "gas_repair", "medical"}


def test_hazmat_substance_from_the_tank_it_watches(context):
    night = context.analyse(handmade.HAZMAT_SENSOR, night=True)
    assert night.substance.startswith("chlorine") and night.period == "night"
    assert (night.isolation_m, night.radius_m) == (600.0, 8000.0)
    assert "UN 1017" in night.radius_source and "large spill, night" in night.radius_source
    day = context.analyse(handmade.HAZMAT_SENSOR, night=False, spill="small")
    assert (day.isolation_m, day.radius_m) == (60.0, 400.0)


def test_a_substance_without_a_row_keeps_the_category_radius(context):
    result = context.analyse(handmade.HAZMAT_SENSOR, substance="unobtainium", night=False)
    assert result.radius_m == 500.0 and result.substance is None
    text = next(n.en for n in result.notes if n.code == "substance_unknown")
    assert "'unobtainium'" in text and "chlorine" in text
    assert result.resources  # the rest still answers


def test_substance_by_chinese_name_or_un_number(context):
    assert context.analyse(handmade.HAZMAT_SENSOR, substance="液氨", night=True).radius_m == 2000.0
    assert context.analyse(handmade.HAZMAT_SENSOR, substance="1075", night=True).radius_m == 800.0


def test_missing_facilities_and_resources_layers_are_named_and_the_trace_still_runs(tmp_path):
    catalog = handmade.write_city(tmp_path, facilities=False, resources=False)
    result = ImpactContext.from_catalog(catalog).analyse(handmade.GAS_SENSOR, night=False)
    codes = [n.code for n in result.notes]
    assert "no_facilities_layer" in codes and "no_resources_layer" in codes
    assert 'role = "facilities"' in next(n.en for n in result.notes if n.code == "no_facilities_layer")
    assert sorted(v.id for v in result.valves) == ["V1", "V2", "V3"]
    assert result.facilities == [] and result.resources == []


def test_pipes_that_do_not_meet_are_not_a_network(tmp_path):
    catalog = handmade.write_city(tmp_path, joined=False)
    result = ImpactContext.from_catalog(catalog).analyse(handmade.GAS_SENSOR, night=False)
    text = next(n.en for n in result.notes if n.code == "pipes_not_connected")
    assert "'gas_pipes' is not a connected network" in text and "6 separate pieces" in text
    # the sensor's own pipe still closes at its valve: P1 alone, from V1 to its open end
    assert [v.id for v in result.valves] == ["V1"]
    assert result.facilities  # the rest still shows


def test_unknown_sensor_is_an_input_error(context):
    with pytest.raises(InputError, match="no sensor with id 'NOPE'"):
        context.analyse("NOPE")


def test_exports_csv_and_geojson(gas, tmp_path):
    rows = list(csv.DictReader(write_csv(gas, tmp_path / "impact.csv").open(encoding="utf-8-sig")))
    items = [r["item"] for r in rows]
    assert items.count("facility") == 2 and items.count("valve") == 3 and items.count("resource") == 4
    school = next(r for r in rows if r["id"] == "F1")
    assert school["name"] == "东湖小学" and school["people"] == "800" and school["cut_off"] == "1"
    b = next(r for r in rows if r["id"] == "B")
    assert float(b["road_m"]) == pytest.approx(1765, abs=1)
    data = json.loads(write_geojson(gas, tmp_path / "impact.geojson").read_text(encoding="utf-8"))
    kinds = [f["properties"]["item"] for f in data["features"]]
    assert kinds[0] == "radius" and data["features"][0]["geometry"]["type"] == "Polygon"
    assert kinds.count("valve") == 3 and kinds.count("segment") == 3 and kinds.count("segment_beyond") == 1
    assert kinds.count("route") == 3  # A, B and C are reachable; D is not
    lon, lat = data["features"][0]["geometry"]["coordinates"][0][0]
    assert abs(lon) < 0.05 and abs(lat) < 0.05  # around (0, 0)
