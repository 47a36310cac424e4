"""Who is at risk and who responds: the demo city's facilities with people, and its emergency resources.

The facilities layer (``role = "facilities"``) holds the places whose people an impact
analysis counts: schools (pupils), hospitals (beds), metro stations (people in the
station at the peak) and elderly-care homes (residents); residential blocks carry
their residents too. The resources layer (``role = "resources"``) holds the units an
operator sends: fire and rescue stations, gas and water repair depots, 120 emergency
stations, shelters and material stores, placed where such units sit in a city: fire
stations and depots beside the main roads, 120 stations at the big hospitals, shelters
in parks, flood-material stores behind the river banks.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import shapely

from console.demo.frame import DistrictIndex
from console.demo.names import STEMS, NamePool, short_district
from console.demo.shapes import points_along, thin_points

METRO_PEAK_SHARE = 0.25  # people in a station at once: a quarter of the peak hour's passengers
ELDERLY_CARE_HOMES = 40
DEPOTS = {"gas_repair": 10, "water_repair": 8}
MATERIAL_STORES = 8
STANDALONE_120 = 6


def split_facilities(facilities: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(facilities at risk, resources) from the generated facility table.

    Fire stations and shelters are units that respond; they go to the resources layer.
    """
    responders = facilities.kind.isin(["fire_station", "shelter"])
    at_risk = facilities[~responders].copy()
    at_risk["kind"] = at_risk.kind.replace({"metro_station": "metro"})
    people = at_risk.capacity.to_numpy().astype(float)
    metro = at_risk.kind.to_numpy() == "metro"
    people[metro] = np.round(people[metro] * METRO_PEAK_SHARE, -2)
    at_risk["people"] = people.astype(np.int64)
    return at_risk, facilities[responders].copy()


def elderly_care(rng: np.random.Generator, residential: pd.DataFrame, districts: DistrictIndex) -> pd.DataFrame:
    """Elderly-care homes in residential blocks (most sit inside an estate), 60 to 400 residents each."""
    names = NamePool(STEMS, rng)
    rows = rng.choice(len(residential), min(ELDERLY_CARE_HOMES, len(residential)), replace=False)
    points = shapely.point_on_surface(residential.geometry.to_numpy()[rows])
    xy = shapely.get_coordinates(points)
    out = []
    for x, y in xy:
        zh, en = names.take()
        residents = int(rng.integers(6, 41)) * 10
        out.append(("elderly_care", f"{zh}养老院", f"{en} Care Home", residents, x, y))
    table = pd.DataFrame(out, columns=["kind", "name_zh", "name_en", "capacity", "x", "y"])
    table["district"] = districts.name_of(table.x.to_numpy(), table.y.to_numpy())
    table["people"] = table.capacity
    table["geometry"] = shapely.points(table.x.to_numpy(), table.y.to_numpy())
    return table.drop(columns=["x", "y"])


def facility_table(at_risk: pd.DataFrame, homes: pd.DataFrame) -> pd.DataFrame:
    """The facilities layer: numbered again after the homes join."""
    table = pd.concat([at_risk.drop(columns=["facility_id"]), homes], ignore_index=True)
    table.insert(0, "facility_id", [f"FC-{i:04d}" for i in range(1, len(table) + 1)])
    return table[["facility_id", "kind", "name_zh", "name_en", "district", "capacity", "people", "geometry"]]


def make_resources(rng: np.random.Generator, responders: pd.DataFrame, hospitals: pd.DataFrame,
                   roads: pd.DataFrame, pump_stations: pd.DataFrame, urban, districts: DistrictIndex
                   ) -> pd.DataFrame:
    """The resources layer: kind, name, capacity (appliances, crews, ambulances, people, m3 of stock)."""
    rows = []
    for kind, zh, en, capacity, geom in zip(responders.kind, responders.name_zh, responders.name_en,
                                            responders.capacity, responders.geometry, strict=True):
        rows.append(("fire_rescue" if kind == "fire_station" else "shelter", zh, en, int(capacity), geom.x, geom.y))

    # Repair depots of the gas and water companies: beside a main road, one per part of the town.
    drivable = roads[roads["class"].isin(["arterial", "secondary"])].geometry.to_numpy()
    shapely.prepare(urban)
    for kind, count in DEPOTS.items():
        x, y, _ = points_along(drivable, 2000, rng, lateral_m=(25.0, 45.0))
        inside = shapely.contains_xy(urban, x, y)
        x, y = x[inside], y[inside]
        chosen = thin_points(x, y, 3500.0)[:count]
        district = districts.name_of(x[chosen], y[chosen])
        suffix = ("燃气抢修站", "Gas Emergency Repair Depot") if kind == "gas_repair" else (
            "供水抢修站", "Water Emergency Repair Depot")
        seen: dict[str, int] = {}
        for i, name in zip(chosen, district, strict=True):
            seen[name] = seen.get(name, 0) + 1
            number = "" if seen[name] == 1 else str(seen[name])
            rows.append((kind, f"{short_district(name)}{number}{suffix[0]}", f"{name} {number}{suffix[1]}".strip(),
                         int(rng.integers(2, 7)), x[i], y[i]))

    # 120 emergency stations: at the city and district hospitals, plus a few in the outer districts.
    big = hospitals[hospitals.capacity >= 800]
    for zh, en, geom in zip(big.name_zh, big.name_en, big.geometry, strict=True):
        rows.append(("medical", f"{zh}120急救站", f"{en} 120 Emergency Station", int(rng.integers(3, 9)),
                     geom.x + 30.0, geom.y))
    x, y, _ = points_along(drivable, 800, rng, lateral_m=(20.0, 40.0))
    outer = ~shapely.contains_xy(urban, x, y)
    names = NamePool(STEMS, rng)
    for i in thin_points(x[outer], y[outer], 5000.0)[:STANDALONE_120]:
        zh, en = names.take()
        rows.append(("medical", f"{zh}120急救分站", f"{en} 120 Ambulance Post", int(rng.integers(2, 4)),
                     x[outer][i], y[outer][i]))

    # Flood-control material stores just behind the banks, beside the pumping stations.
    stores = pump_stations.iloc[rng.permutation(len(pump_stations))[:MATERIAL_STORES]]
    for zh, en, geom in zip(stores.name_zh, stores.name_en, stores.geometry, strict=True):
        angle = rng.uniform(0, 2 * np.pi)
        rows.append(("material_store", zh.replace("泵站", "防汛物资仓库"),
                     en.replace("Pumping Station", "Flood Materials Store"), int(rng.integers(5, 31)) * 100,
                     geom.x + 120.0 * np.cos(angle), geom.y + 120.0 * np.sin(angle)))

    table = pd.DataFrame(rows, columns=["kind", "name_zh", "name_en", "capacity", "x", "y"])
    table.insert(0, "resource_id", [f"RS-{i:03d}" for i in range(1, len(table) + 1)])
    table["name"] = table.name_zh
    table["district"] = districts.name_of(table.x.to_numpy(), table.y.to_numpy())
    table["geometry"] = shapely.points(table.x.to_numpy(), table.y.to_numpy())
    return table[["resource_id", "kind", "name", "name_zh", "name_en", "capacity", "district", "geometry"]]
