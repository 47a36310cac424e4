"""Offline raster tiles for the basemap, without Qt: tile math and tile sources.

Tiles follow the Web Mercator XYZ scheme (zoom ``z``, column ``x`` from the west,
row ``y`` from the north). Sources return the encoded image bytes (PNG, JPEG,
WebP); decoding is the drawing side's business.

Sources
-------
``MBTilesSource``   an MBTiles (SQLite) file, read-only, one connection per thread
``XYZFolderSource`` a folder ``{z}/{x}/{y}.png`` (or ``.jpg``/``.webp``)
``URLTileSource``   an intranet tile server, with an on-disk cache

A source built with ``gcj02=True`` holds tiles drawn in GCJ-02 coordinates (most
Chinese web maps); ``offset_m(z, x, y)`` then gives the shift in display metres
that puts such a tile onto WGS84/CGCS2000 data.
"""

from __future__ import annotations

import math
import os
import re
import sqlite3
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

from console.errors import InputError

__all__ = [
    "MBTilesSource",
    "TileSource",
    "URLTileSource",
    "WORLD_HALF_M",
    "XYZFolderSource",
    "gcj02_tile_offset_m",
    "image_format",
    "tile_bounds",
    "tile_resolution_m",
    "tiles_covering",
    "zoom_for_resolution",
]

# Half the width of the Web Mercator square, metres (pi times the WGS84 semi-major axis).
WORLD_HALF_M = math.pi * 6378137.0
TILE_SIZE_PX = 256
MAX_ZOOM = 24


# --- tile math -----------------------------------------------------------------


def tile_resolution_m(z: int, tile_size: int = TILE_SIZE_PX) -> float:
    """Metres per pixel of a tile at zoom ``z`` (at the equator, in display units)."""
    return 2.0 * WORLD_HALF_M / (tile_size * (1 << z))


def tile_bounds(z: int, x: int, y: int) -> tuple[float, float, float, float]:
    """(minx, miny, maxx, maxy) of XYZ tile ``z/x/y`` in EPSG:3857 metres."""
    span = 2.0 * WORLD_HALF_M / (1 << z)
    min_x = -WORLD_HALF_M + x * span
    max_y = WORLD_HALF_M - y * span
    return (min_x, max_y - span, min_x + span, max_y)


def tiles_covering(rect: tuple[float, float, float, float], z: int) -> Iterator[tuple[int, int, int]]:
    """The XYZ tiles at zoom ``z`` that cover ``rect`` = (minx, miny, maxx, maxy) in EPSG:3857.

    Rows run north to south, columns west to east; tiles outside the world are skipped.
    """
    min_x, min_y, max_x, max_y = rect
    count = 1 << z
    span = 2.0 * WORLD_HALF_M / count
    # A rect edge that falls exactly on a tile edge should not pull in the next tile.
    col_first = max(0, math.floor((min_x + WORLD_HALF_M) / span))
    col_last = min(count - 1, math.ceil((max_x + WORLD_HALF_M) / span) - 1)
    row_first = max(0, math.floor((WORLD_HALF_M - max_y) / span))
    row_last = min(count - 1, math.ceil((WORLD_HALF_M - min_y) / span) - 1)
    for y in range(row_first, row_last + 1):
        for x in range(col_first, col_last + 1):
            yield (z, x, y)


def zoom_for_resolution(
    m_per_px: float, *, tile_size: int = TILE_SIZE_PX, min_zoom: int = 0, max_zoom: int = MAX_ZOOM
) -> int:
    """The zoom whose tiles best match a view of ``m_per_px`` display metres per screen pixel.

    The nearest zoom in log scale, so a tile is drawn at between 0.71x and 1.41x its
    native size; clamped to ``[min_zoom, max_zoom]``.
    """
    if not m_per_px > 0:
        return max_zoom
    z = round(math.log2(tile_resolution_m(0, tile_size) / m_per_px))
    return int(min(max_zoom, max(min_zoom, z)))


def gcj02_tile_offset_m(z: int, x: int, y: int) -> tuple[float, float]:
    """The display-metre shift (dx, dy) that moves GCJ-02 tile ``z/x/y`` onto WGS84 data.

    Evaluated at the tile centre; within one tile at street zooms the offset varies by
    well under a pixel. Zero outside China.
    """
    from console.geo.crs import gcj02_offset_m

    min_x, min_y, max_x, max_y = tile_bounds(z, x, y)
    dx, dy = gcj02_offset_m((min_x + max_x) / 2.0, (min_y + max_y) / 2.0)
    return float(dx), float(dy)


def image_format(data: bytes) -> str | None:
    """``png``, ``jpg``, ``webp``, ``pbf`` (gzip or raw vector tile) or None, from the first bytes."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    if data.startswith(b"\x1f\x8b"):
        return "pbf"
    return None


# --- sources ---------------------------------------------------------------------


class TileSource:
    """Common interface of tile sources.

    Attributes
    ----------
    name : str
        Where the tiles come from (a path or URL template), for messages.
    gcj02 : bool
        The tiles are drawn in GCJ-02 coordinates; see ``offset_m``.
    min_zoom, max_zoom : int
        Zoom levels the source holds.
    """

    name: str = ""
    gcj02: bool = False
    min_zoom: int = 0
    max_zoom: int = 18

    def get_tile(self, z: int, x: int, y: int) -> bytes | None:
        """The encoded image of XYZ tile ``z/x/y``, or None when the source has none."""
        raise NotImplementedError

    def offset_m(self, z: int, x: int, y: int) -> tuple[float, float]:
        """Display-metre shift to apply when drawing tile ``z/x/y`` (zero unless ``gcj02``)."""
        return gcj02_tile_offset_m(z, x, y) if self.gcj02 else (0.0, 0.0)

    def close(self) -> None:
        """Release files or connections (a no-op for sources that hold none)."""


class MBTilesSource(TileSource):
    """Raster tiles from an MBTiles file (SQLite), opened read-only.

    MBTiles stores rows bottom-up (TMS); ``get_tile`` takes XYZ rows and flips them.
    ``tiles`` may be a table or a view (deduplicated files). Each thread that calls
    ``get_tile`` gets its own SQLite connection, so a worker thread can fetch tiles
    while the GUI thread uses the same source.

    Parameters
    ----------
    path
        The ``.mbtiles`` file.
    gcj02
        The tiles are drawn in GCJ-02 coordinates.

    Attributes
    ----------
    metadata : dict[str, str]
        The ``metadata`` table.
    format : str
        ``png``, ``jpg`` or ``webp`` (from metadata, else sniffed from a tile).
    bounds : tuple[float, float, float, float] or None
        (west, south, east, north) in degrees, from metadata.

    Raises
    ------
    InputError
        When the file is missing, not an MBTiles database, or holds vector tiles.
    """

    def __init__(self, path, *, gcj02: bool = False):
        self.path = Path(path)
        self.name = str(self.path)
        self.gcj02 = bool(gcj02)
        if not self.path.is_file():
            raise InputError(self.path, "MBTiles file not found")
        self._uri = self.path.resolve().as_uri() + "?mode=ro"
        self._local = threading.local()
        self._connections: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        try:
            metadata, zooms, sample = self._survey()
        except sqlite3.OperationalError:
            # A WAL-mode file in a read-only folder cannot be opened with mode=ro alone;
            # immutable=1 tells SQLite nobody writes it.
            self.close()
            self._uri = self.path.resolve().as_uri() + "?mode=ro&immutable=1"
            try:
                metadata, zooms, sample = self._survey()
            except sqlite3.DatabaseError as exc:
                self.close()
                raise InputError(self.path, f"not a readable MBTiles file: {exc}") from None
        except sqlite3.DatabaseError as exc:
            self.close()
            raise InputError(self.path, f"not a readable MBTiles file: {exc}") from None
        self.metadata = metadata
        declared = self.metadata.get("format", "").strip().lower()
        sniffed = image_format(bytes(sample[0])) if sample and sample[0] is not None else None
        fmt = {"jpeg": "jpg", "mvt": "pbf"}.get(declared, declared) or sniffed
        if fmt == "pbf":
            self.close()
            raise InputError(
                self.path, "holds vector tiles (format pbf); only raster MBTiles (png, jpg, webp) are supported for now"
            )
        if fmt not in ("png", "jpg", "webp"):
            self.close()
            raise InputError(self.path, f"tile format {fmt or 'unknown'!r} is not a raster format (png, jpg, webp)")
        self.format = fmt
        self.bounds = _parse_bounds(self.metadata.get("bounds"))
        self.min_zoom = _int_or(self.metadata.get("minzoom"), zooms[0] if zooms and zooms[0] is not None else 0)
        self.max_zoom = _int_or(self.metadata.get("maxzoom"), zooms[1] if zooms and zooms[1] is not None else 0)

    def _survey(self):
        connection = self._connection()
        rows = connection.execute("SELECT name, value FROM metadata").fetchall()
        metadata = {str(name): str(value) for name, value in rows if name is not None}
        zooms = connection.execute("SELECT MIN(zoom_level), MAX(zoom_level) FROM tiles").fetchone()
        sample = connection.execute("SELECT tile_data FROM tiles LIMIT 1").fetchone()
        return metadata, zooms, sample

    def _connection(self) -> sqlite3.Connection:
        connection = getattr(self._local, "connection", None)
        if connection is None:
            try:
                # check_same_thread=False only so close() may close every thread's connection;
                # each connection is still used by the one thread that opened it.
                connection = sqlite3.connect(self._uri, uri=True, check_same_thread=False)
            except sqlite3.Error as exc:
                raise InputError(self.path, f"cannot open MBTiles file: {exc}") from None
            self._local.connection = connection
            with self._lock:
                self._connections.append(connection)
        return connection

    def get_tile(self, z: int, x: int, y: int) -> bytes | None:
        if z < 0 or not (0 <= x < (1 << z)) or not (0 <= y < (1 << z)):
            return None
        tms_row = (1 << z) - 1 - y
        row = (
            self._connection()
            .execute(
                "SELECT tile_data FROM tiles WHERE zoom_level = ? AND tile_column = ? AND tile_row = ?",
                (z, x, tms_row),
            )
            .fetchone()
        )
        return bytes(row[0]) if row and row[0] is not None else None

    def close(self) -> None:
        with self._lock:
            connections, self._connections = self._connections, []
        for connection in connections:
            connection.close()
        self._local = threading.local()


class XYZFolderSource(TileSource):
    """Tiles in a folder tree ``{z}/{x}/{y}.<ext>``.

    Parameters
    ----------
    template_or_dir
        A path template with ``{z}``, ``{x}`` and ``{y}`` (``{-y}`` for TMS rows), or the
        folder holding the ``{z}`` subfolders (the image extension is then detected).
    gcj02
        The tiles are drawn in GCJ-02 coordinates.
    """

    def __init__(self, template_or_dir, *, gcj02: bool = False):
        text = str(template_or_dir)
        self.gcj02 = bool(gcj02)
        if "{z}" in text:
            self.template = text
            root = Path(text.split("{z}")[0] or ".")
        else:
            root = Path(text)
            if not root.is_dir():
                raise InputError(root, "tile folder not found")
            self.template = str(root / "{z}" / "{x}" / ("{y}." + _detect_extension(root)))
        if not root.is_dir():
            raise InputError(root, "tile folder not found")
        self.name = self.template
        zooms = sorted(int(p.name) for p in root.iterdir() if p.is_dir() and p.name.isdigit())
        if zooms:
            self.min_zoom, self.max_zoom = zooms[0], zooms[-1]

    def get_tile(self, z: int, x: int, y: int) -> bytes | None:
        if z < 0 or not (0 <= x < (1 << z)) or not (0 <= y < (1 << z)):
            return None
        path = Path(_fill(self.template, z, x, y))
        try:
            return path.read_bytes()
        except (FileNotFoundError, IsADirectoryError, PermissionError):
            return None


class URLTileSource(TileSource):
    """Tiles fetched from a tile server (e.g. on the intranet), cached on disk.

    A cached tile is returned without touching the network. A failed fetch (timeout,
    refused connection, server error) returns None and is counted in ``failures``;
    it never raises, so a dead server only leaves the basemap blank. A 404 is a
    tile the server does not have: it returns None and counts in ``missing``.
    After ``max_consecutive_failures`` failures in a row the source stops asking the
    server for ``retry_after_s`` seconds (tiles not cached count in ``skipped``), so an
    unreachable server does not cost a timeout per tile.

    Parameters
    ----------
    template
        URL with ``{z}``, ``{x}``, ``{y}`` (``{-y}`` for TMS rows).
    cache_dir
        Folder for cached tiles, laid out ``{z}/{x}/{y}.tile``.
    timeout_s
        Per-request timeout; short, because a duty room's network is either there or not.
    gcj02
        The tiles are drawn in GCJ-02 coordinates.
    retry_after_s, max_consecutive_failures
        The pause after a run of failures, and the length of that run.
    """

    def __init__(
        self,
        template: str,
        cache_dir,
        *,
        timeout_s: float = 3.0,
        gcj02: bool = False,
        min_zoom: int = 0,
        max_zoom: int = 18,
        retry_after_s: float = 30.0,
        max_consecutive_failures: int = 3,
    ):
        if not re.match(r"^https?://", template) or not all(k in template for k in ("{z}", "{x}")) or (
            "{y}" not in template and "{-y}" not in template
        ):
            raise InputError(template, "tile URL must start with http:// or https:// and contain {z}, {x} and {y}")
        self.template = template
        self.name = template
        self.cache_dir = Path(cache_dir)
        self.timeout_s = float(timeout_s)
        self.gcj02 = bool(gcj02)
        self.min_zoom, self.max_zoom = min_zoom, max_zoom
        self.retry_after_s = float(retry_after_s)
        self.max_consecutive_failures = int(max_consecutive_failures)
        self.failures = 0
        self.missing = 0
        self.fetched = 0
        self.skipped = 0
        self._failures_in_a_row = 0
        self._paused_until = 0.0
        self.last_error: str | None = None
        self._lock = threading.Lock()

    def cache_path(self, z: int, x: int, y: int) -> Path:
        return self.cache_dir / str(z) / str(x) / f"{y}.tile"

    def get_tile(self, z: int, x: int, y: int) -> bytes | None:
        if z < 0 or not (0 <= x < (1 << z)) or not (0 <= y < (1 << z)):
            return None
        cached = self.cache_path(z, x, y)
        try:
            return cached.read_bytes()
        except FileNotFoundError:
            pass
        with self._lock:
            if time.monotonic() < self._paused_until:
                self.skipped += 1
                return None
        url = _fill(self.template, z, x, y)
        try:
            request = urllib.request.Request(url, headers={"User-Agent": "duty-console"})
            with urllib.request.urlopen(request, timeout=self.timeout_s) as response:
                data = response.read()
        except urllib.error.HTTPError as exc:
            if exc.code == 404:
                with self._lock:
                    self.missing += 1
                    self._failures_in_a_row = 0
            else:
                self._count_failure(f"{url}: HTTP {exc.code}")
            return None
        except (urllib.error.URLError, OSError, ValueError) as exc:
            self._count_failure(f"{url}: {getattr(exc, 'reason', exc)}")
            return None
        with self._lock:
            self.fetched += 1
            self._failures_in_a_row = 0
        self._store(cached, data)
        return data

    def _count_failure(self, message: str) -> None:
        with self._lock:
            self.failures += 1
            self.last_error = message
            self._failures_in_a_row += 1
            if self._failures_in_a_row >= self.max_consecutive_failures:
                self._paused_until = time.monotonic() + self.retry_after_s
                self._failures_in_a_row = 0

    def _store(self, cached: Path, data: bytes) -> None:
        # Write then rename, so a reader on another thread never sees half a tile.
        try:
            cached.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=cached.parent, suffix=".part")
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
            os.replace(tmp, cached)
        except OSError as exc:
            with self._lock:
                self.last_error = f"cannot cache tile in {cached.parent}: {exc}"


def _fill(template: str, z: int, x: int, y: int) -> str:
    return (
        template.replace("{z}", str(z))
        .replace("{x}", str(x))
        .replace("{-y}", str((1 << z) - 1 - y))
        .replace("{y}", str(y))
    )


def _detect_extension(root: Path) -> str:
    for z_dir in sorted(p for p in root.iterdir() if p.is_dir() and p.name.isdigit()):
        for x_dir in (p for p in z_dir.iterdir() if p.is_dir()):
            for tile in x_dir.iterdir():
                if tile.suffix.lower() in (".png", ".jpg", ".jpeg", ".webp"):
                    return tile.suffix[1:]
    raise InputError(root, "no tiles found (expected {z}/{x}/{y}.png or .jpg files)")


def _parse_bounds(text: str | None) -> tuple[float, float, float, float] | None:
    if not text:
        return None
    try:
        west, south, east, north = (float(v) for v in text.split(","))
    except ValueError:
        return None
    return (west, south, east, north)


def _int_or(text: str | None, default: int) -> int:
    try:
        return int(float(text)) if text is not None else int(default)
    except ValueError:
        return int(default)
