"""The demo city's local metric frame and its link to geographic CGCS2000 coordinates.

The city is built in metres around its centre (x east, y north), in the
CGCS2000 3-degree Gauss-Kruger zone with central meridian 114°E, then written
as longitude/latitude on CGCS2000 (EPSG:4490) rounded to 7 decimals (about 1 cm).
"""

from __future__ import annotations

import numpy as np
import shapely
from pyproj import Transformer

GEOGRAPHIC_CRS = "EPSG:4490"  # CGCS2000 longitude/latitude
PROJECTED_CRS = "EPSG:4547"  # CGCS2000 / 3-degree Gauss-Kruger CM 114E
DECIMALS = 7


class LocalFrame:
    """Converts local metres around a centre to rounded CGCS2000 longitude/latitude.

    Parameters
    ----------
    lon0, lat0 : float
        The city centre in degrees; it becomes the local origin.
    """

    def __init__(self, lon0: float, lat0: float):
        to_projected = Transformer.from_crs(GEOGRAPHIC_CRS, PROJECTED_CRS, always_xy=True)
        self._to_geographic = Transformer.from_crs(PROJECTED_CRS, GEOGRAPHIC_CRS, always_xy=True)
        self.x0, self.y0 = to_projected.transform(lon0, lat0)

    def lonlat(self, x, y) -> tuple[np.ndarray, np.ndarray]:
        """Rounded (lon, lat) of local (x, y) arrays."""
        lon, lat = self._to_geographic.transform(np.asarray(x, dtype=float) + self.x0,
                                                 np.asarray(y, dtype=float) + self.y0)
        return np.round(lon, DECIMALS), np.round(lat, DECIMALS)

    def geometries(self, geometries) -> np.ndarray:
        """Shapely geometries in local metres -> the same geometries in rounded lon/lat."""
        def convert(coords):
            lon, lat = self.lonlat(coords[:, 0], coords[:, 1])
            return np.column_stack([lon, lat])

        return shapely.transform(np.asarray(geometries, dtype=object), convert)


class DistrictIndex:
    """Finds the district of points, in the same rounded coordinates that get written.

    Looking up in rounded lon/lat (not in local metres) guarantees that a point
    written as lying in a district polygon carries that district's name.
    """

    def __init__(self, frame: LocalFrame, polygons_lonlat, names):
        self.frame = frame
        self.polygons = np.asarray(polygons_lonlat, dtype=object)
        self.names = np.asarray(names, dtype=object)
        self._tree = shapely.STRtree(self.polygons)

    def lookup(self, x, y) -> np.ndarray:
        """Index of the district holding each local point (nearest district if outside all)."""
        lon, lat = self.frame.lonlat(x, y)
        points = shapely.points(lon, lat)
        found = np.full(len(points), -1, dtype=np.int64)
        point_idx, poly_idx = self._tree.query(points, predicate="within")
        found[point_idx] = poly_idx
        missing = np.flatnonzero(found < 0)
        if len(missing):
            _, nearest = self._tree.query_nearest(points[missing], return_distance=False, all_matches=False)
            found[missing] = nearest
        return found

    def name_of(self, x, y) -> np.ndarray:
        """Chinese district name of each local point."""
        return self.names[self.lookup(x, y)]
