"""The committed demo city: its catalog, its layers, where its sensors stand, and its generator."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import geopandas
import numpy as np
import pyogrio
import pytest
import shapely

from console.demo import city as city_module
from console.model.style import LayerStyle

REPO = Path(__file__).resolve().parents[2]
DEMO = REPO / "layers" / "demo"
CATALOG = DEMO / "catalog.toml"
GPKG = DEMO / "city.gpkg"
SENSOR_DOC = REPO / "docs" / "sensors.md"
METRIC_CRS = "EPSG:4547"  # CGCS2000 / 3-degree Gauss-Kruger CM 114E, metres
WARNING_COLOURS = {"#D7263D", "#F28C28", "#F5C518", "#1E6FD9"}
SENSOR_FIELDS = ["id", "name", "name_en", "category", "quantity", "unit", "district", "owner", "contact", "asset",
                 "th_iv", "th_iii", "th_ii", "th_i"]


def sensor_table_of_the_doc() -> list[dict]:
    """Rows of the table in docs/sensors.md: category, prefix, quantity, unit, direction."""
    rows = []
    for line in SENSOR_DOC.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) >= 5 and re.fullmatch(r"[A-Z]{2,4}", cells[1]):
            rows.append({"category": cells[0], "prefix": cells[1], "quantity": cells[2], "unit": cells[3],
                         "direction": cells[4]})
    return rows


@pytest.fixture(scope="module")
def catalog() -> dict:
    with CATALOG.open("rb") as handle:
        return tomllib.load(handle)


@pytest.fixture(scope="module")
def layers():
    cache = {}

    def read(name):
        if name not in cache:
            cache[name] = geopandas.read_file(GPKG, layer=name, engine="pyogrio")
        return cache[name]

    return read


@pytest.fixture(scope="module")
def sample():
    return np.random.default_rng(7)


# ------------------------------------------------------------------ catalog


def test_catalog_names_only_layers_that_exist_in_the_geopackage(catalog):
    present = set(pyogrio.list_layers(GPKG)[:, 0])
    named = [entry["layer"] for entry in catalog["layers"]]
    assert len(named) >= 18
    assert set(named) <= present, sorted(set(named) - present)
    for entry in catalog["layers"]:
        assert (CATALOG.parent / entry["source"]).is_file()


def test_catalog_groups_title_crs_and_sensor_layer(catalog):
    assert [g["id"] for g in catalog["groups"]] == ["hazmat", "flood", "lifeline", "facilities", "network", "base"]
    assert catalog["title_zh"] == "示范市"
    assert catalog["crs"] == "EPSG:4490"
    group_ids = {g["id"] for g in catalog["groups"]}
    assert all(entry["group"] in group_ids for entry in catalog["layers"])
    names = [entry["name"] for entry in catalog["layers"]]
    assert len(set(names)) == len(names)
    assert [e["name"] for e in catalog["layers"] if e.get("sensors")] == ["sensors"]
    # drawing order: area layers at the bottom, the sensors on top
    assert names[0] == "districts" and names[-1] == "sensors"
    assert names.index("water_areas") < names.index("roads") < names.index("gas_mains") < names.index("facilities")
    hidden = {e["name"] for e in catalog["layers"] if e.get("visible") is False}
    assert {"drainage_lines", "heating_mains", "gas_valves", "water_valves", "tanks"} <= hidden


def test_catalog_styles_are_valid_and_leave_the_warning_colours_to_warnings(catalog, layers):
    for entry in catalog["layers"]:
        style = LayerStyle.from_dict(entry["style"], source=entry["name"])  # raises on unknown keys
        colours = {style.symbol.fill, style.symbol.stroke}
        colours |= {c for symbol in style.classes.values() for c in (symbol.fill, symbol.stroke)}
        assert not {c.upper() for c in colours if c} & WARNING_COLOURS, entry["name"]
        if style.classify:
            values = set(layers(entry["layer"])[style.classify].astype(str))
            assert set(style.classes) <= values, (entry["name"], set(style.classes) - values)
    roads = next(e for e in catalog["layers"] if e["name"] == "roads")["style"]
    assert set(roads["classes"]) == {"expressway", "arterial", "secondary", "local"}
    assert roads["classes"]["expressway"]["width"] > roads["classes"]["local"]["width"]


def test_catalog_loads_with_the_console_catalog_loader():
    from console.geo.catalog import load_catalog

    layers = {layer.name: layer for layer in load_catalog(CATALOG).load_layers()}
    assert {"districts", "roads", "gas_mains", "hazmat_sites", "sensors"} <= set(layers)
    assert layers["sensors"].is_sensor_layer and len(layers["sensors"]) > 19_000
    assert not layers["drainage_lines"].visible and layers["roads"].visible


def test_committed_demo_is_under_15_mb():
    total = sum(p.stat().st_size for p in DEMO.rglob("*") if p.is_file())
    assert total < 15_000_000, f"{total / 1e6:.1f} MB"


# ------------------------------------------------------------------ base layers


def test_districts_tile_the_city_and_carry_their_attributes(layers):
    districts = layers("districts").to_crs(METRIC_CRS)
    assert 8 <= len(districts) <= 12
    assert districts.name_zh.str.endswith("区").all() and districts.name_zh.is_unique
    assert districts.code.str.fullmatch(r"\d{6}").all() and districts.code.is_unique
    assert (districts.population > 0).all()
    areas = districts.geometry.area.to_numpy()
    union = shapely.union_all(districts.geometry.to_numpy())
    assert abs(areas.sum() - union.area) / union.area < 1e-4  # no overlaps
    np.testing.assert_allclose(districts.area_km2, areas / 1e6, rtol=0.01)
    minx, miny, maxx, maxy = union.bounds
    assert 35_000 < maxx - minx < 45_000 and 25_000 < maxy - miny < 35_000


def test_roads_have_the_hierarchy_and_names(layers):
    roads = layers("roads")
    counts = roads["class"].value_counts()
    assert set(counts.index) == {"expressway", "arterial", "secondary", "local"}
    assert len(roads) < 5000
    named = roads[roads["class"] != "local"]
    assert (named.name_zh.str.len() > 0).all() and (named.name_en.str.len() > 0).all()
    assert "绕城高速" in set(roads.name_zh)


def test_bridges_cross_the_main_river(layers):
    bridges = layers("bridges").to_crs(METRIC_CRS)
    river = layers("water_areas").to_crs(METRIC_CRS)
    river = river[river.kind == "river"].geometry.iloc[0]
    assert len(bridges) >= 4
    assert bridges.geometry.intersects(river).all()
    assert (bridges.span_m > 100).all() and bridges.name_zh.is_unique


def test_hazmat_sites_have_tanks_and_grades(layers):
    sites, tanks = layers("hazmat_sites"), layers("tanks")
    assert 50 <= len(sites) <= 70
    assert set(sites.major_hazard_level) <= {1, 2, 3, 4}
    assert set(tanks.site_id) == set(sites.site_id)
    assert (tanks.capacity_m3 > 0).all() and tanks.tank_id.is_unique


# ------------------------------------------------------------------ sensors


def test_sensors_follow_docs_sensors_md(layers):
    sensors = layers("sensors")
    assert [c for c in sensors.columns if c != "geometry"] == SENSOR_FIELDS
    assert 19_000 <= len(sensors) <= 21_000
    assert sensors.id.is_unique
    doc = sensor_table_of_the_doc()
    assert len(doc) == 16
    assert set(sensors.category) == {row["category"] for row in doc}
    for row in doc:
        of_quantity = sensors[sensors.quantity == row["quantity"]]
        assert len(of_quantity) > 0, row["quantity"]
        assert set(of_quantity.category) == {row["category"]}
        assert set(of_quantity.unit) == {row["unit"]}
        assert of_quantity.id.str.fullmatch(re.escape(row["prefix"]) + r"-\d{5}").all(), row["quantity"]
    assert sensors.name.is_unique and sensors.name_en.is_unique  # an operator tells them apart by name
    assert (sensors.owner.str.len() > 0).all()
    assert sensors.contact.str.fullmatch(r"027-8\d{3}-\d{4}").all()


def test_sensor_mix_is_close_to_the_plan(layers):
    by_category = layers("sensors").category.value_counts()
    plan = {"gas": 6000, "water_supply": 3000, "drainage": 3500, "power": 2000, "heating": 1500,
            "utility_tunnel": 1000, "bridge": 600, "rainfall": 400, "water_level": 150, "waterlogging": 300,
            "hazmat": 1000}
    for category, planned in plan.items():
        assert 0.8 * planned <= by_category[category] <= 1.25 * planned, category


def test_each_sensor_lies_in_the_district_it_names(layers, sample):
    sensors, districts = layers("sensors"), layers("districts")
    rows = sample.choice(len(sensors), 400, replace=False)
    points = sensors.geometry.to_numpy()[rows]
    polygons = districts.geometry.to_numpy()
    holder = np.full(len(rows), -1)
    point_idx, poly_idx = shapely.STRtree(polygons).query(points, predicate="within")
    holder[point_idx] = poly_idx
    assert (holder >= 0).all()
    assert (districts.name_zh.to_numpy()[holder] == sensors.district.to_numpy()[rows]).all()


def nearest_distance_m(points, lines) -> np.ndarray:
    points = geopandas.GeoSeries(points, crs="EPSG:4490").to_crs(METRIC_CRS).to_numpy()
    lines = geopandas.GeoSeries(lines, crs="EPSG:4490").to_crs(METRIC_CRS).to_numpy()
    _, distance = shapely.STRtree(lines).query_nearest(points, return_distance=True, all_matches=False)
    return distance


def test_gas_sensors_stand_by_the_gas_mains(layers, sample):
    gas = layers("sensors")[lambda s: s.category == "gas"]
    rows = sample.choice(len(gas), 300, replace=False)
    distance = nearest_distance_m(gas.geometry.to_numpy()[rows], layers("gas_mains").geometry.to_numpy())
    assert distance.max() < 30.0
    pressure = gas[gas.quantity == "gas_pressure"]
    on_main = nearest_distance_m(pressure.geometry.to_numpy()[:200], layers("gas_mains").geometry.to_numpy())
    assert on_main.max() < 1.0
    assert pressure.asset.isin(set(layers("gas_mains").pipe_id)).all()


def test_bridge_sensors_are_on_the_bridge_they_name(layers):
    bridge_sensors = layers("sensors")[lambda s: s.category == "bridge"]
    bridges = layers("bridges")
    distance = nearest_distance_m(bridge_sensors.geometry.to_numpy(), bridges.geometry.to_numpy())
    assert distance.max() < 10.0
    metric = bridges.to_crs(METRIC_CRS).set_index("name_zh").geometry
    points = bridge_sensors.to_crs(METRIC_CRS)
    own = np.array([metric[a].distance(p) for a, p in zip(points.asset, points.geometry, strict=True)])
    assert own.max() < 10.0
    assert set(bridge_sensors.quantity) == {"strain", "deflection"}


def test_river_gauges_stand_in_the_rivers_with_ordered_levels(layers):
    sensors = layers("sensors")
    gauges = sensors[sensors.quantity == "river_level"].to_crs(METRIC_CRS)
    water = layers("water_areas").to_crs(METRIC_CRS)
    river = water[water.kind == "river"].geometry.iloc[0]
    tributaries = layers("rivers").to_crs(METRIC_CRS)
    tributaries = shapely.union_all(tributaries[tributaries["class"] == "tributary"].geometry.to_numpy())
    in_river = gauges.geometry.within(river)
    on_tributary = gauges.geometry.distance(tributaries) < 5.0
    assert (in_river | on_tributary).all()
    assert in_river.sum() >= 20 and on_tributary.sum() >= 20
    levels = gauges[["th_iv", "th_iii", "th_ii", "th_i"]].to_numpy()
    assert np.isfinite(levels).all()
    assert (np.diff(levels, axis=1) > 0).all()  # a "high" quantity: IV < III < II < I
    np.testing.assert_allclose(levels[:, 1] - levels[:, 0], 0.5, atol=1e-6)  # IV = warning - 0.5 m
    np.testing.assert_allclose(levels[:, 3] - levels[:, 2], 0.3, atol=1e-6)  # II = guarantee - 0.3 m
    assert ((levels[:, 0] > 2.0) & (levels[:, 3] < 15.0)).all()
    others = sensors[sensors.quantity != "river_level"][["th_iv", "th_iii", "th_ii", "th_i"]].to_numpy()
    assert np.isnan(others).all()


def test_hazmat_sensors_watch_tanks_nearby(layers):
    hazmat = layers("sensors")[lambda s: s.category == "hazmat"].to_crs(METRIC_CRS)
    tanks = layers("tanks").to_crs(METRIC_CRS).set_index("tank_id").geometry
    assert hazmat.asset.isin(set(tanks.index)).all()
    distance = np.array([tanks[a].distance(p) for a, p in zip(hazmat.asset, hazmat.geometry, strict=True)])
    assert distance.max() < 20.0


# ------------------------------------------------------------------ generator


def read_sensor_positions(folder: Path):
    frame = pyogrio.read_dataframe(folder / "city.gpkg", layer="sensors", columns=["id"])
    coords = shapely.get_coordinates(frame.geometry.to_numpy())
    return frame.id.to_numpy(), coords


def test_generator_is_deterministic_for_a_seed(tmp_path):
    first, second = tmp_path / "a", tmp_path / "b"
    assert city_module.main(["--out", str(first), "--scale", "0.1"]) == 0
    assert city_module.main(["--out", str(second), "--scale", "0.1"]) == 0
    ids_a, xy_a = read_sensor_positions(first)
    ids_b, xy_b = read_sensor_positions(second)
    assert 1500 <= len(ids_a) <= 2500
    assert (ids_a == ids_b).all()
    np.testing.assert_array_equal(xy_a, xy_b)
    assert (first / "catalog.toml").read_bytes() == (second / "catalog.toml").read_bytes()
    # the scaled sensors are a subset of the full city's, with the same ids at the same places
    full_ids, full_xy = read_sensor_positions(DEMO)
    position = dict(zip(full_ids, map(tuple, full_xy), strict=True))
    assert [position[i] for i in ids_a] == [tuple(p) for p in xy_a]


def test_another_seed_gives_another_city():
    other = city_module.build_city(seed=city_module.DEFAULT_SEED + 1, scale=0.05).sensors
    committed = dict(zip(*read_sensor_positions(DEMO), strict=True))
    moved = [not np.array_equal(committed[i], xy) for i, xy in zip(other.id, other[["lon", "lat"]].to_numpy(),
                                                                   strict=True) if i in committed]
    assert np.mean(moved) > 0.95


def test_scale_outside_zero_to_one_is_refused(tmp_path, capsys):
    with pytest.raises(SystemExit) as exit_info:
        city_module.main(["--out", str(tmp_path), "--scale", "0"])
    assert exit_info.value.code == 2
    assert "--scale must be in (0, 1]" in capsys.readouterr().err
