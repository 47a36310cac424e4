"""The adapter interface: start, stop, poll, status and health, on a real recorded file."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time

import numpy as np
import pytest

from console.errors import InputError
from console.feeds.base import (
    AdapterStatusEvent,
    CapWarning,
    FeedAdapter,
    FeedStatus,
    SensorStatusEvent,
    adapter_class,
    adapter_kinds,
    create_adapter,
    register_adapter,
    registered_adapter,
)
from console.feeds.recorded import RecordedFeedAdapter
from console.model.readings import ReadingBatch

T0_MS = 1784574900000


def feed_file(path, minutes=30, sensors=40, bad_every=0):
    lines = []
    for minute in range(minutes):
        for s in range(sensors):
            lines.append(json.dumps({"t": T0_MS + minute * 60_000, "sensor": f"S-{s:03d}", "value": minute + s}))
        if bad_every and minute % bad_every == 0:
            lines.append('{"t": "2026-07-21T03:15:00+08:00", "sensor": "S-001", "value": "broken"}')
    lines.insert(5, json.dumps({"t": T0_MS, "status": "offline", "sensor": "S-004"}))
    lines.append(json.dumps({"t": T0_MS + minutes * 60_000, "cap": "<alert>test</alert>"}))
    path.write_text("\n".join(lines) + "\n")
    return path


def drain(adapter: FeedAdapter, timeout_s: float = 10.0) -> list:
    events = []
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        events.extend(adapter.poll())
        if adapter.wait(0.01):
            events.extend(adapter.poll())
            return events
    raise AssertionError("the adapter did not finish in time")


def wait_until(condition, timeout_s: float = 10.0) -> None:
    """Wait for ``condition()`` to hold (a generous limit: a stuck worker fails the test, a slow one does not)."""
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("the condition did not come true in time")
        threading.Event().wait(0.005)


class FakeClock:
    """A monotonic clock the test moves by hand."""

    def __init__(self):
        self.now_s = 1000.0

    def __call__(self) -> float:
        return self.now_s


def test_recorded_adapter_delivers_everything_then_finishes(tmp_path):
    adapter = RecordedFeedAdapter(feed_file(tmp_path / "f.jsonl", bad_every=10))
    assert adapter.status is FeedStatus.IDLE
    adapter.start()
    events = drain(adapter)
    batches = [e for e in events if isinstance(e, ReadingBatch)]
    assert sum(len(b) for b in batches) == 30 * 40
    assert [e.sensor for e in events if isinstance(e, SensorStatusEvent)] == ["S-004"]
    assert [e.xml for e in events if isinstance(e, CapWarning)] == ["<alert>test</alert>"]
    statuses = [e.status for e in events if isinstance(e, AdapterStatusEvent)]
    assert statuses == [FeedStatus.CONNECTING, FeedStatus.LIVE, FeedStatus.FINISHED]
    health = adapter.health()
    assert health.status is FeedStatus.FINISHED
    assert health.readings_total == 1200 and health.events_total == 2
    assert health.rejected_lines == 3
    assert health.recent_rejections[-1][1].startswith("value is not a number")
    assert health.last_event_t_ms == T0_MS + 30 * 60_000
    assert health.readings_per_s > 0


def test_paced_replay_follows_the_feed_clock_and_stops_on_request(tmp_path):
    # At 600x, 0.5 s of the adapter's clock is 5 feed minutes: minutes 0..5 are out, nothing later.
    clock = FakeClock()
    adapter = RecordedFeedAdapter(feed_file(tmp_path / "f.jsonl"), speed=600, clock=clock)
    adapter.start()
    wait_until(lambda: adapter.feed_clock_ms == T0_MS and adapter.health().readings_total == 40)
    clock.now_s += 0.5
    wait_until(lambda: adapter.feed_clock_ms == T0_MS + 5 * 60_000 and adapter.health().readings_total == 6 * 40)
    delivered = ReadingBatch.concat([e for e in adapter.poll() if isinstance(e, ReadingBatch)])
    assert len(delivered) == 6 * 40
    assert delivered.t_ms.max() == T0_MS + 5 * 60_000 <= adapter.feed_clock_ms
    assert adapter.running
    adapter.stop()
    assert not adapter.running
    assert adapter.status is FeedStatus.IDLE


def test_a_missing_file_fails_with_the_reason_in_the_status(tmp_path):
    adapter = RecordedFeedAdapter(tmp_path / "absent.jsonl")
    adapter.start()
    assert adapter.wait(5)
    assert adapter.status is FeedStatus.FAILED
    assert "no such feed file" in adapter.health().message
    changes = [e for e in adapter.poll() if isinstance(e, AdapterStatusEvent)]
    assert [c.status for c in changes] == [FeedStatus.CONNECTING, FeedStatus.FAILED]
    assert "no such feed file" in changes[-1].message


def test_a_slow_consumer_holds_the_reader_back(tmp_path):
    adapter = RecordedFeedAdapter(feed_file(tmp_path / "f.jsonl", minutes=60, sensors=100),
                                  max_pending_readings=1000)
    adapter.start()
    # Once the outbox holds the limit the worker must wait for a poll: it cannot have finished.
    wait_until(lambda: adapter.health().readings_total >= 1000)
    assert adapter.running
    pending = sum(len(e) for e in adapter.poll() if isinstance(e, ReadingBatch))
    assert 0 < pending < 6000  # one held batch beyond the limit at most, never the whole file
    drain(adapter)
    assert adapter.health().readings_total == 6000


class _Silent(FeedAdapter):
    def _run(self):
        self._set_status(FeedStatus.LIVE, "connected")
        self._deliver(ReadingBatch(np.array(["X"], dtype=object), np.array([T0_MS]), np.array([1.0]),
                                   np.array([0], dtype=np.uint8)))
        self._stopping.wait(10)


def test_a_live_adapter_that_goes_quiet_turns_stale_and_back():
    clock = FakeClock()
    adapter = _Silent("quiet", stale_after_s=0.25, clock=clock)
    adapter.start()
    wait_until(lambda: adapter.health().readings_total == 1)
    assert adapter.status is FeedStatus.LIVE
    clock.now_s += 0.25  # exact in binary, so exactly the limit
    assert adapter.status is FeedStatus.LIVE  # quiet for exactly the limit is not yet stale
    clock.now_s += 0.125
    assert adapter.status is FeedStatus.STALE
    adapter._deliver(ReadingBatch(np.array(["X"], dtype=object), np.array([T0_MS + 1]), np.array([2.0]),
                                  np.array([0], dtype=np.uint8)))
    assert adapter.status is FeedStatus.LIVE
    adapter.stop()
    kinds = [e.status for e in adapter.poll() if isinstance(e, AdapterStatusEvent)]
    assert FeedStatus.STALE in kinds and kinds[-1] is FeedStatus.IDLE


@pytest.fixture
def test_kind():
    """An adapter class registered as ``test-kind`` for one test, removed afterwards."""

    class TestAdapter(_Silent):
        pass

    with registered_adapter(TestAdapter, "test-kind", label="Test kind", priority=-5):
        yield TestAdapter
    assert "test-kind" not in [k.kind for k in adapter_kinds()]


def test_registry_lists_kinds_by_priority_and_creates_adapters(tmp_path, test_kind):
    TestAdapter = test_kind  # noqa: N806 - a class
    kinds = adapter_kinds()
    assert kinds[0].kind == "recorded" and kinds[0].label.startswith("Recorded feed")
    assert [k.kind for k in kinds][-1] == "test-kind"
    assert adapter_class("test-kind") is TestAdapter and TestAdapter.label == "Test kind"
    adapter = create_adapter("recorded", feed_file(tmp_path / "f.jsonl"))
    assert isinstance(adapter, RecordedFeedAdapter) and adapter.kind == "recorded"
    assert RecordedFeedAdapter.can_open(tmp_path / "f.jsonl")
    assert not RecordedFeedAdapter.can_open(tmp_path / "nothing.jsonl")
    with pytest.raises(InputError, match="unknown feed kind 'mqtt-x'"):
        adapter_class("mqtt-x")


def test_a_kind_registered_for_a_while_is_gone_afterwards():
    class First(_Silent):
        pass

    class Second(_Silent):
        pass

    with registered_adapter(First, "while-kind", label="First"):
        with pytest.raises(ValueError, match="already registered by First"):
            register_adapter("while-kind", label="Second")(Second)
        assert adapter_class("while-kind") is First
    with pytest.raises(InputError, match="unknown feed kind 'while-kind'"):
        adapter_class("while-kind")


def test_feeds_import_without_qt():
    code = ("import sys, console.feeds.base, console.feeds.recorded, console.feeds.replay, console.feeds.scenario, "
            "console.commands.scenario; print(any(m.startswith(('PySide6', 'pyqtgraph')) for m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_what_an_adapter_delivers_can_be_recorded_and_replays_identically(tmp_path):
    from console.feeds.recorded import FeedRecorder, read_feed

    source = feed_file(tmp_path / "f.jsonl", minutes=12, sensors=25)
    adapter = RecordedFeedAdapter(source)
    adapter.start()
    delivered = drain(adapter)
    with FeedRecorder(tmp_path / "recorded.jsonl.gz") as recorder:
        recorder.write(delivered)  # adapter status events are not part of a feed and are skipped
    replayed = list(read_feed(tmp_path / "recorded.jsonl.gz"))
    live = ReadingBatch.concat([e for e in delivered if isinstance(e, ReadingBatch)])
    again = ReadingBatch.concat([e for e in replayed if isinstance(e, ReadingBatch)])
    assert list(live.sensor) == list(again.sensor)
    assert np.array_equal(live.t_ms, again.t_ms) and np.array_equal(live.value, again.value)
    kinds = [type(e).__name__ for e in replayed if not isinstance(e, ReadingBatch)]
    assert kinds == ["SensorStatusEvent", "CapWarning"]
