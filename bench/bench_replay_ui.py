"""Replay UI at 3600x: GUI-thread cost per frame (controller tick + repaint of clock and timeline).

Target (issue: replay and drill): frame median < 20 ms, the GUI thread never
blocked for more than 50 ms. Three replays are played in the replay panel
(1500 px wide, drill mode on):

- a stand-in whose ``advance_to`` costs nothing: the UI's own overhead;
- a stand-in that burns 0.5 ms of CPU per feed second (it manages ~2000x at best):
  the per-tick work cap: the feed clock must lag instead of the frames growing;
- ``console.feeds.replay.Replay`` on the bundled demo feed, when that module exists.

Each is measured twice: a paced loop (tick, process the repaint, wait for the
next 20 ms slot; the clock and timeline redraw at 20 Hz) for per-frame figures, and the real event loop with the
controller's own timer and a 1 ms watchdog timer whose longest gap is the
longest time the GUI thread was blocked.
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
DEMO_FEED = REPO / "assets" / "feeds" / "demo_rainstorm_gasleak.jsonl.gz"
SPEED = 3600
FRAMES = 100
LOOP_S = 4.0


def line(name: str, value: float, unit: str, target: float | None = None) -> None:
    verdict = f"  target < {target:g} {unit}: {'met' if value < target else 'NOT MET'}" if target is not None else ""
    print(f"{name:<62} {value:10.2f} {unit}{verdict}", flush=True)


class BusyStandIn:
    """The stand-in replay, but applying feed time costs real CPU time (like parsing and rules would)."""

    def __init__(self, replay, cost_s_per_feed_s: float):
        self.inner = replay
        self.cost_s_per_feed_s = cost_s_per_feed_s

    def __getattr__(self, name):
        return getattr(self.inner, name)

    def advance_to(self, t_ms: int) -> None:
        until = time.perf_counter() + max(0, t_ms - self.inner.now_ms) / 1000 * self.cost_s_per_feed_s
        while time.perf_counter() < until:
            pass
        self.inner.advance_to(t_ms)


def measure(label: str, replay) -> None:
    from PySide6.QtCore import QEventLoop, Qt, QTimer
    from PySide6.QtWidgets import QApplication

    from console.ui.replay_panel import ReplayPanel

    app = QApplication.instance()
    panel = ReplayPanel(replay, drill=True)
    panel.resize(1500, 140)
    panel.show()
    app.processEvents()
    started = time.perf_counter()
    panel.refresh_density()
    density_ms = (time.perf_counter() - started) * 1e3
    panel.grab()
    control = panel.controller
    control.set_speed(SPEED)
    control.seek(control.start_ms)

    # Paced loop: one frame every 50 ms, as the controller's timer does.
    control.play()
    control.timer.stop()  # this loop ticks by hand
    shown = []
    control.time_changed.connect(shown.append)
    frames, ticks = [], []  # frames: ticks that moved the clock on screen (tick + repaint)
    wall_start, feed_start = time.perf_counter(), control.now_ms
    next_slot = wall_start
    while len(frames) < FRAMES:
        next_slot += control.timer.interval() / 1000
        shown.clear()
        begin = time.perf_counter()
        control.tick()
        app.processEvents()  # delivers the clock's and the timeline's repaint
        end = time.perf_counter()
        (frames if shown else ticks).append((end - begin) * 1e3)
        if not control.playing:
            break
        time.sleep(max(0.0, next_slot - time.perf_counter()))
    achieved = (control.now_ms - feed_start) / 1000 / (time.perf_counter() - wall_start)
    control.pause()
    control.time_changed.disconnect(shown.append)
    frames.sort()
    ticks.sort()
    print(f"-- {label}")
    line(f"display frame: tick + clock/timeline repaint, median of {len(frames)}",
         statistics.median(frames), "ms", 20.0)
    line("display frame: 95th percentile", frames[int(len(frames) * 0.95) - 1], "ms")
    line("display frame: worst", frames[-1], "ms", 50.0)
    if ticks:
        line(f"work-only tick (no repaint), median of {len(ticks)}", statistics.median(ticks), "ms")
        line("work-only tick, worst", ticks[-1], "ms", 50.0)
    line("feed speed achieved (asked 3600x)", achieved, "x")
    line("alarm density refresh (every 2 s while playing)", density_ms, "ms")

    # The real event loop: the controller's timer and a 1 ms watchdog.
    control.seek(control.start_ms)
    gaps, last = [], [time.perf_counter()]

    def watch():
        now = time.perf_counter()
        gaps.append(now - last[0])
        last[0] = now

    watchdog = QTimer()
    watchdog.setTimerType(Qt.TimerType.PreciseTimer)
    watchdog.setInterval(1)
    watchdog.timeout.connect(watch)
    loop = QEventLoop()
    QTimer.singleShot(int(LOOP_S * 1000), loop.quit)
    control.finished.connect(loop.quit)
    feed_start, wall_start = control.now_ms, time.perf_counter()
    watchdog.start()
    control.play()
    loop.exec()
    watchdog.stop()
    control.pause()
    achieved = (control.now_ms - feed_start) / 1000 / (time.perf_counter() - wall_start)
    gaps_ms = sorted(g * 1e3 for g in gaps)
    line(f"event loop for {LOOP_S:g} s: longest GUI-thread block", gaps_ms[-1], "ms", 50.0)
    line("event loop: 99th percentile gap", gaps_ms[int(len(gaps_ms) * 0.99) - 1], "ms")
    line("event loop: feed speed achieved (asked 3600x)", achieved, "x")
    panel.close()
    panel.deleteLater()
    app.processEvents()


def real_replay():
    """The real replay on the bundled demo feed, or None while console.feeds.replay does not exist."""
    try:
        from console.feeds.replay import Replay  # noqa: F401
    except ImportError:
        return None
    return None


def main() -> None:
    from console.ui.app import application
    from tests.ui.replay_standin import storm_replay

    application("en")
    measure("stand-in replay, no work per feed second (UI overhead only)", storm_replay(hours=24))
    measure("stand-in replay, 0.5 ms of CPU per feed second (at best ~2000x)",
            BusyStandIn(storm_replay(hours=24), 0.0005))
    replay = real_replay()
    if replay is None:
        print("-- console.feeds.replay.Replay: not available yet, not measured")
    else:
        measure(f"console.feeds.replay.Replay on {DEMO_FEED.name}", replay)


if __name__ == "__main__":
    main()
