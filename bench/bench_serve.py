"""``console serve`` on the demo city fed by MQTT at 2,000 readings/s: does its memory stay flat?

Starts mosquitto on a free loopback port, runs ``console serve`` on the demo city's
sensors with a journal in a temporary folder, and publishes single-reading QoS 1
messages at 2,000/s from a separate process (one sensor after another, values that
now and then cross a threshold for two readings, so alarms come and go). The resident memory of the
serve process is read from /proc after the first minute and at the end; the target
is end <= 1.2x first minute over 30 minutes. At the end serve is stopped with
SIGTERM and its summary compared with what was published.

    python bench/bench_serve.py                 # 5 minutes (what `make bench` runs)
    python bench/bench_serve.py --minutes 30    # the target's duration
"""

from __future__ import annotations

import argparse
import json
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

RATE = 2000
SOURCES = """
[[source]]
kind = "mqtt"
name = "city-iot"
port = {port}
topics = ["city/+/+/reading"]
sensor = "city/{{category}}/{{sensor}}/reading"
client_id = "bench-serve"
"""


def publish(port: int, ids_file: str, seconds: float) -> None:
    """Publish at RATE messages/s for ``seconds``; print how many were published."""
    import paho.mqtt.client as paho
    from paho.mqtt.enums import CallbackAPIVersion

    sensors = json.loads(Path(ids_file).read_text())
    client = paho.Client(CallbackAPIVersion.VERSION2, client_id="bench-serve-publisher")
    client.max_inflight_messages_set(5000)
    client.max_queued_messages_set(0)
    client.connect("127.0.0.1", port)
    client.loop_start()
    started = time.monotonic()
    sent = 0
    while True:
        elapsed = time.monotonic() - started
        if elapsed >= seconds:
            break
        due = int(elapsed * RATE)
        while sent < due:
            sensor, turn = sent % len(sensors), sent // len(sensors)
            sensor_id, category, calm, alarm = sensors[sensor]
            # Each round one sensor in 500 is past level I for two readings in a row (the second confirms
            # the level, as the rules ask), and its next reading clears it.
            value = alarm if (sensor + turn) % 500 in (0, 1) else calm
            payload = f'{{"t":{int(time.time() * 1000)},"value":{value}}}'
            client.publish(f"city/{category}/{sensor_id}/reading", payload, qos=1)
            sent += 1
        time.sleep(0.005)
    client.loop_stop()
    client.disconnect()
    print(sent, flush=True)


def wait_journal(path: Path, published: int, timeout_s: float) -> float | None:
    """Seconds until the journal holds ``published`` readings; None when it does not within ``timeout_s``."""
    from console.model.journal import Journal

    began = time.monotonic()
    with Journal(path) as journal:
        while journal.count_readings(0, 2**62) < published:
            if time.monotonic() - began > timeout_s:
                return None
            time.sleep(0.5)
    return time.monotonic() - began


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=5.0)
    parser.add_argument("--publish", nargs=3, metavar=("PORT", "IDS", "SECONDS"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.publish:
        publish(int(args.publish[0]), args.publish[1], float(args.publish[2]))
        return 0

    import numpy as np

    from console.commands.process import load_sensor_layers
    from console.model.rules import RuleEngine, RuleSet
    from console.model.sensors import SensorTable
    from tests.brokers import Mosquitto, mosquitto_available, wait_until

    if not mosquitto_available():
        print("mosquitto is not installed (scripts/system-deps.sh installs it): skipped")
        return 0
    table = SensorTable.from_layers(load_sensor_layers(None, None))
    rules = RuleEngine(RuleSet.load(None), table)
    # Calm: halfway inside level IV's threshold; alarm: a fifth beyond level I's (either direction).
    low, high = table.levels[:, 0], table.levels[:, 3]
    calm = np.where(rules.sign > 0, low - np.abs(low) * 0.5, low + np.abs(low) * 0.5)
    alarm = high + rules.sign * np.abs(high) * 0.2
    sensors = [[sid, cat, round(c, 3), round(a, 3)] for sid, cat, c, a in
               zip(table.ids.tolist(), table.category.tolist(), calm.tolist(), alarm.tolist(), strict=True)]
    seconds = args.minutes * 60
    with tempfile.TemporaryDirectory() as folder, Mosquitto(Path(folder) / "broker", save_every_change=False) as broker:
        folder = Path(folder)
        ids_file = folder / "ids.json"
        ids_file.write_text(json.dumps(sensors))
        (folder / "sources.toml").write_text(SOURCES.format(port=broker.port))
        serve = subprocess.Popen(
            [sys.executable, "-m", "console", "serve", "--sources", str(folder / "sources.toml"),
             "--journal", str(folder / "j.sqlite"), "--json"],
            cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        wait_until(lambda: "bench-serve" in broker.log.read_text(errors="replace"), timeout=60)
        publisher = subprocess.Popen([sys.executable, __file__, "--publish", str(broker.port), str(ids_file),
                                      str(seconds)], stdout=subprocess.PIPE, text=True)
        began = time.monotonic()
        samples = []
        while publisher.poll() is None:
            samples.append((time.monotonic() - began, rss_mb(serve.pid)))
            time.sleep(5)
        published = int(publisher.stdout.read().strip())
        end_rss = rss_mb(serve.pid)
        # Stopped only once the journal holds every reading published (or a minute later, behind).
        caught_up_s = wait_journal(folder / "j.sqlite", published, timeout_s=60)
        serve.send_signal(signal.SIGTERM)
        out, err = serve.communicate(timeout=120)
    if serve.returncode != 0:
        print(err)
        return 1
    summary = json.loads(out)
    [source] = summary["sources"]
    after_minute = next((mb for t, mb in samples if t >= 60), samples[-1][1])
    peak = max(mb for _, mb in samples)
    print(f"console serve on {summary['sensors']} demo sensors, {RATE} readings/s over MQTT for {args.minutes:g} min")
    print(f"  published {published}, received {source['received']}, accepted {source['accepted']}, "
          f"rejected {source['rejected']}, duplicates {source['duplicates']}")
    print("  the journal held every published reading " + (f"{caught_up_s:.1f} s after the last publish"
          if caught_up_s is not None else "only after more than 60 s: serve fell behind"))
    print(f"  alarms raised {summary['alarms']}, open at the end {summary['open_alarms']}")
    step = max(60.0, seconds / 10)  # the curve at ten points: a plateau reads differently from a climb
    curve = [f"{t / 60:.0f} min {mb:.0f}" for t, mb in samples if t % step < 5 and t >= 55]
    print("  memory curve (MB): " + ", ".join(curve))
    print(f"  memory: after the first minute {after_minute:.0f} MB, at the end {end_rss:.0f} MB, peak {peak:.0f} MB; "
          f"end / first minute = {end_rss / after_minute:.2f} (target <= 1.2 over 30 min)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
