"""Briefing pages: the current view with its legend, time, drill mark, alarms and sources, as PNG or PDF.

``Briefing`` (content.py) holds what a page says; ``write_briefing`` lays it out
(page.py, with legend.py, furniture.py, inset.py, alarm_table.py, sources.py) and
writes the file whole or not at all. The format follows the suffix (``.png``,
``.pdf``); the layout is ``a4`` or ``a3`` landscape paper, or ``screen`` (16:9).
"""

from __future__ import annotations

from pathlib import Path

from console.errors import InputError
from console.ui.briefing.content import AlarmRow, Briefing, SourceNote, active_alarms, default_subtitle
from console.ui.briefing.legend import legend_sections
from console.ui.briefing.page import LAYOUTS, PageLayout, PageParts, paint_page, paint_pdf, render_image
from console.ui.briefing.state import StatePainter

__all__ = [
    "LAYOUTS",
    "SUFFIXES",
    "AlarmRow",
    "Briefing",
    "PageLayout",
    "PageParts",
    "SourceNote",
    "StatePainter",
    "active_alarms",
    "check_output",
    "default_subtitle",
    "legend_sections",
    "paint_page",
    "render_image",
    "write_briefing",
]

SUFFIXES = (".png", ".pdf")
PNG_QUALITY = 50


def check_output(path, layout: str | None) -> tuple[Path, str]:
    """The output path and layout name, checked before any work: a bad suffix or layout is named at once.

    The layout defaults to ``screen`` for a PNG and ``a4`` for a PDF.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise InputError(path, f"unknown briefing format {suffix or '(no suffix)'!r}: use .png or .pdf")
    if layout is not None and layout not in LAYOUTS:
        raise InputError("--layout", f"unknown layout {layout!r}: use {', '.join(LAYOUTS)}")
    return path, layout or ("a4" if suffix == ".pdf" else "screen")


def write_briefing(briefing: Briefing, path, layout: str | None = None,
                   size: tuple[int, int] | None = None) -> PageParts:
    """Write the page to ``path`` (.png or .pdf), whole or not at all; returns where its parts went.

    ``size`` is the PNG's pixel size (default: the layout's); a PDF is one page
    of the layout's paper.

    Raises
    ------
    InputError
        Unknown format or layout, or the file cannot be written (nothing is left behind).
    """
    from console.reports.files import replace_atomically

    path, name = check_output(path, layout)
    chosen = LAYOUTS[name]
    result: list[PageParts] = []

    def write(temporary: Path) -> None:
        if path.suffix.lower() == ".pdf":
            result.append(paint_pdf(briefing, temporary, chosen))
            return
        width, height = size or chosen.default_px
        image, parts = render_image(briefing, width, height)
        # Compression 50 of 100: half the time of zlib's default for a file a few per cent larger.
        if not image.save(str(temporary), "PNG", PNG_QUALITY):
            raise OSError(f"cannot write the PNG {path}")
        result.append(parts)

    replace_atomically(path, write)
    return result[0]
