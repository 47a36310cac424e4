"""The SensorThings adapter against a real local service: every observation once, through outages and bad answers."""

from __future__ import annotations

import json
import socket

import pytest

from console.feeds.base import FeedStatus, adapter_class
from console.feeds.sensorthings import adapter as adapter_module
from console.feeds.sensorthings.adapter import SensorThingsFeedAdapter
from console.feeds.sensorthings.catalog import discover
from console.feeds.sensorthings.client import ServiceClient
from console.feeds.timefmt import parse_time_value
from tests.brokers import wait_until
from tests.feeds.sta_helpers import T0, Collector, add_observations, small_city
from tests.feeds.sta_service import StaService


@pytest.fixture
def service():
    with StaService(max_top=50) as running:
        small_city(running)
        yield running


def make_adapter(service, **options) -> SensorThingsFeedAdapter:
    settings = {"url": service.root, "poll_s": 0.05, "page_size": 4, "since_ms": T0, "retry_max_s": 0.2,
                "timeout_s": 2.0, **options}
    return SensorThingsFeedAdapter("city-sta", **settings)


def known_discovery(service):
    with ServiceClient(service.root, "test") as client:
        return discover(client)


def test_registered_as_sensorthings():
    assert adapter_class("sensorthings") is SensorThingsFeedAdapter


def test_every_observation_once_across_pages_that_split_equal_times(service):
    first = add_observations(service, 0, 50, per_time=3)  # 3 per minute, pages of 4: ties cross every page edge
    adapter = make_adapter(service)
    collector = Collector(adapter)
    adapter.start()
    try:
        collector.wait_for(50)
        collector.wait_status(FeedStatus.LIVE)
        # 5 per minute from the last minute taken (16): the first ones share its time.
        later = add_observations(service, 50, 25, per_time=5, start_minute=16)
        collector.wait_for(75)
    finally:
        adapter.stop()
    collector.take()
    collector.assert_each_once(first + later)
    readings = collector.readings
    # Sensor ids are the Datastreams' @iot.id (the default template); times are the observations' own.
    assert set(readings.sensor.tolist()) == {"1", "2", "3"}
    row = readings.value.tolist().index(7.0)
    assert readings.sensor[row] == "2" and readings.t_ms[row] == T0 + (7 // 3) * 60_000
    health = adapter.health()
    assert (health.received, health.accepted, health.rejected) == (75, 75, 0)
    assert health.repeats > 0  # each walk starts at the last time taken, inclusive
    assert health.datastreams == 4 and len(health.discovery_problems) == 1
    assert "Datastream 4 'RG-4 rain'" in health.discovery_problems[0]
    polls = [r for r in service.requests if r.startswith("/sta/v1.1/Observations")]
    assert any("%24skip=" in r for r in polls), "the adapter follows @iot.nextLink"
    assert all("phenomenonTime+ge+" in r and "%24top=4" in r and "Datastream%28%24select%3Did%29" in r
               for r in polls if "%24skip" not in r)


def test_a_stopped_and_restarted_service_loses_and_repeats_nothing(service):
    first = add_observations(service, 0, 30, per_time=4)
    adapter = make_adapter(service)
    collector = Collector(adapter)
    adapter.start()
    try:
        collector.wait_for(30)
        service.stop()
        during = add_observations(service, 30, 21, per_time=4)  # arrive while the service is down
        down = collector.wait_status(FeedStatus.FAILED)
        assert "city-sta" in down.message and service.root in down.message and "cannot reach" in down.message
        assert adapter.health().failures.get("unreachable", 0) >= 1
        service.start()  # the same port
        collector.wait_status(FeedStatus.LIVE, contains="polling")
        after = add_observations(service, 51, 13, per_time=4)
        collector.wait_for(64)
    finally:
        adapter.stop()
    collector.take()
    collector.assert_each_once(first + during + after)
    assert [s.status for s in collector.statuses][-1] is FeedStatus.IDLE


@pytest.mark.parametrize(("fault", "kind", "said"), [
    (("status", 500), "http_error", "HTTP 500"),
    (("status", 404), "http_error", "HTTP 404"),
    (("not_json",), "bad_json", "not JSON"),
    (("loop",), "paging_loop", "paging loop"),
    (("slow", 1.5), "timeout", "did not answer in time"),
])
def test_bad_answers_are_counted_shown_and_survived(service, fault, kind, said):
    ids = add_observations(service, 0, 20)
    discovery = known_discovery(service)
    service.faults.append(fault)  # for the first poll
    adapter = make_adapter(service, discovery=discovery, timeout_s=0.5)
    collector = Collector(adapter)
    adapter.start()
    try:
        failed = collector.wait_status(FeedStatus.FAILED)
        collector.wait_for(20)
        collector.wait_status(FeedStatus.LIVE, contains="polling")
    finally:
        adapter.stop()
    assert said in failed.message and "source 'city-sta'" in failed.message
    assert f"{service.root}/Observations" in failed.message
    assert adapter.health().failures == {kind: 1}
    assert said in adapter.health().last_error
    collector.take()
    collector.assert_each_once(ids)


def test_an_unreachable_service_at_start_is_retried_until_it_answers():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    service = StaService(port=port, max_top=50)
    small_city(service)
    ids = add_observations(service, 0, 10)
    adapter = make_adapter(service)
    collector = Collector(adapter)
    adapter.start()
    try:
        failed = collector.wait_status(FeedStatus.FAILED)
        assert f"{service.root}/Datastreams" in failed.message and "cannot reach the service" in failed.message
        with service:
            collector.wait_for(10)
    finally:
        adapter.stop()
    collector.assert_each_once(ids)


def test_refused_readings_are_counted_once_with_their_reason(service):
    add_observations(service, 0, 6)  # ids 0..5 on Datastreams 1, 2, 3
    service.add_observation(100, 1, "2026-07-21T03:05:00Z", "n/a")
    service.add_observation(101, 2, "2026-07-21T03:05:00Z", 2.5)
    adapter = make_adapter(service, known_sensors={"1", "2"})
    collector = Collector(adapter)
    adapter.start()
    try:
        collector.wait_for(5)
        polls = adapter.health().polls
        wait_until(lambda: adapter.health().polls >= polls + 3)  # the last minute is asked for again each walk
    finally:
        adapter.stop()
    collector.take()
    health = adapter.health()
    assert sorted(collector.values) == [0.0, 1.0, 2.5, 3.0, 4.0]
    assert health.rejected_by_reason == {"unknown_sensor": 2, "not_a_number": 1}
    assert health.rejected == health.rejected_lines == 3
    assert any("Observation 100: result 'n/a' is not a number" in detail for _, detail in health.recent_rejected)


def test_a_new_datastream_is_discovered_when_its_observations_come(service):
    adapter = make_adapter(service, discovery=known_discovery(service), rediscover_s=0)
    collector = Collector(adapter)
    adapter.start()
    try:
        collector.wait_status(FeedStatus.LIVE)
        service.add_thing(9, "New gauge", 114.4, 30.7, {"category": "rainfall"})
        service.add_datastream(9, 9, "RG-9 rain", "rain_1h", "mm")
        service.add_observation(900, 9, "2026-07-21T03:10:00Z", 9.0)
        collector.wait_for(1)
    finally:
        adapter.stop()
    assert collector.readings.sensor.tolist() == ["9"]
    assert adapter.health().datastreams == 5


def test_a_discovery_that_fails_midway_leaves_the_page_to_be_asked_again(service):
    adapter = make_adapter(service, discovery=known_discovery(service), rediscover_s=0)
    collector = Collector(adapter)
    adapter.start()
    try:
        collector.wait_status(FeedStatus.LIVE)
        service.faults_at.append(("/Datastreams", ("status", 502)))
        service.add_thing(9, "New gauge", 114.4, 30.7, {"category": "rainfall"})
        service.add_datastream(9, 9, "RG-9 rain", "rain_1h", "mm")
        service.add_observation(900, 9, "2026-07-21T03:10:00Z", 900.0)
        service.add_observation(901, 1, "2026-07-21T03:10:00Z", 901.0)
        failed = collector.wait_status(FeedStatus.FAILED)
        collector.wait_for(2)
    finally:
        adapter.stop()
    assert "HTTP 502" in failed.message and "/Datastreams" in failed.message
    collector.assert_each_once([900, 901])
    assert adapter.health().rejected == 0


def test_an_internal_error_never_escapes_the_worker(service, monkeypatch):
    ids = add_observations(service, 0, 8)
    real = adapter_module.parse_observations
    calls = []

    def once_broken(values, datastream=None):
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("broken on purpose")
        return real(values, datastream)

    monkeypatch.setattr(adapter_module, "parse_observations", once_broken)
    adapter = make_adapter(service)
    collector = Collector(adapter)
    adapter.start()
    try:
        failed = collector.wait_status(FeedStatus.FAILED)
        collector.wait_for(8)
        assert adapter.running
    finally:
        adapter.stop()
    assert "internal error: RuntimeError: broken on purpose" in failed.message
    collector.assert_each_once(ids)


def test_real_frost_observations_through_the_local_service(realdata):
    folder = realdata / "sta"
    grouped = json.loads((folder / "bgs_frost_v1.1_datastreams_grouped_by_foi.json").read_text())
    values = json.loads((folder / "bgs_frost_v1.1_observations_values.json").read_text())
    with StaService(max_top=25) as service:
        for group in grouped.values():
            for entity in group:
                fields = {k: v for k, v in entity.items() if k != "@iot.id" and "@iot." not in k}
                service.add("Datastreams", entity["@iot.id"], **fields)
        for entity in values:
            service.add_observation(entity["@iot.id"], 92, entity["phenomenonTime"], entity["result"],
                                    resultQuality=entity["resultQuality"], parameters=entity["parameters"])
        adapter = SensorThingsFeedAdapter("bgs", url=service.root, poll_s=0.05, page_size=10, id_template="BGS-{id}",
                                          since_ms=parse_time_value("2023-01-01T00:00:00Z"))
        collector = Collector(adapter)
        adapter.start()
        try:
            collector.wait_for(101)
        finally:
            adapter.stop()
    readings = collector.readings
    assert set(readings.sensor.tolist()) == {"BGS-92"}
    assert sorted(readings.value.tolist()) == sorted(float(v["result"]) for v in values)
    assert adapter.health().datastreams == 102 and adapter.health().discovery_problems == ()
