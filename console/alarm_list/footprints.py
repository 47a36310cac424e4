"""Incident footprints for the map at city scale: the hull of each incident's alarming sensors (no Qt).

At city scale a storm's hundreds of alarm markers overlap into one mass; an
incident drawn as the area its sensors cover, in its level's colour and with its
count, reads at a glance. Only incidents with at least ``MIN_SENSORS`` located
sensors in alarm get one; their sensors are drawn again when zoomed in.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely

from console.model.alarms import AlarmState

__all__ = ["MIN_SENSORS", "Footprint", "incident_footprints"]

MIN_SENSORS = 3
# The hull is widened by this many display-CRS metres: a line or a tight cluster still reads as an area.
MARGIN_M = 250.0
_HIDDEN = (AlarmState.SHELVED, AlarmState.OUT_OF_SERVICE)


@dataclass
class Footprint:
    """One incident's footprint: its sensors' table rows, outline (display CRS), worst level, count."""

    incident_id: int
    family: str
    rows: np.ndarray
    outline: np.ndarray  # (n, 2) exterior ring, closed
    level: int
    count: int
    unack: int
    label_at: tuple[float, float]


def incident_footprints(book, table, min_sensors: int = MIN_SENSORS) -> list[Footprint]:
    """Footprints of the incidents with ``min_sensors`` or more located sensors in active alarm, worst last.

    An alarm counts while it is open, active and shown (not shelved or out of
    service); its level is the current one. Worst last: drawn on top.
    """
    members: dict[int, list] = {}
    for alarm in book.alarms.values():
        if (alarm.closed_ms is None and alarm.active and alarm.incident_id > 0 and alarm.level
                and alarm.sensor_row >= 0 and alarm.state not in _HIDDEN and not alarm.is_fault):
            members.setdefault(alarm.incident_id, []).append(alarm)
    footprints = []
    for incident_id, alarms in members.items():
        if len(alarms) < min_sensors:
            continue
        rows = np.array([a.sensor_row for a in alarms], dtype=np.int64)
        x, y = table.x[rows], table.y[rows]
        located = np.isfinite(x) & np.isfinite(y)
        if located.sum() < min_sensors:
            continue
        rows, x, y = rows[located], x[located], y[located]
        hull = shapely.convex_hull(shapely.multipoints(np.column_stack((x, y))))
        area = shapely.buffer(hull, MARGIN_M, quad_segs=4)
        outline = np.asarray(shapely.get_coordinates(shapely.get_exterior_ring(area)))
        # The count sits at the sensors' middle (inside a convex hull), not at the hull's corner.
        label = (float(np.median(x)), float(np.median(y)))
        levels = [a.level for a in alarms]
        footprints.append(Footprint(incident_id, alarms[0].family, rows, outline, int(min(levels)), int(len(rows)),
                                    sum(a.state in (AlarmState.UNACK, AlarmState.RTN_UNACK) for a in alarms), label))
    footprints.sort(key=lambda f: (-f.level, f.count))
    return footprints
