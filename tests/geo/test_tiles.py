"""Tile math, MBTiles (real fixture and files written here), tile folders and a real HTTP tile server."""

from __future__ import annotations

import http.server
import math
import socket
import sqlite3
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from console.errors import InputError
from console.geo.crs import from_display, gcj02_to_wgs84, to_display
from console.geo.tiles import (
    WORLD_HALF_M,
    MBTilesSource,
    URLTileSource,
    XYZFolderSource,
    gcj02_tile_offset_m,
    image_format,
    tile_bounds,
    tile_resolution_m,
    tiles_covering,
    zoom_for_resolution,
)

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def lonlat_to_tile(lon, lat, z):
    """The XYZ tile holding a point, from the slippy-map formula (independent of tile_bounds)."""
    n = 2**z
    x = int((lon + 180.0) / 360.0 * n)
    lat_rad = math.radians(lat)
    y = int((1.0 - math.asinh(math.tan(lat_rad)) / math.pi) / 2.0 * n)
    return x, y


# --- tile math ---------------------------------------------------------------------


def test_zoom_zero_tile_is_the_whole_web_mercator_world():
    min_x, min_y, max_x, max_y = tile_bounds(0, 0, 0)
    assert (min_x, max_x) == (-WORLD_HALF_M, WORLD_HALF_M)
    assert (min_y, max_y) == (-WORLD_HALF_M, WORLD_HALF_M)
    lon, lat = from_display([max_x], [max_y], "EPSG:4326")
    assert float(lon[0]) == pytest.approx(180.0)
    assert float(lat[0]) == pytest.approx(85.0511287798, abs=1e-9)


@pytest.mark.parametrize(("lon", "lat", "z"), [(114.3054, 30.5931, 12), (116.39, 39.91, 16), (-70.0, -33.0, 5)])
def test_tile_bounds_contain_the_point_the_slippy_formula_puts_there(lon, lat, z):
    x, y = lonlat_to_tile(lon, lat, z)
    px, py = to_display(lon, lat, "EPSG:4326")
    min_x, min_y, max_x, max_y = tile_bounds(z, x, y)
    assert min_x <= float(px) < max_x and min_y < float(py) <= max_y
    assert max_x - min_x == pytest.approx(2 * WORLD_HALF_M / 2**z)


def test_tiles_covering_a_view_rect():
    # Wuhan's old town at zoom 14: a 3 km x 2 km view.
    cx, cy = (float(v) for v in to_display(114.3054, 30.5931, "EPSG:4326"))
    rect = (cx - 1500, cy - 1000, cx + 1500, cy + 1000)
    tiles = list(tiles_covering(rect, 14))
    xs = sorted({t[1] for t in tiles})
    ys = sorted({t[2] for t in tiles})
    assert len(tiles) == len(xs) * len(ys)
    # the union of the tiles covers the rect, and no column or row is superfluous
    assert tile_bounds(14, xs[0], ys[-1])[0] <= rect[0] and tile_bounds(14, xs[-1], ys[0])[2] >= rect[2]
    assert tile_bounds(14, xs[0], ys[-1])[1] <= rect[1] and tile_bounds(14, xs[-1], ys[0])[3] >= rect[3]
    assert tile_bounds(14, xs[0], ys[0])[2] > rect[0] and tile_bounds(14, xs[-1], ys[0])[0] < rect[2]
    assert xs == list(range(xs[0], xs[-1] + 1)) and ys == list(range(ys[0], ys[-1] + 1))


def test_tiles_covering_clips_to_the_world_and_respects_exact_edges():
    assert list(tiles_covering((-1e9, -1e9, 1e9, 1e9), 1)) == [(1, 0, 0), (1, 1, 0), (1, 0, 1), (1, 1, 1)]
    # a rect whose right edge is exactly the tile edge at x = 0 touches only the western tiles
    assert {t[1] for t in tiles_covering((-WORLD_HALF_M, -10.0, 0.0, 10.0), 1)} == {0}


def test_zoom_for_resolution_matches_tile_resolution():
    for z in (0, 5, 12, 18):
        assert zoom_for_resolution(tile_resolution_m(z)) == z
        assert zoom_for_resolution(tile_resolution_m(z) * 1.3) == z  # between levels: the nearer one
    assert zoom_for_resolution(tile_resolution_m(10), max_zoom=8) == 8
    assert zoom_for_resolution(1e9) == 0


def test_gcj02_tile_offset_is_local_and_zero_outside_china():
    x, y = lonlat_to_tile(114.3054, 30.5931, 15)
    dx, dy = gcj02_tile_offset_m(15, x, y)
    min_x, min_y, max_x, max_y = tile_bounds(15, x, y)
    lon, lat = from_display((min_x + max_x) / 2, (min_y + max_y) / 2, "EPSG:4326")
    w_lon, w_lat = gcj02_to_wgs84(lon, lat)
    wx, wy = to_display(w_lon, w_lat, "EPSG:4326")
    assert dx == pytest.approx(float(wx) - (min_x + max_x) / 2, abs=0.01)
    assert dy == pytest.approx(float(wy) - (min_y + max_y) / 2, abs=0.01)
    assert 200 < math.hypot(dx, dy) < 1000
    px, py = lonlat_to_tile(2.35, 48.85, 15)  # Paris
    assert gcj02_tile_offset_m(15, px, py) == (0.0, 0.0)


# --- MBTiles ---------------------------------------------------------------------------


def test_real_mbtiles_reads_png_tiles_with_tms_flip(realdata):
    path = realdata / "tiles" / "geography-class-png.mbtiles"
    source = MBTilesSource(path)
    try:
        assert source.format == "png"
        assert (source.min_zoom, source.max_zoom) == (0, 1)
        assert source.bounds == pytest.approx((-180.0, -85.0511, 180.0, 85.0511))
        tile = source.get_tile(1, 0, 0)
        assert tile[:8] == PNG_MAGIC
        assert int.from_bytes(tile[16:20], "big") == 256 and int.from_bytes(tile[20:24], "big") == 256
        with sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True) as db:
            row_1 = db.execute(
                "SELECT tile_data FROM tiles WHERE zoom_level = 1 AND tile_column = 0 AND tile_row = 1"
            ).fetchone()[0]
            row_0 = db.execute(
                "SELECT tile_data FROM tiles WHERE zoom_level = 1 AND tile_column = 0 AND tile_row = 0"
            ).fetchone()[0]
        assert tile == bytes(row_1)  # XYZ row 0 (north) is TMS row 1
        assert source.get_tile(1, 0, 1) == bytes(row_0)
        assert row_0 != row_1
        assert source.get_tile(2, 0, 0) is None
        assert source.get_tile(1, 2, 0) is None
        assert source.offset_m(1, 0, 0) == (0.0, 0.0)
    finally:
        source.close()


def test_real_vector_mbtiles_is_refused(realdata):
    with pytest.raises(InputError) as info:
        MBTilesSource(realdata / "tiles" / "world_cities.mbtiles")
    assert "world_cities.mbtiles" in str(info.value) and "vector tiles (format pbf)" in str(info.value)


def write_mbtiles(path, tiles: dict, metadata: dict):
    """tiles: {(z, x, y_tms): bytes}."""
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE metadata (name text, value text)")
        db.execute("CREATE TABLE tiles (zoom_level integer, tile_column integer, tile_row integer, tile_data blob)")
        db.executemany("INSERT INTO metadata VALUES (?, ?)", list(metadata.items()))
        db.executemany("INSERT INTO tiles VALUES (?, ?, ?, ?)", [(*k, v) for k, v in tiles.items()])
    db.close()
    return path


def test_mbtiles_serves_every_worker_thread_its_own_connection(tmp_path):
    tiles = {(3, x, y): PNG_MAGIC + bytes([x, y]) * 8 for x in range(8) for y in range(8)}
    path = write_mbtiles(tmp_path / "t.mbtiles", tiles, {"format": "png", "minzoom": "3", "maxzoom": "3"})
    source = MBTilesSource(path)
    wanted = [(3, x, y) for x in range(8) for y in range(8)]

    def fetch(key):
        return key, source.get_tile(*key), threading.get_ident()

    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(fetch, wanted * 4))
    for (z, x, y), data, _ in results:
        assert data == tiles[(z, x, 7 - y)]
    assert len(source._connections) >= 2  # worker threads opened their own connections
    source.close()
    assert source._connections == []


def test_mbtiles_without_format_is_sniffed_and_opened_read_only(tmp_path):
    jpeg = b"\xff\xd8\xff\xe0" + b"\0" * 20
    path = write_mbtiles(tmp_path / "j.mbtiles", {(0, 0, 0): jpeg}, {"name": "no format"})
    before = path.read_bytes()
    source = MBTilesSource(path)
    assert source.format == "jpg" and image_format(source.get_tile(0, 0, 0)) == "jpg"
    with pytest.raises(sqlite3.OperationalError, match="readonly"):
        source._connection().execute("DELETE FROM tiles")
    source.close()
    assert path.read_bytes() == before


@pytest.mark.parametrize(
    ("content", "problem"),
    [(b"SQLite? no, just text" * 50, "not a readable MBTiles file"), (None, "MBTiles file not found")],
)
def test_bad_mbtiles(tmp_path, content, problem):
    path = tmp_path / "bad.mbtiles"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(InputError) as info:
        MBTilesSource(path)
    assert "bad.mbtiles" in str(info.value) and problem in str(info.value)


def test_mbtiles_missing_tiles_table(tmp_path):
    path = tmp_path / "half.mbtiles"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE metadata (name text, value text)")
    db.close()
    with pytest.raises(InputError, match="no such table: tiles"):
        MBTilesSource(path)


# --- tile folders -----------------------------------------------------------------------


def test_xyz_folder_by_directory_and_by_template(tmp_path):
    root = tmp_path / "tiles"
    for z, x, y in [(2, 1, 3), (3, 6, 2)]:
        (root / str(z) / str(x)).mkdir(parents=True, exist_ok=True)
        (root / str(z) / str(x) / f"{y}.png").write_bytes(PNG_MAGIC + bytes([z, x, y]))
    source = XYZFolderSource(root, gcj02=True)
    assert (source.min_zoom, source.max_zoom) == (2, 3)
    assert source.get_tile(2, 1, 3) == PNG_MAGIC + bytes([2, 1, 3])
    assert source.get_tile(2, 1, 2) is None
    assert source.offset_m(2, 1, 3) == gcj02_tile_offset_m(2, 1, 3)
    templated = XYZFolderSource(str(root / "{z}" / "{x}" / "{-y}.png"))
    assert templated.get_tile(3, 6, 5) == PNG_MAGIC + bytes([3, 6, 2])  # TMS row 2 at z3 is XYZ row 5


def test_xyz_folder_errors(tmp_path):
    with pytest.raises(InputError, match="tile folder not found"):
        XYZFolderSource(tmp_path / "nothing")
    (tmp_path / "empty").mkdir()
    with pytest.raises(InputError, match="no tiles found"):
        XYZFolderSource(tmp_path / "empty")


# --- URL source with a real local server ------------------------------------------------


@pytest.fixture
def tile_server(tmp_path):
    """A real HTTP server on localhost serving tiles/{z}/{x}/{y}.png, counting requests."""
    root = tmp_path / "served"
    (root / "5" / "26").mkdir(parents=True)
    (root / "5" / "26" / "13.png").write_bytes(PNG_MAGIC + b"wuhan")
    requests = []

    class Handler(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, directory=str(root), **kwargs)

        def do_GET(self):
            requests.append(self.path)
            if self.path.startswith("/broken/"):
                self.send_error(500)
                return
            super().do_GET()

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server, requests
    server.shutdown()
    server.server_close()


def test_url_source_fetches_caches_and_never_refetches(tile_server, tmp_path):
    server, requests = tile_server
    port = server.server_address[1]
    source = URLTileSource(f"http://127.0.0.1:{port}/{{z}}/{{x}}/{{y}}.png", tmp_path / "cache", timeout_s=2.0)
    assert source.get_tile(5, 26, 13) == PNG_MAGIC + b"wuhan"
    assert source.cache_path(5, 26, 13).read_bytes() == PNG_MAGIC + b"wuhan"
    assert requests == ["/5/26/13.png"]
    server.shutdown()
    server.server_close()
    assert source.get_tile(5, 26, 13) == PNG_MAGIC + b"wuhan"  # from the cache, server gone
    assert requests == ["/5/26/13.png"]
    assert (source.fetched, source.failures) == (1, 0)


def test_url_source_counts_missing_and_failed_tiles(tile_server, tmp_path):
    server, requests = tile_server
    port = server.server_address[1]
    source = URLTileSource(f"http://127.0.0.1:{port}/{{z}}/{{x}}/{{y}}.png", tmp_path / "cache", timeout_s=2.0)
    assert source.get_tile(5, 0, 0) is None  # 404: the server has no such tile
    assert (source.missing, source.failures) == (1, 0)
    broken = URLTileSource(f"http://127.0.0.1:{port}/broken/{{z}}/{{x}}/{{y}}.png", tmp_path / "c2", timeout_s=2.0)
    assert broken.get_tile(5, 26, 13) is None
    assert broken.failures == 1 and "HTTP 500" in broken.last_error
    server.shutdown()
    server.server_close()
    assert source.get_tile(5, 1, 1) is None  # connection refused: counted, not raised
    assert source.failures == 1
    assert not source.cache_path(5, 1, 1).exists()


def test_url_source_rejects_bad_templates(tmp_path):
    with pytest.raises(InputError, match="must start with http"):
        URLTileSource("ftp://tiles/{z}/{x}/{y}.png", tmp_path)
    with pytest.raises(InputError, match=r"contain \{z\}"):
        URLTileSource("http://tiles/{z}/{x}.png", tmp_path)


def test_url_source_pauses_after_a_run_of_failures(tmp_path):
    # A port nobody listens on: every attempt is refused at once.
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    source = URLTileSource(
        f"http://127.0.0.1:{port}/{{z}}/{{x}}/{{y}}.png", tmp_path, timeout_s=1.0, max_consecutive_failures=3
    )
    results = [source.get_tile(4, i, 0) for i in range(6)]
    assert results == [None] * 6
    assert (source.failures, source.skipped) == (3, 3)
    source.retry_after_s = 0.0
    source._paused_until = 0.0  # the pause is over: the next tile is tried again
    assert source.get_tile(4, 0, 1) is None
    assert source.failures == 4

