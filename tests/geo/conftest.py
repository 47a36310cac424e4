"""Fixtures for the geo tests: small real files written with geopandas/pyogrio."""

from __future__ import annotations

import geopandas as gpd
import pytest
import shapely

# Chinese attribute values as a duty room sees them: districts and responsible units.
DISTRICTS = ["江岸区", "武昌区", "洪山区"]
OWNERS = ["应急管理局", "水务局", "燃气集团"]


@pytest.fixture
def chinese_points() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"district": DISTRICTS, "owner": OWNERS, "n": [1, 2, 3]},
        geometry=[shapely.Point(114.30, 30.60), shapely.Point(114.31, 30.55), shapely.Point(114.40, 30.50)],
        crs="EPSG:4490",
    )


@pytest.fixture
def gbk_shapefile(tmp_path, chinese_points):
    """A shapefile whose .dbf holds GBK bytes, written with its .cpg (tests remove it as needed)."""
    path = tmp_path / "gbk_points.shp"
    chinese_points.to_file(path, engine="pyogrio", encoding="GBK")
    assert path.with_suffix(".cpg").read_text().strip().upper() == "GBK"
    return path
