"""Grouping alarms into incidents: by family and area, in time; the neighbourhood for sensors with no area.

An area is a sensor's district, or the area of an active CAP warning holding
the sensor when the engine has set one (``AlarmBook.set_incident_areas``). A
storm moves hundreds of sensors of a district at once: grouped by area, they
read as one line per district and family instead of one per 500 m patch. A
sensor with no district joins the nearest recent alarm of its family within the
incident distance, as before areas were known.

An incident keeps a severity score (the sum over its active members of 5 minus
the level: I counts 4, IV counts 1) and the score's steps of the last
``TREND_WINDOW_MS``, from which ``incident_trend`` says whether it is rising,
falling or steady.
"""

from __future__ import annotations

import math

import numpy as np

from console.model.alarms.records import Alarm, Incident

__all__ = [
    "ACTIVE_JOIN_MS",
    "TREND_WINDOW_MS",
    "TRENDS",
    "BookIncidents",
    "IncidentGrid",
    "IncidentIndex",
    "area_of",
    "incident_trend",
    "rebuild_index",
    "record_step",
    "severity",
]

# The trend compares an incident now with this long ago.
TREND_WINDOW_MS = 10 * 60_000
# An incident with active members takes new alarms of its area for this long after its last one:
# a storm's district stays one line, but one sensor stuck in alarm for days does not keep it open.
ACTIVE_JOIN_MS = 2 * 3_600_000
TRENDS = ("rising", "falling", "steady")
DISTRICT_PREFIX = "district:"
WARNING_PREFIX = "warning:"


def severity(level: int) -> int:
    """What an active alarm of ``level`` adds to its incident's score (I: 4 .. IV: 1, none: 0)."""
    return 5 - int(level) if level else 0


def area_of(district: str, warning_area: str = "") -> str:
    """The grouping area of a sensor: its warning's area, else its district; "" for neither."""
    if warning_area:
        return WARNING_PREFIX + warning_area
    return DISTRICT_PREFIX + district if district else ""


def record_step(incident, t_ms: int, delta: int) -> None:
    """Add ``delta`` to an incident's score at ``t_ms``; steps older than the trend window go."""
    if not delta:
        return
    incident.score += delta
    steps = incident.trend
    steps.append((int(t_ms), int(delta)))
    horizon = t_ms - TREND_WINDOW_MS
    if steps[0][0] < horizon:
        incident.trend = [step for step in steps if step[0] >= horizon]


def incident_trend(incident, now_ms: int, window_ms: int = TREND_WINDOW_MS) -> str:
    """``rising``, ``falling`` or ``steady``: the score now against ``window_ms`` before ``now_ms``."""
    change = sum(delta for t, delta in incident.trend if t > now_ms - window_ms)
    return "rising" if change > 0 else "falling" if change < 0 else "steady"


class IncidentGrid:
    """Recent alarm positions of each family, for finding the incident a new alarm joins.

    A cell is at least the incident distance wide (in display-CRS metres at the
    smallest ground scale), so the 3 x 3 cells around an alarm cover every alarm
    near enough. Positions older than the window behind a new alarm are dropped
    as they are met.

    Parameters
    ----------
    distance_m : float
        Ground distance within which an alarm joins an incident.
    window_ms : int
        An alarm joins only alarms raised at most this long before it.
    ground_scale : ndarray
        Ground metres per display-CRS metre of each sensor.
    """

    def __init__(self, distance_m: float, window_ms: int, ground_scale: np.ndarray):
        self.distance_m = float(distance_m)
        self.window_ms = int(window_ms)
        scales = ground_scale[np.isfinite(ground_scale) & (ground_scale > 0)]
        smallest_scale = float(scales.min()) if scales.size else 1.0
        self._cell = max(self.distance_m, 1.0) / smallest_scale
        self._cells: dict[tuple[str, int, int], list[tuple[float, float, int, int]]] = {}

    def nearest(self, family: str, x: float, y: float, scale: float, t_ms: int) -> int | None:
        """The incident of the nearest recent alarm of ``family`` within the distance, or None."""
        if not (math.isfinite(x) and math.isfinite(y)):
            return None
        best, best_distance = None, math.inf
        cx, cy = math.floor(x / self._cell), math.floor(y / self._cell)
        for key in ((family, cx + i, cy + j) for i in (-1, 0, 1) for j in (-1, 0, 1)):
            entries = self._cells.get(key)
            if not entries:
                continue
            # Entries are kept in time order; the old ones at the front can go.
            while entries and t_ms - entries[0][2] > self.window_ms:
                entries.pop(0)
            for mx, my, _, incident_id in entries:
                distance = math.hypot(mx - x, my - y) * scale
                if distance <= self.distance_m and distance < best_distance:
                    best, best_distance = incident_id, distance
        return best

    def remember(self, incident_id: int, family: str, x: float, y: float, t_ms: int) -> None:
        """Keep an alarm's position (unlocated alarms join no one and are not kept)."""
        if math.isfinite(x) and math.isfinite(y):
            key = (family, math.floor(x / self._cell), math.floor(y / self._cell))
            entries = self._cells.setdefault(key, [])
            entries.append((x, y, t_ms, incident_id))
            entries.sort(key=lambda entry: entry[2])


class IncidentIndex:
    """Which incident a new alarm joins.

    With an area (see ``area_of``): the newest incident of the same family and
    area, while its last alarm came at most ``window_ms`` before, or at most
    ``ACTIVE_JOIN_MS`` before while it still has an active member. Without one:
    the neighbourhood search of ``IncidentGrid``.
    """

    def __init__(self, distance_m: float, window_ms: int, ground_scale: np.ndarray):
        self.window_ms = int(window_ms)
        self.grid = IncidentGrid(distance_m, window_ms, ground_scale)
        self.by_area: dict[tuple[str, str], int] = {}

    def find(self, incidents: dict, family: str, area: str, x: float, y: float, scale: float, t_ms: int) -> int | None:
        if not area:
            return self.grid.nearest(family, x, y, scale, t_ms)
        incident_id = self.by_area.get((family, area))
        incident = incidents.get(incident_id) if incident_id is not None else None
        if incident is None:
            return None
        quiet_ms = t_ms - incident.last_ms
        if quiet_ms <= self.window_ms or (incident.score > 0 and quiet_ms <= max(self.window_ms, ACTIVE_JOIN_MS)):
            return incident_id
        return None

    def remember(self, incident_id: int, family: str, area: str, x: float, y: float, t_ms: int) -> None:
        if area:
            self.by_area[(family, area)] = incident_id
        else:
            self.grid.remember(incident_id, family, x, y, t_ms)


def rebuild_index(index: IncidentIndex, incidents: dict, alarms: dict, table, clock_ms: int) -> None:
    """Fill an index, the incidents' areas, scores and trends from restored incidents and their alarms.

    The journal keeps neither areas nor scores: the area comes back from the
    first member's district (a warning area is not known after a restart, so a
    later alarm inside it starts an incident of its own), the score from the
    members' current levels and the trend from their level changes in the window.
    """
    horizon = clock_ms - TREND_WINDOW_MS
    for incident in sorted(incidents.values(), key=lambda i: i.incident_id):
        members = [alarms[i] for i in incident.alarm_ids if i in alarms]
        if not incident.area and members:
            incident.area = area_of(members[0].district)
        incident.score = sum(severity(a.level) for a in members if a.active and a.closed_ms is None)
        steps = []
        for alarm in members:
            steps += [(s.t_ms, severity(s.level_to) - severity(s.level_from)) for s in alarm.history if s.t_ms >= horizon]
        incident.trend = sorted(step for step in steps if step[1])
        for alarm in members:
            row = alarm.sensor_row
            x, y = (float(table.x[row]), float(table.y[row])) if row >= 0 else (math.nan, math.nan)
            index.remember(incident.incident_id, alarm.family, incident.area, x, y, alarm.raised_ms)


class BookIncidents:
    """The incident half of ``AlarmBook`` (a mixin: the book is the only user).

    Which incident a raised alarm joins, and how a member's level changes move
    its incident's peak, score and trend. The book holds ``incidents``,
    ``_index`` (an ``IncidentIndex``) and ``_warning_area``.
    """

    def set_incident_areas(self, areas) -> None:
        """Per table row, the active warning's area that groups its new alarms ("" or None: its district).

        The engine sets it when the warnings in force change; alarms already
        raised keep their incidents.
        """
        self._warning_area = None if areas is None else [str(a or "") for a in areas]

    def _area_of_row(self, row: int) -> str:
        warning = self._warning_area[row] if self._warning_area is not None else ""
        return area_of(self.table.district[row], warning)

    def _join_incident(self, alarm: Alarm) -> None:
        table = self.table
        row = alarm.sensor_row
        x, y = float(table.x[row]), float(table.y[row])
        scale = float(table.ground_scale[row])
        t = alarm.raised_ms
        area = self._area_of_row(row)
        found = self._index.find(self.incidents, alarm.family, area, x, y, scale, t)
        best = None if found is None else self.incidents[found]
        if best is None:
            best = Incident(
                incident_id=self._next_incident,
                family=alarm.family,
                first_alarm_id=alarm.alarm_id,
                first_sensor_id=alarm.sensor_id,
                first_ms=t,
                last_ms=t,
                peak_level=alarm.level,
                x=x,
                y=y,
                area=area,
            )
            self._next_incident += 1
            self.incidents[best.incident_id] = best
        self._add_member(best, alarm, x, y)
        self._touch_incident(best)

    def _add_member(self, incident: Incident, alarm: Alarm, x: float, y: float) -> None:
        incident.alarm_ids.append(alarm.alarm_id)
        incident.last_ms = max(incident.last_ms, alarm.raised_ms)
        incident.peak_level = min(incident.peak_level, alarm.peak_level)
        if alarm.district and alarm.district not in incident.districts:
            incident.districts = sorted([*incident.districts, alarm.district])
        alarm.incident_id = incident.incident_id
        self._index.remember(incident.incident_id, alarm.family, incident.area, x, y, alarm.raised_ms)
        record_step(incident, alarm.raised_ms, severity(alarm.level))

    def _incident_step(self, alarm: Alarm, t_ms: int, delta: int) -> None:
        """A member's level changed by ``delta`` in severity: the incident's score and trend follow."""
        incident = self.incidents.get(alarm.incident_id)
        if incident is not None and delta:
            record_step(incident, t_ms, delta)
            self._touch_incident(incident)

    def _raise_incident_peak(self, alarm: Alarm) -> None:
        incident = self.incidents.get(alarm.incident_id)
        if incident is not None and alarm.peak_level < incident.peak_level:
            incident.peak_level = alarm.peak_level
            self._touch_incident(incident)
