"""The one definition of level names, Roman numerals and the display zone."""

from zoneinfo import ZoneInfo

from console.model.levels import DISPLAY_ZONE, LEVEL_NAMES, LEVEL_OF_ROMAN, LEVEL_ROMAN, LEVELS, level_name


def test_levels_name_each_code_and_numerals_map_back():
    assert LEVELS == (1, 2, 3, 4)
    assert [LEVEL_ROMAN[level] for level in LEVELS] == ["I", "II", "III", "IV"]
    assert LEVEL_NAMES[0] == "" and level_name(3) == "III"
    assert all(LEVEL_OF_ROMAN[LEVEL_ROMAN[level]] == level for level in LEVELS)


def test_the_display_zone_is_a_real_zone_eight_hours_ahead_of_utc():
    from datetime import UTC, datetime

    offset = datetime(2026, 7, 21, tzinfo=UTC).astimezone(ZoneInfo(DISPLAY_ZONE)).utcoffset()
    assert DISPLAY_ZONE == "Asia/Shanghai" and offset.total_seconds() == 8 * 3600
