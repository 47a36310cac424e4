"""Map speed: cold-start snapshot, pan/zoom frames of the demo city, large point layers.

Targets (issue: foundation): snapshot cold start < 3 s; demo pan/zoom frame (in motion) median
< 30 ms at 1600x1000; 200,000 points full-extent frame < 17 ms median, 1,000,000
< 50 ms; restyling 1 % of the points < 2 µs per point; process memory < 500 MB
with 200,000 points.
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

    def frame_ms() -> float:
        """Median of 25 frames: rasterise the points and draw them onto the target."""
        times = []
        for _ in range(25):
            start = time.perf_counter()
            pixels, pad = raster.render(view.as_tuple, WIDTH, HEIGHT)
            painter = QPainter(target)
            painter.drawImage(QRectF(0, 0, WIDTH, HEIGHT), array_to_qimage(pixels), QRectF(pad, pad, WIDTH, HEIGHT))
            painter.end()
            times.append((time.perf_counter() - start) * 1e3)
        return statistics.median(times)

    target_ms = 17.0 if n <= 200_000 else 50.0
    line(f"{n:,} points, full-extent frame, every point a full marker (median of 25)", frame_ms(), "ms", target_ms)
    # The same points as the console draws a sensor layer at this scale (25 m per
    # pixel): calm sensors as small dots, alarms as full level markers.
    raster.sprites = sensor_sprites(compact=True)
    line(f"{n:,} points, full-extent frame as the console draws it (calm ones as dots; median of 25)",
         frame_ms(), "ms", target_ms)
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
