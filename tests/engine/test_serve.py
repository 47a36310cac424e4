"""``console serve`` against a real mosquitto: it journals exactly what was published and the alarms it implies."""

from __future__ import annotations

import json
import signal
import subprocess
import sys

import pytest

from console.model.journal import Journal
from tests.brokers import Mosquitto, Publisher, mosquitto_available, mqtt_sources, wait_until
from tests.model.test_process_command import write_sensors

pytestmark = pytest.mark.skipif(not mosquitto_available(), reason="mosquitto is not installed (scripts/system-deps.sh)")

# (topic sensor, minute, value): two gas readings raise a level II and a level III alarm on GAS-00001.
PUBLISHED = [("GAS-00001", 0, 0.5), ("GAS-00001", 1, 12.0), ("GAS-00002", 1, 0.4), ("WLG-00001", 2, 5.0),
             ("GAS-00001", 3, 30.0)]


def serve(tmp_path, port, *extra):
    sources = tmp_path / "sources.toml"
    sources.write_text(mqtt_sources(port, "serve-test"), encoding="utf-8")
    command = [sys.executable, "-m", "console", "serve", "--sources", str(sources), "--sensors",
               str(write_sensors(tmp_path)), "--journal", str(tmp_path / "j.sqlite"), "--json", *extra]
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_serve_journals_what_was_published_until_sigterm(tmp_path):
    with Mosquitto(tmp_path / "broker") as broker:
        process = serve(tmp_path, broker.port)
        try:
            # The broker lists the subscription once the engine is connected and subscribed.
            wait_until(lambda: "serve-test" in broker.log.read_text(errors="replace"), timeout=30)
            publisher = Publisher(broker.port)
            for sensor, minute, value in PUBLISHED:
                category = "gas" if sensor.startswith("GAS") else "waterlogging"
                payload = json.dumps({"t": 1784574000000 + minute * 60_000, "value": value})
                publisher.publish(f"city/{category}/{sensor}/reading", payload)
            publisher.publish("city/gas/NOPE-1/reading", '{"t": 1784574000000, "value": 1}')
            publisher.publish("city/gas/GAS-00002/reading", "not json")
            wait_until(publisher.all_acknowledged)
            publisher.close()
            with Journal(tmp_path / "j.sqlite") as reader:
                wait_until(lambda: reader.count_readings(0, 2**62) == len(PUBLISHED), timeout=20)
        finally:
            process.send_signal(signal.SIGTERM)
            out, err = process.communicate(timeout=30)
    assert process.returncode == 0, err
    summary = json.loads(out)
    [source] = summary["sources"]
    assert (source["name"], source["accepted"], source["rejected"]) == ("city-iot", len(PUBLISHED), 2)
    assert source["received"] == len(PUBLISHED) + 2  # messages, the two refused ones included
    assert summary["alarms"] == 1
    assert summary["alarms_by_level"]["II"] == 1
    with Journal(tmp_path / "j.sqlite") as journal:
        t_ms, values, _ = journal.query_readings("GAS-00001")
    assert values.tolist() == [0.5, 12.0, 30.0]
    assert (t_ms - 1784574000000).tolist() == [0, 60_000, 180_000]


def test_serve_refuses_a_bad_sources_file_naming_the_key(tmp_path):
    sources = tmp_path / "sources.toml"
    sources.write_text('[[source]]\nkind = "mqtt"\nname = "x"\ntopics = ["a"]\nprot = 1\n', encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "console", "serve", "--sources", str(sources), "--sensors",
                             str(write_sensors(tmp_path)), "--journal", str(tmp_path / "j.sqlite")],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert "prot" in result.stderr and "sources.toml" in result.stderr
    assert not (tmp_path / "j.sqlite").exists()
