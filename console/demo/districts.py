"""Districts that tile the city: Voronoi cells of seeded centres with wiggly borders.

The main river is a district border (districts lie on one bank), as in most river
cities. Borders are built as linework: the Voronoi edges of each bank are bent by a
smooth displacement field that fades out near the river, then noded together with the
river's centreline and the city outline and polygonised. Neighbouring districts
therefore share their border vertex for vertex, and the districts tile the outline.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import shapely
from shapely import LineString, MultiPoint, Polygon

from console.demo.names import ADCODE_PREFIX, DISTRICTS
from console.demo.shapes import Waves
from console.demo.terrain import River

BEND_M = 380.0  # typical sideways displacement of a border
CALM_NEAR_RIVER_M = 300.0  # borders do not bend this close to the river's centreline


def make_districts(rng: np.random.Generator, outline: Polygon, river: River) -> pd.DataFrame:
    seeds = []
    for name_zh, name_en, (along_km, across_km) in DISTRICTS:
        x = 1000.0 * along_km + rng.uniform(-600.0, 600.0)
        across = 1000.0 * across_km + rng.uniform(-500.0, 500.0)
        across = np.sign(across) * max(abs(across), 1400.0)
        seeds.append((name_zh, name_en, x, float(river.centre_y(x)) + across, int(np.sign(across))))
    seeds = pd.DataFrame(seeds, columns=["name_zh", "name_en", "x", "y", "side"])

    reach = outline.buffer(2500.0)
    centre = shapely.intersection(LineString(river.centre), reach)
    bend = Waves(rng, count=8, wavelength_m=(5000.0, 12_000.0), amplitude=BEND_M)
    bend_y = Waves(rng, count=8, wavelength_m=(5000.0, 12_000.0), amplitude=BEND_M)

    def displace(coords):
        distance = np.abs(coords[:, 1] - river.centre_y(coords[:, 0]))
        fade = np.clip((distance - CALM_NEAR_RIVER_M) / 1500.0, 0.0, 1.0)
        return coords + np.column_stack([bend(coords[:, 0], coords[:, 1]), bend_y(coords[:, 0], coords[:, 1])]) \
            * fade[:, None]

    lines = [outline.exterior, centre]
    for side in (1, -1):
        bank = seeds[seeds.side == side]
        cells = shapely.voronoi_polygons(MultiPoint(bank[["x", "y"]].to_numpy()),
                                         extend_to=shapely.box(-80_000, -80_000, 80_000, 80_000))
        edges = shapely.union_all(shapely.boundary(np.asarray(cells.geoms)))
        half = _half_plane(river, side).buffer(60.0)  # a little past the centreline, so borders meet it
        edges = shapely.intersection(edges, shapely.intersection(half, reach))
        bent = shapely.transform(shapely.segmentize(edges, 100.0), displace)
        lines.append(shapely.intersection(bent, reach))
    faces = shapely.get_parts(shapely.polygonize(shapely.get_parts(shapely.union_all(lines))))
    faces = faces[shapely.contains(outline, shapely.point_on_surface(faces))]

    # Each face belongs to the seed it contains, or else to the nearest seed on its bank.
    owner = np.full(len(faces), -1)
    moved = displace(seeds[["x", "y"]].to_numpy())
    seed_points = shapely.points(moved)
    for i, face in enumerate(faces):
        inside = np.flatnonzero(shapely.contains(face, seed_points))
        if len(inside):
            owner[i] = inside[0]
    for i in np.flatnonzero(owner < 0):
        p = shapely.point_on_surface(faces[i])
        same_bank = np.flatnonzero(seeds.side.to_numpy() == river.side(p.x, p.y))
        owner[i] = same_bank[np.argmin(np.hypot(moved[same_bank, 0] - p.x, moved[same_bank, 1] - p.y))]

    rows = []
    for k in np.unique(owner):
        geometry = shapely.union_all(faces[owner == k])
        rows.append({"name_zh": seeds.name_zh[k], "name_en": seeds.name_en[k], "geometry": geometry,
                     "x": moved[k, 0], "y": moved[k, 1]})
    districts = pd.DataFrame(rows)
    # adcodes run from the centre outwards, as a city numbers its old districts first
    order = np.argsort(np.hypot(districts.x, districts.y).to_numpy())
    districts = districts.iloc[order].reset_index(drop=True)
    districts.insert(2, "code", [f"{ADCODE_PREFIX}{i:02d}" for i in range(1, len(districts) + 1)])
    districts["area_km2"] = np.round(shapely.area(districts.geometry.to_numpy()) / 1e6, 2)
    return districts.drop(columns=["x", "y"])


def _half_plane(river: River, side: int) -> Polygon:
    """The land on one side of the river's centreline (as a large polygon)."""
    far = 80_000.0 * side
    x0, x1 = river.centre[0, 0], river.centre[-1, 0]
    ring = np.vstack([river.centre, [(x1, far), (x0, far)]])
    return shapely.make_valid(Polygon(ring))

