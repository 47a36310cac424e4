"""Incident footprints in the storm's peak: their cost per frame and per update, against the same map without them.

The demo city at city scale (1600 x 1000, the whole city in view) in a drill of
the bundled feed, at the moment with the most new alarms: the map frame (live
sensor layers, footprints and their badges) is timed with the footprints on and
off, in the same run, alternating so that the machine's load hits both alike.
The first frame after a change draws the footprints afresh (as every frame
while panning does); the second of one view keeps a picture, which later ones blit. An update (working the footprints out from the book, hiding their sensors) is
timed apart: it runs at most twice a second.

Run: .venv/bin/python bench/bench_footprints.py
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
ROUNDS = 60


def main() -> None:
    from PySide6.QtGui import QImage, QPainter

    from console.commands.open import DEMO_CATALOG, DEMO_FEED, drill_moment
    from console.ui.app import application
    from console.ui.main_window import MainWindow

    app = application("en")
    window = MainWindow()
    window.resize(1600, 1000)
    window.show()
    window.open_paths([str(DEMO_CATALOG)])
    window.canvas.zoom_full()
    drill = window.start_drill(str(DEMO_FEED))
    window.replay_panel.controller.seek(drill_moment(None, drill.replay, busiest=True))
    for _ in range(10):
        app.processEvents()
    window.live.refresh()
    footprints = window.footprints
    canvas = window.canvas
    view = canvas.view_state()
    item = canvas.map_item
    image = QImage(view.width, view.height, QImage.Format.Format_ARGB32_Premultiplied)

    def frame() -> float:
        started = time.perf_counter()
        painter = QPainter(image)
        canvas.renderer.paint_layers(painter, view, canvas.renderer.layers[item._split():], blink_on=True)
        canvas.renderer.paint_overlays(painter, view)
        canvas.renderer.paint_overlays(painter, view, above=True)
        painter.end()
        return (time.perf_counter() - started) * 1e3

    updates, first, on, off = [], [], [], []
    for _ in range(ROUNDS):
        footprints.enabled = True
        started = time.perf_counter()
        footprints.update()
        updates.append((time.perf_counter() - started) * 1e3)
        first.append(frame())  # drawn afresh (after an update, or every frame while panning)
        frame()  # the same view again: the picture kept from now on is drawn
        on.append(min(frame(), frame()))
        footprints.enabled = False
        footprints.update()
        off.append(frame())
    footprints.enabled = True
    footprints.update()
    print(f"-- {len(drill.replay.book.open_alarms()):,} open alarms, {len(footprints.footprints)} footprints, "
          f"{view.resolution_m:.0f} m/px, load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    print(f"{'map frame, sensor markers only (reference)':<58} {statistics.median(off):8.2f} ms median")
    print(f"{'map frame, footprints drawn afresh, their markers left out':<58} {statistics.median(first):8.2f} ms median"
          f"  ({statistics.median(first) / statistics.median(off):.2f}x the reference)")
    print(f"{'map frame, footprints unchanged (view still, drill playing)':<58} {statistics.median(on):8.2f} ms median"
          f"  ({statistics.median(on) / statistics.median(off):.2f}x the reference)")
    print(f"{'footprint update (book -> hulls, hidden markers)':<58} {statistics.median(updates):8.2f} ms median"
          f", {max(updates):.2f} ms longest (at most every 0.5 s)")
    window.leave_drill()
    window.session.close()


if __name__ == "__main__":
    main()
