"""Dates and numbers in the UI's language (QLocale), and a time axis that names days in it.

Tables keep the compact numeric stamps a duty room reads at a glance
(``07-21 03:15:00``, the same in both languages); what carries words (day and
month names on a plot's time axis, counts with thousands separators, long
dates in titles) follows the UI's locale rather than the C library's.
"""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pyqtgraph as pg
from PySide6.QtCore import QDate, QDateTime, QLocale, QTime

from console.ui.i18n import current_language

# pyqtgraph's DateAxisItem formats (strftime) -> Qt date patterns per language.
AXIS_PATTERNS = {
    "en": {"%Y": "yyyy", "%b": "MMM", "%d": "d", "%a %d": "ddd d"},
    "zh_CN": {"%Y": "yyyy年", "%b": "M月", "%d": "d日", "%a %d": "d日 ddd"},
}
LONG_DATE = {"en": "ddd d MMM yyyy HH:mm", "zh_CN": "yyyy年M月d日 ddd HH:mm"}


def ui_locale(language: str | None = None) -> QLocale:
    """The QLocale of the UI's language: Chinese (China) or English (United States)."""
    language = language or current_language()
    if language == "zh_CN":
        return QLocale(QLocale.Language.Chinese, QLocale.Script.SimplifiedChineseScript, QLocale.Country.China)
    return QLocale(QLocale.Language.English, QLocale.Country.UnitedStates)


def format_count(value: int, language: str | None = None) -> str:
    """A whole number with the locale's group separators (``12,345``)."""
    return ui_locale(language).toString(int(value))


def format_decimal(value: float, decimals: int = 1, language: str | None = None) -> str:
    """A number with ``decimals`` places and the locale's separators."""
    return ui_locale(language).toString(float(value), "f", decimals)


def qdatetime(moment: datetime) -> QDateTime:
    """A naive QDateTime showing the wall-clock time of an aware ``datetime`` (no zone conversion by Qt)."""
    return QDateTime(QDate(moment.year, moment.month, moment.day),
                     QTime(moment.hour, moment.minute, moment.second, moment.microsecond // 1000))


def format_moment(t_ms: int, zone: str, pattern: str | None = None, language: str | None = None) -> str:
    """A feed or journal time (epoch ms) in the display zone, in the locale's words.

    ``pattern`` is a Qt date-time pattern; by default a long date with the day's name.
    """
    language = language or current_language()
    local = datetime.fromtimestamp(t_ms / 1000, UTC).astimezone(ZoneInfo(zone))
    return ui_locale(language).toString(qdatetime(local), pattern or LONG_DATE.get(language, LONG_DATE["en"]))


class LocaleDateAxisItem(pg.DateAxisItem):
    """pyqtgraph's date axis with day and month names in the UI's language (it uses the C locale's)."""

    def tickStrings(self, values, scale, spacing):  # noqa: N802 (pyqtgraph override)
        spec = next((s for s in self.zoomLevel.tickSpecs if s.spacing == spacing), None)
        language = current_language()
        pattern = AXIS_PATTERNS.get(language, AXIS_PATTERNS["en"]).get(spec.format) if spec else None
        if pattern is None:  # times of day and seconds: digits, the same everywhere
            return super().tickStrings(values, scale, spacing)
        locale, offset = ui_locale(language), self.utcOffset or 0
        texts = []
        for value in values:
            try:
                local = datetime.fromtimestamp(value - offset, UTC).replace(tzinfo=None)
            except (OverflowError, ValueError, OSError):
                texts.append("")
                continue
            texts.append(locale.toString(qdatetime(local), pattern))
        return texts
