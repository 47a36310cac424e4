"""Read GIS layers from local files into display-CRS ``VectorLayer`` objects.

Formats: GeoJSON, GeoPackage, Shapefile, FlatGeobuf (through pyogrio/GDAL, see
``gdal_layers``) and CSV with longitude/latitude columns (through pandas, see
``csv_points``). GeoPackages are read straight from SQLite where they can be
(``geopackage``), which keeps pandas, geopandas and pyogrio out of a start-up that
opens only GeoPackages; what that reader does not take goes to GDAL. Every problem with the input becomes an ``InputError`` naming the
file and what is wrong; no GDAL message reaches the user unexplained.

Shapefile text encoding: an explicit ``encoding`` wins; otherwise a ``.cpg``
file decides; otherwise the code page byte (LDID) of the ``.dbf`` header, and
failing that whichever of UTF-8 and GBK decodes every text value (``shapefile``).
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np

from console.errors import InputError
from console.geo import gdal_layers, geopackage
from console.geo.csv_points import read_csv
from console.geo.display_layers import geometries_to_layers, points_to_layer, to_layers
from console.geo.gdal_layers import (
    PointColumns,
    check_layer_exists,
    gdal_errors,
    read_frame,
    read_point_columns,
    spatial_layer_names,
)
from console.geo.shapefile import check_shapefile, detect_dbf_encoding, encoding_for
from console.model.layer import VectorLayer

__all__ = ["FORMATS", "describe", "detect_dbf_encoding", "read_layers"]

FORMATS = {
    ".geojson": "GeoJSON",
    ".json": "GeoJSON",
    ".gpkg": "GeoPackage",
    ".shp": "Shapefile",
    ".fgb": "FlatGeobuf",
    ".csv": "CSV",
}


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
        frame = read_csv(path, encoding, x_field, y_field)
        sources.append((path.stem, frame, crs if crs is not None else "EPSG:4326"))
    else:
        encoding = encoding_for(path, fmt, encoding)
        tables = _direct_tables(path, fmt, encoding)
        layer_names = _listed_spatial(tables, layer) or spatial_layer_names(path, fmt, layer)
        for layer_name in layer_names:
            direct = geopackage.read_feature_table(path, tables[layer_name]) if layer_name in tables else None
            if direct is not None and direct.xy is not None:
                sources.append((layer_name, PointColumns(*direct.xy, direct.table, direct.crs), direct.crs))
                continue
            if direct is not None:
                sources.append((layer_name, direct, direct.crs))
                continue
            points = read_point_columns(path, fmt, layer_name, encoding)
            if points is not None:
                sources.append((layer_name, points, points.crs if points.crs is not None else crs))
                continue
            frame = read_frame(path, fmt, layer_name, encoding)
            sources.append((layer_name, frame, frame.crs if frame.crs is not None else crs))

    layers: list[VectorLayer] = []
    for layer_name, frame, source_crs in sources:
        if name:
            base = name if len(sources) == 1 else f"{name}_{layer_name}"
        else:
            base = layer_name
        if isinstance(frame, geopackage.GeometryColumns):
            layers.extend(geometries_to_layers(path, fmt, layer_name, base, frame.geometries, frame.table,
                                               source_crs, gcj02))
            continue
        convert = points_to_layer if isinstance(frame, PointColumns) else to_layers
        layers.extend(convert(path, fmt, layer_name, base, frame, source_crs, gcj02))
    return layers


def _direct_tables(path: Path, fmt: str, encoding: str | None) -> dict[str, geopackage.FeatureTable]:
    """A GeoPackage's feature tables when they can be read without GDAL (``geopackage``), else none."""
    if fmt != "GeoPackage" or encoding is not None or not gdal_layers.USE_ARROW or not geopackage.READ_DIRECTLY:
        return {}
    return geopackage.feature_tables(path) or {}


def _listed_spatial(tables: dict, layer: str | None) -> list[str] | None:
    """The layers to read as the direct listing has them; None leaves listing (and its
    errors: no such layer, no geometry) to GDAL."""
    if not tables:
        return None
    if layer is None:
        return list(tables)
    return [layer] if layer in tables else None


def describe(path, encoding: str | None = None, *, layer: str | None = None) -> list[dict]:
    """Summarise each layer of a GIS file without reading all of it.

    Returns one dict per layer with ``name``, ``driver``, ``crs``, ``geometry_type``,
    ``feature_count``, ``fields``, ``encoding`` and ``first_feature`` (the attributes
    of the first feature as JSON-able values, or None for an empty layer).
    """
    path = Path(path)
    fmt = _check_file(path)
    if fmt == "CSV":
        frame = read_csv(path, encoding, None, None)
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

    encoding = encoding_for(path, fmt, encoding)
    names = [layer] if layer is not None else None
    if names is not None:
        check_layer_exists(path, fmt, layer)
    else:
        with gdal_errors(path, fmt):
            names = [str(row[0]) for row in pyogrio.list_layers(str(path))]
    result = []
    for layer_name in names:
        with gdal_errors(path, fmt, encoding):
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


# --- files ---------------------------------------------------------------


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
        check_shapefile(path)
    return fmt


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
