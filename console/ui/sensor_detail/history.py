"""A sensor's past, read off the GUI thread: readings and alarm handling from a journal (or a drill's feed).

The journal is read through a connection of its own, opened read-only
(``connect_reader``): the writer, whether the window's journal thread or the
engine process's, is never touched and never waited for. ``load_history`` is the
plain function; ``HistoryLoader`` runs it on a worker thread and hands the result
back to the GUI thread with a queued Qt signal.
"""

from __future__ import annotations

import contextlib
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from PySide6.QtCore import QCoreApplication, QObject, QRunnable, QThreadPool, Signal

from console.model.journal import JournalError
from console.model.journal.queries import query_readings, sensor_alarm_events
from console.model.journal.schema import connect_reader

# Readings of a drill come from its feed: ``readings(sensor_id, start_ms, end_ms) -> (t_ms, value, quality)``.
ReadingsSource = Callable[[str, int | None, int | None], tuple[np.ndarray, np.ndarray, np.ndarray]]


@dataclass(frozen=True)
class HistoryRequest:
    """What to read: the sensors, the time range (UTC epoch ms, ``end_ms`` None: up to the newest) and where.

    ``token`` tells an answer for the current binding from one for an earlier binding.
    ``readings`` replaces the journal as the source of readings (a drill's feed);
    the journal still gives the alarm handling.
    """

    token: int
    sensor_ids: tuple[str, ...]
    start_ms: int
    end_ms: int | None
    journal_path: Path | None
    readings: ReadingsSource | None = None
    catch_up: bool = False  # what came since the newest reading held, to add to it


@dataclass
class SensorHistory:
    """One sensor's readings in time order and its alarms' events (``sensor_alarm_events`` rows)."""

    sensor_id: str
    t_ms: np.ndarray
    value: np.ndarray
    quality: np.ndarray
    events: list[tuple] = field(default_factory=list)


@dataclass
class HistoryResult:
    """The answer to a ``HistoryRequest``; ``error`` says, in the UI language, what could not be read."""

    request: HistoryRequest
    sensors: dict[str, SensorHistory]
    error: str = ""
    elapsed_s: float = 0.0


def _empty(sensor_id: str) -> SensorHistory:
    return SensorHistory(sensor_id, np.empty(0, np.int64), np.empty(0), np.empty(0, np.uint8))


def load_history(request: HistoryRequest) -> HistoryResult:
    """Read what ``request`` asks for; a journal that cannot be read gives empty history and a message."""
    started = time.perf_counter()
    translate = QCoreApplication.translate
    sensors = {sensor_id: _empty(sensor_id) for sensor_id in request.sensor_ids}
    error = ""
    if request.readings is not None:
        for sensor_id, history in sensors.items():
            t, v, q = request.readings(sensor_id, request.start_ms, request.end_ms)
            history.t_ms, history.value, history.quality = t, v.astype(np.float64), q
    if request.journal_path is None:
        if request.readings is None:
            error = translate("SensorDetail", "No journal: the history is not recorded, only live values are shown.")
    else:
        try:
            db = connect_reader(Path(request.journal_path))
        except JournalError as exc:
            error = translate("SensorDetail", "History not available: {problem}").format(problem=str(exc))
        else:
            try:
                for sensor_id, history in sensors.items():
                    if request.readings is None:
                        history.t_ms, history.value, history.quality = query_readings(
                            db, sensor_id, request.start_ms, request.end_ms)
                    history.events = sensor_alarm_events(db, sensor_id, request.start_ms, request.end_ms)
            except sqlite3.Error as exc:
                problem = f"{request.journal_path}: cannot be read as a journal: {exc}"
                error = translate("SensorDetail", "History not available: {problem}").format(problem=problem)
            finally:
                db.close()
    return HistoryResult(request, sensors, error, time.perf_counter() - started)


class _LoadJob(QRunnable):
    def __init__(self, loader: HistoryLoader, request: HistoryRequest):
        super().__init__()
        self.loader, self.request = loader, request

    def run(self) -> None:
        result = load_history(self.request)
        with contextlib.suppress(RuntimeError):  # the loader went away while reading (the window closed)
            self.loader.loaded.emit(result)  # queued: the slot runs on the GUI thread


class HistoryLoader(QObject):
    """Runs ``load_history`` on a worker thread; ``loaded(HistoryResult)`` arrives on the GUI thread.

    One worker: requests are read in the order made, and an answer overtaken by a
    newer request is recognised by its token and dropped by the receiver.
    """

    loaded = Signal(object)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(1)

    def request(self, request: HistoryRequest) -> None:
        self.pool.start(_LoadJob(self, request))

    def wait(self, timeout_ms: int = 10_000) -> bool:
        """Wait for the reads in progress (closing, tests)."""
        return self.pool.waitForDone(timeout_ms)
