"""The layer catalog: a full catalog loads with its styles and flags; each mistake names its key."""

from __future__ import annotations

import time

import geopandas as gpd
import numpy as np
import pytest
import shapely

from console.errors import InputError
from console.geo.catalog import SENSOR_CATEGORIES, load_catalog
from console.geo.tiles import MBTilesSource
from console.model.layer import GeometryKind

SENSORS = {
    "id": ["GAS-00001", "RG-00002", "HZT-00003"],
    "name": ["燃气阀门井1", "雨量站2", "储罐温度3"],
    "category": ["gas", "rainfall", "hazmat"],
    "quantity": ["gas_lel", "rain_1h", "tank_temperature"],
    "unit": ["%LEL", "mm", "°C"],
    "district": ["江岸区", "武昌区", "青山区"],
    "owner": ["燃气集团", "水务局", "应急管理局"],
}

CATALOG = """
title = "Demo city"
title_zh = "示范市"
crs = "EPSG:4490"

[[groups]]
id = "base"
title = "Base"
title_zh = "底图要素"

[[groups]]
id = "lifeline"
title = "Lifeline"
title_zh = "生命线"

[[layers]]
name = "districts"
title = "Districts"
title_zh = "行政区"
group = "base"
source = "city.gpkg"
layer = "districts"
opacity = 0.5
[layers.style]
fill = "#E8EEF2"
stroke = "#7A8A99"
width = 1.2
label = "name"
label_max_resolution_m = 80

[[layers]]
name = "sensors"
title = "Sensors"
title_zh = "监测点"
group = "lifeline"
source = "city.gpkg"
layer = "sensors"
sensors = true
visible = false
[layers.style]
marker = "circle"
size = 7
classify = "category"
[layers.style.classes.gas]
fill = "#F28C28"

[[layers]]
name = "gauges"
source = "gauges.csv"
x_field = "E"
y_field = "N"
crs = "EPSG:4547"

[[basemaps]]
name = "world"
title = "World"
title_zh = "世界底图"
mbtiles = "world.mbtiles"
gcj02 = true
opacity = 0.8
"""


def write_city(folder, sensors: dict | None = None):
    """A small city: districts (polygons) and sensors (points) in one GeoPackage, a CSV, an MBTiles."""
    gpkg = folder / "city.gpkg"
    districts = gpd.GeoDataFrame(
        {"name": ["江岸区", "武昌区"]},
        geometry=[shapely.box(114.25, 30.55, 114.35, 30.65), shapely.box(114.28, 30.50, 114.38, 30.55)],
        crs="EPSG:4490",
    )
    districts.to_file(gpkg, layer="districts", engine="pyogrio")
    data = sensors if sensors is not None else SENSORS
    points = gpd.GeoDataFrame(
        data, geometry=shapely.points(np.linspace(114.26, 114.36, len(data["id"])), 30.6), crs="EPSG:4490"
    )
    points.to_file(gpkg, layer="sensors", engine="pyogrio")
    (folder / "gauges.csv").write_text("id,E,N\nWL-00001,500000,3386000\n", encoding="utf-8")
    write_mbtiles(folder / "world.mbtiles")


def write_mbtiles(path):
    import sqlite3

    png = b"\x89PNG\r\n\x1a\n" + b"\0" * 16
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE metadata (name text, value text)")
        db.execute("CREATE TABLE tiles (zoom_level integer, tile_column integer, tile_row integer, tile_data blob)")
        db.executemany("INSERT INTO metadata VALUES (?, ?)", [("format", "png"), ("minzoom", "0"), ("maxzoom", "0")])
        db.execute("INSERT INTO tiles VALUES (0, 0, 0, ?)", (png,))
    return path


@pytest.fixture
def city(tmp_path):
    write_city(tmp_path)
    (tmp_path / "catalog.toml").write_text(CATALOG, encoding="utf-8")
    return tmp_path / "catalog.toml"


def edited(path, old: str, new: str):
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def test_catalog_parses_groups_entries_and_basemaps(city):
    catalog = load_catalog(city)
    assert (catalog.title, catalog.title_zh, catalog.crs) == ("Demo city", "示范市", "EPSG:4490")
    assert [(g.id, g.title_zh) for g in catalog.groups] == [("base", "底图要素"), ("lifeline", "生命线")]
    assert [e.name for e in catalog.layers] == ["districts", "sensors", "gauges"]
    assert catalog.layers[0].source == city.parent / "city.gpkg"
    assert catalog.layers[0].style.symbol.fill == "#E8EEF2"
    assert catalog.layers[0].style.label_max_resolution_m == 80
    assert catalog.layers[1].style.classes["gas"].fill == "#F28C28"
    assert catalog.layers[1].style.classes["gas"].size == 7  # classes inherit the layer symbol
    assert catalog.layers[2].crs == "EPSG:4547"
    (basemap,) = catalog.basemaps
    assert (basemap.name, basemap.title_zh, basemap.gcj02, basemap.opacity) == ("world", "世界底图", True, 0.8)
    source = basemap.open_source()
    assert isinstance(source, MBTilesSource) and source.gcj02
    assert source.get_tile(0, 0, 0).startswith(b"\x89PNG")
    source.close()


def test_load_layers_sets_names_titles_groups_styles_and_flags(city):
    layers = load_catalog(city).load_layers()
    by_name = {layer.name: layer for layer in layers}
    assert list(by_name) == ["districts", "sensors", "gauges"]
    districts, sensors, gauges = by_name["districts"], by_name["sensors"], by_name["gauges"]
    assert (districts.kind, districts.title_zh, districts.group, districts.opacity) == (
        GeometryKind.POLYGON, "行政区", "base", 0.5,
    )
    assert districts.style.symbol.stroke == "#7A8A99" and districts.style.label == "name"
    assert districts.visible and not districts.is_sensor_layer
    assert sensors.is_sensor_layer and not sensors.visible
    assert sensors.frame["owner"].tolist() == SENSORS["owner"]
    assert sensors.style.symbol_for("gas").fill == "#F28C28"
    assert gauges.title == "gauges" and gauges.group == "" and gauges.source_crs == "EPSG:4547"


def test_layer_style_objects_are_not_shared_between_loads(city):
    catalog = load_catalog(city)
    first = catalog.load_layers()[0]
    second = catalog.load_layers()[0]
    first.style.classes["x"] = first.style.symbol
    assert "x" not in second.style.classes


@pytest.mark.parametrize(
    ("old", "new", "key", "problem"),
    [
        ('opacity = 0.5\n', 'opacity = 0.5\ncolour = "red"\n', "layers[0].colour", "unknown key"),
        ('fill = "#E8EEF2"', 'fill = "#E8EEG2"', "layers[0].style", "fill '#E8EEG2' is not a colour"),
        ('fill = "#F28C28"', 'fill = "orange"', "layers[1].style.classes.gas", "fill 'orange' is not a colour"),
        ('width = 1.2', 'width = "thick"', "layers[0].style.width", "expected a number"),
        ('marker = "circle"', 'marker = "blob"', "layers[1].style", "marker 'blob'"),
        ('group = "lifeline"', 'group = "flood"', "layers[1].group", "'flood' is not declared"),
        ('source = "gauges.csv"', 'source = "gone.csv"', "layers[2].source", "'gone.csv' not found"),
        ('crs = "EPSG:4547"', 'crs = "EPSG:0"', "layers[2].crs", "unknown CRS 'EPSG:0'"),
        ('visible = false', 'visible = "no"', "layers[1].visible", "expected true or false"),
        ('opacity = 0.5', 'opacity = 5', "layers[0].opacity", "not between 0 and 1"),
        ('title = "Demo city"', 'title = "Demo city"\nzoom = 3', "zoom", "unknown key"),
        ('id = "base"\ntitle = "Base"', 'id = "base"\nname = "Base"', "groups[0].name", "unknown key"),
        ('mbtiles = "world.mbtiles"', 'mbtiles = "none.mbtiles"', "basemaps[0].mbtiles", "not found"),
        ('mbtiles = "world.mbtiles"', 'url = "ftp://tiles"', "basemaps[0].url", "must be http(s)"),
        ('name = "gauges"', 'name = "sensors"', "layers[2].name", "used twice"),
        ('name = "gauges"\n', '', "layers[2].name", "required key is missing"),
    ],
)
def test_catalog_mistakes_name_the_file_and_key(city, old, new, key, problem):
    edited(city, old, new)
    with pytest.raises(InputError) as info:
        load_catalog(city)
    message = str(info.value)
    assert message.startswith(f"{city}: {key}: "), message
    assert problem in message


def test_invalid_toml_names_the_file_and_line(city):
    edited(city, 'title = "Demo city"', 'title = "Demo city')
    with pytest.raises(InputError) as info:
        load_catalog(city)
    assert str(city) in str(info.value) and "not valid TOML" in str(info.value) and "line 2" in str(info.value)


def test_missing_catalog(tmp_path):
    with pytest.raises(InputError, match="catalog file not found"):
        load_catalog(tmp_path / "catalog.toml")


def test_source_problem_names_catalog_entry_and_data_file(city):
    edited(city, 'layer = "districts"', 'layer = "roads"')
    catalog = load_catalog(city)
    with pytest.raises(InputError) as info:
        catalog.load_layers()
    message = str(info.value)
    assert message.startswith(f"{city}: layers[0]: ")
    assert "city.gpkg" in message and "'roads'" in message and "districts, sensors" in message


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (lambda d: d.pop("owner"), "lacks required field(s) owner"),
        (lambda d: d["category"].__setitem__(1, "earthquake"), "unknown value 'earthquake' (sensor RG-00002)"),
        (lambda d: d["id"].__setitem__(2, "GAS-00001"), "duplicate ids: GAS-00001"),
    ],
)
def test_bad_sensor_layer_names_layer_and_field(tmp_path, change, problem):
    sensors = {key: list(values) for key, values in SENSORS.items()}
    change(sensors)
    write_city(tmp_path, sensors)
    (tmp_path / "catalog.toml").write_text(CATALOG, encoding="utf-8")
    catalog = load_catalog(tmp_path / "catalog.toml")
    with pytest.raises(InputError) as info:
        catalog.load_layers()
    message = str(info.value)
    assert "layers[1]" in message and "'sensors'" in message
    assert problem in message


def test_demo_scale_catalog_loads_well_under_a_second(tmp_path):
    """About the demo city's size: 20,000 sensor points and 3,000 pipe lines in one GeoPackage."""
    rng = np.random.default_rng(42)
    n = 20_000
    gpkg = tmp_path / "city.gpkg"
    categories = np.array(SENSOR_CATEGORIES)[rng.integers(0, len(SENSOR_CATEGORIES), n)]
    sensors = gpd.GeoDataFrame(
        {
            "id": [f"S-{i:05d}" for i in range(n)],
            "name": [f"监测点{i}" for i in range(n)],
            "category": categories,
            "quantity": "level",
            "unit": "m",
            "district": rng.choice(["江岸区", "武昌区", "洪山区"], n),
            "owner": "应急管理局",
        },
        geometry=shapely.points(rng.uniform(113.9, 114.6, n), rng.uniform(30.3, 30.8, n)),
        crs="EPSG:4490",
    )
    sensors.to_file(gpkg, layer="sensors", engine="pyogrio")
    starts = rng.uniform([113.9, 30.3], [114.6, 30.8], (3000, 1, 2))
    pipes = gpd.GeoDataFrame(
        {"material": ["PE"] * 3000},
        geometry=shapely.linestrings(starts + np.cumsum(rng.normal(0, 0.0005, (3000, 30, 2)), axis=1)),
        crs="EPSG:4490",
    )
    pipes.to_file(gpkg, layer="pipes", engine="pyogrio")
    (tmp_path / "catalog.toml").write_text(
        '[[layers]]\nname = "pipes"\nsource = "city.gpkg"\nlayer = "pipes"\n'
        '[[layers]]\nname = "sensors"\nsource = "city.gpkg"\nlayer = "sensors"\nsensors = true\n',
        encoding="utf-8",
    )
    load_catalog(tmp_path / "catalog.toml").load_layers()  # warm imports and PROJ database
    started = time.perf_counter()
    layers = load_catalog(tmp_path / "catalog.toml").load_layers()
    elapsed = time.perf_counter() - started
    print(f"catalog load: {elapsed * 1000:.0f} ms for {sum(len(layer) for layer in layers)} features")
    assert [len(layer) for layer in layers] == [3000, n]
    assert elapsed < 1.0
