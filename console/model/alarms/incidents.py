"""Grouping alarms into incidents: recent alarm positions by family and grid cell."""

from __future__ import annotations

import math

import numpy as np

__all__ = ["IncidentGrid"]


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
