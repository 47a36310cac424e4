"""Generate the demo city: ``python -m console.demo.city --out layers/demo [--seed N] [--scale F]``.

A fictional river city of about 40 x 30 km around 114.3°E 30.6°N, written as one
GeoPackage (``city.gpkg``, one layer per theme, CGCS2000 longitude/latitude,
EPSG:4490) and a layer catalog (``catalog.toml``, docs/catalog.md). The same seed
always gives the same city; ``--scale`` thins the sensors for quick test cities.
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import shapely

from console.demo import districts as district_module
from console.demo import emergency, networks, places, roads, sensors, terrain
from console.demo import names as nm
from console.demo.cartography import write_catalog
from console.demo.frame import GEOGRAPHIC_CRS, DistrictIndex, LocalFrame

DEFAULT_SEED = 20260721
CENTRE_LONLAT = (114.30, 30.60)
HAZMAT_SITES = 60
LAKES = 5
RURAL_DENSITY_PER_KM2 = 600.0
# GeoPackage timestamps are pinned so the same seed writes the same bytes.
FIXED_TIMESTAMP = "2026-01-01T00:00:00.000Z"

FACILITY_COUNTS = {"hospital": 30, "school": 150, "shelter": 60, "fire_station": 28}


@dataclass
class City:
    """The generated city, before it is written.

    Attributes
    ----------
    frame : LocalFrame
        Converts the local metres of the tables to CGCS2000 longitude/latitude.
    layers : dict of str to pandas.DataFrame
        Layer name -> attribute table with a ``geometry`` column in local metres, in drawing order.
    sensors : pandas.DataFrame
        The sensor catalog (docs/sensors.md fields) with ``lon``/``lat`` columns, already rounded.
    """

    frame: LocalFrame
    layers: dict[str, pd.DataFrame] = field(default_factory=dict)
    sensors: pd.DataFrame | None = None  # lon/lat columns instead of local geometry


def build_city(seed: int = DEFAULT_SEED, scale: float = 1.0) -> City:
    """Build the whole city in memory; ``scale`` (0-1] keeps that share of the sensors."""

    def stream(part: int) -> np.random.Generator:
        # one independent stream per part, so changing one part leaves the others as they were
        return np.random.default_rng([seed, part])

    frame = LocalFrame(*CENTRE_LONLAT)
    city = City(frame=frame)
    outline = terrain.make_outline(stream(1))
    river = terrain.make_river(stream(2))
    tributaries = pd.DataFrame(terrain.make_tributaries(stream(3), outline, river, nm.TRIBUTARIES))
    road_frame = roads.make_road_frame(stream(4), outline, river)
    road_names = nm.NamePool(nm.STEMS, stream(5))
    main_roads = roads.make_main_roads(stream(6), outline, river, road_frame, road_names)

    avoid = shapely.union_all([river.polygon, *tributaries.geometry, *(r["geometry"] for r in main_roads)])
    lakes = terrain.place_lakes(stream(7), outline, avoid, LAKES)
    river_water = shapely.intersection(river.polygon, outline)
    water = shapely.union_all([river_water, *lakes])
    zones = places.make_hazmat_zones(stream(8), outline, river, road_frame, water)

    grid = roads.make_grid(stream(9), road_frame)
    grid_table = roads.grid_roads(road_frame, grid, water, main_roads, road_names)
    zone_road_table = roads.zone_roads(zones, road_frame, water, main_roads, road_names)
    road_table = roads.finish_roads(roads.main_road_table(main_roads).drop(columns=["kind"]), grid_table,
                                    zone_road_table)
    bridges = roads.make_bridges(stream(10), main_roads, river, outline)

    district_table = district_module.make_districts(stream(11), outline, river)
    district_index = DistrictIndex(frame, frame.geometries(district_table.geometry.to_numpy()),
                                   district_table.name_zh.to_numpy())

    # --- water
    lake_names = _lake_names(lakes, district_index, stream(12))
    water_areas = pd.DataFrame({
        "name_zh": [nm.MAIN_RIVER[0]] + [n[0] for n in lake_names],
        "name_en": [nm.MAIN_RIVER[1]] + [n[1] for n in lake_names],
        "kind": ["river"] + ["lake"] * len(lakes),
        "geometry": [river_water, *lakes],
    })
    water_areas["area_km2"] = np.round(shapely.area(water_areas.geometry.to_numpy()) / 1e6, 2)
    main_line = max(shapely.get_parts(shapely.intersection(shapely.LineString(river.centre), outline)),
                    key=lambda g: g.length)
    river_lines = pd.concat([pd.DataFrame([{"name_zh": nm.MAIN_RIVER[0], "name_en": nm.MAIN_RIVER[1],
                                            "class": "main", "geometry": main_line}]), tributaries],
                            ignore_index=True)

    # --- networks under the roads
    mid = shapely.get_coordinates(shapely.line_interpolate_point(road_table.geometry.to_numpy(), 0.5,
                                                                 normalized=True))
    shapely.prepare(road_frame.urban)
    zone_union = shapely.union_all(zones)
    shapely.prepare(zone_union)
    served = shapely.contains_xy(road_frame.urban, mid[:, 0], mid[:, 1]) | shapely.contains_xy(
        zone_union, mid[:, 0], mid[:, 1])
    cls = road_table["class"].to_numpy()
    from_river = np.abs(mid[:, 1] - river.centre_y(mid[:, 0])) * np.cos(river.axis_angle)
    north = (river.side(mid[:, 0], mid[:, 1]) > 0) & (from_river > 1000.0)
    selections = {
        "gas": (cls == "arterial") | served,
        "water": (cls == "arterial") | served,
        "drainage": served,
        "heating": served & north & shapely.contains_xy(road_frame.urban, mid[:, 0], mid[:, 1]),
    }
    pipes = {}
    for k, (network, spec) in enumerate(networks.PIPES.items()):
        pipes[network] = networks.make_pipes(stream(20 + k), spec, road_table[selections[network]], water,
                                             district_index)
    valves = networks.make_valves(pipes, district_index)
    power = networks.make_power_cables(stream(25), road_table[served | (cls == "arterial")], water, district_index)
    tunnels = networks.make_utility_tunnels(stream(26), main_roads, road_frame.core.buffer(1500.0), water,
                                            district_index)

    # --- blocks, facilities, metro, hazardous chemicals, pumping stations
    obstacles = shapely.union_all([
        shapely.union_all([r["geometry"] for r in main_roads]).buffer(30.0),
        water.buffer(40.0), zone_union.buffer(150.0),
        shapely.union_all(tributaries.geometry.to_numpy()).buffer(40.0),
    ])
    blocks, is_residential, in_core = places.make_blocks(stream(30), road_frame, grid, obstacles)
    residential = places.make_residential(stream(31), blocks[is_residential], in_core[is_residential],
                                          district_index)
    metro_lines, stations = places.make_metro(stream(33), main_roads, road_frame, outline, road_table)
    facilities = places.make_facilities(
        stream(34), blocks[~is_residential], in_core[~is_residential], road_table, stations, district_index,
        list(zip(district_table.name_zh, district_table.name_en, strict=True)), FACILITY_COUNTS)
    hazmat_sites, tanks = places.make_hazmat(stream(35), zones, road_table, district_index, road_frame,
                                             HAZMAT_SITES)
    pump_stations = places.make_pump_stations(stream(36), river, road_frame, district_index)
    at_risk, responders = emergency.split_facilities(facilities)
    resources = emergency.make_resources(stream(38), responders, at_risk[at_risk.kind == "hospital"], road_table,
                                         pump_stations, road_frame.urban, district_index)
    facilities = emergency.facility_table(at_risk, emergency.elderly_care(stream(37), residential, district_index))
    residential = residential.assign(kind="residential", people=residential.population)

    district_table["population"] = _district_population(district_table, residential, road_frame.urban)
    district_table = district_table[["name_zh", "name_en", "code", "population", "area_km2", "geometry"]]

    # --- sensors
    land = shapely.difference(outline, water)
    shapely.prepare(land)
    counts = sensors.COUNTS
    placed = [
        sensors.on_pipes(stream(40), "gas_lel", pipes["gas"], counts["gas_lel"], land, lateral_m=(3.0, 15.0),
                         label=("", "")),
        sensors.on_pipes(stream(41), "gas_pressure", pipes["gas"], counts["gas_pressure"], land,
                         label=("燃气压力", "gas pressure")),
        sensors.on_pipes(stream(42), "water_pressure", pipes["water"], counts["water_pressure"], land,
                         label=("供水压力", "water pressure")),
        sensors.on_pipes(stream(43), "pipe_fill", pipes["drainage"], counts["pipe_fill"], land,
                         label=("排水管充满度", "drain fill")),
        *sensors.on_bridges(stream(44), bridges, counts["bridge"]),
        sensors.on_pipes(stream(45), "heating_pressure", pipes["heating"], counts["heating_pressure"], land,
                         label=("供热管网压力", "heating pressure")),
        sensors.on_pipes(stream(46), "cable_temperature", power, counts["cable_temperature"], land,
                         label=("电缆接头测温", "cable joint temperature")),
        *sensors.in_tunnels(stream(47), tunnels, counts["tunnel"]),
        sensors.rain_gauges(stream(48), land, counts["rain_1h"], road_table),
        sensors.river_gauges(stream(49), river, outline, tributaries, counts["river_level_main"],
                             counts["river_level_tributary"]),
        sensors.waterlogging_points(stream(50), road_table, road_frame.urban, water, counts["depth"]),
        *sensors.at_tanks(stream(51), hazmat_sites, tanks, counts["hazmat"]),
    ]
    city.sensors = sensors.subsample(sensors.assemble(placed, district_index), scale, stream(52))

    # The layers of the networks the impact analysis traces: cut where they meet, a valve on
    # each branch (nothing above moves, so the sensors stand where they did and the bundled
    # feeds still fit them).
    mains, network_valves = {}, {}
    for network, prefix, name in (("gas", "GM", "gas"), ("water", "WM", "water_supply")):
        mains[network] = networks.noded_pipes(pipes[network], prefix)
        own = valves[valves.network == network].assign(network=name)
        tees = networks.tee_valves(mains[network], name, "GV" if network == "gas" else "WV", len(own) + 1,
                                   district_index)
        network_valves[network] = pd.concat([own, tees], ignore_index=True)

    city.layers = {
        "districts": district_table,
        "water_areas": water_areas,
        "industrial_parks": places.zone_table(zones, district_index),
        "residential": residential,
        "rivers": river_lines,
        "roads": roads.split_at_crossings(road_table),  # a network: cut where streets cross
        "bridges": bridges,
        "metro_lines": metro_lines,
        "utility_tunnels": tunnels,
        "heating_mains": pipes["heating"],
        "drainage_lines": pipes["drainage"],
        "water_mains": mains["water"],
        "gas_mains": mains["gas"],
        "power_cables": power,
        "gas_valves": network_valves["gas"],
        "water_valves": network_valves["water"],
        "pump_stations": pump_stations,
        "facilities": facilities,
        "resources": resources,
        "hazmat_sites": hazmat_sites,
        "tanks": tanks,
    }
    return city


def _lake_names(lakes, district_index: DistrictIndex, rng) -> list[tuple[str, str]]:
    """A lake in a district named after a lake (东湖区...) takes that name; others take pool names."""
    pool = iter([nm.LAKES[i] for i in rng.permutation(len(nm.LAKES))])
    centres = shapely.get_coordinates(shapely.point_on_surface(np.asarray(lakes, dtype=object)))
    holders = district_index.name_of(centres[:, 0], centres[:, 1]) if len(lakes) else []
    pinyin = {zh: en for zh, en, _ in nm.DISTRICTS}
    used, out = set(), []
    for district in holders:
        short = nm.short_district(district)
        if short.endswith("湖") and short not in used:
            used.add(short)
            out.append((short, f"{pinyin[district]} Lake"))
        else:
            out.append(next(pool))
    return out


def _district_population(districts: pd.DataFrame, residential: pd.DataFrame, urban) -> np.ndarray:
    """People in each district: its residential blocks plus a rural density outside the urban area."""
    in_blocks = residential.groupby("district")["population"].sum()
    rural_km2 = shapely.area(shapely.difference(districts.geometry.to_numpy(), urban)) / 1e6
    rural = rural_km2 * RURAL_DENSITY_PER_KM2
    total = districts.name_zh.map(in_blocks).fillna(0).to_numpy() + rural
    return (np.round(total / 100.0) * 100).astype(np.int64)


def write_city(city: City, out_dir: Path) -> dict[str, int]:
    """Write ``city.gpkg`` and ``catalog.toml`` into ``out_dir``; returns feature counts per layer."""
    import geopandas
    import pyogrio

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / "city.gpkg"
    path.unlink(missing_ok=True)
    pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": FIXED_TIMESTAMP})
    counts = {}
    for name, table in city.layers.items():
        geometry = city.frame.geometries(table.geometry.to_numpy())
        frame = geopandas.GeoDataFrame(table.drop(columns=["geometry"]), geometry=geometry, crs=GEOGRAPHIC_CRS)
        kinds = set(shapely.get_type_id(geometry).tolist())
        pyogrio.write_dataframe(frame, path, layer=name, driver="GPKG", promote_to_multi=bool(kinds & {3, 6}))
        counts[name] = len(frame)
    sensor_table = city.sensors
    frame = geopandas.GeoDataFrame(sensor_table.drop(columns=["lon", "lat"]),
                                   geometry=shapely.points(sensor_table.lon, sensor_table.lat), crs=GEOGRAPHIC_CRS)
    pyogrio.write_dataframe(frame, path, layer="sensors", driver="GPKG")
    counts["sensors"] = len(frame)
    write_catalog(out_dir / "catalog.toml", list(city.layers["districts"].name_zh),
                  list(city.layers["metro_lines"].line))
    return counts


def generate(out_dir: Path, seed: int = DEFAULT_SEED, scale: float = 1.0) -> dict[str, int]:
    """Build and write the city; returns feature counts per layer."""
    return write_city(build_city(seed=seed, scale=scale), out_dir)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m console.demo.city", description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True, help="output folder (city.gpkg, catalog.toml)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help=f"random seed (default {DEFAULT_SEED})")
    parser.add_argument("--scale", type=float, default=1.0,
                        help="share of the sensors to keep, in (0, 1] (default 1: about 20,000)")
    args = parser.parse_args(argv)
    if not 0.0 < args.scale <= 1.0:
        parser.error(f"--scale must be in (0, 1], not {args.scale}")
    started = time.perf_counter()
    counts = generate(args.out, seed=args.seed, scale=args.scale)
    seconds = time.perf_counter() - started
    for name, count in counts.items():
        print(f"{name:16s} {count:7d}")
    sizes = {p.name: p.stat().st_size for p in sorted(Path(args.out).iterdir()) if p.is_file()}
    for name, size in sizes.items():
        print(f"{name:16s} {size / 1e6:7.2f} MB")
    print(f"seed {args.seed}, scale {args.scale}: {sum(counts.values())} features in {seconds:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
