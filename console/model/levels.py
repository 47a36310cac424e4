"""Warning levels and the display time zone: the one definition of each.

Level codes are 0 (no alarm) and 1..4 = I..IV, level I the most severe
(DESIGN.md, "Warning levels"). Times are stored in UTC and shown in the city's
zone. Qt-free, so the rules, the feeds, the commands and the window share it.
"""

from __future__ import annotations

__all__ = ["DISPLAY_ZONE", "LEVELS", "LEVEL_NAMES", "LEVEL_OF_ROMAN", "LEVEL_ROMAN", "level_name"]

# The zone of the duty room; times are shown in it unless a command says otherwise.
DISPLAY_ZONE = "Asia/Shanghai"

# The alarm levels, most severe first.
LEVELS = (1, 2, 3, 4)
# Roman numeral of each alarm level.
LEVEL_ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}
# Level name of every level code, "" for no alarm.
LEVEL_NAMES = {0: "", **LEVEL_ROMAN}
# Level code of each Roman numeral (rules files name levels this way).
LEVEL_OF_ROMAN = {roman: level for level, roman in LEVEL_ROMAN.items()}


def level_name(level: int) -> str:
    """Roman numeral of a level code (``""`` for 0)."""
    return LEVEL_NAMES[int(level)]
