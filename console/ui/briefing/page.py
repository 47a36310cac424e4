"""The briefing page: header, map frame, sidebar (inset, legend, impact summary, alarms), footer.

Everything is laid out in logical pixels on a landscape page: a PNG up to 1920
wide is drawn one to one, wider ones and PDF pages are scaled (about 120 logical
pixels per inch on paper), so type keeps its size relative to the page. On a PDF
the text, the areas and the lines stay vectors (QPdfWriter); sensor markers are
small images, as on screen.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from PySide6.QtCore import QCoreApplication, QRectF, Qt
from PySide6.QtGui import QColor, QFontMetricsF, QImage, QPainter, QPen

from console import __version__
from console.ui.briefing.alarm_table import paint_alarm_table
from console.ui.briefing.content import Briefing
from console.ui.briefing.furniture import paint_frame_line, paint_furniture
from console.ui.briefing.impact_block import ImpactBlock
from console.ui.briefing.inset import inset_height, paint_inset
from console.ui.briefing.legend import LegendBlock, legend_sections
from console.ui.briefing.sources import source_note
from console.ui.briefing.style import (
    HEADER_FILL,
    HEADER_MUTED,
    HEADER_TEXT,
    MUTED,
    PAGE_FILL,
    RULE,
    page_font,
)
from console.ui.drill import DRILL_COLOUR, DRILL_MARK, drill_subtitle, paint_drill_banner
from console.ui.map.view import ViewState

HEADER_PX = 76
FOOTER_PX = 34
GAP_PX = 14
MAX_UNSCALED_WIDTH = 1920  # wider PNGs are the same page drawn larger
PX_PER_MM = 120 / 25.4  # logical pixels per millimetre of paper


@dataclass(frozen=True)
class PageLayout:
    """A page shape: paper in millimetres (landscape), or None for a screen image of ``default_px``."""

    name: str
    paper_mm: tuple[float, float] | None
    default_px: tuple[int, int]


LAYOUTS = {
    "a4": PageLayout("a4", (297.0, 210.0), (1754, 1240)),
    "a3": PageLayout("a3", (420.0, 297.0), (2480, 1754)),
    "screen": PageLayout("screen", None, (1920, 1080)),
}
# A screen briefing printed to PDF: a 16:9 page as wide as A3.
SCREEN_PAPER_MM = (420.0, 236.25)


@dataclass
class PageParts:
    """Where each part went on the last page drawn (logical pixels), and the map's view."""

    header: QRectF
    map: QRectF
    sidebar: QRectF
    footer: QRectF
    view: ViewState
    alarm_rows: int = 0


def paint_page(painter: QPainter, briefing: Briefing, width: float, height: float) -> PageParts:
    """Draw the whole briefing on a ``width`` x ``height`` logical page."""
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    painter.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)
    painter.fillRect(QRectF(0, 0, width, height), PAGE_FILL)
    header = QRectF(0, 0, width, HEADER_PX)
    footer = QRectF(0, height - FOOTER_PX, width, FOOTER_PX)
    body_top, body_bottom = HEADER_PX + GAP_PX, height - FOOTER_PX - GAP_PX
    side_width = min(520.0, max(320.0, width * 0.29))
    sidebar = QRectF(width - GAP_PX - side_width, body_top, side_width, body_bottom - body_top)
    map_rect = QRectF(GAP_PX, body_top, sidebar.left() - 2 * GAP_PX, body_bottom - body_top)
    _paint_header(painter, header, briefing)
    view = _paint_map(painter, map_rect, briefing)
    rows = _paint_sidebar(painter, sidebar, briefing, view)
    _paint_footer(painter, footer, briefing)
    painter.restore()
    return PageParts(header, map_rect, sidebar, footer, view, rows)


def _paint_header(painter: QPainter, rect: QRectF, briefing: Briefing) -> None:
    translate = QCoreApplication.translate
    painter.fillRect(rect, QColor(DRILL_COLOUR) if briefing.drill else HEADER_FILL)
    left = rect.left() + 22
    if briefing.drill:
        # The mark reads the same in both languages: a forwarded page must say "exercise" at a glance.
        mark_font = page_font(22, bold=True)
        mark_width = QFontMetricsF(mark_font).horizontalAdvance(DRILL_MARK) + 28
        chip = QRectF(left, rect.top() + 16, mark_width, rect.height() - 32)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor("#FFFFFF"))
        painter.drawRoundedRect(chip, 5, 5)
        painter.setPen(QColor(DRILL_COLOUR))
        painter.setFont(mark_font)
        painter.drawText(chip, Qt.AlignmentFlag.AlignCenter, DRILL_MARK)
        left = chip.right() + 18
    stamp_width = rect.width() * 0.32
    title_width = rect.right() - stamp_width - left - 16
    painter.setPen(HEADER_TEXT)
    title_font = page_font(27, bold=True)
    painter.setFont(title_font)
    title = QFontMetricsF(title_font).elidedText(briefing.title, Qt.TextElideMode.ElideRight, title_width)
    painter.drawText(QRectF(left, rect.top() + 8, title_width, 38), Qt.AlignmentFlag.AlignVCenter, title)
    painter.setPen(HEADER_MUTED)
    sub_font = page_font(15)
    painter.setFont(sub_font)
    subtitle = briefing.subtitle
    if briefing.drill:
        subtitle = f"{subtitle} · {drill_subtitle()}" if subtitle else drill_subtitle()
    subtitle = QFontMetricsF(sub_font).elidedText(subtitle, Qt.TextElideMode.ElideRight, title_width)
    painter.drawText(QRectF(left, rect.top() + 46, title_width, 22), Qt.AlignmentFlag.AlignVCenter, subtitle)
    when = briefing.when
    right = QRectF(rect.right() - stamp_width - 22, rect.top() + 8, stamp_width, 38)
    painter.setPen(HEADER_TEXT)
    painter.setFont(page_font(24, bold=True))
    painter.drawText(right, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, f"{when:%Y-%m-%d %H:%M:%S}")
    painter.setPen(HEADER_MUTED)
    painter.setFont(page_font(14))
    zone_line = zone_text(briefing.zone, when)
    if briefing.drill:
        zone_line = translate("Briefing", "{zone}, feed clock (not the real time)").format(zone=zone_line)
    painter.drawText(QRectF(right.left(), rect.top() + 46, right.width(), 22),
                     Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, zone_line)


def zone_text(zone: str, when: datetime) -> str:
    """"China Standard Time UTC+8" (北京时间 UTC+8) for the duty room's zone, else the zone's name."""
    offset = when.utcoffset().total_seconds() / 3600
    utc = f"UTC{offset:+g}"
    if zone == "Asia/Shanghai":
        return QCoreApplication.translate("FeedClock", "China Standard Time {utc}").format(utc=utc)
    return f"{zone} {utc}"


def _paint_map(painter: QPainter, rect: QRectF, briefing: Briefing) -> ViewState:
    renderer = briefing.renderer
    extent = briefing.extent or renderer.full_extent() or (-1000.0, -1000.0, 1000.0, 1000.0)
    view = ViewState.fit(extent, max(1, int(rect.width())), max(1, int(rect.height())))
    painter.save()
    painter.translate(rect.left(), rect.top())
    painter.setClipRect(QRectF(0, 0, view.width, view.height))
    painter.fillRect(QRectF(0, 0, view.width, view.height), QColor("#F2EFE9"))
    renderer.render(painter, view)
    if briefing.drill:
        paint_drill_banner(painter, view)
    paint_furniture(painter, view, renderer.font_family)
    painter.restore()
    paint_frame_line(painter, rect)
    return view


def _paint_sidebar(painter: QPainter, rect: QRectF, briefing: Briefing, view: ViewState) -> int:
    top = rect.top()
    impact = ImpactBlock(briefing.impact, rect.width()) if briefing.impact is not None else None
    # With an impact summary the overview gives up some height: the legend keeps its impact layers in sight.
    inset = inset_height(briefing.renderer, rect.width(), rect.height() * (0.3 if impact is None else 0.18))
    if inset:
        paint_inset(painter, QRectF(rect.left(), top, rect.width(), inset), briefing.renderer, view.extent)
        top += inset + GAP_PX
    # The legend leaves the impact summary its room and the alarm table a few rows at least (its counts
    # per level and a row or two beside an impact: the page is about that alarm then).
    reserved = impact.height + GAP_PX + 130 if impact is not None else 160
    legend = LegendBlock(legend_sections(briefing.renderer), rect.width(), max_height=rect.bottom() - top - reserved)
    legend.paint(painter, rect.left(), top)
    top += legend.height + (GAP_PX if legend.height else 0)
    if impact is not None:
        painter.setPen(QPen(RULE, 1))
        painter.drawLine(int(rect.left()), int(top - GAP_PX / 2), int(rect.right()), int(top - GAP_PX / 2))
        impact.paint(painter, rect.left(), top)
        top += impact.height + GAP_PX
    painter.setPen(QPen(RULE, 1))
    painter.drawLine(int(rect.left()), int(top - GAP_PX / 2), int(rect.right()), int(top - GAP_PX / 2))
    return paint_alarm_table(painter, QRectF(rect.left(), top, rect.width(), rect.bottom() - top), briefing)


def _paint_footer(painter: QPainter, rect: QRectF, briefing: Briefing) -> None:
    painter.fillRect(rect, QColor("#EEF0F3"))
    painter.setPen(QPen(RULE, 1))
    painter.drawLine(int(rect.left()), int(rect.top()), int(rect.right()), int(rect.top()))
    made = QCoreApplication.translate("Briefing", "console {version} · made {time}").format(
        version=__version__, time=f"{datetime.now().astimezone(briefing.when.tzinfo):%Y-%m-%d %H:%M}")
    small = page_font(12)
    made_width = QFontMetricsF(small).horizontalAdvance(made) + 8
    painter.setFont(small)
    painter.setPen(MUTED)
    painter.drawText(QRectF(rect.right() - made_width - 16, rect.top(), made_width, rect.height()),
                     Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight, made)
    note_width = rect.width() - made_width - 48
    note = QFontMetricsF(small).elidedText(source_note(briefing), Qt.TextElideMode.ElideRight, note_width)
    painter.setPen(QColor("#30353B"))
    painter.drawText(QRectF(rect.left() + 16, rect.top(), note_width, rect.height()), Qt.AlignmentFlag.AlignVCenter,
                     note)


# --- devices ---------------------------------------------------------------------------------


def render_image(briefing: Briefing, width: int, height: int) -> tuple[QImage, PageParts]:
    """The page as a ``width`` x ``height`` image (and where its parts went, in image pixels / scale)."""
    image = QImage(width, height, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(PAGE_FILL)
    scale = max(1.0, width / MAX_UNSCALED_WIDTH)
    painter = QPainter(image)
    painter.scale(scale, scale)
    parts = paint_page(painter, briefing, width / scale, height / scale)
    painter.end()
    return image, parts


def paper_mm(layout: PageLayout) -> tuple[float, float]:
    return layout.paper_mm or SCREEN_PAPER_MM


def paint_pdf(briefing: Briefing, path, layout: PageLayout, resolution_dpi: int = 300) -> PageParts:
    """One landscape page of ``layout`` into a PDF at ``path`` (text as vector glyphs)."""
    from PySide6.QtCore import QMarginsF, QSizeF
    from PySide6.QtGui import QPageLayout, QPageSize, QPdfWriter

    width_mm, height_mm = paper_mm(layout)
    writer = QPdfWriter(str(path))
    writer.setResolution(resolution_dpi)
    if layout.name == "a4":
        size = QPageSize(QPageSize.PageSizeId.A4)
    elif layout.name == "a3":
        size = QPageSize(QPageSize.PageSizeId.A3)
    else:
        size = QPageSize(QSizeF(height_mm, width_mm), QPageSize.Unit.Millimeter, "screen")
    writer.setPageLayout(QPageLayout(size, QPageLayout.Orientation.Landscape, QMarginsF(0, 0, 0, 0)))
    writer.setTitle(briefing.title)
    writer.setCreator(f"console {__version__}")
    painter = QPainter(writer)
    if not painter.isActive():
        raise OSError(f"cannot write the PDF {path}")
    scale = writer.width() / (width_mm * PX_PER_MM)
    painter.scale(scale, scale)
    parts = paint_page(painter, briefing, writer.width() / scale, writer.height() / scale)
    painter.end()
    return parts
