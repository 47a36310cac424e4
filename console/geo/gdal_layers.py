"""Layers of the files GDAL reads (GeoJSON, GeoPackage, Shapefile, FlatGeobuf), through pyogrio.

Frames are read through Arrow (``use_arrow=True``): GDAL hands over whole columns
instead of one feature at a time (``bench/bench_readers.py`` measures both). Layers
of plain 2D points skip the frame altogether (``read_point_columns``): their WKB is
parsed into two coordinate arrays and the attributes stay an Arrow table, so a
million points cost no shapely object each. Every GDAL failure becomes an
``InputError`` that names the file and the problem. (GeoPackages come here only
when ``geopackage`` does not read them itself: importing pyogrio imports pandas
and geopandas.)
"""

from __future__ import annotations

import functools
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from console.errors import InputError
from console.geo.shapefile import dbf_undecodable, sidecar

__all__ = [
    "USE_ARROW",
    "PointColumns",
    "check_layer_exists",
    "gdal_errors",
    "read_frame",
    "read_point_columns",
    "spatial_layer_names",
]

# Read frames through Arrow; False reads them feature by feature (the benchmark compares both).
USE_ARROW = True


@functools.lru_cache(maxsize=32)
def _layer_listing(path: str, mtime_ns: int, size: int):
    """pyogrio's layer listing, kept while the file is unchanged (a catalog reads
    twenty layers from one GeoPackage)."""
    import pyogrio

    return pyogrio.list_layers(path)


def spatial_layer_names(path: Path, fmt: str, layer: str | None) -> list[str]:
    """``[layer]`` when it exists and has geometry, else every layer with geometry."""
    with gdal_errors(path, fmt):
        stat = path.stat()
        listed = _layer_listing(str(path), stat.st_mtime_ns, stat.st_size)
    spatial = [str(name) for name, geometry_type in listed if geometry_type is not None]
    if layer is not None:
        check_layer_exists(path, fmt, layer, listed)
        if layer not in spatial:
            raise InputError(path, f"layer {layer!r} has no geometry column (an attribute-only table)")
        return [layer]
    if not spatial:
        raise InputError(path, "holds no layer with geometry")
    return spatial


def listed_geometry_type(path: Path, layer_name: str) -> str | None:
    """The geometry type GDAL lists for a layer (from the cached listing), or None."""
    stat = path.stat()
    for name, geometry_type in _layer_listing(str(path), stat.st_mtime_ns, stat.st_size):
        if str(name) == layer_name:
            return geometry_type
    return None


@dataclass
class PointColumns:
    """A point layer read into arrays: x, y in the source CRS (NaN for missing or empty
    points) and the attributes as a ``pyarrow.Table`` without geometry."""

    x: np.ndarray
    y: np.ndarray
    table: object
    crs: str | None


# WKB of a 2D point: byte order (1), type (uint32), x, y (float64).
_WKB_POINT_BYTES = 21


def read_point_columns(path: Path, fmt: str, layer_name: str, encoding: str | None) -> PointColumns | None:
    """A layer of 2D points straight into coordinate arrays, no shapely object per point.

    Returns None when the layer is not that simple (other geometry types, 3D points,
    date/time or JSON fields, text not valid in its encoding): ``read_frame`` reads it then.
    """
    if not USE_ARROW or fmt == "Shapefile" or listed_geometry_type(path, layer_name) != "Point":
        return None
    import pyarrow
    import pyogrio

    with gdal_errors(path, fmt, encoding):
        try:
            meta, table = pyogrio.read_arrow(str(path), layer=layer_name, encoding=encoding)
        except pyarrow.ArrowException:
            return None
    if any(str(dtype).startswith("datetime") for dtype in meta["dtypes"]) or "OFSTJSON" in meta["ogr_subtypes"]:
        return None
    geometry_name = meta["geometry_name"] or "wkb_geometry"
    if geometry_name not in table.column_names:
        return None
    xy = _wkb_points(table.column(geometry_name))
    if xy is None:
        return None
    table = table.drop_columns([geometry_name])
    for column in table.columns:
        if pyarrow.types.is_string(column.type) or pyarrow.types.is_large_string(column.type):
            try:
                column.validate(full=True)
            except pyarrow.ArrowInvalid:
                return None
    return PointColumns(xy[0], xy[1], table, meta["crs"])


def _wkb_points(column) -> tuple[np.ndarray, np.ndarray] | None:
    """x, y of a WKB column holding only 2D points (NaN where null), else None."""
    import pyarrow

    if not pyarrow.types.is_binary(column.type):
        return None
    n = len(column)
    x = np.full(n, np.nan)
    y = np.full(n, np.nan)
    start = 0
    for chunk in column.chunks:
        count = len(chunk)
        valid = ~np.asarray(chunk.is_null(), dtype=bool)
        offsets = np.frombuffer(chunk.buffers()[1], dtype=np.int32)[chunk.offset:chunk.offset + count + 1]
        lengths = np.diff(offsets)
        if np.any(lengths[valid] != _WKB_POINT_BYTES) or np.any(lengths[~valid] != 0):
            return None
        rows = np.flatnonzero(valid)
        if len(rows):
            # Nulls take no bytes, so the valid records lie back to back: one (rows, 21) block.
            data = np.frombuffer(chunk.buffers()[2], dtype=np.uint8)
            block = data[offsets[0]:offsets[0] + _WKB_POINT_BYTES * len(rows)].reshape(-1, _WKB_POINT_BYTES)
            if np.any(block[:, 0] != 1):
                return None  # big-endian WKB: rare enough to leave to shapely
            if np.any(np.ascontiguousarray(block[:, 1:5]).view("<u4")[:, 0] != 1):
                return None  # not a 2D point
            x[start + rows] = np.ascontiguousarray(block[:, 5:13]).view("<f8")[:, 0]
            y[start + rows] = np.ascontiguousarray(block[:, 13:21]).view("<f8")[:, 0]
        start += count
    return x, y


def check_layer_exists(path: Path, fmt: str, layer: str, listed=None) -> None:
    """Fail naming the layers there are when ``layer`` is not one of them."""
    import pyogrio

    if listed is None:
        with gdal_errors(path, fmt):
            listed = pyogrio.list_layers(str(path))
    names = [str(row[0]) for row in listed]
    if layer not in names:
        raise InputError(path, f"no layer named {layer!r}; the layers are: {', '.join(names) or '(none)'}")


def read_frame(path: Path, fmt: str, layer_name: str, encoding: str | None, *, read_geometry: bool = True):
    """One layer as a GeoDataFrame in its own CRS, 2D, attributes decoded with ``encoding``
    (a plain DataFrame of the attributes with ``read_geometry=False``)."""
    import pyogrio

    with gdal_errors(path, fmt, encoding):
        if USE_ARROW:
            import pyarrow

            try:
                frame = pyogrio.read_dataframe(str(path), layer=layer_name, encoding=encoding, force_2d=True,
                                               use_arrow=True, read_geometry=read_geometry)
            except pyarrow.ArrowException:
                frame = None
            if frame is not None and _text_is_valid(frame):
                return frame
            # Text not valid in its encoding: Arrow passes the bytes on undecoded (or fails
            # without saying where), so read feature by feature, which fails naming the field.
        return pyogrio.read_dataframe(str(path), layer=layer_name, encoding=encoding, force_2d=True,
                                      read_geometry=read_geometry)


def _text_is_valid(frame) -> bool:
    """Whether every Arrow-backed text column holds valid UTF-8 (GDAL does not check)."""
    import pandas as pd
    import pyarrow

    for name in frame.columns:
        values = frame[name].array
        if isinstance(frame[name].dtype, pd.StringDtype) and hasattr(values, "__arrow_array__"):
            try:
                values.__arrow_array__().validate(full=True)
            except pyarrow.ArrowInvalid:
                return False
    return True


@contextmanager
def gdal_errors(path: Path, fmt: str, encoding: str | None = None):
    """Turn pyogrio/GDAL failures into InputErrors that name the file and the problem."""
    import pyogrio.errors as ogr_errors

    try:
        yield
    except UnicodeDecodeError as exc:
        raise _decode_error(path, fmt, encoding, exc) from None
    except ogr_errors.CRSError as exc:
        raise InputError(path, f"its CRS cannot be understood: {_gdal_message(exc, path)}") from None
    except (
        ogr_errors.DataSourceError,
        ogr_errors.DataLayerError,
        ogr_errors.FieldError,
        ogr_errors.GeometryError,
        ogr_errors.FeatureError,
    ) as exc:
        raise InputError(path, f"cannot be read as {fmt} (corrupt or not a {fmt} file): {_gdal_message(exc, path)}") from None


def _gdal_message(exc: Exception, path: Path) -> str:
    """The first useful sentence of a GDAL message, without the path it repeats."""
    text = str(exc).split("; It might help")[0]
    for form in (f"'{path}'", str(path), f"'{path.name}'", path.name):
        text = text.replace(form, "").strip()
    parts: list[str] = []
    for part in text.split("; "):
        part = part.strip().lstrip(":; ").rstrip(".")
        if part.startswith("sqlite3_") and "failed: " in part:
            part = part.rsplit("failed: ", 1)[1]  # keep SQLite's verdict, not the SQL GDAL ran
        if part and part not in parts:
            parts.append(part)
    text = "; ".join(parts)
    return (text[:300] + " ...") if len(text) > 300 else (text or type(exc).__name__)


def _decode_error(path: Path, fmt: str, encoding: str | None, exc: UnicodeDecodeError) -> InputError:
    used = encoding or "UTF-8"
    cpg = sidecar(path, ".cpg") if fmt == "Shapefile" else None
    if encoding is None and cpg is not None:
        used = cpg.read_text(encoding="ascii", errors="replace").strip() or used
    if fmt == "Shapefile":
        dbf = sidecar(path, ".dbf")
        bad = dbf_undecodable(dbf, used) if dbf else None
        if bad is not None:
            field, record = bad
            return InputError(
                path,
                f"text in field {field!r} (record {record + 1}) is not valid {used}; "
                f"give the right encoding, e.g. encoding = \"GBK\"",
            )
    return InputError(path, f"text is not valid {used} ({exc.reason}); give the right encoding, e.g. encoding = \"GBK\"")
