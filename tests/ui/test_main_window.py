"""The window as an operator uses it: open files, the layer tree, identify, errors, language."""

from __future__ import annotations

import geopandas as gpd
import pytest
import shapely
from PySide6.QtCore import QPointF, Qt

from console.ui.main_window import MainWindow


@pytest.fixture
def window(qtbot):
    win = MainWindow()
    qtbot.addWidget(win)
    win.resize(1000, 700)
    win.show()
    return win


@pytest.fixture
def district_file(tmp_path):
    path = tmp_path / "districts.geojson"
    frame = gpd.GeoDataFrame({"name": ["江岸区", "武昌区"], "code": ["420102", "420106"]},
                             geometry=[shapely.box(114.25, 30.55, 114.30, 30.60),
                                       shapely.box(114.30, 30.55, 114.35, 30.60)], crs="EPSG:4490")
    frame.to_file(path, driver="GeoJSON")
    return path


def test_open_file_lists_layer_with_count_and_toggles_visibility(window, district_file, qtbot):
    layers = window.open_paths([district_file])
    qtbot.waitUntil(lambda: len(window.layer_tree.layer_items()) == 1)
    assert len(layers) == 1
    items = window.layer_tree.layer_items()
    assert [item.text(0) for item in items] == ["districts"]
    assert items[0].text(1) == "2"
    items[0].setCheckState(0, Qt.CheckState.Unchecked)
    assert layers[0].visible is False


def test_click_on_a_district_shows_its_attributes(window, district_file, qtbot):
    (layer,) = window.open_paths([district_file])
    window.canvas.zoom_to_layer(layer)
    from console.geo.crs import to_display

    x, y = to_display([114.27], [30.57], "EPSG:4490")
    with qtbot.waitSignal(window.canvas.feature_clicked):
        window.canvas.identify_at(QPointF(float(x[0]), float(y[0])))
    assert window.identify.value_of("name") == "江岸区"
    assert window.identify.value_of("code") == "420102"


def test_corrupt_file_is_reported_by_name_and_open_layers_stay(window, district_file, tmp_path):
    window.open_paths([district_file])
    broken = tmp_path / "broken.geojson"
    broken.write_text('{"type": "FeatureCollection", "features": [', encoding="utf-8")
    opened = window.open_paths([broken])
    assert opened == []
    assert window.errors and "broken.geojson" in window.errors[-1]
    assert [layer.name for layer in window.canvas.renderer.layers] == ["districts"]


def test_removing_a_layer_from_the_tree_removes_it_from_the_map(window, district_file, qtbot):
    (layer,) = window.open_paths([district_file])
    window.canvas.renderer.remove_layer(layer)
    qtbot.waitUntil(lambda: window.layer_tree.layer_items() == [])
    assert window.canvas.renderer.layers == []


def test_window_snapshot_has_the_district_colour(window, district_file, tmp_path):
    (layer,) = window.open_paths([district_file])
    window.canvas.zoom_to_layer(layer)
    path = window.save_snapshot(tmp_path / "shot.png", 800, 600)
    from PySide6.QtGui import QColor, QImage

    from console.ui.map.canvas import BACKGROUND
    from console.ui.snapshot import TITLE_HEIGHT

    image = QImage(str(path))
    assert (image.width(), image.height()) == (800, 600)
    # Semi-transparent fill over the paper background: expect the blend of the two.
    fill = QColor(layer.style.symbol.fill[:7])
    alpha = int(layer.style.symbol.fill[7:9], 16) / 255
    paper = QColor(BACKGROUND)
    expected = [alpha * f + (1 - alpha) * b for f, b in zip(fill.getRgb()[:3], paper.getRgb()[:3], strict=True)]
    # A point in the western district, away from its label and outline, placed as the snapshot places it.
    from console.geo.crs import to_display
    from console.ui.map.view import ViewState
    from console.ui.snapshot import _padded

    view = ViewState.fit(_padded(window.canvas.extent(), 0.03), 800, 600 - TITLE_HEIGHT)
    x, y = to_display([114.26], [30.56], "EPSG:4490")
    px, py = view.to_pixel(x[0], y[0])
    pixel = image.pixelColor(round(px), round(py) + TITLE_HEIGHT)
    assert all(abs(p - e) <= 3 for p, e in zip(pixel.getRgb()[:3], expected, strict=True)), (pixel.name(), expected)
    title_bar = image.pixelColor(5, 5)
    assert title_bar.name().upper() == "#1F2A36"


def test_each_group_of_tabbed_docks_shows_one_tab_bar(window, qtbot):
    # Qt's layout made a spare bar for the second tabbed group that stayed drawn over the layer tree.
    from PySide6.QtWidgets import QTabBar

    def shown_bars():
        bars = window.findChildren(QTabBar, options=Qt.FindChildOption.FindDirectChildrenOnly)
        return [tuple(bar.tabText(i) for i in range(bar.count())) for bar in bars if bar.isVisible()]

    qtbot.waitUntil(lambda: len(shown_bars()) > 0)
    bars = shown_bars()
    assert len(bars) == len(set(bars)), bars
    layers = window.layers_dock.geometry()
    for bar in window.findChildren(QTabBar, options=Qt.FindChildOption.FindDirectChildrenOnly):
        if bar.isVisible():
            assert not bar.geometry().intersects(layers.adjusted(0, 30, 0, -30)), bar.geometry()
