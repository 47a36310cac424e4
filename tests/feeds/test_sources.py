"""The sources file: every key checked, errors naming file, source and key; adapters built from it."""

from __future__ import annotations

import dataclasses
import re
import time
from pathlib import Path

import pytest

from console.errors import InputError
from console.feeds.events import SensorStatusEvent
from console.feeds.mqtt import MqttFeedAdapter
from console.feeds.recorded import RecordedFeedAdapter
from console.model.readings import ReadingBatch
from console.sources import MqttSource, ReplaySource, build_adapters, load_sources, parse_sources

CITY_IOT = """
[[source]]
kind = "mqtt"
name = "city-iot"
host = "127.0.0.1"
port = 1883
topics = ["city/+/+/reading"]
sensor = "city/{category}/{sensor}/reading"
payload = "json"
qos = 1
client_id = "duty-console-1"
"""


@pytest.fixture
def feed_file(tmp_path) -> Path:
    path = tmp_path / "storm.jsonl"
    path.write_text('{"t": 1784000000000, "sensor": "RG-1", "value": 1.5}\n')
    return path


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "sources.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_several_sources_of_both_kinds_load_as_frozen_configs(tmp_path, feed_file):
    path = write(tmp_path, CITY_IOT + """
[[source]]
kind = "mqtt"
name = "gateways"
topics = ["gw/+/batch", "gw/legacy/#"]
protocol = "5"
username = "duty"
password_env = "GW_PASSWORD"
max_payload_bytes = 1048576

[[source]]
kind = "replay"
name = "storm drill"
path = "storm.jsonl"
speed = 60
""")
    city, gateways, storm = load_sources(path)
    assert city == MqttSource(name="city-iot", topics=("city/+/+/reading",), host="127.0.0.1", port=1883,
                              sensor="city/{category}/{sensor}/reading", payload="json", qos=1,
                              client_id="duty-console-1", origin=path)
    assert (gateways.sensor, gateways.protocol, gateways.username, gateways.password_env) == (
        None, "5", "duty", "GW_PASSWORD")
    assert gateways.topics == ("gw/+/batch", "gw/legacy/#") and gateways.max_payload_bytes == 1 << 20
    assert storm == ReplaySource(name="storm drill", path=feed_file, speed=60.0, origin=path)
    with pytest.raises(dataclasses.FrozenInstanceError):
        city.port = 1884


def test_an_empty_file_has_no_sources():
    assert parse_sources("") == ()


def error(text: str, origin="sources.toml") -> str:
    with pytest.raises(InputError) as caught:
        parse_sources(text, origin)
    return str(caught.value)


def test_an_unknown_key_is_named_with_file_and_source():
    message = error(CITY_IOT + 'prot = "5"\n', "/etc/console/sources.toml")
    assert message.startswith("/etc/console/sources.toml: source #1 'city-iot'.prot: unknown key 'prot' for kind 'mqtt'")


def test_an_unknown_kind_and_a_missing_kind_are_named():
    assert error('[[source]]\nkind = "amqp"\nname = "bus"\n') == (
        "sources.toml: source #1 'bus'.kind: unknown kind 'amqp' (known: mqtt, replay, sensorthings, cap)")
    assert error('[[source]]\nname = "bus"\n') == "sources.toml: source #1 'bus': no 'kind' (one of mqtt, replay, sensorthings, cap)"


def test_an_unknown_top_level_key_is_named():
    assert "unknown key 'sources'" in error('[[sources]]\nkind = "mqtt"\n')


def test_names_are_required_and_unique():
    assert "'name' is required" in error('[[source]]\nkind = "mqtt"\ntopics = ["a"]\n')
    assert "source #2: a second source named 'city-iot'" in error(CITY_IOT + CITY_IOT)


def test_a_password_in_the_file_is_refused_without_echoing_it():
    message = error(CITY_IOT + 'username = "duty"\npassword = "s3cret-horse"\n')
    assert "password_env" in message and "s3cret-horse" not in message


def replace(key: str, value: str) -> str:
    lines = [line for line in CITY_IOT.splitlines() if not line.startswith(f"{key} =")]
    return "\n".join([*lines, f"{key} = {value}", ""])


@pytest.mark.parametrize(("key", "value", "problem"), [
    ("host", '""', "must be a non-empty string"),
    ("host", "12", "must be a non-empty string, not 12"),
    ("port", "0", "from 1 to 65535"),
    ("port", "70000", "from 1 to 65535"),
    ("port", '"1883"', "from 1 to 65535, not '1883'"),
    ("topics", "[]", "non-empty list"),
    ("topics", '"city/#"', "non-empty list"),
    ("topics", "[1]", "as strings"),
    ("topics", '["city/#/x"]', "# must be a whole level"),
    ("sensor", '"city/+/{sensor}"', "wildcards"),
    ("sensor", '"city/{sensor}/reading"', "fits no topic of the subscription"),
    ("payload", '"xml"', "one of 'json', 'number'"),
    ("qos", "3", "one of 0, 1, 2"),
    ("qos", "true", "one of 0, 1, 2, not true"),
    ("client_id", '""', "non-empty string"),
    ("protocol", "5", "one of '3.1.1', '5', not 5"),
    ("session_expiry_s", "-1", "at least 0"),
    ("keepalive_s", "0", "positive number"),
    ("username", "[]", "non-empty string"),
    ("password_env", '"A B"', "must name an environment variable"),
    ("tls_ca", '"missing-ca.pem"', "no such file"),
    ("tls_cert", '"missing.pem"', "no such file"),
    ("tls_key", '"missing.key"', "no such file"),
    ("max_payload_bytes", "0", "at least 1"),
    ("max_queued_messages", "1.5", "whole number"),
    ("reconnect_min_s", "-1", "positive number"),
    ("reconnect_max_s", "nan", "positive number"),
    ("stale_after_s", '"5 min"', "positive number"),
])
def test_every_mqtt_key_is_checked(key, value, problem):
    message = error(replace(key, value))
    assert message.startswith(f"sources.toml: source #1 'city-iot'.{key}: ")
    assert problem in message


@pytest.mark.parametrize(("extra", "problem"), [
    ('payload = "number"\nsensor = "city/{category}/{site}/reading"\n', "needs a sensor template with {sensor}"),
    ('password_env = "PW"\n', "password_env needs a username"),
    ("reconnect_min_s = 10\nreconnect_max_s = 1\n", "reconnect_min_s is larger"),
])
def test_keys_that_depend_on_each_other_are_checked_together(extra, problem):
    text = "\n".join(line for line in CITY_IOT.splitlines() if not line.startswith(("payload", "sensor")))
    if "sensor" not in extra:
        text += '\nsensor = "city/{category}/{sensor}/reading"'
    message = error(text + "\n" + extra)
    assert message.startswith("sources.toml: source #1 'city-iot': ") and problem in message


def test_tls_key_needs_tls_cert(tmp_path):
    (tmp_path / "client.key").write_text("key")
    message = error(CITY_IOT + 'tls_key = "client.key"\n', tmp_path / "sources.toml")
    assert "tls_key needs tls_cert" in message


@pytest.mark.parametrize(("key", "value", "problem"), [
    ("path", '"nowhere.jsonl"', "no such file"),
    ("speed", "0", "positive number"),
    ("speed", '"fast"', "positive number"),
    ("retime", '"yes"', "true or false"),
    ("reorder_window_s", "-5", "at least 0"),
    ("stale_after_s", "0", "positive number"),
    ("topics", '["a"]', "unknown key 'topics' for kind 'replay'"),
])
def test_every_replay_key_is_checked(tmp_path, feed_file, key, value, problem):
    lines = {"kind": '"replay"', "name": '"drill"', "path": '"storm.jsonl"', key: value}
    text = "[[source]]\n" + "".join(f"{k} = {v}\n" for k, v in lines.items())
    with pytest.raises(InputError, match=re.escape(f"source #1 'drill'.{key}: ") + ".*" + re.escape(problem)):
        parse_sources(text, tmp_path / "sources.toml")


def test_a_replay_needs_a_path():
    assert "'path' is required for kind 'replay'" in error('[[source]]\nkind = "replay"\nname = "drill"\n')


def test_not_toml_is_reported_with_the_file():
    assert error("[[source]\n", "x.toml").startswith("x.toml: not valid TOML")


def test_a_missing_file_is_reported(tmp_path):
    with pytest.raises(InputError, match="cannot read the sources file"):
        load_sources(tmp_path / "absent.toml")


def test_adapters_are_built_through_the_registry(tmp_path, feed_file):
    path = write(tmp_path, CITY_IOT + 'username = "duty"\npassword_env = "CITY_IOT_PASSWORD"\n' + """
[[source]]
kind = "replay"
name = "storm drill"
path = "storm.jsonl"
speed = 60
""")
    mqtt, replay = build_adapters(load_sources(path), known_sensors=["GAS-1"],
                                  environ={"CITY_IOT_PASSWORD": "right-horse"})
    assert isinstance(mqtt, MqttFeedAdapter) and isinstance(replay, RecordedFeedAdapter)
    assert (mqtt.name, mqtt.host, mqtt.port, mqtt.client_id, mqtt.topics) == (
        "city-iot", "127.0.0.1", 1883, "duty-console-1", ("city/+/+/reading",))
    assert mqtt.known_sensors == {"GAS-1"} and mqtt.spec.template.sensor_level == 2
    assert "right-horse" not in repr(mqtt) and "right-horse" not in repr(vars(mqtt))
    assert (replay.name, replay.path, replay.speed) == ("storm drill", feed_file, 60.0)
    assert not mqtt.running and not replay.running


def test_a_password_variable_that_is_not_set_is_named(tmp_path):
    sources = parse_sources(CITY_IOT + 'username = "duty"\npassword_env = "CITY_IOT_PASSWORD"\n', "s.toml")
    with pytest.raises(InputError, match="s.toml: source 'city-iot': password_env: no password: "
                                         "the environment variable 'CITY_IOT_PASSWORD'"):
        build_adapters(sources, environ={})


def test_a_retimed_replay_starts_now(tmp_path, feed_file):
    with feed_file.open("a") as feed:
        feed.write('{"t": 1784000060000, "sensor": "RG-1", "value": 2.5}\n')
        feed.write('{"t": 1784000060000, "status": "offline", "sensor": "RG-2"}\n')
    sources = parse_sources('[[source]]\nkind = "replay"\nname = "d"\npath = "storm.jsonl"\nretime = true\n',
                            tmp_path / "sources.toml")
    assert sources[0].retime is True
    [adapter] = build_adapters(sources)
    before_ms = int(time.time() * 1000)
    adapter.start()
    assert adapter.wait(10)
    after_ms = int(time.time() * 1000)
    events = adapter.poll()
    readings = ReadingBatch.concat([e for e in events if isinstance(e, ReadingBatch)])
    [offline] = [e for e in events if isinstance(e, SensorStatusEvent)]
    start = int(readings.t_ms[0])
    assert before_ms <= start <= after_ms
    assert (readings.t_ms - start).tolist() == [0, 60_000]  # shifted, not squeezed
    assert readings.value.tolist() == [1.5, 2.5]
    assert offline.t_ms == start + 60_000
