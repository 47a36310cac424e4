"""GeoPackage layers read straight from SQLite, so opening one imports neither GDAL's
Python side (pyogrio pulls in pandas and geopandas) nor builds a frame.

A GeoPackage is an SQLite file: ``gpkg_contents`` and ``gpkg_geometry_columns`` list
the feature tables, and each geometry is a blob of a short "GP" header (flags, SRS id,
an optional envelope) followed by standard WKB. Point layers are decoded as one NumPy
block (every 2D point's blob has the same length); other layers become a shapely array
through ``shapely.from_wkb``. Attributes stay in the file until something asks for
them (``GeoPackageTable``), so text that is not valid UTF-8 is named when it is
first read (a label, the attribute panel), not when the layer is opened.

Only the plain case is taken here: a listed feature table whose CRS is an EPSG code,
read with no encoding given. Everything else, and every SQLite error (not a database,
malformed, truncated), makes these functions return None, and the GDAL path
(``gdal_layers``) reads the file and names the problem as it always has.
"""

from __future__ import annotations

import sqlite3
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from console.errors import InputError

__all__ = [
    "READ_DIRECTLY",
    "FeatureTable",
    "GeoPackageTable",
    "GeometryColumns",
    "feature_tables",
    "read_feature_table",
]

# Read GeoPackages through SQLite; False leaves them to GDAL (the benchmark compares both).
READ_DIRECTLY = True

# Envelope bytes after the 8-byte header, by the envelope code in bits 1-3 of the flags.
_ENVELOPE_BYTES = {0: 0, 1: 32, 2: 48, 3: 48, 4: 64}
_HEADER_BYTES = 8
_WKB_POINT_BYTES = 21  # byte order (1), type (uint32), x, y (float64)
_FLAG_EMPTY = 0x10
_FLAG_EXTENDED = 0x20  # ExtendedGeoPackageBinary: a geometry type outside WKB, left to GDAL


@dataclass(frozen=True)
class FeatureTable:
    """A feature table as ``gpkg_contents`` and ``gpkg_geometry_columns`` list it."""

    name: str
    geometry_column: str
    geometry_type: str  # as listed, upper case: POINT, MULTIPOLYGON, GEOMETRY ...
    z: int
    m: int
    crs: str | None  # "EPSG:<code>", or None when the file's SRS is no EPSG code


@dataclass
class GeometryColumns:
    """A layer read from a GeoPackage: geometry in the source CRS and the attributes left
    in the file. ``xy`` (two float64 arrays, NaN for missing or empty points) for a layer
    of 2D points, else ``geometries`` (a shapely array, 2D, None for missing)."""

    table: GeoPackageTable
    crs: str
    xy: tuple[np.ndarray, np.ndarray] | None = None
    geometries: np.ndarray | None = None


@contextmanager
def _reading(path: Path):
    """A read-only connection, closed afterwards; text comes as bytes, decoded where used."""
    connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    connection.text_factory = bytes
    try:
        yield connection
    finally:
        connection.close()


def _stamp(path: Path) -> tuple[int, int]:
    stat = path.stat()
    return stat.st_mtime_ns, stat.st_size


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def feature_tables(path: Path) -> dict[str, FeatureTable] | None:
    """The feature tables of a GeoPackage by name, in the order GDAL lists them; None
    when the file is not a GeoPackage that SQLite reads without complaint."""
    try:
        with _reading(path) as connection:
            if connection.execute("PRAGMA encoding").fetchone()[0] != b"UTF-8":
                return None
            rows = connection.execute(
                "SELECT c.table_name, g.column_name, g.geometry_type_name, g.z, g.m, "
                "s.organization, s.organization_coordsys_id "
                "FROM gpkg_contents c JOIN gpkg_geometry_columns g ON g.table_name = c.table_name "
                "LEFT JOIN gpkg_spatial_ref_sys s ON s.srs_id = g.srs_id "
                "WHERE c.data_type = 'features' ORDER BY c.rowid"
            ).fetchall()
    except (sqlite3.Error, OSError):
        return None
    tables: dict[str, FeatureTable] = {}
    for name, column, geometry_type, z, m, organization, code in rows:
        crs = f"EPSG:{code}" if organization and organization.upper() == b"EPSG" and code and code > 0 else None
        try:
            table = FeatureTable(name.decode(), column.decode(), geometry_type.decode().upper(), int(z), int(m), crs)
        except (UnicodeDecodeError, AttributeError, TypeError, ValueError):
            return None
        tables[table.name] = table
    return tables


def read_feature_table(path: Path, table: FeatureTable) -> GeometryColumns | None:
    """One feature table's geometry, or None to leave the layer to GDAL."""
    if table.crs is None:
        return None  # no CRS or a non-EPSG one: GDAL's reading of it says what to do
    stamp = _stamp(path)
    xy = geometries = None
    try:
        with _reading(path) as connection:
            fid, fields = _columns(connection, table)
            if fid is None:
                return None
            if table.geometry_type == "POINT" and table.z == 0 and table.m == 0:
                xy = _points(connection, table)
            else:
                geometries = _geometries(connection, table, order=f" ORDER BY {_quoted(fid)}")
    except (sqlite3.Error, OSError):
        return None
    if xy is None and geometries is None:
        return None
    count = len(xy[0]) if xy is not None else len(geometries)
    attributes = GeoPackageTable(path, table.name, fid, fields, stamp, num_rows=count)
    return GeometryColumns(attributes, table.crs, xy=xy, geometries=geometries)


def _columns(connection: sqlite3.Connection, table: FeatureTable) -> tuple[str | None, list[str]]:
    """The feature id column (the INTEGER PRIMARY KEY) and the attribute columns, in table order."""
    info = connection.execute(f"PRAGMA table_info({_quoted(table.name)})").fetchall()
    keys = [row for row in info if row[5]]
    fid = None
    if len(keys) == 1 and keys[0][2].upper() == b"INTEGER":
        fid = keys[0][1].decode()
    fields = [row[1].decode() for row in info if row[1].decode() not in (fid, table.geometry_column)]
    return fid, fields


def _points(connection: sqlite3.Connection, table: FeatureTable) -> tuple[np.ndarray, np.ndarray] | None:
    """x, y of a table of 2D points from one concatenation of all blobs; None when they
    are not all plain little-endian points of one blob length."""
    column, name = _quoted(table.geometry_column), _quoted(table.name)
    first = connection.execute(f"SELECT length({column}) FROM {name} WHERE {column} IS NOT NULL LIMIT 1").fetchone()
    if first is None:
        count = connection.execute(f"SELECT count(*) FROM {name}").fetchone()[0]
        return np.full(count, np.nan), np.full(count, np.nan)
    length = int(first[0])
    if length - _WKB_POINT_BYTES - _HEADER_BYTES not in _ENVELOPE_BYTES.values():
        return None
    plan = connection.execute(f"EXPLAIN QUERY PLAN SELECT {column} FROM {name}").fetchall()
    if [row[-1] for row in plan] != [f"SCAN {table.name}".encode()]:
        return None  # a view, or an index in the way: rows might not come in feature order
    # One pass, one string: SQLite concatenates the blobs itself (a row at a time in Python
    # costs about four times as long), in table order, which is feature-id order. A missing
    # geometry stands in as zero bytes, one of another length as 0xFF bytes (then: GDAL).
    blob = connection.execute(
        f"SELECT group_concat(CASE WHEN length({column}) = ? THEN {column} WHEN {column} IS NULL THEN ? "
        f"ELSE ? END, '') FROM {name}",
        (length, bytes(length), b"\xff" * length),
    ).fetchone()[0]
    count = len(blob or b"") // length
    if count == 0:
        return None
    records = np.frombuffer(blob, dtype=np.uint8).reshape(count, length)
    present = (records[:, 0] == ord("G")) & (records[:, 1] == ord("P"))
    missing = ~records.any(axis=1)
    if not np.all(present | missing):
        return None
    flags = records[present, 3]
    envelope = (flags >> 1) & 7
    wkb_start = _HEADER_BYTES + np.array([_ENVELOPE_BYTES.get(code, -1) for code in range(8)])[envelope]
    if np.any(records[present, 2] != 0) or np.any(flags & _FLAG_EXTENDED) or np.any(wkb_start != length - _WKB_POINT_BYTES):
        return None
    wkb = records[:, length - _WKB_POINT_BYTES:]
    if np.any(wkb[present, 0] != 1) or np.any(np.ascontiguousarray(wkb[present, 1:5]).view("<u4")[:, 0] != 1):
        return None  # big-endian or not a 2D point: rare enough to leave to GDAL
    x = np.ascontiguousarray(wkb[:, 5:13]).view("<f8")[:, 0].copy()
    y = np.ascontiguousarray(wkb[:, 13:21]).view("<f8")[:, 0].copy()
    unusable = missing.copy()
    unusable[present] = (flags & _FLAG_EMPTY) != 0
    x[unusable] = np.nan
    y[unusable] = np.nan
    return x, y


def _geometries(connection: sqlite3.Connection, table: FeatureTable, order: str) -> np.ndarray | None:
    """A shapely array (2D) of a table's geometries; None for ones shapely cannot parse."""
    import shapely

    column, name = _quoted(table.geometry_column), _quoted(table.name)
    blobs = [row[0] for row in connection.execute(f"SELECT {column} FROM {name}{order}")]
    wkb = np.empty(len(blobs), dtype=object)
    for row, blob in enumerate(blobs):
        if blob is None:
            continue
        if blob[:2] != b"GP" or blob[2] != 0 or blob[3] & _FLAG_EXTENDED:
            return None
        envelope = _ENVELOPE_BYTES.get((blob[3] >> 1) & 7)
        if envelope is None:
            return None
        wkb[row] = blob[_HEADER_BYTES + envelope:]
    try:
        geometries = shapely.from_wkb(wkb)
    except (shapely.errors.GEOSException, ValueError, TypeError):
        return None  # curves and other types GDAL converts
    if np.any(shapely.has_z(geometries)):
        geometries = shapely.force_2d(geometries)
    return geometries


class GeoPackageTable:
    """The attribute columns of a GeoPackage layer, read from the file when first asked for.

    ``column_values`` reads one column through SQLite (labels, classes, sensor checks);
    ``to_pandas`` reads them all through GDAL, as a frame read of the file would, so
    identify and the attribute panel see the same values and types. ``take`` selects
    rows without reading anything. A file changed since it was read is an error, not a
    silent mix of two versions.
    """

    def __init__(self, path: Path, layer: str, fid: str, column_names: list[str], stamp: tuple[int, int],
                 rows: np.ndarray | None = None, num_rows: int = 0):
        self.path = path
        self.layer = layer
        self.fid = fid
        self.column_names = column_names
        self.stamp = stamp
        self.rows = rows
        self.num_rows = num_rows if rows is None else len(rows)

    def __len__(self) -> int:
        return self.num_rows

    def take(self, rows) -> GeoPackageTable:
        rows = np.asarray(rows, dtype=np.int64)
        chosen = rows if self.rows is None else self.rows[rows]
        return GeoPackageTable(self.path, self.layer, self.fid, self.column_names, self.stamp, chosen)

    def _check_unchanged(self) -> None:
        if _stamp(self.path) != self.stamp:
            raise InputError(self.path, f"layer {self.layer!r} changed on disk since it was read; open it again")

    def column_values(self, name: str) -> np.ndarray:
        """One column as an object array of Python values (None where missing)."""
        if name not in self.column_names:
            raise KeyError(name)
        self._check_unchanged()
        try:
            with _reading(self.path) as connection:
                connection.text_factory = str
                declared = {row[1]: str(row[2]).upper() for row in
                            connection.execute(f"PRAGMA table_info({_quoted(self.layer)})")}
                values = [row[0] for row in connection.execute(
                    f"SELECT {_quoted(name)} FROM {_quoted(self.layer)} ORDER BY {_quoted(self.fid)}")]
        except sqlite3.Error:
            # Text that is not UTF-8, or a file gone bad: GDAL's reading names the problem.
            return _objects([None if _missing(v) else v for v in self.to_pandas()[name].tolist()])
        if declared.get(name) == "BOOLEAN":
            values = [None if v is None else bool(v) for v in values]
        column = _objects(values)
        return column if self.rows is None else column[self.rows]

    def to_pandas(self):
        """Every attribute column as a pandas DataFrame, read through GDAL."""
        from console.geo.gdal_layers import read_frame

        self._check_unchanged()
        frame = read_frame(self.path, "GeoPackage", self.layer, None, read_geometry=False)
        if self.rows is not None:
            frame = frame.iloc[self.rows].reset_index(drop=True)
        return frame


def _objects(values: list) -> np.ndarray:
    column = np.empty(len(values), dtype=object)
    column[:] = values
    return column


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and value != value)
