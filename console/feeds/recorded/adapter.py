"""A recorded feed file played through the live adapter interface (``RecordedFeedAdapter``)."""

from __future__ import annotations

import dataclasses
import time
from pathlib import Path

import numpy as np

from console.errors import InputError
from console.feeds.base import FeedAdapter
from console.feeds.events import FeedEvent, FeedStatus
from console.feeds.recorded.files import _sniff_format
from console.feeds.recorded.reader import FeedReader
from console.feeds.registry import register_adapter
from console.model.readings import ReadingBatch


@register_adapter("recorded", label="Recorded feed file (JSON Lines / CSV)", priority=10)
class RecordedFeedAdapter(FeedAdapter):
    """A recorded feed file played through the live adapter interface.

    Parameters
    ----------
    path : path-like
    speed : float, optional
        Feed seconds per wall-clock second (1 = real time, 3600 = an hour a second);
        None delivers as fast as the consumer takes it.
    reorder_window_s : float
        See ``FeedReader``.
    name : str, optional
    retime : bool
        Shift every time by one offset so that the feed starts now (wall clock):
        a recorded feed rehearses the live path. Keep ``speed`` at 1 for feed times
        that stay in step with the clock.

    Notes
    -----
    The feed clock (``feed_clock_ms``) starts at the first event of the file; at a
    finite speed readings are released when the clock passes their time, in slices
    of at most ``tick_s`` of wall time.
    """

    tick_s = 0.05

    def __init__(self, path: str | Path, *, speed: float | None = None, reorder_window_s: float = 300.0,
                 name: str = "", retime: bool = False, **options):
        super().__init__(name or Path(path).name, **options)
        if speed is not None and not speed > 0:
            raise InputError(str(path), f"replay speed must be positive, not {speed!r}")
        self.path = Path(path)
        self.speed = speed
        self.reorder_window_s = reorder_window_s
        self.retime = bool(retime)
        self.retime_offset_ms: int | None = None  # set at the first event when retiming
        self.feed_clock_ms: int | None = None
        self.reader: FeedReader | None = None

    @classmethod
    def can_open(cls, source) -> bool:
        """True for an existing file that reads as a recorded feed."""
        try:
            path = Path(source)
            return path.is_file() and _sniff_format(path) in ("jsonl", "csv")
        except (InputError, OSError, TypeError):
            return False

    def _deliver(self, event: FeedEvent) -> bool:
        if self.retime:
            if self.retime_offset_ms is None:
                self.retime_offset_ms = int(time.time() * 1000) - _event_start(event)
            event = _shifted(event, self.retime_offset_ms)
        return super()._deliver(event)

    def _run(self) -> None:
        self.reader = FeedReader(self.path, reorder_window_s=self.reorder_window_s, on_problem=self._reject)
        self._set_status(FeedStatus.LIVE, f"replaying {self.path.name}")
        wall0 = feed0 = None
        duplicates_counted = 0
        for event in self.reader:
            if self._stop_requested:
                return
            if self.reader.duplicates_dropped != duplicates_counted:
                self._count_duplicates(self.reader.duplicates_dropped - duplicates_counted)
                duplicates_counted = self.reader.duplicates_dropped
            if self.speed is None:
                if not self._deliver(event):
                    return
                self.feed_clock_ms = _event_end(event)
                continue
            if wall0 is None:
                wall0, feed0 = self._clock(), _event_start(event)
            if isinstance(event, ReadingBatch):
                start = 0
                while start < len(event):
                    clock = feed0 + int((self._clock() - wall0) * self.speed * 1000)
                    self.feed_clock_ms = clock
                    stop = int(np.searchsorted(event.t_ms, clock, side="right"))
                    if stop > start:
                        if not self._deliver(event.take(slice(start, stop))):
                            return
                        start = stop
                        continue
                    wait_s = (int(event.t_ms[start]) - clock) / 1000 / self.speed
                    if self._stopping.wait(min(self.tick_s, max(wait_s, 0.001))):
                        return
            else:
                while True:
                    clock = feed0 + int((self._clock() - wall0) * self.speed * 1000)
                    self.feed_clock_ms = clock
                    if clock >= event.t_ms:
                        break
                    if self._stopping.wait(min(self.tick_s, (event.t_ms - clock) / 1000 / self.speed)):
                        return
                if not self._deliver(event):
                    return
        self._count_duplicates(self.reader.duplicates_dropped - duplicates_counted)
        self._set_status(FeedStatus.FINISHED, f"end of {self.path.name}")


def _event_start(event: FeedEvent) -> int:
    return int(event.t_ms[0]) if isinstance(event, ReadingBatch) else int(event.t_ms)


def _event_end(event: FeedEvent) -> int:
    return int(event.t_ms[-1]) if isinstance(event, ReadingBatch) else int(event.t_ms)


def _shifted(event: FeedEvent, offset_ms: int) -> FeedEvent:
    """The same event ``offset_ms`` later."""
    if isinstance(event, ReadingBatch):
        return ReadingBatch(event.sensor, event.t_ms + offset_ms, event.value, event.quality, event.line)
    return dataclasses.replace(event, t_ms=int(event.t_ms) + offset_ms)
