"""MQTT feeds against a real local mosquitto: readings/s into drained batches, and a sustained stream.

Starts mosquitto on a free loopback port (persistence on, no save per message) and
publishes from a separate process (its own interpreter, as a real gateway would be).

1. Batched payloads, 100 readings a message: readings/s from the first publish until
   the last reading was drained from ``poll()`` as ``ReadingBatch`` columns (target
   >= 200,000/s). Same-run references: a bare paho subscriber that only counts the
   messages (no parsing), and the payload parser alone on the same messages.
2. Single-reading messages at 20,000 messages/s for 20 s, drained at 20 Hz:
   published = accepted + rejected + overflow (+ duplicates), and publish->poll
   latency p50/p95 (each reading carries its publish time as ``t``).

    python bench/bench_mqtt.py                  # both parts
    python bench/bench_mqtt.py --seconds 5      # a shorter stream
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

BATCH_READINGS = 100
ALARM_EVERY = 10  # with $BENCH_SENSOR_IDS: one message in 10 of each sensor is at its alarm value
T0 = 1_784_000_000_000


# --- the publishing process ----------------------------------------------------------------------


def publish(port: int, mode: str, count: int, rate: float) -> None:
    """Publish ``count`` messages (``batch``: 100 readings each, as fast as possible; ``single``: at ``rate``/s).

    One thread does everything, publishing and then reading acknowledgements in
    bursts (``network_step``): paho's own loop thread, publishing beside it at
    this rate, stalled the publisher in trial runs.
    """
    from paho.mqtt.enums import CallbackAPIVersion

    from console.feeds.mqtt_network import BufferedClient, network_step

    acknowledged = [0]
    client = BufferedClient(CallbackAPIVersion.VERSION2, client_id=f"bench-publisher-{mode}")
    client.max_inflight_messages_set(0)  # no window: paho rescans its whole window on every acknowledgement
    client.max_queued_messages_set(0)
    client.on_publish = lambda *args: acknowledged.__setitem__(0, acknowledged[0] + 1)
    client.connect("127.0.0.1", port)
    while not client.is_connected():
        network_step(client, 0.01)
    if mode == "batch":
        payloads = [json.dumps({"readings": [{"sensor": f"WL-{(m * BATCH_READINGS + i) % 20000:05d}",
                                              "t": T0 + m, "value": i * 0.5} for i in range(BATCH_READINGS)]},
                               separators=(",", ":")).encode() for m in range(count)]
        print(f"start {time.time():.6f}", flush=True)
        for at in range(0, count, 50):
            for payload in payloads[at:at + 50]:
                client.publish("gw/1/batch", payload, qos=1)
            network_step(client, 0.0)
    else:
        # The sensors published to: GAS-00000..GAS-19999 with the message number as value, or the lines of
        # $BENCH_SENSOR_IDS: "id calm-value alarm-value", every ALARM_EVERY-th message of a sensor at its alarm value.
        ids_file = os.environ.get("BENCH_SENSOR_IDS")
        rows = [row.split() for row in Path(ids_file).read_text().splitlines()] if ids_file else \
            [(f"GAS-{i:05d}",) for i in range(20000)]
        topics = [f"city/gas/{row[0]}/reading" for row in rows]
        values = [(float(row[1]), float(row[2])) for row in rows] if ids_file else None
        print(f"start {time.time():.6f}", flush=True)
        started = time.monotonic()
        sent = 0
        while sent < count:
            # At most 1,000 a burst: a burst shares one time, and (sensor, time) must stay unique.
            due = min(count, int((time.monotonic() - started) * rate) + 1, sent + 1000)
            if due <= sent:
                network_step(client, 0.001)
                continue
            now_ms = int(time.time() * 1000)
            for i in range(sent, due):
                if values is None:
                    value = i
                else:
                    calm, alarm = values[i % len(values)]
                    value = alarm if (i // len(values)) % ALARM_EVERY == ALARM_EVERY - 1 else calm
                client.publish(topics[i % len(topics)], b'{"t":%d,"value":%s}' % (now_ms, repr(value).encode()),
                               qos=1)
            sent = due
            network_step(client, 0.0)
        print(f"published in {time.monotonic() - started:.2f} s", flush=True)
    deadline = time.monotonic() + 300
    while acknowledged[0] < count and time.monotonic() < deadline:
        network_step(client, 0.01)
    print(f"acknowledged {acknowledged[0]} of {count}", flush=True)
    client.disconnect()
    network_step(client, 0.0)


def start_publisher(port: int, mode: str, count: int, rate: float = 0.0) -> tuple[subprocess.Popen, float]:
    process = subprocess.Popen([sys.executable, __file__, "--publish", mode, str(port), str(count), str(rate)],
                               stdout=subprocess.PIPE, text=True, cwd=REPO)
    line = process.stdout.readline()
    if not line.startswith("start "):
        raise RuntimeError(f"the publisher did not start: {line!r}")
    return process, float(line.split()[1])


def finish_publisher(process: subprocess.Popen) -> list[str]:
    out, _ = process.communicate(timeout=120)
    return out.split("\n")


# --- the measurements ------------------------------------------------------------------------------


def bare_paho_rate(port: int, messages: int, mode: str = "batch", rate: float = 0.0) -> float:
    """Reference: messages/s a stock paho subscriber receives when it only counts them (no parsing)."""
    import paho.mqtt.client as paho
    from paho.mqtt.enums import CallbackAPIVersion

    done = threading.Event()
    count = [0]

    def on_message(client, userdata, message):
        count[0] += 1
        if count[0] == messages:
            done.set()

    subscribed = threading.Event()
    client = paho.Client(CallbackAPIVersion.VERSION2, client_id="bench-bare", clean_session=True)
    client.on_message = on_message
    client.on_subscribe = lambda *args: subscribed.set()
    client.connect("127.0.0.1", port)
    client.subscribe("gw/+/batch" if mode == "batch" else "city/+/+/reading", qos=1)
    client.loop_start()
    subscribed.wait(10)
    process, started = start_publisher(port, mode, messages, rate)
    done.wait(300)
    elapsed = time.time() - started
    finish_publisher(process)
    client.disconnect()
    client.loop_stop()
    return count[0] / elapsed


def parser_only_rate(messages: int) -> float:
    from console.feeds.payloads import ANY_TOPIC, PayloadSpec, parse_messages

    raw = [("gw/1/batch", json.dumps({"readings": [{"sensor": f"WL-{(m * 100 + i) % 20000:05d}", "t": T0 + m,
                                                    "value": i * 0.5} for i in range(BATCH_READINGS)]},
                                     separators=(",", ":")).encode(), T0) for m in range(messages)]
    started = time.perf_counter()
    for at in range(0, messages, 200):
        parse_messages(raw[at:at + 200], PayloadSpec(ANY_TOPIC))
    return messages * BATCH_READINGS / (time.perf_counter() - started)


def live_adapter(port: int, name: str, **options):
    from console.feeds.mqtt import Link, MqttFeedAdapter

    adapter = MqttFeedAdapter(name, port=port, client_id=f"bench-{name}", **options)
    adapter.start()
    deadline = time.monotonic() + 10
    while adapter.link is not Link.LIVE:
        if time.monotonic() > deadline:
            raise RuntimeError(f"the adapter did not connect: {adapter.health().message}")
        time.sleep(0.01)
    return adapter


def batched(port: int, messages: int) -> None:
    from console.model.readings import ReadingBatch

    adapter = live_adapter(port, "batched", topics=["gw/+/batch"], sensor=None)
    total = messages * BATCH_READINGS
    process, started = start_publisher(port, "batch", messages)
    drained = 0
    deadline = time.monotonic() + 120
    while drained < total and time.monotonic() < deadline:
        for event in adapter.poll():
            if isinstance(event, ReadingBatch):
                drained += len(event)
        time.sleep(0.005)
    elapsed = time.time() - started
    finish_publisher(process)
    health = adapter.health()
    adapter.stop()
    print(f"batched, {BATCH_READINGS} readings a message: {drained:,} of {total:,} readings drained in "
          f"{elapsed:.2f} s = {drained / elapsed:,.0f} readings/s (target >= 200,000); "
          f"rejected {health.rejected}, overflow {health.overflow}")


def stream(port: int, rate: float, seconds: float) -> None:
    import numpy as np

    from console.model.readings import ReadingBatch

    adapter = live_adapter(port, "stream", topics=["city/+/+/reading"], sensor="city/{category}/{sensor}/reading")
    count = int(rate * seconds)
    process, started = start_publisher(port, "single", count, rate)
    latencies = []
    drained = 0
    quiet_since = None
    while True:
        time.sleep(0.05)  # the consumer drains at 20 Hz, as a GUI timer would
        now_ms = time.time() * 1000
        got = 0
        for event in adapter.poll():
            if isinstance(event, ReadingBatch):
                latencies.append(now_ms - event.t_ms)
                got += len(event)
        drained += got
        health = adapter.health()
        if health.accepted + health.rejected + health.overflow + health.duplicates_dropped >= count:
            break
        quiet_since = None if got else (quiet_since or time.monotonic())
        if process.poll() is not None and quiet_since and time.monotonic() - quiet_since > 5:
            break  # the publisher is done and nothing more arrives
    lines = finish_publisher(process)
    elapsed = time.time() - started
    health = adapter.health()
    adapter.stop()
    latency = np.concatenate(latencies) if latencies else np.zeros(1)
    accounted = health.accepted + health.rejected + health.overflow + health.duplicates_dropped
    print(f"stream of single readings, {rate:,.0f} messages/s asked for {seconds:g} s: published {count:,} "
          f"({lines[0]}), received {health.received:,} in {elapsed:.1f} s ({health.received / elapsed:,.0f}/s)")
    print(f"  accepted {health.accepted:,} + rejected {health.rejected:,} + overflow {health.overflow:,} "
          f"+ duplicates {health.duplicates_dropped:,} = {accounted:,} "
          f"({'equals' if accounted == count else 'DIFFERS FROM'} published)")
    print(f"  publish -> poll latency p50 {np.percentile(latency, 50):.0f} ms, p95 {np.percentile(latency, 95):.0f} ms, "
          f"max {latency.max():.0f} ms")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--publish", nargs=4, metavar=("MODE", "PORT", "COUNT", "RATE"), help=argparse.SUPPRESS)
    parser.add_argument("--messages", type=int, default=5000, help="batched messages (100 readings each)")
    parser.add_argument("--rate", type=float, default=20000.0, help="single-reading messages per second")
    parser.add_argument("--seconds", type=float, default=20.0,
                        help="length of the single-reading stream (a second one at a tenth of the rate runs half as long)")
    args = parser.parse_args()
    if args.publish:
        mode, port, count, rate = args.publish
        publish(int(port), mode, int(count), float(rate))
        return 0

    from tests.brokers import Mosquitto, mosquitto_available

    if not mosquitto_available():
        print("bench_mqtt: mosquitto is not installed (scripts/system-deps.sh); skipped")
        return 0
    with tempfile.TemporaryDirectory() as folder, Mosquitto(Path(folder), save_every_change=False) as broker:
        print(f"mosquitto on 127.0.0.1:{broker.port}")
        bare = bare_paho_rate(broker.port, args.messages)
        print(f"reference, stock paho subscriber counting batched messages (no parsing): {bare:,.0f} messages/s "
              f"= {bare * BATCH_READINGS:,.0f} readings/s")
        print(f"reference, payload parser alone: {parser_only_rate(args.messages):,.0f} readings/s")
        batched(broker.port, args.messages)
        bare = bare_paho_rate(broker.port, int(args.rate * args.seconds / 4), "single", args.rate)
        print(f"reference, stock paho subscriber counting a quarter of the single-reading stream at "
              f"{args.rate:,.0f}/s asked: {bare:,.0f} messages/s")
        stream(broker.port, args.rate, args.seconds)
        stream(broker.port, args.rate / 10, args.seconds / 2)  # latency at a rate this machine sustains
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
