"""Type and colours shared by the parts of a briefing page.

Sizes are in the page's logical pixels (about 1/120 inch on paper, one screen
pixel in a PNG up to 1920 wide). Latin text is set in a Latin font before the CJK
one, as in the shift report's PDF: Qt writes no text mapping for digits set in
Noto Sans CJK among Latin words, and pdftotext would lose every time and count.
"""

from __future__ import annotations

import functools

from PySide6.QtGui import QColor, QFont, QFontDatabase

from console.ui.fonts import map_font_family
from console.ui.map.sensor_style import LEVEL_COLOURS

LATIN_FAMILIES = ("DejaVu Sans", "Liberation Sans", "Arial", "Helvetica")
HEADER_FILL = QColor("#1F2A36")  # the slate of the snapshot title bar and the feed clock
HEADER_TEXT = QColor("#FFFFFF")
HEADER_MUTED = QColor("#D0D8E0")
PAGE_FILL = QColor("#FFFFFF")
PANEL_FILL = QColor("#F4F5F7")
RULE = QColor("#C9CDD3")
INK = QColor("#1E1E1E")
MUTED = QColor("#5A6068")
# Text colour on each level's colour (yellow needs dark text), as in the warning pane.
LEVEL_TEXT = {1: QColor("#FFFFFF"), 2: QColor("#FFFFFF"), 3: QColor("#1A1A1A"), 4: QColor("#FFFFFF")}


def level_colour(level: int) -> QColor:
    return QColor(LEVEL_COLOURS[level])


@functools.cache
def _families() -> tuple[str, ...]:
    installed = set(QFontDatabase.families())
    return (*[f for f in LATIN_FAMILIES if f in installed][:1], map_font_family())


def latin_family() -> str | None:
    """The Latin font the page sets digits and Latin words in (None: only the CJK font is installed)."""
    families = _families()
    return families[0] if len(families) > 1 else None


def page_font(pixel_size: float, bold: bool = False) -> QFont:
    """The page's font at ``pixel_size`` logical pixels: Latin first, then the CJK font."""
    font = QFont()
    font.setFamilies(list(_families()))
    font.setPixelSize(max(1, round(pixel_size)))
    font.setBold(bold)
    return font
