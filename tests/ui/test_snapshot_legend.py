"""The snapshot's legend box is as wide as its longest line needs, so no line is cut in the middle."""

from __future__ import annotations

import shapely
from PySide6.QtGui import QFont, QFontMetricsF

from console.model.layer import GeometryKind
from console.ui.layer_tree import SWATCH
from console.ui.map.renderer import MapRenderer
from console.ui.snapshot import render_snapshot
from tests.ui.conftest import make_layer

WIDTH, HEIGHT = 1200, 800
LONG_TITLE = "Returned incident area (to acknowledge) by the unit"


def legend_width(title: str) -> tuple[int, float]:
    """(pixels of the legend box along its bottom padding, advance of ``title`` in the legend's font)."""
    renderer = MapRenderer()
    layer = make_layer("area", GeometryKind.POLYGON, [shapely.box(0, 0, 1_000, 1_000)],
                       {"fill": "#88AA44", "stroke": "#333333", "width": 1.0})
    layer.title = title
    renderer.add_layer(layer)
    # The layer fills the middle; the lower right corner, where the legend sits, is plain map paper.
    image = render_snapshot(renderer, WIDTH, HEIGHT, extent=(-20_000, -2_000, 3_000, 3_000), title="t")
    y = HEIGHT - 14 - 3  # inside the box's bottom padding, below its last line
    whiter = [x for x in range(WIDTH // 2, WIDTH) if image.pixelColor(x, y).lightness() >= 250]
    font = QFont(renderer.font_family)
    font.setPixelSize(13)
    return len(whiter), QFontMetricsF(font).horizontalAdvance(title)


def test_a_long_legend_line_widens_the_box_to_fit_it(qapp):
    short_box, _ = legend_width("Area")
    long_box, advance = legend_width(LONG_TITLE)
    assert 200 <= short_box <= 212  # the usual box
    assert advance > 300  # would not fit the usual box
    assert long_box >= advance + SWATCH + 16  # room for the swatch, the gaps and the whole line
    assert long_box <= WIDTH * 0.35 + 1
