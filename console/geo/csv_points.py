"""Point layers from CSV files with longitude/latitude columns (through pandas)."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np

from console.errors import InputError
from console.geo.encodings import decode_text

__all__ = ["CSV_X_NAMES", "CSV_Y_NAMES", "read_csv"]

# Column names a CSV may use for its coordinates, in order of preference (docs/catalog.md).
CSV_X_NAMES = ("lon", "lng", "longitude", "x", "经度")
CSV_Y_NAMES = ("lat", "latitude", "y", "纬度")


def read_csv(path: Path, encoding: str | None, x_field: str | None, y_field: str | None):
    """A GeoDataFrame of points without CRS; ``frame.attrs["encoding"]`` says how the text was decoded."""
    import geopandas as gpd
    import pandas as pd
    import shapely

    raw = path.read_bytes()
    text, used = decode_text(path, raw, encoding)
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
