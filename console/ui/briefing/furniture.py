"""Map furniture on a briefing's map frame: scale bar, north arrow and the frame line.

The map view's own decorations (``console.ui.map.decorations``) are reused; this
module only places them so that they clear the drill tab (top centre) and the
frame, whatever the page size.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QPainter, QPen

from console.ui.briefing.style import RULE, latin_family
from console.ui.map.decorations import draw_north_arrow, draw_scale_bar
from console.ui.map.view import ViewState

INSET_PX = 14  # furniture keeps this far inside the frame (the drill frame is 6 px wide)


def paint_furniture(painter: QPainter, view: ViewState, family: str) -> None:
    """North arrow top right and scale bar bottom left, in the map frame's pixels.

    Set in the page's Latin font when there is one (the CJK one comes in for "北" by
    font fallback): a PDF keeps the scale's digits as text only then.
    """
    family = latin_family() or family
    draw_north_arrow(painter, view, family, centre=QPointF(view.width - INSET_PX - 26, INSET_PX + 26))
    draw_scale_bar(painter, view, family, origin=QPointF(INSET_PX + 10, view.height - INSET_PX - 12))


def paint_frame_line(painter: QPainter, rect: QRectF) -> None:
    painter.save()
    painter.setPen(QPen(RULE, 1))
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.drawRect(rect)
    painter.restore()
