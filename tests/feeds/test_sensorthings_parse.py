"""SensorThings entities into the console's terms: Datastreams, Observations as columns, the resume cursor.

Pure functions, no HTTP: the real BGS FROST responses in ../shared/realdata/sta,
hand-made entities for the edge cases, and Hypothesis for what a service may send.
"""

from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from console.feeds.sensorthings.catalog import Discovery, supplied_sensors
from console.feeds.sensorthings.client import collection_page
from console.feeds.sensorthings.entities import Reason, parse_datastream, parse_observations
from console.feeds.sensorthings.mapping import SensorMapping, check_id_template, quantity_name, sensor_id
from console.feeds.sensorthings.polling import ObservationCursor, odata_time
from console.feeds.timefmt import parse_time_value
from console.model.readings import Quality

T0 = parse_time_value("2026-07-21T03:00:00Z")


def observation(oid, minute, result=1.0, datastream=7, **extra):
    return {"@iot.id": oid, "phenomenonTime": f"2026-07-21T03:{minute:02d}:00.000Z", "result": result,
            "Datastream": {"@iot.id": datastream}, **extra}


def located_datastream(key=7, **thing):
    return {"@iot.id": key, "name": f"DS {key}", "unitOfMeasurement": {"name": "metre", "symbol": "m"},
            "ObservedProperty": {"name": "Water Level", "definition": "urn:wl"}, "Sensor": {"name": "radar"},
            "Thing": {"@iot.id": 3, "name": "Station 3", "properties": thing,
                      "Locations": [{"encodingType": "application/geo+json",
                                     "location": {"type": "Point", "coordinates": [114.3, 30.6]}}]}}


# --- real FROST responses -------------------------------------------------------------


def test_real_frost_datastreams_are_located_by_their_observed_area(realdata):
    grouped = json.loads((realdata / "sta" / "bgs_frost_v1.1_datastreams_grouped_by_foi.json").read_text())
    entities = [d for group in grouped.values() for d in group]
    parsed = [parse_datastream(entity) for entity in entities]
    assert len(parsed) == 102
    assert all(problem is None for _, problem in parsed)
    first = next(d for d, _ in parsed if d.key == "92")
    assert (first.name, first.unit, first.located_by) == ("GGA01_01 Water Level mbd", "m", "observedArea")
    assert (first.lon, first.lat) == pytest.approx((-4.200163329, 55.839415117))
    # Without a Thing the service says no category: the source's mapping must.
    discovery = Discovery("https://sensors.example/v1.1", tuple(d for d, _ in parsed))
    unmapped = supplied_sensors(discovery)
    assert len(unmapped) == 0 and len(unmapped.problems) == 102
    assert "no category" in unmapped.problems[0]
    mapped = supplied_sensors(discovery, "BGS-{id}",
                              SensorMapping(default=(("category", "water_level"), ("quantity", "river_level"))))
    assert len(mapped) == 102 and mapped.problems == ()
    assert "BGS-92" in mapped.columns["id"]


def test_real_frost_observation_page_and_values(realdata):
    folder = realdata / "sta"
    document = json.loads((folder / "bgs_frost_v1.1_observations_page.json").read_text())
    page = collection_page(document, "https://sensors.bgs.ac.uk/FROST-Server/v1.1/Datastreams(1)/Observations", "s")
    assert page.count == 18432
    assert page.next_link.startswith("https://sensors.bgs.ac.uk/FROST-Server/v1.1/Datastreams(1)/Observations?")
    assert "$skip=500" in page.next_link
    columns = parse_observations(page.values, datastream="1")
    assert columns.rejected == [] and columns.usable.all()
    assert columns.value.tolist() == [1009.86, 1008.17, 1005.7]
    assert columns.t_ms[0] == parse_time_value("2023-03-28T10:30:00Z")
    assert (columns.quality == Quality.GOOD).all()  # resultQuality {"quality": "Good", ...}

    values = json.loads((folder / "bgs_frost_v1.1_observations_values.json").read_text())
    columns = parse_observations(values, datastream="1")
    assert len(columns) == 101 and columns.usable.all()
    assert len(set(columns.ids)) == 101
    assert columns.datastream.tolist() == ["1"] * 101


# --- Datastreams ------------------------------------------------------------------------


def test_datastream_takes_position_from_its_things_location_and_says_when_it_has_none():
    datastream, problem = parse_datastream(located_datastream(category="water_level", owner="Water Bureau"))
    assert problem is None
    assert (datastream.key, datastream.thing, datastream.property, datastream.unit, datastream.sensor) == \
        ("7", "Station 3", "Water Level", "m", "radar")
    assert (datastream.lon, datastream.lat, datastream.located_by) == (114.3, 30.6, "Location")

    lost = located_datastream()
    lost["Thing"]["Locations"] = [{"encodingType": "application/geo+json",
                                   "location": {"type": "Polygon", "coordinates": []}}]
    datastream, problem = parse_datastream(lost)
    assert datastream.located_by == "" and "no position" in problem
    assert parse_datastream([1, 2]) == (None, "a Datastream that is not a JSON object")
    assert parse_datastream({"name": "x"})[1] == "a Datastream without an @iot.id"


def test_sensor_attributes_come_from_thing_properties_then_the_mapping_tables():
    datastream, _ = parse_datastream(located_datastream(category="water_level", owner="Water Bureau"))
    mapping = SensorMapping(default=(("owner", "City"), ("district", "Jiang'an")),
                            properties=(("Water Level", (("quantity", "river_level"),)),),
                            things=(("Station 3", (("owner", "Station crew"),)),))
    assert mapping.attributes(datastream) == {"owner": "Station crew", "district": "Jiang'an",
                                              "category": "water_level", "quantity": "river_level"}
    sensors = supplied_sensors(Discovery("u", (datastream,)), "WL-{thing_id}-{id}", mapping)
    assert sensors.columns["id"] == ["WL-3-7"]
    assert sensors.columns["quantity"] == ["river_level"] and sensors.columns["unit"] == ["m"]
    # Without a quantity in the mapping, the ObservedProperty's name is the quantity.
    assert supplied_sensors(Discovery("u", (datastream,))).columns["quantity"] == ["water_level"]


def test_two_datastreams_given_one_id_by_the_template_keep_the_first():
    a, _ = parse_datastream(located_datastream(7, category="water_level"))
    b, _ = parse_datastream(located_datastream(8, category="water_level"))
    sensors = supplied_sensors(Discovery("u", (a, b)), "{thing}")
    assert sensors.columns["id"] == ["Station 3"]
    assert "gives it the id 'Station 3' of Datastream 7" in sensors.problems[0]


def test_id_template_checks():
    check_id_template("STA-{id}")
    for bad, said in (("{nope}", "is not one of"), ("fixed", "names no field"), ("{id", "not a template"),
                      ("{id!r}", "is not one of")):
        with pytest.raises(ValueError, match=said):
            check_id_template(bad)
    datastream, _ = parse_datastream(located_datastream())
    assert sensor_id(datastream, "{sensor}/{property}") == "radar/Water Level"
    assert quantity_name(" Water  Level (mbd) ") == "water_level_mbd"


# --- Observations ---------------------------------------------------------------------------


def test_observations_into_columns_with_reasons_for_the_unusable():
    values = [
        observation(1, 0, 2.5),
        observation(2, 1, "high"),
        observation(3, 2, None),
        {"@iot.id": 4, "phenomenonTime": "2026-07-21T03:00:00Z/2026-07-21T04:00:00Z", "result": 12,
         "Datastream": {"@iot.id": "rain-1"}, "resultQuality": "suspect"},
        {"@iot.id": 5, "phenomenonTime": "2026-07-21 03:00", "result": 1, "Datastream": {"@iot.id": 7}},
        {"phenomenonTime": "2026-07-21T03:00:00Z", "result": 1},
        {"@iot.id": 6, "result": 1},
        "not an object",
        observation(7, 3, 1.0, resultQuality={"quality": "BAD"}),
        {"@iot.id": 8, "phenomenonTime": "2026-07-21T03:05:00Z", "result": 4.0},
    ]
    columns = parse_observations(values)
    assert columns.ids == [1, 2, 3, 4, 7, 8]
    assert columns.usable.tolist() == [True, False, False, True, True, False]
    reasons = [p[0] for p in columns.problem.tolist() if p is not None]
    assert reasons == [Reason.NOT_A_NUMBER, Reason.NOT_A_NUMBER, Reason.MISSING_FIELD]
    assert {r for _, r, _ in columns.rejected} == {Reason.BAD_TIME, Reason.MISSING_FIELD, Reason.MALFORMED}
    assert len(columns.rejected) == 4
    # An interval: ordered by its start, read at its end.
    row = columns.ids.index(4)
    assert columns.start_ms[row] == T0 and columns.t_ms[row] == T0 + 3_600_000
    assert columns.datastream[row] == "rain-1" and columns.quality[row] == Quality.SUSPECT
    assert columns.quality[columns.ids.index(7)] == Quality.BAD


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(
    st.dictionaries(st.sampled_from(["@iot.id", "phenomenonTime", "result", "Datastream", "resultQuality"]),
                    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=30),
                              st.just("2026-07-21T03:00:00Z"), st.just({"@iot.id": 1}),
                              st.dictionaries(st.text(max_size=5), st.integers(), max_size=2))),
    st.integers(), st.text(max_size=5), st.none()), max_size=20))
def test_any_page_of_observations_parses_without_raising(values):
    columns = parse_observations(values)
    # Every entity is either a row or a rejection, never lost and never raised.
    assert len(columns) + len(columns.rejected) == len(values)
    usable = columns.usable
    assert np.isfinite(columns.value[usable]).all()
    assert np.isnan(columns.value[~usable]).all()


@settings(max_examples=200, deadline=None)
@given(st.recursive(st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=10)),
                    lambda inner: st.one_of(st.lists(inner, max_size=3),
                                            st.dictionaries(st.sampled_from(
                                                ["@iot.id", "Thing", "Locations", "location", "type",
                                                 "coordinates", "observedArea", "name", "properties",
                                                 "unitOfMeasurement", "encodingType"]), inner, max_size=4)),
                    max_leaves=20))
def test_any_datastream_entity_parses_without_raising(entity):
    datastream, problem = parse_datastream(entity)
    assert datastream is not None or problem is not None
    if datastream is not None and datastream.located_by:
        assert -180 <= datastream.lon <= 180 and -90 <= datastream.lat <= 90


# --- the resume cursor ------------------------------------------------------------------------


def test_cursor_asks_from_the_latest_time_inclusive_and_drops_what_it_took():
    cursor = ObservationCursor(T0)
    query = cursor.query(4)
    assert query["$filter"] == "phenomenonTime ge 2026-07-21T03:00:00.000Z"
    assert query["$orderby"] == "phenomenonTime asc,id asc" and query["$top"] == "4"
    # Page 1 ends inside a run of equal times: 1, 2 at minute 0; 3, 4 at minute 1 (5, 6 also at minute 1).
    first = parse_observations([observation(1, 0), observation(2, 0), observation(3, 1), observation(4, 1)])
    assert cursor.fresh(first).all()
    cursor.end_walk()
    assert cursor.since_ms == T0 + 60_000 and cursor.remembered == 2
    assert "03:01:00.000Z" in cursor.query(4)["$filter"]
    # The next walk starts at minute 1 inclusive: 3 and 4 come again and are dropped, 5 and 6 are new.
    second = parse_observations([observation(3, 1), observation(4, 1), observation(5, 1), observation(6, 1)])
    assert cursor.fresh(second).tolist() == [False, False, True, True]
    # Within one walk a $skip page may repeat the entity before it: every id of the walk is remembered.
    third = parse_observations([observation(6, 1), observation(9, 2)])
    assert cursor.fresh(third).tolist() == [False, True]
    cursor.end_walk()
    assert cursor.since_ms == T0 + 120_000 and cursor.remembered == 1
    # An observation older than where the walk began (a service that ignored the filter) is not taken.
    cursor.query(4)
    assert cursor.fresh(parse_observations([observation(10, 0)])).tolist() == [False]


def test_odata_time_is_utc_with_milliseconds():
    assert odata_time(T0 + 5) == "2026-07-21T03:00:00.005Z"


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.none(), st.integers(), st.text(max_size=10), st.lists(st.integers(), max_size=3),
                 st.dictionaries(st.sampled_from(["value", "@iot.nextLink", "@iot.count"]),
                                 st.one_of(st.none(), st.integers(), st.text(max_size=20),
                                           st.sampled_from(["a:b", "mailto:x", "?$skip=5", "//other/v1.1"]),
                                           st.lists(st.integers(), max_size=3)), max_size=3)))
def test_any_decoded_answer_is_a_page_or_a_named_refusal(document):
    from console.feeds.sensorthings.client import Failure, ServiceError

    try:
        page = collection_page(document, "http://h/v1.1/Observations", "source 's'")
    except ServiceError as exc:
        assert exc.kind is Failure.NOT_A_COLLECTION
        assert str(exc).startswith("source 's': http://h/v1.1/Observations: ")
    else:
        assert isinstance(page.values, list)
        assert page.next_link is None or page.next_link.startswith("http")
