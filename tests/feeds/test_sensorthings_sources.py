"""``kind = "sensorthings"`` in the sources file, and the sensor layer a service supplies through it."""

from __future__ import annotations

import dataclasses
import re

import pytest

from console.errors import InputError
from console.feeds.sensorthings.adapter import SensorThingsFeedAdapter
from console.feeds.sensorthings.mapping import SensorMapping
from console.model.sensors import SensorTable
from console.sources import SensorThingsSource, build_adapters, parse_sources, supplied_sensor_layers
from tests.feeds.sta_helpers import T0, Collector, add_observations, small_city
from tests.feeds.sta_service import StaService

WATER = """
[[source]]
kind = "sensorthings"
name = "water-dept"
url = "http://127.0.0.1:8080/FROST-Server/v1.1/"
poll_s = 15
id = "WD-{thing_id}-{id}"
since = "2026-07-21T11:00:00+08:00"

[source.mapping]
owner = "City Water Bureau"

[source.mapping.property."Water Level"]
category = "water_level"
quantity = "river_level"

[source.mapping.thing."Gauge 7"]
owner = "Gauge crew"
district = "Jiang'an"
"""


def test_a_sensorthings_source_loads_as_a_frozen_config():
    [source] = parse_sources(WATER, "/etc/console/sources.toml")
    assert isinstance(source, SensorThingsSource)
    assert (source.name, source.url, source.poll_s, source.id) == \
        ("water-dept", "http://127.0.0.1:8080/FROST-Server/v1.1", 15.0, "WD-{thing_id}-{id}")
    assert source.since == "2026-07-21T11:00:00+08:00"
    assert source.mapping == SensorMapping(
        default=(("owner", "City Water Bureau"),),
        properties=(("Water Level", (("category", "water_level"), ("quantity", "river_level"))),),
        things=(("Gauge 7", (("owner", "Gauge crew"), ("district", "Jiang'an"))),))
    with pytest.raises(dataclasses.FrozenInstanceError):
        source.poll_s = 1
    [default] = parse_sources('[[source]]\nkind = "sensorthings"\nname = "s"\nurl = "https://h/v1.1"\n')
    assert (default.poll_s, default.id, default.page_size, default.since, default.mapping) == \
        (30.0, "{id}", 1000, None, SensorMapping())


@pytest.mark.parametrize(("line", "key", "problem"), [
    ('colour = "red"', "colour", "unknown key 'colour' for kind 'sensorthings'"),
    ('url = "ftp://h/v1.1"', "url", "must be an http:// or https:// URL"),
    ('url = "http://h/v1.1?$top=5"', "url", "without a query"),
    ("poll_s = 0", "poll_s", "must be a positive number"),
    ('id = "{thing_name}"', "id", "{thing_name} is not one of"),
    ('id = "STA"', "id", "names no field"),
    ("page_size = 0", "page_size", "at least 1"),
    ('since = "yesterday"', "since", "RFC 3339"),
    ('mapping = "gas"', "mapping", "must be a table"),
    ('mapping = { colour = "red" }', "mapping.colour", "unknown key 'colour'"),
    ('mapping = { category = "sewer" }', "mapping.category", "'sewer' is not one of gas"),
    ('mapping = { owner = 5 }', "mapping.owner", "must be a non-empty string"),
    ('mapping = { property = { "Level" = { catgory = "gas" } } }', "mapping.property.'Level'.catgory",
     "unknown key 'catgory'"),
    ('mapping = { thing = "x" }', "mapping.thing", "must hold tables"),
])
def test_every_sensorthings_key_is_checked_and_named(line, key, problem):
    url = "" if line.startswith("url") else 'url = "http://h/v1.1"\n'
    text = f'[[source]]\nkind = "sensorthings"\nname = "water"\n{url}{line}\n'
    with pytest.raises(InputError, match=re.escape(problem)) as caught:
        parse_sources(text, "s.toml")
    assert str(caught.value).startswith(f"s.toml: source #1 'water'.{key}: ")


def test_a_sensorthings_source_needs_a_url():
    with pytest.raises(InputError, match="'url' is required for kind 'sensorthings'"):
        parse_sources('[[source]]\nkind = "sensorthings"\nname = "s"\n')


def test_the_service_supplies_its_sensor_layer_and_the_adapter_feeds_it():
    with StaService() as service:
        small_city(service)
        add_observations(service, 0, 9)
        text = f'[[source]]\nkind = "sensorthings"\nname = "city"\nurl = "{service.root}"\nid = "STA-{{id}}"\n' \
               'poll_s = 0.05\nsince = "2026-07-21T03:00:00Z"\n'
        sources = parse_sources(text, "sources.toml")
        supplied = supplied_sensor_layers(sources)
        [layer] = supplied.layers
        table = SensorTable.from_layers(supplied.layers)
        assert table.ids.tolist() == ["STA-1", "STA-2", "STA-3"]
        assert table.category.tolist() == ["gas", "gas", "rainfall"]
        assert table.quantity.tolist() == ["gas_lel", "gas_lel", "rain_1h"]
        assert table.owner.tolist() == ["Gas Co.", "Gas Co.", "Met Bureau"]
        assert table.unit.tolist() == ["%LEL", "%LEL", "mm"]
        assert layer.is_sensor_layer and layer.name == "city"
        assert 12.72e6 < table.x[0] < 12.73e6  # 114.3 E in Web Mercator metres
        [problem] = supplied.problems
        assert problem.startswith(f"sources.toml: source 'city': {service.root}: Datastream 4 'RG-4 rain': left out")
        assert "no position" in problem
        [adapter] = build_adapters(sources, known_sensors=table.ids.tolist(), discoveries=supplied.discoveries)
        assert isinstance(adapter, SensorThingsFeedAdapter) and adapter.cursor.since_ms == T0
        discoveries = len([r for r in service.requests if "/Datastreams" in r])
        collector = Collector(adapter)
        adapter.start()
        try:
            collector.wait_for(9)
        finally:
            adapter.stop()
        # The adapter took the discovery it was given rather than asking again.
        assert len([r for r in service.requests if "/Datastreams" in r]) == discoveries
    assert sorted(set(collector.readings.sensor.tolist())) == ["STA-1", "STA-2", "STA-3"]


def test_an_unreachable_service_is_named_when_it_should_supply_sensors():
    sources = parse_sources('[[source]]\nkind = "sensorthings"\nname = "city"\nurl = "http://127.0.0.1:9/v1.1"\n'
                            "timeout_s = 2\n", "sources.toml")
    with pytest.raises(InputError) as caught:
        supplied_sensor_layers(sources)
    message = str(caught.value)
    assert message.startswith("sources.toml: source 'city': http://127.0.0.1:9/v1.1/Datastreams?")
    assert "cannot reach the service" in message
