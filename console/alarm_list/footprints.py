"""Incident footprints for the map at city scale: the hull of each incident's alarming sensors (no Qt).

At city scale a storm's hundreds of alarm markers overlap into one mass; an
incident drawn as the area its sensors cover, in its level's colour and with its
count, reads at a glance. Only incidents with at least ``MIN_SENSORS`` located
sensors in alarm get one; their sensors are drawn again when zoomed in.

After the event the same holds for what it leaves: an incident whose alarms
have returned to normal but wait for acknowledgement (``RTN_UNACK``), at least
``MIN_SENSORS`` of them and fewer than that still active, is a **returned**
footprint (outlined in its peak level's colour, not tinted) over those sensors,
instead of a ring marker each: after the bundled storm, 2,600 of them.
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
    returned: bool = False  # every alarm drawn has returned to normal and waits for acknowledgement


def incident_footprints(book, table, min_sensors: int = MIN_SENSORS) -> list[Footprint]:
    """Footprints of the incidents with ``min_sensors`` or more located sensors in active alarm, worst last.

    An alarm counts while it is open, active and shown (not shelved or out of
    service); its level is the current one. An incident with fewer active than
    that but ``min_sensors`` or more returned and unacknowledged gets a returned
    footprint over those, at their peak level. Worst last: drawn on top, the
    returned ones beneath every active one.
    """
    members: dict[int, list] = {}
    returned: dict[int, list] = {}
    for alarm in book.alarms.values():
        if (alarm.closed_ms is not None or alarm.incident_id <= 0 or alarm.sensor_row < 0
                or alarm.state in _HIDDEN or alarm.is_fault):
            continue
        if alarm.active and alarm.level:
            members.setdefault(alarm.incident_id, []).append(alarm)
        elif alarm.state == AlarmState.RTN_UNACK:
            returned.setdefault(alarm.incident_id, []).append(alarm)
    drawn = [_footprint(i, alarms, table, min_sensors) for i, alarms in members.items()]
    drawn += [_footprint(i, alarms, table, min_sensors, returned=True) for i, alarms in returned.items()
              if len(members.get(i, ())) < min_sensors]
    footprints = [f for f in drawn if f is not None]
    footprints.sort(key=lambda f: (not f.returned, -f.level, f.count))
    return footprints


def _footprint(incident_id: int, alarms: list, table, min_sensors: int, returned: bool = False) -> Footprint | None:
    if len(alarms) < min_sensors:
        return None
    rows = np.array([a.sensor_row for a in alarms], dtype=np.int64)
    x, y = table.x[rows], table.y[rows]
    located = np.isfinite(x) & np.isfinite(y)
    if located.sum() < min_sensors:
        return None
    rows, x, y = rows[located], x[located], y[located]
    hull = shapely.convex_hull(shapely.multipoints(np.column_stack((x, y))))
    area = shapely.buffer(hull, MARGIN_M, quad_segs=4)
    outline = np.asarray(shapely.get_coordinates(shapely.get_exterior_ring(area)))
    # The count sits at the sensors' middle (inside a convex hull), not at the hull's corner.
    label = (float(np.median(x)), float(np.median(y)))
    levels = [a.peak_level if returned else a.level for a in alarms]
    return Footprint(incident_id, alarms[0].family, rows, outline, int(min(levels)), int(len(rows)),
                     sum(a.state in (AlarmState.UNACK, AlarmState.RTN_UNACK) for a in alarms), label, returned)
