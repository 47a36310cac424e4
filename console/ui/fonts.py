"""Fonts that can show Chinese district and facility names (no empty boxes).

The console bundles a subset of Noto Sans CJK SC (``assets/fonts``, made by
``scripts/subset_font.py``) and registers it at start, so that the window and
every export look the same on a machine with no Chinese font of its own.
Characters outside the subset (rare hanzi in a user's file) fall back to
whatever Chinese font the system has, through Qt's own font fallback.
"""

from __future__ import annotations

import functools
import logging
import warnings
from pathlib import Path

from PySide6.QtGui import QFontDatabase

from console import ConsoleWarning

log = logging.getLogger(__name__)

FONTS = Path(__file__).resolve().parents[2] / "assets" / "fonts"
BUNDLED_FONTS = (FONTS / "NotoSansSC-console-Regular.otf", FONTS / "NotoSansSC-console-Bold.otf")
BUNDLED_FONT = BUNDLED_FONTS[0]
BUNDLED_FAMILY = "Noto Sans SC Console"

CJK_FAMILIES = (
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "Source Han Sans SC",
    "WenQuanYi Micro Hei",
    "Microsoft YaHei",
    "PingFang SC",
    "Noto Sans CJK JP",
)


@functools.cache
def register_bundled_font() -> str | None:
    """Add the bundled Chinese faces (regular and bold) to the application's fonts, once; their family, or None.

    Needs the QGuiApplication. A missing or unreadable file is logged, and the
    console goes on with the system's fonts.
    """
    family = None
    for path in BUNDLED_FONTS:
        if not path.is_file():
            log.warning("%s: bundled Chinese font missing (run scripts/subset_font.py)", path)
            continue
        font_id = QFontDatabase.addApplicationFont(str(path))
        families = QFontDatabase.applicationFontFamilies(font_id) if font_id >= 0 else []
        if not families:
            log.warning("%s: Qt could not load the bundled Chinese font", path)
            continue
        family = family or families[0]
    return family


@functools.cache
def map_font_family() -> str:
    """The family Chinese text is drawn in: the bundled font, else the first installed CJK family."""
    bundled = register_bundled_font()
    if bundled:
        return bundled
    installed = set(QFontDatabase.families())
    for family in CJK_FAMILIES:
        if family in installed:
            return family
    for family in sorted(installed):
        if QFontDatabase.WritingSystem.SimplifiedChinese in QFontDatabase.writingSystems(family):
            return family
    warnings.warn(
        "no font with Chinese characters is installed; Chinese names will show as boxes "
        "(on Debian: apt-get install fonts-noto-cjk)",
        ConsoleWarning,
        stacklevel=2,
    )
    return QFontDatabase.systemFont(QFontDatabase.SystemFont.GeneralFont).family()
