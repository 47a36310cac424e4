"""The service killed (standby takes over), PostgreSQL stopped and restarted, the broker killed: nothing lost."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time

import psycopg
import pytest

from console.model.alarms import AlarmState
from console.model.sensors import SensorStatus
from console.shared.client import SharedConsole
from console.sources import build_adapters, parse_sources
from tests.brokers import Mosquitto, Publisher, mosquitto_available, mqtt_sources, wait_until
from tests.model.helpers import T0, batch
from tests.model.test_process_command import single_reading_rules, write_sensors
from tests.shared.conftest import SENSORS, gas_parts, service
from tests.shared.postgres import Postgres, postgres_available

pytestmark = [
    pytest.mark.skipif(not postgres_available(), reason="postgresql is not installed (scripts/system-deps.sh)"),
    pytest.mark.skipif(not mosquitto_available(), reason="mosquitto is not installed (scripts/system-deps.sh)"),
]



def events(url):
    with psycopg.connect(url, autocommit=True) as connection:
        return connection.execute("SELECT seq, name, alarm_id, body FROM event ORDER BY seq").fetchall()


class Serve:
    """``console serve --journal URL`` as a process, its stderr lines kept with their times."""

    def __init__(self, tmp_path, port: int, url: str):
        sources = tmp_path / "sources.toml"
        sources.write_text(mqtt_sources(port, "shared-serve", reconnect_min_s=0.2, reconnect_max_s=0.5), encoding="utf-8")
        command = [sys.executable, "-m", "console", "serve", "--sources", str(sources), "--sensors",
                   str(write_sensors(tmp_path)), "--rules", str(single_reading_rules(tmp_path)), "--journal", url]
        self.process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                        cwd=os.getcwd())
        self.lines: list[tuple[float, str]] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        for line in self.process.stderr:
            self.lines.append((time.monotonic(), line.rstrip()))

    def said(self, word: str) -> float | None:
        return next((t for t, line in self.lines if word in line), None)

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)
        self.process.stdout.close()


def test_the_standby_takes_over_within_five_seconds_of_the_service_being_killed(tmp_path, shared_url):
    with Mosquitto(tmp_path / "broker") as broker:
        first = Serve(tmp_path / "a", broker.port, shared_url) if (tmp_path / "a").mkdir() is None else None
        second = None
        console = SharedConsole(shared_url, "city-centre", tmp_path / "c.outbox.sqlite").start()
        publisher = Publisher(broker.port)
        try:
            wait_until(lambda: first.said("active on"), timeout=60, message="the first service to be active")
            (tmp_path / "b").mkdir()
            second = Serve(tmp_path / "b", broker.port, shared_url)
            wait_until(lambda: second.said("standby"), timeout=60, message="the second service to wait")
            wait_until(lambda: "shared-serve" in broker.log.read_text(errors="replace"), timeout=30)
            publisher.publish("city/gas/GAS-00001/reading", json.dumps({"t": T0, "value": 30.0}))
            wait_until(lambda: 1 in console.mirror.alarms, timeout=20, message="the console to see alarm 1")
            assert console.wait_answer(console.act("acknowledge", "王建国", 1), timeout=10) == ("applied", None)
            # A burst: a second gas head raises, clears (a reading, and another after the minute's delay), raises...
            for i in range(60):
                cycle, step = divmod(i, 3)
                minute, value = ((0, 30.0), (1, 0.0), (3, 0.0))[step]
                publisher.publish("city/gas/GAS-00002/reading",
                                  json.dumps({"t": T0 + (cycle + 1) * 1_800_000 + minute * 60_000, "value": value}))
                if i == 30:
                    wait_until(lambda: len(events(shared_url)) > 6, timeout=20)
                    first.process.send_signal(signal.SIGKILL)
                    killed_at = time.monotonic()
                    first.process.wait(10)
                    committed = events(shared_url)
                    # Sent while no service is active: answered by the next one, once.
                    note = console.act("note", "王建国", 1, text="派人去看")
            wait_until(publisher.all_acknowledged, timeout=20)
            wait_until(lambda: second.said("active on"), timeout=10, message="the standby to take over")
            assert second.said("active on") - killed_at <= 5.0
            assert console.wait_answer(note, timeout=10) == ("applied", None)
            after = events(shared_url)
            assert after[:len(committed)] == committed  # committed events survive as they were
            assert [e[0] for e in after] == list(range(1, len(after) + 1))
            assert [e[1] for e in after if e[2] == 1].count("note") == 1
            wait_until(lambda: console.mirror.last_seq == events(shared_url)[-1][0], timeout=10)
            assert console.mirror.alarms[1].state == AlarmState.ACK
            assert console.mirror.alarms[1].acked_by == "王建国"
            assert (console.mirror.gaps, console.mirror.repeats) == (0, 0)
            with psycopg.connect(shared_url, autocommit=True) as connection:
                assert connection.execute("SELECT count(*) FROM command WHERE status = 'pending'").fetchone()[0] == 0
        finally:
            publisher.close()
            console.stop()
            first.close()
            if second is not None:
                second.close()


def test_postgresql_stopped_and_restarted_mid_burst_loses_nothing_committed(tmp_path):
    with Postgres() as server:
        url = server.new_database()
        with service(url) as running:
            console = SharedConsole(url, "A", tmp_path / "a.outbox.sqlite").start()
            try:
                running.readings([(sensor_id, 0, 30.0) for sensor_id, *_ in SENSORS[:10]])
                wait_until(lambda: len(console.mirror.alarms) == 10, timeout=10)
                burst = threading.Event()

                def feed():  # readings keep coming; those sent to a service between terms are the feed's to resend
                    minute = 1
                    while not burst.is_set():
                        term = running.service.term
                        if term is not None:
                            value = 30.0 if minute % 2 else 0.0
                            term.engine.post(lambda p, m=minute, v=value: p.process(
                                batch([(SENSORS[20][0], T0 + m * 60_000, v)])))
                            minute += 1
                        time.sleep(0.01)
                feeder = threading.Thread(target=feed, daemon=True)
                feeder.start()
                time.sleep(0.5)
                server.stop("immediate")
                stopped_at = time.monotonic()
                wait_until(lambda: console.status.state == "no_database", timeout=5, interval=0.01)
                assert time.monotonic() - stopped_at <= 3.0
                queued = [console.act("acknowledge", "值班员", alarm_id) for alarm_id in (1, 2, 3)]
                assert console.status.queued == 3
                seen_before = [e.seq for e in console.mirror.events]
                server.start()
                for command_id in queued:
                    assert console.wait_answer(command_id, timeout=20) == ("applied", None)
                burst.set()
                feeder.join(5)
                committed = events(url)
                seqs = [e[0] for e in committed]
                assert seqs == list(range(1, len(seqs) + 1))
                assert set(seen_before) <= set(seqs)  # what a console saw was committed, and is still there
                assert [e[1] for e in committed if e[1] == "acknowledge"].count("acknowledge") == 3
                wait_until(lambda: console.mirror.last_seq == events(url)[-1][0], timeout=10)
                assert (console.mirror.gaps, console.mirror.repeats) == (0, 0)
                assert console.status.state == "live"
                assert [console.mirror.alarms[i].state for i in (1, 2, 3)] == [AlarmState.ACK] * 3
            finally:
                console.stop()


def test_the_broker_killed_mid_stream_marks_the_feed_s_sensors_offline_and_keeps_the_alarms(tmp_path, shared_url):
    sensors = [(f"GAS-{i:05d}", "gas_lel", i * 5000.0, 0.0) for i in range(1, 4)]
    with Mosquitto(tmp_path / "broker") as broker:
        sources = parse_sources(mqtt_sources(broker.port, "shared-broker-test", reconnect_min_s=0.2, reconnect_max_s=0.5), "sources.toml")
        ids = [s[0] for s in sensors]
        build = gas_parts(sensors, adapters=lambda: build_adapters(sources, known_sensors=ids))
        with service(shared_url, build) as running:
            console = SharedConsole(shared_url, "A", tmp_path / "a.outbox.sqlite").start()
            publisher = Publisher(broker.port)
            try:
                wait_until(lambda: "shared-broker-test" in broker.log.read_text(errors="replace"), timeout=30)
                now = int(time.time() * 1000)  # live readings: old ones would be stale at once
                for sensor_id in ids:
                    publisher.publish(f"city/gas/{sensor_id}/reading", json.dumps({"t": now, "value": 30.0}))
                wait_until(lambda: len(console.mirror.alarms) == 3, timeout=20)
                wait_until(lambda: all(console.mirror.sensors.get(i, (0, 0))[1] == SensorStatus.LIVE for i in ids),
                           timeout=10)
                alarms_before = console.mirror.alarm_rows()
                publisher.close()
                broker.kill()
                wait_until(lambda: all(console.mirror.sensors[i][1] == SensorStatus.OFFLINE for i in ids),
                           timeout=15, message="the feed's sensors to turn offline")
                assert console.mirror.alarm_rows() == alarms_before
                assert console.status.state == "live"  # the database and the service are fine
                broker.start()
                wait_until(lambda: running.service.term.engine.health["city-iot"].reconnects >= 1, timeout=20)
                publisher = Publisher(broker.port)
                publisher.publish(f"city/gas/{ids[0]}/reading", json.dumps({"t": now + 1000, "value": 30.0}))
                wait_until(lambda: console.mirror.sensors[ids[0]][1] == SensorStatus.LIVE, timeout=20)
                assert console.mirror.alarm_rows().keys() == alarms_before.keys()
            finally:
                publisher.close()
                console.stop()
