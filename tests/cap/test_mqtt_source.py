"""CAP payloads over MQTT: a ``kind = "cap"`` source subscribed to a real mosquitto; the export publishes to it."""

from __future__ import annotations

import pytest

from console.cap import alerts_from_warning
from console.errors import InputError
from console.feeds.base import FeedStatus
from console.feeds.cap_adapter import CapFeedAdapter
from console.sources import build_adapters, parse_sources
from tests.brokers import Mosquitto, Publisher, free_port, mosquitto_available
from tests.cap.helpers import alert_xml
from tests.feeds.test_cap_source import HOSTILE, started  # noqa: F401 (the fixture)

pytestmark = pytest.mark.skipif(not mosquitto_available(), reason="mosquitto is not installed (scripts/system-deps.sh)")


@pytest.fixture
def broker(tmp_path):
    broker = Mosquitto(tmp_path / "broker").start()
    yield broker
    broker.stop()


def test_cap_messages_on_a_topic_are_delivered_and_a_hostile_one_refused(broker, started):  # noqa: F811
    taken = started(CapFeedAdapter("met-mqtt", url=f"mqtt://127.0.0.1:{broker.port}/warnings/#", poll_s=1))
    taken.until(lambda t: t.adapter.status is FeedStatus.LIVE, "the subscription")
    publisher = Publisher(broker.port)
    try:
        publisher.publish("warnings/met/rain", alert_xml(identifier="R-1").encode())
        publisher.publish("warnings/met/evil", HOSTILE)
        publisher.publish("warnings/met/wind", alert_xml(identifier="W-1").encode())
        taken.until(lambda t: len(t.warnings) == 2 and t.adapter.health().rejected_lines == 1, "two warnings")
    finally:
        publisher.close()
    assert [alerts_from_warning(w)[0].identifier for w in taken.warnings] == ["R-1", "W-1"]
    health = taken.adapter.health()
    assert health.rejected_by_reason == {"refused": 1}
    [rejection] = health.recent_rejected
    assert rejection.topic == f"mqtt://127.0.0.1:{broker.port}/warnings/met/evil"
    assert "DTD" in rejection.detail or "Entities" in rejection.detail
    assert (health.received, health.accepted) == (3, 2)


def test_a_broker_that_is_not_there_turns_the_source_failed(started):  # noqa: F811
    port = free_port()
    taken = started(CapFeedAdapter("met-mqtt", url=f"mqtt://127.0.0.1:{port}/warnings", poll_s=1))
    taken.until(lambda t: t.adapter.status is FeedStatus.FAILED, "the failed status")
    assert f"cannot reach mqtt://127.0.0.1:{port}" in taken.adapter.health().last_error


def test_the_sources_file_takes_an_mqtt_url_for_cap(tmp_path):
    [source] = parse_sources('[[source]]\nkind = "cap"\nname = "m"\nurl = "mqtt://broker.city:1883/cap/#"\n',
                             tmp_path / "sources.toml")
    assert source.url == "mqtt://broker.city:1883/cap/#"
    [adapter] = build_adapters([source])
    assert adapter.mqtt == ("broker.city", 1883, "cap/#")
    with pytest.raises(InputError, match="or mqtt://HOST:PORT/TOPIC"):
        parse_sources('[[source]]\nkind = "cap"\nname = "m"\nurl = "mqtt://broker.city"\n', tmp_path / "s.toml")


def test_an_exported_alert_published_to_the_topic_comes_back_in(broker, started, tmp_path):  # noqa: F811
    from console.cap.export import export_message
    from console.cap.publish import parse_target, publish
    from console.cap.story import read_journal_subject, sites_of_table
    from tests.cap.export_helpers import make_journal, sensor_table

    taken = started(CapFeedAdapter("peer", url=f"mqtt://127.0.0.1:{broker.port}/city/cap", poll_s=1))
    taken.until(lambda t: t.adapter.status is FeedStatus.LIVE, "the subscription")
    make_journal(tmp_path / "j.sqlite")
    message = export_message(read_journal_subject(tmp_path / "j.sqlite", alarm=4), sites_of_table(sensor_table()))
    publish(parse_target(f"mqtt://127.0.0.1:{broker.port}/city/cap"), message.identifier, message.data())
    taken.until(lambda t: len(t.warnings) == 1, "the exported alert")
    [alert] = alerts_from_warning(taken.warnings[0])
    assert (alert.identifier, alert.level) == (message.identifier, 2)
