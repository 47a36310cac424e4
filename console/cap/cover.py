"""Which sensors lie inside which CAP warning areas (shapely on the sensors' positions, no Qt).

The areas come in lon/lat; the sensors are in the display CRS. Each area is
reprojected once and tested against every sensor position at once
(``shapely.contains_xy``), so a city's ten thousand sensors against a handful of
warnings take milliseconds, done again only when the warnings change.
"""

from __future__ import annotations

import numpy as np
import shapely

from console.geo.crs import to_display

__all__ = ["WarningCover", "display_area"]


def display_area(warning):
    """A warning's area in the display CRS (None without one)."""
    area = warning.area()
    if area is None or area.is_empty:
        return None
    return shapely.transform(area, lambda xy: np.column_stack(to_display(xy[:, 0], xy[:, 1], "EPSG:4326",
                                                                         source="CAP area")))


class WarningCover:
    """The sensors inside each warning's area.

    Parameters
    ----------
    warnings : list of ActiveWarning
    ids : array of str
        Sensor ids, one per row of the sensor table.
    x, y : arrays of float
        Sensor positions in the display CRS.
    """

    def __init__(self, warnings, ids, x, y):
        self.warnings = list(warnings)
        self._row = {str(sensor_id): row for row, sensor_id in enumerate(np.asarray(ids).tolist())}
        x, y = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
        self.inside: dict[str, np.ndarray] = {}
        for warning in self.warnings:
            area = display_area(warning)
            self.inside[warning.id] = np.zeros(len(x), dtype=bool) if area is None else shapely.contains_xy(area, x, y)

    def warnings_of(self, sensor_id: str) -> list:
        """The warnings whose area holds the sensor, most severe first."""
        row = self._row.get(str(sensor_id))
        if row is None:
            return []
        return [w for w in self.warnings if self.inside[w.id][row]]

    def area_per_row(self) -> list[str]:
        """Per sensor row, the id of the most severe warning whose area holds it ("" for none)."""
        areas = [""] * len(self._row)
        for warning in reversed(self.warnings):  # most severe last, so it wins
            for row in np.flatnonzero(self.inside[warning.id]).tolist():
                areas[row] = warning.id
        return areas

    def count_inside(self, warning_id: str, sensor_ids) -> int:
        """How many of ``sensor_ids`` lie inside the warning's area."""
        inside = self.inside.get(warning_id)
        if inside is None:
            return 0
        rows = [self._row[s] for s in sensor_ids if s in self._row]
        return int(inside[rows].sum()) if rows else 0
