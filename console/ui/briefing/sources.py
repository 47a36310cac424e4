"""The data-source note at the foot of a briefing: which sources, and how fresh their data is."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from PySide6.QtCore import QCoreApplication

from console.ui.briefing.content import FRESH_WITHIN_MS, Briefing, SourceNote
from console.ui.live import format_age


def source_line(source: SourceNote, when_ms: int, zone: str) -> str:
    translate = QCoreApplication.translate
    if source.latest_ms is None:
        return translate("Briefing", "{name} ({kind}), no data yet").format(name=source.name, kind=source.kind)
    latest = datetime.fromtimestamp(source.latest_ms / 1000, UTC).astimezone(ZoneInfo(zone))
    age = max(0, when_ms - source.latest_ms)
    text = translate("Briefing", "{name} ({kind}), latest data {time}, {age} before").format(
        name=source.name, kind=source.kind, time=f"{latest:%H:%M:%S}", age=format_age(age))
    if age > FRESH_WITHIN_MS:
        text += translate("Briefing", " (not current)")
    return text


def source_note(briefing: Briefing) -> str:
    """One line: the sources with their latest data, then how many sensors report."""
    translate = QCoreApplication.translate
    if briefing.sources:
        lines = "; ".join(source_line(s, briefing.when_ms, briefing.zone) for s in briefing.sources)
        note = translate("Briefing", "Data sources: {sources}").format(sources=lines)
    else:
        note = translate("Briefing", "No data sources")
    if briefing.sensors:
        note += " · " + translate("Briefing", "{reporting} of {total} sensors reporting").format(
            reporting=f"{briefing.sensors - briefing.silent:,}", total=f"{briefing.sensors:,}")
    return note
