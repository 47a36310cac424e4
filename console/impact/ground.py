"""Ground metres from the display CRS (Web Mercator): the analysis measures in the layers' own coordinates.

A Mercator metre is 1 / cos(latitude) ground metres; within a city the factor changes by
well under one per cent, so a distance is the Mercator distance times the factor at
its latitude. Coordinates go to longitude/latitude only for exports.
"""

from __future__ import annotations

import numpy as np

EARTH_RADIUS_M = 6378137.0  # the sphere of EPSG:3857


def latitude(y) -> np.ndarray:
    """Latitude in degrees of Web Mercator northings."""
    return np.degrees(2.0 * np.arctan(np.exp(np.asarray(y, dtype=float) / EARTH_RADIUS_M)) - np.pi / 2.0)


def scale(y) -> np.ndarray:
    """Ground metres per Mercator metre at northing ``y``."""
    return np.cos(np.radians(latitude(y)))


def lonlat(x, y) -> tuple[np.ndarray, np.ndarray]:
    """Longitude/latitude (WGS84 degrees) of Web Mercator coordinates."""
    return np.degrees(np.asarray(x, dtype=float) / EARTH_RADIUS_M), latitude(y)
