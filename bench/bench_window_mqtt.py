"""The window on the demo city fed live by MQTT through the engine process, against a real mosquitto.

A publisher process sends single-reading messages (QoS 1, each carrying its
publish time as ``t``) to the demo city's sensors at the asked rate, calm values
except for one sensor in 100, past its level I threshold in one message of 10; the window
(offscreen, 1600x1000, warning pane and Sources pane open) runs the engine in
its child process. Printed:

- frame: the window's work each 100 ms (take the engine's update into the mirror,
  map binding refresh, warning-pane refresh, then the paint events of what they
  marked dirty), median and 95th percentile (target median <= 20 ms);
- the longest GUI-thread block: the longest gap seen by a 1 ms watchdog timer
  (target <= 50 ms);
- publish -> map latency: wall time when an update reached the mirror minus the
  publish time of the newest reading of each changed sensor, p50/p95 (target p95
  <= 0.5 s);
- nothing lost: published = accepted + rejected (+ overflow), from the engine's figures;
- reference in the same run: the same frame with no source connected (the
  window's floor on this machine), and the rate the publisher actually reached.

    python bench/bench_window_mqtt.py                    # 20,000 messages/s for 60 s
    python bench/bench_window_mqtt.py --rate 5000 --seconds 20
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

SOURCES = """
[[source]]
kind = "mqtt"
name = "city-iot"
port = {port}
topics = ["city/+/+/reading"]
sensor = "city/{{category}}/{{sensor}}/reading"
client_id = "bench-window"
max_queued_messages = 400000
"""


def line(name: str, value: float, unit: str, target: float | None = None, reference: float | None = None) -> None:
    text = f"{name}: {value:,.1f} {unit}"
    if target is not None:
        text += f"  (target <= {target:g} {unit}: {'met' if value <= target else 'NOT met'})"
    if reference:
        text += f"  [{value / reference:.2f}x the reference]"
    print(text, flush=True)


class Watchdog:
    """A 1 ms timer; the longest gap between its ticks is the longest the GUI thread was blocked."""

    def __init__(self):
        from PySide6.QtCore import QTimer

        self.last = time.perf_counter()
        self.gaps: list[float] = []
        self.at: list[float] = []
        self.timer = QTimer()
        self.timer.setInterval(1)
        self.timer.timeout.connect(self._tick)
        self.timer.start()

    def _tick(self) -> None:
        now = time.perf_counter()
        self.gaps.append((now - self.last) * 1e3)
        self.at.append(now)
        self.last = now


PARTS: dict[str, list[float]] = {"take": [], "map binding": [], "warning pane": [], "paint events": []}


def frame(window, app) -> float:
    """One frame of the window's live work, in ms (its parts go to ``PARTS``)."""
    marks = [time.perf_counter()]
    link = window.engine_link
    if link is not None:
        link.take()
    marks.append(time.perf_counter())
    window.live.refresh()
    marks.append(time.perf_counter())
    window.alarm_pane.refresh()
    marks.append(time.perf_counter())
    app.sendPostedEvents()  # the update requests of what changed: the paints the event loop would do now
    app.processEvents()
    marks.append(time.perf_counter())
    for values, a, b in zip(PARTS.values(), marks, marks[1:], strict=False):
        values.append((b - a) * 1e3)
    return (marks[-1] - marks[0]) * 1e3


def run_frames(app, window, seconds: float, on_update=None) -> tuple[list[float], list[float]]:
    """Frames every 100 ms for ``seconds`` with the event loop running between them; returns frames and gaps.

    The views' own 10 Hz timers are paused meanwhile: ``frame`` does their work and the paints it
    causes, so that it can time them (the map's blink and the Sources pane still run on their timers).
    """
    timers = [window.live.timer, window.alarm_pane.timer]
    if window.engine_link is not None:
        timers.append(window.engine_link.timer)
    for timer in timers:
        timer.stop()
    try:
        return _run_frames(app, window, seconds, on_update)
    finally:
        for timer in timers:
            timer.start()


def _run_frames(app, window, seconds: float, on_update=None) -> tuple[list[float], list[float]]:
    watchdog = Watchdog()
    frames: list[float] = []
    end = time.monotonic() + seconds
    next_frame = time.monotonic()
    while time.monotonic() < end:
        app.processEvents()
        if time.monotonic() >= next_frame:
            frames.append(frame(window, app))
            if on_update is not None:
                on_update()
            next_frame += 0.1
        else:
            time.sleep(0.001)
    watchdog.timer.stop()
    if os.environ.get("BENCH_GAPS"):
        start = watchdog.at[0] if watchdog.at else 0
        for i in np.argsort(watchdog.gaps)[-5:]:
            print(f"  gap {watchdog.gaps[i]:.0f} ms ending at +{watchdog.at[i] - start:.2f} s", flush=True)
    return frames, watchdog.gaps


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rate", type=float, default=20000.0, help="single-reading messages per second")
    parser.add_argument("--seconds", type=float, default=60.0)
    args = parser.parse_args()
    from tests.brokers import Mosquitto, mosquitto_available

    if not mosquitto_available():
        print("bench_window_mqtt: mosquitto is not installed (scripts/system-deps.sh); skipped")
        return 0
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from bench_mqtt import finish_publisher, start_publisher

    from console.commands.open import DEMO_CATALOG
    from console.ui.app import application
    from console.ui.main_window import MainWindow

    app = application("zh_CN")
    with tempfile.TemporaryDirectory() as folder, Mosquitto(Path(folder) / "broker", save_every_change=False) as broker:
        folder = Path(folder)
        window = MainWindow()
        window.resize(1600, 1000)
        window.open_journal(folder / "journal.sqlite")
        window.set_operator("bench")
        window.open_paths([str(DEMO_CATALOG)])
        window.show()
        window.canvas.zoom_full()
        for _ in range(20):
            app.processEvents()
        reference, reference_gaps = run_frames(app, window, 5.0)
        line("reference: frame with no source connected (median)", float(np.median(reference)), "ms")
        line("reference: longest GUI-thread block with no source connected (this machine's noise)",
             max(reference_gaps), "ms")
        for values in PARTS.values():
            values.clear()

        sources = folder / "sources.toml"
        sources.write_text(SOURCES.format(port=broker.port), encoding="utf-8")
        assert window.open_sources(sources), window.errors
        link = window.engine_link
        deadline = time.monotonic() + 60
        while not (link.mirror.sources and link.mirror.sources[0]["status"] == "live"):
            app.processEvents()
            time.sleep(0.01)
            if time.monotonic() > deadline:
                raise SystemExit("the MQTT source did not come live")
        table = link.table
        # Calm values halfway to level IV; one sensor in 100 is past level I in one message of 10.
        levels, sign = table.levels, link.mirror.sign
        first = np.where(np.isfinite(levels[:, 0]), levels[:, 0], 1.0)
        worst = np.where(np.isfinite(levels[:, 3]), levels[:, 3], first)
        calm = np.where(sign > 0, first * 0.5, first * 1.5)
        alarm = np.where(sign > 0, worst * 1.1 + 0.1, worst * 0.9)
        alarm[np.arange(len(alarm)) % 100 != 0] = calm[np.arange(len(alarm)) % 100 != 0]
        ids = folder / "ids.txt"
        ids.write_text("\n".join(f"{sensor} {c!r} {a!r}" for sensor, c, a in
                                 zip(table.ids.tolist(), calm.tolist(), alarm.tolist(), strict=True)))
        os.environ["BENCH_SENSOR_IDS"] = str(ids)
        count = int(args.rate * args.seconds)
        latencies: list[np.ndarray] = []
        seen = [table.version]

        def on_update() -> None:
            rows = table.changed_since(seen[0])
            seen[0] = table.version
            if rows.size:
                received = table.t_ms[rows]
                latencies.append(time.time() * 1000 - received[received > 0])

        process, started = start_publisher(broker.port, "single", count, args.rate)
        frames, gaps = run_frames(app, window, args.seconds, on_update)
        out = finish_publisher(process)
        published_in = next((float(x.split()[2]) for x in out if x.startswith("published in")), float("nan"))
        # Let the engine take what is still queued, then read its counters.
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            app.processEvents()
            link.take()
            figures = link.mirror.sources[0]
            if figures["received"] >= count and figures["accepted"] + figures["rejected"] >= count:
                break
            time.sleep(0.05)
        figures = link.mirror.sources[0]
        print(f"asked {args.rate:,.0f} messages/s for {args.seconds:g} s; the publisher sent {count:,} in "
              f"{published_in:.1f} s = {count / published_in:,.0f} messages/s")
        line("frame, median", float(np.median(frames)), "ms", 20.0, float(np.median(reference)))
        line("frame, 95th percentile", float(np.percentile(frames, 95)), "ms")
        for name, values in PARTS.items():
            print(f"  {name}: median {np.median(values):.1f} ms, 95th percentile {np.percentile(values, 95):.1f} ms")
        line("longest GUI-thread block", max(gaps), "ms", 50.0)
        line("  GUI-thread blocks over 50 ms", float(sum(gap > 50 for gap in gaps)), f"of {len(gaps):,} ticks")
        lat = np.concatenate(latencies) if latencies else np.zeros(1)
        line("publish -> map latency p50", float(np.percentile(lat, 50)), "ms")
        line("publish -> map latency p95", float(np.percentile(lat, 95)), "ms", 500.0)
        lost = count - figures["accepted"] - figures["rejected"] - figures.get("overflow", 0)
        print(f"published {count:,}; received {figures['received']:,}, accepted {figures['accepted']:,}, rejected "
              f"{figures['rejected']:,}, overflow {figures.get('overflow', 0):,}, duplicates {figures['duplicates']:,}"
              f" -> unaccounted {lost:,} ({'nothing lost' if lost == 0 else 'LOST'})", flush=True)
        window.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
