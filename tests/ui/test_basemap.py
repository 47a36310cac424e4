"""Offline basemap tiles land where the tile grid says, off the GUI thread in the canvas."""

from __future__ import annotations

from PySide6.QtGui import QColor, QImage, QPainter

from console.geo.tiles import MBTilesSource
from console.ui.map.basemap import BasemapLayer
from console.ui.map.canvas import MapCanvas
from console.ui.map.view import ViewState

WORLD = 20037508.34


def test_mbtiles_basemap_draws_tiles_for_the_whole_world(qapp, realdata):
    source = MBTilesSource(realdata / "tiles" / "geography-class-png.mbtiles")
    basemap = BasemapLayer(source, "geo")
    view = ViewState.fit((-WORLD, -WORLD, WORLD, WORLD), 512, 512)
    image = QImage(512, 512, QImage.Format.Format_ARGB32)
    image.fill(QColor("#FF00FF"))
    painter = QPainter(image)
    drawn = basemap.paint(painter, view, wait=True)
    painter.end()
    assert drawn == 4  # zoom 1: 2 x 2 tiles
    magenta = sum(image.pixelColor(x, y).name() == "#ff00ff" for x in range(0, 512, 16) for y in range(0, 512, 16))
    assert magenta == 0  # the tiles cover the view
    # Geography Class: open ocean in the South Pacific is blue-ish, not the fill.
    ocean = image.pixelColor(40, 300)
    assert ocean.blue() > ocean.red()
    basemap.stop()


def test_canvas_loads_tiles_in_the_background_and_repaints(qtbot, realdata):
    canvas = MapCanvas()
    qtbot.addWidget(canvas)
    canvas.resize(512, 512)
    canvas.show()
    basemap = BasemapLayer(MBTilesSource(realdata / "tiles" / "geography-class-png.mbtiles"), "geo")
    canvas.renderer.add_basemap(basemap)
    canvas.set_extent((-WORLD, -WORLD, WORLD, WORLD), padding=0)
    canvas.grab()  # first paint requests the tiles

    def centre_colour() -> str:
        return canvas.grab().toImage().pixelColor(256, 256).name().upper()

    # The repaint comes by itself once the worker has decoded the tiles.
    qtbot.waitUntil(lambda: centre_colour() != "#F4F1EA", timeout=5000)
    assert len(basemap._cache) >= 4
    basemap.stop()
