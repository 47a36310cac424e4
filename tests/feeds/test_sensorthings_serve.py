"""``console serve`` on a SensorThings service: the sensors it supplies, the readings it journals, the alarms they raise."""

from __future__ import annotations

import json
import signal
import subprocess
import sys

from console.model.journal import Journal
from tests.brokers import wait_until
from tests.feeds.sta_helpers import T0, small_city, utc
from tests.feeds.sta_service import StaService

SOURCES = """
[[source]]
kind = "sensorthings"
name = "city-sta"
url = "{url}"
id = "STA-{{id}}"
poll_s = 0.1
page_size = 2
since = "2026-07-21T11:00:00+08:00"
"""
# (observation id, Datastream, minute, result): GAS-1 crosses level III and then level II.
OBSERVED = [(1, 1, 0, 0.5), (2, 1, 1, 12.0), (3, 2, 1, 0.4), (4, 3, 2, 5.0), (5, 1, 3, 30.0)]


def serve(tmp_path, url, *extra):
    sources = tmp_path / "sources.toml"
    sources.write_text(SOURCES.format(url=url), encoding="utf-8")
    command = [sys.executable, "-m", "console", "serve", "--sources", str(sources), "--journal",
               str(tmp_path / "j.sqlite"), "--json", *extra]
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_serve_runs_on_the_sensors_the_service_supplies_and_journals_its_observations(tmp_path):
    with StaService() as service:
        small_city(service)
        for oid, datastream, minute, result in OBSERVED:
            service.add_observation(oid, datastream, utc(T0 + minute * 60_000), result)
        service.add_observation(6, 2, utc(T0 + 3 * 60_000), "offline")  # not a number: refused
        service.add_observation(7, 4, utc(T0 + 3 * 60_000), 1.0)  # the Datastream without a position
        process = serve(tmp_path, service.root)
        try:
            # Serve opens its journal before the engine starts polling.
            wait_until(lambda: any("/Observations" in r for r in service.requests), timeout=60)
            with Journal(tmp_path / "j.sqlite") as reader:
                wait_until(lambda: reader.count_readings(0, 2**62) == len(OBSERVED), timeout=60)
                # Polling goes on: an observation published now is journaled too.
                service.add_observation(8, 3, utc(T0 + 4 * 60_000), 7.5)
                wait_until(lambda: reader.count_readings(0, 2**62) == len(OBSERVED) + 1, timeout=30)
        finally:
            process.send_signal(signal.SIGTERM)
            out, err = process.communicate(timeout=60)
    assert process.returncode == 0, err
    assert "Datastream 4 'RG-4 rain': left out: no position" in err
    summary = json.loads(out)
    assert summary["sensors"] == 3 and summary["sensors_from"] == "source 'city-sta'"
    [source] = summary["sources"]
    assert (source["name"], source["kind"], source["accepted"], source["rejected"]) == \
        ("city-sta", "sensorthings", len(OBSERVED) + 1, 2)
    assert source["received"] == len(OBSERVED) + 3
    reasons = sorted(item["reason"].split(":")[0] for item in source["recent_rejections"])
    assert reasons == ["not_a_number", "unknown_sensor"]
    assert summary["alarms"] == 1 and summary["alarms_by_level"]["II"] == 1
    with Journal(tmp_path / "j.sqlite") as journal:
        t_ms, values, _ = journal.query_readings("STA-1")
    assert values.tolist() == [0.5, 12.0, 30.0]
    assert (t_ms - T0).tolist() == [0, 60_000, 180_000]


def test_serve_refuses_to_start_when_the_service_that_should_supply_sensors_cannot_be_reached(tmp_path):
    process = serve(tmp_path, "http://127.0.0.1:9/FROST-Server/v1.1")
    out, err = process.communicate(timeout=60)
    assert process.returncode == 2
    assert "source 'city-sta'" in err and "http://127.0.0.1:9/FROST-Server/v1.1/Datastreams" in err
    assert "cannot reach the service" in err
    assert not (tmp_path / "j.sqlite").exists()
