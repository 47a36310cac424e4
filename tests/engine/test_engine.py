"""The engine: what sources deliver reaches the table, the alarms and the journal; outages show as no data."""

from __future__ import annotations

import sqlite3
import threading
import time

import numpy as np
import pytest

from console.engine import Engine
from console.feeds.base import FeedAdapter, FeedStatus
from console.feeds.recorded import RecordedFeedAdapter
from console.model.journal import Journal
from console.model.pipeline import Pipeline
from console.model.sensors import SensorStatus
from tests.model.helpers import GAS_RULES, MINUTE, T0, batch, make_table, rules

SENSORS = [("GAS-1", "gas_lel", 0, 0), ("GAS-2", "gas_lel", 100, 0), ("GAS-3", "gas_lel", 5000, 0)]


def wait_until(condition, timeout_s: float = 10.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(0.005)


class ScriptedAdapter(FeedAdapter):
    """A source that delivers what the test hands it and goes down and up when told."""

    kind = "scripted"

    def __init__(self, name: str):
        super().__init__(name)
        self.steps: list = []
        self.next_step = threading.Event()

    def _run(self) -> None:
        self._set_status(FeedStatus.LIVE, "up")
        while not self._stop_requested:
            if not self.next_step.wait(0.05):
                continue
            self.next_step.clear()
            for step in self.steps:
                if isinstance(step, tuple):
                    self._set_status(*step)
                else:
                    self._deliver(step)
            self.steps = []

    def play(self, *steps) -> None:
        self.steps = list(steps)
        self.next_step.set()
        wait_until(lambda: not self.next_step.is_set() and not self.steps)


def test_a_recorded_source_runs_through_rules_into_the_journal(tmp_path):
    feed = tmp_path / "feed.jsonl"
    feed.write_text(
        '{"t": "2026-07-21T08:00:00+08:00", "sensor": "GAS-1", "value": 1}\n'
        '{"t": "2026-07-21T08:01:00+08:00", "sensor": "GAS-1", "value": 30}\n'
        '{"t": "2026-07-21T08:01:00+08:00", "sensor": "NOPE-9", "value": 3}\n'
        "not json\n"
        '{"t": "2026-07-21T08:02:00+08:00", "sensor": "GAS-2", "value": 2}\n',
        encoding="utf-8",
    )
    journal = Journal(tmp_path / "j.sqlite")
    pipeline = Pipeline(make_table(SENSORS), rules(GAS_RULES), journal=journal)
    engine = Engine(pipeline, [RecordedFeedAdapter(feed, name="recorded")], clock_ms=lambda: T0 + 3 * MINUTE)
    engine.run(threading.Event(), duration_s=30)
    engine.stop()

    table = pipeline.table
    assert table.value[table.rows_of(["GAS-1", "GAS-2"])].tolist() == [30.0, 2.0]
    alarms = list(pipeline.book.alarms.values())
    assert [(a.sensor_id, a.peak_level) for a in alarms] == [("GAS-1", 2)]
    [figures] = engine.source_figures()
    assert figures["accepted"] == 3
    assert figures["unknown"] == 1
    assert figures["rejected"] == 1
    assert figures["status"] == "finished"
    with sqlite3.connect(tmp_path / "j.sqlite") as db:
        kinds = [row[0] for row in db.execute('SELECT kind FROM "transition" ORDER BY seq')]
    assert kinds == ["raise"]


def test_a_source_that_goes_down_turns_its_sensors_to_no_data_until_it_is_back():
    pipeline = Pipeline(make_table(SENSORS), rules(GAS_RULES))
    city, other = ScriptedAdapter("city-iot"), ScriptedAdapter("other")
    engine = Engine(pipeline, [city, other], clock_ms=lambda: T0 + 10 * MINUTE)
    engine.start()
    try:
        city.play(batch([("GAS-1", T0, 1.0), ("GAS-2", T0, 2.0)]))
        other.play(batch([("GAS-3", T0, 1.0)]))
        engine.step()
        table = pipeline.table
        rows = table.rows_of(["GAS-1", "GAS-2", "GAS-3"])
        assert table.status[rows].tolist() == [SensorStatus.LIVE] * 3

        city.play((FeedStatus.CONNECTING, "reconnecting: connection lost"))
        engine.step()
        assert table.status[rows].tolist() == [SensorStatus.OFFLINE, SensorStatus.OFFLINE, SensorStatus.LIVE]
        assert engine.health["city-iot"].down

        city.play((FeedStatus.LIVE, "connected"))
        engine.step()
        assert table.status[rows].tolist() == [SensorStatus.LIVE] * 3
        figures = {f["name"]: f for f in engine.source_figures()}
        assert figures["city-iot"]["reconnects"] == 1
        assert figures["city-iot"]["time_down_s"] >= 0
        assert figures["other"]["reconnects"] == 0
    finally:
        for adapter in (city, other):
            adapter.stop()


def test_operator_actions_run_on_the_loop_and_refusals_come_back_to_the_caller():
    pipeline = Pipeline(make_table(SENSORS), rules(GAS_RULES))
    source = ScriptedAdapter("city-iot")
    engine = Engine(pipeline, [source], clock_ms=lambda: T0 + MINUTE)
    stop = threading.Event()
    loop = threading.Thread(target=engine.run, args=(stop,))
    loop.start()
    try:
        wait_until(lambda: source.running)
        source.play(batch([("GAS-1", T0, 30.0)]))
        wait_until(lambda: len(pipeline.book.alarms) == 1)
        [alarm_id] = pipeline.book.alarms
        threads = []

        def acknowledge(p):
            threads.append(threading.current_thread())
            return p.book.acknowledge([alarm_id], "Zhang Wei", T0 + MINUTE)

        assert engine.post(acknowledge).result(5) == [alarm_id]
        assert threads == [loop]
        assert pipeline.book.alarms[alarm_id].state.name == "ACK"

        def refused(p):
            raise ValueError("no such alarm: 999")

        with pytest.raises(ValueError, match="no such alarm"):
            engine.post(refused).result(5)
        assert loop.is_alive()
    finally:
        stop.set()
        loop.join(5)
        source.stop()
    assert not loop.is_alive()
    assert np.all(pipeline.table.level[pipeline.table.rows_of(["GAS-1"])] == 2)
