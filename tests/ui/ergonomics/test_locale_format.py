"""Dates and numbers in the UI's language: the sensor plot's time axis names days in Chinese or English."""

from __future__ import annotations

import pyqtgraph as pg

from console.ui.app import application
from console.ui.locale_format import LocaleDateAxisItem, format_count, format_decimal, format_moment

TUESDAY_NOON_UTC_S = 1_784_635_200  # 2026-07-21 12:00 UTC, 20:00 in Shanghai: a Tuesday
SHANGHAI_WEST_S = -8 * 3600


def zoom(axis, spacing_s):
    """Put the axis at the zoom level pyqtgraph picks for this many seconds per pixel."""
    axis.zoomLevel = next(level for density, level in reversed(axis.zoomLevels.items()) if spacing_s < density)


def day_ticks(axis, values):
    zoom(axis, 3600)  # the day-and-hour zoom, whose day ticks carry names
    day = next(spec for spec in axis.zoomLevel.tickSpecs if spec.format == "%a %d")
    return axis.tickStrings(values, 1.0, day.spacing)


def test_the_time_axis_names_days_in_the_ui_language(qapp):
    axis = LocaleDateAxisItem(orientation="bottom", utcOffset=SHANGHAI_WEST_S)
    plain = pg.DateAxisItem(orientation="bottom", utcOffset=SHANGHAI_WEST_S)
    try:
        application("zh_CN")
        assert day_ticks(axis, [TUESDAY_NOON_UTC_S]) == ["21日 周二"]
        application("en")
        assert day_ticks(axis, [TUESDAY_NOON_UTC_S]) == ["Tue 21"]
        assert day_ticks(plain, [TUESDAY_NOON_UTC_S]) == ["Tue 21"]  # pyqtgraph's: C-locale English always
        # Times of day are digits in both.
        zoom(axis, 10)
        spec = axis.zoomLevel.tickSpecs[0]
        assert axis.tickStrings([TUESDAY_NOON_UTC_S], 1.0, spec.spacing) == ["20:00:00"]
        zoom(axis, 10 * 86400)
        month = next(s for s in axis.zoomLevel.tickSpecs if s.format == "%b")
        application("zh_CN")
        assert axis.tickStrings([TUESDAY_NOON_UTC_S], 1.0, month.spacing) == ["7月"]
    finally:
        application("en")


def test_numbers_and_long_dates_per_locale(qapp):
    assert format_count(1234567, "en") == "1,234,567"
    assert format_count(1234567, "zh_CN") == "1,234,567"
    assert format_decimal(12.345, 1, "en") == "12.3"
    t_ms = TUESDAY_NOON_UTC_S * 1000
    assert format_moment(t_ms, "Asia/Shanghai", language="zh_CN") == "2026年7月21日 周二 20:00"
    assert format_moment(t_ms, "Asia/Shanghai", language="en") == "Tue 21 Jul 2026 20:00"
