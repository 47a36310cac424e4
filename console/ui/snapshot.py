"""Map snapshots: the map with title, time, legend, scale bar and north arrow.

File ▸ Save map snapshot and ``console open --snapshot`` draw this picture; the
briefing page (legend, inset, alarm table, sources) is ``console.ui.briefing``.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from PySide6.QtCore import QCoreApplication, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QImage, QPainter, QPen, QPixmap

from console.model.levels import DISPLAY_ZONE
from console.ui.i18n import layer_title
from console.ui.layer_tree import SWATCH, swatch_icon
from console.ui.map.decorations import draw_north_arrow, draw_scale_bar
from console.ui.map.points import marker_path
from console.ui.map.renderer import MapRenderer
from console.ui.map.sensor_style import LEVEL_COLOURS, LEVEL_MARKERS, STALE_COLOUR
from console.ui.map.view import BACKGROUND, ViewState

TITLE_HEIGHT = 56


def render_snapshot(renderer: MapRenderer, width: int, height: int,
                    extent: tuple[float, float, float, float] | None = None,
                    title: str = "", when: datetime | None = None, zone: str = DISPLAY_ZONE,
                    decorations=()) -> QImage:
    """Render a briefing image.

    ``decorations`` are extra painters ``paint(painter, view)`` drawn over the map area
    in its pixel coordinates (below the title bar), e.g. ``console.ui.drill.paint_drill_banner``.
    """
    image = QImage(width, height, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(QColor(BACKGROUND))
    extent = extent or renderer.full_extent() or (-1000.0, -1000.0, 1000.0, 1000.0)
    map_height = height - TITLE_HEIGHT
    view = ViewState.fit(_padded(extent, 0.03), width, map_height)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    painter.translate(0, TITLE_HEIGHT)
    painter.setClipRect(QRectF(0, 0, width, map_height))
    renderer.render(painter, view)
    draw_scale_bar(painter, view, renderer.font_family)
    draw_north_arrow(painter, view, renderer.font_family)
    _draw_legend(painter, renderer, width, map_height)
    for decorate in decorations:
        # Map-area pixels, as for MapCanvas.foreground_painters: a drill banner sits under the title.
        painter.save()
        decorate(painter, view)
        painter.restore()
    painter.resetTransform()
    painter.setClipping(False)
    _draw_title(painter, renderer.font_family, width, title, when or datetime.now(ZoneInfo(zone)), zone)
    painter.end()
    return image


def _padded(extent, fraction):
    minx, miny, maxx, maxy = extent
    dx, dy = (maxx - minx) * fraction, (maxy - miny) * fraction
    return (minx - dx, miny - dy, maxx + dx, maxy + dy)


def _draw_title(painter: QPainter, family: str, width: int, title: str, when: datetime, zone: str) -> None:
    painter.fillRect(QRectF(0, 0, width, TITLE_HEIGHT), QColor("#1F2A36"))
    font = QFont(family)
    font.setPixelSize(22)
    font.setBold(True)
    painter.setFont(font)
    painter.setPen(QColor("#FFFFFF"))
    painter.drawText(QRectF(18, 0, width * 0.65, TITLE_HEIGHT), Qt.AlignmentFlag.AlignVCenter, title)
    font.setPixelSize(14)
    font.setBold(False)
    painter.setFont(font)
    painter.setPen(QColor("#D0D8E0"))
    stamp = f"{when.astimezone(ZoneInfo(zone)):%Y-%m-%d %H:%M:%S} ({zone})"
    painter.drawText(QRectF(width * 0.5, 0, width * 0.5 - 18, TITLE_HEIGHT),
                     Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight, stamp)


def _draw_legend(painter: QPainter, renderer: MapRenderer, width: int, map_height: int) -> None:
    rows = legend_rows(renderer)
    if not rows:
        return
    font = QFont(renderer.font_family)
    font.setPixelSize(13)
    painter.setFont(font)
    row = SWATCH + 4
    metrics = QFontMetricsF(font)
    # As wide as the longest title needs (a legend line cut in the middle reads as nonsense), within reason.
    widest = max(metrics.horizontalAdvance(title) for _pixmap, title in rows) + 2
    box_width = int(min(max(210, widest + SWATCH + 26), width * 0.35))
    box_height = 30 + row * len(rows)
    box = QRectF(width - box_width - 14, map_height - box_height - 14, box_width, box_height)
    painter.setPen(QColor("#B8B8B8"))
    painter.setBrush(QColor(255, 255, 255, 225))
    painter.drawRoundedRect(box, 4, 4)
    painter.setPen(QColor("#202020"))
    bold = QFont(font)
    bold.setBold(True)
    painter.setFont(bold)
    painter.drawText(QRectF(box.left() + 10, box.top() + 4, box_width - 20, 22), Qt.AlignmentFlag.AlignVCenter,
                     QCoreApplication.translate("Snapshot", "Legend"))
    painter.setFont(font)
    y = box.top() + 28
    text_width = box_width - SWATCH - 26
    for pixmap, title in rows:
        painter.drawPixmap(int(box.left() + 10), int(y), pixmap)
        text = metrics.elidedText(title, Qt.TextElideMode.ElideMiddle, text_width)
        painter.drawText(QRectF(box.left() + 16 + SWATCH, y, text_width, SWATCH), Qt.AlignmentFlag.AlignVCenter, text)
        y += row


def legend_rows(renderer: MapRenderer) -> list[tuple[QPixmap, str]]:
    """(swatch, text) per visible layer, top first; with live sensors shown, their states too."""
    layers = [layer for layer in reversed(renderer.layers) if layer.visible and len(layer)]
    rows = [(swatch_icon(layer).pixmap(SWATCH, SWATCH), layer_title(layer)) for layer in layers]
    if any(layer.is_sensor_layer for layer in layers):
        rows += sensor_state_rows()
    for extra in renderer.legend_extras:  # what overlays draw (incident footprints)
        rows += extra()
    return rows


def sensor_state_rows() -> list[tuple[QPixmap, str]]:
    """Legend rows for what a sensor's symbol says: the warning levels, silence, shelving."""
    translate = QCoreApplication.translate
    texts = {
        1: translate("Snapshot", "Level I warning (red)"),
        2: translate("Snapshot", "Level II warning (orange)"),
        3: translate("Snapshot", "Level III warning (yellow)"),
        4: translate("Snapshot", "Level IV warning (blue)"),
    }
    rows = []
    for level in (1, 2, 3, 4):
        marker, size = LEVEL_MARKERS[level]
        rows.append((marker_pixmap(marker, size, LEVEL_COLOURS[level], "#202020"), texts[level]))
    rows.append((marker_pixmap("cross", 9, STALE_COLOUR, "#5E5E5E"), translate("Snapshot", "No data (stale, offline)")))
    rows.append((marker_pixmap("circle", 7, "#C9C3D6", "#8D84A3"), translate("Snapshot", "Shelved")))
    return rows


def marker_pixmap(marker: str, size: int, fill: str, stroke: str) -> QPixmap:
    pixmap = QPixmap(SWATCH, SWATCH)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    painter.setPen(QPen(QColor(stroke), 1.0))
    painter.setBrush(QColor(fill))
    painter.drawPath(marker_path(marker, SWATCH / 2, SWATCH / 2, min(size + 1, SWATCH - 3)))
    painter.end()
    return pixmap
