"""``console info`` through the real command line entry point."""

from __future__ import annotations

import json

import geopandas as gpd
import shapely

from console.cli import main
from tests.geo.conftest import DISTRICTS, OWNERS


def test_info_text_lists_layer_details(gbk_shapefile, capsys):
    gbk_shapefile.with_suffix(".cpg").unlink()  # the encoding must be detected
    assert main(["info", str(gbk_shapefile)]) == 0
    out = capsys.readouterr().out
    assert "layer:    gbk_points" in out
    assert "crs:      EPSG:4490" in out
    assert "geometry: Point" in out
    assert "features: 3" in out
    assert "fields:   district, owner, n" in out
    assert f"district  {DISTRICTS[0]}" in out
    assert f"owner     {OWNERS[0]}" in out


def test_info_json_with_explicit_encoding(gbk_shapefile, capsys):
    gbk_shapefile.with_suffix(".cpg").write_text("UTF-8")  # wrong; --encoding must win
    assert main(["info", str(gbk_shapefile), "--encoding", "GBK", "--json"]) == 0
    out = capsys.readouterr().out
    assert "江岸区" in out  # ensure_ascii=False: Chinese printed as is
    report = json.loads(out)
    (layer,) = report["layers"]
    assert layer["feature_count"] == 3
    assert layer["fields"] == ["district", "owner", "n"]
    assert layer["first_feature"] == {"district": DISTRICTS[0], "owner": OWNERS[0], "n": 1}


def test_info_one_geopackage_layer(tmp_path, chinese_points, capsys):
    path = tmp_path / "city.gpkg"
    chinese_points.to_file(path, layer="sensors", engine="pyogrio")
    gpd.GeoDataFrame(
        {"name": ["长江"]}, geometry=[shapely.LineString([(114.2, 30.5), (114.4, 30.7)])], crs="EPSG:4490"
    ).to_file(path, layer="rivers", engine="pyogrio")
    assert main(["info", str(path), "--json"]) == 0
    assert [layer["name"] for layer in json.loads(capsys.readouterr().out)["layers"]] == ["sensors", "rivers"]
    assert main(["info", str(path), "--layer", "rivers", "--json"]) == 0
    (rivers,) = json.loads(capsys.readouterr().out)["layers"]
    assert rivers["geometry_type"] == "LineString" and rivers["first_feature"] == {"name": "长江"}


def test_info_on_corrupt_file_exits_2_with_a_clear_message(tmp_path, capsys):
    path = tmp_path / "junk.gpkg"
    path.write_bytes(b"\x00\x01garbage" * 300)
    assert main(["info", str(path)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert str(path) in captured.err and "cannot be read as GeoPackage" in captured.err
    assert "Traceback" not in captured.err


def test_info_on_missing_layer_exits_2(tmp_path, chinese_points, capsys):
    path = tmp_path / "city.gpkg"
    chinese_points.to_file(path, layer="sensors", engine="pyogrio")
    assert main(["info", str(path), "--layer", "pipes"]) == 2
    assert "no layer named 'pipes'; the layers are: sensors" in capsys.readouterr().err


def test_info_on_real_wuhan_districts(realdata, capsys):
    assert main(["info", str(realdata / "gis" / "datav_420100_wuhan_districts.geojson"), "--json"]) == 0
    (layer,) = json.loads(capsys.readouterr().out)["layers"]
    assert layer["feature_count"] == 13
    assert layer["first_feature"]["name"] == "江岸区"
    assert layer["first_feature"]["parent"] == {"adcode": 420100}


def test_info_on_gbk_csv(tmp_path, capsys):
    path = tmp_path / "hydrants.csv"
    path.write_bytes("名称,经度,纬度\n消防栓甲,114.3,30.6\n消防栓乙,114.4,30.5\n".encode("gbk"))
    assert main(["info", str(path), "--json"]) == 0
    (layer,) = json.loads(capsys.readouterr().out)["layers"]
    assert (layer["driver"], layer["encoding"], layer["feature_count"]) == ("CSV", "GBK", 2)
    assert layer["first_feature"] == {"名称": "消防栓甲", "经度": 114.3, "纬度": 30.6}
