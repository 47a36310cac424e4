"""Read GIS layers from local files into display-CRS ``VectorLayer`` objects.

Formats: GeoJSON, GeoPackage, Shapefile, FlatGeobuf (through pyogrio/GDAL) and
CSV with longitude/latitude columns (through pandas). Every problem with the
input becomes an ``InputError`` naming the file and what is wrong; no GDAL
message reaches the user unexplained.

Shapefile text encoding: an explicit ``encoding`` wins; otherwise a ``.cpg``
file decides; otherwise the code page byte (LDID) of the ``.dbf`` header, and
failing that whichever of UTF-8 and GBK decodes every text value.
"""

from __future__ import annotations

import functools
import io
import json
import math
import struct
import warnings
from contextlib import contextmanager
from pathlib import Path

import numpy as np

from console import ConsoleWarning
from console.errors import InputError
from console.geo.crs import crs_label, gcj02_to_wgs84, resolve_crs, to_display, transformer
from console.model.layer import DISPLAY_CRS, GeometryKind, VectorLayer

__all__ = ["FORMATS", "describe", "detect_dbf_encoding", "read_layers"]

FORMATS = {
    ".geojson": "GeoJSON",
    ".json": "GeoJSON",
    ".gpkg": "GeoPackage",
    ".shp": "Shapefile",
    ".fgb": "FlatGeobuf",
    ".csv": "CSV",
}

# Column names a CSV may use for its coordinates, in order of preference (docs/catalog.md).
CSV_X_NAMES = ("lon", "lng", "longitude", "x", "经度")
CSV_Y_NAMES = ("lat", "latitude", "y", "纬度")

# Code pages named by the language-driver byte of a dBASE header. Only unambiguous ones:
# 0x57 ("ANSI") means the writer's system code page, which is unknown here.
_LDID_CODEPAGES = {
    0x01: "CP437",
    0x02: "CP850",
    0x03: "CP1252",
    0x13: "CP932",
    0x4D: "CP936",
    0x4E: "CP949",
    0x4F: "CP950",
    0x7A: "CP936",
    0x7B: "CP932",
    0xC8: "CP1250",
    0xC9: "CP1251",
}
_GUESSED_ENCODINGS = ("UTF-8", "GBK", "GB18030")

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


def read_layers(
    path,
    *,
    layer: str | None = None,
    encoding: str | None = None,
    crs=None,
    gcj02: bool = False,
    x_field: str | None = None,
    y_field: str | None = None,
    name: str | None = None,
) -> list[VectorLayer]:
    """Read the layers of a GIS file, reprojected into the display CRS.

    Parameters
    ----------
    path
        A GeoJSON, GeoPackage, Shapefile, FlatGeobuf or CSV file.
    layer
        The layer inside a multi-layer source (GeoPackage); None reads every spatial layer.
    encoding
        Text encoding of a Shapefile ``.dbf`` or a CSV; wins over ``.cpg`` and detection.
    crs
        CRS assigned when the source carries none (CSV sources default to EPSG:4326).
        A CRS the source declares itself is kept.
    gcj02
        The coordinates are GCJ-02: remove the offset before display.
    x_field, y_field
        CSV coordinate columns (default: the first of lon/lng/longitude/x/经度 and lat/latitude/y/纬度).
    name
        Layer name (default: the layer name in the file, or the file stem).

    Returns
    -------
    list of VectorLayer
        One per source layer and geometry kind; a source holding several kinds gives
        one layer per kind, named ``<name>_<kind>``. Frames have a RangeIndex.

    Raises
    ------
    InputError
        Naming the file and what is wrong with it.
    """
    path = Path(path)
    fmt = _check_file(path)
    sources: list[tuple[str, object, object]] = []  # (layer name, frame, crs or None)
    if fmt == "CSV":
        frame = _read_csv(path, encoding, x_field, y_field)
        sources.append((path.stem, frame, crs if crs is not None else "EPSG:4326"))
    else:
        encoding = _encoding_for(path, fmt, encoding)
        layer_names = _spatial_layer_names(path, fmt, layer)
        for layer_name in layer_names:
            frame = _read_frame(path, layer_name, encoding)
            sources.append((layer_name, frame, frame.crs if frame.crs is not None else crs))

    layers: list[VectorLayer] = []
    for layer_name, frame, source_crs in sources:
        if name:
            base = name if len(sources) == 1 else f"{name}_{layer_name}"
        else:
            base = layer_name
        layers.extend(_to_layers(path, fmt, layer_name, base, frame, source_crs, gcj02))
    return layers


def describe(path, encoding: str | None = None, *, layer: str | None = None) -> list[dict]:
    """Summarise each layer of a GIS file without reading all of it.

    Returns one dict per layer with ``name``, ``driver``, ``crs``, ``geometry_type``,
    ``feature_count``, ``fields``, ``encoding`` and ``first_feature`` (the attributes
    of the first feature as JSON-able values, or None for an empty layer).
    """
    path = Path(path)
    fmt = _check_file(path)
    if fmt == "CSV":
        frame = _read_csv(path, encoding, None, None)
        return [
            {
                "name": path.stem,
                "driver": "CSV",
                "crs": "EPSG:4326",
                "geometry_type": "Point",
                "feature_count": len(frame),
                "fields": [c for c in frame.columns if c != "geometry"],
                "encoding": frame.attrs.get("encoding"),
                "first_feature": _first_attributes(frame.drop(columns="geometry")),
            }
        ]
    import pyogrio

    encoding = _encoding_for(path, fmt, encoding)
    names = [layer] if layer is not None else None
    if names is not None:
        _check_layer_exists(path, fmt, layer)
    else:
        with _gdal_errors(path, fmt):
            names = [str(row[0]) for row in pyogrio.list_layers(str(path))]
    result = []
    for layer_name in names:
        with _gdal_errors(path, fmt, encoding):
            info = pyogrio.read_info(str(path), layer=layer_name, encoding=encoding, force_feature_count=True)
            first = pyogrio.read_dataframe(
                str(path), layer=layer_name, encoding=encoding, max_features=1, read_geometry=False
            )
        result.append(
            {
                "name": layer_name,
                "driver": info.get("driver"),
                "crs": info.get("crs"),
                "geometry_type": info.get("geometry_type"),
                "feature_count": int(info.get("features", -1)),
                "fields": [str(f) for f in info.get("fields", [])],
                "encoding": info.get("encoding"),
                "first_feature": _first_attributes(first),
            }
        )
    return result


# --- files, formats, layers -------------------------------------------------


def _check_file(path: Path) -> str:
    if not path.exists():
        raise InputError(path, "file not found")
    if path.is_dir():
        raise InputError(path, "is a folder, not a GIS file")
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        known = ", ".join(sorted(FORMATS))
        raise InputError(path, f"unsupported file type {path.suffix or '(none)'!r}; expected one of {known}")
    if path.stat().st_size == 0:
        raise InputError(path, f"file is empty (0 bytes), not a {fmt} file")
    if fmt == "Shapefile":
        _check_shapefile(path)
    return fmt


def _check_shapefile(path: Path) -> None:
    """Catch truncated shapefiles, which GDAL would read as silently missing geometries."""
    for suffix in (".shx", ".dbf"):
        if not _sidecar(path, suffix):
            raise InputError(path, f"the {suffix} file that belongs to this shapefile is missing")
    for part in (path, _sidecar(path, ".shx")):
        with open(part, "rb") as fh:
            header = fh.read(100)
        if len(header) < 100 or struct.unpack(">i", header[:4])[0] != 9994:
            raise InputError(part, "not a shapefile (bad header); the file is corrupt")
        declared = struct.unpack(">i", header[24:28])[0] * 2  # length in 16-bit words
        actual = part.stat().st_size
        if actual < declared:
            raise InputError(part, f"file is truncated: its header says {declared} bytes but it has {actual}")
    dbf = _sidecar(path, ".dbf")
    header = _dbf_header(dbf)
    expected = header["header_length"] + header["records"] * header["record_length"]
    actual = dbf.stat().st_size
    if actual < expected:
        raise InputError(dbf, f"file is truncated: {header['records']} records need {expected} bytes, it has {actual}")


def _sidecar(path: Path, suffix: str) -> Path | None:
    for candidate in (path.with_suffix(suffix), path.with_suffix(suffix.upper())):
        if candidate.exists():
            return candidate
    return None


@functools.lru_cache(maxsize=32)
def _layer_listing(path: str, mtime_ns: int, size: int):
    """pyogrio's layer listing, kept while the file is unchanged (a catalog reads
    twenty layers from one GeoPackage)."""
    import pyogrio

    return pyogrio.list_layers(path)


def _spatial_layer_names(path: Path, fmt: str, layer: str | None) -> list[str]:
    with _gdal_errors(path, fmt):
        stat = path.stat()
        listed = _layer_listing(str(path), stat.st_mtime_ns, stat.st_size)
    spatial = [str(name) for name, geometry_type in listed if geometry_type is not None]
    if layer is not None:
        _check_layer_exists(path, fmt, layer, listed)
        if layer not in spatial:
            raise InputError(path, f"layer {layer!r} has no geometry column (an attribute-only table)")
        return [layer]
    if not spatial:
        raise InputError(path, "holds no layer with geometry")
    return spatial


def _check_layer_exists(path: Path, fmt: str, layer: str, listed=None) -> None:
    import pyogrio

    if listed is None:
        with _gdal_errors(path, fmt):
            listed = pyogrio.list_layers(str(path))
    names = [str(row[0]) for row in listed]
    if layer not in names:
        raise InputError(path, f"no layer named {layer!r}; the layers are: {', '.join(names) or '(none)'}")


def _read_frame(path: Path, layer_name: str, encoding: str | None):
    import pyogrio

    fmt = FORMATS[path.suffix.lower()]
    with _gdal_errors(path, fmt, encoding):
        return pyogrio.read_dataframe(str(path), layer=layer_name, encoding=encoding, force_2d=True)


@contextmanager
def _gdal_errors(path: Path, fmt: str, encoding: str | None = None):
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
    cpg = _sidecar(path, ".cpg") if fmt == "Shapefile" else None
    if encoding is None and cpg is not None:
        used = cpg.read_text(encoding="ascii", errors="replace").strip() or used
    if fmt == "Shapefile":
        dbf = _sidecar(path, ".dbf")
        bad = _dbf_undecodable(dbf, used) if dbf else None
        if bad is not None:
            field, record = bad
            return InputError(
                path,
                f"text in field {field!r} (record {record + 1}) is not valid {used}; "
                f"give the right encoding, e.g. encoding = \"GBK\"",
            )
    return InputError(path, f"text is not valid {used} ({exc.reason}); give the right encoding, e.g. encoding = \"GBK\"")


# --- shapefile encodings ------------------------------------------------------


def _encoding_for(path: Path, fmt: str, encoding: str | None) -> str | None:
    if encoding is not None:
        _check_codec(path, encoding)
        return encoding
    if fmt != "Shapefile" or _sidecar(path, ".cpg"):
        return None  # GDAL reads the .cpg, and other formats declare UTF-8
    return detect_dbf_encoding(_sidecar(path, ".dbf"))


def _check_codec(path: Path, encoding: str) -> None:
    import codecs

    try:
        codecs.lookup(encoding)
    except LookupError:
        raise InputError(path, f"unknown encoding {encoding!r} (e.g. 'UTF-8', 'GBK')") from None


def detect_dbf_encoding(dbf_path) -> str:
    """The text encoding of a ``.dbf`` that has no ``.cpg``.

    The header's language-driver byte decides when it names a code page and the text
    decodes with it; otherwise the first of UTF-8, GBK and GB18030 that decodes every
    text value and field name. Pure ASCII files report UTF-8.
    """
    dbf_path = Path(dbf_path)
    header = _dbf_header(dbf_path)
    candidates = list(_GUESSED_ENCODINGS)
    ldid_codepage = _LDID_CODEPAGES.get(header["ldid"])
    if ldid_codepage:
        candidates.insert(0, ldid_codepage)
    for candidate in candidates:
        if _dbf_undecodable(dbf_path, candidate, header) is None:
            return candidate
    raise InputError(
        dbf_path,
        f"text is in none of {', '.join(candidates)} and there is no .cpg file; give the encoding, e.g. encoding = \"CP1252\"",
    )


def _dbf_header(dbf_path: Path) -> dict:
    with open(dbf_path, "rb") as fh:
        head = fh.read(32)
        if len(head) < 32:
            raise InputError(dbf_path, "not a dBASE file (shorter than its header); the file is corrupt")
        records, header_length, record_length = struct.unpack("<IHH", head[4:12])
        descriptors = fh.read(max(0, header_length - 32))
    fields = []
    offset = 1  # each record starts with a deletion flag
    for start in range(0, len(descriptors) - 31, 32):
        desc = descriptors[start : start + 32]
        if desc[0] == 0x0D:
            break
        fields.append({"name": desc[:11].split(b"\0")[0], "type": chr(desc[11]), "offset": offset, "length": desc[16]})
        offset += desc[16]
    return {
        "records": records,
        "header_length": header_length,
        "record_length": record_length,
        "ldid": head[29],
        "fields": fields,
    }


def _dbf_undecodable(dbf_path: Path, encoding: str, header: dict | None = None) -> tuple[str, int] | None:
    """(field name, record index) of the first text value that does not decode, or None.

    Each text column is decoded as one block (fixed-width values side by side), which is
    fast even for tens of thousands of records.
    """
    header = header or _dbf_header(dbf_path)
    for field in header["fields"]:
        try:
            field["name"].decode(encoding)
        except UnicodeDecodeError:
            return field["name"].decode(encoding, errors="replace"), -1
    record_length = header["record_length"]
    data = np.fromfile(dbf_path, dtype=np.uint8, offset=header["header_length"])
    records = min(header["records"], len(data) // max(record_length, 1))
    if records == 0:
        return None
    table = data[: records * record_length].reshape(records, record_length)
    for field in header["fields"]:
        if field["type"] not in "CM" or field["length"] == 0:
            continue
        width = field["length"]
        block = np.ascontiguousarray(table[:, field["offset"] : field["offset"] + width]).tobytes()
        try:
            block.decode(encoding)
        except UnicodeDecodeError as exc:
            return field["name"].decode(encoding, errors="replace"), exc.start // width
    return None


# --- CSV ---------------------------------------------------------------------


def _read_csv(path: Path, encoding: str | None, x_field: str | None, y_field: str | None):
    import geopandas as gpd
    import pandas as pd
    import shapely

    raw = path.read_bytes()
    text, used = _decode_text(path, raw, encoding)
    try:
        table = pd.read_csv(io.StringIO(text), skipinitialspace=True)
    except pd.errors.EmptyDataError:
        raise InputError(path, "CSV file has no header row") from None
    except pd.errors.ParserError as exc:
        raise InputError(path, f"not a readable CSV file: {exc}") from None
    columns = [str(c) for c in table.columns]
    x_col = _coordinate_column(path, columns, x_field, CSV_X_NAMES, "x_field", "longitude")
    y_col = _coordinate_column(path, columns, y_field, CSV_Y_NAMES, "y_field", "latitude")
    xs = pd.to_numeric(table[x_col], errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)
    ys = pd.to_numeric(table[y_col], errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)
    bad = ~(np.isfinite(xs) & np.isfinite(ys))
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        raise InputError(
            path,
            f"coordinates {table[x_col].iloc[row]!r}, {table[y_col].iloc[row]!r} in columns "
            f"{x_col!r}/{y_col!r} are not numbers",
            line=row + 2,  # the header is line 1
        )
    frame = gpd.GeoDataFrame(table, geometry=shapely.points(xs, ys))
    frame.attrs["encoding"] = used
    return frame


def _decode_text(path: Path, raw: bytes, encoding: str | None) -> tuple[str, str]:
    if encoding is not None:
        _check_codec(path, encoding)
        try:
            return raw.decode(encoding), encoding
        except UnicodeDecodeError as exc:
            line = raw[: exc.start].count(b"\n") + 1
            raise InputError(path, f"text is not valid {encoding}: {exc.reason}", line=line) from None
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    for candidate in _GUESSED_ENCODINGS:
        try:
            return raw.decode(candidate), candidate
        except UnicodeDecodeError:
            continue
    raise InputError(path, "text is neither UTF-8 nor GBK; give the encoding, e.g. encoding = \"CP1252\"")


def _coordinate_column(path: Path, columns, chosen, defaults, option: str, what: str) -> str:
    if chosen is not None:
        if chosen not in columns:
            raise InputError(path, f"{option} {chosen!r} is not a column; the columns are: {', '.join(columns)}")
        return chosen
    by_lower = {c.strip().lower(): c for c in columns}
    for candidate in defaults:
        if candidate in by_lower:
            return by_lower[candidate]
    raise InputError(
        path,
        f"no {what} column (looked for {', '.join(defaults)}); the columns are: {', '.join(columns) or '(none)'}; "
        f"name it with {option}",
    )


# --- geometry ----------------------------------------------------------------


def _to_layers(path: Path, fmt: str, layer_name: str, base: str, frame, source_crs, gcj02: bool) -> list[VectorLayer]:
    import geopandas as gpd
    import shapely

    if len(frame) == 0:
        raise InputError(path, f"layer {layer_name!r} is empty (no features)")
    if source_crs is None:
        hint = " (the .prj file is missing)" if fmt == "Shapefile" else ""
        raise InputError(
            path, f"layer {layer_name!r} has no CRS{hint}; say which with crs=, e.g. crs = \"EPSG:4490\""
        )
    crs = resolve_crs(source_crs, str(path))
    geoms = np.asarray(frame.geometry.values)
    type_ids = shapely.get_type_id(geoms)
    usable = (type_ids >= 0) & (type_ids != 7) & ~shapely.is_empty(geoms)
    dropped = int((~usable).sum())
    if dropped == len(frame):
        raise InputError(path, f"layer {layer_name!r} has no usable geometry (all {dropped} are empty or missing)")
    if dropped:
        warnings.warn(
            f"{path}: layer {layer_name!r}: skipped {dropped} feature(s) with empty, missing or mixed-collection geometry",
            ConsoleWarning,
            stacklevel=3,
        )
    geoms = _reproject(path, layer_name, geoms, usable, crs, gcj02)
    attributes = frame.drop(columns=frame.geometry.name)
    kind_of_row = np.full(len(frame), None, dtype=object)
    for type_id, kind in _KIND_BY_TYPE_ID.items():
        kind_of_row[type_ids == type_id] = kind
    present = [kind for kind in GeometryKind if np.any(usable & (kind_of_row == kind))]
    layers = []
    for kind in present:
        rows = np.flatnonzero(usable & (kind_of_row == kind))
        kind_geoms = geoms[rows]
        if kind is GeometryKind.POINT:
            kind_geoms = _single_points(kind_geoms)
        layer_frame = gpd.GeoDataFrame(
            attributes.iloc[rows].reset_index(drop=True), geometry=kind_geoms, crs=DISPLAY_CRS
        )
        layers.append(
            VectorLayer(
                name=base if len(present) == 1 else f"{base}_{kind.value}",
                kind=kind,
                frame=layer_frame,
                source=str(path),
                source_crs=crs_label(crs),
            )
        )
    return layers


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
        _check_geographic_range(path, layer_name, geoms[usable], crs)

    def to_display_xy(coords: np.ndarray) -> np.ndarray:
        x, y = coords[:, 0], coords[:, 1]
        if gcj02 or crs.is_geographic:
            if not crs.is_geographic:
                x, y = transformer(crs, "EPSG:4326", name=str(path)).transform(x, y)
                lonlat_crs = "EPSG:4326"
            else:
                lonlat_crs = crs
            if gcj02:
                x, y = gcj02_to_wgs84(x, y)
            y = np.clip(y, -_MERCATOR_MAX_LAT, _MERCATOR_MAX_LAT)
            x, y = to_display(x, y, lonlat_crs, source=str(path))
        else:
            x, y = to_display(x, y, crs, source=str(path))
        return np.column_stack([x, y])

    out = geoms.copy()
    out[usable] = shapely.transform(geoms[usable], to_display_xy)
    return out


def _check_geographic_range(path: Path, layer_name: str, geoms: np.ndarray, crs) -> None:
    import shapely

    min_x, min_y, max_x, max_y = shapely.total_bounds(geoms)
    if min_x < -180.0 or max_x > 180.0 or min_y < -90.0 or max_y > 90.0:
        raise InputError(
            path,
            f"layer {layer_name!r}: coordinates x {min_x:.6g}..{max_x:.6g}, y {min_y:.6g}..{max_y:.6g} are out of "
            f"range for the geographic CRS {crs_label(crs)} (longitude -180..180, latitude -90..90); "
            f"are x and y swapped, or is the data projected under a wrong CRS?",
        )


# --- JSON-able attributes ---------------------------------------------------------


def _first_attributes(frame) -> dict | None:
    if len(frame) == 0:
        return None
    record = frame.iloc[0]
    return {str(key): _json_value(value) for key, value in record.items()}


def _json_value(value):
    """A value ``json.dumps`` accepts: numpy scalars to Python, NaN to None, times to ISO text."""
    if value is None:
        return None
    if isinstance(value, np.ndarray):
        return [_json_value(v) for v in value.tolist()]
    if isinstance(value, list | tuple):
        return [_json_value(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _json_value(v) for k, v in value.items()}
    if isinstance(value, bytes):
        return value.hex()
    if hasattr(value, "isoformat"):
        try:
            import pandas as pd

            if pd.isna(value):
                return None
        except (TypeError, ValueError):
            pass
        return value.isoformat()
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if value is not None and not isinstance(value, str | int | float | bool):
        try:
            import pandas as pd

            if pd.isna(value):
                return None
        except (TypeError, ValueError):
            pass
        return str(value)
    try:
        json.dumps(value)
    except (TypeError, ValueError):
        return str(value)
    return value
