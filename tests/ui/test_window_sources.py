"""The window as a client of the engine process, with a real mosquitto: published readings change the map
and the warning pane, the operator's acknowledgement is applied by the engine, the Sources pane shows the
source's state and its refusals, and a source that goes down leaves its sensors drawn as "no data"."""

from __future__ import annotations

import json
import os
import signal
import sqlite3

import pytest

from console.model.alarms import AlarmState
from console.model.sensors import SensorStatus
from console.ui.main_window import MainWindow
from console.ui.map.sensor_style import SensorCode
from tests.brokers import Mosquitto, Publisher, mosquitto_available, mqtt_sources
from tests.ui.live_fixtures import MINUTE, T0, live_window

pytestmark = pytest.mark.skipif(not mosquitto_available(), reason="mosquitto is not installed (scripts/system-deps.sh)")



@pytest.fixture
def broker(tmp_path):
    with Mosquitto(tmp_path / "broker") as broker:
        yield broker


@pytest.fixture
def window(qtbot, tmp_path):
    window = live_window(qtbot, tmp_path, size=(1400, 900))
    window.test_layer = window.canvas.renderer.layers[-1]
    yield window
    window.stop_sources()
    window.session.close()


def connect(window, qtbot, tmp_path, port):
    path = tmp_path / "sources.toml"
    path.write_text(mqtt_sources(port, "window-test", reconnect_min_s=0.1, reconnect_max_s=0.5), encoding="utf-8")
    assert window.open_sources(path)
    link = window.engine_link
    qtbot.waitUntil(lambda: bool(link.mirror.sources) and link.mirror.sources[0]["status"] == "live", timeout=30_000)
    return link


def publish(publisher, sensor, minute, value, category="gas"):
    payload = json.dumps({"t": T0 + round(minute * MINUTE), "value": value})
    publisher.publish(f"city/{category}/{sensor}/reading", payload)


def test_published_readings_reach_the_map_and_the_pane_and_an_ack_goes_to_the_engine(window, qtbot, tmp_path, broker):
    link = connect(window, qtbot, tmp_path, broker.port)
    raster = window.canvas.renderer.painter_for(window.test_layer).raster
    publisher = Publisher(broker.port)
    try:
        publish(publisher, "GAS-00002", 0, 0.4)
        publish(publisher, "GAS-00005", 0, 30.0)  # the sensor at feature 4 alarms once a second reading confirms
        publish(publisher, "GAS-00005", 0.5, 31.0)
        publisher.publish("city/gas/GAS-00003/reading", "not json")
        publish(publisher, "NO-SUCH-1", 0, 1.0)  # a sensor the city does not have
        qtbot.waitUntil(lambda: window.alarm_pane.model.rowCount() == 1, timeout=10_000)
        qtbot.waitUntil(lambda: raster.codes[4] != SensorCode.NORMAL, timeout=5_000)
        assert window.live.table is link.table and window.alarm_pane.model.book is link.book
        [alarm] = link.book.open_alarms()
        assert (alarm.sensor_id, alarm.state) == ("GAS-00005", AlarmState.UNACK)
        assert raster.codes[1] == SensorCode.NORMAL

        window.alarm_pane.select_alarm(alarm.alarm_id)
        assert window.alarm_pane.acknowledge_selected() == [alarm.alarm_id]
        qtbot.waitUntil(lambda: link.book.alarms[alarm.alarm_id].state == AlarmState.ACK, timeout=5_000)
        qtbot.waitUntil(lambda: link.table.alarm_state[4] == AlarmState.ACK, timeout=5_000)

        pane = window.sources_pane
        qtbot.waitUntil(lambda: pane.sources.rowCount() == 1 and pane.sources.item(0, 7).text() == "2",
                        timeout=5_000)
        assert [pane.sources.item(0, c).text() for c in (0, 1, 2, 6, 8)] == ["city-iot", "MQTT", "live", "3", "1"]
        pane.sources.selectRow(0)
        assert pane.rejections.rowCount() == 2
        rejected = sorted((pane.rejections.item(r, 0).text(), pane.rejections.item(r, 1).text()) for r in range(2))
        assert rejected == [("malformed", "city/gas/GAS-00003/reading"), ("unknown sensor", "city/gas/NO-SUCH-1/reading")]
        assert window.sources_label.text() == "Sources: 1 live, 0 not delivering"
    finally:
        publisher.close()
    journal = tmp_path / "live.sqlite"
    window.stop_sources()  # the engine writes and closes the journal
    with sqlite3.connect(journal) as db:
        actions = db.execute("SELECT action, operator, alarm_id FROM action WHERE action != 'shift_start'").fetchall()
    assert actions == [("acknowledge", "王敏", alarm.alarm_id)]
    # Back without sources, the window shows the journaled state through its own pipeline.
    assert window.engine_link is None
    assert window.session.book.alarms[alarm.alarm_id].state == AlarmState.ACK


def test_a_killed_broker_draws_its_sensors_as_no_data_until_it_is_back(window, qtbot, tmp_path, broker):
    link = connect(window, qtbot, tmp_path, broker.port)
    publisher = Publisher(broker.port)
    try:
        publish(publisher, "GAS-00002", 0, 0.4)
        qtbot.waitUntil(lambda: link.table.status[1] == SensorStatus.LIVE, timeout=10_000)
        broker.kill()
        qtbot.waitUntil(lambda: link.table.status[1] == SensorStatus.OFFLINE, timeout=10_000)
        raster = window.canvas.renderer.painter_for(window.test_layer).raster
        qtbot.waitUntil(lambda: raster.codes[1] == SensorCode.STALE, timeout=5_000)  # drawn "no data"
        qtbot.waitUntil(lambda: window.sources_pane.sources.item(0, 2).text() in ("reconnecting", "down"),
                        timeout=10_000)
        assert "not delivering" in window.sources_label.text() and "0 live" in window.sources_label.text()
        broker.restart()
        qtbot.waitUntil(lambda: link.table.status[1] == SensorStatus.LIVE, timeout=30_000)
        qtbot.waitUntil(lambda: window.sources_pane.sources.item(0, 9).text() == "1", timeout=10_000)
    finally:
        publisher.close()


def test_a_killed_engine_is_shown_and_no_sensor_stays_normal(window, qtbot, tmp_path, broker):
    link = connect(window, qtbot, tmp_path, broker.port)
    os.kill(link.client.process.pid, signal.SIGKILL)
    qtbot.waitUntil(lambda: link.end_message is not None, timeout=10_000)
    assert "ended unexpectedly" in link.end_message, link.end_message
    assert "ended unexpectedly" in window.errors[-1]
    assert (link.table.status == SensorStatus.OFFLINE).all()
    assert window.sources_label.text() == "Live sources stopped"


def test_a_bad_sources_file_is_refused_naming_the_key_and_nothing_starts(window, tmp_path):
    path = tmp_path / "sources.toml"
    path.write_text('[[source]]\nkind = "mqtt"\nname = "x"\ntopics = ["a"]\nprot = 1\n', encoding="utf-8")
    assert not window.open_sources(path)
    assert "source #1 'x'.prot" in window.errors[-1] and "unknown key 'prot'" in window.errors[-1]
    assert window.engine_link is None and window.session.pipeline is not None


STA_SOURCES = """
[[source]]
kind = "sensorthings"
name = "city-sta"
url = "{url}"
id = "STA-{{id}}"
poll_s = 0.1
since = "2026-07-21T11:00:00+08:00"
"""


def test_a_window_without_sensor_layers_shows_the_sensors_a_sensorthings_service_supplies(qtbot, tmp_path):
    from tests.feeds.sta_helpers import T0 as STA_T0
    from tests.feeds.sta_helpers import small_city, utc
    from tests.feeds.sta_service import StaService

    window = MainWindow()
    qtbot.addWidget(window)
    window.open_journal(tmp_path / "live.sqlite")
    with StaService() as service:
        small_city(service)
        service.add_observation(1, 1, utc(STA_T0), 0.5)
        service.add_observation(2, 1, utc(STA_T0 + 60_000), 30.0)
        service.add_observation(3, 1, utc(STA_T0 + 90_000), 30.0)  # the second reading confirms the level
        path = tmp_path / "sources.toml"
        path.write_text(STA_SOURCES.format(url=service.root), encoding="utf-8")
        try:
            assert window.open_sources(path)
            qtbot.waitUntil(lambda: window.engine_link is not None and window.engine_link.running, timeout=30_000)
            layers = [layer for layer in window.canvas.renderer.layers if layer.is_sensor_layer]
            assert [len(layer) for layer in layers] == [3]  # the located Datastreams
            table = window.engine_link.table
            assert sorted(table.ids.tolist()) == ["STA-1", "STA-2", "STA-3"]
            qtbot.waitUntil(lambda: table.value[table.row_of("STA-1")] == 30.0, timeout=15_000)
            qtbot.waitUntil(lambda: window.alarm_pane.model.rowCount() == 1, timeout=10_000)
            qtbot.waitUntil(lambda: window.sources_pane.sources.rowCount() == 1
                            and window.sources_pane.sources.item(0, 1).text() == "SensorThings", timeout=10_000)
        finally:
            window.stop_sources()
            window.session.close()


def test_a_service_that_cannot_be_reached_is_reported_and_nothing_starts(qtbot, tmp_path):
    window = MainWindow()
    qtbot.addWidget(window)
    path = tmp_path / "sources.toml"
    path.write_text(STA_SOURCES.format(url="http://127.0.0.1:9/FROST-Server/v1.1"), encoding="utf-8")
    assert window.open_sources(path)  # discovery runs off the GUI thread
    qtbot.waitUntil(lambda: bool(window.errors), timeout=30_000)
    assert "source 'city-sta'" in window.errors[-1] and "127.0.0.1:9" in window.errors[-1]
    assert window.engine_link is None


def test_console_open_with_sources_and_no_screen_renders_the_live_state_and_journals_it(tmp_path):
    import subprocess
    import sys

    from console.model.journal import Journal
    from tests.ui.test_drill_window import write_feed

    feed = write_feed(tmp_path / "feed.jsonl", [(T0, "GAS-00001", 0.5), (T0 + MINUTE, "GAS-00001", 0.6)])
    sources = tmp_path / "sources.toml"
    sources.write_text(f'[[source]]\nkind = "replay"\nname = "recorded"\npath = "{feed}"\nspeed = 100000\n',
                       encoding="utf-8")
    png, journal = tmp_path / "live.png", tmp_path / "live.sqlite"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run([sys.executable, "-m", "console", "open", "--demo", "--sources", str(sources),
                           "--journal", str(journal), "--snapshot", str(png), "--lang", "en"],
                          capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode == 0, done.stderr
    assert png.stat().st_size > 10_000
    with Journal(journal) as reader:
        _, values, _ = reader.query_readings("GAS-00001")
    assert values.tolist() == [0.5, 0.6]

    sources.write_text('[[source]]\nkind = "replay"\nname = "recorded"\npath = "x"\nsped = 1\n', encoding="utf-8")
    refused = subprocess.run([sys.executable, "-m", "console", "open", "--demo", "--sources", str(sources),
                              "--snapshot", str(png)], capture_output=True, text=True, env=env, timeout=300)
    assert refused.returncode == 2
    assert "source #1 'recorded'.sped" in refused.stderr and "unknown key 'sped'" in refused.stderr
