"""``console cap export``: a file written whole, a folder and an MQTT topic (a real mosquitto), clear refusals."""

from __future__ import annotations

import threading

import pytest

from console.cap import parse_alert
from console.cli import main
from tests.brokers import Mosquitto, mosquitto_available, wait_until
from tests.cap.cap12_rules import problems
from tests.cap.export_helpers import at, make_journal, write_sensor_file


@pytest.fixture(scope="module")
def city(tmp_path_factory):
    folder = tmp_path_factory.mktemp("cap-export")
    make_journal(folder / "journal.sqlite")
    write_sensor_file(folder / "sensors.geojson")
    return folder


def export(city, *extra):
    return main(["cap", "export", "--journal", str(city / "journal.sqlite"), "--sensors",
                 str(city / "sensors.geojson"), "--sender", "ops.wuhan.example", *extra])


def test_export_writes_a_valid_alert_that_console_cap_reads_back(city, tmp_path, capsys):
    out = tmp_path / "incident-1.xml"
    assert export(city, "--incident", "1", "--out", str(out)) == 0
    said = capsys.readouterr().out
    assert f"{out}: CAP Update " in said and "(incident 1, revision 5 of 5, level 3)" in said
    data = out.read_bytes()
    assert problems(data) == []
    alert = parse_alert(data)
    assert (alert.level, alert.msg_type, alert.sent_ms) == (3, "Update", at(40))
    assert [g.geom_type for g in alert.areas[0].geometries] == ["Polygon"]
    assert list(tmp_path.iterdir()) == [out]  # no temporary file left behind
    assert main(["cap", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "Update Actual" in printed and "level III (colour word in event)" in printed


def test_export_replaces_an_existing_file_whole(city, tmp_path):
    out = tmp_path / "alarm.xml"
    out.write_text("old", encoding="utf-8")
    assert export(city, "--alarm", "1", "--out", str(out)) == 0
    assert parse_alert(out.read_bytes()).msg_type == "Cancel"


def test_a_folder_target_gets_the_alert_under_its_identifier(city, tmp_path, capsys):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    assert export(city, "--alarm", "4", "--out", str(tmp_path / "a.xml"), "--target", f"folder:{inbox}") == 0
    [published] = inbox.iterdir()
    assert published.suffix == ".xml" and published.stem.endswith("-A4-1")
    assert published.read_bytes() == (tmp_path / "a.xml").read_bytes()
    assert f"published to {published}" in capsys.readouterr().out


@pytest.mark.parametrize("args, message", [
    (["--alarm", "99"], "journal.sqlite: no alarm 99 in this journal (its alarms are 1..4)"),
    (["--incident", "9"], "no incident 9 in this journal (its incidents are 1..2)"),
    ([], "give --alarm ID or --incident ID"),
    (["--alarm", "1", "--target", "ftp://x/y"], "target 'ftp://x/y': is neither folder:PATH nor mqtt://"),
    (["--alarm", "1", "--target", "mqtt://127.0.0.1:1883/city/#"], "holds a wildcard"),
])
def test_refusals_exit_2_with_the_reason(city, tmp_path, capsys, args, message):
    assert export(city, *args, "--out", str(tmp_path / "x.xml")) == 2
    assert message in capsys.readouterr().err
    assert not (tmp_path / "x.xml").exists()


def test_unwritable_paths_are_refused_naming_them(city, tmp_path, capsys):
    missing = tmp_path / "no-such-folder" / "x.xml"
    assert export(city, "--alarm", "1", "--out", str(missing)) == 2
    assert f"{missing}: cannot write: the folder {missing.parent} does not exist" in capsys.readouterr().err
    assert export(city, "--alarm", "1", "--out", str(tmp_path)) == 2
    assert f"{tmp_path}: cannot write: it is a folder" in capsys.readouterr().err
    (tmp_path / "plain").write_text("", encoding="utf-8")
    assert export(city, "--alarm", "1", "--out", str(tmp_path / "x.xml"), "--target",
                  f"folder:{tmp_path / 'plain'}") == 2
    assert "the folder does not exist" in capsys.readouterr().err


def test_read_options_and_export_options_are_kept_apart(city, tmp_path, capsys):
    assert main(["cap", str(tmp_path / "a.xml"), "--alarm", "1"]) == 2
    assert "--alarm belongs to `console cap export`" in capsys.readouterr().err
    assert main(["cap"]) == 2
    assert "give CAP files to read" in capsys.readouterr().err


def test_an_unreachable_broker_is_named(city, tmp_path, capsys):
    from tests.brokers import free_port

    port = free_port()
    assert export(city, "--alarm", "1", "--out", str(tmp_path / "x.xml"), "--target",
                  f"mqtt://127.0.0.1:{port}/warnings") == 2
    assert f"cannot reach the broker 127.0.0.1:{port}" in capsys.readouterr().err


@pytest.mark.skipif(not mosquitto_available(), reason="mosquitto is not installed (scripts/system-deps.sh)")
def test_an_mqtt_target_publishes_the_alert_to_a_real_broker(city, tmp_path, capsys):
    import paho.mqtt.client as paho
    from paho.mqtt.enums import CallbackAPIVersion

    with Mosquitto(tmp_path / "broker") as broker:
        received: list[tuple[str, bytes]] = []
        subscribed = threading.Event()
        client = paho.Client(CallbackAPIVersion.VERSION2, client_id="cap-subscriber")
        client.on_connect = lambda c, *_: c.subscribe("city/warnings/#", qos=1)
        client.on_subscribe = lambda *_: subscribed.set()
        client.on_message = lambda c, u, m: received.append((m.topic, m.payload))
        client.connect("127.0.0.1", broker.port)
        client.loop_start()
        try:
            assert subscribed.wait(10)
            out = tmp_path / "a.xml"
            assert export(city, "--alarm", "2", "--out", str(out), "--target",
                          f"mqtt://127.0.0.1:{broker.port}/city/warnings/cap") == 0
            wait_until(lambda: received, message="the CAP message at the subscriber")
        finally:
            client.disconnect()
            client.loop_stop()
    [(topic, payload)] = received
    assert topic == "city/warnings/cap"
    assert payload == out.read_bytes()
    assert parse_alert(payload).level == 3
    assert f"published to mqtt://127.0.0.1:{broker.port}/city/warnings/cap" in capsys.readouterr().out
