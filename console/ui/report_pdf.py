"""The shift report as a PDF: the domain's HTML typeset by Qt onto A4 pages with vector text.

Each page gets a footer with the report's title, its range and "page n of m"; in a
drill a red notice heads every page, as on every export of a drill. The file is
written beside its target and renamed, so a failed run leaves nothing half-written.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication, QMarginsF, QRectF, QSizeF, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontDatabase,
    QPageLayout,
    QPageSize,
    QPainter,
    QPdfWriter,
    QTextDocument,
)

from console.reports import Labels, ShiftReport, to_html
from console.reports.files import replace_atomically
from console.reports.render import clock
from console.ui.fonts import map_font_family

__all__ = ["render_pdf", "write_pdf_report"]

RESOLUTION_DPI = 300
MARGINS_MM = QMarginsF(15, 15, 15, 15)
BODY_PT = 9
DRILL_RED = "#D7263D"
# Latin letters and digits are set in a Latin font before the CJK one: Qt writes no text
# mapping for digits it sets in Noto Sans CJK among Latin words, so pdftotext (and copy
# and paste) would lose every time and count of the report.
LATIN_FAMILIES = ("DejaVu Sans", "Liberation Sans", "Arial", "Helvetica")
STYLE = """
h1 { font-size: 16pt; margin-bottom: 4pt; }
h2 { font-size: 12pt; margin-top: 12pt; margin-bottom: 4pt; }
p { margin-top: 1pt; margin-bottom: 1pt; }
table { border-collapse: collapse; border-color: #999999; }
th { background-color: #EEEEEE; font-weight: bold; text-align: left; }
"""


def report_font(point_size: int) -> QFont:
    """An installed Latin font, then the CJK font for Chinese."""
    installed = set(QFontDatabase.families())
    font = QFont()
    font.setFamilies([*[f for f in LATIN_FAMILIES if f in installed][:1], map_font_family()])
    font.setPointSize(point_size)
    return font


def write_pdf_report(report: ShiftReport, path: str | Path, words: Labels) -> Path:
    """Write ``report`` to ``path`` as an A4 portrait PDF, whole or not at all."""
    path = Path(path)
    replace_atomically(path, lambda temporary: render_pdf(report, temporary, words))
    return path


def render_pdf(report: ShiftReport, path: Path, words: Labels) -> int:
    """Typeset ``report`` into the PDF file ``path``; returns the page count."""
    translate = QCoreApplication.translate
    writer = QPdfWriter(str(path))
    writer.setResolution(RESOLUTION_DPI)
    writer.setPageLayout(QPageLayout(QPageSize(QPageSize.PageSizeId.A4), QPageLayout.Orientation.Portrait,
                                     MARGINS_MM, QPageLayout.Unit.Millimeter))
    writer.setTitle(words["title"])
    writer.setCreator("console")
    document = QTextDocument()
    document.documentLayout().setPaintDevice(writer)  # points are laid out at the writer's resolution
    document.setDefaultFont(report_font(BODY_PT))
    document.setDefaultStyleSheet(STYLE)
    document.setHtml(to_html(report, words))
    painter = QPainter()
    if not painter.begin(writer):
        raise OSError(f"{path}: the PDF cannot be written")
    try:
        width, height = writer.width(), writer.height()
        small = report_font(BODY_PT - 1)
        painter.setFont(small)
        line = round(painter.fontMetrics().height() * 1.6)
        header = line if report.drill else 0
        body = QSizeF(width, height - header - line)
        document.setPageSize(body)
        pages = document.pageCount()
        footer = f"{words['title']}  {clock(report.start_ms, report.zone)} – {clock(report.end_ms, report.zone)}"
        for page in range(pages):
            if page:
                writer.newPage()
            if report.drill:
                painter.setFont(small)
                painter.setPen(QColor(DRILL_RED))
                painter.drawText(QRectF(0, 0, width, header), Qt.AlignmentFlag.AlignLeft, words["drill"])
            painter.save()
            painter.translate(0, header - page * body.height())
            document.drawContents(painter, QRectF(0, page * body.height(), width, body.height()))
            painter.restore()
            painter.setFont(small)
            painter.setPen(QColor("#555555"))
            bottom = QRectF(0, height - line, width, line)
            painter.drawText(bottom, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignBottom, footer)
            painter.drawText(bottom, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignBottom,
                             translate("ShiftReport", "Page {page} of {pages}").format(page=page + 1, pages=pages))
    finally:
        painter.end()
    return pages
