"""What the SensorThings tests share: a small city on the local service, and a collector of what an adapter delivers."""

from __future__ import annotations

import numpy as np

from console.feeds.base import AdapterStatusEvent
from console.feeds.timefmt import format_time, parse_time_value
from console.model.readings import ReadingBatch
from tests.brokers import wait_until

T0 = parse_time_value("2026-07-21T03:00:00Z")


def utc(t_ms: int) -> str:
    return format_time(t_ms, 0).replace("+00:00", "Z")


def small_city(service) -> None:
    """Three located gas and rain sensors (category and owner in their Thing's properties) and one without a place."""
    service.add_thing(1, "Gas station 1", 114.30, 30.60, {"category": "gas", "owner": "Gas Co."})
    service.add_thing(2, "Gas station 2", 114.31, 30.61, {"category": "gas", "owner": "Gas Co."})
    service.add_thing(3, "Rain gauge 3", 114.32, 30.62, {"category": "rainfall", "owner": "Met Bureau"})
    service.add_thing(4, "Lost gauge", None, None, {"category": "rainfall"})
    service.add_datastream(1, 1, "GAS-1 LEL", "gas_lel", "%LEL")
    service.add_datastream(2, 2, "GAS-2 LEL", "gas_lel", "%LEL")
    service.add_datastream(3, 3, "RG-3 rain", "rain_1h", "mm")
    service.add_datastream(4, 4, "RG-4 rain", "rain_1h", "mm")


def add_observations(service, first_id: int, count: int, *, per_time: int = 3, datastreams=(1, 2, 3),
                     start_minute: int | None = None) -> list[int]:
    """``count`` observations from id ``first_id``, ``per_time`` of them sharing each minute; result = id.

    Minutes count from ``start_minute`` when given, else they are ``id // per_time``.
    """
    ids = []
    for n in range(count):
        oid = first_id + n
        minute = oid // per_time if start_minute is None else start_minute + n // per_time
        service.add_observation(oid, datastreams[oid % len(datastreams)], utc(T0 + minute * 60_000), float(oid))
        ids.append(oid)
    return ids


class Collector:
    """Polls an adapter and keeps every reading (as columns) and status it delivered."""

    def __init__(self, adapter):
        self.adapter = adapter
        self.batches: list[ReadingBatch] = []
        self.statuses: list[AdapterStatusEvent] = []

    def take(self) -> None:
        for event in self.adapter.poll():
            if isinstance(event, ReadingBatch):
                self.batches.append(event)
            elif isinstance(event, AdapterStatusEvent):
                self.statuses.append(event)

    @property
    def readings(self) -> ReadingBatch:
        return ReadingBatch.concat(self.batches)

    @property
    def values(self) -> list[float]:
        return self.readings.value.tolist()

    def wait_for(self, count: int, timeout: float = 20.0) -> None:
        def enough():
            self.take()
            return len(self.readings) >= count

        wait_until(enough, timeout=timeout, message=f"{count} readings (have {len(self.readings)})")

    def wait_status(self, status, timeout: float = 20.0, contains: str = "") -> AdapterStatusEvent:
        def seen():
            self.take()
            return next((s for s in self.statuses if s.status is status and contains in s.message), None)

        return wait_until(seen, timeout=timeout, message=f"status {status} {contains!r}")

    def assert_each_once(self, ids) -> None:
        values = np.sort(self.readings.value)
        assert values.tolist() == sorted(float(i) for i in ids), "readings delivered twice or missing"
