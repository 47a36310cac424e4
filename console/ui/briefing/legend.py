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
        rows = sensor_state_rows()
        for extra in renderer.legend_extras:  # what overlays draw (incident footprints)
            rows += extra()
        sections.append(LegendSection(translate("Briefing", "Warning levels"), rows))
    return sections


class LegendBlock:
    """The legend laid out for ``width`` logical pixels: ``height`` is what it needs.

    With ``max_height``, layer rows that do not fit are left out and counted on the
    last line of their section ("… and 12 more layers"); the sensor states are kept.
    """

    def __init__(self, sections: list[LegendSection], width: float, max_height: float | None = None):
        self.width = width
        self.columns = 2 if width / 2 - SWATCH - 14 >= COLUMN_MIN_PX else 1
        self.sections = list(sections)
        self.left_out = 0
        if max_height is not None and self.sections and self._height() > max_height:
            rows = list(self.sections[0].rows)
            while len(rows) > 1 and self._height([LegendSection(self.sections[0].heading, rows + [None]),
                                                   *self.sections[1:]]) > max_height:
                rows.pop()
            self.left_out = len(self.sections[0].rows) - len(rows)
            self.sections[0] = LegendSection(self.sections[0].heading, rows)
        self.height = self._height()

    def _height(self, sections=None) -> float:
        sections = self.sections if sections is None else sections
        if not sections:
            return 0
        extra = ROW_PX if self.left_out else 0
        return TITLE_PX + extra + sum(HEADING_PX + ROW_PX * self._lines(s) + 4 for s in sections)

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
            y += lines * ROW_PX
            if self.left_out and section is self.sections[0]:
                painter.setPen(MUTED)
                painter.drawText(QRectF(left + SWATCH + 8, y, self.width, ROW_PX), Qt.AlignmentFlag.AlignVCenter,
                                 QCoreApplication.translate("Briefing", "… and {n} more layers").format(
                                     n=self.left_out))
                y += ROW_PX
            y += 4
        painter.restore()
