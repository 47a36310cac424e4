"""The overview inset: the whole city small, with the briefing's view outlined on it.

Only the area layers are drawn (districts, water, parks): at inset scale lines and
twenty thousand sensor dots would be noise, and the point of the inset is where
the main map sits in the city.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPen

from console.model.layer import GeometryKind
from console.ui.briefing.style import INK, PANEL_FILL, RULE, page_font
from console.ui.map.renderer import MapRenderer
from console.ui.map.view import ViewState

TITLE_PX = 24
VIEW_OUTLINE = QColor("#111111")
VIEW_FILL = QColor(17, 17, 17, 40)
MIN_OUTLINE_PX = 6.0  # a view much smaller than the city is still marked with a visible box


def inset_title() -> str:
    return QCoreApplication.translate("Briefing", "Overview")


def inset_layers(renderer: MapRenderer) -> list:
    return [layer for layer in renderer.layers
            if layer.visible and len(layer) and layer.kind is GeometryKind.POLYGON and not layer.is_sensor_layer]


def inset_height(renderer: MapRenderer, width: float, max_height: float) -> float:
    """Height of the inset (with its title) for ``width``: the city's shape, at most ``max_height``."""
    extent = renderer.full_extent()
    if extent is None:
        return 0.0
    span_x, span_y = max(extent[2] - extent[0], 1e-9), max(extent[3] - extent[1], 1e-9)
    return min(max_height, TITLE_PX + width * span_y / span_x)


def paint_inset(painter: QPainter, rect: QRectF, renderer: MapRenderer,
                view_extent: tuple[float, float, float, float]) -> None:
    """The overview in ``rect`` (title on top) with ``view_extent`` (display coordinates) outlined."""
    extent = renderer.full_extent()
    if extent is None or rect.height() <= TITLE_PX + 10:
        return
    painter.save()
    painter.setPen(INK)
    painter.setFont(page_font(15, bold=True))
    painter.drawText(QRectF(rect.left(), rect.top(), rect.width(), TITLE_PX - 4), Qt.AlignmentFlag.AlignVCenter,
                     inset_title())
    frame = QRectF(rect.left(), rect.top() + TITLE_PX, rect.width(), rect.height() - TITLE_PX)
    painter.setPen(QPen(RULE, 1))
    painter.setBrush(PANEL_FILL)
    painter.drawRect(frame)
    # Around the city and the view both: a view panned off the city still shows where it is.
    minx = min(extent[0], view_extent[0])
    miny = min(extent[1], view_extent[1])
    maxx = max(extent[2], view_extent[2])
    maxy = max(extent[3], view_extent[3])
    pad_x, pad_y = (maxx - minx) * 0.04, (maxy - miny) * 0.04
    view = ViewState.fit((minx - pad_x, miny - pad_y, maxx + pad_x, maxy + pad_y), int(frame.width()),
                         int(frame.height()))
    painter.setClipRect(frame)
    painter.translate(frame.left(), frame.top())
    renderer.paint_layers(painter, view, layers=inset_layers(renderer))
    x0, y0 = view.to_pixel(view_extent[0], view_extent[3])
    x1, y1 = view.to_pixel(view_extent[2], view_extent[1])
    box = QRectF(min(x0, x1), min(y0, y1), abs(x1 - x0), abs(y1 - y0))
    if box.width() < MIN_OUTLINE_PX or box.height() < MIN_OUTLINE_PX:
        centre = box.center()
        box = QRectF(centre.x() - MIN_OUTLINE_PX / 2, centre.y() - MIN_OUTLINE_PX / 2, MIN_OUTLINE_PX, MIN_OUTLINE_PX)
    painter.setPen(QPen(VIEW_OUTLINE, 2))
    painter.setBrush(VIEW_FILL)
    painter.drawRect(box)
    painter.restore()
