"""Drawing details that keep the map fast and legible: culling, dashed networks,
translucent layers, labels beside markers, calm sensors at city scale, and the
moved picture shown while the view is in motion."""

from __future__ import annotations

import numpy as np
import shapely

from console.model.layer import GeometryKind
from console.ui.map.canvas import BACKGROUND, MapCanvas
from console.ui.map.labels import LabelImages, Occupancy
from console.ui.map.renderer import MapRenderer
from console.ui.map.sensor_style import COMPACT_FROM_M, NORMAL_COLOUR
from console.ui.map.vectors import VectorPainter
from console.ui.map.view import ViewState
from tests.ui.conftest import DISTRICT_FILL, make_layer
from tests.ui.test_map_rendering import colour_at, render


def mains(dash: str, width: float):
    lines = [shapely.LineString([(0, y), (20_000, y)]) for y in (2_000, 5_000, 8_000)]
    return make_layer("heating", GeometryKind.LINE, lines, {"stroke": "#B57F6B", "width": width, "dash": dash})


def test_a_thick_dashed_network_is_drawn_along_its_lines(qapp):
    renderer = MapRenderer()
    renderer.add_layer(mains("dash", 3.0))
    view = ViewState.fit((0, 0, 20_000, 10_000), 400, 200)
    image = render(renderer, view)
    _, py = view.to_pixel(0, 5_000)
    row = [colour_at(image, x, round(py)) for x in range(20, 380)]
    drawn = row.count("#B57F6B")
    assert 0.3 * len(row) < drawn < 0.95 * len(row)  # dashes: neither nothing nor a solid line
    _, between = view.to_pixel(0, 3_500)
    assert colour_at(image, 200, round(between)) == "#FFFFFF"


def test_only_features_in_view_are_drawn(qapp):
    boxes = [shapely.box(i * 1_000, 0, i * 1_000 + 500, 500) for i in range(100)]
    layer = make_layer("blocks", GeometryKind.POLYGON, boxes, {"fill": DISTRICT_FILL})
    painter = VectorPainter(layer)
    view = ViewState.fit((0, 0, 10_000, 500), 400, 40)
    visible = np.flatnonzero(painter.visible_rows(view))
    assert 9 <= len(visible) <= 12 and visible.min() == 0
    image = render_layer(layer, view)
    x, y = view.to_pixel(250, 250)
    assert colour_at(image, round(x), round(y)) == DISTRICT_FILL
    # The paths of features never seen are never built.
    built = [path is not None for path in next(iter(painter._paths.values()))] if painter._paths else []
    assert not built or sum(built) < 20


def render_layer(layer, view):
    renderer = MapRenderer()
    renderer.add_layer(layer)
    return render(renderer, view)


def test_layer_opacity_blends_the_whole_layer_once(qapp, districts):
    districts.opacity = 0.5
    view = ViewState.fit((-5_000, -5_000, 25_000, 15_000), 600, 400)
    image = render_layer(districts, view)
    x, y = view.to_pixel(2_000, 2_000)
    colour = image.pixelColor(round(x), round(y))
    # #88AA44 half over white: (0x88 + 0xFF) / 2 = 0xC3 and so on, within rounding.
    assert abs(colour.red() - 0xC3) <= 2 and abs(colour.green() - 0xD4) <= 2 and abs(colour.blue() - 0xA1) <= 2


def test_a_point_label_sits_beside_its_marker_not_on_it(qapp):
    layer = make_layer("sites", GeometryKind.POINT, [shapely.Point(5_000, 5_000)],
                       {"fill": "#8E4C9E", "stroke": "#FFFFFF", "marker": "diamond", "size": 11,
                        "label": "name_zh", "label_color": "#202020", "label_size": 10},
                       name_zh=["金桥化工储罐区"])
    view = ViewState.fit((0, 0, 10_000, 10_000), 400, 400)
    image = render_layer(layer, view)
    x, y = (round(v) for v in view.to_pixel(5_000, 5_000))
    assert colour_at(image, x, y) == "#8E4C9E"  # the marker is not covered by its label
    dark_right = sum(image.pixelColor(px, py).lightness() < 100 for px in range(x + 8, x + 120) for py in range(y - 8, y + 8))
    dark_left = sum(image.pixelColor(px, py).lightness() < 100 for px in range(x - 120, x - 8) for py in range(y - 8, y + 8))
    assert dark_right > 30 and dark_left == 0  # the text is to the right, in dark ink


def test_overlapping_labels_are_dropped_and_label_images_are_reused(qapp):
    taken = Occupancy()
    assert taken.free((0, 0, 50, 10))
    taken.take((0, 0, 50, 10))
    assert not taken.free((40, 5, 90, 15)) and taken.free((60, 0, 100, 10))
    from PySide6.QtGui import QColor, QFont

    images = LabelImages(limit=2)
    font = QFont()
    first = images.get("江北区", font, QColor("#000000"))
    assert images.get("江北区", font, QColor("#000000")) is first
    images.get("滨江区", font, QColor("#000000"))
    images.get("东湖区", font, QColor("#000000"))
    assert len(images) == 2


def test_calm_sensors_shrink_to_dots_at_city_scale(qapp):
    layer = make_layer("sensors", GeometryKind.POINT, [shapely.Point(0, 0)], {"marker": "circle", "size": 5},
                       id=["GAS-00001"], category=["gas"], quantity=["gas_lel"])
    layer.is_sensor_layer = True
    renderer = MapRenderer()
    renderer.add_layer(layer)
    near = ViewState.fit((-1_000, -1_000, 1_000, 1_000), 200, 200)  # 10 m per pixel
    far = ViewState.fit((-COMPACT_FROM_M * 300, -COMPACT_FROM_M * 300, COMPACT_FROM_M * 300, COMPACT_FROM_M * 300),
                        200, 200)
    widths = []
    for view in (near, far):
        image = render(renderer, view)
        x, y = (round(v) for v in view.to_pixel(0, 0))
        widths.append(sum(colour_at(image, x + d, y) == NORMAL_COLOUR.upper() for d in range(-8, 9)))
    assert widths[0] >= 4 and 1 <= widths[1] <= 3  # a full marker near, a small dot far


def panned_canvas(qtbot, districts) -> MapCanvas:
    """A canvas showing the districts, drawn once, then panned a quarter of its width."""
    canvas = MapCanvas()
    qtbot.addWidget(canvas)
    canvas.resize(400, 300)
    canvas.show()
    canvas.renderer.add_layer(districts)
    canvas.set_extent((-5_000, -5_000, 25_000, 15_000), padding=0)
    canvas.grab()
    canvas.pan_by(0.25, 0)
    return canvas


def test_the_view_in_motion_shows_the_moved_picture_then_settles(qtbot, districts):
    canvas = panned_canvas(qtbot, districts)
    moved = canvas.grab().toImage()
    assert canvas.map_item.settle_timer.isActive()
    view = canvas.view_state()
    x, y = view.to_pixel(8_000, 2_000)
    assert colour_at(moved, round(x), round(y)) == DISTRICT_FILL  # the picture moved with the view
    x, y = view.to_pixel(30_000, 2_000)
    assert colour_at(moved, round(x), round(y)) == BACKGROUND.upper()
    # Once still, the full-detail picture is drawn on the worker thread and shown.
    qtbot.waitUntil(lambda: canvas.map_item._static_key[0] == view, timeout=5_000)
    settled = canvas.grab().toImage()
    x, y = view.to_pixel(8_000, 2_000)
    assert colour_at(settled, round(x), round(y)) == DISTRICT_FILL
    assert not canvas.map_item.settle_timer.isActive()


def test_a_picture_drawn_for_an_outdated_map_is_not_shown(qtbot, districts):
    canvas = panned_canvas(qtbot, districts)
    canvas.grab()
    item = canvas.map_item
    with qtbot.waitSignal(item.worker.done, timeout=5_000):
        item._on_settle_timeout()
        districts.visible = False  # the content changes while the picture is being drawn
    canvas.grab()  # drawn at once for the new content
    view = canvas.view_state()
    x, y = view.to_pixel(8_000, 2_000)
    assert colour_at(canvas.grab().toImage(), round(x), round(y)) == BACKGROUND.upper()


def test_the_briefing_legend_explains_sensor_symbols_when_sensors_are_shown(qapp, districts):
    from console.ui.snapshot import legend_rows

    renderer = MapRenderer()
    renderer.add_layer(districts)
    assert [text for _, text in legend_rows(renderer)] == ["districts"]
    layer = make_layer("sensors", GeometryKind.POINT, [shapely.Point(0, 0)], {"marker": "circle", "size": 5},
                       id=["GAS-00001"])
    layer.is_sensor_layer = True
    renderer.add_layer(layer)
    texts = [text for _, text in legend_rows(renderer)]
    assert texts[:2] == ["sensors", "districts"]
    assert texts[2:6] == ["Level I warning (red)", "Level II warning (orange)", "Level III warning (yellow)",
                          "Level IV warning (blue)"]
