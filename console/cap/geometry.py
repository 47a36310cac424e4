"""CAP area shapes to shapely geometries in (lon, lat) degrees.

CAP writes points as "lat,lon". A polygon is a closed ring of at least four
points; a circle is "lat,lon radius_km". Circles are buffered in metres on a
local tangent plane around their centre (an equirectangular projection scaled at
the centre's latitude): for warning radii of up to a few hundred kilometres the
error is far below the accuracy of the areas themselves, and it needs no pyproj
transformer per alert.
"""

from __future__ import annotations

import math

import numpy as np
import shapely
from shapely.geometry import Point, Polygon

__all__ = ["CIRCLE_SEGMENTS", "EARTH_RADIUS_M", "parse_circle", "parse_polygon"]

EARTH_RADIUS_M = 6_371_008.8
# Segments per quarter circle of a buffered CAP circle.
CIRCLE_SEGMENTS = 16
# Largest circle accepted: beyond this a local plane is no longer a fair approximation.
MAX_RADIUS_KM = 2000.0


def _point(text: str) -> tuple[float, float]:
    """(lat, lon) of a "lat,lon" pair, checked for range."""
    parts = text.split(",")
    if len(parts) != 2:
        raise ValueError(f"'{text}' is not lat,lon")
    try:
        lat, lon = float(parts[0]), float(parts[1])
    except ValueError:
        raise ValueError(f"'{text}' is not lat,lon numbers") from None
    if not (-90.0 <= lat <= 90.0 and -180.0 <= lon <= 180.0):
        raise ValueError(f"'{text}' is outside latitude -90..90 / longitude -180..180")
    return lat, lon


def parse_polygon(text: str) -> Polygon:
    """A CAP polygon ("lat,lon lat,lon ...", closed, ≥ 4 points) as a lon/lat Polygon."""
    pairs = text.split()
    if len(pairs) < 4:
        raise ValueError(f"{len(pairs)} points; a CAP polygon needs at least 4")
    points = [_point(pair) for pair in pairs]
    if points[0] != points[-1]:
        raise ValueError("ring is not closed: the first and last points differ")
    polygon = Polygon([(lon, lat) for lat, lon in points])
    if not polygon.is_valid:
        polygon = shapely.make_valid(polygon)  # self-touching rings occur in real alerts
    return polygon


def parse_circle(text: str, *, lonlat: bool = False):
    """A CAP circle ("lat,lon radius_km") as a buffered lon/lat polygon, or a Point for radius 0.

    ``lonlat=True`` reads the centre as "lon,lat", for sources known to write it that way.
    """
    parts = text.split()
    if len(parts) != 2:
        raise ValueError(f"'{text.strip()}' is not 'lat,lon radius_km'")
    centre = parts[0]
    if lonlat:
        first, _, second = centre.partition(",")
        centre = f"{second},{first}"
    lat, lon = _point(centre)
    try:
        radius_km = float(parts[1])
    except ValueError:
        raise ValueError(f"radius '{parts[1]}' is not a number of kilometres") from None
    if not (0.0 <= radius_km <= MAX_RADIUS_KM):
        raise ValueError(f"radius {parts[1]} km is outside 0..{MAX_RADIUS_KM:g} km")
    if radius_km == 0.0:
        return Point(lon, lat)
    ring = np.asarray(Point(0.0, 0.0).buffer(radius_km * 1000.0, quad_segs=CIRCLE_SEGMENTS).exterior.coords)
    lat_deg = lat + np.degrees(ring[:, 1] / EARTH_RADIUS_M)
    scale = EARTH_RADIUS_M * max(math.cos(math.radians(lat)), 1e-6)
    lon_deg = lon + np.degrees(ring[:, 0] / scale)
    return Polygon(np.column_stack([lon_deg, np.clip(lat_deg, -90.0, 90.0)]))
