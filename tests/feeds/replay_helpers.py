"""Shared pieces of the replay and drill tests: a small city, its drill feed, state fingerprints, a held indexing child."""

from __future__ import annotations

import os
import signal

import numpy as np

from console.commands.process import load_sensor_layers
from console.feeds.scenario import SensorSet, generate_scenario
from console.model.alarms import AlarmBook, alarm_row, incident_row
from console.model.sensors import LIVE_COLUMNS, SensorTable
from tests.feeds.city import sensor_frame

SCENARIO = "rainstorm+gas-leak+hazmat-tank+bridge-overload"
MINUTE = 60_000
HOUR = 60 * MINUTE


def small_city(folder) -> tuple[SensorTable, object, object]:
    """(sensor table, feed path, truth path): about 70 sensors, 6 hours of every scenario event."""
    frame = sensor_frame()
    sensors = folder / "sensors.geojson"
    frame.to_file(sensors, driver="GeoJSON")
    table = SensorTable.from_layers(load_sensor_layers(None, [sensors]))
    result = generate_scenario(SCENARIO, SensorSet.from_frame(frame), folder / "drill.jsonl.gz", folder / "truth.json",
                               seed=11, hours=6)
    return table, result.feed, result.truth


def table_state(table: SensorTable) -> dict:
    state = {name: getattr(table, name).copy() for name in LIVE_COLUMNS}
    state["chatter_times"] = {row: list(times) for row, times in sorted(table.chatter_times.items())}
    return state


def book_state(book: AlarmBook) -> dict:
    """Everything the book knows, with floats as text so that NaN equals NaN."""
    return {
        "alarms": [repr((alarm_row(a), a.history, a.notes)) for a in book.alarms.values()],
        "incidents": [repr((incident_row(i), i.alarm_ids, i.districts)) for i in book.incidents.values()],
        "numbering": book.numbering(),
        "clock_ms": book.clock_ms,
        "annunciations": list(book._annunciations),
        "shelved": sorted(book._shelved),
    }


def assert_same_table(a: dict, b: dict) -> None:
    assert a.keys() == b.keys()
    for name in LIVE_COLUMNS:
        assert np.array_equal(a[name], b[name], equal_nan=a[name].dtype.kind == "f"), name
    assert a["chatter_times"] == b["chatter_times"]


def assert_same_state(replay_a, replay_b) -> None:
    assert replay_a.now_ms == replay_b.now_ms
    assert_same_table(table_state(replay_a.table), table_state(replay_b.table))
    assert book_state(replay_a.book) == book_state(replay_b.book)


class HeldChild:
    """The replay's indexing child stopped (SIGSTOP) where it is, until ``release``."""

    def __init__(self, replay):
        assert replay.index_in_background() and replay.background_indexing
        self.pid = replay._child.pid
        os.kill(self.pid, signal.SIGSTOP)

    def release(self) -> None:
        os.kill(self.pid, signal.SIGCONT)
