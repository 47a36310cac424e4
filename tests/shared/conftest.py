"""Fixtures of the shared alarm state: a real PostgreSQL server (one per session), a fresh database per test,
an alarm service running in a thread, consoles on it."""

from __future__ import annotations

import threading
from contextlib import contextmanager

import pytest

from console.model.rules import RuleEngine
from console.shared.client import SharedConsole
from console.shared.service import AlarmService, Parts
from tests.brokers import wait_until
from tests.model.helpers import GAS_RULES, T0, batch, make_table, rules
from tests.shared.postgres import Postgres, postgres_available

pytestmark = pytest.mark.skipif(not postgres_available(), reason="postgresql is not installed (scripts/system-deps.sh)")

SENSORS = [(f"GAS-{i:03d}", "gas_lel", i * 5000.0, 0.0) for i in range(60)]


@pytest.fixture(scope="session")
def pg_server():
    if not postgres_available():
        pytest.skip("postgresql is not installed (scripts/system-deps.sh)")
    server = Postgres().start()
    yield server
    server.close()


@pytest.fixture
def shared_url(pg_server) -> str:
    return pg_server.new_database()


def gas_parts(sensors=SENSORS, adapters=None):
    """A build function for the service: a fresh gas table with instant levels on each term."""
    base = make_table(sensors)
    ruleset = rules(GAS_RULES)

    def build() -> Parts:
        table = base.fresh_copy()
        return Parts(table, RuleEngine(ruleset, table), adapters() if adapters else [])
    return build


class RunningService:
    """An ``AlarmService`` on its own thread; ``readings`` hands the pipeline readings on its loop."""

    def __init__(self, url: str, build=None):
        self.lines: list[str] = []
        self.service = AlarmService(url, build or gas_parts(), on_state=self.lines.append)
        self.stop_event = threading.Event()
        self.thread = threading.Thread(target=self.service.run, args=(self.stop_event,), daemon=True)
        self.thread.start()
        wait_until(lambda: self.service.term is not None, timeout=30, message="the service to become active")

    @property
    def book(self):
        return self.service.term.book

    def readings(self, rows) -> None:
        """(sensor id, minute, value) rows through the rules, on the service's loop; returns when done."""
        self.service.term.engine.post(
            lambda p: p.process(batch([(s, T0 + m * 60_000, v) for s, m, v in rows]))).result(timeout=30)

    def flush(self) -> None:
        """Commit what the rules recorded, on the service's loop (the connection is the loop's alone)."""
        term = self.service.term
        term.engine.post(lambda p: term.commit()).result(timeout=30)

    def stop(self) -> None:
        self.stop_event.set()
        self.thread.join(timeout=30)


@contextmanager
def service(url, build=None):
    running = RunningService(url, build)
    try:
        yield running
    finally:
        running.stop()


@pytest.fixture
def consoles(tmp_path, shared_url):
    """``make(name)`` starts a console on the test's database (stopped at the end)."""
    made: list[SharedConsole] = []

    def make(name: str, **options) -> SharedConsole:
        console = SharedConsole(shared_url, name, tmp_path / f"{name}.outbox.sqlite", **options).start()
        made.append(console)
        return console
    yield make
    for console in made:
        console.stop()
