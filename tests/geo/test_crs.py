"""CRS transforms checked against independent formulas, and GCJ-02 against published vectors."""

from __future__ import annotations

import math
import subprocess
import sys

import numpy as np
import pytest

from console.errors import InputError
from console.geo.crs import (
    crs_label,
    from_display,
    gcj02_offset_m,
    gcj02_to_wgs84,
    resolve_crs,
    to_display,
    wgs84_to_gcj02,
)

SPHERE_R = 6378137.0
# CGCS2000 ellipsoid (same a as GRS80; f differs from WGS84's only in the 10th digit).
CGCS_A = 6378137.0
CGCS_F = 1 / 298.257222101


def spherical_mercator(lon_deg, lat_deg):
    """EPSG:3857 from its defining formula, independent of pyproj."""
    lon = np.radians(lon_deg)
    lat = np.radians(lat_deg)
    return SPHERE_R * lon, SPHERE_R * np.log(np.tan(np.pi / 4 + lat / 2))


def meridian_arc_m(lat_deg, a=CGCS_A, f=CGCS_F, steps=200_001):
    """Length of the meridian from the equator, by numerical integration of the meridian radius."""
    e2 = f * (2 - f)
    phi = np.linspace(0.0, math.radians(lat_deg), steps)
    radius = a * (1 - e2) / (1 - e2 * np.sin(phi) ** 2) ** 1.5
    return float(np.trapezoid(radius, phi))


def ground_distance_m(lon1, lat1, lon2, lat2):
    """Small distances on a sphere (equirectangular), good to well under a millimetre here."""
    mean_lat = np.radians((np.asarray(lat1) + np.asarray(lat2)) / 2)
    dx = np.radians(np.asarray(lon2) - np.asarray(lon1)) * np.cos(mean_lat) * SPHERE_R
    dy = np.radians(np.asarray(lat2) - np.asarray(lat1)) * SPHERE_R
    return np.hypot(dx, dy)


@pytest.mark.parametrize("crs", ["EPSG:4490", "EPSG:4326"])
def test_geographic_point_reprojects_to_spherical_mercator(crs):
    x, y = to_display(114.3, 30.6, crs)
    ex, ey = spherical_mercator(114.3, 30.6)
    assert abs(float(x) - ex) < 1.0
    assert abs(float(y) - ey) < 1.0


def test_to_display_is_vectorised_and_from_display_inverts_it():
    lon = np.linspace(113.7, 115.1, 50)
    lat = np.linspace(29.9, 31.4, 50)
    x, y = to_display(lon, lat, "EPSG:4490")
    ex, ey = spherical_mercator(lon, lat)
    assert x.shape == (50,)
    assert np.max(np.abs(x - ex)) < 1.0 and np.max(np.abs(y - ey)) < 1.0
    back_lon, back_lat = from_display(x, y, "EPSG:4490")
    assert np.max(ground_distance_m(lon, lat, back_lon, back_lat)) < 0.001


@pytest.mark.parametrize(
    ("crs", "false_easting", "central_meridian"),
    [
        ("EPSG:4547", 500_000.0, 114.0),  # CGCS2000 3-degree GK, CM 114E (no zone prefix)
        ("EPSG:4527", 39_500_000.0, 117.0),  # CGCS2000 3-degree GK zone 39 (zone number in the easting)
    ],
)
def test_gauss_kruger_point_on_central_meridian(crs, false_easting, central_meridian):
    # On the central meridian GK northing is the meridian arc length and easting the false easting.
    northing = meridian_arc_m(30.6)
    x, y = to_display(false_easting, northing, crs)
    ex, ey = spherical_mercator(central_meridian, 30.6)
    assert abs(float(x) - ex) < 1.0
    assert abs(float(y) - ey) < 1.0
    easting, back_northing = from_display(x, y, crs)
    assert abs(float(easting) - false_easting) < 0.01
    assert abs(float(back_northing) - northing) < 0.01


def test_crs_text_forms_and_labels():
    assert crs_label("EPSG:4547") == "EPSG:4547"
    assert crs_label(4490) == "EPSG:4490"
    assert resolve_crs("+proj=longlat +ellps=GRS80 +no_defs").is_geographic


def test_unknown_crs_names_source_and_text():
    with pytest.raises(InputError) as info:
        to_display(1.0, 2.0, "EPSG:999999", source="roads.gpkg")
    assert "roads.gpkg" in str(info.value)
    assert "EPSG:999999" in str(info.value)
    with pytest.raises(InputError, match="not-a-crs"):
        resolve_crs("not-a-crs", "catalog.toml")


# Published GCJ-02 test vectors (WGS84 lat, lon -> GCJ-02 lat, lon) used by the eviltransform
# implementations: Shanghai, Shenzhen, Beijing.
PUBLISHED_VECTORS = [
    ((31.1774276, 121.5272106), (31.17530398364597, 121.531541859215)),
    ((22.543847, 113.912316), (22.540796131694766, 113.9171764808363)),
    ((39.911954, 116.377817), (39.91334545536069, 116.38404722455657)),
]


@pytest.mark.parametrize(("wgs", "gcj"), PUBLISHED_VECTORS)
def test_wgs84_to_gcj02_matches_published_vectors(wgs, gcj):
    lon, lat = wgs84_to_gcj02(wgs[1], wgs[0])
    assert abs(float(lon) - gcj[1]) < 1e-9
    assert abs(float(lat) - gcj[0]) < 1e-9


def test_gcj02_round_trip_is_within_a_centimetre_across_china():
    lon, lat = np.meshgrid(np.linspace(75.0, 135.0, 61), np.linspace(18.0, 53.0, 36))
    lon, lat = lon.ravel(), lat.ravel()
    g_lon, g_lat = wgs84_to_gcj02(lon, lat)
    w_lon, w_lat = gcj02_to_wgs84(g_lon, g_lat)
    assert np.max(ground_distance_m(lon, lat, w_lon, w_lat)) < 0.01
    # and the offset really was applied (not an identity round trip)
    assert np.min(ground_distance_m(lon, lat, g_lon, g_lat)) > 10.0


@pytest.mark.parametrize(("place", "lon", "lat"), [("Beijing", 116.3913, 39.9075), ("Wuhan", 114.3054, 30.5931)])
def test_gcj02_offset_is_hundreds_of_metres_in_chinese_cities(place, lon, lat):
    g_lon, g_lat = wgs84_to_gcj02(lon, lat)
    offset = float(ground_distance_m(lon, lat, g_lon, g_lat))
    assert 200.0 < offset < 900.0, place


def test_points_outside_china_are_unchanged():
    lon = np.array([-104.9903, 2.3522, 139.6917, 151.2093])  # Denver, Paris, Tokyo, Sydney
    lat = np.array([39.7392, 48.8566, 35.6895, -33.8688])
    for convert in (wgs84_to_gcj02, gcj02_to_wgs84):
        out_lon, out_lat = convert(lon, lat)
        np.testing.assert_array_equal(out_lon, lon)
        np.testing.assert_array_equal(out_lat, lat)


def test_gcj02_offset_m_moves_gcj_position_onto_wgs84():
    w_lon, w_lat = 114.3054, 30.5931
    g_lon, g_lat = wgs84_to_gcj02(w_lon, w_lat)
    gx, gy = to_display(g_lon, g_lat, "EPSG:4326")
    wx, wy = to_display(w_lon, w_lat, "EPSG:4326")
    dx, dy = gcj02_offset_m(gx, gy)
    assert abs(float(gx + dx - wx)) < 0.01
    assert abs(float(gy + dy - wy)) < 0.01
    assert math.hypot(float(dx), float(dy)) > 200.0


def test_geo_modules_import_without_qt():
    code = (
        "import sys\n"
        "import console.geo.crs, console.geo.readers, console.geo.catalog, console.geo.tiles, console.commands.info\n"
        "print(sorted(m for m in sys.modules if m.startswith(('PySide6', 'pyqtgraph'))))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
