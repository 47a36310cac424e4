"""The ground the demo city stands on: its outline, the main river, tributaries and lakes."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely
from shapely import LineString, Polygon

from console.demo.shapes import left_normals, line_parts, polar_ring, polar_shape, sinuous_path, wiggle

CITY_HALF_WIDTH_M = 19_500.0  # the outline spans about 40 km east-west ...
CITY_HALF_HEIGHT_M = 14_500.0  # ... and 30 km north-south
RIVER_SLOPE = 0.3  # the main river runs from south-west to north-east
RIVER_WIDTH_M = (300.0, 800.0)


def make_outline(rng: np.random.Generator) -> Polygon:
    """The city's irregular outline, centred on the origin."""
    theta = np.linspace(0.0, 2.0 * np.pi, 720, endpoint=False)
    x, y = polar_ring(rng, theta, 0.0, 0.0, CITY_HALF_WIDTH_M, CITY_HALF_HEIGHT_M, roughness=0.1, harmonics=7)
    return Polygon(np.column_stack([x, y]))


@dataclass
class River:
    """The main river: a centreline that is a function of x, and a width along it.

    Attributes
    ----------
    centre : numpy.ndarray
        (n, 2) centreline vertices in local metres, x strictly increasing (the river flows east).
    half_width : numpy.ndarray
        (n,) half the river's width at each vertex, metres.
    polygon : shapely.Polygon
        The water surface, reaching beyond the city outline.
    """

    centre: np.ndarray  # (n, 2), x strictly increasing
    half_width: np.ndarray  # (n,) metres
    polygon: Polygon  # water surface, not clipped to the outline

    @property
    def axis_angle(self) -> float:
        """Direction of the river's general course, radians from east."""
        return float(np.arctan(RIVER_SLOPE))

    def centre_y(self, x) -> np.ndarray:
        return np.interp(x, self.centre[:, 0], self.centre[:, 1])

    def side(self, x, y) -> np.ndarray:
        """+1 north of the centreline (left bank, the river flows east), -1 south."""
        return np.where(np.asarray(y) >= self.centre_y(x), 1, -1)

    def offset_line(self, distance_m: float, beyond_bank: bool = False) -> np.ndarray:
        """A line parallel to the centreline; + is north. ``beyond_bank``: measured from the bank."""
        normal = left_normals(self.centre)
        reach = np.full(len(self.centre), abs(distance_m))
        if beyond_bank:
            reach = reach + self.half_width
        return self.centre + normal * (np.sign(distance_m) * reach)[:, None]

    def point_at(self, x: float) -> tuple[np.ndarray, np.ndarray, float]:
        """(point on the centreline at ``x``, unit left normal there, half width there)."""
        i = int(np.clip(np.searchsorted(self.centre[:, 0], x), 1, len(self.centre) - 2))
        normal = left_normals(self.centre[i - 1:i + 2])[1]
        return self.centre[i], normal, float(self.half_width[i])


def make_river(rng: np.random.Generator) -> River:
    """A meandering main river crossing the whole city, 300-800 m wide."""
    x = np.arange(-34_000.0, 34_001.0, 50.0)
    amp1, amp2 = rng.uniform(1400.0, 2000.0), rng.uniform(400.0, 700.0)
    len1, len2 = rng.uniform(20_000.0, 26_000.0), rng.uniform(8_000.0, 11_000.0)
    ph1, ph2 = rng.uniform(0, 2 * np.pi, 2)

    def course(xs):
        return (RIVER_SLOPE * xs + amp1 * np.sin(2 * np.pi * xs / len1 + ph1)
                + amp2 * np.sin(2 * np.pi * xs / len2 + ph2))

    y = course(x) - course(np.array([0.0]))[0]  # the river runs through the city centre
    centre = np.column_stack([x, y])
    low, high = RIVER_WIDTH_M
    width = low + (high - low) * (0.5 + 0.5 * wiggle(rng, x / 68_000.0, count=4, period=(0.09, 0.25)))
    half_width = np.clip(width, low, high) / 2.0
    normal = left_normals(centre)
    left = centre + normal * half_width[:, None]
    right = centre - normal * half_width[:, None]
    polygon = shapely.make_valid(Polygon(np.vstack([left, right[::-1]])))
    return River(centre=centre, half_width=half_width, polygon=polygon)


# side (+1 north), start direction (degrees from east), junction x on the main river (km)
TRIBUTARY_LAYOUT = [(1, 118.0, -8.5), (-1, 245.0, -4.0), (1, 62.0, 9.5), (-1, 302.0, 12.5), (1, 168.0, -16.0)]


def make_tributaries(rng: np.random.Generator, outline: Polygon, river: River, names) -> list[dict]:
    """Tributaries from beyond the outline to the main river's bank, as lines."""
    out = []
    for (side, angle_deg, junction_km), (name_zh, name_en) in zip(TRIBUTARY_LAYOUT, names, strict=False):
        angle = np.radians(angle_deg + rng.uniform(-8.0, 8.0))
        start = np.array([np.cos(angle) * 2.2 * CITY_HALF_WIDTH_M, np.sin(angle) * 2.2 * CITY_HALF_HEIGHT_M])
        start = _ray_exit(outline, start) * 1.05
        junction_x = 1000.0 * junction_km + rng.uniform(-1500.0, 1500.0)
        end = np.array([junction_x, float(river.centre_y(junction_x))])
        path = sinuous_path(rng, start, end, amplitude_m=rng.uniform(500.0, 900.0), step_m=40.0)
        line = shapely.intersection(shapely.difference(LineString(path), river.polygon), outline)
        parts, _ = line_parts([line])
        if not len(parts):
            continue
        # keep the piece that reaches the river: the longest one on the tributary's own side
        mids = shapely.get_coordinates(shapely.line_interpolate_point(parts, 0.5, normalized=True))
        on_side = river.side(mids[:, 0], mids[:, 1]) == side
        if not on_side.any():
            continue
        lengths = np.where(on_side, shapely.length(parts), 0.0)
        out.append({"name_zh": name_zh, "name_en": name_en, "class": "tributary",
                    "geometry": parts[int(np.argmax(lengths))]})
    return out


def _ray_exit(outline: Polygon, far_point: np.ndarray) -> np.ndarray:
    """Where the ray from the origin towards ``far_point`` leaves the outline."""
    crossing = shapely.intersection(LineString([(0.0, 0.0), tuple(far_point)]), outline.exterior)
    coords = shapely.get_coordinates(crossing)
    return coords[np.argmax(np.hypot(coords[:, 0], coords[:, 1]))]


def place_lakes(rng: np.random.Generator, outline: Polygon, avoid, count: int) -> list[Polygon]:
    """``count`` lakes inside the outline, clear of ``avoid`` (river, tributaries, main roads).

    The first lake is the large one; sizes shrink when a lake does not fit.
    """
    lakes: list[Polygon] = []
    inner = outline.buffer(-2500.0)
    minx, miny, maxx, maxy = inner.bounds
    blocked = avoid.buffer(350.0)
    shapely.prepare(blocked)
    shapely.prepare(inner)
    for k in range(count):
        radius = rng.uniform(1700.0, 2200.0) if k == 0 else rng.uniform(700.0, 1300.0)
        for _attempt in range(600):
            cx, cy = rng.uniform(minx, maxx), rng.uniform(miny, maxy)
            aspect = rng.uniform(0.55, 0.9)
            lake = polar_shape(rng, cx, cy, radius, radius * aspect, roughness=0.22, harmonics=5,
                               rotation=rng.uniform(0, np.pi), points=180)
            if inner.contains(lake) and not blocked.intersects(lake):
                lakes.append(lake)
                blocked = shapely.union(blocked, lake.buffer(1200.0))
                shapely.prepare(blocked)
                break
            radius *= 0.995
    return lakes
