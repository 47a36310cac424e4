"""Putting a feed's events in time order within a reorder window, and dropping exact duplicates."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from console.feeds.events import FeedEvent
from console.feeds.timefmt import format_time


def _time_order(t_ms: np.ndarray) -> np.ndarray:
    """The stable order of times: two radix passes on 16-bit digits when the span allows (most blocks)."""
    if len(t_ms) == 0:
        return np.zeros(0, dtype=np.intp)
    span = t_ms - t_ms.min()
    if int(span.max()) >= 1 << 32:
        return np.argsort(t_ms, kind="stable")
    low = np.argsort((span & 0xFFFF).astype(np.uint16), kind="stable")
    return low[np.argsort((span[low] >> 16).astype(np.uint16), kind="stable")]


def _record_key(code, t_ms, value, quality) -> np.ndarray:
    """A 64-bit hash of (time, sensor, value, quality) per reading (wrapping arithmetic by design)."""
    mix = np.uint64(0x9E3779B97F4A7C15)
    key = t_ms.view(np.uint64) * mix
    key = (key ^ code.astype(np.uint64)) * mix
    key = (key ^ value.view(np.uint64)) * mix
    return key ^ quality.astype(np.uint64)


@dataclass
class CodedReadings:
    """Readings in columns with sensors as codes (``FeedReader.coded``).

    Attributes
    ----------
    code : ndarray of int64
        Index into the reader's ``sensor_ids``.
    t_ms : ndarray of int64
    value : ndarray of float64
    quality : ndarray of uint8
    line : ndarray of int64
    """

    code: np.ndarray
    t_ms: np.ndarray
    value: np.ndarray
    quality: np.ndarray
    line: np.ndarray

    def __len__(self) -> int:
        return len(self.t_ms)


class _Reorder:
    """Holds events back for ``window_ms`` of feed time to put them in order and drop duplicates."""

    def __init__(self, window_ms: int, batch_rows: int, reject: Callable[[int, str], None]):
        self.window_ms = window_ms
        self.batch_rows = batch_rows
        self.reject = reject
        self.duplicates = 0
        self._columns = [np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64), np.empty(0),
                         np.empty(0, dtype=np.uint8), np.empty(0, dtype=np.int64)]
        self._events: list[tuple[int, int, object]] = []  # (t_ms, line, event)
        self._max_t: int | None = None
        self._delivered_until = np.iinfo(np.int64).min

    def push(self, code, t_ms, value, quality, line, events) -> list[FeedEvent]:
        """Take a block's readings (in file order) and events; return what is ready, in time order."""
        # Late: older than the window behind the newest time seen on any earlier line.
        prior = self._max_t if self._max_t is not None else np.iinfo(np.int64).min + self.window_ms
        if len(t_ms):
            newest_before = np.maximum.accumulate(np.concatenate(([prior], t_ms[:-1])))
            newest_before = np.maximum(newest_before, prior)
        else:
            newest_before = np.zeros(0, dtype=np.int64)
        late = (t_ms < newest_before - self.window_ms) | (t_ms < self._delivered_until)
        if late.any():
            for k, row in enumerate(np.flatnonzero(late).tolist()):
                if k < 100:  # words with times for the first few; a file in reverse order must not crawl
                    self._reject_late(int(line[row]), int(t_ms[row]), max(int(newest_before[row]), self._delivered_until))
                else:
                    self.reject(int(line[row]), f"time is behind earlier lines (reorder window "
                                                f"{self.window_ms / 1000:.0f} s)")
            keep = ~late
            code, t_ms, value, quality, line = code[keep], t_ms[keep], value[keep], quality[keep], line[keep]
        for event in events:
            if event.t_ms < max(self._delivered_until, prior - self.window_ms):
                self._reject_late(event.line, event.t_ms, max(self._delivered_until, prior))
            else:
                self._events.append((event.t_ms, event.line, event))
        newest = [int(t_ms.max())] if len(t_ms) else []
        newest += [event.t_ms for event in events]
        if len(t_ms):
            self._merge(code, t_ms, value, quality, line)
        if newest:
            self._max_t = max(newest) if self._max_t is None else max(self._max_t, max(newest))
        if self._max_t is None:
            return []
        return self._release(self._max_t - self.window_ms)

    def flush(self) -> list[FeedEvent]:
        return self._release(np.iinfo(np.int64).max)

    def _reject_late(self, line: int, t_ms: int, newest: int) -> None:
        behind_s = (newest - t_ms) / 1000
        self.reject(line, f"time {format_time(t_ms)} is {behind_s:.0f} s behind earlier lines "
                          f"(reorder window {self.window_ms / 1000:.0f} s)")

    def _merge(self, code, t_ms, value, quality, line) -> None:
        """Add a block's readings (file order) to the held ones (time order), dropping exact repeats.

        A repeat has the time of its first copy, so only held readings at or after
        the block's earliest time can be first copies: the check looks at those and
        the block, never at the whole window again.
        """
        held = self._columns
        held_t = held[1]
        since = int(np.searchsorted(held_t, t_ms.min(), side="left"))
        key = _record_key(code, t_ms, value, quality)
        keys = np.concatenate((_record_key(*(column[since:] for column in held[:4])), key))
        ordered = np.sort(keys)
        repeated = np.unique(ordered[1:][ordered[1:] == ordered[:-1]])
        if len(repeated):
            # The few readings whose key occurs twice: settle them by their full record, in order
            # (held readings first, then the block by line), keeping the first copy.
            # A 16-bit filter first, so that only a few keys are searched for.
            low = np.zeros(1 << 16, dtype=bool)
            low[(repeated & np.uint64(0xFFFF)).astype(np.intp)] = True
            maybe = np.flatnonzero(low[(keys & np.uint64(0xFFFF)).astype(np.intp)])
            at = np.minimum(np.searchsorted(repeated, keys[maybe]), len(repeated) - 1)
            suspects = maybe[repeated[at] == keys[maybe]]
            tail = len(held_t) - since
            columns = [np.concatenate((c[since:], n)) for c, n in
                       zip(held[:4], (code, t_ms, value, quality), strict=True)]
            seen = set()
            repeat = np.zeros(len(key), dtype=bool)
            for row in suspects.tolist():
                record = (int(columns[0][row]), int(columns[1][row]), float(columns[2][row]).hex(),
                          int(columns[3][row]))
                if record not in seen:
                    seen.add(record)
                elif row >= tail:
                    repeat[row - tail] = True
            if repeat.any():
                self.duplicates += int(repeat.sum())
                keep = ~repeat
                code, t_ms, value, quality, line = code[keep], t_ms[keep], value[keep], quality[keep], line[keep]
        # Stable: among equal times, held readings (earlier lines) first, then the block in file order.
        order = _time_order(t_ms)
        new = [column[order] for column in (code, t_ms, value, quality, line)]
        old = held
        new_t = new[1]
        if len(held_t) and len(new_t) and new_t[0] < held_t[-1]:
            # Most of a block comes after everything held; only its stragglers are merged in,
            # and only the held readings from the earliest straggler on are rebuilt.
            late = int(np.searchsorted(new_t, held_t[-1], side="left"))
            first = int(np.searchsorted(held_t, new_t[0], side="right"))
            at = np.searchsorted(held_t[first:], new_t[:late], side="right") + np.arange(late)
            total = len(held_t) - first + late
            from_block = np.zeros(total, dtype=bool)
            from_block[at] = True
            for k, (before, fresh) in enumerate(zip(old, new, strict=True)):
                middle = np.empty(total, dtype=fresh.dtype)
                middle[at] = fresh[:late]
                middle[~from_block] = before[first:]
                new[k] = np.concatenate((before[:first], middle, fresh[late:]))
        else:
            new = [np.concatenate((before, fresh)) for before, fresh in zip(old, new, strict=True)]
        self._columns = new

    def _release(self, watermark: int) -> list[FeedEvent]:
        code, t_ms, value, quality, line = self._columns
        cut = int(np.searchsorted(t_ms, watermark, side="right"))
        self._columns = [code[cut:], t_ms[cut:], value[cut:], quality[cut:], line[cut:]]
        self._events.sort(key=lambda item: (item[0], item[1]))
        ready_events, seen = [], set()
        while self._events and self._events[0][0] <= watermark:
            _, _, event = self._events.pop(0)
            key = (event.t_ms, getattr(event, "sensor", None), getattr(event, "status", None), getattr(event, "xml", None))
            if key in seen:
                self.duplicates += 1
                continue
            seen.add(key)
            ready_events.append(event)
        out: list[FeedEvent] = []
        start = 0
        for event in ready_events:
            stop = int(np.searchsorted(t_ms[:cut], event.t_ms, side="right"))
            out.extend(self._batches(code, t_ms, value, quality, line, start, max(start, stop)))
            start = max(start, stop)
            out.append(event)
        out.extend(self._batches(code, t_ms, value, quality, line, start, cut))
        if cut:
            self._delivered_until = max(self._delivered_until, int(t_ms[cut - 1]))
        if ready_events:
            self._delivered_until = max(self._delivered_until, ready_events[-1].t_ms)
        return out

    def _batches(self, code, t_ms, value, quality, line, start: int, stop: int) -> list[CodedReadings]:
        out = []
        for lo in range(start, stop, self.batch_rows):
            hi = min(stop, lo + self.batch_rows)
            out.append(CodedReadings(code[lo:hi], t_ms[lo:hi], value[lo:hi], quality[lo:hi], line[lo:hi]))
        return out
