"""Batches of sensor readings as columns: the unit that flows from feeds to rules.

A batch never holds one Python object per reading; every field is a NumPy array
of the same length. Times are UTC epoch milliseconds (int64).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum

import numpy as np


class Quality(IntEnum):
    """Quality flag a source attaches to a reading."""

    GOOD = 0
    SUSPECT = 1
    BAD = 2


QUALITY_BY_NAME = {q.name.lower(): q for q in Quality}


@dataclass
class ReadingBatch:
    """Readings in columns.

    Attributes
    ----------
    sensor : ndarray of str (object) or of int32
        Sensor ids as strings; a SensorTable resolves them to row indices.
    t_ms : ndarray of int64
        Observation time, UTC epoch milliseconds.
    value : ndarray of float64
    quality : ndarray of uint8
        ``Quality`` codes.
    line : ndarray of int64, optional
        Line number in the source file, for error reports (0 when unknown).
    """

    sensor: np.ndarray
    t_ms: np.ndarray
    value: np.ndarray
    quality: np.ndarray
    line: np.ndarray = field(default=None)  # type: ignore[assignment]

    def __post_init__(self):
        n = len(self.t_ms)
        if self.line is None:
            self.line = np.zeros(n, dtype=np.int64)
        for name in ("sensor", "value", "quality", "line"):
            if len(getattr(self, name)) != n:
                raise ValueError(f"ReadingBatch column {name!r} has {len(getattr(self, name))} rows, not {n}")

    def __len__(self) -> int:
        return len(self.t_ms)

    @classmethod
    def empty(cls) -> ReadingBatch:
        return cls(
            sensor=np.empty(0, dtype=object),
            t_ms=np.empty(0, dtype=np.int64),
            value=np.empty(0, dtype=np.float64),
            quality=np.empty(0, dtype=np.uint8),
        )

    @classmethod
    def concat(cls, batches: list[ReadingBatch]) -> ReadingBatch:
        batches = [b for b in batches if len(b)]
        if not batches:
            return cls.empty()
        return cls(
            sensor=np.concatenate([b.sensor for b in batches]),
            t_ms=np.concatenate([b.t_ms for b in batches]),
            value=np.concatenate([b.value for b in batches]),
            quality=np.concatenate([b.quality for b in batches]),
            line=np.concatenate([b.line for b in batches]),
        )

    def take(self, index) -> ReadingBatch:
        return ReadingBatch(self.sensor[index], self.t_ms[index], self.value[index], self.quality[index], self.line[index])
