"""Geometry helpers for the demo city, all in a local metric frame (metres, x east, y north).

Everything here is vectorised over NumPy arrays of coordinates or of shapely
geometries; the few Python loops run over lines, never over points.
"""

from __future__ import annotations

import numpy as np
import shapely
from shapely import LineString, Polygon


class Waves:
    """A smooth random field on the plane: a sum of plane waves with seeded directions.

    Parameters
    ----------
    rng : numpy.random.Generator
        Source of the directions, wavelengths and phases.
    count : int
        Number of plane waves; more waves give a less regular pattern.
    wavelength_m : tuple of float
        Range the wavelengths are drawn from.
    amplitude : float
        Standard deviation of the field.
    """

    def __init__(self, rng: np.random.Generator, count: int = 8, wavelength_m=(2000.0, 8000.0),
                 amplitude: float = 1.0):
        angle = rng.uniform(0.0, np.pi, count)
        wavenumber = 2.0 * np.pi / rng.uniform(*wavelength_m, count)
        self.kx = wavenumber * np.cos(angle)
        self.ky = wavenumber * np.sin(angle)
        self.phase = rng.uniform(0.0, 2.0 * np.pi, count)
        self.scale = amplitude * np.sqrt(2.0 / count)

    def __call__(self, x, y) -> np.ndarray:
        x = np.asarray(x, dtype=float)[..., None]
        y = np.asarray(y, dtype=float)[..., None]
        return self.scale * np.cos(x * self.kx + y * self.ky + self.phase).sum(axis=-1)


def wiggle(rng: np.random.Generator, t, count: int = 4, period=(0.15, 0.5)) -> np.ndarray:
    """A smooth function of ``t`` with values roughly in [-1, 1] (a few random sines)."""
    t = np.asarray(t, dtype=float)[..., None]
    frequency = 1.0 / rng.uniform(*period, count)
    phase = rng.uniform(0.0, 2.0 * np.pi, count)
    weight = rng.uniform(0.5, 1.0, count)
    return (weight * np.sin(2.0 * np.pi * frequency * t + phase)).sum(axis=-1) / weight.sum()


def polar_shape(rng: np.random.Generator, cx: float, cy: float, rx: float, ry: float, *,
                roughness: float = 0.1, harmonics: int = 6, rotation: float = 0.0,
                points: int = 360) -> Polygon:
    """A closed blob: an ellipse whose radius varies by low harmonics of the angle.

    ``roughness`` is the relative radius variation; harmonic k gets weight 1/k so
    the outline stays smooth.
    """
    theta = np.linspace(0.0, 2.0 * np.pi, points, endpoint=False)
    return Polygon(np.column_stack(polar_ring(rng, theta, cx, cy, rx, ry, roughness=roughness,
                                              harmonics=harmonics, rotation=rotation)))


def polar_ring(rng, theta, cx, cy, rx, ry, *, roughness=0.1, harmonics=6, rotation=0.0):
    """Coordinates (x, y) of a rough ellipse at the angles ``theta``."""
    k = np.arange(2, 2 + harmonics)
    amplitude = rng.uniform(0.4, 1.0, harmonics) / k
    amplitude *= roughness / amplitude.sum()
    phase = rng.uniform(0.0, 2.0 * np.pi, harmonics)
    factor = 1.0 + (amplitude * np.sin(np.outer(theta, k) + phase)).sum(axis=1)
    x = rx * factor * np.cos(theta)
    y = ry * factor * np.sin(theta)
    c, s = np.cos(rotation), np.sin(rotation)
    return cx + c * x - s * y, cy + s * x + c * y


def left_normals(coords: np.ndarray) -> np.ndarray:
    """Unit normals pointing left of the direction of travel, one per vertex."""
    tangent = np.gradient(coords, axis=0)
    tangent /= np.linalg.norm(tangent, axis=1, keepdims=True)
    return np.column_stack([-tangent[:, 1], tangent[:, 0]])


def resample(coords: np.ndarray, step_m: float) -> np.ndarray:
    """The polyline ``coords`` resampled at (nearly) equal spacing of at most ``step_m``."""
    seg = np.linalg.norm(np.diff(coords, axis=0), axis=1)
    along = np.concatenate([[0.0], np.cumsum(seg)])
    n = max(2, int(np.ceil(along[-1] / step_m)) + 1)
    at = np.linspace(0.0, along[-1], n)
    return np.column_stack([np.interp(at, along, coords[:, 0]), np.interp(at, along, coords[:, 1])])


def sinuous_path(rng: np.random.Generator, start, end, *, amplitude_m: float, step_m: float = 50.0,
                 waves: int = 3) -> np.ndarray:
    """A meandering path from ``start`` to ``end`` that leaves and arrives straight."""
    start = np.asarray(start, dtype=float)
    end = np.asarray(end, dtype=float)
    length = float(np.linalg.norm(end - start))
    n = max(3, int(length / step_m) + 1)
    t = np.linspace(0.0, 1.0, n)
    direction = (end - start) / length
    normal = np.array([-direction[1], direction[0]])
    taper = np.sin(np.pi * t)  # zero at both ends
    lateral = amplitude_m * taper * wiggle(rng, t, count=waves, period=(0.25, 0.7))
    return start + np.outer(t * length, direction) + np.outer(lateral, normal)


def line_parts(geometries) -> tuple[np.ndarray, np.ndarray]:
    """Explode (multi)lines into LineStrings; returns (lines, index of the source geometry).

    Points and empty parts that overlays sometimes leave behind are dropped.
    """
    parts, source = shapely.get_parts(np.asarray(geometries, dtype=object), return_index=True)
    keep = (shapely.get_type_id(parts) == 1) & ~shapely.is_empty(parts)
    return parts[keep], source[keep]


def polygon_parts(geometries) -> tuple[np.ndarray, np.ndarray]:
    """Explode (multi)polygons into Polygons; returns (polygons, index of the source geometry)."""
    parts, source = shapely.get_parts(np.asarray(geometries, dtype=object), return_index=True)
    keep = (shapely.get_type_id(parts) == 3) & ~shapely.is_empty(parts)
    return parts[keep], source[keep]


def split_lines(lines, max_length_m: float) -> tuple[np.ndarray, np.ndarray]:
    """Cut each line into equal pieces no longer than ``max_length_m``.

    Returns (pieces, index of the source line). Lines already short enough are kept whole.
    """
    lines = np.asarray(lines, dtype=object)
    lengths = shapely.length(lines)
    pieces_per_line = np.maximum(1, np.ceil(lengths / max_length_m).astype(int))
    out: list[LineString] = []
    source: list[int] = []
    for i in np.flatnonzero(pieces_per_line == 1):
        out.append(lines[i])
        source.append(int(i))
    for i in np.flatnonzero(pieces_per_line > 1):
        coords = shapely.get_coordinates(lines[i])
        along = np.concatenate([[0.0], np.cumsum(np.linalg.norm(np.diff(coords, axis=0), axis=1))])
        cuts = np.linspace(0.0, along[-1], pieces_per_line[i] + 1)
        cut_xy = np.column_stack([np.interp(cuts, along, coords[:, 0]), np.interp(cuts, along, coords[:, 1])])
        for k in range(pieces_per_line[i]):
            inner = (along > cuts[k]) & (along < cuts[k + 1])
            out.append(LineString(np.vstack([cut_xy[k], coords[inner], cut_xy[k + 1]])))
            source.append(int(i))
    order = np.argsort(np.asarray(source), kind="stable")
    return np.asarray(out, dtype=object)[order], np.asarray(source, dtype=np.int64)[order]


def points_along(lines, count: int, rng: np.random.Generator, *, lateral_m=(0.0, 0.0),
                 margin: float = 0.02) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``count`` random points on ``lines``, each line chosen with probability by length.

    Each point is pushed sideways by a distance drawn from ``lateral_m`` to a random
    side. Returns (x, y, index of the line the point belongs to).
    """
    lines = np.asarray(lines, dtype=object)
    lengths = shapely.length(lines)
    which = rng.choice(len(lines), size=count, p=lengths / lengths.sum())
    fraction = rng.uniform(margin, 1.0 - margin, count)
    x, y, tx, ty = point_and_tangent(lines[which], fraction, lengths[which])
    offset = rng.uniform(*lateral_m, count) * rng.choice([-1.0, 1.0], count)
    return x - ty * offset, y + tx * offset, which


def points_spaced(lines, spacing_m: float, *, lateral_m: float = 0.0) -> tuple[np.ndarray, ...]:
    """Points every ``spacing_m`` along each line (at least one per line, centred).

    Returns (x, y, index of the line, rank of the point along its line).
    """
    lines = np.asarray(lines, dtype=object)
    lengths = shapely.length(lines)
    per_line = np.maximum(1, np.floor(lengths / spacing_m).astype(int))
    which = np.repeat(np.arange(len(lines)), per_line)
    rank = np.arange(len(which)) - np.repeat(np.cumsum(per_line) - per_line, per_line)
    fraction = (rank + 0.5) / per_line[which]
    x, y, tx, ty = point_and_tangent(lines[which], fraction, lengths[which])
    return x - ty * lateral_m, y + tx * lateral_m, which, rank


def point_and_tangent(lines, fraction, lengths):
    """Point at ``fraction`` of each line (of the given lengths) and the unit tangent there.

    Returns (x, y, tangent x, tangent y).
    """
    step = np.minimum(1.0, 5.0 / np.maximum(lengths, 1.0))
    here = shapely.get_coordinates(shapely.line_interpolate_point(lines, fraction, normalized=True))
    ahead = shapely.get_coordinates(
        shapely.line_interpolate_point(lines, np.minimum(1.0, fraction + step), normalized=True))
    behind = shapely.get_coordinates(
        shapely.line_interpolate_point(lines, np.maximum(0.0, fraction - step), normalized=True))
    tangent = ahead - behind
    tangent /= np.maximum(np.linalg.norm(tangent, axis=1, keepdims=True), 1e-9)
    return here[:, 0], here[:, 1], tangent[:, 0], tangent[:, 1]


def thin_points(x, y, min_distance_m: float, order=None) -> np.ndarray:
    """Indices of a subset of points no two of which are closer than ``min_distance_m``.

    Points are considered in ``order`` (default: as given); a point is kept when no
    already kept point is near it. Uses a grid of cells of the minimum distance.
    """
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    order = np.arange(len(x)) if order is None else np.asarray(order)
    cells: dict[tuple[int, int], list[int]] = {}
    kept: list[int] = []
    d2 = min_distance_m * min_distance_m
    for i in order:
        cx, cy = int(np.floor(x[i] / min_distance_m)), int(np.floor(y[i] / min_distance_m))
        near = False
        for gx in (cx - 1, cx, cx + 1):
            for gy in (cy - 1, cy, cy + 1):
                for j in cells.get((gx, gy), ()):
                    if (x[i] - x[j]) ** 2 + (y[i] - y[j]) ** 2 < d2:
                        near = True
                        break
                if near:
                    break
            if near:
                break
        if not near:
            cells.setdefault((cx, cy), []).append(int(i))
            kept.append(int(i))
    return np.asarray(kept, dtype=np.int64)
