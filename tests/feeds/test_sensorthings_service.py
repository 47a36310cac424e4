"""The local service answers as SensorThings 1.1 defines (so that the adapter's tests mean something),
the client walks it and names every failure, and ``console info sensorthings+URL`` lists what it offers."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from console.feeds.sensorthings.catalog import describe_service, discover
from console.feeds.sensorthings.client import Failure, ServiceClient, ServiceError
from tests.feeds.sta_helpers import add_observations, small_city
from tests.feeds.sta_service import StaService


@pytest.fixture
def service():
    with StaService(max_top=10, default_top=4) as running:
        small_city(running)
        add_observations(running, 0, 23, per_time=3)
        yield running


@pytest.fixture
def client(service):
    with ServiceClient(service.root, "source 'test'") as opened:
        yield opened


def test_paging_follows_next_links_with_top_and_skip(client):
    pages = list(client.pages("Observations", {"$top": "5", "$orderby": "id asc", "$count": "true"}))
    assert [len(p.values) for p in pages] == [5, 5, 5, 5, 3]
    assert [p.count for p in pages] == [23] * 5
    assert "%24skip=5" in pages[1].url and pages[-1].next_link is None
    assert [o["@iot.id"] for p in pages for o in p.values] == list(range(23))
    # $top above the service's limit is capped, with a nextLink for the rest; no $top gives the default.
    assert len(client.page("Observations", {"$top": "100"}).values) == 10
    assert len(client.page("Observations").values) == 4


def test_filter_on_phenomenon_time_and_orderby(client):
    ge = client.page("Observations", {"$filter": "phenomenonTime ge 2026-07-21T03:02:00.000Z",
                                      "$orderby": "phenomenonTime asc,id asc", "$top": "10"})
    assert [o["@iot.id"] for o in ge.values] == list(range(6, 16))
    gt = client.page("Observations", {"$filter": "phenomenonTime gt 2026-07-21T03:02:00Z",
                                      "$orderby": "phenomenonTime desc,id desc", "$top": "3"})
    assert [o["@iot.id"] for o in gt.values] == [22, 21, 20]
    window = client.page("Observations", {"$filter": "phenomenonTime ge 2026-07-21T03:01:00Z and "
                                                     "phenomenonTime lt 2026-07-21T03:02:00Z", "$count": "true"})
    assert window.count == 3


def test_expand_with_nested_options_and_select(client):
    page = client.page("Datastreams", {"$expand": "Thing($expand=Locations;$select=id,name),ObservedProperty,Sensor",
                                       "$top": "1"})
    [datastream] = page.values
    assert datastream["Thing"]["name"] == "Gas station 1"
    assert set(datastream["Thing"]) == {"@iot.id", "name", "Locations"}
    assert datastream["Thing"]["Locations"][0]["location"] == {"type": "Point", "coordinates": [114.3, 30.6]}
    assert datastream["ObservedProperty"]["name"] == "gas_lel"
    assert datastream["Observations@iot.navigationLink"].endswith("/Datastreams(1)/Observations")
    observation = client.page("Observations", {"$expand": "Datastream($select=id)", "$select": "id,result",
                                               "$top": "1"}).values[0]
    assert observation == {"@iot.id": 0, "result": 0.0, "Datastream": {"@iot.id": 1}}
    navigated = client.page("Datastreams(3)/Observations", {"$count": "true", "$top": "0"})
    assert navigated.count == 7 and navigated.values == []


def test_a_query_the_service_cannot_answer_is_an_http_400_named_with_its_url(client, service):
    with pytest.raises(ServiceError) as caught:
        client.page("Observations", {"$filter": "result gt 5"})
    error = caught.value
    assert error.kind is Failure.HTTP_ERROR and error.status == 400 and not error.retryable
    assert str(error).startswith(f"source 'test': {service.root}/Observations?%24filter=result+gt+5: HTTP 400")
    assert "cannot filter on 'result'" in str(error)


def test_an_answer_that_is_not_a_collection_is_named(client, service):
    with pytest.raises(ServiceError, match="not a SensorThings collection") as caught:
        client.page("Things(1)")
    assert caught.value.kind is Failure.NOT_A_COLLECTION
    service.faults.append(("status", 503))
    with pytest.raises(ServiceError, match="HTTP 503") as caught:
        client.get("")
    assert caught.value.retryable


def test_a_next_link_back_to_a_page_already_read_is_a_paging_loop(client, service):
    service.faults.append(("loop",))
    with pytest.raises(ServiceError, match="paging loop") as caught:
        list(client.pages("Observations", {"$top": "5"}))
    assert caught.value.kind is Failure.PAGING_LOOP
    with pytest.raises(ServiceError, match="more than 2 pages"):
        list(client.pages("Observations", {"$top": "5"}, max_pages=2))


def test_discovery_walks_every_datastream_with_thing_location_property_and_sensor(service):
    with ServiceClient(service.root, "s") as client:
        found = discover(client, page_size=3)
    assert [d.key for d in found.datastreams] == ["1", "2", "3", "4"]
    first = found.datastreams[0]
    assert (first.thing, first.property, first.unit, first.sensor, first.located_by) == \
        ("Gas station 1", "gas_lel", "%LEL", "sensor GAS-1 LEL", "Location")
    assert first.thing_properties == {"category": "gas", "owner": "Gas Co."}
    assert found.problems == ("Datastream 4 'RG-4 rain': no position: its Thing has no point Location and its "
                              "observedArea is not a point",)
    assert any("%24skip=3" in r for r in service.requests if "/Datastreams" in r)


def test_describe_service_counts_what_it_offers(service):
    with ServiceClient(service.root, "s") as client:
        offered = describe_service(client)
    assert offered["counts"] == {"Things": 4, "Locations": 3, "Datastreams": 4, "Observations": 23}
    assert "Observations" in offered["collections"]
    assert [d["id"] for d in offered["datastreams"]] == ["1", "2", "3", "4"]


def test_console_info_lists_a_service(service):
    url = f"sensorthings+{service.root}"
    result = subprocess.run([sys.executable, "-m", "console", "info", url], capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == f"{url}: SensorThings service"
    assert "Things 4   Locations 3   Datastreams 4   Observations 23" in result.stdout
    assert any(line.split()[:2] == ["1", "'GAS-1"] and "gas_lel (%LEL)" in line and "category gas" in line
               for line in lines)
    assert "Datastream 4 'RG-4 rain': no position" in result.stdout
    as_json = subprocess.run([sys.executable, "-m", "console", "info", url, "--json"], capture_output=True,
                             text=True, timeout=60)
    assert json.loads(as_json.stdout)["counts"]["Observations"] == 23


def test_console_info_names_an_unreachable_service():
    url = "sensorthings+http://127.0.0.1:9/FROST-Server/v1.1"
    result = subprocess.run([sys.executable, "-m", "console", "info", url], capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 2
    assert result.stderr.startswith(f"console info: {url}: http://127.0.0.1:9/FROST-Server/v1.1: cannot reach")
