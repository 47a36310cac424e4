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


def noded_pipes(pipes: pd.DataFrame, prefix: str, tolerance_m: float = 15.0) -> pd.DataFrame:
    """The pipes as a network: cut where they cross, each loose end tied to the nearest pipe by a tee.

    Each pipe runs a few metres beside its road, so the pipes of two crossing roads cross
    near the junction, and a pipe of a road ending at another stops a few metres short
    of that road's pipe. The pipes are cut at their crossings; an end within
    ``tolerance_m`` of another pipe gets a short connection (a tee) to it, and that pipe
    is cut there. Nothing moves: a sensor or valve on a pipe stays on it. The pieces keep
    their pipe's ``pipe_id`` and take a ``segment_id`` of their own; a tee is a pipe of
    its own (``{prefix}-T00001``) with the size of the pipe it ends.
    """
    lines = pipes.geometry.to_numpy()
    tree = shapely.STRtree(lines)
    cuts: dict[int, list[float]] = {}
    left, right = tree.query(lines, predicate="crosses")
    keep = left < right
    for a, b, where in zip(left[keep], right[keep], shapely.intersection(lines[left[keep]], lines[right[keep]]),
                           strict=True):
        for point in shapely.get_parts(where):
            if shapely.get_type_id(point) == 0:
                for k in (a, b):
                    cuts.setdefault(int(k), []).append(float(shapely.line_locate_point(lines[k], point)))
    ends = np.concatenate([shapely.get_point(lines, 0), shapely.get_point(lines, -1)])
    owner = np.concatenate([np.arange(len(lines)), np.arange(len(lines))])
    near_end, near_pipe = tree.query(ends, predicate="dwithin", distance=tolerance_m)
    tees = []
    best: dict[int, tuple[float, int]] = {}
    for e, k in zip(near_end, near_pipe, strict=True):
        if owner[e] == k:
            continue
        distance = float(shapely.distance(ends[e], lines[k]))
        if e not in best or distance < best[e][0]:
            best[e] = (distance, int(k))
    for e, (distance, k) in sorted(best.items()):
        if distance < 0.01:  # already on that pipe: cut it there
            cuts.setdefault(k, []).append(float(shapely.line_locate_point(lines[k], ends[e])))
            continue
        at = float(shapely.line_locate_point(lines[k], ends[e]))
        cuts.setdefault(k, []).append(at)
        tees.append((int(owner[e]), shapely.LineString([ends[e], lines[k].interpolate(at)])))
    rows = []
    records = pipes.drop(columns=["geometry"]).to_dict("records")
    for k, line in enumerate(lines):
        stops = [0.0]
        for cut in sorted(cuts.get(k, [])):
            if cut - stops[-1] > 0.5 and line.length - cut > 0.5:
                stops.append(cut)
        stops.append(line.length)
        for n, (a, b) in enumerate(zip(stops[:-1], stops[1:], strict=True), start=1):
            piece = line if len(stops) == 2 else substring(line, a, b)
            rows.append({**records[k], "segment_id": f"{records[k]['pipe_id']}-{n}", "geometry": piece})
    for n, (k, line) in enumerate(tees, start=1):
        tee_id = f"{prefix}-T{n:05d}"
        rows.append({**records[k], "pipe_id": tee_id, "segment_id": f"{tee_id}-1", "geometry": line})
    table = pd.DataFrame(rows)
    columns = ["pipe_id", "segment_id", *[c for c in pipes.columns if c not in ("pipe_id", "geometry")], "geometry"]
    return table[columns].reset_index(drop=True)


def tee_valves(noded: pd.DataFrame, network: str, prefix: str, first: int, districts: DistrictIndex
               ) -> pd.DataFrame:
    """A branch valve on every tee of ``noded`` (as gas and water branches are valved where they leave a main)."""
    tees = noded[noded.pipe_id.str.contains("-T")]
    mid = shapely.line_interpolate_point(tees.geometry.to_numpy(), 0.5, normalized=True)
    xy = shapely.get_coordinates(mid)
    return pd.DataFrame({
        "valve_id": [f"{prefix}-{i:05d}" for i in range(first, first + len(tees))],
        "network": network,
        "pipe_id": tees.pipe_id.to_numpy(),
        "district": districts.name_of(xy[:, 0], xy[:, 1]),
        "geometry": mid,
    })
