"""Alarms ▸ Publish as CAP… in the window: the selected alarm of the live engine written as a valid CAP alert."""

from __future__ import annotations

import time

import pytest
from PySide6.QtWidgets import QFileDialog

from console.cap import parse_alert
from console.geo.crs import from_display
from tests.cap.cap12_rules import problems
from tests.ui.live_fixtures import live_window
from tests.ui.test_window_warnings import connect_cap, flood_alarm_rows


@pytest.fixture
def window(qtbot, tmp_path):
    window = live_window(qtbot, tmp_path)
    yield window
    window.stop_sources()
    window.session.close()


def test_publish_as_cap_writes_the_selected_alarm_and_its_incident(window, qtbot, tmp_path, monkeypatch):
    folder = tmp_path / "cap"
    folder.mkdir()
    now = int(time.time() * 1000)
    link = connect_cap(window, qtbot, tmp_path, folder, flood_alarm_rows(now))
    qtbot.waitUntil(lambda: len(link.book.open_alarms()) == 2, timeout=30_000)
    [wlg] = [a for a in link.book.open_alarms() if a.sensor_id == "WLG-00001"]
    pane = window.alarm_pane
    qtbot.waitUntil(lambda: pane.select_alarm(wlg.alarm_id), timeout=10_000)

    out = tmp_path / "published.xml"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(out), ""))
    window.cap_publisher.alarm_action.trigger()
    qtbot.waitUntil(out.exists, timeout=5_000)
    data = out.read_bytes()
    assert problems(data) == []
    alert = parse_alert(data)
    assert alert.msg_type == "Alert" and alert.status == "Actual"
    assert alert.level == wlg.level and alert.onset_ms == wlg.raised_ms // 1000 * 1000  # CAP times are to the second
    assert "WLG-00001" in alert.headline
    table = link.table
    row = list(table.ids).index("WLG-00001")
    lon, lat = from_display(table.x[row], table.y[row], "EPSG:4326")
    centre = alert.areas[0].geometries[0].centroid
    assert (centre.x, centre.y) == pytest.approx((float(lon), float(lat)), abs=1e-4)
    assert "CAP Alert" in window.statusBar().currentMessage()

    incident = window.cap_publisher.publish("incident", wlg.alarm_id, tmp_path / "incident.xml")
    assert problems(incident.xml) == []
    assert parse_alert(incident.data()).areas[0].geometries[0].geom_type == "Polygon"


def test_publish_without_a_selection_says_what_to_do(window):
    window.cap_publisher.alarm_action.trigger()
    assert window.errors[-1] == "Select an alarm in the warning pane first."
