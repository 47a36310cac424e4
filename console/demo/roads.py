"""The road network of the demo city: ring and radial expressways, arterials, a grid, bridges.

Main roads (expressways and arterials) are laid first, as whole lines; lakes are then
placed clear of them, and the secondary grid and the local street mesh are cut around
the water. The grid is aligned with the river's general course, as old river towns are.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import shapely
from shapely import LineString, Polygon
from shapely.ops import substring

from console.demo.names import AVENUE_STEMS, BRIDGE_NAMES, MAIN_RIVER, NamePool
from console.demo.shapes import line_parts, polar_shape, sinuous_path, split_lines
from console.demo.terrain import River

ROAD_CLASSES = ("expressway", "arterial", "secondary", "local")
SECONDARY_SPACING_M = 1100.0
MAIN_ROAD_PIECE_M = 1000.0


@dataclass
class RoadFrame:
    """The rings and zones that shape the road network."""

    inner_ring: Polygon  # area inside the inner ring road
    ring: Polygon  # area inside the ring expressway
    urban: Polygon  # where the secondary grid runs
    core: Polygon  # where the local street mesh runs
    angle: float  # grid orientation, radians from east

    def to_uv(self, x, y):
        c, s = np.cos(self.angle), np.sin(self.angle)
        return x * c + y * s, -x * s + y * c

    def to_xy(self, u, v):
        c, s = np.cos(self.angle), np.sin(self.angle)
        return u * c - v * s, u * s + v * c


def make_road_frame(rng: np.random.Generator, outline: Polygon, river: River) -> RoadFrame:
    angle = river.axis_angle
    inner = polar_shape(rng, 0.0, 0.0, 4200.0, 3300.0, roughness=0.05, harmonics=4, rotation=angle)
    ring = polar_shape(rng, 0.0, 0.0, 11_500.0, 8_600.0, roughness=0.06, harmonics=5, rotation=angle)
    urban = shapely.intersection(ring.buffer(1500.0), outline)
    core = shapely.intersection(polar_shape(rng, 0.0, 0.0, 7200.0, 5400.0, roughness=0.08, harmonics=5,
                                            rotation=angle), outline)
    return RoadFrame(inner_ring=inner, ring=ring, urban=urban, core=core, angle=angle)


def make_main_roads(rng: np.random.Generator, outline: Polygon, river: River, frame: RoadFrame,
                    names: NamePool) -> list[dict]:
    """Expressways, arterials and country roads as whole named lines (not yet cut into pieces)."""
    avenues = NamePool(AVENUE_STEMS, rng)
    roads: list[dict] = []

    def add(cls, name_zh, name_en, geometry, kind):
        parts, _ = line_parts([geometry])
        for part in parts:
            if part.length > 300.0:
                roads.append({"class": cls, "name_zh": name_zh, "name_en": name_en, "geometry": part, "kind": kind})

    add("expressway", "绕城高速", "Ring Expressway", LineString(frame.ring.exterior.coords), "ring")
    add("arterial", "内环路", "Inner Ring Road", LineString(frame.inner_ring.exterior.coords), "ring")

    # Radial arterials: from the inner ring outwards, except along the river.
    river_dirs = np.degrees([frame.angle, frame.angle + np.pi]) % 360.0
    base = (rng.uniform(0, 36) + 36.0 * np.arange(10)) % 360.0
    clear = np.min(np.abs((base[:, None] - river_dirs[None, :] + 180.0) % 360.0 - 180.0), axis=1) > 24.0
    radial_deg = np.sort(base[clear] + rng.uniform(-5.0, 5.0, clear.sum()))
    radials = []
    for deg in radial_deg:
        start = _ray_exit(frame.inner_ring, np.radians(deg))
        end_angle = np.radians(deg + rng.uniform(-6.0, 6.0))
        end = 32_000.0 * np.array([np.cos(end_angle), np.sin(end_angle)])
        path = LineString(sinuous_path(rng, start, end, amplitude_m=rng.uniform(200.0, 450.0), step_m=60.0))
        zh, en = avenues.take()
        line = _part_touching(shapely.intersection(path, outline), start)
        radials.append((deg, line, zh, en))
        add("arterial", f"{zh}大道", f"{en} Avenue", line, "radial")

    # Country roads link neighbouring radials beyond the ring (never across the river).
    for (deg_a, line_a, _, _), (deg_b, line_b, _, _) in zip(radials, radials[1:] + radials[:1], strict=True):
        gap = (deg_b - deg_a) % 360.0
        if any((river_dir - deg_a) % 360.0 < gap for river_dir in river_dirs):
            continue
        for radius in rng.uniform(13_500.0, 18_000.0, rng.integers(1, 3)):
            a, b = _at_radius(line_a, radius), _at_radius(line_b, radius * rng.uniform(0.9, 1.1))
            if a is None or b is None:
                continue
            zh, en = names.take()
            path = LineString(sinuous_path(rng, a, b, amplitude_m=rng.uniform(300.0, 700.0), step_m=60.0))
            add("secondary", f"{zh}路", f"{en} Road", _part_touching(shapely.intersection(path, outline), a), "county")

    # Radial expressways leave the ring between the radial arterials, away from the river.
    gaps = np.diff(np.concatenate([radial_deg, [radial_deg[0] + 360.0]]))
    mids = (radial_deg + gaps / 2.0) % 360.0
    away = np.min(np.abs((mids[:, None] - river_dirs[None, :] + 180.0) % 360.0 - 180.0), axis=1) > 30.0
    chosen = mids[away][:: max(1, int(away.sum()) // 3)][:3]
    expressway_names = [("机场高速", "Airport Expressway"), ("江城高速", "Jiangcheng Expressway"),
                        ("东港高速", "Donggang Expressway")]
    # the airport lies to the north: the expressway heading closest to north is its road
    chosen = chosen[np.argsort(np.abs((chosen - 90.0 + 180.0) % 360.0 - 180.0))]
    for deg, (zh, en) in zip(chosen, expressway_names, strict=False):
        start = _ray_exit(frame.ring, np.radians(deg))
        end = 34_000.0 * np.array([np.cos(np.radians(deg)), np.sin(np.radians(deg))])
        path = LineString(sinuous_path(rng, start, end, amplitude_m=rng.uniform(300.0, 600.0), step_m=80.0))
        add("expressway", zh, en, _part_touching(shapely.intersection(path, outline), start), "radial")

    # Cross-river arterials: perpendicular to the river, out to just beyond the ring expressway.
    reach = shapely.intersection(frame.ring.buffer(1500.0), outline)
    for x_km in (-9.0, -3.5, 2.5, 8.0):
        centre, normal, _ = river.point_at(1000.0 * x_km + rng.uniform(-700.0, 700.0))
        start, end = centre - 12_000.0 * normal, centre + 12_000.0 * normal
        path = LineString(sinuous_path(rng, start, end, amplitude_m=rng.uniform(150.0, 300.0), step_m=60.0))
        zh, en = avenues.take()
        add("arterial", f"{zh}大道", f"{en} Avenue", _part_touching(shapely.intersection(path, reach), centre), "cross")

    # Riverside avenues on both banks, and one avenue parallel to the river on each side.
    within = shapely.intersection(frame.ring.buffer(800.0), outline)
    add("arterial", "沿江大道", "Yanjiang Avenue",
        shapely.intersection(LineString(river.offset_line(170.0, beyond_bank=True)), within), "bank")
    add("arterial", "滨江大道", "Binjiang Avenue",
        shapely.intersection(LineString(river.offset_line(-170.0, beyond_bank=True)), within), "bank")
    for distance in (1700.0, -1900.0):
        zh, en = avenues.take()
        line = LineString(river.offset_line(distance + rng.uniform(-200.0, 200.0), beyond_bank=True))
        add("arterial", f"{zh}大道", f"{en} Avenue", shapely.intersection(line, frame.ring), "parallel")
    return roads


def _ray_exit(polygon: Polygon, angle: float) -> np.ndarray:
    far = 60_000.0 * np.array([np.cos(angle), np.sin(angle)])
    coords = shapely.get_coordinates(shapely.intersection(LineString([(0.0, 0.0), tuple(far)]), polygon.exterior))
    return coords[np.argmax(np.hypot(coords[:, 0], coords[:, 1]))]


def _at_radius(line: LineString, radius: float):
    """The point of a radial line at ``radius`` from the centre (None if the line stops short)."""
    coords = shapely.get_coordinates(line)
    r = np.hypot(coords[:, 0], coords[:, 1])
    if r.max() < radius:
        return None
    return coords[int(np.argmin(np.abs(r - radius)))]


def _part_touching(geometry, point) -> LineString:
    """The part of a (multi)line nearest to ``point`` (the piece a road starts from)."""
    parts, _ = line_parts([geometry])
    if not len(parts):
        return LineString()
    return parts[int(np.argmin(shapely.distance(parts, shapely.Point(point))))]


def grid_positions(rng: np.random.Generator, low: float, high: float) -> tuple[np.ndarray, np.ndarray]:
    """Secondary road positions (about 1.1 km apart) and the two local streets between each pair."""
    secondary = np.arange(low, high + SECONDARY_SPACING_M, SECONDARY_SPACING_M)
    secondary = secondary + rng.uniform(-120.0, 120.0, len(secondary))
    a, b = secondary[:-1], secondary[1:]
    local = np.concatenate([a + (b - a) / 3.0, a + 2.0 * (b - a) / 3.0]) + rng.uniform(-30.0, 30.0, 2 * len(a))
    return secondary, np.sort(local)


@dataclass
class Grid:
    """Positions of the grid lines in the rotated (u along the river, v across) frame."""

    u_secondary: np.ndarray
    u_local: np.ndarray
    v_secondary: np.ndarray
    v_local: np.ndarray


def make_grid(rng: np.random.Generator, frame: RoadFrame) -> Grid:
    coords = shapely.get_coordinates(frame.urban)
    u, v = frame.to_uv(coords[:, 0], coords[:, 1])
    us, ul = grid_positions(rng, u.min(), u.max())
    vs, vl = grid_positions(rng, v.min(), v.max())
    return Grid(us, ul, vs, vl)


def grid_roads(frame: RoadFrame, grid: Grid, water, main_roads: list[dict],
               names: NamePool) -> pd.DataFrame:
    """Secondary roads over the urban area and local streets in the core, cut around water."""
    all_v = np.sort(np.concatenate([grid.v_secondary, grid.v_local]))
    all_u = np.sort(np.concatenate([grid.u_secondary, grid.u_local]))
    blocked = water.buffer(40.0)
    secondary_area = shapely.difference(frame.urban, blocked)
    local_area = shapely.difference(frame.core, blocked)
    tables = []
    for cls, area, u_lines, v_lines, u_cuts, v_cuts, suffix in (
        ("secondary", secondary_area, grid.u_secondary, grid.v_secondary, grid.v_secondary, grid.u_secondary,
         ("路", "Road")),
        ("local", local_area, grid.u_local, grid.v_local, all_v, all_u, ("街", "Street")),
    ):
        for along_u, positions, cuts in ((True, u_lines, u_cuts), (False, v_lines, v_cuts)):
            line_names = [names.take() for _ in positions]
            a = np.repeat(positions, len(cuts) - 1)
            b0 = np.tile(cuts[:-1], len(positions))
            b1 = np.tile(cuts[1:], len(positions))
            owner = np.repeat(np.arange(len(positions)), len(cuts) - 1)
            if along_u:
                x0, y0 = frame.to_xy(a, b0)
                x1, y1 = frame.to_xy(a, b1)
            else:
                x0, y0 = frame.to_xy(b0, a)
                x1, y1 = frame.to_xy(b1, a)
            segments = shapely.linestrings(np.stack([np.column_stack([x0, y0]), np.column_stack([x1, y1])], axis=1))
            segments, owner = _clip(segments, owner, area)
            tables.append(pd.DataFrame({
                "class": cls,
                "name_zh": [line_names[i][0] + suffix[0] for i in owner],
                "name_en": [f"{line_names[i][1]} {suffix[1]}" for i in owner],
                "geometry": segments,
            }))
    table = pd.concat(tables, ignore_index=True)
    return table[~_doubles_main_road(table.geometry.to_numpy(), main_roads)].reset_index(drop=True)


def _clip(segments, owner, area):
    """Segments inside ``area`` (cut where they leave it); drops crumbs shorter than 40 m."""
    shapely.prepare(area)
    inside = shapely.contains_properly(area, segments)
    touching = ~inside & shapely.intersects(area, segments)
    cut = shapely.intersection(segments[touching], area)
    parts, source = line_parts(cut)
    geometries = np.concatenate([segments[inside], parts])
    owners = np.concatenate([owner[inside], owner[touching][source]])
    keep = shapely.length(geometries) >= 40.0
    return geometries[keep], owners[keep]


def _doubles_main_road(segments, main_roads: list[dict], within_m: float = 160.0) -> np.ndarray:
    """Grid segments that would run alongside a main road (both ends and middle close to one)."""
    tree = shapely.STRtree([road["geometry"] for road in main_roads])
    close = np.ones(len(segments), dtype=bool)
    for fraction in (0.0, 0.5, 1.0):
        points = shapely.line_interpolate_point(segments, fraction, normalized=True)
        _, distance = tree.query_nearest(points, return_distance=True, all_matches=False)
        close &= distance < within_m
    return close


def zone_roads(zones: list[Polygon], frame: RoadFrame, water, main_roads: list[dict], names: NamePool
               ) -> pd.DataFrame:
    """Roads of the industrial zones: a 500 m grid inside each zone and a link to the nearest main road."""
    rows = []
    blocked = water.buffer(40.0)
    shapely.prepare(blocked)
    for zone in zones:
        centre = zone.point_on_surface()
        links = [LineString(shapely.get_coordinates(shapely.shortest_line(centre, road["geometry"])))
                 for road in main_roads]
        dry = [link for link in links if not blocked.intersects(link)]
        if dry:
            zh, en = names.take()
            rows.append({"class": "secondary", "name_zh": f"{zh}路", "name_en": f"{en} Road",
                         "geometry": min(dry, key=lambda g: g.length)})
    for zone in zones:
        coords = shapely.get_coordinates(zone)
        u, v = frame.to_uv(coords[:, 0], coords[:, 1])
        area = shapely.difference(zone, blocked)
        for along_u in (True, False):
            span = (u if along_u else v)
            other = (v if along_u else u)
            for position in np.arange(span.min() + 250.0, span.max() - 100.0, 500.0):
                ends = np.array([other.min() - 100.0, other.max() + 100.0])
                x, y = frame.to_xy(np.full(2, position), ends) if along_u else frame.to_xy(ends, np.full(2, position))
                parts, _ = line_parts([shapely.intersection(LineString(np.column_stack([x, y])), area)])
                zh, en = names.take()
                for part in parts:
                    if part.length >= 150.0:
                        rows.append({"class": "secondary", "name_zh": f"{zh}路", "name_en": f"{en} Road",
                                     "geometry": part})
    return pd.DataFrame(rows, columns=["class", "name_zh", "name_en", "geometry"])


def main_road_table(main_roads: list[dict]) -> pd.DataFrame:
    """Main roads cut into pieces of at most 1 km, as roads-layer rows."""
    table = pd.DataFrame(main_roads)
    pieces, source = split_lines(table.geometry.to_numpy(), MAIN_ROAD_PIECE_M)
    out = table.iloc[source].reset_index(drop=True)
    out["geometry"] = pieces
    return out


def finish_roads(*tables: pd.DataFrame) -> pd.DataFrame:
    """All road rows in one table, ordered by class, with a label column for main roads only."""
    roads = pd.concat(tables, ignore_index=True)
    rank = roads["class"].map({cls: i for i, cls in enumerate(ROAD_CLASSES)})
    roads = roads.iloc[np.argsort(rank.to_numpy(), kind="stable")].reset_index(drop=True)
    roads["label_zh"] = np.where(roads["class"].isin(["expressway", "arterial"]), roads["name_zh"], "")
    roads.insert(0, "road_id", [f"RD-{i:05d}" for i in range(1, len(roads) + 1)])
    return roads


STRUCTURES = [  # (minimum water crossing m, structure, share of the crossing that is the main span)
    (650.0, "suspension", (0.7, 0.9)),
    (450.0, "cable_stayed", (0.45, 0.65)),
    (0.0, "arch", (0.3, 0.5)),
]


def make_bridges(rng: np.random.Generator, main_roads: list[dict], river: River, outline) -> pd.DataFrame:
    """Bridges where expressways and arterials cross the main river."""
    water = shapely.intersection(river.polygon, outline)
    approach = water.buffer(80.0)
    rows = []
    for road in main_roads:
        if road["class"] not in ("expressway", "arterial"):
            continue
        parts, _ = line_parts([shapely.intersection(road["geometry"], approach)])
        for part in parts:
            over_water = shapely.intersection(part, water).length
            if over_water < 150.0:
                continue
            _, structure, share = next(s for s in STRUCTURES if over_water >= s[0])
            span = float(np.round(over_water * rng.uniform(*share), -1))
            mid = part.interpolate(0.5, normalized=True)
            rows.append({"road_zh": road["name_zh"], "road_en": road["name_en"], "class": road["class"],
                         "structure": structure, "span_m": span, "length_m": float(np.round(part.length)),
                         "distance": float(np.hypot(mid.x, mid.y)), "x": mid.x, "geometry": part})
    bridges = pd.DataFrame(rows)
    # The bridge nearest the centre is the river's first; the next its second; the rest have own names.
    by_distance = np.argsort(bridges["distance"].to_numpy())
    names = [None] * len(bridges)
    names[by_distance[0]] = (f"{MAIN_RIVER[0]}大桥", f"{MAIN_RIVER[1]} Bridge")
    if len(bridges) > 1:
        names[by_distance[1]] = (f"{MAIN_RIVER[0]}二桥", f"{MAIN_RIVER[1]} Second Bridge")
    pool = iter(BRIDGE_NAMES)
    for i in np.argsort(bridges["x"].to_numpy()):
        if names[i] is None:
            names[i] = next(pool)
    bridges["name_zh"] = [n[0] for n in names]
    bridges["name_en"] = [n[1] for n in names]
    bridges = bridges.drop(columns=["distance", "x"])
    bridges.insert(0, "bridge_id", [f"BR-{i:02d}" for i in range(1, len(bridges) + 1)])
    return bridges[["bridge_id", "name_zh", "name_en", "road_zh", "road_en", "class", "structure",
                    "span_m", "length_m", "geometry"]]


def split_at_crossings(roads: pd.DataFrame) -> pd.DataFrame:
    """Roads cut where they cross, so that the road table is a network (junctions are shared ends).

    Streets crossing at grade meet there; an expressway passes over the local streets it
    crosses and meets the arterial and secondary roads at interchanges.
    """
    lines = roads.geometry.to_numpy()
    classes = roads["class"].to_numpy()
    tree = shapely.STRtree(lines)
    left, right = tree.query(lines, predicate="crosses")
    keep = left < right
    left, right = left[keep], right[keep]
    express = (classes[left] == "expressway") | (classes[right] == "expressway")
    minor = (classes[left] == "local") | (classes[right] == "local")
    left, right = left[~(express & minor)], right[~(express & minor)]
    cuts: dict[int, list[float]] = {}
    points = shapely.intersection(lines[left], lines[right])
    for a, b, where in zip(left, right, points, strict=True):
        for point in shapely.get_parts(where):
            if shapely.get_type_id(point) != 0:
                continue
            for k in (a, b):
                cuts.setdefault(int(k), []).append(float(shapely.line_locate_point(lines[k], point)))
    rows = []
    for k, row in enumerate(roads.drop(columns=["road_id"]).to_dict("records")):
        line = lines[k]
        stops = [0.0]
        for cut in sorted(cuts.get(k, [])):
            if cut - stops[-1] > 1.0 and line.length - cut > 1.0:
                stops.append(cut)
        stops.append(line.length)
        for start, end in zip(stops[:-1], stops[1:], strict=True):
            rows.append({**row, "geometry": substring(line, start, end)})
    table = pd.DataFrame(rows)
    table.insert(0, "road_id", [f"RD-{i:05d}" for i in range(1, len(table) + 1)])
    return table
