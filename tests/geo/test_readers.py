"""Reading real files in every supported format, encodings, and every kind of bad input."""

from __future__ import annotations

import json

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from console import ConsoleWarning
from console.errors import InputError
from console.geo.crs import gcj02_to_wgs84, to_display, wgs84_to_gcj02
from console.geo.readers import describe, detect_dbf_encoding, read_layers
from console.model.layer import DISPLAY_CRS, GeometryKind
from tests.geo.conftest import DISTRICTS, OWNERS


def mercator_of(lon, lat):
    x, y = to_display(lon, lat, "EPSG:4326")
    return np.column_stack([x, y])


# --- Shapefile encodings --------------------------------------------------------


def test_gbk_shapefile_with_cpg_round_trips_chinese(gbk_shapefile):
    raw = gbk_shapefile.with_suffix(".dbf").read_bytes()
    assert "江岸区".encode("gbk") in raw  # the file really holds GBK bytes
    (layer,) = read_layers(gbk_shapefile)
    assert layer.frame["district"].tolist() == DISTRICTS
    assert layer.frame["owner"].tolist() == OWNERS


def test_gbk_shapefile_without_cpg_is_detected(gbk_shapefile):
    gbk_shapefile.with_suffix(".cpg").unlink()
    assert detect_dbf_encoding(gbk_shapefile.with_suffix(".dbf")) == "GBK"
    (layer,) = read_layers(gbk_shapefile)
    assert layer.frame["district"].tolist() == DISTRICTS
    assert layer.frame["owner"].tolist() == OWNERS


def test_ldid_byte_names_the_code_page(gbk_shapefile):
    gbk_shapefile.with_suffix(".cpg").unlink()
    dbf = gbk_shapefile.with_suffix(".dbf")
    data = bytearray(dbf.read_bytes())
    data[29] = 0x4D  # language driver: Chinese GBK (code page 936)
    dbf.write_bytes(bytes(data))
    assert detect_dbf_encoding(dbf) == "CP936"
    (layer,) = read_layers(gbk_shapefile)
    assert layer.frame["owner"].tolist() == OWNERS


def test_explicit_encoding_wins_over_a_wrong_cpg(gbk_shapefile):
    gbk_shapefile.with_suffix(".cpg").write_text("UTF-8")
    (layer,) = read_layers(gbk_shapefile, encoding="GBK")
    assert layer.frame["district"].tolist() == DISTRICTS
    gbk_shapefile.with_suffix(".cpg").unlink()
    (layer,) = read_layers(gbk_shapefile, encoding="GBK")
    assert layer.frame["owner"].tolist() == OWNERS


def test_utf8_shapefile_without_cpg_is_detected(tmp_path, chinese_points):
    path = tmp_path / "utf8.shp"
    chinese_points.to_file(path, engine="pyogrio", encoding="UTF-8")
    path.with_suffix(".cpg").unlink(missing_ok=True)
    (layer,) = read_layers(path)
    assert layer.frame["district"].tolist() == DISTRICTS


def test_wrong_encoding_names_the_field_and_encoding(gbk_shapefile):
    with pytest.raises(InputError) as info:
        read_layers(gbk_shapefile, encoding="UTF-8")
    message = str(info.value)
    assert gbk_shapefile.name in message
    assert "'district'" in message
    assert "UTF-8" in message


def test_cpg_that_lies_is_reported_with_the_field(gbk_shapefile):
    gbk_shapefile.with_suffix(".cpg").write_text("UTF-8")
    with pytest.raises(InputError) as info:
        read_layers(gbk_shapefile)
    assert "'district'" in str(info.value) and "not valid UTF-8" in str(info.value)


def test_unknown_encoding_name_is_reported(gbk_shapefile):
    with pytest.raises(InputError, match="unknown encoding 'NOPE-42'"):
        read_layers(gbk_shapefile, encoding="NOPE-42")


# --- formats and reprojection -------------------------------------------------------


def test_point_layer_is_in_display_crs_with_range_index(gbk_shapefile, chinese_points):
    (layer,) = read_layers(gbk_shapefile, name="sensors")
    assert layer.name == "sensors"
    assert layer.kind is GeometryKind.POINT
    assert layer.source_crs == "EPSG:4490"
    assert layer.frame.crs == DISPLAY_CRS
    assert isinstance(layer.frame.index, pd.RangeIndex)
    x, y = layer.xy
    expected = mercator_of(chinese_points.geometry.x, chinese_points.geometry.y)
    np.testing.assert_allclose(np.column_stack([x, y]), expected, atol=1.0)


def test_geopackage_reads_all_layers_or_one(tmp_path, chinese_points):
    path = tmp_path / "city.gpkg"
    chinese_points.to_file(path, layer="sensors", engine="pyogrio")
    roads = gpd.GeoDataFrame(
        {"name_zh": ["解放大道"]}, geometry=[shapely.LineString([(114.2, 30.5), (114.3, 30.6)])], crs="EPSG:4490"
    )
    roads.to_file(path, layer="roads", engine="pyogrio")
    every = read_layers(path)
    assert {(lyr.name, lyr.kind) for lyr in every} == {("sensors", GeometryKind.POINT), ("roads", GeometryKind.LINE)}
    (only,) = read_layers(path, layer="roads")
    assert only.frame["name_zh"].tolist() == ["解放大道"]
    np.testing.assert_allclose(
        shapely.get_coordinates(only.frame.geometry.values), mercator_of([114.2, 114.3], [30.5, 30.6]), atol=1.0
    )


def test_missing_geopackage_layer_lists_the_existing_ones(tmp_path, chinese_points):
    path = tmp_path / "city.gpkg"
    chinese_points.to_file(path, layer="sensors", engine="pyogrio")
    chinese_points.to_file(path, layer="hydrants", engine="pyogrio")
    with pytest.raises(InputError) as info:
        read_layers(path, layer="bridges")
    message = str(info.value)
    assert "city.gpkg" in message and "'bridges'" in message
    assert "sensors" in message and "hydrants" in message


def test_mixed_geometry_file_gives_one_layer_per_kind(tmp_path):
    path = tmp_path / "mixed.geojson"
    frame = gpd.GeoDataFrame(
        {"kind": ["valve", "main", "zone", "valve2"]},
        geometry=[
            shapely.Point(114.3, 30.6),
            shapely.LineString([(114.3, 30.6), (114.4, 30.7)]),
            shapely.box(114.0, 30.0, 114.1, 30.1),
            shapely.MultiPoint([(114.35, 30.65)]),
        ],
        crs="EPSG:4326",
    )
    frame.to_file(path, engine="pyogrio")
    layers = {lyr.kind: lyr for lyr in read_layers(path, name="net")}
    assert set(layers) == {GeometryKind.POINT, GeometryKind.LINE, GeometryKind.POLYGON}
    assert layers[GeometryKind.POINT].name == "net_point"
    assert layers[GeometryKind.POINT].frame["kind"].tolist() == ["valve", "valve2"]
    # one-part MultiPoints become Points, so xy has one entry per feature
    assert len(layers[GeometryKind.POINT].xy[0]) == 2
    assert layers[GeometryKind.LINE].frame["kind"].tolist() == ["main"]
    assert isinstance(layers[GeometryKind.POLYGON].frame.index, pd.RangeIndex)


def test_flatgeobuf_and_projected_gauss_kruger_source(tmp_path):
    gk = gpd.GeoDataFrame(
        {"name": ["桥梁监测点"]}, geometry=[shapely.Point(500_000.0, 3_386_000.0)], crs="EPSG:4547"
    )
    path = tmp_path / "bridge.fgb"
    gk.to_file(path, engine="pyogrio")
    (layer,) = read_layers(path)
    assert layer.source_crs == "EPSG:4547"
    assert layer.frame["name"].tolist() == ["桥梁监测点"]
    expected = to_display(500_000.0, 3_386_000.0, "EPSG:4547")
    assert layer.xy[0][0] == pytest.approx(float(expected[0]), abs=0.01)
    assert layer.xy[1][0] == pytest.approx(float(expected[1]), abs=0.01)


def test_gcj02_source_is_shifted_onto_wgs84(tmp_path):
    wgs_lon, wgs_lat = 114.3054, 30.5931
    g_lon, g_lat = wgs84_to_gcj02(wgs_lon, wgs_lat)
    path = tmp_path / "amap.geojson"
    gpd.GeoDataFrame({"n": [1]}, geometry=[shapely.Point(float(g_lon), float(g_lat))], crs="EPSG:4326").to_file(path)
    (plain,) = read_layers(path)
    (shifted,) = read_layers(path, gcj02=True)
    expected = mercator_of(*gcj02_to_wgs84(g_lon, g_lat))[0]
    assert shifted.xy[0][0] == pytest.approx(expected[0], abs=0.01)
    assert shifted.xy[1][0] == pytest.approx(expected[1], abs=0.01)
    moved = np.hypot(plain.xy[0][0] - shifted.xy[0][0], plain.xy[1][0] - shifted.xy[1][0])
    assert moved > 200.0


def test_csv_with_chinese_coordinate_columns_in_gbk(tmp_path):
    path = tmp_path / "积水点.csv"
    text = "编号,名称,经度,纬度\nWLG-00001,江汉路积水点,114.28,30.58\nWLG-00002,武昌积水点,114.31,30.54\n"
    path.write_bytes(text.encode("gbk"))
    (layer,) = read_layers(path)
    assert layer.source_crs == "EPSG:4326"
    assert layer.frame["名称"].tolist() == ["江汉路积水点", "武昌积水点"]
    np.testing.assert_allclose(np.column_stack(layer.xy), mercator_of([114.28, 114.31], [30.58, 30.54]), atol=1.0)


def test_csv_with_named_fields_and_crs(tmp_path):
    path = tmp_path / "gk.csv"
    path.write_text("id,E,N\nBS-00001,500000,3386000\n", encoding="utf-8")
    (layer,) = read_layers(path, x_field="E", y_field="N", crs="EPSG:4547")
    expected = to_display(500_000.0, 3_386_000.0, "EPSG:4547")
    assert layer.xy[0][0] == pytest.approx(float(expected[0]), abs=0.01)
    assert layer.source_crs == "EPSG:4547"


# --- bad input ------------------------------------------------------------------


def test_missing_file(tmp_path):
    path = tmp_path / "nowhere.gpkg"
    with pytest.raises(InputError) as info:
        read_layers(path)
    assert str(path) in str(info.value) and "not found" in str(info.value)


def test_truncated_shapefile(tmp_path):
    frame = gpd.GeoDataFrame(
        {"name": ["管线"] * 40},
        geometry=[shapely.LineString(np.random.default_rng(1).random((20, 2)) + [114, 30]) for _ in range(40)],
        crs="EPSG:4490",
    )
    path = tmp_path / "pipes.shp"
    frame.to_file(path, engine="pyogrio")
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(InputError) as info:
        read_layers(path)
    assert "pipes.shp" in str(info.value) and "truncated" in str(info.value)


def test_random_bytes_named_gpkg(tmp_path):
    path = tmp_path / "junk.gpkg"
    path.write_bytes(np.random.default_rng(7).bytes(4096))
    with pytest.raises(InputError) as info:
        read_layers(path)
    message = str(info.value)
    assert "junk.gpkg" in message and "cannot be read as GeoPackage" in message
    assert "Traceback" not in message


def test_truncated_geopackage(tmp_path, chinese_points):
    path = tmp_path / "cut.gpkg"
    big = gpd.GeoDataFrame(
        {"name": ["监测点"] * 2000}, geometry=shapely.points(np.random.default_rng(3).random((2000, 2)) + [114, 30]),
        crs="EPSG:4490",
    )
    big.to_file(path, engine="pyogrio")
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(InputError) as info:
        read_layers(path)
    message = str(info.value)
    assert "cut.gpkg" in message and "malformed" in message
    assert "sqlite3_prepare" not in message


def test_broken_json(tmp_path):
    path = tmp_path / "broken.geojson"
    path.write_text('{"type": "FeatureCollection", "features": [{"type": "Feature", "geometry": {"coord')
    with pytest.raises(InputError) as info:
        read_layers(path)
    assert "broken.geojson" in str(info.value) and "cannot be read as GeoJSON" in str(info.value)


def test_layer_without_crs_asks_for_crs_option(gbk_shapefile, chinese_points):
    gbk_shapefile.with_suffix(".prj").unlink()
    with pytest.raises(InputError) as info:
        read_layers(gbk_shapefile)
    message = str(info.value)
    assert gbk_shapefile.name in message and "no CRS" in message and "crs=" in message
    (layer,) = read_layers(gbk_shapefile, crs="EPSG:4490")
    np.testing.assert_allclose(
        np.column_stack(layer.xy), mercator_of(chinese_points.geometry.x, chinese_points.geometry.y), atol=1.0
    )


def test_unknown_crs_option(gbk_shapefile):
    gbk_shapefile.with_suffix(".prj").unlink()
    with pytest.raises(InputError) as info:
        read_layers(gbk_shapefile, crs="EPSG:99999999")
    assert gbk_shapefile.name in str(info.value) and "EPSG:99999999" in str(info.value)


def test_empty_layer(tmp_path):
    path = tmp_path / "empty.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": []}))
    with pytest.raises(InputError) as info:
        read_layers(path)
    assert "empty.geojson" in str(info.value) and "empty" in info.value.problem


def test_features_without_geometry_are_skipped_with_a_warning(tmp_path):
    path = tmp_path / "partial.geojson"
    features = [
        {"type": "Feature", "properties": {"id": "A"}, "geometry": {"type": "Point", "coordinates": [114.3, 30.6]}},
        {"type": "Feature", "properties": {"id": "B"}, "geometry": None},
    ]
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    with pytest.warns(ConsoleWarning, match="partial.geojson.*skipped 1 feature"):
        (layer,) = read_layers(path)
    assert layer.frame["id"].tolist() == ["A"]
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features[1:]}))
    with pytest.raises(InputError, match="partial.geojson: layer 'partial' has no usable geometry"):
        read_layers(path)


def test_csv_without_coordinate_columns_lists_the_columns(tmp_path):
    path = tmp_path / "sensors.csv"
    path.write_text("id,name,east,north\nGAS-00001,阀门井,1,2\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        read_layers(path)
    message = str(info.value)
    assert "sensors.csv" in message and "longitude" in message
    assert "id, name, east, north" in message


def test_csv_non_numeric_coordinate_names_the_line(tmp_path):
    path = tmp_path / "sensors.csv"
    path.write_text("id,lon,lat\nA,114.1,30.1\nB,114.2,north\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        read_layers(path)
    assert str(info.value).startswith(f"{path}:3:")
    assert "'north'" in str(info.value)


def test_geographic_coordinates_out_of_range(tmp_path):
    path = tmp_path / "swapped.csv"
    path.write_text("lon,lat\n30.6,114.3\n", encoding="utf-8")  # columns swapped
    with pytest.raises(InputError) as info:
        read_layers(path)
    message = str(info.value)
    assert "swapped.csv" in message and "out of range" in message and "EPSG:4326" in message


def test_projected_data_under_geographic_prj_is_out_of_range(tmp_path):
    gk = gpd.GeoDataFrame({"n": [1]}, geometry=[shapely.Point(500_000.0, 3_386_000.0)], crs="EPSG:4490")
    path = tmp_path / "mislabelled.gpkg"
    gk.to_file(path, engine="pyogrio")
    with pytest.raises(InputError, match="out of range for the geographic CRS EPSG:4490"):
        read_layers(path)


def test_no_gdal_traceback_for_unsupported_suffix(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("hello")
    with pytest.raises(InputError, match="unsupported file type '.txt'"):
        read_layers(path)


# --- describe -------------------------------------------------------------------


def test_describe_reports_without_reprojecting(gbk_shapefile):
    gbk_shapefile.with_suffix(".cpg").unlink()
    (info,) = describe(gbk_shapefile)
    assert info["name"] == "gbk_points"
    assert info["feature_count"] == 3
    assert info["geometry_type"] == "Point"
    assert info["crs"] == "EPSG:4490"
    assert info["fields"] == ["district", "owner", "n"]
    assert info["first_feature"] == {"district": DISTRICTS[0], "owner": OWNERS[0], "n": 1}
    json.dumps(info, ensure_ascii=False)  # JSON-able throughout


# --- shared real data -------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "count", "first_district", "inside"),
    [
        ("datav_420100_wuhan_districts.geojson", 13, "江岸区", (114.30, 30.60)),
        ("datav_440300_shenzhen_districts.geojson", 9, "罗湖区", (114.12, 22.55)),
    ],
)
def test_real_city_district_geojson(realdata, name, count, first_district, inside):
    (layer,) = read_layers(realdata / "gis" / name)
    assert layer.kind is GeometryKind.POLYGON
    assert len(layer) == count
    assert layer.frame["name"].iloc[0] == first_district
    assert all(isinstance(v, str) and v.endswith("区") for v in layer.frame["name"])
    min_x, min_y, max_x, max_y = layer.bounds
    x, y = mercator_of(*inside)[0]
    assert min_x < x < max_x and min_y < y < max_y


def test_real_china_country_shapefile_utf8_cpg(realdata):
    path = realdata / "gis" / "china-country-shp" / "country.shp"
    (layer,) = read_layers(path, gcj02=True)
    assert layer.frame["cn_name"].tolist() == ["中华人民共和国"]
    assert layer.kind is GeometryKind.POLYGON
    x, y = mercator_of(116.39, 39.91)[0]  # Beijing lies inside
    assert layer.frame.geometry.iloc[0].contains(shapely.Point(x, y))
