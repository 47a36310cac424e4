"""Point layers read straight into coordinate arrays agree with the GeoDataFrame path."""

from __future__ import annotations

import warnings

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

import console.geo.gdal_layers as gdal_layers
from console import ConsoleWarning
from console.errors import InputError
from console.geo.gdal_layers import read_point_columns
from console.geo.readers import read_layers


def _points(path, geometries, crs="EPSG:4490"):
    frame = gpd.GeoDataFrame({"name": [f"点{i}" for i in range(len(geometries))],
                              "value": np.arange(len(geometries), dtype=float)},
                             geometry=geometries, crs=crs)
    frame.to_file(path, layer="points", engine="pyogrio")
    return path


def test_a_point_geopackage_is_read_as_arrays_without_a_frame(tmp_path, monkeypatch):
    path = _points(tmp_path / "p.gpkg", shapely.points([114.1, 114.2, 114.3], [30.5, 30.6, 30.7]))
    [layer] = read_layers(path)
    assert layer._frame is None  # nothing built for drawing
    assert layer.columns == ["name", "value"] and len(layer) == 3
    monkeypatch.setattr(gdal_layers, "USE_ARROW", False)
    [reference] = read_layers(path)
    np.testing.assert_allclose(layer.xy[0], reference.xy[0])
    np.testing.assert_allclose(layer.xy[1], reference.xy[1])
    assert layer.bounds == pytest.approx(reference.bounds)
    assert layer.attributes(1) == reference.attributes(1) == {"name": "点1", "value": 1.0}
    assert layer._frame is None  # identify needs no geometry objects either
    pd.testing.assert_frame_equal(layer.frame.drop(columns="geometry"), reference.frame.drop(columns="geometry"))
    assert layer.frame.crs == reference.frame.crs
    assert shapely.equals_exact(layer.frame.geometry.values, reference.frame.geometry.values, 1e-6).all()


def test_missing_and_empty_points_are_skipped_with_the_same_warning(tmp_path):
    path = _points(tmp_path / "p.gpkg", [shapely.Point(114.1, 30.5), None, shapely.Point(), shapely.Point(114.3, 30.7)])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        [layer] = read_layers(path)
    assert [str(w.message) for w in caught if w.category is ConsoleWarning] == [
        f"{path}: layer 'points': skipped 2 feature(s) with empty, missing or mixed-collection geometry"]
    assert len(layer) == 2 and [layer.attributes(i)["name"] for i in range(2)] == ["点0", "点3"]


def test_out_of_range_longitudes_are_named_as_before(tmp_path):
    path = _points(tmp_path / "p.gpkg", shapely.points([500000.0, 500100.0], [3400000.0, 3400100.0]))
    with pytest.raises(InputError, match=r"out of range for the geographic CRS EPSG:4490"):
        read_layers(path)


def test_three_dimensional_points_take_the_frame_path(tmp_path):
    path = _points(tmp_path / "p.gpkg", shapely.points([114.1, 114.2], [30.5, 30.6], [1.0, 2.0]))
    assert read_point_columns(path, "GeoPackage", "points", None) is None
    [layer] = read_layers(path)
    assert layer.frame.geometry.has_z.sum() == 0 and len(layer) == 2
