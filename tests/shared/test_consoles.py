"""Two and three consoles on one alarm service: actions seen everywhere, applied once, occurrences checked."""

from __future__ import annotations

import threading
import time
import uuid

import numpy as np
import psycopg
import pytest

from console.model.alarms import AlarmState
from tests.brokers import wait_until
from tests.shared.conftest import SENSORS, service
from tests.shared.postgres import postgres_available

pytestmark = pytest.mark.skipif(not postgres_available(), reason="postgresql is not installed (scripts/system-deps.sh)")


def event_names(url, alarm_id=None):
    with psycopg.connect(url, autocommit=True) as connection:
        if alarm_id is None:
            return connection.execute("SELECT seq, name FROM event ORDER BY seq").fetchall()
        return [n for (n,) in connection.execute("SELECT name FROM event WHERE alarm_id = %s ORDER BY seq",
                                                  (alarm_id,))]


def test_an_acknowledgement_on_a_is_seen_on_b_with_a_s_operator_within_a_second(shared_url, consoles):
    with service(shared_url) as running:
        a, b = consoles("city-centre"), consoles("district-3")
        running.readings([(sensor_id, 0, 30.0) for sensor_id, *_ in SENSORS[:20]])
        wait_until(lambda: len(b.mirror.alarms) == 20 and len(a.mirror.alarms) == 20, timeout=10,
                   message="both consoles to show the 20 alarms")
        delays = []
        for alarm_id in sorted(a.mirror.alarms):
            start = time.monotonic()
            a.act("acknowledge", "王建国", alarm_id)
            wait_until(lambda i=alarm_id: b.mirror.alarms[i].acked_by == "王建国", timeout=5, interval=0.002,
                       message=f"B to see alarm {alarm_id} acknowledged")
            delays.append(time.monotonic() - start)
        assert np.percentile(delays, 95) <= 1.0, delays
        with b.mirror.lock:
            acks = [e for e in b.mirror.events if e.name == "acknowledge"]
        assert len(acks) == 20
        assert {(e.operator, e.console) for e in acks} == {("王建国", "city-centre")}
        assert all(b.mirror.alarms[i].state == AlarmState.ACK for i in b.mirror.alarms)


def test_a_command_sent_three_times_and_two_consoles_acking_at_once_give_one_ack(shared_url, consoles):
    with service(shared_url) as running:
        running.readings([("GAS-000", 0, 30.0), ("GAS-001", 0, 30.0)])
        a, b = consoles("A"), consoles("B")
        wait_until(lambda: len(a.mirror.alarms) == 2 and len(b.mirror.alarms) == 2, timeout=10)
        # The same command three times (a console's retries: the same id each time).
        command_id = str(uuid.uuid4())
        with psycopg.connect(shared_url, autocommit=True) as connection:
            for _ in range(3):
                connection.execute(
                    "INSERT INTO command (command_id, console, operator, action, alarm_id, occurrence, made_ms) "
                    "VALUES (%s, 'A', '李', 'acknowledge', 1, 1, 0) ON CONFLICT (command_id) DO NOTHING",
                    (command_id,))
            connection.execute("SELECT pg_notify('console_command', '')")
        # A and B acknowledge alarm 2 at the same moment.
        go = threading.Barrier(2)
        ids = {}

        def ack(console, operator):
            go.wait()
            ids[console.console] = console.act("acknowledge", operator, 2)
        threads = [threading.Thread(target=ack, args=(c, o)) for c, o in ((a, "张"), (b, "刘"))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        answers = {name: (a if name == "A" else b).wait_answer(i, timeout=10) for name, i in ids.items()}
        assert sorted(status for status, _ in answers.values()) == ["applied", "noop"]
        [(status, reason)] = [answer for answer in answers.values() if answer[0] == "noop"]
        assert reason.startswith("already done") and "alarm 2 is ack" in reason
        wait_until(lambda: running.book.alarms[1].state == AlarmState.ACK, timeout=10)
        with psycopg.connect(shared_url, autocommit=True) as connection:
            assert connection.execute("SELECT count(*), min(status) FROM command WHERE command_id = %s",
                                      (command_id,)).fetchone() == (1, "applied")
        assert event_names(shared_url, 1).count("acknowledge") == 1
        assert event_names(shared_url, 2).count("acknowledge") == 1
        assert event_names(shared_url, 2).count("ack") == 1


def test_an_ack_of_an_alarm_raised_again_since_it_was_seen_is_refused(shared_url, consoles):
    with service(shared_url) as running:
        a = consoles("A")
        running.readings([("GAS-000", 0, 30.0)])
        wait_until(lambda: 1 in a.mirror.alarms, timeout=10)
        seen = (a.mirror.occurrence[1], a.mirror.alarm_version[1])
        assert seen[0] == 1
        # It clears (returns to normal, unacknowledged) and raises again: a new occurrence.
        running.readings([("GAS-000", 1, 0.0), ("GAS-000", 2, 30.0)])
        command_id = a.act("acknowledge", "王", 1, seen=seen)
        status, reason = a.wait_answer(command_id, timeout=10)
        assert status == "refused"
        assert "occurrence 2, seen 1" in reason
        wait_until(lambda: a.mirror.occurrence.get(1) == 2, timeout=10)
        assert running.book.alarms[1].state == AlarmState.UNACK
        assert a.mirror.alarms[1].state == AlarmState.UNACK
        assert "acknowledge" not in event_names(shared_url, 1)
        # What the operator now sees can be acknowledged.
        status, _ = a.wait_answer(a.act("acknowledge", "王", 1), timeout=10)
        assert status == "applied"
        assert running.book.alarms[1].state == AlarmState.ACK
