"""GeoPackages read straight from SQLite give the layers GDAL gives, or leave the file to GDAL."""

from __future__ import annotations

import os
import sqlite3
import warnings

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pytest
import shapely

import console.geo.geopackage as geopackage
from console import ConsoleWarning
from console.errors import InputError
from console.geo.catalog import check_sensor_layer
from console.geo.readers import read_layers
from console.model.layer import GeometryKind


def _read_both(monkeypatch, path, **options):
    """(direct, GDAL) layers of one file; warnings of both ways recorded."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        direct = read_layers(path, **options)
        monkeypatch.setattr(geopackage, "READ_DIRECTLY", False)
        through_gdal = read_layers(path, **options)
        monkeypatch.setattr(geopackage, "READ_DIRECTLY", True)
    messages = [str(w.message) for w in caught if w.category is ConsoleWarning]
    return direct, through_gdal, messages


def _assert_same(direct, through_gdal):
    assert [(a.name, a.kind, a.source_crs, len(a)) for a in direct] == \
        [(b.name, b.kind, b.source_crs, len(b)) for b in through_gdal]
    for a, b in zip(direct, through_gdal, strict=True):
        assert a._frame is None  # nothing built for drawing
        assert a.columns == b.columns
        assert a.bounds == pytest.approx(b.bounds)
        assert shapely.equals_exact(a.geometries, np.asarray(b.frame.geometry.values), 1e-6).all()
        for name in a.columns:
            assert a.text_values(name).tolist() == b.text_values(name).tolist(), name
        assert a.attributes(len(a) - 1) == b.attributes(len(b) - 1)
        pd.testing.assert_frame_equal(a.frame.drop(columns="geometry"), b.frame.drop(columns="geometry"))


@pytest.fixture
def city(tmp_path):
    """Points with missing and empty ones, roads, multi-part districts with a hole, one GeoPackage."""
    path = tmp_path / "city.gpkg"
    gpd.GeoDataFrame(
        {"id": ["GAS-1", "GAS-2", "GAS-3", "GAS-4"], "name": ["阀门井", None, "调压站", "监测点"],
         "value": [1.5, 2.0, np.nan, 4.0], "n": [1, 2, 3, 4], "ok": [True, False, True, False]},
        geometry=[shapely.Point(114.30, 30.60), None, shapely.Point(), shapely.Point(114.40, 30.50)],
        crs="EPSG:4490",
    ).to_file(path, layer="sensors", engine="pyogrio")
    gpd.GeoDataFrame(
        {"name": ["解放大道", "中山大道"], "lanes": [6, 4]},
        geometry=[shapely.LineString([(114.2, 30.5), (114.3, 30.6)]),
                  shapely.LineString([(114.3, 30.6), (114.35, 30.62), (114.4, 30.6)])],
        crs="EPSG:4490",
    ).to_file(path, layer="roads", engine="pyogrio")
    outer = shapely.Polygon([(114.0, 30.0), (114.5, 30.0), (114.5, 30.5), (114.0, 30.5)],
                            [[(114.1, 30.1), (114.2, 30.1), (114.2, 30.2)]])
    gpd.GeoDataFrame(
        {"name_zh": ["江岸区", "武昌区"]},
        geometry=[shapely.MultiPolygon([outer]), shapely.box(114.6, 30.0, 114.7, 30.1)],
        crs="EPSG:4490",
    ).to_file(path, layer="districts", engine="pyogrio", promote_to_multi=True)
    return path


def test_a_geopackage_reads_as_gdal_reads_it_without_frames(city, monkeypatch):
    direct, through_gdal, messages = _read_both(monkeypatch, city)
    assert direct[0]._xy is not None and direct[0]._geometry is None  # points: two arrays, no shapely objects
    _assert_same(direct, through_gdal)
    assert [layer.name for layer in direct] == ["sensors", "roads", "districts"]
    assert direct[0].text_values("name").tolist() == ["阀门井", "监测点"]
    assert direct[0].column_values("ok").tolist() == [True, False]
    skipped = f"{city}: layer 'sensors': skipped 2 feature(s) with empty, missing or mixed-collection geometry"
    assert messages == [skipped, skipped]


def test_the_listing_is_gdals(city):
    tables = geopackage.feature_tables(city)
    assert [[name, geometry_type] for name, geometry_type in pyogrio.list_layers(city)] == \
        [[table.name, {"POINT": "Point", "LINESTRING": "LineString", "MULTIPOLYGON": "MultiPolygon"}
          [table.geometry_type]] for table in tables.values()]
    assert {table.crs for table in tables.values()} == {"EPSG:4490"}


def test_projected_points_and_one_layer_by_name(tmp_path, monkeypatch):
    path = tmp_path / "gk.gpkg"
    gpd.GeoDataFrame({"n": [1, 2]}, geometry=shapely.points([500_000.0, 500_100.0], [3_386_000.0, 3_386_100.0]),
                     crs="EPSG:4547").to_file(path, layer="wells", engine="pyogrio")
    gpd.GeoDataFrame({"n": [3]}, geometry=[shapely.Point(114.3, 30.6)], crs="EPSG:4490").to_file(
        path, layer="other", engine="pyogrio")
    direct, through_gdal, _ = _read_both(monkeypatch, path, layer="wells")
    _assert_same(direct, through_gdal)
    assert direct[0].source_crs == "EPSG:4547"


def test_three_dimensional_and_multipart_points_are_read_as_geometries(tmp_path, monkeypatch):
    path = tmp_path / "p.gpkg"
    gpd.GeoDataFrame({"n": [1, 2]}, geometry=shapely.points([114.1, 114.2], [30.5, 30.6], [1.0, 2.0]),
                     crs="EPSG:4490").to_file(path, layer="z", engine="pyogrio")
    gpd.GeoDataFrame({"n": [1, 2]}, geometry=[shapely.MultiPoint([(114.1, 30.5)]), shapely.Point(114.2, 30.6)],
                     crs="EPSG:4490").to_file(path, layer="multi", engine="pyogrio")
    direct, through_gdal, _ = _read_both(monkeypatch, path)
    _assert_same(direct, through_gdal)
    assert all(layer.kind is GeometryKind.POINT and layer._xy is None for layer in direct)
    assert not shapely.has_z(direct[0].geometries).any()
    np.testing.assert_allclose(direct[1].xy[0], through_gdal[1].xy[0])


def test_files_sqlite_cannot_read_are_left_to_gdal(tmp_path):
    junk = tmp_path / "junk.gpkg"
    junk.write_bytes(np.random.default_rng(7).bytes(4096))
    assert geopackage.feature_tables(junk) is None
    plain = tmp_path / "plain.gpkg"
    with sqlite3.connect(plain) as connection:
        connection.execute("CREATE TABLE t (a INTEGER)")
    assert geopackage.feature_tables(plain) is None


def test_a_layer_without_an_epsg_crs_is_left_to_gdal(city):
    with sqlite3.connect(city) as connection:
        connection.execute("UPDATE gpkg_spatial_ref_sys SET organization = 'LOCAL' WHERE srs_id = 4490")
    tables = geopackage.feature_tables(city)
    assert tables["sensors"].crs is None
    assert geopackage.read_feature_table(city, tables["sensors"]) is None
    with pytest.warns(ConsoleWarning, match="skipped 2"):
        layers = read_layers(city)
    assert [layer.name for layer in layers] == ["sensors", "roads", "districts"]
    assert all(layer.source_crs == "EPSG:4490" and layer._frame is not None for layer in layers[1:])  # by GDAL


def test_point_blobs_of_another_length_are_left_to_gdal(tmp_path, monkeypatch):
    path = tmp_path / "p.gpkg"
    gpd.GeoDataFrame({"n": [1, 2, 3]}, geometry=shapely.points([114.1, 114.2, 114.3], [30.5, 30.6, 30.7]),
                     crs="EPSG:4490").to_file(path, layer="points", engine="pyogrio", SPATIAL_INDEX="NO")
    with sqlite3.connect(path) as connection:  # one point with an envelope: its blob is 32 bytes longer
        blob = connection.execute("SELECT geom FROM points WHERE fid = 2").fetchone()[0]
        enveloped = blob[:3] + bytes([blob[3] | 0x02]) + blob[4:8] + bytes(32) + blob[8:]
        connection.execute("UPDATE points SET geom = ? WHERE fid = 2", (enveloped,))
    assert geopackage.read_feature_table(path, geopackage.feature_tables(path)["points"]) is None
    direct, through_gdal, _ = _read_both(monkeypatch, path)
    _assert_same(direct, through_gdal)


def test_a_file_changed_after_reading_is_named_when_its_attributes_are_read(city):
    layer = read_layers(city, layer="roads")[0]
    stat = city.stat()
    os.utime(city, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    with pytest.raises(InputError, match=r"city.gpkg: layer 'roads' changed on disk since it was read"):
        layer.text_values("name")


def test_a_sensor_check_reads_columns_without_a_frame(city):
    with pytest.warns(ConsoleWarning, match="skipped 2"):
        layer = read_layers(city, layer="sensors")[0]
    with pytest.raises(InputError, match=r"lacks required field\(s\) category, quantity"):
        check_sensor_layer(layer, "catalog.toml")
    assert layer._frame is None


def test_text_that_is_not_utf8_is_named_when_it_is_read(tmp_path):
    path = tmp_path / "bad.gpkg"
    gpd.GeoDataFrame({"name": ["江岸"]}, geometry=[shapely.Point(114.3, 30.6)], crs="EPSG:4490").to_file(
        path, layer="points", engine="pyogrio", SPATIAL_INDEX="NO")
    with sqlite3.connect(path) as connection:
        connection.execute("UPDATE points SET name = CAST(? AS TEXT)", ("江岸".encode("gbk"),))
    [layer] = read_layers(path)  # the geometry is fine: the layer draws
    with pytest.raises(InputError) as info:
        layer.text_values("name")
    assert str(info.value) == (f'{path}: text is not valid UTF-8 (invalid start byte); '
                               f'give the right encoding, e.g. encoding = "GBK"')
