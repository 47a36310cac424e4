"""UI fixtures: small real layers built in memory and a map renderer."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import shapely

from console.model.layer import GeometryKind, VectorLayer
from console.model.style import LayerStyle

DISTRICT_FILL = "#88AA44"


def make_layer(name, kind, geometries, style: dict, **columns) -> VectorLayer:
    frame = gpd.GeoDataFrame(columns, geometry=list(geometries), crs="EPSG:3857")
    return VectorLayer(name, kind, frame, f"{name}.test", "EPSG:3857", title=name,
                       style=LayerStyle.from_dict(style))


@pytest.fixture
def districts() -> VectorLayer:
    """Two square districts side by side, 10 km each, names in Chinese."""
    squares = [shapely.box(0, 0, 10_000, 10_000), shapely.box(10_000, 0, 20_000, 10_000)]
    return make_layer("districts", GeometryKind.POLYGON, squares,
                      {"fill": DISTRICT_FILL, "stroke": "#333333", "width": 1.0, "label": "name_zh"},
                      name_zh=["江北区", "滨江区"], code=["420102", "420103"])


@pytest.fixture
def sensors() -> VectorLayer:
    rng = np.random.default_rng(7)
    xy = rng.uniform(1_000, 19_000, size=(500, 2))
    return make_layer("sensors", GeometryKind.POINT, shapely.points(xy),
                      {"fill": "#3A7D7C", "stroke": "#1F3F3E", "marker": "circle", "size": 7},
                      id=[f"GAS-{i:05d}" for i in range(500)])
