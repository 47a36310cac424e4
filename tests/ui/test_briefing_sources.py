"""A briefing of the window with live sources (a real mosquitto): the note names the source and the
freshness of its data, the alarm table has what the engine raised, and there is no drill mark."""

from __future__ import annotations

import json
import shutil
import subprocess
import unicodedata

import pytest

from console.ui.main_window import MainWindow
from tests.brokers import Mosquitto, Publisher, mosquitto_available, mqtt_sources
from tests.ui.live_fixtures import MINUTE, T0, sensor_layer

pytestmark = [
    pytest.mark.skipif(not mosquitto_available(), reason="mosquitto is not installed (scripts/system-deps.sh)"),
    pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed"),
]



def test_live_briefing_names_the_source_and_lists_the_engines_alarm(qtbot, tmp_path):
    window = MainWindow()
    qtbot.addWidget(window)
    window.open_journal(tmp_path / "live.sqlite")
    window.canvas.renderer.add_layer(sensor_layer())
    window.start_live()
    with Mosquitto(tmp_path / "broker") as broker:
        path = tmp_path / "sources.toml"
        path.write_text(mqtt_sources(broker.port, "briefing-test"), encoding="utf-8")
        assert window.open_sources(path)
        link = window.engine_link
        qtbot.waitUntil(lambda: bool(link.mirror.sources) and link.mirror.sources[0]["status"] == "live",
                        timeout=30_000)
        publisher = Publisher(broker.port)
        try:
            for minute, value in ((0, 30.0), (0.5, 31.0)):
                publisher.publish("city/gas/GAS-00005/reading", json.dumps({"t": T0 + round(minute * MINUTE),
                                                                             "value": value}))
            qtbot.waitUntil(lambda: len(link.book.open_alarms()) == 1, timeout=10_000)
            qtbot.waitUntil(lambda: link.mirror.sources[0].get("last_message_age_s") is not None, timeout=10_000)
            out = window.export_briefing(tmp_path / "live.pdf")
        finally:
            publisher.close()
            window.stop_sources()
    text = unicodedata.normalize("NFKC", subprocess.run(["pdftotext", "-layout", str(out), "-"],
                                                        capture_output=True, text=True, check=True).stdout)
    assert "city-iot (MQTT), latest data" in text
    assert "Active alarms (1)" in text and "Gas pit 5" in text
    assert "DRILL" not in text
    window.session.close()
