"""Replay UI at 3600x: GUI-thread cost per frame (controller tick + repaint of clock and timeline).

Target (issue: replay and drill): frame median < 20 ms, the GUI thread never
blocked for more than 50 ms. Three replays are played in the replay panel
(1500 px wide, drill mode on):

- a stand-in whose ``advance_to`` costs nothing: the UI's own overhead;
- a stand-in that burns 0.5 ms of CPU per feed second (it manages ~2000x at best):
  the per-tick work cap: the feed clock must lag instead of the frames growing;
- ``console.feeds.replay.Replay`` on the bundled demo feed (6 hours, the demo
  city's ~20,000 sensors): paused while the replay's child process runs the
  indexing pass (the longest GUI-thread block meanwhile), played fully indexed,
  and played the moment the panel appears (the child indexes on meanwhile);
- the whole window in a drill: the demo city map and the warning pane bound to
  the replay, the replay panel under the map.

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

import numpy as np

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
DEMO_FEED = REPO / "assets" / "feeds" / "demo_rainstorm_gasleak.jsonl.gz"
CATALOG = REPO / "layers" / "demo" / "catalog.toml"
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


def measure(label: str, replay, index: bool = False) -> None:
    from PySide6.QtCore import QEventLoop, Qt, QTimer
    from PySide6.QtWidgets import QApplication

    from console.ui.replay import freeze_loaded_objects
    from console.ui.replay_panel import ReplayPanel

    app = QApplication.instance()
    freeze_loaded_objects()  # as install_replay_panel does
    panel = ReplayPanel(replay, drill=True, index_in_background=index)
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
    control.clock_changed.connect(shown.append)
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
    control.clock_changed.disconnect(shown.append)
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
    gaps, last = [], [time.perf_counter(), time.thread_time()]  # gaps: (wall, GUI-thread CPU) seconds

    def watch():
        now, cpu = time.perf_counter(), time.thread_time()
        gaps.append((now - last[0], cpu - last[1]))
        last[:] = now, cpu

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
    gaps_ms = sorted(wall * 1e3 for wall, _cpu in gaps)
    line(f"event loop for {LOOP_S:g} s: longest GUI-thread block", gaps_ms[-1], "ms", 50.0)
    line("  GUI-thread CPU time within it", max(gaps)[1] * 1e3, "ms")
    line("event loop: 99th percentile gap", gaps_ms[int(len(gaps_ms) * 0.99) - 1], "ms")
    line("event loop: feed speed achieved (asked 3600x)", achieved, "x")
    panel.remove()
    panel.stop_indexing(wait_s=60)
    panel.close()
    panel.deleteLater()
    app.processEvents()


def idle_while_indexing(replay) -> None:
    """The panel paused while the replay's child indexes the feed: how long is the GUI thread held?"""
    from PySide6.QtCore import QEventLoop, Qt, QTimer
    from PySide6.QtWidgets import QApplication

    from console.ui.replay import freeze_loaded_objects
    from console.ui.replay_panel import ReplayPanel

    app = QApplication.instance()
    freeze_loaded_objects()
    gaps, last = [], [time.perf_counter()]

    def watch():
        now = time.perf_counter()
        gaps.append(now - last[0])
        last[0] = now
        if panel.density_complete:
            loop.quit()

    started = time.perf_counter()
    panel = ReplayPanel(replay, drill=True, index_in_background=True)
    panel.resize(1500, 140)
    panel.show()
    watchdog = QTimer()
    watchdog.setTimerType(Qt.TimerType.PreciseTimer)
    watchdog.setInterval(1)
    watchdog.timeout.connect(watch)
    loop = QEventLoop()
    QTimer.singleShot(120_000, loop.quit)
    last[0] = time.perf_counter()
    watchdog.start()
    loop.exec()
    watchdog.stop()
    gaps_ms = sorted(g * 1e3 for g in gaps)
    print("-- the panel paused while the replay indexes the feed in its child process")
    line("indexing the whole feed, until the histogram was complete", time.perf_counter() - started, "s")
    line("longest GUI-thread block meanwhile (operator's clicks wait)", gaps_ms[-1], "ms", 50.0)
    line("99th percentile gap meanwhile", gaps_ms[int(len(gaps_ms) * 0.99) - 1], "ms")
    panel.remove()
    panel.close()
    panel.deleteLater()
    app.processEvents()


def whole_window(feed_hours: float = 2.0, max_seconds: float = 20.0, snapshot: str | None = None,
                 play_at_once: bool = False) -> dict:
    """The console in a drill, as an operator starts one: ``MainWindow.start_drill`` on the demo feed.

    The demo city map, the warning pane (bound to the drill's book, refreshed as the
    feed clock moves), the replay panel and the drill banner, 1600 x 1000 pixels,
    played at 3600x through the storm's peak (from two hours into the feed, for
    ``feed_hours`` of feed or ``max_seconds`` of wall time): thousands of alarms.
    The drill journal is written as in the console. The replay indexes the whole
    feed in its child process from the start. By default the measurement starts
    once the child is done (steady playback); with ``play_at_once`` play is pressed
    while it is still indexing, as an operator who plays at once does (the child
    takes one of the CPUs, and the GUI thread reads the checkpoints it sends).

    Figures, from a 1 ms watchdog timer (a gap between two of its runs is a stretch
    the GUI thread was busy; nothing else, not a click, could be answered then):

    - frame: a busy stretch in which the window was repainted (tick, refreshes and
      the repaint that shows them); the median is the typical cost of a frame;
    - longest GUI-thread block: the longest gap of all, in wall time; and the most
      CPU time the GUI thread itself spent in one gap (a gap much longer than its
      CPU time is the thread waiting for a processor: other programs, other threads);
    - GUI thread busy: share of the wall time in stretches over 2 ms;
    - how often the map, the alarm list and the clock were redrawn, and the feed
      speed achieved over the storm (feed time played / wall time).
    """
    import tempfile

    from PySide6.QtCore import QEvent, QEventLoop, QObject, Qt, QTimer
    from PySide6.QtWidgets import QApplication

    from console.ui.main_window import MainWindow

    app = QApplication.instance()
    window = MainWindow()
    window.resize(1600, 1000)
    window.show()
    window.open_paths([str(CATALOG)])
    for _ in range(10):
        app.processEvents()
    folder = tempfile.TemporaryDirectory(prefix="bench-drill-")
    started = time.perf_counter()
    drill = window.start_drill(str(DEMO_FEED), journal_path=Path(folder.name) / "drill.sqlite")
    panel = window.replay_panel
    print(f"-- {DEMO_FEED.name} opened as a drill in {time.perf_counter() - started:.1f} s", flush=True)
    control = panel.controller
    control.set_speed(SPEED)
    if not play_at_once:
        waited = time.perf_counter()
        while not panel.density_complete and time.perf_counter() - waited < 120:
            app.processEvents()
            time.sleep(0.05)
            panel.refresh_density()
    control.seek(control.start_ms + 2 * 3_600_000)  # into the storm: alarms on the map and in the pane
    for _ in range(10):
        app.processEvents()

    repaints: list[float] = []  # when the window began a repaint

    class RepaintSpy(QObject):
        def eventFilter(self, watched, event):  # noqa: N802 (Qt override)
            if event.type() == QEvent.Type.UpdateRequest:
                repaints.append(time.perf_counter())
            return False

    spy = RepaintSpy()
    window.installEventFilter(spy)
    counts = {"map": 0, "list": 0, "clock": 0}

    def counted(widget, name):
        paint = widget.paintEvent

        def paint_event(event):
            counts[name] += 1
            paint(event)

        widget.paintEvent = paint_event

    counted(window.canvas, "map")
    counted(window.alarm_pane.view, "list")
    control.clock_changed.connect(lambda _t: counts.__setitem__("clock", counts["clock"] + 1))
    gaps = []  # (begin, end, GUI-thread CPU seconds in between)
    last = [time.perf_counter(), time.thread_time()]

    def watch():
        now, cpu = time.perf_counter(), time.thread_time()
        gaps.append((last[0], now, cpu - last[1]))
        last[:] = now, cpu

    peak_hour_s = []  # wall time the storm's first hour (its peak) took

    def check_feed():
        if not peak_hour_s and control.now_ms >= feed_start + 3_600_000:
            peak_hour_s.append(time.perf_counter() - wall_start)
        if control.now_ms >= feed_start + feed_hours * 3_600_000:
            loop.quit()

    watchdog = QTimer()
    watchdog.setTimerType(Qt.TimerType.PreciseTimer)
    watchdog.setInterval(1)
    watchdog.timeout.connect(watch)
    control.clock_changed.connect(check_feed)
    loop = QEventLoop()
    QTimer.singleShot(int(max_seconds * 1000), loop.quit)
    control.finished.connect(loop.quit)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    feed_start, wall_start = control.now_ms, time.perf_counter()
    last[:] = time.perf_counter(), time.thread_time()
    watchdog.start()
    control.play()
    loop.exec()
    watchdog.stop()
    wall = time.perf_counter() - wall_start
    played_s = (control.now_ms - feed_start) / 1000
    if snapshot:
        window.grab().save(snapshot)
    control.pause()
    window.removeEventFilter(spy)
    lengths = sorted((end - begin) * 1e3 for begin, end, _cpu in gaps)
    marks = np.array(repaints)
    frames = sorted((end - begin) * 1e3 for begin, end, _cpu in gaps if np.any((marks > begin) & (marks < end)))
    longest = max(gaps, key=lambda gap: gap[1] - gap[0])
    busy_s = sum(length for length in lengths if length > 2.0) / 1e3
    figures = {
        "frame_median_ms": statistics.median(frames) if frames else 0.0,
        "frame_p95_ms": frames[int(len(frames) * 0.95) - 1] if frames else 0.0,
        "longest_block_ms": lengths[-1],
        "longest_block_cpu_ms": longest[2] * 1e3,
        "most_cpu_in_a_block_ms": max(cpu for _b, _e, cpu in gaps) * 1e3,
        "waiting_blocks": sum(1 for b, e, cpu in gaps if e - b > 0.02 and cpu < 0.5 * (e - b)),
        "busy_share": busy_s / wall,
        "map_hz": counts["map"] / wall,
        "list_hz": counts["list"] / wall,
        "clock_hz": counts["clock"] / wall,
        "speed": played_s / wall,
        "peak_speed": 3600 / peak_hour_s[0] if peak_hour_s else played_s / wall,
        "alarms": len(drill.book.alarms),
        "load": load,
    }
    when = "play pressed while the child still indexes the feed" if play_at_once else "steady playback"
    print(f"-- the whole console in a drill ({when}) at 3600x: {played_s / 3600:.2f} h "
          f"of the storm in {wall:.1f} s (load average {load:.1f} on {os.cpu_count()} CPUs at the start)")
    line(f"frame (busy stretch with a window repaint), median of {len(frames)}", figures["frame_median_ms"],
         "ms", 20.0)
    line("frame: 95th percentile", figures["frame_p95_ms"], "ms")
    line("longest GUI-thread block (wall time)", figures["longest_block_ms"], "ms", 50.0)
    line("  GUI-thread CPU time within it", figures["longest_block_cpu_ms"], "ms")
    line("most GUI-thread CPU time in one block", figures["most_cpu_in_a_block_ms"], "ms")
    line("blocks over 20 ms spent mostly waiting for a CPU", figures["waiting_blocks"], "")
    line("GUI thread busy (stretches over 2 ms), share of wall time", figures["busy_share"] * 100, "%")
    line("map repaints per second", figures["map_hz"], "Hz")
    line("alarm list repaints per second", figures["list_hz"], "Hz")
    line("feed clock updates per second", figures["clock_hz"], "Hz")
    line("feed speed achieved through the storm (asked 3600x)", figures["speed"], "x")
    line("  in its first hour, the peak", figures["peak_speed"], "x")
    line("alarms in the drill's book at the end", figures["alarms"], "")
    panel.stop_indexing(wait_s=60)  # a reading thread must not outlive the window
    window.close()
    window.deleteLater()
    app.processEvents()
    folder.cleanup()
    return figures


def real_replay():
    """``console.feeds.replay.Replay`` on the bundled demo feed and the demo city's sensors."""
    from console.commands.process import load_sensor_layers
    from console.feeds.replay import Replay
    from console.model.sensors import SensorTable

    started = time.perf_counter()
    table = SensorTable.from_layers(load_sensor_layers(str(CATALOG), None))
    replay = Replay(DEMO_FEED, table)
    print(f"-- {DEMO_FEED.name}: {len(replay.columns):,} readings, {len(table.ids):,} sensors, "
          f"decoded in {time.perf_counter() - started:.1f} s", flush=True)
    return replay


def main(argv: list[str] | None = None) -> None:
    import argparse

    from console.ui.app import application
    from tests.ui.replay_standin import storm_replay

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("parts", nargs="*", metavar="{panel,window}",
                        help="the replay panel alone on stand-ins and the demo feed, the whole console in a drill "
                             "(default: both)")
    parser.add_argument("--feed-hours", type=float, default=2.0,
                        help="window: hours of the storm played (from two hours into the feed)")
    parser.add_argument("--snapshot", metavar="PNG", help="window: save the window as it is at the end of play")
    args = parser.parse_args(argv)
    parts = args.parts or ["panel", "window"]
    if set(parts) - {"panel", "window"}:
        parser.error(f"unknown part(s): {', '.join(sorted(set(parts) - {'panel', 'window'}))}")
    application("en")
    if "panel" in parts:
        measure("stand-in replay, no work per feed second (UI overhead only)", storm_replay(hours=24))
        measure("stand-in replay, 0.5 ms of CPU per feed second (at best ~2000x)",
                BusyStandIn(storm_replay(hours=24), 0.0005))
        # The real replay: paused while its child indexes the feed; played fully indexed;
        # played the moment the panel appears (the child indexes on meanwhile).
        replay = real_replay()
        idle_while_indexing(replay)
        measure("Replay on the demo feed, fully indexed", replay)
        measure("Replay on the demo feed, played at once (the child indexes meanwhile)", real_replay(), index=True)
        del replay
    if "window" in parts:
        whole_window(args.feed_hours, snapshot=args.snapshot)
        whole_window(args.feed_hours, play_at_once=True)


if __name__ == "__main__":
    main()
