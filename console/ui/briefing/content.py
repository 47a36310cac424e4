"""What a briefing page says, gathered before anything is drawn.

A ``Briefing`` is plain data plus the map renderer: the page modules only lay it
out. It is built from the window's current view, from a recorded feed at a
moment, or from a journal's open alarms (``console snapshot``); each source of
state fills the same fields, so every briefing reads alike.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import numpy as np
from PySide6.QtCore import QCoreApplication

from console.model.alarms import FAULT_KIND, AlarmState
from console.model.levels import DISPLAY_ZONE, LEVELS
from console.model.sensors import NO_TIME, SensorStatus
from console.ui.map.renderer import MapRenderer

# Rows the alarm table lists at most; the rest are counted ("and 12 more").
TABLE_ROWS = 14
# A source whose latest reading is older than this reads as "not fresh" in the note.
FRESH_WITHIN_MS = 15 * 60_000


@dataclass(frozen=True)
class AlarmRow:
    """One active alarm as the table shows it."""

    level: int
    sensor: str
    category: str
    district: str
    raised_ms: int
    state: AlarmState


@dataclass(frozen=True)
class SourceNote:
    """One data source: its name, what kind it is, and its latest data (None: nothing yet)."""

    name: str
    kind: str
    latest_ms: int | None


@dataclass
class Briefing:
    """Everything one briefing page shows.

    ``when_ms`` is the moment the page describes (the feed clock in a drill);
    ``extent`` the view in display coordinates; ``counts`` active alarms per
    level (1..4); ``alarms`` the most severe and oldest first, at most
    ``TABLE_ROWS`` of them, ``more`` how many were left out; ``sensors`` and
    ``silent`` how many sensors the state knows and how many of them send nothing;
    ``impact`` the impact analysis shown with it (a ``console.impact.ImpactResult``),
    None for a page without one.
    """

    renderer: MapRenderer
    title: str
    when_ms: int
    extent: tuple[float, float, float, float] | None = None
    subtitle: str = ""
    zone: str = DISPLAY_ZONE
    drill: bool = False
    counts: dict[int, int] = field(default_factory=lambda: dict.fromkeys(LEVELS, 0))
    alarms: list[AlarmRow] = field(default_factory=list)
    more: int = 0
    sources: list[SourceNote] = field(default_factory=list)
    sensors: int = 0
    silent: int = 0
    impact: object | None = None

    @property
    def when(self) -> datetime:
        return datetime.fromtimestamp(self.when_ms / 1000, UTC).astimezone(ZoneInfo(self.zone))

    def with_state(self, table, book, names=None) -> Briefing:
        """Fill the alarm table, the counts and the sensor figures from a table and its book."""
        if book is not None:
            self.counts, self.alarms, self.more = active_alarms(book, table, names)
        if table is not None and len(table):
            status = np.asarray(table.status)
            self.sensors = len(table)
            self.silent = int((status != SensorStatus.LIVE).sum())
        return self


def active_alarms(book, table=None, names=None, limit: int = TABLE_ROWS):
    """(counts per level, the first ``limit`` rows, how many more) of the book's active alarms.

    Out-of-service sensors are left out, as on the map; shelved alarms are listed
    and counted (a briefing hides nothing an operator chose not to look at).
    """
    # Read through ``alarms`` (the engine mirror's book has it too, not the live book's helpers).
    alarms = [a for a in book.alarms.values()
              if a.closed_ms is None and a.active and a.kind != FAULT_KIND and a.level
              and a.state != AlarmState.OUT_OF_SERVICE]
    alarms.sort(key=lambda a: (a.level, a.raised_ms, a.alarm_id))
    counts = dict.fromkeys(LEVELS, 0)
    for alarm in alarms:
        counts[alarm.level] += 1
    rows = []
    for alarm in alarms[:limit]:
        row = alarm.sensor_row
        name = alarm.sensor_id
        if names is not None and 0 <= row < len(names) and names[row]:
            name = str(names[row])
        elif table is not None and 0 <= row < len(table) and table.name[row]:
            name = str(table.name[row])
        rows.append(AlarmRow(alarm.level, name, alarm.category, alarm.district, alarm.raised_ms, alarm.state))
    return counts, rows, max(0, len(alarms) - limit)


def latest_reading_ms(table) -> int | None:
    """The newest reading time any sensor of ``table`` has (None: none yet)."""
    if table is None or not len(table):
        return None
    times = np.asarray(table.t_ms)
    known = times[times != NO_TIME]
    return int(known.max()) if known.size else None


def default_subtitle(drill: bool) -> str:
    translate = QCoreApplication.translate
    if drill:
        return translate("Briefing", "Situation briefing of a drill replay")
    return translate("Briefing", "Situation briefing")
