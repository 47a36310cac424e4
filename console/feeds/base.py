"""The feed adapter interface every feed goes through, recorded or live (no Qt).

An adapter runs its I/O on a worker thread and puts what it receives into a
thread-safe outbox; the consumer (the processing loop or a GUI timer) drains it
with ``poll()`` as often as it likes. What comes out is a list of feed events
(``console.feeds.events``): reading batches, sensor status events, CAP warnings
and the adapter's own status changes (``AdapterStatusEvent``). The outbox is the
only way events leave an adapter; a GUI crosses to its own thread by polling.

Adapters register by kind with a label and a priority (``console.feeds.registry``,
re-exported here), so the console can list them and pick one for a source.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar

from console.errors import InputError
from console.feeds.events import (
    SENSOR_STATUSES,
    AdapterStatusEvent,
    CapWarning,
    FeedEvent,
    FeedStatus,
    SensorStatusEvent,
)
from console.feeds.recorder import FeedRecorder
from console.feeds.registry import (
    AdapterKind,
    adapter_class,
    adapter_kinds,
    create_adapter,
    register_adapter,
    registered_adapter,
    unregister_adapter,
)
from console.model.readings import ReadingBatch

__all__ = [
    "SENSOR_STATUSES",
    "AdapterKind",
    "AdapterStatusEvent",
    "CapWarning",
    "FeedAdapter",
    "FeedEvent",
    "FeedHealth",
    "FeedStatus",
    "SensorStatusEvent",
    "adapter_class",
    "adapter_kinds",
    "create_adapter",
    "register_adapter",
    "registered_adapter",
    "unregister_adapter",
]


@dataclass(frozen=True)
class FeedHealth:
    """Health figures of one adapter at one moment.

    Attributes
    ----------
    status : FeedStatus
    readings_total : int
        Readings delivered since start.
    events_total : int
        Status and CAP events delivered since start.
    readings_per_s : float
        Delivery rate over the last ``rate_window_s`` seconds of wall time.
    last_event_wall_s : float or None
        Wall time (epoch seconds) of the last delivery.
    last_event_t_ms : int or None
        Feed time of the latest reading or event delivered.
    rejected_lines : int
        Input lines (or messages) rejected as unusable.
    recent_rejections : tuple of (int, str)
        The last few rejections as (line, reason).
    duplicates_dropped : int
    message : str
        The message of the last status change.
    """

    status: FeedStatus
    readings_total: int
    events_total: int
    readings_per_s: float
    last_event_wall_s: float | None
    last_event_t_ms: int | None
    rejected_lines: int
    recent_rejections: tuple[tuple[int, str], ...]
    duplicates_dropped: int
    message: str


class FeedAdapter:
    """Base of all feed adapters: a worker thread, an outbox, a status and health figures.

    Subclasses set ``kind`` and ``label`` (``register_adapter`` does) and implement
    ``_run()``, which runs on the worker thread, delivers with ``_deliver(event)``,
    reports unusable input with ``_reject(line, reason)``, changes status with
    ``_set_status`` and returns when the source is exhausted or ``_stopping`` is set.

    Parameters
    ----------
    name : str, optional
        Shown in the Sources pane; defaults to the kind's label.
    stale_after_s : float
        A live adapter that delivered nothing for this long (wall time) turns
        ``stale``; the next delivery makes it ``live`` again.
    max_pending_readings : int
        Back-pressure: the worker waits while the outbox holds this many readings,
        so a fast file never floods memory ahead of a slower consumer.
    clock : callable, optional
        Monotonic seconds (default ``time.monotonic``): what staleness and a
        subclass's pacing are measured with; a test passes a clock it moves.

    Events
    ------
    Status changes are put in the outbox as ``AdapterStatusEvent``, in order with
    the data; the consumer learns of them by polling, on its own thread.
    """

    kind: ClassVar[str] = ""
    label: ClassVar[str] = ""
    priority: ClassVar[int] = 0

    RATE_WINDOW_S = 5.0
    RECENT_REJECTIONS = 5

    def __init__(self, name: str = "", *, stale_after_s: float = 300.0, max_pending_readings: int = 2_000_000,
                 clock: Callable[[], float] = time.monotonic):
        self.name = name or self.label or type(self).__name__
        self.stale_after_s = float(stale_after_s)
        self.max_pending_readings = int(max_pending_readings)
        self._lock = threading.Condition()
        self._outbox: list = []
        self._pending_readings = 0
        self._status = FeedStatus.IDLE
        self._message = ""
        self._clock = clock
        self._last_event_clock_s: float | None = None  # on ``clock``, for staleness
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self._readings_total = 0
        self._events_total = 0
        self._rate_marks: deque[tuple[float, int]] = deque()
        self._last_event_wall_s: float | None = None
        self._last_event_t_ms: int | None = None
        self._rejected = 0
        self._recent_rejections: deque[tuple[int, str]] = deque(maxlen=self.RECENT_REJECTIONS)
        self._duplicates = 0
        self._taps: tuple[Callable[[FeedEvent], None], ...] = ()
        self._tap_lock = threading.Lock()  # held while taps run, so a removed tap is never running
        self._recorder = None

    # --- consumer side --------------------------------------------------
    def start(self) -> None:
        """Start the worker thread; returns at once."""
        if self._thread is not None:
            raise RuntimeError(f"feed {self.name!r} was already started")
        self._set_status(FeedStatus.CONNECTING, "starting")
        self._thread = threading.Thread(target=self._worker, name=f"feed-{self.kind or 'adapter'}", daemon=True)
        self._thread.start()

    def stop(self, timeout_s: float = 5.0) -> None:
        """Ask the worker to stop and wait for it (at most ``timeout_s``)."""
        self._stopping.set()
        with self._lock:
            self._lock.notify_all()
        if self._thread is not None:
            self._thread.join(timeout_s)

    def wait(self, timeout_s: float | None = None) -> bool:
        """Wait until the worker has ended; True when it has."""
        if self._thread is None:
            return True
        self._thread.join(timeout_s)
        return not self._thread.is_alive()

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def poll(self) -> list[FeedEvent]:
        """Take everything delivered since the last call, oldest first (any thread)."""
        self._check_stale()
        with self._lock:
            events, self._outbox = self._outbox, []
            self._pending_readings = 0
            self._lock.notify_all()
        return events

    @property
    def status(self) -> FeedStatus:
        self._check_stale()
        return self._status

    def health(self) -> FeedHealth:
        """A snapshot of the health figures."""
        self._check_stale()
        with self._lock:
            now = time.monotonic()
            self._trim_rate_marks(now)
            rate = sum(count for _, count in self._rate_marks) / self.RATE_WINDOW_S
            return FeedHealth(
                status=self._status,
                readings_total=self._readings_total,
                events_total=self._events_total,
                readings_per_s=rate,
                last_event_wall_s=self._last_event_wall_s,
                last_event_t_ms=self._last_event_t_ms,
                rejected_lines=self._rejected,
                recent_rejections=tuple(self._recent_rejections),
                duplicates_dropped=self._duplicates,
                message=self._message,
            )

    # --- taps and recording ---------------------------------------------
    def add_tap(self, tap: Callable[[FeedEvent], None]) -> None:
        """Call ``tap(event)`` with every reading batch, status event and CAP warning delivered from now on.

        Taps run on the worker thread, in delivery order, once the event is in
        the outbox. They delay only the worker, never ``poll()``.
        """
        with self._tap_lock:
            self._taps = (*self._taps, tap)

    def remove_tap(self, tap: Callable[[FeedEvent], None]) -> None:
        """Stop calling ``tap``; once this returns it is not running."""
        with self._tap_lock:
            self._taps = tuple(t for t in self._taps if t is not tap)

    def start_recording(self, path, **options):
        """Record everything delivered from now on to a JSON Lines file (gzip for ``.gz``); returns the recorder.

        The adapter may be running. What is recorded replays as the same readings,
        status events and CAP warnings (``console.feeds.recorder.FeedRecorder``).
        """
        if self._recorder is not None:
            raise RuntimeError(f"feed {self.name!r} is already being recorded to {self._recorder.path}")
        recorder = FeedRecorder(path, **options)
        self._recorder = recorder
        self.add_tap(recorder.write)
        return recorder

    def stop_recording(self):
        """Stop recording and close the file; returns the recorder (None when not recording)."""
        recorder, self._recorder = self._recorder, None
        if recorder is not None:
            self.remove_tap(recorder.write)
            recorder.close()
        return recorder

    @property
    def recording(self) -> bool:
        return self._recorder is not None

    # --- worker side ------------------------------------------------------
    def _run(self) -> None:  # pragma: no cover - every kind implements it
        raise NotImplementedError

    def _worker(self) -> None:
        try:
            self._run()
        except InputError as exc:
            self._set_status(FeedStatus.FAILED, str(exc))
            return
        except OSError as exc:
            self._set_status(FeedStatus.FAILED, f"{type(exc).__name__}: {exc}")
            return
        except Exception as exc:  # a crashed worker must still show as failed, never as live
            self._set_status(FeedStatus.FAILED, f"internal error: {type(exc).__name__}: {exc}")
            raise
        if self._status in (FeedStatus.FAILED, FeedStatus.FINISHED):
            return
        if self._stopping.is_set():
            self._set_status(FeedStatus.IDLE, "stopped")
        else:
            self._set_status(FeedStatus.FINISHED, "source exhausted")

    @property
    def _stop_requested(self) -> bool:
        return self._stopping.is_set()

    def _deliver(self, event: FeedEvent) -> bool:
        """Put one event in the outbox; waits while the outbox is full. False once stopping."""
        now_wall = time.time()
        with self._lock:
            if isinstance(event, ReadingBatch):
                while self._pending_readings >= self.max_pending_readings and not self._stopping.is_set():
                    self._lock.wait(0.1)
                if self._stopping.is_set():
                    return False
                n = len(event)
                if n == 0:
                    return True
                self._pending_readings += n
                self._readings_total += n
                self._rate_marks.append((time.monotonic(), n))
                self._trim_rate_marks(time.monotonic())
                latest = int(event.t_ms.max())
            else:
                if self._stopping.is_set():
                    return False
                self._events_total += 1
                latest = int(getattr(event, "t_ms", 0)) or None
            self._outbox.append(event)
            self._last_event_wall_s = now_wall
            self._last_event_clock_s = self._clock()
            if latest is not None:
                self._last_event_t_ms = latest if self._last_event_t_ms is None else max(self._last_event_t_ms, latest)
        if self._taps:
            # Outside the outbox lock: a slow tap must not hold up the consumer's poll().
            with self._tap_lock:
                for tap in self._taps:
                    tap(event)
        if self._status is FeedStatus.STALE:
            self._set_status(FeedStatus.LIVE, "data again")
        return True

    def _reject(self, line: int, reason: str) -> None:
        with self._lock:
            self._rejected += 1
            self._recent_rejections.append((int(line), reason))

    def _count_duplicates(self, count: int) -> None:
        with self._lock:
            self._duplicates += int(count)

    def _set_status(self, status: FeedStatus, message: str = "") -> None:
        with self._lock:
            if status is self._status and message == self._message:
                return
            self._status = status
            self._message = message
            self._outbox.append(AdapterStatusEvent(int(time.time() * 1000), status, message))

    def _check_stale(self) -> None:
        if self._status is not FeedStatus.LIVE or self._last_event_clock_s is None:
            return
        silent_s = self._clock() - self._last_event_clock_s
        if silent_s > self.stale_after_s:
            self._set_status(FeedStatus.STALE, f"nothing received for {silent_s:.0f} s")

    def _trim_rate_marks(self, now: float) -> None:
        while self._rate_marks and now - self._rate_marks[0][0] > self.RATE_WINDOW_S:
            self._rate_marks.popleft()

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name!r} {self._status}>"
