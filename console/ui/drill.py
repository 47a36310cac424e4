"""Drill mode marking: the banner across the map, snapshots and the window title.

The mark reads "演练 DRILL" in both UI languages on purpose: anyone walking past a
duty-room screen, or reading a forwarded snapshot, must see at once that it is
an exercise, whatever language the console is set to. Violet is used because it
is none of the four warning-level colours (red, orange, yellow, blue), so the
banner can never be read as an alarm.
"""

from __future__ import annotations

from collections import OrderedDict

from PySide6.QtCore import QCoreApplication, QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QImage, QPaintEngine, QPainter, QPainterPath, QPen

from console.ui.fonts import map_font_family
from console.ui.map.view import ViewState

DRILL_MARK = "演练 DRILL"
DRILL_COLOUR = "#5B2A86"
DRILL_TEXT_COLOUR = "#FFFFFF"
TITLE_PREFIX = f"【{DRILL_MARK}】 "
FRAME_PX = 6  # the violet frame round the whole map
TAB_HEIGHT_PX = 54
WATERMARK_ALPHA = 34  # of 255: visible across the map, faint enough to read every feature under it
# The banner is drawn on every map frame; shaping its text (CJK, large, rotated) took ~3 ms a frame,
# so it is drawn once per map size and language into an image that frames copy (~0.2 ms).
BANNER_CACHE_SIZE = 4
_banner_images: OrderedDict[tuple, QImage] = OrderedDict()


def drill_subtitle() -> str:
    return QCoreApplication.translate("Drill", "Exercise: not a real event")


def paint_drill_banner(painter: QPainter, view: ViewState) -> None:
    """Paint the drill marking over a map of ``view.width`` x ``view.height`` pixels.

    Suits ``MapCanvas.foreground_painters`` and ``render_snapshot(decorations=...)``:
    a violet frame round the map, a tab at the top centre reading "演练 DRILL" with
    "exercise, not a real event" under it, and a faint diagonal watermark. The top
    corners stay clear for the north arrow, the bottom for the scale bar and legend.
    On raster devices the marking is copied from an image made once per size,
    pixel ratio and language; other devices (PDF, SVG, a scaled painter) get it drawn.
    """
    width, height = int(view.width), int(view.height)
    if width <= 0 or height <= 0:
        return
    transform = painter.worldTransform()
    engine = painter.paintEngine()
    if engine is None or engine.type() != QPaintEngine.Type.Raster or transform.isScaling() or transform.isRotating():
        _paint_banner(painter, float(width), float(height))
        return
    device = painter.device()
    ratio = device.devicePixelRatioF() if device is not None else 1.0
    painter.drawImage(QPointF(0, 0), drill_banner_image(width, height, ratio))


def drill_banner_image(width: int, height: int, ratio: float = 1.0) -> QImage:
    """The drill marking for a ``width`` x ``height`` map on a transparent image (cached)."""
    key = (width, height, ratio, map_font_family(), drill_subtitle())
    image = _banner_images.get(key)
    if image is not None:
        _banner_images.move_to_end(key)
        return image
    image = QImage(round(width * ratio), round(height * ratio), QImage.Format.Format_ARGB32_Premultiplied)
    image.setDevicePixelRatio(ratio)
    image.fill(0)
    painter = QPainter(image)
    _paint_banner(painter, float(width), float(height))
    painter.end()
    _banner_images[key] = image
    while len(_banner_images) > BANNER_CACHE_SIZE:
        _banner_images.popitem(last=False)
    return image


def _paint_banner(painter: QPainter, width: float, height: float) -> None:
    family = map_font_family()
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    painter.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)
    colour = QColor(DRILL_COLOUR)
    _paint_watermark(painter, width, height, family, colour)
    _paint_frame(painter, width, height, colour)
    _paint_tab(painter, width, family, colour)
    painter.restore()


def _paint_frame(painter: QPainter, width: float, height: float, colour: QColor) -> None:
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.setPen(QPen(colour, FRAME_PX, Qt.PenStyle.SolidLine, Qt.PenCapStyle.SquareCap,
                        Qt.PenJoinStyle.MiterJoin))
    half = FRAME_PX / 2
    painter.drawRect(QRectF(half, half, width - FRAME_PX, height - FRAME_PX))


def _paint_tab(painter: QPainter, width: float, family: str, colour: QColor) -> None:
    mark_font = QFont(family)
    mark_font.setPixelSize(26)
    mark_font.setBold(True)
    mark_font.setLetterSpacing(QFont.SpacingType.AbsoluteSpacing, 2)
    sub_font = QFont(family)
    sub_font.setPixelSize(13)
    subtitle = drill_subtitle()
    text_width = max(QFontMetricsF(mark_font).horizontalAdvance(DRILL_MARK),
                     QFontMetricsF(sub_font).horizontalAdvance(subtitle))
    stripe = 26.0  # hazard stripes at either end of the tab
    tab_width = min(width - 2 * FRAME_PX, text_width + 2 * stripe + 48)
    tab = QRectF((width - tab_width) / 2, 0, tab_width, TAB_HEIGHT_PX)
    shape = QPainterPath()
    shape.addRoundedRect(tab.adjusted(0, -8, 0, 0), 8, 8)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(colour)
    painter.drawPath(shape)
    painter.setPen(QPen(QColor(255, 255, 255, 170), 5))
    for strip in (QRectF(tab.left(), 0, stripe, TAB_HEIGHT_PX), QRectF(tab.right() - stripe, 0, stripe, TAB_HEIGHT_PX)):
        painter.save()
        clip = QPainterPath()
        clip.addRect(strip)
        painter.setClipPath(shape.intersected(clip))
        for x in range(int(strip.left()) - TAB_HEIGHT_PX, int(strip.right()) + 1, 12):
            painter.drawLine(QPointF(x, TAB_HEIGHT_PX), QPointF(x + TAB_HEIGHT_PX, 0))
        painter.restore()
    inner = tab.adjusted(stripe + 8, 3, -stripe - 8, -4)
    painter.setPen(QColor(DRILL_TEXT_COLOUR))
    painter.setFont(mark_font)
    painter.drawText(QRectF(inner.left(), inner.top(), inner.width(), 31),
                     Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignVCenter, DRILL_MARK)
    painter.setFont(sub_font)
    painter.setPen(QColor(255, 255, 255, 235))
    painter.drawText(QRectF(inner.left(), inner.top() + 30, inner.width(), 17),
                     Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignVCenter, subtitle)


def _paint_watermark(painter: QPainter, width: float, height: float, family: str, colour: QColor) -> None:
    font = QFont(family)
    font.setBold(True)
    font.setPixelSize(int(max(36, min(width, height) / 6)))
    faint = QColor(colour)
    faint.setAlpha(WATERMARK_ALPHA)
    painter.save()
    painter.translate(width / 2, height / 2)
    painter.rotate(-24)
    painter.setFont(font)
    painter.setPen(faint)
    text_width = QFontMetricsF(font).horizontalAdvance(DRILL_MARK) + 40
    painter.drawText(QRectF(-text_width / 2, -font.pixelSize(), text_width, 2 * font.pixelSize()),
                     Qt.AlignmentFlag.AlignCenter, DRILL_MARK)
    painter.restore()


def drill_title(title: str) -> str:
    """``title`` marked as a drill ("【演练 DRILL】 title"); marking twice changes nothing."""
    return title if title.startswith(TITLE_PREFIX) else TITLE_PREFIX + title


def plain_title(title: str) -> str:
    """``title`` without the drill mark."""
    return title[len(TITLE_PREFIX):] if title.startswith(TITLE_PREFIX) else title


def set_window_drill(window, drill: bool) -> None:
    """Add the drill mark to a window's title, or take it away again."""
    title = window.windowTitle()
    window.setWindowTitle(drill_title(title) if drill else plain_title(title))
