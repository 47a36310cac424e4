"""The words of an incident line: how many sensors, the peak level and the trend (translated)."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from console.model.alarms.incidents import TREND_WINDOW_MS
from console.model.levels import level_name

# Arrows read at a glance in either language; the word says it for those who need it.
TREND_ARROWS = {"rising": "↑", "falling": "↓", "steady": "→"}


def trend_label(trend: str) -> str:
    translate = QCoreApplication.translate
    labels = {
        "rising": translate("IncidentLine", "rising"),
        "falling": translate("IncidentLine", "falling"),
        "steady": translate("IncidentLine", "steady"),
    }
    return f"{TREND_ARROWS.get(trend, '')} {labels.get(trend, trend)}".strip()


def incident_head(summary: dict) -> str:
    """``12 sensors · peak II · ↑ rising`` for an incident line's sensor column."""
    translate = QCoreApplication.translate
    sensors = translate("IncidentLine", "{n} sensors").format(n=summary["sensors"])
    peak = translate("IncidentLine", "peak {level}").format(level=level_name(summary["peak"])) if summary["peak"] else ""
    return " · ".join(part for part in (sensors, peak, trend_label(summary["trend"])) if part)


def incident_tooltip(summary: dict) -> str:
    """The districts of an incident line and what its trend compares."""
    translate = QCoreApplication.translate
    lines = ["、".join(summary["districts"])] if summary["districts"] else []
    lines.append(translate("IncidentLine", "Trend over the last {n} min: {trend}").format(
        n=TREND_WINDOW_MS // 60_000, trend=trend_label(summary["trend"])))
    return "\n".join(lines)
