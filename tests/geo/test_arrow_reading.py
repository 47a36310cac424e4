"""Layers read through Arrow are the layers read feature by feature, Chinese text and bad text included."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pytest
import shapely

import console.geo.gdal_layers as gdal_layers
from console.errors import InputError
from console.geo.readers import read_layers
from tests.geo.conftest import DISTRICTS, OWNERS


def _read_both(monkeypatch, path, **options):
    monkeypatch.setattr(gdal_layers, "USE_ARROW", True)
    arrow = read_layers(path, **options)
    monkeypatch.setattr(gdal_layers, "USE_ARROW", False)
    features = read_layers(path, **options)
    return arrow, features


def test_arrow_reading_is_on_by_default():
    assert gdal_layers.USE_ARROW is True


def test_a_geopackage_of_several_kinds_reads_the_same_both_ways(tmp_path, chinese_points, monkeypatch):
    path = tmp_path / "city.gpkg"
    chinese_points.to_file(path, layer="sensors", engine="pyogrio")
    roads = gpd.GeoDataFrame({"name": ["解放大道", "中山大道"], "lanes": [6, 4]},
                             geometry=[shapely.LineString([(114.2, 30.5), (114.3, 30.6)]),
                                       shapely.MultiLineString([[(114.3, 30.6), (114.35, 30.62)]])],
                             crs="EPSG:4490")
    roads.to_file(path, layer="roads", engine="pyogrio")
    arrow, features = _read_both(monkeypatch, path)
    assert [layer.name for layer in arrow] == [layer.name for layer in features] == ["sensors", "roads"]
    for a, f in zip(arrow, features, strict=True):
        assert a.kind == f.kind and a.source_crs == f.source_crs
        pd.testing.assert_frame_equal(a.frame.drop(columns="geometry"), f.frame.drop(columns="geometry"))
        assert a.frame.geometry.geom_equals_exact(f.frame.geometry, 1e-9).all()
    assert arrow[0].frame["district"].tolist() == DISTRICTS
    assert arrow[1].frame["name"].tolist() == ["解放大道", "中山大道"]


@pytest.mark.parametrize("cpg", [True, False])
def test_gbk_shapefile_decodes_the_same_both_ways(gbk_shapefile, cpg, monkeypatch):
    if not cpg:
        gbk_shapefile.with_suffix(".cpg").unlink()
    arrow, features = _read_both(monkeypatch, gbk_shapefile)
    assert arrow[0].frame["owner"].tolist() == features[0].frame["owner"].tolist() == OWNERS


def test_text_that_is_not_utf8_is_named_on_the_arrow_path(tmp_path, monkeypatch):
    path = tmp_path / "bad.geojson"
    path.write_bytes(b'{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": '
                     b'{"name": "' + "江岸".encode("gbk") + b'"}, "geometry": {"type": "Point", '
                     b'"coordinates": [114.3, 30.6]}}]}')
    monkeypatch.setattr(gdal_layers, "USE_ARROW", True)
    with pytest.raises(InputError) as info:
        read_layers(path)
    assert str(info.value) == (f'{path}: text is not valid UTF-8 (invalid start byte); '
                               f'give the right encoding, e.g. encoding = "GBK"')
