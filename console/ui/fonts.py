"""Fonts that can show Chinese district and facility names (no empty boxes)."""

from __future__ import annotations

import functools
import warnings

from PySide6.QtGui import QFontDatabase

from console import ConsoleWarning

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
def map_font_family() -> str:
    """The first installed font family that covers Simplified Chinese."""
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
