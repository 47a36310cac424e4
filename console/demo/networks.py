"""Underground networks of the demo city: pipes that follow the roads, valves, cables, tunnels.

Each pipe network runs a few metres to one side of the road centreline (gas on the
left, water on the right, drainage near the middle), so the networks never sit on
top of each other. Pipes stop at the water's edge.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import shapely
from shapely.ops import substring

from console.demo.frame import DistrictIndex
from console.demo.shapes import line_parts, points_spaced

TUNNEL_MAX_M = 10_000.0


@dataclass(frozen=True)
class PipeSpec:
    """How one network follows the roads: offset and, per road class, sizes and materials."""

    layer: str
    prefix: str
    offset_m: float  # + left of the road's direction, - right
    by_class: dict  # road class -> (diameters mm, pressure class, materials)


PIPES = {
    "gas": PipeSpec("gas_mains", "GM", 6.0, {
        "arterial": ((300, 400, 500), "medium_a", ("steel",)),
        "secondary": ((200, 250, 300), "medium_b", ("steel", "PE")),
        "local": ((110, 160, 200), "low", ("PE",)),
    }),
    "water": PipeSpec("water_mains", "WM", -6.0, {
        "arterial": ((600, 800, 1000), "transmission", ("ductile_iron", "steel")),
        "secondary": ((300, 400, 500), "distribution", ("ductile_iron",)),
        "local": ((150, 200), "distribution", ("ductile_iron", "PE")),
    }),
    "drainage": PipeSpec("drainage_lines", "DL", 1.5, {
        "arterial": ((1200, 1500, 1800), "gravity", ("reinforced_concrete",)),
        "secondary": ((800, 1000, 1200), "gravity", ("reinforced_concrete",)),
        "local": ((400, 500, 600), "gravity", ("HDPE", "reinforced_concrete")),
    }),
    "heating": PipeSpec("heating_mains", "HM", -10.0, {
        "arterial": ((500, 600, 700), "primary", ("steel",)),
        "secondary": ((250, 300, 400), "secondary", ("steel",)),
    }),
}


def make_pipes(rng: np.random.Generator, spec: PipeSpec, roads: pd.DataFrame, water,
               districts: DistrictIndex) -> pd.DataFrame:
    """Pipes under the given roads (one per road piece, minus any part in water)."""
    roads = roads[roads["class"].isin(list(spec.by_class))].reset_index(drop=True)
    lines = shapely.offset_curve(roads.geometry.to_numpy(), spec.offset_m)
    shapely.prepare(water)
    wet = shapely.intersects(water, lines)
    lines[wet] = shapely.difference(lines[wet], water)
    lines, source = line_parts(lines)
    keep = shapely.length(lines) >= 20.0
    lines, source = lines[keep], source[keep]
    road_class = roads["class"].to_numpy()[source]
    diameter = np.zeros(len(lines), dtype=np.int64)
    pressure = np.empty(len(lines), dtype=object)
    material = np.empty(len(lines), dtype=object)
    for cls, (diameters, pressure_class, materials) in spec.by_class.items():
        rows = np.flatnonzero(road_class == cls)
        diameter[rows] = rng.choice(diameters, len(rows))
        pressure[rows] = pressure_class
        material[rows] = rng.choice(materials, len(rows))
    mid = shapely.get_coordinates(shapely.line_interpolate_point(lines, 0.5, normalized=True))
    return pd.DataFrame({
        "pipe_id": [f"{spec.prefix}-{i:05d}" for i in range(1, len(lines) + 1)],
        "diameter_mm": diameter,
        "pressure_class": pressure,
        "material": material,
        "district": districts.name_of(mid[:, 0], mid[:, 1]),
        "road_zh": roads["name_zh"].to_numpy()[source],
        "road_en": roads["name_en"].to_numpy()[source],
        "geometry": lines,
    })


def make_valves(networks: dict[str, pd.DataFrame], districts: DistrictIndex, spacing_m: float = 600.0
                ) -> pd.DataFrame:
    """Isolation valves on the gas and water mains: one per pipe, more on long pipes."""
    tables = []
    for network, prefix in (("gas", "GV"), ("water", "WV")):
        pipes = networks[network]
        x, y, which, _ = points_spaced(pipes.geometry.to_numpy(), spacing_m)
        tables.append(pd.DataFrame({
            "valve_id": [f"{prefix}-{i:05d}" for i in range(1, len(x) + 1)],
            "network": network,
            "pipe_id": pipes.pipe_id.to_numpy()[which],
            "district": districts.name_of(x, y),
            "geometry": shapely.points(x, y),
        }))
    return pd.concat(tables, ignore_index=True)


def make_power_cables(rng: np.random.Generator, roads: pd.DataFrame, water, districts: DistrictIndex
                      ) -> pd.DataFrame:
    """Buried power cables along the arterial roads."""
    arterials = roads[roads["class"] == "arterial"].reset_index(drop=True)
    lines = shapely.offset_curve(arterials.geometry.to_numpy(), 10.0)
    lines, source = line_parts(shapely.difference(lines, water))
    keep = shapely.length(lines) >= 50.0
    lines, source = lines[keep], source[keep]
    voltage = rng.choice([10, 110, 220], len(lines), p=[0.25, 0.6, 0.15])
    road = arterials["name_zh"].to_numpy()[source]
    mid = shapely.get_coordinates(shapely.line_interpolate_point(lines, 0.5, normalized=True))
    return pd.DataFrame({
        "cable_id": [f"PC-{i:05d}" for i in range(1, len(lines) + 1)],
        "name_zh": [f"{r}{v}kV电缆" for r, v in zip(road, voltage, strict=True)],
        "voltage_kv": voltage,
        "district": districts.name_of(mid[:, 0], mid[:, 1]),
        "road_zh": road,
        "road_en": arterials["name_en"].to_numpy()[source],
        "geometry": lines,
    })


def make_utility_tunnels(rng: np.random.Generator, main_roads: list[dict], area, water,
                         districts: DistrictIndex, count: int = 3) -> pd.DataFrame:
    """Utility tunnels under the longest stretches of avenue through ``area`` (the city core)."""
    candidates = []
    for road in main_roads:
        if road["class"] != "arterial" or road.get("kind") not in ("radial", "cross", "parallel"):
            continue
        parts, _ = line_parts([shapely.difference(shapely.intersection(road["geometry"], area), water.buffer(150.0))])
        for part in parts:
            if part.length > TUNNEL_MAX_M:  # the central stretch: tunnels are built where streets are busiest
                start = (part.length - TUNNEL_MAX_M) / 2.0
                part = substring(part, start, start + TUNNEL_MAX_M)
            candidates.append((part.length, road["name_zh"], road["name_en"], part))
    candidates.sort(key=lambda c: -c[0])
    rows, used = [], set()
    for length, zh, en, line in candidates:
        if zh in used or len(rows) == count:
            continue
        used.add(zh)
        mid = line.interpolate(0.5, normalized=True)
        rows.append({"tunnel_id": f"GL-{len(rows) + 1:02d}", "name_zh": f"{zh}综合管廊",
                     "name_en": f"{en} Utility Tunnel", "cabins": int(rng.integers(3, 5)),
                     "length_m": float(np.round(length)),
                     "district": districts.name_of([mid.x], [mid.y])[0], "geometry": line})
    return pd.DataFrame(rows)


def join_at_junctions(pipes: pd.DataFrame, roads: pd.DataFrame, tolerance_m: float = 20.0) -> pd.DataFrame:
    """Pipes that meet: the ends of the pipes under one road junction moved onto one point.

    Each pipe runs a few metres beside its road, so the pipes of two crossing roads end
    near the junction but not on one point; a network trace needs them to share an end.
    The ends within ``tolerance_m`` of a road junction move to the mean of those ends.
    """
    lines = pipes.geometry.to_numpy()
    ends = np.vstack([shapely.get_coordinates(shapely.get_point(lines, 0)),
                      shapely.get_coordinates(shapely.get_point(lines, -1))])
    road_lines = roads.geometry.to_numpy()
    nodes = np.unique(np.round(np.vstack([shapely.get_coordinates(shapely.get_point(road_lines, 0)),
                                          shapely.get_coordinates(shapely.get_point(road_lines, -1))]), 3), axis=0)
    tree = shapely.STRtree(shapely.points(nodes))
    end_idx, node_idx = tree.query_nearest(shapely.points(ends), max_distance=tolerance_m, all_matches=False)
    moved = ends.copy()
    if len(end_idx):
        sums = np.zeros((len(nodes), 2))
        np.add.at(sums, node_idx, ends[end_idx])
        counts = np.bincount(node_idx, minlength=len(nodes))
        moved[end_idx] = sums[node_idx] / counts[node_idx, None]
    n = len(lines)
    out = []
    for i, line in enumerate(lines):
        coords = shapely.get_coordinates(line)
        coords[0], coords[-1] = moved[i], moved[n + i]
        out.append(shapely.LineString(coords))
    joined = pipes.copy()
    joined["geometry"] = np.asarray(out, dtype=object)
    return joined
