"""Map speed: cold-start snapshot, pan/zoom frames of the demo city, large point layers.

Targets (issue: foundation): snapshot cold start < 3 s; demo pan/zoom frame (in motion) median
< 30 ms at 1600x1000; 200,000 points full-extent frame < 17 ms median, 1,000,000
< 50 ms; restyling 1 % of the points < 2 µs per point; process memory < 500 MB
with 200,000 points. Issue 13: a full-extent frame of 1,000,000 points at most 1.5x
the NumPy raster floor measured in the same run (``raster_floor``).
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
REPO = Path(__file__).resolve().parents[1]
CATALOG = REPO / "layers" / "demo" / "catalog.toml"
WIDTH, HEIGHT = 1600, 1000


def line(name: str, value: float, unit: str, target: float | None = None, lower_is_better: bool = True) -> None:
    verdict = ""
    if target is not None:
        ok = value < target if lower_is_better else value > target
        verdict = f"  target {'<' if lower_is_better else '>'} {target:g} {unit}: {'met' if ok else 'NOT MET'}"
    print(f"{name:<58} {value:10.2f} {unit}{verdict}", flush=True)


def cold_start_snapshot() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "demo.png"
        times = []
        for _ in range(3):
            start = time.perf_counter()
            subprocess.run([sys.executable, "-m", "console", "snapshot", "--out", str(out), "--catalog", str(CATALOG)],
                           check=True, capture_output=True)
            times.append(time.perf_counter() - start)
            assert out.stat().st_size > 10_000
        line("cold start `console snapshot` of the demo city (median of 3)", statistics.median(times), "s", 3.0)


def demo_pan_zoom_frames() -> None:
    from console.geo.catalog import load_catalog
    from console.ui.app import application
    from console.ui.map.canvas import MapCanvas

    application("en")
    canvas = MapCanvas()
    canvas.resize(WIDTH, HEIGHT)
    canvas.show()
    for layer in load_catalog(CATALOG).load_layers():
        layer.visible = True
        canvas.renderer.add_layer(layer)
    canvas.zoom_full()
    minx, miny, maxx, maxy = canvas.renderer.full_extent()
    cx, cy = (minx + maxx) / 2, (miny + maxy) / 2
    views = []
    for zoom in (1.0, 0.5, 0.25, 0.12):  # full city down to a few kilometres
        half_w, half_h = (maxx - minx) / 2 * zoom, (maxy - miny) / 2 * zoom
        for step in range(8):
            dx = (step - 4) * half_w * 0.15
            dy = (step % 3 - 1) * half_h * 0.15
            views.append((cx + dx - half_w, cy + dy - half_h, cx + dx + half_w, cy + dy + half_h))
    canvas.set_extent(views[0])
    canvas.grab()  # first frame builds caches; not part of the figure
    # Frames while the operator pans and zooms: the cached static picture moved to
    # the new view, live sensors drawn exactly (what the screen shows in motion).
    # Once still, the full-detail picture is drawn on the worker thread while the
    # GUI thread keeps drawing live frames (blinks, state changes).
    from PySide6.QtWidgets import QApplication

    item = canvas.map_item
    moving, background, live_while_drawing = [], [], []
    for extent in views:
        canvas.set_extent(extent, padding=0)
        start = time.perf_counter()
        canvas.grab()
        moving.append((time.perf_counter() - start) * 1e3)
        target = canvas.view_state()
        item._on_settle_timeout()
        deadline = time.perf_counter() + 30
        while item._static_key[0] != target and time.perf_counter() < deadline:
            start = time.perf_counter()
            item.blink_on = not item.blink_on
            item.update()
            canvas.grab()
            live_while_drawing.append((time.perf_counter() - start) * 1e3)
            QApplication.processEvents()
        background.append(item.last_background_seconds * 1e3)
    n_layers = len(canvas.renderer.layers)
    line(f"demo pan/zoom frame in motion, all {n_layers} layers visible (median of {len(moving)})",
         statistics.median(moving), "ms", 30.0)
    line("demo pan/zoom frame in motion, worst", max(moving), "ms")
    line(f"demo full-detail picture once the view settles, worker thread (median of {len(background)})",
         statistics.median(background), "ms")
    line("demo full-detail picture, worst (first visit of a zoom level builds its paths)", max(background), "ms")
    line(f"live frame on the GUI thread while the worker draws (median of {len(live_while_drawing)})",
         statistics.median(live_while_drawing), "ms")
    line("live frame on the GUI thread while the worker draws, worst", max(live_while_drawing), "ms")
    # The same full-detail frame drawn on the GUI thread (snapshots; content changes).
    settled = []
    for extent in views[::4]:
        canvas.set_extent(extent, padding=0)
        canvas.settle()
        start = time.perf_counter()
        canvas.grab()
        settled.append((time.perf_counter() - start) * 1e3)
    line(f"demo full-detail frame drawn on the GUI thread (median of {len(settled)})", statistics.median(settled), "ms")
    # A frame where only the live layers change (blink), the static part cached.
    times = []
    for _ in range(20):
        start = time.perf_counter()
        canvas.map_item.blink_on = not canvas.map_item.blink_on
        canvas.map_item.update()
        canvas.grab()
        times.append((time.perf_counter() - start) * 1e3)
    line("demo frame with an unchanged view (blink redraw, median)", statistics.median(times), "ms")
    canvas.close()  # stops the picture worker before the interpreter exits


FLOOR_RATIO_TARGET = 1.5


def raster_floor(dx, dy, origin, codes, view, target, radius: int = 4):
    """The least a point frame can cost here: a bare NumPy raster pass, no cell choice.

    Bin every point into a level image (one byte per pixel, the last point wins),
    dilate it to marker size with separable maxima, look the levels up in a
    palette and hand the picture to QPainter with one ``drawImage``.
    """
    import numpy as np
    from PySide6.QtCore import QRectF
    from PySide6.QtGui import QPainter

    from console.ui.map.points import array_to_qimage

    sx, tx, sy, ty = view.as_tuple
    # float32 offsets from the layer origin, as the console keeps them
    px = (dx * np.float32(sx) + np.float32(sx * origin[0] + tx)).astype(np.int32)
    py = (dy * np.float32(sy) + np.float32(sy * origin[1] + ty)).astype(np.int32)
    inside = (px >= 0) & (px < WIDTH) & (py >= 0) & (py < HEIGHT)
    level = np.zeros((HEIGHT, WIDTH), dtype=np.uint8)
    level.reshape(-1)[(py[inside] * WIDTH + px[inside])] = codes[inside]
    for axis in (0, 1):
        grown = level.copy()
        for shift in range(1, radius + 1):
            np.maximum(grown[shift:] if axis == 0 else grown[:, shift:],
                       level[:-shift] if axis == 0 else level[:, :-shift],
                       out=grown[shift:] if axis == 0 else grown[:, shift:])
            np.maximum(grown[:-shift] if axis == 0 else grown[:, :-shift],
                       level[shift:] if axis == 0 else level[:, shift:],
                       out=grown[:-shift] if axis == 0 else grown[:, :-shift])
        level = grown
    palette = np.zeros(256, dtype=np.uint32)
    palette[1:] = 0xFF3A7D7C
    pixels = palette[level]
    painter = QPainter(target)
    painter.drawImage(QRectF(0, 0, WIDTH, HEIGHT), array_to_qimage(pixels), QRectF(0, 0, WIDTH, HEIGHT))
    painter.end()


def point_layer(n: int) -> None:
    import numpy as np
    from PySide6.QtCore import QRectF
    from PySide6.QtGui import QImage, QPainter

    from console.ui.app import application
    from console.ui.map.points import PointRaster, array_to_qimage
    from console.ui.map.sensor_style import sensor_sprites
    from console.ui.map.view import ViewState

    application("en")
    rng = np.random.default_rng(1)
    x = rng.uniform(12_700_000, 12_740_000, n)
    y = rng.uniform(3_560_000, 3_590_000, n)
    sprites = sensor_sprites()
    raster = PointRaster(x, y, sprites)
    alarming = rng.choice(n, n // 100, replace=False)
    raster.set_codes(alarming, rng.integers(2, 14, len(alarming)))  # every live state, no blink-off codes
    view = ViewState.fit((12_700_000, 3_560_000, 12_740_000, 3_590_000), WIDTH, HEIGHT)
    target = QImage(WIDTH, HEIGHT, QImage.Format.Format_ARGB32_Premultiplied)

    def console_frame() -> None:
        pixels, pad = raster.render(view.as_tuple, WIDTH, HEIGHT)
        painter = QPainter(target)
        painter.drawImage(QRectF(0, 0, WIDTH, HEIGHT), array_to_qimage(pixels), QRectF(pad, pad, WIDTH, HEIGHT))
        painter.end()

    def frame_ms() -> tuple[float, float]:
        """Medians of 25 frames, the console's and the NumPy floor's in turn (A B A B):
        rasterise the points and draw them onto the target."""
        times: dict[str, list[float]] = {"console": [], "floor": []}
        for _ in range(25):
            for name in times:
                start = time.perf_counter()
                if name == "console":
                    console_frame()
                else:
                    raster_floor(raster.dx, raster.dy, raster.origin, raster.codes, view, target, raster.reach)
                times[name].append((time.perf_counter() - start) * 1e3)
        return statistics.median(times["console"]), statistics.median(times["floor"])

    target_ms = 17.0 if n <= 200_000 else 50.0
    ratio_target = FLOOR_RATIO_TARGET if n == 1_000_000 else None
    for look, chosen in (("every point a full marker", sprites),
                         ("as the console draws it (calm ones as dots)", sensor_sprites(compact=True))):
        # The second look is a sensor layer at this scale (25 m per pixel): calm
        # sensors as small dots, alarms as full level markers.
        raster.sprites = chosen
        console_ms, floor_ms = frame_ms()
        line(f"{n:,} points, full-extent frame, {look} (median of 25)", console_ms, "ms", target_ms)
        line(f"{n:,} points, NumPy raster floor of that frame (bin, dilate, palette, drawImage)", floor_ms, "ms")
        line(f"{n:,} points, {look}: frame / floor (same run, in turn)", console_ms / floor_ms, "x", ratio_target)
    raster.sprites = sprites
    rows = rng.choice(n, n // 100, replace=False)
    codes = rng.integers(1, 14, len(rows)).astype(np.uint8)
    start = time.perf_counter()
    raster.set_codes(rows, codes)
    per_point_ns = (time.perf_counter() - start) / len(rows) * 1e9
    line(f"{n:,} points, restyle 1 % ({len(rows):,} points)", per_point_ns, "ns/point", 2000.0)
    if n == 200_000:
        rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        line("process peak memory with 200,000 points drawn", rss_mb, "MB", 500.0)


def main() -> None:
    which = sys.argv[1] if len(sys.argv) > 1 else "all"
    if which == "all":
        # Each part in a fresh process so memory and caches do not mix.
        for part in ("points200k", "points1m", "snapshot", "demo"):
            subprocess.run([sys.executable, __file__, part], check=False)
        return
    if which == "points200k":
        point_layer(200_000)
    elif which == "points1m":
        point_layer(1_000_000)
    elif which == "snapshot":
        if CATALOG.exists():
            cold_start_snapshot()
        else:
            print(f"skipped: {CATALOG} not found")
    elif which == "demo":
        if CATALOG.exists():
            demo_pan_zoom_frames()
        else:
            print(f"skipped: {CATALOG} not found")


if __name__ == "__main__":
    main()
