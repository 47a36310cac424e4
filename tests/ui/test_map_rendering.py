"""The map draws what the layers say: colours at known pixels, restyling, order, visibility."""

from __future__ import annotations

import numpy as np
from PySide6.QtGui import QColor, QImage, QPainter

from console.ui.map.renderer import MapRenderer
from console.ui.map.view import ViewState
from tests.ui.conftest import DISTRICT_FILL


def render(renderer: MapRenderer, view: ViewState) -> QImage:
    image = QImage(view.width, view.height, QImage.Format.Format_ARGB32)
    image.fill(QColor("#FFFFFF"))
    painter = QPainter(image)
    renderer.render(painter, view)
    painter.end()
    return image


def colour_at(image: QImage, x: int, y: int) -> str:
    return image.pixelColor(x, y).name().upper()


def test_polygon_fill_is_drawn_inside_the_district_and_not_outside(qapp, districts):
    renderer = MapRenderer()
    renderer.add_layer(districts)
    view = ViewState.fit((-5_000, -5_000, 25_000, 15_000), 600, 400)
    image = render(renderer, view)
    inside = view.to_pixel(2_000, 2_000)  # a corner of district 1, far from its label
    outside = view.to_pixel(-3_000, -3_000)
    assert colour_at(image, int(inside[0]), int(inside[1])) == DISTRICT_FILL
    assert colour_at(image, int(outside[0]), int(outside[1])) == "#FFFFFF"


def test_hidden_layer_is_not_drawn(qapp, districts):
    renderer = MapRenderer()
    renderer.add_layer(districts)
    districts.visible = False
    view = ViewState.fit((0, 0, 20_000, 10_000), 400, 200)
    image = render(renderer, view)
    x, y = view.to_pixel(2_000, 2_000)
    assert colour_at(image, int(x), int(y)) == "#FFFFFF"


def test_point_markers_appear_where_the_points_are_and_restyle_without_rebuild(qapp, sensors):
    renderer = MapRenderer()
    renderer.add_layer(sensors)
    view = ViewState.fit((0, 0, 20_000, 20_000), 500, 500)
    point_painter = renderer.painter_for(sensors)
    x, y = sensors.xy
    px, py = view.to_pixel(x[0], y[0])
    image = render(renderer, view)
    assert colour_at(image, round(px), round(py)) == "#3A7D7C"
    # Restyle one point: add a red square sprite as code 2 and set it.
    from console.ui.map.points import MarkerStyle, Sprite

    raster = point_painter.raster
    raster.sprites.append(Sprite(MarkerStyle("square", 11, "#D7263D", "#000000")))
    codes_before = raster.codes.copy()
    raster.set_codes(np.array([0]), 2)
    assert (raster.codes != codes_before).sum() == 1
    image = render(renderer, view)
    assert colour_at(image, round(px), round(py)) == "#D7263D"


def test_important_point_wins_over_an_overlapping_calm_one(qapp, sensors):
    renderer = MapRenderer()
    renderer.add_layer(sensors)
    from console.ui.map.points import MarkerStyle, Sprite

    raster = renderer.painter_for(sensors).raster
    raster.sprites.append(Sprite(MarkerStyle("diamond", 11, "#F28C28", "#000000")))
    # Zoomed far out every point lands in a few pixels; the alarmed one must show.
    view = ViewState.fit((-2_000_000, -2_000_000, 2_000_000, 2_000_000), 200, 200)
    raster.set_codes(np.array([123]), 2)
    rows, _, _ = raster.visible_winners(view.as_tuple, view.width, view.height)
    assert 123 in rows
    image = render(renderer, view)
    colours = {image.pixelColor(x, y).name().upper() for x in range(90, 110) for y in range(90, 110)}
    assert "#F28C28" in colours


def test_layer_order_decides_what_is_on_top(qapp, districts, sensors):
    renderer = MapRenderer()
    renderer.add_layer(sensors)
    renderer.add_layer(districts)  # districts now drawn above the sensors
    view = ViewState.fit((0, 0, 20_000, 20_000), 500, 500)
    x, y = sensors.xy
    inside = np.flatnonzero((y < 9_000) & (x > 1_500) & (x < 9_000))[0]
    px, py = view.to_pixel(x[inside], y[inside])
    assert colour_at(render(renderer, view), round(px), round(py)) == DISTRICT_FILL
    renderer.move_layer(sensors, 1)
    assert colour_at(render(renderer, view), round(px), round(py)) == "#3A7D7C"


def test_district_labels_are_drawn_in_a_cjk_font(qapp, districts):
    renderer = MapRenderer()
    renderer.add_layer(districts)
    view = ViewState.fit((0, 0, 20_000, 10_000), 600, 300)
    image = render(renderer, view)
    # Dark label ink around the label anchor of district 1 (its centre).
    cx, cy = view.to_pixel(5_000, 5_000)
    patch = [image.pixelColor(x, y).lightness() for x in range(int(cx) - 25, int(cx) + 25)
             for y in range(int(cy) - 8, int(cy) + 8)]
    assert min(patch) < 80
    from PySide6.QtGui import QFont, QFontMetrics

    # The chosen family really has glyphs for the district names (no empty boxes).
    metrics = QFontMetrics(QFont(renderer.font_family))
    assert all(metrics.inFontUcs4(ord(ch)) for ch in "江北区滨江")



def test_point_frame_keeps_exactly_the_points_within_a_marker_of_the_frame(qapp):
    from console.ui.map.points import MarkerStyle, PointRaster, Sprite

    sprites = [None, Sprite(MarkerStyle(size=7))]
    reach = PointRaster(np.zeros(1), np.zeros(1), sprites).reach
    width, height = 200, 120
    edges = np.array([-reach, -reach + 0.5, -reach - 0.5, -0.5, 3.7, width - 0.5, width + reach - 0.5,
                      width + reach, width + reach + 0.5, np.nan])
    # Each point ten pixels below the last: no two share a 4x4 cell, so every one inside is drawn.
    along = 5.0 + 10.0 * np.arange(len(edges))
    x = np.concatenate([edges, along])
    y = np.concatenate([along, edges / 2 + 0.2])
    raster = PointRaster(x, y, sprites)
    raster.codes[4] = 0  # a hidden point is never drawn
    rows, px, py = raster.visible_winners((1.0, 0.0, 2.0, 0.0), width, height)
    with np.errstate(invalid="ignore"):
        sy = 2.0 * y
        expected = np.flatnonzero((x > -reach) & (x < width + reach) & (sy > -reach) & (sy < height + reach)
                                  & (raster.codes > 0))
        assert sorted(rows.tolist()) == expected.tolist()
        assert np.array_equal(px, x[rows].astype(np.int32)) and np.array_equal(py, sy[rows].astype(np.int32))
