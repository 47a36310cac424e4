"""The MQTT adapter against a real mosquitto on loopback, published to by a real paho client."""

from __future__ import annotations

import json
import logging
import subprocess

import numpy as np
import pytest

from console.feeds.events import AdapterStatusEvent, FeedStatus
from console.feeds.mqtt import Link, MqttFeedAdapter
from console.model.readings import ReadingBatch
from tests.brokers import Mosquitto, Publisher, free_port, mosquitto_available, wait_until

pytestmark = pytest.mark.skipif(not mosquitto_available(), reason="mosquitto is not installed (scripts/system-deps.sh)")

T0 = 1_784_000_000_000
TOPICS = ["city/+/+/reading"]
TEMPLATE = "city/{category}/{sensor}/reading"


@pytest.fixture
def broker(tmp_path):
    broker = Mosquitto(tmp_path / "broker").start()
    yield broker
    broker.stop()


@pytest.fixture
def publisher(broker):
    publisher = Publisher(broker.port)
    yield publisher
    publisher.close()


@pytest.fixture
def adapters():
    started: list[MqttFeedAdapter] = []

    def make(port: int, **options) -> MqttFeedAdapter:
        options = {"topics": TOPICS, "sensor": TEMPLATE, "client_id": "duty-console-test",
                   "reconnect_min_s": 0.1, "reconnect_max_s": 0.5, **options}
        adapter = MqttFeedAdapter(options.pop("name", "city-iot"), port=port, **options)
        started.append(adapter)
        return adapter

    yield make
    for adapter in started:
        adapter.stop()


class Collector:
    """Drains an adapter as a consumer would, keeping every reading and status event."""

    def __init__(self, adapter: MqttFeedAdapter):
        self.adapter = adapter
        self.batches: list[ReadingBatch] = []
        self.statuses: list = []

    def drain(self) -> Collector:
        for event in self.adapter.poll():
            if isinstance(event, ReadingBatch):
                self.batches.append(event)
            else:
                self.statuses.append(event)
        return self

    def readings(self) -> ReadingBatch:
        return ReadingBatch.concat(self.batches)

    def count(self) -> int:
        self.drain()
        return sum(len(b) for b in self.batches)


def reading(sensor: str, t_ms: int, value: float) -> tuple[str, bytes]:
    return f"city/gas/{sensor}/reading", json.dumps({"t": t_ms, "value": value}).encode()


def publish_stream(publisher: Publisher, start: int, stop: int) -> None:
    for i in range(start, stop):
        publisher.publish(*reading(f"GAS-{i % 10:03d}", T0 + i * 1000, float(i)))


@pytest.mark.parametrize("protocol", ["3.1.1", "5"])
def test_published_readings_arrive_as_batches_with_sensor_time_and_value(broker, publisher, adapters, protocol):
    adapter = adapters(broker.port, protocol=protocol)
    adapter.start()
    wait_until(lambda: adapter.link is Link.LIVE, message="the adapter to connect")
    collector = Collector(adapter)
    publish_stream(publisher, 0, 50)
    publisher.publish("gw/7/batch", b"ignored: not subscribed")
    wait_until(lambda: collector.count() == 50, message="50 readings")
    readings = collector.readings()
    assert all(isinstance(b.t_ms, np.ndarray) and b.t_ms.dtype == np.int64 for b in collector.batches)
    assert readings.sensor.tolist() == [f"GAS-{i % 10:03d}" for i in range(50)]
    assert readings.t_ms.tolist() == [T0 + i * 1000 for i in range(50)]
    assert readings.value.tolist() == [float(i) for i in range(50)]
    health = adapter.health()
    assert (health.received, health.accepted, health.rejected, health.overflow) == (50, 50, 0, 0)
    assert health.status is FeedStatus.LIVE and health.readings_total == 50


def test_a_gateway_batch_topic_needs_no_sensor_level(broker, publisher, adapters):
    adapter = adapters(broker.port, topics=["gw/+/batch"], sensor=None)
    adapter.start()
    wait_until(lambda: adapter.link is Link.LIVE, message="the adapter to connect")
    collector = Collector(adapter)
    for message in range(3):
        readings = [{"sensor": f"WL-{i}", "t": T0 + message, "value": i} for i in range(100)]
        publisher.publish(f"gw/{message}/batch", json.dumps({"readings": readings}))
    wait_until(lambda: collector.count() == 300, message="300 readings")
    assert collector.readings().sensor.tolist()[:3] == ["WL-0", "WL-1", "WL-2"]
    assert adapter.health().accepted == 300


def test_the_broker_killed_mid_stream_is_survived_without_loss_or_double_counting(broker, publisher, adapters):
    adapter = adapters(broker.port)
    collector = Collector(adapter)  # before start: it sees every status change in the outbox
    adapter.start()
    wait_until(lambda: adapter.link is Link.LIVE, message="the adapter to connect")
    publish_stream(publisher, 0, 200)
    wait_until(lambda: collector.count() == 200, message="the first 200 readings")

    broker.kill()
    wait_until(lambda: adapter.link in (Link.RECONNECTING, Link.DOWN), message="the adapter to notice the outage")
    publish_stream(publisher, 200, 400)  # queued by the publisher while the broker is down
    wait_until(lambda: adapter.link is Link.DOWN, message="a failed reconnect attempt")
    assert adapter.status is FeedStatus.FAILED and "retrying" in adapter.health().message
    broker.start()
    wait_until(lambda: adapter.link is Link.LIVE, timeout=15, message="the adapter to reconnect by itself")
    publish_stream(publisher, 400, 600)
    for i in range(5):  # redelivered readings (same sensor and time) are counted once
        publisher.publish(*reading(f"GAS-{i % 10:03d}", T0 + i * 1000, float(i)))
    wait_until(publisher.all_acknowledged, timeout=15, message="the broker to acknowledge every publish")
    # ``received`` is counted on the network thread, the rest a batch later by the worker: a QoS 1
    # redelivery can be received and not yet dropped. Every message must end up accounted for.
    def settled() -> bool:
        health = adapter.health()
        return health.duplicates_dropped >= 5 and health.received == health.accepted + health.duplicates_dropped

    wait_until(lambda: collector.count() >= 600 and settled(), timeout=15,
               message="every reading after the outage, each message accepted or dropped as a copy")

    readings = collector.readings()
    keys = list(zip(readings.sensor.tolist(), readings.t_ms.tolist(), strict=True))
    assert len(keys) == len(set(keys)) == 600
    assert sorted(t for _, t in keys) == [T0 + i * 1000 for i in range(600)]
    health = adapter.health()
    # Every extra copy (ours, and any QoS 1 redelivery around the outage) was dropped, none accepted.
    assert health.accepted == 600 and health.rejected == 0
    assert health.received == health.accepted + health.duplicates_dropped
    assert health.reconnects == 1
    assert health.down_s > 0
    assert health.status is FeedStatus.LIVE
    collector.drain()
    changes = [event for event in collector.statuses if isinstance(event, AdapterStatusEvent)]
    links = [c.message.split(":")[0].split(" (")[0] for c in changes]
    assert [c.status for c in changes][-4:] == [FeedStatus.LIVE, FeedStatus.CONNECTING, FeedStatus.FAILED,
                                                FeedStatus.LIVE]
    assert "lost" in changes[-3].message and changes[-2].message.startswith("down: cannot reach")
    assert len(links) == len(changes)  # each change once: no repeats of the same status and message
    assert all((a.status, a.message) != (b.status, b.message) for a, b in zip(changes, changes[1:], strict=False))


@pytest.mark.parametrize("protocol", ["3.1.1", "5"])
def test_what_arrived_while_the_console_was_away_is_delivered_on_return(broker, publisher, adapters, protocol):
    first = adapters(broker.port, protocol=protocol)
    first.start()
    wait_until(lambda: first.link is Link.LIVE, message="the adapter to connect")
    first.stop()
    assert first.status is FeedStatus.IDLE
    publish_stream(publisher, 0, 30)
    wait_until(publisher.all_acknowledged, message="the broker to take the readings")
    # The queued readings survive a restart of the broker too (a graceful one: it saves them first).
    broker.stop()
    broker.start()

    second = adapters(broker.port, protocol=protocol)
    second.start()
    collector = Collector(second)
    wait_until(lambda: collector.count() == 30, message="the readings queued while away")
    assert collector.readings().t_ms.tolist() == [T0 + i * 1000 for i in range(30)]
    assert "session resumed" in second.health().message


def test_bad_messages_are_counted_with_a_reason_and_the_adapter_stays_live(broker, publisher, adapters):
    adapter = adapters(broker.port, known_sensors=["GAS-001", "GAS-002"], max_payload_bytes=4096)
    adapter.start()
    wait_until(lambda: adapter.link is Link.LIVE, message="the adapter to connect")
    collector = Collector(adapter)
    publisher.publish("city/gas/GAS-001/reading", b"{this is not json")
    publisher.publish("city/gas/GAS-001/reading", b'{"t": 1784000000000, "value": "high"}')
    publisher.publish(*reading("GAS-999", T0, 1.0))
    publisher.publish("city/gas/GAS-002/reading", json.dumps({"t": T0, "value": 1.0, "pad": "x" * 5000}))
    publisher.publish(*reading("GAS-002", T0, 2.5))
    wait_until(lambda: collector.count() == 1 and adapter.health().rejected == 4, message="all five messages")
    health = adapter.health()
    assert health.rejected_by_reason == {"malformed": 1, "wrong_type": 1, "unknown_sensor": 1, "oversized": 1}
    assert sorted((r.reason, r.topic) for r in health.recent_rejected) == [
        ("malformed", "city/gas/GAS-001/reading"), ("oversized", "city/gas/GAS-002/reading"),
        ("unknown_sensor", "city/gas/GAS-999/reading"), ("wrong_type", "city/gas/GAS-001/reading")]
    assert health.unknown_sensors == 1 and health.received == 5 and health.accepted == 1
    assert health.rejected_lines == 4
    assert collector.readings().sensor.tolist() == ["GAS-002"]
    assert adapter.running and health.status is FeedStatus.LIVE and health.link is Link.LIVE


def test_a_full_raw_queue_counts_its_overflow(broker, publisher, adapters):
    # The parser only wakes on stop, so the queue bound is what decides.
    adapter = adapters(broker.port, max_queued_messages=10, parse_interval_s=3600)
    adapter.start()
    wait_until(lambda: adapter.link is Link.LIVE, message="the adapter to connect")
    publish_stream(publisher, 0, 30)
    wait_until(lambda: adapter.health().received == 30, message="30 messages received")
    assert adapter.health().overflow == 20
    adapter.stop()
    collector = Collector(adapter).drain()
    assert collector.readings().t_ms.tolist() == [T0 + i * 1000 for i in range(10)]
    assert adapter.health().accepted == 10


def test_an_unreachable_broker_is_down_and_the_adapter_connects_once_it_is_there(tmp_path, adapters):
    port = free_port()
    adapter = adapters(port)
    adapter.start()
    wait_until(lambda: adapter.link is Link.DOWN, message="the adapter to give up the first attempt")
    message = adapter.health().message
    assert message.startswith(f"down: cannot reach mqtt://127.0.0.1:{port}: ") and "refused" in message.lower()
    assert adapter.status is FeedStatus.FAILED and adapter.running
    with Mosquitto(tmp_path / "late", port=port):
        wait_until(lambda: adapter.link is Link.LIVE, timeout=15, message="the adapter to connect")
        assert adapter.health().down_s > 0


def test_refused_credentials_end_the_adapter_with_the_reason_and_never_show_the_password(tmp_path, adapters, caplog):
    folder = tmp_path / "secure"
    folder.mkdir()
    passwords = folder / "passwords"
    subprocess.run(["mosquitto_passwd", "-b", "-c", str(passwords), "duty", "right-horse"], check=True,
                   capture_output=True)
    caplog.set_level(logging.DEBUG, logger="console.feeds.mqtt")
    with Mosquitto(folder, extra_config=f"allow_anonymous false\npassword_file {passwords}\n") as secure:
        adapter = adapters(secure.port, username="duty", password="wrong-battery-staple")
        adapter.start()
        assert adapter.wait(15), "the adapter should end: retrying cannot fix a refused password"
    health = adapter.health()
    assert health.link is Link.REFUSED and health.status is FeedStatus.FAILED
    assert health.message == (f"source 'city-iot': mqtt://127.0.0.1:{secure.port} refused the connection: "
                              "Not authorized")
    shown = " ".join([repr(adapter), repr(health), str(vars(adapter)), caplog.text])
    assert "wrong-battery-staple" not in shown


def test_a_tls_failure_ends_the_adapter_with_a_clear_message(broker, adapters):
    adapter = adapters(broker.port, tls_ca="/etc/ssl/certs/ca-certificates.crt")
    adapter.start()
    assert adapter.wait(15)
    health = adapter.health()
    assert health.link is Link.REFUSED and health.status is FeedStatus.FAILED
    assert health.message.startswith(f"source 'city-iot': TLS handshake with mqtts://127.0.0.1:{broker.port} failed")


def test_a_missing_tls_file_is_named(broker, adapters, tmp_path):
    adapter = adapters(broker.port, tls_ca=str(tmp_path / "nowhere.pem"))
    adapter.start()
    assert adapter.wait(5)
    assert adapter.status is FeedStatus.FAILED
    assert adapter.health().message.startswith("source 'city-iot': TLS files cannot be used")


def test_several_sources_from_one_sources_file_run_at_once(broker, publisher, tmp_path):
    from console.sources import build_adapters, load_sources

    path = tmp_path / "sources.toml"
    path.write_text(f"""
[[source]]
kind = "mqtt"
name = "city-iot"
port = {broker.port}
topics = ["city/+/+/reading"]
sensor = "{TEMPLATE}"
client_id = "console-a"

[[source]]
kind = "mqtt"
name = "gateways"
port = {broker.port}
topics = ["gw/+/batch"]
protocol = "5"
client_id = "console-b"

[[source]]
kind = "mqtt"
name = "levels"
port = {broker.port}
topics = ["level/+"]
sensor = "level/{{sensor}}"
payload = "number"
client_id = "console-c"
""")
    city, gateways, levels = build_adapters(load_sources(path))
    try:
        for adapter in (city, gateways, levels):
            adapter.start()
        wait_until(lambda: all(a.link is Link.LIVE for a in (city, gateways, levels)), message="three connections")
        publish_stream(publisher, 0, 20)
        publisher.publish("gw/1/batch", json.dumps({"readings": [{"sensor": "WL-1", "t": T0, "value": 2.0}]}))
        publisher.publish("level/WL-9", b"3.25")
        collectors = [Collector(a) for a in (city, gateways, levels)]
        wait_until(lambda: [c.count() for c in collectors] == [20, 1, 1], message="each source its readings")
        assert collectors[1].readings().sensor.tolist() == ["WL-1"]
        assert collectors[2].readings().value.tolist() == [3.25]
        assert [a.health().rejected for a in (city, gateways, levels)] == [0, 0, 0]
    finally:
        for adapter in (city, gateways, levels):
            adapter.stop()
