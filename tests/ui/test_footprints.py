"""Incident footprints on the map: an area at city scale, the sensors again when zoomed in (pixels)."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import shapely
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QApplication

from console.alarm_list.footprints import incident_footprints
from console.model.layer import GeometryKind, VectorLayer
from console.ui.main_window import MainWindow
from console.ui.map.footprints import FOOTPRINT_FROM_M
from console.ui.map.sensor_style import LEVEL_COLOURS
from tests.ui.live_fixtures import ORIGIN, T0, confirmed, readings

ORANGE = QColor(LEVEL_COLOURS[2])
# Six waterlogging sensors on a ring 2 km across the middle, one district: one incident, a wide footprint.
FLOOD_IDS = [f"WLG-{i:05d}" for i in range(1, 7)]
CENTRE = ORIGIN


def ring_layer() -> VectorLayer:
    angles = np.linspace(0, 2 * np.pi, len(FLOOD_IDS), endpoint=False)
    xy = np.column_stack((CENTRE[0] + 2_000 * np.cos(angles), CENTRE[1] + 2_000 * np.sin(angles)))
    n = len(FLOOD_IDS)
    frame = gpd.GeoDataFrame(
        {"id": FLOOD_IDS, "name": [f"下穿通道{i}" for i in range(1, n + 1)], "category": ["waterlogging"] * n,
         "quantity": ["depth"] * n, "unit": ["cm"] * n, "district": ["金桥区"] * n, "owner": ["金桥区排水所"] * n},
        geometry=shapely.points(xy), crs="EPSG:3857")
    return VectorLayer("sensors", GeometryKind.POINT, frame, "sensors.test", "EPSG:3857", title="Sensors",
                       title_zh="监测点", is_sensor_layer=True)


@pytest.fixture
def window(qtbot, tmp_path):
    win = MainWindow()
    qtbot.addWidget(win)
    win.resize(1200, 900)
    win.open_journal(tmp_path / "journal.sqlite")
    win.set_operator("李明")
    layer = ring_layer()
    win.canvas.renderer.add_layer(layer)
    assert win.start_live()
    win.show()
    # Every sensor of the ring at level II (45 cm): one incident of six sensors.
    win.feed(confirmed([(sensor, 45.0) for sensor in FLOOD_IDS]), "test", now_ms=T0)
    win.refresh_live()
    win.footprints.update()
    return win, layer


def show(window, centre, half_m: float):
    x, y = centre
    window.canvas.set_extent((x - half_m, y - half_m, x + half_m, y + half_m), padding=0)
    QApplication.processEvents()
    window.canvas.settle()
    QApplication.processEvents()
    return window.canvas.view_state()


def pixel(window, view, x, y) -> QColor:
    px, py = view.to_pixel(x, y)
    window.canvas.map_item.blink_on = True
    return window.canvas.grab().toImage().pixelColor(round(px), round(py))


def orange_tinted(colour: QColor, plain: QColor) -> bool:
    """Moved from the plain map's colour well towards the level's orange."""
    def distance(a: QColor) -> int:
        return sum(abs(u - v) for u, v in zip(a.getRgb()[:3], ORANGE.getRgb()[:3], strict=True))
    return distance(colour) < distance(plain) - 60


def test_one_footprint_per_incident_with_its_sensors_count_and_worst_level(window):
    win, _layer = window
    (footprint,) = incident_footprints(win.session.book, win.session.table)
    assert footprint.count == len(FLOOD_IDS) and footprint.level == 2 and footprint.family == "flood"
    assert sorted(win.session.table.ids[footprint.rows].tolist()) == FLOOD_IDS
    # A snapshot's legend says what the dashed (flood) area is.
    from console.ui.snapshot import legend_rows

    assert [text for _, text in legend_rows(win.canvas.renderer)][-1] == "Flood incident area"


def test_city_scale_draws_the_footprint_and_hides_its_markers_zoomed_in_shows_the_sensors(window):
    win, layer = window
    x, y = layer.xy
    flood = np.arange(len(FLOOD_IDS))
    centre = CENTRE
    beside = (CENTRE[0] + 600.0, CENTRE[1] + 900.0)  # inside the hull, 1 km and more from any sensor
    # City scale: 40 km across the canvas.
    city = show(win, centre, 20_000)
    assert city.resolution_m > FOOTPRINT_FROM_M
    tinted = pixel(win, city, *beside)
    win.footprints.enabled = False
    win.footprints.update()
    win.canvas.map_item.update()
    plain = pixel(win, city, *beside)
    assert orange_tinted(tinted, plain), (tinted.name(), plain.name())
    win.footprints.enabled = True
    win.footprints.update()
    # The badge: the count of sensors in a badge of the level's colour at the sensors' middle.
    (footprint,) = win.footprints.footprints
    badge_at = footprint.label_at
    px, py = city.to_pixel(*badge_at)
    image = win.canvas.grab().toImage()
    ring = [image.pixelColor(round(px) + dx, round(py)) for dx in (-9, 9)]
    assert all(c.name() == ORANGE.name() for c in ring), [c.name() for c in ring]
    # Its alarms await acknowledgement: in the "off" half of the blink the badge is white, outlined in orange.
    win.canvas.map_item.blink_on = False
    image = win.canvas.grab().toImage()
    assert all(image.pixelColor(round(px) + dx, round(py)).name() == "#ffffff" for dx in (-9, 9))
    win.canvas.map_item.blink_on = True
    # Markers of the footprint's sensors are left out of the city-scale frame.
    painter = win.canvas.renderer.painter_for(layer)
    assert sorted(painter.hidden_features.tolist()) == sorted(flood.tolist())

    # A click inside the footprint selects the incident's line in the warning pane.
    pane = win.alarm_pane
    pane.refresh()
    assert win.footprints.click_at(*beside) is not None
    (row,) = pane.selected_rows()
    assert pane.model.is_incident_line(row)
    assert win.footprints.click_at(CENTRE[0] + 30_000, CENTRE[1]) is None  # outside: nothing

    # Zoomed in (a few metres a pixel): the footprint goes, each sensor is its orange diamond again.
    near = show(win, (float(x[flood[0]]), float(y[flood[0]])), 300)
    assert near.resolution_m < FOOTPRINT_FROM_M
    assert pixel(win, near, float(x[flood[0]]), float(y[flood[0]])).name() == ORANGE.name()
    assert not win.footprints.shown(near)
    # The hidden codes came back after the city-scale frames: the live state is untouched.
    assert (painter.raster.codes[flood] > 1).all()


def test_an_incident_back_to_normal_awaiting_acknowledgement_is_an_outline_not_a_ring_each(window):
    win, layer = window
    flood = np.arange(len(FLOOD_IDS))
    beside = (CENTRE[0] + 600.0, CENTRE[1] + 900.0)  # inside the hull, 1 km and more from any sensor
    # The water drains away: every alarm returns to normal, none acknowledged yet.
    for t_ms in (T0 + 600_000, T0 + 660_000):  # cleared for a minute (the rules' delay_off_s)
        win.feed(readings([(sensor, 2.0) for sensor in FLOOD_IDS], t_ms), "test", now_ms=t_ms)
    win.refresh_live()
    win.footprints.update()
    (footprint,) = win.footprints.footprints
    assert footprint.returned and footprint.level == 2 and footprint.count == footprint.unack == len(FLOOD_IDS)
    city = show(win, CENTRE, 20_000)
    inside = pixel(win, city, *beside)
    painter = win.canvas.renderer.painter_for(layer)
    assert sorted(painter.hidden_features.tolist()) == sorted(flood.tolist())  # no ring marker each
    # Outlined only: the map inside is as without footprints (no tint) ...
    win.footprints.enabled = False
    win.footprints.update()
    win.canvas.map_item.update()
    plain = pixel(win, city, *beside)
    assert sum(abs(u - v) for u, v in zip(inside.getRgb()[:3], plain.getRgb()[:3], strict=True)) < 12
    win.footprints.enabled = True
    win.footprints.update()
    # ... with a white badge, outlined in the peak level's orange, and a legend line of its own.
    px, py = city.to_pixel(*footprint.label_at)
    image = win.canvas.grab().toImage()
    assert all(image.pixelColor(round(px) + dx, round(py)).name() == "#ffffff" for dx in (-9, 9))
    from console.ui.snapshot import legend_rows

    assert [text for _, text in legend_rows(win.canvas.renderer)][-1] == "Returned incident area (to acknowledge)"
    # Acknowledged, they leave the book's open alarms that await anything: no footprint at all.
    pane = win.alarm_pane
    pane.refresh()
    pane.view.selectAll()
    pane.acknowledge_selected()
    win.refresh_live()
    win.footprints.update()
    assert win.footprints.footprints == []


def test_footprints_follow_the_live_refresh_in_a_turn_of_the_event_loop_of_their_own(qtbot, tmp_path):
    win = MainWindow()
    qtbot.addWidget(win)
    win.open_journal(tmp_path / "journal.sqlite")
    win.canvas.renderer.add_layer(ring_layer())
    assert win.start_live()
    win.feed(confirmed([(sensor, 45.0) for sensor in FLOOD_IDS]), "test", now_ms=T0)
    win.refresh_live()
    assert win.footprints.footprints == []  # not inside the refresh: the GUI thread is held in short stretches
    qtbot.waitUntil(lambda: len(win.footprints.footprints) == 1, timeout=5_000)
    assert sorted(win.footprints.footprints[0].rows.tolist()) == list(range(len(FLOOD_IDS)))

