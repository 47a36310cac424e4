"""Recording a feed adapter's delivery: the file replays as the same events and raises the same alarms."""

from __future__ import annotations

import threading
import time

import numpy as np
import pytest

from console.feeds.base import CapWarning, FeedAdapter, FeedStatus, SensorStatusEvent
from console.feeds.recorded import RecordedFeedAdapter, read_feed
from console.model.alarms import alarm_row
from console.model.pipeline import Pipeline
from console.model.readings import ReadingBatch
from tests.feeds.replay_helpers import small_city


@pytest.fixture(scope="module")
def city(tmp_path_factory):
    table, feed, _ = small_city(tmp_path_factory.mktemp("recording"))
    return table, feed


def drain(adapter: FeedAdapter, timeout_s: float = 20.0) -> list:
    events = []
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        events.extend(e for e in adapter.poll() if isinstance(e, ReadingBatch | SensorStatusEvent | CapWarning))
        if not adapter.running:
            events.extend(e for e in adapter.poll() if isinstance(e, ReadingBatch | SensorStatusEvent | CapWarning))
            return events
        time.sleep(0.005)
    raise AssertionError("the adapter did not finish in time")


def same_events(a: list, b: list) -> None:
    """Same readings (in order, batches aside) and the same other events in the same places."""
    def flatten(events):
        readings = ReadingBatch.concat([e for e in events if isinstance(e, ReadingBatch)])
        others, count = [], 0
        for e in events:
            if isinstance(e, ReadingBatch):
                count += len(e)
            else:
                others.append((count, type(e).__name__, e.t_ms, getattr(e, "sensor", None),
                               getattr(e, "status", None), getattr(e, "xml", None)))
        return readings, others

    (ra, oa), (rb, ob) = flatten(a), flatten(b)
    assert list(ra.sensor) == list(rb.sensor)
    assert np.array_equal(ra.t_ms, rb.t_ms) and np.array_equal(ra.value, rb.value)
    assert np.array_equal(ra.quality, rb.quality)
    assert oa == ob


def alarms_of(table, events) -> list[tuple]:
    pipeline = Pipeline(table.fresh_copy())
    for event in events:
        if isinstance(event, ReadingBatch):
            pipeline.process(event, "feed", now_ms=int(event.t_ms.max()))
        elif isinstance(event, SensorStatusEvent) and event.status == "offline":
            pipeline.mark_offline([event.sensor], event.t_ms)
        elif isinstance(event, SensorStatusEvent):
            pipeline.mark_online([event.sensor], event.t_ms)
    return [alarm_row(a) for a in pipeline.book.alarms.values()]


def test_a_recorded_delivery_replays_identically_and_raises_the_same_alarms(city, tmp_path):
    table, feed = city
    adapter = RecordedFeedAdapter(feed)
    recorder = adapter.start_recording(tmp_path / "recorded.jsonl.gz")
    assert adapter.recording
    adapter.start()
    delivered = drain(adapter)
    assert adapter.stop_recording() is recorder and not adapter.recording
    assert recorder.readings_written == sum(len(e) for e in delivered if isinstance(e, ReadingBatch)) > 20_000
    assert recorder.events_written == 3

    replayed = [e for e in read_feed(recorder.path)]
    same_events(delivered, replayed)
    live_alarms = alarms_of(table, delivered)
    assert len(live_alarms) > 20
    assert alarms_of(table, replayed) == live_alarms


class _Gated(FeedAdapter):
    """A live source: delivers the first half, waits for the gate, delivers the rest."""

    def __init__(self, events):
        super().__init__("gated")
        self.events = events
        self.gate = threading.Event()

    def _run(self):
        self._set_status(FeedStatus.LIVE, "connected")
        half = len(self.events) // 2
        for event in self.events[:half]:
            self._deliver(event)
        self.gate.wait(10)
        for event in self.events[half:]:
            self._deliver(event)


def test_recording_attaches_to_a_running_adapter_and_stops_cleanly(city, tmp_path):
    _, feed = city
    events = list(read_feed(feed))
    adapter = _Gated(events)
    adapter.start()
    deadline = time.monotonic() + 10
    first = []
    while len(first) < len(events) // 2 and time.monotonic() < deadline:
        first += [e for e in adapter.poll() if isinstance(e, ReadingBatch | SensorStatusEvent | CapWarning)]
        time.sleep(0.005)
    recorder = adapter.start_recording(tmp_path / "from_now.jsonl")
    with pytest.raises(RuntimeError, match="already being recorded"):
        adapter.start_recording(tmp_path / "twice.jsonl")
    adapter.gate.set()
    rest = drain(adapter)
    adapter.stop_recording()
    # Only what was delivered after the recorder was attached is in the file.
    same_events(rest, list(read_feed(recorder.path)))
    same_events(first + rest, events)
