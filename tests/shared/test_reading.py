"""Consoles keep an exact copy through cut connections, lost notifications, their own crash and each other."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time

import psycopg
import pytest

from console.shared.client import SharedConsole
from console.shared.writer import clean
from tests.brokers import wait_until
from tests.shared.conftest import SENSORS, service
from tests.shared.postgres import postgres_available

pytestmark = pytest.mark.skipif(not postgres_available(), reason="postgresql is not installed (scripts/system-deps.sh)")


def book_rows(book):
    from console.model.alarms import alarm_row

    return {i: tuple(clean(v) for v in alarm_row(a)) for i, a in book.alarms.items()}


def committed_seqs(url):
    with psycopg.connect(url, autocommit=True) as connection:
        return [s for (s,) in connection.execute("SELECT seq FROM event ORDER BY seq")]


def assert_exact(console, url):
    seqs = committed_seqs(url)
    assert seqs == list(range(1, len(seqs) + 1))  # the sequence has no gaps
    with console.mirror.lock:
        assert [e.seq for e in console.mirror.events] == seqs  # none missed, none repeated
    assert (console.mirror.gaps, console.mirror.repeats) == (0, 0)


def test_a_console_whose_connection_is_killed_catches_up_exactly(pg_server, shared_url, consoles):
    with service(shared_url) as running:
        b = consoles("B")
        wait_until(lambda: b.status.state == "live", timeout=10)
        for i, (sensor_id, *_) in enumerate(SENSORS[:50]):
            running.readings([(sensor_id, i, 30.0)])
            if i in (15, 30):
                # Both of B's sessions (worker and listener) are connected, then cut.
                wait_until(lambda: pg_server.sessions("console B%") == 2, timeout=10)
                assert pg_server.terminate("console B%") == 2
        running.flush()
        last = committed_seqs(shared_url)[-1]
        wait_until(lambda: b.mirror.last_seq == last, timeout=10, message="B to catch up")
        assert len(b.mirror.alarms) == 50
        assert b.mirror.alarm_rows() == book_rows(running.book)
        assert_exact(b, shared_url)


def test_a_console_that_lost_its_notifications_sees_every_event_within_two_seconds(shared_url, consoles):
    with service(shared_url) as running:
        deaf = consoles("deaf")
        deaf._notified = lambda: None  # every notification is lost on its way
        wait_until(lambda: deaf.status.state == "live", timeout=10)
        delays = []
        for i in range(5):
            running.readings([(SENSORS[i][0], i, 30.0)])
            running.flush()
            start = time.monotonic()
            wait_until(lambda n=i + 1: len(deaf.mirror.alarms) == n, timeout=5, interval=0.005)
            delays.append(time.monotonic() - start)
        assert max(delays) <= 2.0, delays
        assert_exact(deaf, shared_url)


CHILD = """
import sys, time
from console.shared.client import SharedConsole
console = SharedConsole(sys.argv[1], "A", sys.argv[2])
command_id = console.act("acknowledge", "王建国", 1)
print(command_id, flush=True)
time.sleep(600)
"""


def test_a_console_killed_after_queuing_sends_the_action_once_after_restart(shared_url, tmp_path, consoles):
    with service(shared_url) as running:
        running.readings([("GAS-000", 0, 30.0)])
        watcher = consoles("watcher")
        wait_until(lambda: 1 in watcher.mirror.alarms, timeout=10)
        outbox = tmp_path / "A.outbox.sqlite"
        child = subprocess.Popen([sys.executable, "-c", CHILD, shared_url, str(outbox)], stdout=subprocess.PIPE,
                                 text=True, cwd=os.getcwd())
        command_id = child.stdout.readline().strip()
        child.send_signal(signal.SIGKILL)
        child.wait(10)
        child.stdout.close()
        assert command_id
        with psycopg.connect(shared_url, autocommit=True) as connection:
            assert connection.execute("SELECT count(*) FROM command").fetchone()[0] == 0  # never sent
        restarted = SharedConsole(shared_url, "A", outbox).start()
        try:
            assert restarted.wait_answer(command_id, timeout=10) == ("applied", None)
        finally:
            restarted.stop()
        again = SharedConsole(shared_url, "A", outbox).start()  # and a second restart sends nothing more
        try:
            wait_until(lambda: again.reads >= 2, timeout=10)
            assert again.outbox.unanswered() == []
        finally:
            again.stop()
        wait_until(lambda: watcher.mirror.alarms[1].acked_by == "王建国", timeout=10)
        with watcher.mirror.lock:
            assert [e.name for e in watcher.mirror.events if e.alarm_id == 1] == ["raise", "ack", "acknowledge"]


def test_three_consoles_acting_at_once_leave_no_gap_and_skip_nothing(shared_url, consoles):
    with service(shared_url) as running:
        running.readings([(sensor_id, 0, 30.0) for sensor_id, *_ in SENSORS[:30]])
        three = [consoles(name) for name in ("city", "north", "south")]
        wait_until(lambda: all(len(c.mirror.alarms) == 30 for c in three), timeout=10)
        go = threading.Barrier(3)
        sent: dict[str, list[str]] = {}

        def work(console, first):
            go.wait()
            ids = []
            for alarm_id in range(first, first + 10):
                ids.append(console.act("acknowledge", f"op-{console.console}", alarm_id))
                ids.append(console.act("note", f"op-{console.console}", (alarm_id % 30) + 1, text="看过了"))
            sent[console.console] = ids
        threads = [threading.Thread(target=work, args=(c, 1 + 10 * k)) for k, c in enumerate(three)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        for console in three:
            answers = [console.wait_answer(i, timeout=20) for i in sent[console.console]]
            assert [a[0] for a in answers] == ["applied"] * 20
        running.flush()
        last = committed_seqs(shared_url)[-1]
        assert last == 30 + 30 * 2 + 30  # raises, ack transitions and actions, notes
        for console in three:
            wait_until(lambda c=console: c.mirror.last_seq == last, timeout=10)
            assert_exact(console, shared_url)
            assert console.mirror.alarm_rows() == book_rows(running.book)
