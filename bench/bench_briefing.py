"""Briefing pages and the snapshot of a recorded feed (issue 14).

Targets:
- a briefing PNG of the demo city at 1600x1000 from a running console: <= 1 s;
- the same as an A4 PDF: <= 2 s;
- `console snapshot --feed F --at T` on the bundled 6-hour feed, cold (a subprocess): <= 6 s.

The running console is the real main window (offscreen) with the demo city and a
drill of the bundled feed at 03:00, its busiest hour (268 active alarms), so the page
has a full alarm table. Printed beside each figure, measured in the same run:
the old map snapshot (`render_snapshot`, the map alone with its title and legend)
for the window's exports, and the cold `console snapshot` of the map without a
feed (start-up, the catalog, one render) for the feed's; the ratios say what the
page and the feed add. A page with an impact summary (a gas alarm's analysis shown,
its overlay on the map) is timed beside the same view without it.

    python bench/bench_briefing.py
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

PNG_TARGET_S, PDF_TARGET_S, COLD_TARGET_S = 1.0, 2.0, 6.0
FEED = REPO / "assets" / "feeds" / "demo_rainstorm_gasleak.jsonl.gz"
AT = "+3:00"
IMPACT_SENSOR = "GAS-01687"


def timed(action, repeat: int) -> float:
    """Median wall time of ``repeat`` runs."""
    times = []
    for _ in range(repeat):
        began = time.perf_counter()
        action()
        times.append(time.perf_counter() - began)
    return statistics.median(times)


def cold(args: list[str]) -> float:
    began = time.perf_counter()
    subprocess.run([sys.executable, "-m", "console", *args], cwd=REPO, check=True, capture_output=True,
                   env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    return time.perf_counter() - began


def window_figures(folder: Path) -> dict[str, float]:
    from console.commands.open import DEMO_CATALOG
    from console.ui.app import application

    application("zh_CN")
    from console.ui.main_window import MainWindow
    from console.ui.snapshot import render_snapshot

    window = MainWindow()
    window.open_journal(folder / "live.sqlite")
    window.open_paths([str(DEMO_CATALOG)])
    window.resize(1600, 1000)
    window.canvas.zoom_full()
    drill = window.start_drill(FEED, journal_path=folder / "drill.sqlite")
    window.replay_panel.controller.seek(drill.replay.start_ms + 3 * 3600_000)
    window.refresh_live()
    figures = {
        "png": timed(lambda: window.export_briefing(folder / "brief.png", size=(1600, 1000)), 5),
        "pdf": timed(lambda: window.export_briefing(folder / "brief.pdf", layout="a4"), 3),
        "map": timed(lambda: render_snapshot(window.canvas.renderer, 1600, 1000, window.canvas.extent()), 5),
    }
    figures.update(impact_figures(window, folder))
    window.leave_drill()
    window.session.close()
    return figures


def impact_figures(window, folder: Path) -> dict[str, float]:
    """The PNG with a gas alarm's impact shown, and the same view once it is cleared from the map."""
    from PySide6.QtWidgets import QApplication

    panel = window.impact.panel
    window.impact.analyse(IMPACT_SENSOR)
    deadline = time.perf_counter() + 60
    while panel.result is None and time.perf_counter() < deadline:  # the analysis runs on its worker
        QApplication.processEvents()
        time.sleep(0.01)
    if panel.result is None:
        raise RuntimeError(f"no impact analysis of {IMPACT_SENSOR}: {panel.error}")
    QApplication.processEvents()
    shown = timed(lambda: window.export_briefing(folder / "impact.png", size=(1600, 1000)), 5)
    panel.clear()  # the overlay goes, the view stays
    plain = timed(lambda: window.export_briefing(folder / "plain.png", size=(1600, 1000)), 5)
    return {"impact_png": shown, "impact_plain_png": plain}


def main() -> int:
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} (shared; figures vary with it)")
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        figures = window_figures(folder)
        map_s = figures["map"]
        print(f"briefing PNG 1600x1000 from the running console: {figures['png']:.2f} s "
              f"(target {PNG_TARGET_S:.0f} s); the map snapshot alone: {map_s:.2f} s, "
              f"x{figures['png'] / map_s:.1f}")
        print(f"briefing PDF A4 from the running console:       {figures['pdf']:.2f} s "
              f"(target {PDF_TARGET_S:.0f} s); x{figures['pdf'] / map_s:.1f} the map snapshot")
        print(f"briefing PNG with an impact summary ({IMPACT_SENSOR}): {figures['impact_png']:.2f} s; the same "
              f"view without it: {figures['impact_plain_png']:.2f} s, "
              f"x{figures['impact_png'] / figures['impact_plain_png']:.2f}")
        reference = cold(["snapshot", "--out", str(folder / "map.png"), "--lang", "en"])
        feed = cold(["snapshot", "--feed", str(FEED), "--at", AT, "--out", str(folder / "feed.png"), "--lang", "en"])
        print(f"console snapshot --feed (6-hour feed) --at {AT}, cold:  {feed:.2f} s (target {COLD_TARGET_S:.0f} s); "
              f"cold snapshot of the map without a feed: {reference:.2f} s, x{feed / reference:.1f}")
        met = max(figures["png"], figures["impact_png"]) <= PNG_TARGET_S and figures["pdf"] <= PDF_TARGET_S and feed <= COLD_TARGET_S
    print("targets met" if met else "targets NOT met")
    return 0


if __name__ == "__main__":
    sys.exit(main())
