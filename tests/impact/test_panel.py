"""The impact dock in the window: a sensor clicked, the action run off the GUI thread, the answer listed
and drawn on the map (pixels checked where the hand-made city says the pipes and the circle are)."""

from __future__ import annotations

import csv
import json

import numpy as np
import pytest
from PySide6.QtGui import QColor, QImage, QPainter

from console.ui.impact.overlay import CUT
from console.ui.main_window import MainWindow
from console.ui.map.view import BACKGROUND, ViewState
from tests.impact import handmade


@pytest.fixture
def window(qtbot, tmp_path):
    window = MainWindow()
    qtbot.addWidget(window)
    window.resize(1200, 800)
    window.open_catalog(handmade.write_city(tmp_path / "city"))
    window.show()
    yield window
    window.close()


def click_sensor(window, sensor_id: str) -> None:
    layer = next(layer for layer in window.canvas.renderer.layers if layer.is_sensor_layer)
    row = int(np.flatnonzero(layer.column_values("id") == sensor_id)[0])
    window.canvas.feature_clicked.emit(layer, row)  # what a click on the sensor's marker emits


def run(window, qtbot, sensor_id: str):
    click_sensor(window, sensor_id)
    panel = window.impact.panel
    panel.result = None
    window.impact.action.trigger()
    qtbot.waitUntil(lambda: panel.result is not None or panel.error is not None, timeout=20_000)
    return panel


def render(window, extent, size=(800, 600)) -> tuple[QImage, ViewState]:
    view = ViewState.fit(extent, *size)
    image = QImage(*size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(QColor(BACKGROUND))
    painter = QPainter(image)
    window.canvas.renderer.render(painter, view)
    painter.end()
    return image, view


def pixel(image, view, x, y) -> QColor:
    px, py = view.to_pixel(x, y)
    return image.pixelColor(round(px), round(py))


def tree_texts(panel) -> dict[str, list[str]]:
    tree = panel.tree
    out = {}
    for i in range(tree.topLevelItemCount()):
        item = tree.topLevelItem(i)
        out[item.text(0)] = [item.child(k).text(0) for k in range(item.childCount())]
    return out


def test_the_action_lists_the_answer_and_draws_it_on_the_map(window, qtbot, tmp_path):
    panel = run(window, qtbot, handmade.GAS_SENSOR)
    assert window.impact.dock.isVisible()
    texts = tree_texts(panel)
    assert [t.split()[0] for t in texts["Facilities inside (2)"]] == ["东湖小学", "江滨医院"]
    assert sorted(texts["Valves to close (3)"]) == ["V1", "V2", "V3"]
    fire = [t for t in texts["Nearest resources by road"] if "消防站" in t]
    assert fire[0].startswith("东区消防站") and fire[1].startswith("北岸消防站")  # B before A, by road
    assert "gas: " in panel.header.text() and "300 m" in panel.header.text()
    assert "孤岛急救站" in panel.notes.text() and panel.notes.isVisible()

    names = [layer.name for layer in window.canvas.renderer.layers]
    assert {"impact_radius", "impact_pipes", "impact_valves", "impact_facilities", "impact_routes",
            "impact_units"} <= set(names)
    assert names.index("impact_radius") < names.index("sensors") < names.index("impact_valves")

    image, view = render(window, (-1100, -600, 1100, 1100))
    cut = QColor(CUT)

    def near(colour, target, tolerance=40):
        return all(abs(a - b) <= tolerance for a, b in zip(colour.getRgb()[:3], target.getRgb()[:3], strict=True))

    assert near(pixel(image, view, -250, 0), cut)  # P1 between V1 and J0: in the section
    assert near(pixel(image, view, 0, 250), cut)  # P3 between J0 and V3
    assert not near(pixel(image, view, 0, 750), cut)  # P3 beyond V3 still has gas
    assert not near(pixel(image, view, 750, 0), cut)  # P2 beyond V2, fed round the loop
    inside, outside = pixel(image, view, -120, 200), pixel(image, view, -120, 420)
    assert inside.blue() > inside.green() and outside.blue() < outside.green()  # the circle's purple tint

    rows = list(csv.DictReader(panel.export_csv(tmp_path / "out.csv").open(encoding="utf-8-sig")))
    assert [r["id"] for r in rows if r["item"] == "valve"] == [v.id for v in panel.result.valves]
    data = json.loads(panel.export_geojson(tmp_path / "out.geojson").read_text(encoding="utf-8"))
    assert data["features"][0]["properties"]["item"] == "radius"

    panel.clear_button.click()
    assert not any(layer.name.startswith("impact_") for layer in window.canvas.renderer.layers)


def test_a_sensor_on_no_pipe_says_so_in_the_panel_and_the_rest_still_shows(window, qtbot):
    panel = run(window, qtbot, handmade.FAR_SENSOR)
    assert "GAS-2 is on no gas pipe" in panel.notes.text()
    texts = tree_texts(panel)
    assert texts["Valves to close (0)"] == []
    assert any(t.startswith("东区消防站") for t in texts["Nearest resources by road"])
    assert "impact_valves" not in [layer.name for layer in window.canvas.renderer.layers]


def test_nothing_selected_asks_for_a_selection(window):
    assert window.impact.analyse_selected() is False
    assert "Select a warning or click a sensor first" in window.statusBar().currentMessage()


def test_the_selected_warning_gives_its_sensor(qtbot, tmp_path):
    from tests.ui.live_fixtures import T0, confirmed

    window = MainWindow()
    qtbot.addWidget(window)
    window.open_journal(tmp_path / "live.sqlite")
    window.set_operator("王敏")
    window.open_catalog(handmade.write_city(tmp_path / "city"))
    window.start_live()
    window.show()
    window.feed(confirmed([(handmade.GAS_SENSOR, 62.0)], T0), now_ms=T0)
    window.refresh_live()
    table = window.live.table
    alarm = int(table.alarm_id[int(np.flatnonzero(table.ids == handmade.GAS_SENSOR)[0])])
    assert alarm >= 0
    qtbot.waitUntil(lambda: window.alarm_pane.select_alarm(alarm), timeout=5_000)
    window.impact.last_clicked = handmade.FAR_SENSOR  # the warning's sensor comes first
    assert window.impact.selected_sensor() == handmade.GAS_SENSOR
    window.impact.action.trigger()
    panel = window.impact.panel
    qtbot.waitUntil(lambda: panel.result is not None, timeout=20_000)
    assert panel.result.sensor == handmade.GAS_SENSOR and len(panel.result.valves) == 3
    window.close()
