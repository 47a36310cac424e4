"""A recorded feed decoded once into columns for a sensor table (``FeedColumns``, ``decode_feed``)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from console.feeds.recorded.reader import FeedReader
from console.feeds.recorded.reorder import CodedReadings
from console.model.sensors import SensorTable


@dataclass
class FeedColumns:
    """A recorded feed decoded once, its readings as columns in time order.

    Readings of sensors the table does not know are left out (counted in
    ``unknown``). Rows refer to the sensor table the feed was decoded for (and to
    every ``fresh_copy`` of it).

    Attributes
    ----------
    path : Path
    row : ndarray of int32
        Sensor row of each reading.
    t_ms : ndarray of int64
        Reading times, non-decreasing.
    value : ndarray of float64
    quality : ndarray of uint8
    events : list of SensorStatusEvent or CapWarning
        The other events, in feed order.
    event_pos : ndarray of int64
        For each event, how many readings come before it.
    event_t : ndarray of int64
    unknown : dict of str to int
        Readings per sensor id the table does not know.
    problems : list of (int, str)
        Rejected lines (line, reason), the first ``max_problems`` of them.
    problem_count, duplicates_dropped : int
    """

    path: Path
    row: np.ndarray
    t_ms: np.ndarray
    value: np.ndarray
    quality: np.ndarray
    events: list
    event_pos: np.ndarray
    event_t: np.ndarray
    unknown: dict[str, int] = field(default_factory=dict)
    problems: list[tuple[int, str]] = field(default_factory=list)
    problem_count: int = 0
    duplicates_dropped: int = 0

    def __len__(self) -> int:
        return len(self.t_ms)

    @property
    def unknown_readings(self) -> int:
        return sum(self.unknown.values())

    @property
    def span(self) -> tuple[int, int] | None:
        """(first, last) event time, or None for a feed without events."""
        times = []
        if len(self.t_ms):
            times += [int(self.t_ms[0]), int(self.t_ms[-1])]
        if len(self.event_t):
            times += [int(self.event_t.min()), int(self.event_t.max())]
        return (min(times), max(times)) if times else None

    @property
    def nbytes(self) -> int:
        return sum(a.nbytes for a in (self.row, self.t_ms, self.value, self.quality))


def decode_feed(path, table: SensorTable, *, on_progress: Callable[[int], None] | None = None,
                on_piece: Callable | None = None, **reader_options) -> FeedColumns:
    """Read a recorded feed (JSON Lines or CSV, plain or gzip) into ``FeedColumns`` for ``table``.

    ``on_progress`` is called now and then with the number of readings decoded so
    far. ``on_piece`` is given the feed as it is decoded, in feed order:
    ``on_piece("readings", rows, t_ms, value, quality)`` for each block of known
    sensors' readings and ``on_piece("event", event, position)`` for each other
    event (``position``: readings before it). Reader options are those of ``FeedReader`` (``in_process`` is on unless
    turned off); bad lines are reported in the result's ``problems``, never raised.
    """
    # Read in a child process: faster, and the caller's thread (maybe the GUI's) keeps its interpreter lock.
    reader_options.setdefault("in_process", True)
    reader = FeedReader(path, **reader_options)
    row_of_code = np.empty(0, dtype=np.int32)
    # Line numbers are not kept: a replay reports no line (bad lines are in ``problems``).
    pieces: dict[str, list[np.ndarray]] = {name: [] for name in ("row", "t_ms", "value", "quality")}
    unknown_codes: list[np.ndarray] = []
    events: list = []
    event_pos: list[int] = []
    count = 0
    for item in reader.coded():
        if not isinstance(item, CodedReadings):
            events.append(item)
            event_pos.append(count)
            if on_piece is not None:
                on_piece("event", item, count)
            continue
        if len(item.code) and int(item.code.max()) >= len(row_of_code):
            new_ids = reader.sensor_ids[len(row_of_code):]
            row_of_code = np.concatenate((row_of_code, table.rows_of(new_ids).astype(np.int32)))
        rows = row_of_code[item.code]
        known = rows >= 0
        if not known.all():
            unknown_codes.append(item.code[~known])
            keep = np.flatnonzero(known)
            rows = rows[keep]
            item = CodedReadings(item.code[keep], item.t_ms[keep], item.value[keep], item.quality[keep], None)
        pieces["row"].append(rows)
        pieces["t_ms"].append(item.t_ms)
        pieces["value"].append(item.value)
        pieces["quality"].append(item.quality)
        if on_piece is not None and len(rows):
            on_piece("readings", rows, item.t_ms, item.value, item.quality)
        count += len(rows)
        if on_progress is not None:
            on_progress(count)
    columns = {}
    empty = {"row": np.int32, "t_ms": np.int64, "value": np.float64, "quality": np.uint8}
    for name, dtype in empty.items():
        # One column at a time, dropping its pieces, so memory peaks at the columns plus one column.
        parts = pieces.pop(name)
        columns[name] = np.concatenate(parts) if parts else np.empty(0, dtype=dtype)
        del parts
    unknown = {}
    if unknown_codes:
        codes, counts = np.unique(np.concatenate(unknown_codes), return_counts=True)
        unknown = {reader.sensor_ids[c]: n for c, n in zip(codes.tolist(), counts.tolist(), strict=True)}
    return FeedColumns(
        path=Path(path),
        events=events,
        event_pos=np.array(event_pos, dtype=np.int64),
        event_t=np.array([e.t_ms for e in events], dtype=np.int64),
        unknown=unknown,
        problems=list(reader.problems),
        problem_count=reader.problem_count,
        duplicates_dropped=reader.duplicates_dropped,
        **columns,
    )
