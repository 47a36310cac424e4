"""The legend of a briefing: the visible layers, then what a sensor's symbol says.

``legend_sections`` lists what the page explains (tests compare it with the
visible layers); ``LegendBlock`` measures it for a width and draws it, in two
columns when the width allows.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication, QRectF, Qt
from PySide6.QtGui import QFontMetricsF, QPainter, QPixmap

from console.ui.briefing.style import INK, MUTED, page_font
from console.ui.i18n import layer_title
from console.ui.layer_tree import SWATCH, swatch_icon
from console.ui.map.renderer import MapRenderer
from console.ui.snapshot import sensor_state_rows

ROW_PX = 21
HEADING_PX = 20
TITLE_PX = 26
COLUMN_MIN_PX = 165  # two columns only when each keeps this much room for its text


@dataclass(frozen=True)
class LegendSection:
    heading: str
    rows: list[tuple[QPixmap, str]]


def legend_sections(renderer: MapRenderer) -> list[LegendSection]:
    """The visible, non-empty layers (top first); with sensors shown, the warning levels and states."""
    translate = QCoreApplication.translate
    layers = [layer for layer in reversed(renderer.layers) if layer.visible and len(layer)]
    sections = []
    if layers:
        rows = [(swatch_icon(layer).pixmap(SWATCH, SWATCH), layer_title(layer)) for layer in layers]
        sections.append(LegendSection(translate("Briefing", "Map layers"), rows))
    if any(layer.is_sensor_layer for layer in layers):
        sections.append(LegendSection(translate("Briefing", "Warning levels"), sensor_state_rows()))
    return sections


class LegendBlock:
    """The legend laid out for ``width`` logical pixels: ``height`` is what it needs."""

    def __init__(self, sections: list[LegendSection], width: float):
        self.sections = sections
        self.width = width
        self.columns = 2 if width / 2 - SWATCH - 14 >= COLUMN_MIN_PX else 1
        self.height = TITLE_PX + sum(HEADING_PX + ROW_PX * self._lines(s) + 4 for s in sections) if sections else 0

    def _lines(self, section: LegendSection) -> int:
        return -(-len(section.rows) // self.columns)

    def paint(self, painter: QPainter, left: float, top: float) -> None:
        if not self.sections:
            return
        painter.save()
        painter.setPen(INK)
        painter.setFont(page_font(15, bold=True))
        painter.drawText(QRectF(left, top, self.width, TITLE_PX - 4), Qt.AlignmentFlag.AlignVCenter,
                         QCoreApplication.translate("Snapshot", "Legend"))
        y = top + TITLE_PX
        body, heading = page_font(13), page_font(12, bold=True)
        column_width = self.width / self.columns
        text_width = column_width - SWATCH - 12
        metrics = QFontMetricsF(body)
        for section in self.sections:
            painter.setFont(heading)
            painter.setPen(MUTED)
            painter.drawText(QRectF(left, y, self.width, HEADING_PX), Qt.AlignmentFlag.AlignVCenter, section.heading)
            y += HEADING_PX
            painter.setFont(body)
            painter.setPen(INK)
            lines = self._lines(section)
            for index, (pixmap, text) in enumerate(section.rows):
                # Down the first column, then the second: the order reads as a list.
                column, line = divmod(index, lines)
                x = left + column * column_width
                row_top = y + line * ROW_PX
                painter.drawPixmap(QRectF(x, row_top + (ROW_PX - SWATCH) / 2, SWATCH, SWATCH), pixmap,
                                   QRectF(pixmap.rect()))
                shown = metrics.elidedText(text, Qt.TextElideMode.ElideRight, text_width)
                painter.drawText(QRectF(x + SWATCH + 8, row_top, text_width, ROW_PX), Qt.AlignmentFlag.AlignVCenter,
                                 shown)
            y += lines * ROW_PX + 4
        painter.restore()
