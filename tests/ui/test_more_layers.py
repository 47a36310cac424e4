"""Opening more sensor layers keeps the alarm book; a layer whose quantity has no rule loads and says so."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import shapely
from PySide6.QtCore import QPointF

from console.model.alarms import AlarmState
from console.model.sensors import SensorStatus
from console.ui.main_window import MainWindow
from tests.ui.live_fixtures import MINUTE, ORIGIN, T0, confirmed, readings, sensor_layer


def write_tunnel_layer(path):
    """A catalog of two utility-tunnel H2S sensors: a quantity the default rules do not know."""
    x0, y0 = ORIGIN
    frame = gpd.GeoDataFrame(
        {"id": ["UT-H2S-1", "UT-H2S-2"], "name": ["综合管廊硫化氢1", "综合管廊硫化氢2"],
         "category": ["utility_tunnel"] * 2, "quantity": ["tunnel_h2s"] * 2, "unit": ["ppm"] * 2,
         "district": ["江北区"] * 2, "owner": ["管廊公司"] * 2},
        geometry=shapely.points(np.array([(x0 + 500.0, y0 - 800.0), (x0 + 900.0, y0 - 800.0)])), crs="EPSG:3857")
    frame.to_file(path, driver="GPKG", layer="tunnel_sensors")
    catalog = path.with_suffix(".toml")
    catalog.write_text('title = "Tunnels"\ncrs = "EPSG:3857"\n\n[[layers]]\nname = "tunnel_sensors"\n'
                       f'title = "Tunnel sensors"\nsource = "{path.name}"\nlayer = "tunnel_sensors"\nsensors = true\n',
                       encoding="utf-8")
    return catalog


@pytest.fixture(params=["no journal", "journal"])
def window(qtbot, tmp_path, request):
    win = MainWindow()
    qtbot.addWidget(win)
    win.resize(1200, 900)
    if request.param == "journal":
        win.open_journal(tmp_path / "journal.sqlite")
    win.set_operator("李明")
    win.canvas.renderer.add_layer(sensor_layer())
    assert win.start_live()
    win.show()
    return win


def test_a_second_sensor_layer_keeps_the_alarms_and_watches_its_sensors_without_a_rule(window, tmp_path):
    window.feed(confirmed([("GAS-00002", 30.0), ("WLG-00001", 45.0)]), "test", now_ms=T0)
    book = window.session.book
    gas = next(a for a in book.open_alarms() if a.sensor_id == "GAS-00002")
    book.acknowledge([gas.alarm_id], "李明", T0 + MINUTE)
    before = {a.alarm_id: (a.sensor_id, a.state, a.incident_id) for a in book.open_alarms()}

    opened = window.open_paths([str(write_tunnel_layer(tmp_path / "tunnel.gpkg"))])
    assert [layer.is_sensor_layer for layer in opened] == [True]
    # The rebuilt pipeline has the new sensors and the same alarms, states and incidents.
    table, book = window.session.table, window.session.book
    assert {"UT-H2S-1", "UT-H2S-2"} <= set(table.ids.tolist())
    assert {a.alarm_id: (a.sensor_id, a.state, a.incident_id) for a in book.open_alarms()} == before
    assert table.alarm_state[table.row_of("GAS-00002")] == AlarmState.ACK
    assert table.value[table.row_of("WLG-00001")] == 45.0
    assert window.alarm_pane.model.rowCount() == 2
    # The quantity without a rule: a warning names it; its sensors raise nothing and say why on the map.
    assert any("no rule for the quantity 'tunnel_h2s' of 2 sensor(s)" in w for w in window.rule_warnings)
    window.feed(readings([("UT-H2S-1", 500.0), ("UT-H2S-2", 3.0)], T0 + 2 * MINUTE), "test", now_ms=T0 + 2 * MINUTE)
    assert table.level[table.row_of("UT-H2S-1")] == 0
    assert len(book.open_alarms()) == 2
    window.refresh_live()
    x, y = next(layer for layer in opened).xy
    text = window.live.describe(table.row_of("UT-H2S-1"))
    assert "No rule for tunnel_h2s: watched for silence only" in text
    assert window.live.hover_at(QPointF(float(x[0]), float(y[0]))) == text
    # ... but watched for silence: stale after the default 15 minutes.
    window.session.pipeline.tick(T0 + 20 * MINUTE)
    assert table.status[table.row_of("UT-H2S-1")] == SensorStatus.STALE
