"""Frames read from a file become display-CRS layers: one per geometry kind, reprojected once.

Geographic data is checked for coordinates out of range (swapped or projected data
under a wrong CRS), clamped to Web Mercator's square world, and GCJ-02 offsets are
removed when asked for.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np

from console import ConsoleWarning
from console.errors import InputError
from console.geo.crs import crs_label, gcj02_to_wgs84, resolve_crs, to_display, transformer
from console.model.layer import DISPLAY_CRS, GeometryKind, VectorLayer

__all__ = ["geometries_to_layers", "points_to_layer", "to_layers"]

# shapely type ids -> layer kind; GeometryCollection (7) has none.
_KIND_BY_TYPE_ID = {
    0: GeometryKind.POINT,
    4: GeometryKind.POINT,
    1: GeometryKind.LINE,
    2: GeometryKind.LINE,
    5: GeometryKind.LINE,
    3: GeometryKind.POLYGON,
    6: GeometryKind.POLYGON,
}
# Web Mercator is undefined at the poles; geographic data is clamped to its square world.
_MERCATOR_MAX_LAT = 85.0511287798066


def to_layers(path: Path, fmt: str, layer_name: str, base: str, frame, source_crs, gcj02: bool) -> list[VectorLayer]:
    """One ``VectorLayer`` per geometry kind in ``frame``, reprojected from ``source_crs`` to the display CRS."""
    import geopandas as gpd

    attributes = frame.drop(columns=frame.geometry.name)

    def frame_layer(rows: np.ndarray, geoms: np.ndarray) -> dict:
        layer_frame = gpd.GeoDataFrame(attributes.iloc[rows].reset_index(drop=True), geometry=geoms, crs=DISPLAY_CRS)
        return {"frame": layer_frame}

    return _layers_by_kind(path, fmt, layer_name, base, np.asarray(frame.geometry.values), source_crs, gcj02,
                           frame_layer)


def geometries_to_layers(path: Path, fmt: str, layer_name: str, base: str, geometries: np.ndarray, table,
                         source_crs, gcj02: bool) -> list[VectorLayer]:
    """``to_layers`` for geometries read without a frame (a shapely array and an attribute
    table with ``take``): the same checks and split by kind, no frame built."""

    def array_layer(rows: np.ndarray, geoms: np.ndarray) -> dict:
        return {"frame": None, "geometry": geoms, "table": table.take(rows)}

    return _layers_by_kind(path, fmt, layer_name, base, geometries, source_crs, gcj02, array_layer)


def _layers_by_kind(path: Path, fmt: str, layer_name: str, base: str, geoms: np.ndarray, source_crs, gcj02: bool,
                    make) -> list[VectorLayer]:
    import shapely

    if len(geoms) == 0:
        raise InputError(path, f"layer {layer_name!r} is empty (no features)")
    if source_crs is None:
        hint = " (the .prj file is missing)" if fmt == "Shapefile" else ""
        raise InputError(
            path, f"layer {layer_name!r} has no CRS{hint}; say which with crs=, e.g. crs = \"EPSG:4490\""
        )
    crs = resolve_crs(source_crs, str(path))
    type_ids = shapely.get_type_id(geoms)
    usable = (type_ids >= 0) & (type_ids != 7) & ~shapely.is_empty(geoms)
    dropped = int((~usable).sum())
    _check_dropped(path, layer_name, dropped, len(geoms), stacklevel=5)  # via to_layers
    geoms = _reproject(path, layer_name, geoms, usable, crs, gcj02)
    kind_of_row = np.full(len(geoms), None, dtype=object)
    for type_id, kind in _KIND_BY_TYPE_ID.items():
        kind_of_row[type_ids == type_id] = kind
    present = [kind for kind in GeometryKind if np.any(usable & (kind_of_row == kind))]
    layers = []
    for kind in present:
        rows = np.flatnonzero(usable & (kind_of_row == kind))
        kind_geoms = geoms[rows]
        if kind is GeometryKind.POINT:
            kind_geoms = _single_points(kind_geoms)
        layers.append(
            VectorLayer(
                name=base if len(present) == 1 else f"{base}_{kind.value}",
                kind=kind,
                source=str(path),
                source_crs=crs_label(crs),
                **make(rows, kind_geoms),
            )
        )
    return layers


def points_to_layer(path: Path, fmt: str, layer_name: str, base: str, columns, source_crs,
                    gcj02: bool) -> list[VectorLayer]:
    """``to_layers`` for a layer read as coordinate arrays (``gdal_layers.PointColumns``):
    the same checks and messages, with whole arrays reprojected at once and the
    attributes left columnar."""
    n = len(columns.x)
    if n == 0:
        raise InputError(path, f"layer {layer_name!r} is empty (no features)")
    if source_crs is None:
        raise InputError(
            path, f"layer {layer_name!r} has no CRS; say which with crs=, e.g. crs = \"EPSG:4490\""
        )
    crs = resolve_crs(source_crs, str(path))
    usable = ~(np.isnan(columns.x) | np.isnan(columns.y))  # null and empty points read as NaN
    dropped = int(n - np.count_nonzero(usable))
    _check_dropped(path, layer_name, dropped, n)
    x, y, table = columns.x, columns.y, columns.table
    if dropped:
        rows = np.flatnonzero(usable)
        x, y, table = x[rows], y[rows], table.take(rows)
    if crs.is_geographic:
        _check_geographic_range(path, layer_name, (x.min(), y.min(), x.max(), y.max()), crs)
    x, y = _display_xy(path, x, y, crs, gcj02)
    return [VectorLayer(name=base, kind=GeometryKind.POINT, frame=None, source=str(path),
                        source_crs=crs_label(crs), xy=(x, y), table=table)]


def _single_points(geoms: np.ndarray) -> np.ndarray:
    """One-part MultiPoints become Points, so a point layer has one coordinate per row."""
    import shapely

    single = (shapely.get_type_id(geoms) == 4) & (shapely.get_num_geometries(geoms) == 1)
    if single.any():
        geoms = geoms.copy()
        geoms[single] = shapely.get_geometry(geoms[single], 0)
    return geoms


def _reproject(path: Path, layer_name: str, geoms: np.ndarray, usable: np.ndarray, crs, gcj02: bool) -> np.ndarray:
    import shapely

    if crs.is_geographic:
        _check_geographic_range(path, layer_name, shapely.total_bounds(geoms[usable]), crs)

    def to_display_xy(coords: np.ndarray) -> np.ndarray:
        return np.column_stack(_display_xy(path, coords[:, 0], coords[:, 1], crs, gcj02))

    out = geoms.copy()
    out[usable] = shapely.transform(geoms[usable], to_display_xy)
    return out


def _display_xy(path: Path, x: np.ndarray, y: np.ndarray, crs, gcj02: bool) -> tuple[np.ndarray, np.ndarray]:
    """Whole coordinate arrays from ``crs`` into the display CRS (GCJ-02 removed when asked)."""
    if gcj02 or crs.is_geographic:
        if not crs.is_geographic:
            x, y = transformer(crs, "EPSG:4326", name=str(path)).transform(x, y)
            lonlat_crs = "EPSG:4326"
        else:
            lonlat_crs = crs
        if gcj02:
            x, y = gcj02_to_wgs84(x, y)
        y = np.clip(y, -_MERCATOR_MAX_LAT, _MERCATOR_MAX_LAT)
        return to_display(x, y, lonlat_crs, source=str(path))
    return to_display(x, y, crs, source=str(path))


def _check_geographic_range(path: Path, layer_name: str, bounds, crs) -> None:
    min_x, min_y, max_x, max_y = (float(v) for v in bounds)
    if min_x < -180.0 or max_x > 180.0 or min_y < -90.0 or max_y > 90.0:
        raise InputError(
            path,
            f"layer {layer_name!r}: coordinates x {min_x:.6g}..{max_x:.6g}, y {min_y:.6g}..{max_y:.6g} are out of "
            f"range for the geographic CRS {crs_label(crs)} (longitude -180..180, latitude -90..90); "
            f"are x and y swapped, or is the data projected under a wrong CRS?",
        )


def _check_dropped(path, layer_name: str, dropped: int, total: int, stacklevel: int = 4) -> None:
    """A layer with no usable geometry is an error; one with some unusable features a warning."""
    if dropped == total:
        raise InputError(path, f"layer {layer_name!r} has no usable geometry (all {dropped} are empty or missing)")
    if dropped:
        warnings.warn(
            f"{path}: layer {layer_name!r}: skipped {dropped} feature(s) with empty, missing or mixed-collection geometry",
            ConsoleWarning,
            stacklevel=stacklevel,  # the reader's caller: through this helper and the ones above it
        )
