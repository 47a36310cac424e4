"""Coordinate reference systems: transforms to and from the display CRS, and GCJ-02.

Layers are reprojected once, at load time, into ``DISPLAY_CRS`` (Web Mercator).
Transformers are cached per CRS pair; pyproj (>= 3.1) makes each ``Transformer``
safe to share between threads.

GCJ-02 is the obfuscated datum that Chinese web maps (and data digitised from
them) use. It is a published, deterministic offset from WGS84 of a few hundred
metres inside China and zero outside it. ``wgs84_to_gcj02`` applies it exactly;
``gcj02_to_wgs84`` inverts it by fixed-point iteration.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pyproj

from console.errors import InputError
from console.model.layer import DISPLAY_CRS

__all__ = [
    "DISPLAY_CRS",
    "crs_label",
    "from_display",
    "gcj02_offset_m",
    "gcj02_to_wgs84",
    "resolve_crs",
    "to_display",
    "transformer",
    "wgs84_to_gcj02",
]

# Semi-major axis and squared eccentricity of the Krasovsky 1940 ellipsoid, which
# the published GCJ-02 formula uses.
_GCJ_A = 6378245.0
_GCJ_EE = 0.00669342162296594323
# The rough rectangle the published formula treats as "China"; outside it no offset applies.
_CHINA_LON = (72.004, 137.8347)
_CHINA_LAT = (0.8293, 55.8271)
# One hundred-millionth of a degree is about 1 mm on the ground: the inverse stops below it.
_INVERSE_TOLERANCE_DEG = 1e-8
_INVERSE_MAX_STEPS = 30


@lru_cache(maxsize=64)
def _crs_from_text(text: str) -> pyproj.CRS:
    return pyproj.CRS.from_user_input(text)


def resolve_crs(crs, source: str = "crs") -> pyproj.CRS:
    """Turn a CRS given as text (``"EPSG:4490"``, WKT, PROJ string), an EPSG number or a
    ``pyproj.CRS`` into a ``pyproj.CRS``.

    Raises
    ------
    InputError
        Naming ``source`` and the CRS text when pyproj does not understand it.
    """
    if isinstance(crs, pyproj.CRS):
        return crs
    if isinstance(crs, bool) or not isinstance(crs, str | int):
        raise InputError(source, f"CRS {crs!r} is not a CRS name such as 'EPSG:4490'")
    text = f"EPSG:{crs}" if isinstance(crs, int) else crs.strip()
    try:
        return _crs_from_text(text)
    except pyproj.exceptions.CRSError:
        raise InputError(source, f"unknown CRS {text!r} (expected e.g. 'EPSG:4490' or 'EPSG:4547')") from None


def crs_label(crs) -> str:
    """A short name for a CRS: ``AUTH:CODE`` when it has one, else its name."""
    crs = resolve_crs(crs)
    authority = crs.to_authority(min_confidence=90)
    if authority is not None:
        return f"{authority[0]}:{authority[1]}"
    return crs.name


@lru_cache(maxsize=64)
def _transformer_between(source: pyproj.CRS, target: pyproj.CRS) -> pyproj.Transformer:
    return pyproj.Transformer.from_crs(source, target, always_xy=True)


def transformer(source, target, *, name: str = "crs") -> pyproj.Transformer:
    """A cached x/y-ordered (``always_xy``) transformer from ``source`` to ``target``."""
    return _transformer_between(resolve_crs(source, name), resolve_crs(target, name))


def to_display(x, y, crs, *, source: str = "crs") -> tuple[np.ndarray, np.ndarray]:
    """Transform coordinates in ``crs`` into the display CRS (Web Mercator metres).

    ``x``/``y`` are longitude/latitude for geographic CRSs and easting/northing for
    projected ones; scalars or arrays. Returns two float64 arrays.
    """
    tx, ty = transformer(crs, DISPLAY_CRS, name=source).transform(
        np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
    )
    return np.asarray(tx, dtype=np.float64), np.asarray(ty, dtype=np.float64)


def from_display(x, y, crs, *, source: str = "crs") -> tuple[np.ndarray, np.ndarray]:
    """Transform display-CRS coordinates into ``crs`` (the inverse of ``to_display``)."""
    tx, ty = transformer(DISPLAY_CRS, crs, name=source).transform(
        np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
    )
    return np.asarray(tx, dtype=np.float64), np.asarray(ty, dtype=np.float64)


# --- GCJ-02 ---------------------------------------------------------------


def _in_china(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    return (lon >= _CHINA_LON[0]) & (lon <= _CHINA_LON[1]) & (lat >= _CHINA_LAT[0]) & (lat <= _CHINA_LAT[1])


def _gcj02_delta_deg(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The GCJ-02 offset (degrees of longitude, latitude) at WGS84 positions, ignoring the China mask."""
    x = lon - 105.0
    y = lat - 35.0
    pi = np.pi
    # The two harmonic series of the published formula, in units the last step scales to degrees.
    shared = (20.0 * np.sin(6.0 * x * pi) + 20.0 * np.sin(2.0 * x * pi)) * 2.0 / 3.0
    d_lat = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * np.sqrt(np.abs(x))
    d_lat += shared
    d_lat += (20.0 * np.sin(y * pi) + 40.0 * np.sin(y / 3.0 * pi)) * 2.0 / 3.0
    d_lat += (160.0 * np.sin(y / 12.0 * pi) + 320.0 * np.sin(y * pi / 30.0)) * 2.0 / 3.0
    d_lon = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * np.sqrt(np.abs(x))
    d_lon += shared
    d_lon += (20.0 * np.sin(x * pi) + 40.0 * np.sin(x / 3.0 * pi)) * 2.0 / 3.0
    d_lon += (150.0 * np.sin(x / 12.0 * pi) + 300.0 * np.sin(x / 30.0 * pi)) * 2.0 / 3.0

    lat_rad = np.radians(lat)
    magic = 1.0 - _GCJ_EE * np.sin(lat_rad) ** 2
    sqrt_magic = np.sqrt(magic)
    d_lat = d_lat * 180.0 / ((_GCJ_A * (1.0 - _GCJ_EE)) / (magic * sqrt_magic) * pi)
    d_lon = d_lon * 180.0 / (_GCJ_A / sqrt_magic * np.cos(lat_rad) * pi)
    return d_lon, d_lat


def wgs84_to_gcj02(lon, lat) -> tuple[np.ndarray, np.ndarray]:
    """Apply the GCJ-02 offset to WGS84 (or CGCS2000) longitude/latitude.

    Vectorised; points outside China are returned unchanged.
    """
    lon = np.asarray(lon, dtype=np.float64)
    lat = np.asarray(lat, dtype=np.float64)
    d_lon, d_lat = _gcj02_delta_deg(lon, lat)
    inside = _in_china(lon, lat)
    return np.where(inside, lon + d_lon, lon), np.where(inside, lat + d_lat, lat)


def gcj02_to_wgs84(lon, lat) -> tuple[np.ndarray, np.ndarray]:
    """Remove the GCJ-02 offset: GCJ-02 longitude/latitude to WGS84.

    The offset varies slowly, so the fixed-point iteration ``w <- w - (gcj(w) - g)``
    converges in a few steps; it stops when the forward transform of the result
    reproduces the input within about 1 mm. Points outside China are unchanged.
    """
    g_lon = np.asarray(lon, dtype=np.float64)
    g_lat = np.asarray(lat, dtype=np.float64)
    inside = _in_china(g_lon, g_lat)
    w_lon = g_lon.copy()
    w_lat = g_lat.copy()
    for _ in range(_INVERSE_MAX_STEPS):
        d_lon, d_lat = _gcj02_delta_deg(w_lon, w_lat)
        err_lon = w_lon + d_lon - g_lon
        err_lat = w_lat + d_lat - g_lat
        w_lon = w_lon - err_lon
        w_lat = w_lat - err_lat
        worst = max(float(np.nanmax(np.abs(err_lon), initial=0.0)), float(np.nanmax(np.abs(err_lat), initial=0.0)))
        if worst < _INVERSE_TOLERANCE_DEG:
            break
    return np.where(inside, w_lon, g_lon), np.where(inside, w_lat, g_lat)


def gcj02_offset_m(x, y) -> tuple[np.ndarray, np.ndarray]:
    """The display-CRS shift that moves GCJ-02 content at display position ``(x, y)`` onto WGS84.

    ``(x, y)`` are Web Mercator metres of a place as a GCJ-02 map draws it; the result
    ``(dx, dy)`` is what to add so that it lands where WGS84/CGCS2000 data puts the same
    place (zero outside China).
    """
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    g_lon, g_lat = from_display(x, y, "EPSG:4326")
    w_lon, w_lat = gcj02_to_wgs84(g_lon, g_lat)
    wx, wy = to_display(w_lon, w_lat, "EPSG:4326")
    return wx - x, wy - y
