"""A small hand-made city with known answers, written as a real GeoPackage and catalog.

Coordinates are Web Mercator metres around (0, 0), where a Mercator metre is a ground
metre (cos 0 = 1), so every distance below can be checked by hand.

Gas pipes (a loop east of the junction J0 = (0, 0), a spur west, a dead-end branch)::

              P3 (0,0)-(0,1000)     P5 (0,1000)-(1000,1000)     P6 (1000,1000)-(1500,1000)
    P1 (-1000,0)-(0,0)    P2 (0,0)-(1000,0)    P4 (1000,0)-(1000,1000)

Valves V1 (-500, 0) on P1, V2 (500, 0) on P2, V3 (0, 500) on P3, V4 (1250, 1000) on P6.
A leak by J0 is isolated by V1, V2 and V3; the section is the 1500 m between them, and
the west end of P1 (500 m beyond V1) is fed only through it, so it goes dry too.

Roads: R1 arterial along y = -200 from x = -2000 to 2000; R4 local up x = -2000 to
y = 700; R3 local back east along y = 700 to x = -10; R5 an island far away.
Fire station A (-10, 650) is 645 m from the leak as the crow flies but 50 m off R3,
at the end of the long way round (1990 + 900 + 1990 m); fire station B (1500, -250)
is 1531 m away but 1510 m along R1: B is nearer by road.
"""

from __future__ import annotations

from pathlib import Path

import geopandas
import shapely
from shapely.geometry import LineString, Point, box

CRS = "EPSG:3857"
GAS_SENSOR = "GAS-1"  # (-10, 5), by J0
FAR_SENSOR = "GAS-2"  # (0, -500): 500 m from every pipe
HAZMAT_SENSOR = "HZ-1"  # watches tank T-1 (liquid chlorine)

PIPES = {
    "P1": [(-1000, 0), (0, 0)],
    "P2": [(0, 0), (1000, 0)],
    "P3": [(0, 0), (0, 1000)],
    "P4": [(1000, 0), (1000, 1000)],
    "P5": [(0, 1000), (1000, 1000)],
    "P6": [(1000, 1000), (1500, 1000)],
}
VALVES = {"V1": (-500, 0), "V2": (500, 0), "V3": (0, 500), "V4": (1250, 1000)}
FACILITIES = [  # id, kind, name, people, geometry
    ("F1", "school", "东湖小学", 800, Point(-200, 50)),
    ("F2", "hospital", "江滨医院", 300, Point(250, -60)),
    ("F4", "elderly_care", "松鹤养老院", 120, Point(600, 600)),
    ("F5", "metro", "东站", 1500, Point(900, 80)),
]
BLOCK = ("F3", "residential", "西苑小区", 2000, box(-900, 20, -700, 120))
ROADS = [
    ("R1", "arterial", [(-2000, -200), (2000, -200)]),
    ("R4", "local", [(-2000, -200), (-2000, 700)]),
    ("R3", "local", [(-2000, 700), (-10, 700)]),
    ("R5", "local", [(5000, 5000), (5200, 5000)]),
]
RESOURCES = [  # id, kind, name, capacity, point
    ("A", "fire_rescue", "北岸消防站", 6, (-10, 650)),
    ("B", "fire_rescue", "东区消防站", 8, (1500, -250)),
    ("C", "gas_repair", "燃气抢修站", 4, (-1500, -260)),
    ("D", "medical", "孤岛急救站", 2, (5100, 5050)),
]


def write_city(folder: Path, *, facilities: bool = True, resources: bool = True, joined: bool = True) -> Path:
    """Write the GeoPackage and its catalog into ``folder``; returns the catalog path.

    ``joined=False`` writes pipes that stop 10 m short of one another (not a network).
    """
    folder.mkdir(parents=True, exist_ok=True)
    gpkg = folder / "city.gpkg"

    def write(name, rows, columns):
        frame = geopandas.GeoDataFrame(rows, columns=[*columns, "geometry"], geometry="geometry", crs=CRS)
        frame.to_file(gpkg, layer=name, driver="GPKG", engine="pyogrio")

    pipes = []
    for pid, coords in PIPES.items():
        line = LineString(coords)
        if not joined:
            line = shapely.ops.substring(line, 5.0, line.length - 5.0)
        pipes.append((pid, "东湖路" if pid in ("P1", "P2") else "", line))
    write("gas_pipes", pipes, ["pipe_id", "road_zh"])
    write("gas_valves", [(vid, Point(xy)) for vid, xy in VALVES.items()], ["valve_id"])
    write("roads", [(rid, cls, LineString(c)) for rid, cls, c in ROADS], ["road_id", "class"])
    write("facilities", [row for row in FACILITIES], ["facility_id", "kind", "name_zh", "people"])
    write("blocks", [BLOCK], ["block_id", "kind", "name_zh", "people"])
    write("resources", [(rid, kind, name, cap, Point(xy)) for rid, kind, name, cap, xy in RESOURCES],
          ["resource_id", "kind", "name", "capacity"])
    write("tanks", [("T-1", "液氯", "liquid chlorine", Point(3000, 3000))], ["tank_id", "chemical", "chemical_en"])
    sensors = [
        (GAS_SENSOR, "东湖路燃气井", "gas", "gas_lel", "%LEL", "东湖区", "燃气公司", "", Point(-10, 5)),
        (FAR_SENSOR, "远处燃气井", "gas", "gas_lel", "%LEL", "东湖区", "燃气公司", "", Point(0, -500)),
        (HAZMAT_SENSOR, "液氯储罐", "hazmat", "tank_pressure", "MPa", "东湖区", "化工厂", "T-1", Point(3000, 3000)),
    ]
    write("sensors", sensors, ["id", "name", "category", "quantity", "unit", "district", "owner", "asset"])

    entries = [
        ("roads", 'role = "roads"'),
        ("gas_pipes", 'role = "pipes"\nnetwork = "gas"'),
        ("gas_valves", 'role = "valves"\nnetwork = "gas"'),
        ("tanks", ""),
    ]
    if facilities:
        entries += [("facilities", 'role = "facilities"'), ("blocks", 'role = "facilities"')]
    if resources:
        entries.append(("resources", 'role = "resources"'))
    text = ['title = "Hand-made"', ""]
    for name, extra in entries:
        text += ["[[layers]]", f'name = "{name}"', 'source = "city.gpkg"', f'layer = "{name}"', extra, ""]
    text += ["[[layers]]", 'name = "sensors"', 'source = "city.gpkg"', 'layer = "sensors"', "sensors = true", ""]
    catalog = folder / "catalog.toml"
    catalog.write_text("\n".join(text), encoding="utf-8")
    return catalog
