"""Where people live and what the city runs: residential blocks, public facilities, metro,
hazardous-chemical sites with their tanks, and flood pumping stations.

``capacity`` of a facility means, by kind: school - pupils; hospital - beds;
fire_station - fire appliances; shelter - people; metro_station - passengers per peak hour.
"""

from __future__ import annotations

from collections import Counter

import numpy as np
import pandas as pd
import shapely
from shapely import LineString, Polygon

from console.demo.frame import DistrictIndex
from console.demo.names import COMPANY_STEMS, ESTATE_STEMS, ESTATE_SUFFIXES, ORDINALS_ZH, STEMS, NamePool
from console.demo.roads import Grid, RoadFrame
from console.demo.shapes import Waves, line_parts, points_along, points_spaced, polar_shape, thin_points
from console.demo.terrain import River

# ---------------------------------------------------------------- residential blocks


def make_blocks(rng: np.random.Generator, frame: RoadFrame, grid: Grid, obstacles) -> tuple[np.ndarray, ...]:
    """All buildable urban blocks between the grid lines, set back from the streets.

    Returns (polygons, is_residential, in_core). The blocks that are not residential
    are kept as sites for schools, hospitals and shelters.
    """
    u = np.sort(np.concatenate([grid.u_secondary, grid.u_local]))
    v = np.sort(np.concatenate([grid.v_secondary, grid.v_local]))
    setback = 22.0
    u0, v0 = np.meshgrid(u[:-1] + setback, v[:-1] + setback, indexing="ij")
    u1, v1 = np.meshgrid(u[1:] - setback, v[1:] - setback, indexing="ij")
    corners_u = np.stack([u0, u1, u1, u0], axis=-1).reshape(-1, 4)
    corners_v = np.stack([v0, v0, v1, v1], axis=-1).reshape(-1, 4)
    x, y = frame.to_xy(corners_u, corners_v)
    cells = shapely.polygons(np.stack([x, y], axis=-1))
    shapely.prepare(frame.urban)
    cells = cells[shapely.contains(frame.urban, shapely.centroid(cells))]
    full_area = shapely.area(cells)
    shapely.prepare(obstacles)
    hit = shapely.intersects(obstacles, cells)
    cells[hit] = shapely.difference(cells[hit], obstacles)
    parts, source = _largest_parts(cells)
    keep = shapely.area(parts) >= 0.5 * full_area[source]
    blocks = parts[keep]
    centre = shapely.get_coordinates(shapely.centroid(blocks))
    shapely.prepare(frame.core)
    in_core = shapely.contains(frame.core, shapely.points(centre))
    # Parks, offices and markets come in patches: a smooth field decides where housing is not.
    open_space = Waves(rng, count=6, wavelength_m=(1500.0, 4000.0))(centre[:, 0], centre[:, 1])
    chance = np.where(in_core, 0.9, 0.65) * (open_space < 0.9)
    residential = rng.uniform(0.0, 1.0, len(blocks)) < chance
    return blocks, residential, in_core


def _largest_parts(geometries):
    parts, source = shapely.get_parts(geometries, return_index=True)
    polygons = shapely.get_type_id(parts) == 3
    parts, source = parts[polygons], source[polygons]
    area = shapely.area(parts)
    order = np.lexsort((-area, source))
    first = np.concatenate([[True], source[order][1:] != source[order][:-1]])
    return parts[order][first], source[order][first]


def make_residential(rng: np.random.Generator, blocks, in_core, districts: DistrictIndex) -> pd.DataFrame:
    """Residential blocks with a name and a population."""
    area_km2 = shapely.area(blocks) / 1e6
    density = np.where(in_core, 38_000.0, 24_000.0) * rng.uniform(0.7, 1.3, len(blocks))
    population = (np.round(area_km2 * density / 10.0) * 10).astype(np.int64)
    stems = rng.integers(0, len(ESTATE_STEMS), len(blocks))
    suffixes = rng.integers(0, len(ESTATE_SUFFIXES), len(blocks))
    seen: Counter = Counter()
    names_zh, names_en = [], []
    for s, f in zip(stems, suffixes, strict=True):
        zh = ESTATE_STEMS[s][0] + ESTATE_SUFFIXES[f][0]
        en = f"{ESTATE_STEMS[s][1]} {ESTATE_SUFFIXES[f][1]}"
        seen[zh] += 1
        if seen[zh] > 1:  # the same developer's next phase
            phase = min(seen[zh], len(ORDINALS_ZH) - 1)
            zh, en = f"{zh}{ORDINALS_ZH[phase]}期", f"{en} Phase {phase}"
        names_zh.append(zh)
        names_en.append(en)
    centre = shapely.get_coordinates(shapely.point_on_surface(blocks))
    return pd.DataFrame({
        "block_id": [f"RB-{i:05d}" for i in range(1, len(blocks) + 1)],
        "name_zh": names_zh, "name_en": names_en, "population": population,
        "district": districts.name_of(centre[:, 0], centre[:, 1]),
        "geometry": blocks,
    })


# ---------------------------------------------------------------- facilities

CITY_HOSPITALS = [("市中心医院", "City Central Hospital"), ("市第一人民医院", "No. 1 People's Hospital"),
                  ("市第二人民医院", "No. 2 People's Hospital"), ("市第三人民医院", "No. 3 People's Hospital"),
                  ("市第四人民医院", "No. 4 People's Hospital"), ("市中医医院", "City Hospital of Chinese Medicine"),
                  ("市妇幼保健院", "City Maternal and Child Health Hospital"), ("市儿童医院", "City Children's Hospital"),
                  ("市传染病医院", "City Infectious Disease Hospital"), ("市精神卫生中心", "City Mental Health Centre")]


def make_facilities(rng: np.random.Generator, spare_blocks, in_core, roads: pd.DataFrame, metro_stations,
                    districts: DistrictIndex, district_names, counts: dict) -> pd.DataFrame:
    """Schools, hospitals, shelters (on spare blocks), fire stations (by the roads) and metro stations.

    Each kind draws its names from its own pool, as a school and a shelter may share a street's name.
    """
    pools = {kind: NamePool(STEMS, rng) for kind in ("hospital", "school", "shelter", "fire_station")}
    order = rng.permutation(len(spare_blocks))
    # city-level hospitals go to central blocks first
    order = np.concatenate([order[in_core[order]], order[~in_core[order]]])
    sites = shapely.get_coordinates(shapely.point_on_surface(spare_blocks[order]))
    area = shapely.area(spare_blocks[order])
    rows = []
    cursor = 0

    def take(n):
        nonlocal cursor
        picked = np.arange(cursor, min(cursor + n, len(sites)))
        cursor += len(picked)
        return picked

    n_hospitals = counts["hospital"]
    hospital_names = list(CITY_HOSPITALS)
    hospital_names += [(f"{zh}人民医院", f"{en} District People's Hospital") for zh, en in district_names]
    while len(hospital_names) < n_hospitals:
        zh, en = pools["hospital"].take()
        hospital_names.append((f"{zh}社区卫生服务中心", f"{en} Community Health Centre"))
    for k, i in enumerate(take(n_hospitals)):
        zh, en = hospital_names[k]
        beds = int(rng.integers(800, 2500)) if k < len(CITY_HOSPITALS) else int(rng.integers(100, 600))
        rows.append(("hospital", zh, en, beds, *sites[i]))
    # the rest of the spare blocks in random order, for schools and shelters
    rest = np.arange(cursor, len(sites))
    rest = rest[rng.permutation(len(rest))]
    sites, area = sites[rest], area[rest]
    cursor = 0
    middle_no = 0
    for i in take(counts["school"]):
        zh, en = pools["school"].take()
        kind = rng.choice(["primary", "middle", "numbered"], p=[0.6, 0.3, 0.1])
        if kind == "primary":
            name = (f"{zh}小学", f"{en} Primary School", int(rng.integers(12, 25)) * 100)
        elif kind == "middle":
            name = (f"{zh}中学", f"{en} Middle School", int(rng.integers(15, 30)) * 100)
        else:
            middle_no += 1
            name = (f"市第{_chinese_number(middle_no)}中学", f"No. {middle_no} Middle School",
                    int(rng.integers(20, 35)) * 100)
        rows.append(("school", *name, *sites[i]))
    for i in take(counts["shelter"]):
        zh, en = pools["shelter"].take()
        people = int(np.round(area[i] * 0.3 / 2.0, -2))  # 2 m2 a person on a third of the block
        rows.append(("shelter", f"{zh}公园应急避难场所", f"{en} Park Emergency Shelter", people, *sites[i]))

    # Fire stations along the main and secondary roads, a few kilometres apart.
    drivable = roads[roads["class"].isin(["arterial", "secondary"])].geometry.to_numpy()
    fx, fy, _ = points_along(drivable, 4000, rng, lateral_m=(40.0, 60.0))
    spread = thin_points(fx, fy, 2600.0)[: counts["fire_station"]]
    for i in spread:
        zh, en = pools["fire_station"].take()
        rows.append(("fire_station", f"{zh}消防救援站", f"{en} Fire and Rescue Station",
                     int(rng.integers(4, 11)), fx[i], fy[i]))

    table = pd.DataFrame(rows, columns=["kind", "name_zh", "name_en", "capacity", "x", "y"])
    table = pd.concat([table, metro_stations], ignore_index=True)
    table["district"] = districts.name_of(table.x.to_numpy(), table.y.to_numpy())
    table["geometry"] = shapely.points(table.x.to_numpy(), table.y.to_numpy())
    table.insert(0, "facility_id", [f"FC-{i:04d}" for i in range(1, len(table) + 1)])
    return table[["facility_id", "kind", "name_zh", "name_en", "district", "capacity", "geometry"]]


def _chinese_number(n: int) -> str:
    """1..99 in Chinese numerals (as in 第十二中学)."""
    digits = "零一二三四五六七八九"
    if n < 10:
        return digits[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else digits[tens]) + "十" + (digits[ones] if ones else "")


def make_metro(rng: np.random.Generator, main_roads: list[dict], frame: RoadFrame, outline, roads: pd.DataFrame,
               lines_wanted: int = 3) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Metro lines along pairs of opposite radial avenues, through the centre; and their stations."""
    radials = [r for r in main_roads if r.get("kind") == "radial" and r["class"] == "arterial"]
    heading = [np.degrees(np.arctan2(*shapely.get_coordinates(r["geometry"])[-1][::-1])) for r in radials]
    free = list(range(len(radials)))
    reach = shapely.intersection(frame.ring.buffer(3000.0), outline)
    lines = []
    while len(lines) < lines_wanted and len(free) >= 2:
        a = free.pop(int(rng.integers(len(free))))
        b = min(free, key=lambda j: abs(abs((heading[j] - heading[a] + 180.0) % 360.0 - 180.0) - 180.0))
        free.remove(b)
        out_a = shapely.get_coordinates(radials[a]["geometry"])[::-1]
        out_b = shapely.get_coordinates(radials[b]["geometry"])
        path = LineString(np.vstack([out_a, out_b]))
        line = max(line_parts([shapely.intersection(path, reach)])[0], key=lambda g: g.length)
        lines.append(line)
    metro_lines = pd.DataFrame({
        "line": [str(k) for k in range(1, len(lines) + 1)],
        "name_zh": [f"地铁{k}号线" for k in range(1, len(lines) + 1)],
        "name_en": [f"Metro Line {k}" for k in range(1, len(lines) + 1)],
        "geometry": lines,
    })
    # Stations take the name of the nearest street that is not the avenue above the line.
    x, y, which, _ = points_spaced(np.asarray(lines, dtype=object), 1250.0)
    minor = roads[roads["class"].isin(["secondary", "local"])].reset_index(drop=True)
    tree = shapely.STRtree(minor.geometry.to_numpy())
    _, nearest = tree.query_nearest(shapely.points(x, y), return_distance=False, all_matches=False)
    names = NamePool(STEMS, rng)
    used = set()
    stations = []
    for k in range(len(x)):
        zh = minor.name_zh[nearest[k]]
        en = minor.name_en[nearest[k]]
        if zh in used:
            stem_zh, stem_en = names.take()
            zh, en = stem_zh, stem_en
        used.add(zh)
        stations.append(("metro_station", f"{zh}站", f"{en} Station", int(rng.integers(8, 31)) * 1000, x[k], y[k]))
    return metro_lines, pd.DataFrame(stations, columns=["kind", "name_zh", "name_en", "capacity", "x", "y"])


# ---------------------------------------------------------------- hazardous chemicals

# Chinese, English, stored under pressure, flammable, tank size m3, density t/m3, GB 18218 threshold t
CHEMICALS = {
    "液氯": ("liquid chlorine", True, False, (30, 120), 1.47, 5.0),
    "液氨": ("liquid ammonia", True, True, (50, 500), 0.68, 10.0),
    "液化石油气": ("LPG", True, True, (200, 2000), 0.55, 50.0),
    "丙烯": ("propylene", True, True, (400, 2000), 0.52, 10.0),
    "环氧乙烷": ("ethylene oxide", True, True, (50, 300), 0.88, 10.0),
    "氢气": ("hydrogen", True, True, (20, 100), 0.07, 5.0),
    "液化天然气": ("LNG", True, True, (500, 3000), 0.45, 50.0),
    "甲醇": ("methanol", False, True, (1000, 8000), 0.79, 500.0),
    "苯": ("benzene", False, True, (500, 5000), 0.88, 50.0),
    "甲苯": ("toluene", False, True, (500, 5000), 0.87, 500.0),
    "二甲苯": ("xylene", False, True, (500, 5000), 0.86, 5000.0),
    "汽油": ("gasoline", False, True, (2000, 20000), 0.74, 200.0),
    "丙酮": ("acetone", False, True, (200, 2000), 0.79, 500.0),
    "乙酸乙酯": ("ethyl acetate", False, True, (200, 2000), 0.90, 500.0),
    "硫酸": ("sulfuric acid", False, False, (200, 3000), 1.84, 1e9),
    "液氧": ("liquid oxygen", True, False, (50, 500), 1.14, 200.0),
}

STOCK_SHARE = 0.4  # the usual stock as a share of the tanks' capacity

SITE_TYPES = {  # key: (facility zh, facility en, company zh, company en, chemicals)
    "chemical_plant": ("化工厂", "Chemical Plant", "化工有限公司", "Chemical Co., Ltd.", ["甲醇", "苯", "甲苯", "丙烯", "硫酸"]),
    "chlor_alkali": ("氯碱厂", "Chlor-Alkali Plant", "氯碱化工有限公司", "Chlor-Alkali Co., Ltd.", ["液氯", "氢气", "硫酸"]),
    "fine_chemicals": ("精细化工厂", "Fine Chemicals Plant", "精细化工有限公司", "Fine Chemicals Co., Ltd.",
                       ["丙酮", "乙酸乙酯", "环氧乙烷", "甲苯"]),
    "tank_farm": ("石化库区", "Petrochemical Tank Farm", "石化仓储有限公司", "Petrochemical Storage Co., Ltd.",
                  ["汽油", "甲醇", "二甲苯", "苯"]),
    "lpg_depot": ("液化气储配站", "LPG Depot", "燃气有限公司", "Gas Co., Ltd.", ["液化石油气"]),
    "industrial_gas": ("工业气体站", "Industrial Gas Plant", "气体有限公司", "Industrial Gases Co., Ltd.",
                       ["液氧", "氢气", "液氨"]),
    "lng_station": ("液化天然气储配站", "LNG Station", "能源有限公司", "Energy Co., Ltd.", ["液化天然气"]),
}

ZONES = [  # name zh, name en, share of the sites, site types with weights
    ("临港化工园区", "Lingang Chemical Park", 0.5,
     {"chemical_plant": 4, "chlor_alkali": 2, "fine_chemicals": 3, "tank_farm": 2, "industrial_gas": 1}),
    ("沙洲港口物流园", "Shazhou Port Logistics Park", 0.25, {"tank_farm": 3, "lpg_depot": 2, "lng_station": 1}),
    ("南郊工业园", "Nanjiao Industrial Park", 0.25,
     {"industrial_gas": 2, "lpg_depot": 2, "fine_chemicals": 2, "chemical_plant": 1}),
]


def make_hazmat_zones(rng: np.random.Generator, outline, river: River, frame: RoadFrame, water) -> list[Polygon]:
    """Three industrial zones: downstream on the north bank, the upstream port, an inland park."""
    spots = []
    for x_km, side in ((15.5, 1), (-15.0, -1)):
        x = 1000.0 * x_km + rng.uniform(-800.0, 800.0)
        centre, normal, half_width = river.point_at(x)
        spots.append((centre + normal * side * (half_width + 1700.0), 2000.0, 1100.0))
    angle = np.radians(-62.0 + rng.uniform(-8.0, 8.0))
    direction = np.array([np.cos(angle), np.sin(angle)])
    exit_point = shapely.get_coordinates(
        shapely.intersection(LineString([(0, 0), tuple(direction * 60_000.0)]), frame.ring.exterior))[0]
    spots.append((exit_point + direction * 2800.0, 1500.0, 1000.0))
    inside = outline.buffer(-400.0)
    zones = []
    for (cx, cy), rx, ry in spots:
        blob = polar_shape(rng, cx, cy, rx, ry, roughness=0.12, harmonics=4, rotation=frame.angle, points=120)
        zone = shapely.difference(shapely.intersection(blob, inside), water.buffer(150.0))
        zones.append(max(shapely.get_parts(zone), key=lambda g: g.area))
    return zones


def zone_table(zones: list[Polygon], districts: DistrictIndex) -> pd.DataFrame:
    """The industrial parks as polygons, for the hazmat group of the map."""
    centres = shapely.get_coordinates(shapely.point_on_surface(np.asarray(zones, dtype=object)))
    return pd.DataFrame({
        "name_zh": [z[0] for z in ZONES], "name_en": [z[1] for z in ZONES],
        "area_km2": np.round(shapely.area(np.asarray(zones, dtype=object)) / 1e6, 2),
        "district": districts.name_of(centres[:, 0], centres[:, 1]),
        "geometry": zones,
    })


def make_hazmat(rng: np.random.Generator, zones: list[Polygon], roads: pd.DataFrame, districts: DistrictIndex,
                frame: RoadFrame, site_count: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Hazardous-chemical sites in the zones and the storage tanks at each site."""
    companies = NamePool(COMPANY_STEMS, rng)
    road_tree = shapely.STRtree(roads.geometry.to_numpy())
    sites, tanks = [], []
    c, s = np.cos(frame.angle), np.sin(frame.angle)
    for (zone_zh, zone_en, share, types), zone in zip(ZONES, zones, strict=True):
        wanted = int(round(site_count * share))
        minx, miny, maxx, maxy = zone.bounds
        px = rng.uniform(minx, maxx, 4000)
        py = rng.uniform(miny, maxy, 4000)
        points = shapely.points(px, py)
        near_road = np.zeros(len(points), dtype=bool)
        near_road[road_tree.query(points, predicate="dwithin", distance=70.0)[0]] = True
        ok = shapely.contains(zone.buffer(-120.0), points) & ~near_road
        keep = np.flatnonzero(ok)
        chosen = keep[thin_points(px[keep], py[keep], 260.0)][:wanted]
        kinds = list(types)
        weights = np.array([types[k] for k in kinds], dtype=float)
        for i in chosen:
            kind = kinds[rng.choice(len(kinds), p=weights / weights.sum())]
            facility_zh, facility_en, company_zh, company_en, palette = SITE_TYPES[kind]
            stem_zh, stem_en = companies.take()
            chemicals = list(rng.choice(palette, size=min(len(palette), int(rng.integers(1, 4))), replace=False))
            site_id = f"HZS-{len(sites) + 1:03d}"
            n_tanks = int(rng.integers(3, 10))
            cols = int(np.ceil(np.sqrt(n_tanks)))
            score = 0.0
            for k in range(n_tanks):
                row, col = divmod(k, cols)
                du, dv = (col - (cols - 1) / 2.0) * 32.0, (row - (n_tanks - 1) // cols / 2.0) * 32.0
                chemical = chemicals[k % len(chemicals)]
                name_en, pressurised, flammable, size, density, threshold_t = CHEMICALS[chemical]
                capacity = float(np.round(rng.uniform(*size), -1))
                score += capacity * density * STOCK_SHARE / threshold_t  # GB 18218: R = sum of q/Q
                tanks.append({"tank_id": f"{site_id}-T{k + 1:02d}", "site_id": site_id, "chemical": chemical,
                              "chemical_en": name_en, "capacity_m3": capacity,
                              "storage": "pressurised" if pressurised else "atmospheric",
                              "flammable": flammable, "x": px[i] + du * c - dv * s, "y": py[i] + du * s + dv * c})
            sites.append({"site_id": site_id, "name_zh": f"{stem_zh}{facility_zh}", "name_en": f"{stem_en} {facility_en}",
                          "kind": kind, "chemicals": "、".join(chemicals),
                          "chemicals_en": ", ".join(CHEMICALS[ch][0] for ch in chemicals),
                          "score": score, "owner": f"{stem_zh}{company_zh}", "owner_en": f"{stem_en} {company_en}",
                          "zone": zone_zh, "zone_en": zone_en, "x": px[i], "y": py[i]})
    sites = pd.DataFrame(sites)
    # GB 18218 grades by R = sum(q/Q): I >= 100, II >= 50, III >= 10, IV below
    sites.insert(6, "major_hazard_level", np.select(
        [sites.score >= 100.0, sites.score >= 50.0, sites.score >= 10.0], [1, 2, 3], default=4).astype(np.int64))
    sites["district"] = districts.name_of(sites.x.to_numpy(), sites.y.to_numpy())
    sites["geometry"] = shapely.points(sites.x.to_numpy(), sites.y.to_numpy())
    tanks = pd.DataFrame(tanks)
    tanks["geometry"] = shapely.points(tanks.x.to_numpy(), tanks.y.to_numpy())
    return sites.drop(columns=["score", "x", "y"]), tanks.drop(columns=["x", "y"])


# ---------------------------------------------------------------- flood defence


def make_pump_stations(rng: np.random.Generator, river: River, frame: RoadFrame, districts: DistrictIndex,
                       spacing_m: float = 1600.0) -> pd.DataFrame:
    """Drainage pumping stations on both banks, lifting storm water into the river."""
    names = NamePool(STEMS, rng)
    rows = []
    for side in (1, -1):
        bank = LineString(river.offset_line(side * 70.0, beyond_bank=True))
        for part in line_parts([shapely.intersection(bank, frame.urban)])[0]:
            x, y, _, _ = points_spaced([part], spacing_m)
            for px, py in zip(x, y, strict=True):
                zh, en = names.take()
                rows.append({"name_zh": f"{zh}泵站", "name_en": f"{en} Pumping Station",
                             "capacity_m3s": float(np.round(rng.uniform(8.0, 60.0) * 2) / 2), "x": px, "y": py})
    table = pd.DataFrame(rows)
    table.insert(0, "station_id", [f"PS-{i:02d}" for i in range(1, len(table) + 1)])
    table["district"] = districts.name_of(table.x.to_numpy(), table.y.to_numpy())
    table["geometry"] = shapely.points(table.x.to_numpy(), table.y.to_numpy())
    return table.drop(columns=["x", "y"])
