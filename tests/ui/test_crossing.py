"""The crossing onto the GUI thread: events emitted on worker threads are applied on the GUI thread, in batches."""

from __future__ import annotations

import threading

from psygnal import Signal

from console.model.sensors import SensorTable
from console.ui.crossing import GuiCrossing
from console.ui.live import LiveSession
from tests.ui.live_fixtures import T0, confirmed, sensor_layer


class Feed:
    """A stand-in for a model object: a psygnal signal, emitted on whatever thread calls ``read``."""

    reading_arrived = Signal(str, float)

    def read(self, sensor_id: str, value: float) -> None:
        self.reading_arrived.emit(sensor_id, value)


def run_on_worker(work) -> int:
    """Run ``work`` on a worker thread to its end; returns the worker's thread id."""
    ident = []
    worker = threading.Thread(target=lambda: (ident.append(threading.get_ident()), work()))
    worker.start()
    worker.join(timeout=10)
    assert not worker.is_alive()
    return ident[0]


def test_signal_emitted_on_a_worker_thread_is_applied_on_the_gui_thread(qtbot):
    crossing = GuiCrossing(interval_ms=50)
    gui_thread = threading.get_ident()
    feed = Feed()
    applied: list[tuple[str, float, int]] = []
    crossing.relay(feed.reading_arrived, lambda sensor, value: applied.append((sensor, value, threading.get_ident())))

    worker_thread = run_on_worker(lambda: [feed.read(f"GAS-{i:05d}", float(i)) for i in range(1, 6)])

    assert worker_thread != gui_thread
    assert applied == []  # nothing crosses until the GUI thread's timer runs
    assert crossing.pending == 5
    qtbot.waitUntil(lambda: len(applied) == 5, timeout=2000)
    assert [(sensor, value) for sensor, value, _ in applied] == [(f"GAS-{i:05d}", float(i)) for i in range(1, 6)]
    assert {thread for _, _, thread in applied} == {gui_thread}
    assert crossing.pending == 0
    crossing.timer.stop()


def test_one_flush_applies_everything_queued_so_far_and_later_posts_wait(qapp):
    crossing = GuiCrossing(interval_ms=0)
    seen: list[int] = []

    def record(n: int) -> None:
        seen.append(n)
        if n == 2:
            crossing.post(record, 99)  # posted while the batch runs: the next batch

    for n in (1, 2, 3):
        crossing.post(record, n)
    assert crossing.flush() == 3
    assert seen == [1, 2, 3]
    assert crossing.flush() == 1
    assert seen == [1, 2, 3, 99]
    assert crossing.flush() == 0
    assert crossing.applied == 4


def test_flush_refuses_to_run_off_the_gui_thread(qapp):
    crossing = GuiCrossing(interval_ms=0)
    crossing.post(lambda: None)
    errors: list[Exception] = []

    def flush() -> None:
        try:
            crossing.flush()
        except RuntimeError as exc:
            errors.append(exc)

    run_on_worker(flush)
    assert len(errors) == 1
    assert crossing.pending == 1


def test_live_session_reports_a_batch_processed_on_a_worker_thread_on_the_gui_thread(qtbot):
    session = LiveSession()
    session.start(SensorTable.from_layers([sensor_layer()]))
    gui_thread = threading.get_ident()
    reports: list[tuple[object, int]] = []
    session.processed.connect(lambda report: reports.append((report, threading.get_ident())))

    returned = []
    run_on_worker(lambda: returned.append(session.process(confirmed([("GAS-00002", 30.0)]), "test", T0)))

    qtbot.waitUntil(lambda: len(reports) == 1, timeout=2000)
    assert reports == [(returned[0], gui_thread)]
    assert [a.sensor_id for a in session.book.open_alarms()] == ["GAS-00002"]
    session.close()
