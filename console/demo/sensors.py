"""The demo city's sensor catalog: about 20,000 points on the assets they watch.

Fields and id prefixes follow docs/sensors.md. Each family is placed where such
sensors are installed: gas detectors in the manholes beside the gas mains, pressure
gauges on the mains, strain and deflection gauges on the river bridges, level gauges
in the river and its tributaries, waterlogging gauges at road underpasses and low
road sections, temperature/pressure/gas detectors at the hazardous-chemical tanks.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import shapely

from console.demo.frame import DistrictIndex
from console.demo.names import MAIN_RIVER, phone_for, short_district
from console.demo.shapes import Waves, point_and_tangent, points_along, points_spaced, thin_points

# quantity -> (category, id prefix, unit), in the order of docs/sensors.md
QUANTITIES = {
    "gas_lel": ("gas", "GAS", "%LEL"),
    "gas_pressure": ("gas", "GP", "MPa"),
    "water_pressure": ("water_supply", "WP", "MPa"),
    "pipe_fill": ("drainage", "DR", "%"),
    "strain": ("bridge", "BS", "µε"),
    "deflection": ("bridge", "BD", "mm"),
    "heating_pressure": ("heating", "HT", "MPa"),
    "cable_temperature": ("power", "PW", "°C"),
    "tunnel_ch4": ("utility_tunnel", "UT", "%LEL"),
    "tunnel_o2": ("utility_tunnel", "UO", "%vol"),
    "rain_1h": ("rainfall", "RG", "mm"),
    "river_level": ("water_level", "WL", "m"),
    "depth": ("waterlogging", "WLG", "cm"),
    "tank_temperature": ("hazmat", "HZT", "°C"),
    "tank_pressure": ("hazmat", "HZP", "MPa"),
    "hazmat_lel": ("hazmat", "HZG", "%LEL"),
}
FIELDS = ["id", "name", "name_en", "category", "quantity", "unit", "district", "owner", "contact", "asset",
          "th_iv", "th_iii", "th_ii", "th_i"]

# How many of each at scale 1 (about 20,000 in all). Hazmat detectors fill up to the hazmat total.
COUNTS = {
    "gas_lel": 5100, "gas_pressure": 1300, "water_pressure": 3000, "pipe_fill": 3650, "bridge": 600,
    "heating_pressure": 1500, "cable_temperature": 2000, "tunnel": 1000, "rain_1h": 400,
    "river_level_main": 60, "river_level_tributary": 90, "depth": 300, "hazmat": 1000,
}

GAS_SPACES = [("阀门井", "valve pit"), ("污水井", "sewer manhole"), ("雨水井", "storm drain manhole"),
              ("电力井", "power manhole"), ("通信井", "telecom manhole"), ("地下空间", "underground space")]

OWNERS = {  # category -> responsible unit; {d} is the district's short name
    "gas": "市燃气集团{d}分公司",
    "water_supply": "市水务集团{d}供水分公司",
    "drainage": "市排水公司{d}排水所",
    "heating": "市热力集团{d}供热所",
    "power": "国网示范市供电公司{d}供电中心",
    "utility_tunnel": "市城市综合管廊运营有限公司",
    "bridge": "市城市桥梁管理处",
    "rainfall": "市水文水资源中心",
    "water_level": "市水文水资源中心",
    "waterlogging": "{D}应急管理局",
}


@dataclass
class Placed:
    """Sensors of one quantity before ids and districts: local coordinates and texts."""

    quantity: str
    x: np.ndarray
    y: np.ndarray
    name: list
    name_en: list
    asset: list
    owner: list | None = None  # None: from the category's owner template
    thresholds: np.ndarray | None = None  # (n, 4) th_iv..th_i, or None for the quantity defaults


def numbered(groups) -> np.ndarray:
    """1, 2, 3... within each group, in the given order (sensor 12 on Jianshe Road...)."""
    return pd.Series(list(groups)).groupby(list(groups), sort=False).cumcount().to_numpy() + 1


def _on_land(x, y, land, count):
    """The first ``count`` of the points that fall on land."""
    ok = np.flatnonzero(shapely.contains_xy(land, x, y))[:count]
    return ok


def on_pipes(rng, quantity, pipes: pd.DataFrame, count: int, land, lateral_m=(0.0, 0.0), label=None) -> Placed:
    """Sensors on (or, for gas detectors, beside) a pipe network."""
    x, y, which = points_along(pipes.geometry.to_numpy(), int(count * 1.15) + 10, rng, lateral_m=lateral_m)
    ok = _on_land(x, y, land, count)
    x, y, which = x[ok], y[ok], which[ok]
    road_zh = pipes.road_zh.to_numpy()[which]
    road_en = pipes.road_en.to_numpy()[which]
    k = numbered(road_zh)
    label_zh, label_en = label
    if quantity == "gas_lel":
        space = rng.integers(0, len(GAS_SPACES), len(x))
        names = [f"{r}{n}号{GAS_SPACES[s][0]}可燃气体" for r, n, s in zip(road_zh, k, space, strict=True)]
        names_en = [f"{r} {GAS_SPACES[s][1]} {n} combustible gas" for r, n, s in zip(road_en, k, space, strict=True)]
    else:
        names = [f"{r}{n}号{label_zh}" for r, n in zip(road_zh, k, strict=True)]
        names_en = [f"{r} {label_en} {n}" for r, n in zip(road_en, k, strict=True)]
    id_column = "cable_id" if "cable_id" in pipes else "pipe_id"
    return Placed(quantity, x, y, names, names_en, list(pipes[id_column].to_numpy()[which]))


def on_bridges(rng, bridges: pd.DataFrame, count: int) -> list[Placed]:
    """Strain and deflection gauges along each bridge deck, two strain gauges per deflection gauge."""
    lengths = bridges.length_m.to_numpy()
    per_bridge = np.maximum(3, np.round(count * lengths / lengths.sum()).astype(int))
    which = np.repeat(np.arange(len(bridges)), per_bridge)
    rank = np.arange(len(which)) - np.repeat(np.cumsum(per_bridge) - per_bridge, per_bridge)
    lines = bridges.geometry.to_numpy()[which]
    x, y, tx, ty = point_and_tangent(lines, (rank + 0.5) / per_bridge[which], shapely.length(lines))
    side = rng.uniform(-6.0, 6.0, len(x))  # a little to either side of the deck's axis
    x, y = x - ty * side, y + tx * side
    placed = []
    for quantity, label_zh, mask in (("strain", "应变计", rank % 3 != 2), ("deflection", "挠度计", rank % 3 == 2)):
        w = which[mask]
        k = numbered(w)
        zh = bridges.name_zh.to_numpy()[w]
        en = bridges.name_en.to_numpy()[w]
        placed.append(Placed(quantity, x[mask], y[mask], [f"{b}{n}号{label_zh}" for b, n in zip(zh, k, strict=True)],
                             [f"{b} {quantity} gauge {n}" for b, n in zip(en, k, strict=True)], list(zh)))
    return placed


def in_tunnels(rng, tunnels: pd.DataFrame, count: int) -> list[Placed]:
    """A methane and an oxygen detector in each fire compartment of the utility tunnels."""
    pairs = count // 2
    spacing = tunnels.length_m.sum() / max(pairs, 1)
    x, y, which, rank = points_spaced(tunnels.geometry.to_numpy(), spacing)
    x, y, which, rank = x[:pairs], y[:pairs], which[:pairs], rank[:pairs]
    zh = tunnels.name_zh.to_numpy()[which]
    en = tunnels.name_en.to_numpy()[which]
    asset = list(tunnels.tunnel_id.to_numpy()[which])
    return [
        Placed("tunnel_ch4", x + 1.5, y, [f"{t}{r + 1}号防火分区甲烷" for t, r in zip(zh, rank, strict=True)],
               [f"{t} compartment {r + 1} methane" for t, r in zip(en, rank, strict=True)], asset),
        Placed("tunnel_o2", x - 1.5, y, [f"{t}{r + 1}号防火分区氧气" for t, r in zip(zh, rank, strict=True)],
               [f"{t} compartment {r + 1} oxygen" for t, r in zip(en, rank, strict=True)], asset),
    ]


def rain_gauges(rng, land, count: int, roads: pd.DataFrame) -> Placed:
    """Rain gauges on a jittered grid over the city (one per 2-4 km2), named after the nearest road."""
    minx, miny, maxx, maxy = land.bounds
    spacing = np.sqrt(land.area / count)
    gx, gy = np.meshgrid(np.arange(minx, maxx, spacing), np.arange(miny, maxy, spacing))
    x = gx.ravel() + rng.uniform(-0.3, 0.3, gx.size) * spacing
    y = gy.ravel() + rng.uniform(-0.3, 0.3, gy.size) * spacing
    ok = np.flatnonzero(shapely.contains_xy(land, x, y))
    ok = ok[rng.permutation(len(ok))][:count]
    x, y = x[ok], y[ok]
    road_zh, road_en = _nearest_road(roads, x, y)
    k = numbered(road_zh)
    return Placed("rain_1h", x, y,
                  [f"{r}雨量站" if n == 1 else f"{r}{n}号雨量站" for r, n in zip(road_zh, k, strict=True)],
                  [f"{r} rain gauge" if n == 1 else f"{r} rain gauge {n}" for r, n in zip(road_en, k, strict=True)],
                  [""] * len(x))


def _nearest_road(roads, x, y):
    tree = shapely.STRtree(roads.geometry.to_numpy())
    _, nearest = tree.query_nearest(shapely.points(x, y), return_distance=False, all_matches=False)
    return roads.name_zh.to_numpy()[nearest], roads.name_en.to_numpy()[nearest]


def river_gauges(rng, river, outline, tributaries: pd.DataFrame, main_count: int, tributary_count: int) -> Placed:
    """Level gauges by the banks of the main river and along the tributaries, with per-gauge levels.

    Thresholds follow docs/sensors.md: IV = warning - 0.5 m, III = warning, II = guarantee - 0.3 m,
    I = guarantee; normal levels are a few metres on each gauge's own datum.
    """
    main_line = max(shapely.get_parts(shapely.intersection(shapely.LineString(river.centre), outline)),
                    key=lambda g: g.length)
    mx, my, _, rank = points_spaced([main_line], main_line.length / main_count)
    mx, my, rank = mx[:main_count], my[:main_count], rank[:main_count]
    # gauges stand in the water near a bank, alternating banks
    slope = np.interp(mx, river.centre[:, 0], np.gradient(river.centre[:, 1], river.centre[:, 0]))
    shift = (np.interp(mx, river.centre[:, 0], river.half_width) - 40.0) * np.where(rank % 2 == 0, 1.0, -1.0)
    norm = np.hypot(slope, 1.0)
    mx, my = mx - slope / norm * shift, my + 1.0 / norm * shift
    along = np.linspace(0.0, 1.0, len(mx))
    normal_main = 4.6 - 0.8 * along + rng.uniform(-0.15, 0.15, len(mx))  # the river falls downstream
    warning_main = normal_main + rng.uniform(2.6, 3.2, len(mx))
    guarantee_main = warning_main + rng.uniform(1.2, 1.8, len(mx))

    lengths = shapely.length(tributaries.geometry.to_numpy())
    tx, ty, which, trank = points_spaced(tributaries.geometry.to_numpy(), lengths.sum() / tributary_count)
    normal_trib = rng.uniform(1.5, 3.0, len(tx))
    warning_trib = normal_trib + rng.uniform(1.5, 2.2, len(tx))
    guarantee_trib = warning_trib + rng.uniform(0.8, 1.2, len(tx))

    names = [f"{MAIN_RIVER[0]}{i + 1}号水位站" for i in range(len(mx))]
    names += [f"{tributaries.name_zh.iloc[w]}{r + 1}号水位站" for w, r in zip(which, trank, strict=True)]
    names_en = [f"{MAIN_RIVER[1]} gauge {i + 1}" for i in range(len(mx))]
    names_en += [f"{tributaries.name_en.iloc[w]} gauge {r + 1}" for w, r in zip(which, trank, strict=True)]
    assets = [MAIN_RIVER[0]] * len(mx) + list(tributaries.name_zh.to_numpy()[which])
    warning = np.concatenate([warning_main, warning_trib])
    guarantee = np.concatenate([guarantee_main, guarantee_trib])
    thresholds = np.round(np.column_stack([warning - 0.5, warning, guarantee - 0.3, guarantee]), 2)
    return Placed("river_level", np.concatenate([mx, tx]), np.concatenate([my, ty]), names, names_en, assets,
                  thresholds=thresholds)


def waterlogging_points(rng, roads: pd.DataFrame, urban, water, count: int) -> Placed:
    """Waterlogging gauges where streets dip under the expressways, and at the lowest road sections."""
    express = roads[roads["class"] == "expressway"]
    others = roads[roads["class"] != "expressway"].reset_index(drop=True)
    express_union = shapely.union_all(express.geometry.to_numpy())
    shapely.prepare(express_union)
    crossing = np.flatnonzero(shapely.intersects(express_union, others.geometry.to_numpy()))
    points = shapely.get_parts(shapely.intersection(others.geometry.to_numpy()[crossing], express_union))
    which = np.repeat(crossing, shapely.get_num_geometries(
        shapely.intersection(others.geometry.to_numpy()[crossing], express_union)))
    is_point = shapely.get_type_id(points) == 0
    points, which = points[is_point], which[is_point]
    ux, uy = shapely.get_x(points), shapely.get_y(points)
    keep = thin_points(ux, uy, 150.0)[: count // 3]
    ux, uy, which = ux[keep], uy[keep], which[keep]
    under_zh, under_en = _nearest_road(express.reset_index(drop=True), ux, uy)
    names = [f"{others.name_zh[w]}下穿{e}通道" for w, e in zip(which, under_zh, strict=True)]
    names_en = [f"{others.name_en[w]} underpass below {e}" for w, e in zip(which, under_en, strict=True)]
    # a road that passes under the ring twice has two underpasses
    k = numbered(names)
    names = [name if n == 1 else f"{name[:-2]}{n}号通道" for name, n in zip(names, k, strict=True)]
    names_en = [name if n == 1 else f"{name} ({n})" for name, n in zip(names_en, k, strict=True)]
    assets = list(others.name_zh.to_numpy()[which])

    # Low road sections: a synthetic terrain that falls towards the water, with hollows.
    streets = others[others["class"].isin(["secondary", "local"])].reset_index(drop=True)
    shapely.prepare(urban)
    sx, sy, on = points_along(streets.geometry.to_numpy(), 6000, rng)
    inside = shapely.contains_xy(urban, sx, sy)
    sx, sy, on = sx[inside], sy[inside], on[inside]
    to_water = shapely.distance(water, shapely.points(sx, sy))
    height = 20.0 + 0.002 * to_water + Waves(rng, count=8, wavelength_m=(1500.0, 5000.0), amplitude=2.5)(sx, sy)
    lowest = thin_points(sx, sy, 400.0, order=np.argsort(height))[: count - len(ux)]
    sx, sy, on = sx[lowest], sy[lowest], on[lowest]
    road_zh = streets.name_zh.to_numpy()[on]
    k = numbered(road_zh)
    names += [f"{r}低洼路段" if n == 1 else f"{r}{n}号低洼路段" for r, n in zip(road_zh, k, strict=True)]
    names_en += [f"{r} low section" if n == 1 else f"{r} low section {n}"
                 for r, n in zip(streets.name_en.to_numpy()[on], k, strict=True)]
    assets += list(road_zh)
    return Placed("depth", np.concatenate([ux, sx]), np.concatenate([uy, sy]), names, names_en, assets)


def at_tanks(rng, sites: pd.DataFrame, tanks: pd.DataFrame, total: int) -> list[Placed]:
    """Temperature on every tank, pressure on pressurised tanks, gas detectors round flammable ones."""
    site_name = dict(zip(sites.site_id, sites.name_zh, strict=True))
    site_en = dict(zip(sites.site_id, sites.name_en, strict=True))
    site_owner = dict(zip(sites.site_id, sites.owner, strict=True))
    tx, ty = shapely.get_x(tanks.geometry.to_numpy()), shapely.get_y(tanks.geometry.to_numpy())
    number = [int(t.rsplit("T", 1)[1]) for t in tanks.tank_id]
    zh = [site_name[s] for s in tanks.site_id]
    en = [site_en[s] for s in tanks.site_id]
    owner = [site_owner[s] for s in tanks.site_id]
    ids = list(tanks.tank_id)
    placed = [Placed("tank_temperature", tx + 3.0, ty,
                     [f"{z}{n}号储罐温度" for z, n in zip(zh, number, strict=True)],
                     [f"{e} tank {n} temperature" for e, n in zip(en, number, strict=True)], ids, owner)]
    press = np.flatnonzero(tanks.storage.to_numpy() == "pressurised")
    placed.append(Placed("tank_pressure", tx[press] - 3.0, ty[press],
                         [f"{zh[i]}{number[i]}号储罐压力" for i in press],
                         [f"{en[i]} tank {number[i]} pressure" for i in press],
                         [ids[i] for i in press], [owner[i] for i in press]))
    flammable = np.flatnonzero(tanks.flammable.to_numpy())
    detectors = max(0, total - len(tanks) - len(press))
    which = flammable[np.arange(detectors) % len(flammable)] if len(flammable) else np.array([], dtype=int)
    angle = rng.uniform(0.0, 2.0 * np.pi, len(which))
    reach = rng.uniform(10.0, 16.0, len(which))
    k = numbered(which)
    placed.append(Placed("hazmat_lel", tx[which] + reach * np.cos(angle), ty[which] + reach * np.sin(angle),
                         [f"{zh[i]}{number[i]}号罐区可燃气体{n}" for i, n in zip(which, k, strict=True)],
                         [f"{en[i]} tank {number[i]} gas detector {n}" for i, n in zip(which, k, strict=True)],
                         [ids[i] for i in which], [owner[i] for i in which]))
    return placed


def assemble(placed: list[Placed], districts: DistrictIndex) -> pd.DataFrame:
    """One table in docs/sensors.md form; ids numbered per prefix in placement order."""
    tables = []
    order = {q: i for i, q in enumerate(QUANTITIES)}
    for p in sorted(placed, key=lambda p: order[p.quantity]):
        category, prefix, unit = QUANTITIES[p.quantity]
        n = len(p.x)
        district = districts.name_of(p.x, p.y)
        if p.owner is not None:
            owner = list(p.owner)
        else:
            template = OWNERS[category]
            owner = [template.format(d=short_district(d), D=d) for d in district]
        thresholds = np.full((n, 4), np.nan) if p.thresholds is None else p.thresholds
        lon, lat = districts.frame.lonlat(p.x, p.y)
        tables.append(pd.DataFrame({
            "prefix": prefix, "name": p.name, "name_en": p.name_en, "category": category,
            "quantity": p.quantity, "unit": unit, "district": district, "owner": owner,
            "contact": [phone_for(o) for o in owner], "asset": p.asset,
            "th_iv": thresholds[:, 0], "th_iii": thresholds[:, 1], "th_ii": thresholds[:, 2], "th_i": thresholds[:, 3],
            "lon": lon, "lat": lat,
        }))
    table = pd.concat(tables, ignore_index=True)
    serial = table.groupby("prefix", sort=False).cumcount().to_numpy() + 1
    table.insert(0, "id", [f"{p}-{s:05d}" for p, s in zip(table.prefix, serial, strict=True)])
    return table.drop(columns=["prefix"])


def subsample(table: pd.DataFrame, scale: float, rng) -> pd.DataFrame:
    """A seeded share of each quantity's sensors (at least one), ids unchanged: quick cities for tests.

    The sensors of a scaled city are a subset of the full city's, at the same places.
    """
    if scale >= 1.0:
        return table
    keep = []
    for _, rows in table.groupby("quantity", sort=False).indices.items():
        keep.append(rows[np.sort(rng.permutation(len(rows))[: max(1, int(round(len(rows) * scale)))])])
    return table.iloc[np.sort(np.concatenate(keep))].reset_index(drop=True)
