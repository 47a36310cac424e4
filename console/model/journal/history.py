"""The closed-alarm history: closed alarms searched by time, sensor, district, classification and operator.

Read from the journal through a read-only connection (``schema.connect_reader``),
so a search never waits on the writer. Process alarms only (sensor-fault items
have their own list); newest closing first, at most ``limit`` rows.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import NamedTuple

from console.model.alarms import CLASSIFICATIONS

__all__ = ["HISTORY_LIMIT", "ClosedAlarm", "HistoryQuery", "closed_alarms"]

HISTORY_LIMIT = 2_000


@dataclass(frozen=True)
class HistoryQuery:
    """What to look for; empty fields match everything.

    ``start_ms``/``end_ms`` bound the closing time (UTC epoch ms, end excluded);
    ``sensor`` is a part of the sensor id, ``district`` a whole district name,
    ``operator`` a part of the name of whoever acknowledged, dispatched or closed it.
    """

    start_ms: int | None = None
    end_ms: int | None = None
    sensor: str = ""
    district: str = ""
    classification: str = ""
    operator: str = ""

    def __post_init__(self):
        if self.classification and self.classification not in CLASSIFICATIONS:
            raise ValueError(f"classification must be one of {', '.join(CLASSIFICATIONS)}, "
                             f"not {self.classification!r}")
        if self.start_ms is not None and self.end_ms is not None and self.end_ms <= self.start_ms:
            raise ValueError("the search must end after it starts")


class ClosedAlarm(NamedTuple):
    alarm_id: int
    sensor_id: str
    category: str
    district: str
    peak_level: int
    raised_ms: int
    closed_ms: int
    classification: str
    closed_by: str
    close_note: str
    acked_by: str | None
    dispatched_to: str | None
    incident_id: int


def _like(text: str) -> str:
    """A LIKE pattern holding ``text`` anywhere (its own % and _ taken literally)."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def closed_alarms(db: sqlite3.Connection, query: HistoryQuery, limit: int = HISTORY_LIMIT) -> list[ClosedAlarm]:
    """The closed process alarms that match ``query``, newest closing first."""
    where = ["kind = 'level'", "closed_ms IS NOT NULL"]
    values: dict = {"limit": int(limit)}
    if query.start_ms is not None:
        where.append("closed_ms >= :start")
        values["start"] = int(query.start_ms)
    if query.end_ms is not None:
        where.append("closed_ms < :end")
        values["end"] = int(query.end_ms)
    if query.sensor.strip():
        where.append("sensor_id LIKE :sensor ESCAPE '\\'")
        values["sensor"] = _like(query.sensor.strip())
    if query.district.strip():
        where.append("district = :district")
        values["district"] = query.district.strip()
    if query.classification:
        where.append("classification = :classification")
        values["classification"] = query.classification
    if query.operator.strip():
        where.append("(closed_by LIKE :operator ESCAPE '\\' OR acked_by LIKE :operator ESCAPE '\\' "
                     "OR dispatched_by LIKE :operator ESCAPE '\\')")
        values["operator"] = _like(query.operator.strip())
    rows = db.execute(
        "SELECT alarm_id, sensor_id, category, district, peak_level, raised_ms, closed_ms, classification, "
        "closed_by, coalesce(close_note, ''), acked_by, dispatched_to, incident_id FROM alarm "
        f"WHERE {' AND '.join(where)} ORDER BY closed_ms DESC, alarm_id DESC LIMIT :limit",
        values,
    ).fetchall()
    return [ClosedAlarm(*row) for row in rows]
