"""The shift report as a PDF: the domain's sections set as vector text on A4 pages.

Tables are measured and drawn with QPainter rather than laid out by QTextDocument:
a busy day has thousands of action rows, and Qt's rich-text tables take tens of
seconds over that many. Pages are laid out first and drawn after, so every page's
footer can say "page n of m"; in a drill a red notice heads every page, as on every
export of a drill. The file is written beside its target and renamed, so a failed
run leaves nothing half-written.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QMarginsF, QRectF, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontDatabase,
    QFontMetricsF,
    QPageLayout,
    QPageSize,
    QPainter,
    QPdfWriter,
    QPen,
)

from console.reports import Labels, ShiftReport, report_heading, report_sections
from console.reports.files import replace_atomically
from console.reports.render import clock
from console.ui.fonts import map_font_family

__all__ = ["render_pdf", "report_font", "write_pdf_report"]

RESOLUTION_DPI = 300
MARGINS_MM = QMarginsF(15, 15, 15, 15)
SIZES_PT = {"title": 16, "heading": 12, "body": 9, "small": 8}
DRILL_RED = QColor("#D7263D")
GREY = QColor("#555555")
BLACK = QColor("#000000")
RULE = QColor("#999999")
HEADER_FILL = QColor("#EEEEEE")
# Latin letters and digits are set in a Latin font before the CJK one: Qt writes no text
# mapping for digits it sets in Noto Sans CJK among Latin words, so pdftotext (and copy
# and paste) would lose every time and count of the report.
LATIN_FAMILIES = ("DejaVu Sans", "Liberation Sans", "Arial", "Helvetica")
WRAP = int(Qt.TextFlag.TextWordWrap) | int(Qt.AlignmentFlag.AlignLeft) | int(Qt.AlignmentFlag.AlignTop)
CELL = int(Qt.TextFlag.TextWordWrap) | int(Qt.AlignmentFlag.AlignLeft) | int(Qt.AlignmentFlag.AlignVCenter)


def report_font(point_size: int, bold: bool = False) -> QFont:
    """An installed Latin font, then the CJK font for Chinese."""
    installed = set(QFontDatabase.families())
    font = QFont()
    font.setFamilies([*[f for f in LATIN_FAMILIES if f in installed][:1], map_font_family()])
    font.setPointSize(point_size)
    font.setBold(bold)
    return font


def write_pdf_report(report: ShiftReport, path: str | Path, words: Labels) -> Path:
    """Write ``report`` to ``path`` as an A4 portrait PDF, whole or not at all."""
    path = Path(path)
    replace_atomically(path, lambda temporary: render_pdf(report, temporary, words))
    return path


@dataclass
class _Page:
    """What one page shows: (font key, colour, rect, flags, text) runs, header fills and rules."""

    texts: list[tuple] = field(default_factory=list)
    fills: list[QRectF] = field(default_factory=list)
    lines: list[tuple[float, float, float, float]] = field(default_factory=list)


class _Layout:
    """Flows the report's blocks down the pages; a table row never splits and a new page repeats its header."""

    def __init__(self, writer: QPdfWriter, top: float):
        self.fonts = {key: report_font(size, bold=key in ("title", "heading", "bold"))
                      for key, size in {**SIZES_PT, "bold": SIZES_PT["body"]}.items()}
        self.metrics = {key: QFontMetricsF(font, writer) for key, font in self.fonts.items()}
        # A line holds the taller of the two fonts: Chinese cells sit lower than Latin ones.
        cjk = map_font_family()
        self.line_height = {key: max(metrics.height(), QFontMetricsF(QFont(cjk, self.fonts[key].pointSize()),
                                                                      writer).height())
                            for key, metrics in self.metrics.items()}
        self.width = float(writer.width())
        self.line = self.metrics["small"].height() * 1.6
        self.top = top
        self.bottom = float(writer.height()) - self.line  # the footer's line
        self.pad = self.metrics["body"].height() * 0.25
        self.pages = [_Page()]
        self.y = top

    def space(self, height: float) -> None:
        """Go on to a new page unless ``height`` fits below (or the page is still empty)."""
        if self.y + height > self.bottom and self.y > self.top:
            self.new_page()

    def new_page(self) -> None:
        self.pages.append(_Page())
        self.y = self.top

    def paragraph(self, text: str, key: str = "body", colour: QColor | None = None, before: float = 0.0) -> None:
        height = self.metrics[key].boundingRect(QRectF(0, 0, self.width, 1e9), WRAP, text).height()
        self.space(before + height + (self.line if key == "heading" else 0))  # a heading keeps a line with it
        self.y += before
        self.pages[-1].texts.append((key, colour, QRectF(0, self.y, self.width, height), WRAP, text))
        self.y += height

    def table(self, headers: list[str], rows: list[list[str]]) -> None:
        body, bold = self.metrics["body"], self.metrics["bold"]
        advances = [[body.horizontalAdvance(text) if text else 0.0 for text in row] for row in rows]
        header_advances = [bold.horizontalAdvance(text) for text in headers]
        widths = self._column_widths([header_advances, *advances])
        header_height = self._row_height(headers, header_advances, widths, "bold")
        heights = [self._row_height(row, advance, widths, "body") for row, advance in zip(rows, advances, strict=True)]
        self.space(header_height + heights[0])
        start = self.y
        self._row(headers, widths, header_height, "bold", header=True)
        for row, height in zip(rows, heights, strict=True):
            if self.y + height > self.bottom:
                self._columns(widths, start)
                self.new_page()  # with the header again
                start = self.y
                self._row(headers, widths, header_height, "bold", header=True)
            self._row(row, widths, height, "body")
        self._columns(widths, start)
        self.y += self.pad * 2

    def _column_widths(self, advances: list[list[float]]) -> list[float]:
        """Each column as wide as its widest cell; when they do not fit, the wide ones shrink (and wrap)."""
        natural = [max(column) + 2 * self.pad for column in zip(*advances, strict=True)]
        if sum(natural) <= self.width:
            extra = (self.width - sum(natural)) / len(natural)
            return [w + extra for w in natural]
        fixed = [False] * len(natural)
        while True:  # columns narrower than an even share keep their width; the rest share what is left
            share = (self.width - sum(w for w, f in zip(natural, fixed, strict=True) if f)) / max(1, fixed.count(False))
            narrow = [i for i, w in enumerate(natural) if not fixed[i] and w <= share]
            if not narrow:
                break
            for i in narrow:
                fixed[i] = True
        return [w if f else share for w, f in zip(natural, fixed, strict=True)]

    def _row_height(self, cells, advances, widths, key) -> float:
        height = self.line_height[key]
        for text, advance, width in zip(cells, advances, widths, strict=True):
            if advance > width - 2 * self.pad:  # only a cell that wraps is measured again
                wrapped = self.metrics[key].boundingRect(QRectF(0, 0, width - 2 * self.pad, 1e9), WRAP, text)
                height = max(height, wrapped.height())
        return height + 2 * self.pad

    def _row(self, cells, widths, height, key, header=False) -> None:
        page, x, y = self.pages[-1], 0.0, self.y
        if header:
            page.fills.append(QRectF(0, y, sum(widths), height))
        for text, width in zip(cells, widths, strict=True):
            if text:
                page.texts.append((key, None, QRectF(x + self.pad, y + self.pad, width - 2 * self.pad,
                                                     height - 2 * self.pad), CELL, text))
            x += width
        page.lines += [(0, y, x, y), (0, y + height, x, y + height)]
        self.y += height

    def _columns(self, widths, start: float) -> None:
        """The vertical rules of the part of a table on the current page."""
        x = 0.0
        for width in (0.0, *widths):
            x += width
            self.pages[-1].lines.append((x, start, x, self.y))


def render_pdf(report: ShiftReport, path: Path, words: Labels) -> int:
    """Typeset ``report`` into the PDF file ``path``; returns the page count."""
    writer = QPdfWriter(str(path))
    writer.setResolution(RESOLUTION_DPI)
    writer.setPageLayout(QPageLayout(QPageSize(QPageSize.PageSizeId.A4), QPageLayout.Orientation.Portrait,
                                     MARGINS_MM, QPageLayout.Unit.Millimeter))
    writer.setTitle(words["title"])
    writer.setCreator("console")
    probe = QFontMetricsF(report_font(SIZES_PT["small"]), writer)
    layout = _Layout(writer, top=probe.height() * 1.6 if report.drill else 0.0)
    title, lines = report_heading(report, words)
    layout.paragraph(title, "title")
    for line in lines:
        layout.paragraph(line, "bold" if line == words["drill"] else "body",
                         DRILL_RED if line == words["drill"] else None)
    for section in report_sections(report, words):
        layout.paragraph(section.title, "heading", before=layout.line * 0.6)
        for note in section.notes:
            layout.paragraph(note)
        if section.rows:
            layout.y += layout.pad
            layout.table(section.headers, section.rows)
        elif section.empty:
            layout.paragraph(section.empty)
    _paint(writer, layout, report, words)
    return len(layout.pages)


def _paint(writer: QPdfWriter, layout: _Layout, report: ShiftReport, words: Labels) -> None:
    translate = QCoreApplication.translate
    footer = f"{words['title']}  {clock(report.start_ms, report.zone)} – {clock(report.end_ms, report.zone)}"
    painter = QPainter()
    if not painter.begin(writer):
        raise OSError(f"{writer.fileName()}: the PDF cannot be written")
    try:
        rule = QPen(RULE)
        rule.setWidthF(RESOLUTION_DPI / 150)  # about half a point
        total = len(layout.pages)
        for number, page in enumerate(layout.pages, start=1):
            if number > 1:
                writer.newPage()
            if report.drill:
                painter.setFont(layout.fonts["small"])
                painter.setPen(DRILL_RED)
                painter.drawText(QRectF(0, 0, layout.width, layout.top), Qt.AlignmentFlag.AlignLeft, words["drill"])
            for rect in page.fills:
                painter.fillRect(rect, HEADER_FILL)
            painter.setPen(rule)
            for x1, y1, x2, y2 in page.lines:
                painter.drawLine(x1, y1, x2, y2)
            current = None
            for key, colour, rect, flags, text in page.texts:
                if (key, colour) != current:
                    painter.setFont(layout.fonts[key])
                    painter.setPen(colour or BLACK)
                    current = (key, colour)
                painter.drawText(rect, flags, text)
            painter.setFont(layout.fonts["small"])
            painter.setPen(GREY)
            bottom = QRectF(0, layout.bottom, layout.width, layout.line)
            painter.drawText(bottom, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignBottom, footer)
            painter.drawText(bottom, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignBottom,
                             translate("ShiftReport", "Page {page} of {pages}").format(page=number, pages=total))
    finally:
        painter.end()
