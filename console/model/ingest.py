"""Ingesting a batch of readings: checks, duplicates, ordering, and what the table takes as live.

Nothing loops over readings in Python unless values come as text; the table's
live columns are updated by ``SensorTable.apply_live``, their one writer.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from console.model.readings import ReadingBatch

if TYPE_CHECKING:
    from console.model.sensors import SensorTable

__all__ = ["IngestResult", "ingest_batch", "numeric_values", "order_by_row_then_time"]


@dataclass
class IngestResult:
    """What ``SensorTable.ingest`` made of one batch.

    The accepted readings are sorted by (row, time). ``live`` marks those newer
    than the sensor's previous reading: they update the live state and go to the
    rules; the others are kept for history only.

    Attributes
    ----------
    source : str
    rows, t_ms, value, quality, line : ndarray
        Accepted readings (history), sorted by row then time.
    live : ndarray of bool
        Readings newer than the sensor's previous reading.
    previous_t_ms : ndarray of int64
        Per accepted reading, its sensor's last time before this batch.
    n_total, n_unknown, n_duplicate, n_history_only : int
    rejected_line, rejected_sensor, rejected_reason : ndarray
        One entry per rejected reading: source line (0 when unknown), sensor id, reason.
    unknown : dict of str to int
        Unknown sensor ids of this batch and how often each came.
    """

    source: str
    rows: np.ndarray
    t_ms: np.ndarray
    value: np.ndarray
    quality: np.ndarray
    line: np.ndarray
    live: np.ndarray
    previous_t_ms: np.ndarray
    n_total: int = 0
    n_unknown: int = 0
    n_duplicate: int = 0
    n_history_only: int = 0
    rejected_line: np.ndarray = field(default_factory=lambda: np.empty(0, np.int64))
    rejected_sensor: np.ndarray = field(default_factory=lambda: np.empty(0, object))
    rejected_reason: np.ndarray = field(default_factory=lambda: np.empty(0, object))
    unknown: dict[str, int] = field(default_factory=dict)

    @property
    def n_accepted(self) -> int:
        return len(self.rows)

    @property
    def n_rejected(self) -> int:
        return len(self.rejected_line)


def ingest_batch(table: SensorTable, batch: ReadingBatch, source: str = "") -> IngestResult:
    """Check a batch, resolve sensor ids and update the live columns.

    Readings with NaN, infinite or non-numeric values are rejected with a
    reason. Unknown ids are counted per source. A reading at the same time as
    the sensor's last one with the same value is a duplicate and ignored; with
    another value it is rejected as conflicting. Readings older than the
    sensor's last one are accepted for history only.
    """
    n_total = len(batch)
    line = np.asarray(batch.line, dtype=np.int64)
    t_ms = np.asarray(batch.t_ms, dtype=np.int64)
    quality = np.asarray(batch.quality, dtype=np.uint8)
    value, reject_reason = numeric_values(batch.value)

    rows = table.resolve(batch.sensor)
    unknown_mask = rows < 0
    unknown = {}
    if unknown_mask.any():
        ids, counts = np.unique(np.asarray(batch.sensor, dtype=object)[unknown_mask].astype(str), return_counts=True)
        unknown = dict(zip(ids.tolist(), counts.tolist(), strict=True))
        table.count_unknown(source, unknown)

    reasons: list[np.ndarray] = []
    reject_index: list[np.ndarray] = []
    usable = ~unknown_mask
    if reject_reason is not None:
        bad = usable & (reject_reason != "")
        if bad.any():
            reject_index.append(np.flatnonzero(bad))
            reasons.append(reject_reason[bad])
            usable &= ~bad
    keep = np.flatnonzero(usable)

    # Sort by (row, time); the stable sort keeps arrival order among equal keys.
    order = keep[order_by_row_then_time(rows[keep], t_ms[keep], len(table))]
    r, t, v = rows[order], t_ms[order], value[order]
    previous_t = table.t_ms[r]
    previous_v = table.value[r]
    same_as_last = t == previous_t
    same_as_before = np.zeros(len(order), dtype=bool)
    same_as_before[1:] = (r[1:] == r[:-1]) & (t[1:] == t[:-1])
    value_before = np.empty(len(order))
    value_before[1:] = v[:-1]
    value_before[:1] = np.nan
    duplicate = (same_as_last & (v == previous_v)) | (same_as_before & (v == value_before))
    conflicting = (same_as_last | same_as_before) & ~duplicate
    if conflicting.any():
        reject_index.append(order[conflicting])
        reasons.append(
            np.full(int(conflicting.sum()), "a different value for a time that already has one", dtype=object)
        )
    accepted = ~(duplicate | conflicting)
    order = order[accepted]
    r, t, previous_t = r[accepted], t[accepted], previous_t[accepted]
    live = t > previous_t

    result = IngestResult(
        source=source,
        rows=r,
        t_ms=t,
        value=value[order],
        quality=quality[order],
        line=line[order],
        live=live,
        previous_t_ms=previous_t,
        n_total=n_total,
        n_unknown=int(unknown_mask.sum()),
        n_duplicate=int(duplicate.sum()),
        n_history_only=int((~live).sum()),
        unknown=unknown,
    )
    if reject_index:
        index = np.concatenate(reject_index)
        by_line = np.argsort(index, kind="stable")
        index = index[by_line]
        result.rejected_line = line[index]
        result.rejected_sensor = table.ids[rows[index]]  # rejected readings are of known sensors
        result.rejected_reason = np.concatenate(reasons)[by_line]
    table.apply_live(result)
    return result


def order_by_row_then_time(rows: np.ndarray, t_ms: np.ndarray, n_rows: int) -> np.ndarray:
    """The stable order of readings by (row, time)."""
    if len(t_ms) > 1 and not (t_ms[1:] >= t_ms[:-1]).all():
        return np.lexsort((t_ms, rows))
    # Already in time order (a feed's usual case): a stable sort by row is enough, and on
    # 16-bit keys NumPy sorts by radix, many times faster than a comparison sort.
    if n_rows <= 1 << 16:
        return np.argsort(rows.astype(np.uint16), kind="stable")
    low = np.argsort((rows & 0xFFFF).astype(np.uint16), kind="stable")
    return low[np.argsort((rows[low] >> 16).astype(np.uint16), kind="stable")]


def numeric_values(values) -> tuple[np.ndarray, np.ndarray | None]:
    """Values as float64 and a rejection reason per value ("" when fine; None when all are fine)."""
    values = np.asarray(values)
    if values.dtype.kind in "fiub":
        numbers = values.astype(np.float64, copy=False)
        if values.dtype.kind != "f" or np.isfinite(numbers).all():
            return numbers, None
        reasons = np.full(len(values), "", dtype=object)
    else:
        reasons = np.full(len(values), "", dtype=object)
        numbers = np.full(len(values), np.nan)
        for i, item in enumerate(values.tolist()):
            if isinstance(item, bool) or item is None:
                reasons[i] = f"value is not numeric: {item!r}"
                continue
            try:
                numbers[i] = float(item)
            except (TypeError, ValueError):
                reasons[i] = f"value is not numeric: {item!r}"
    nan = np.isnan(numbers) & (reasons == "")
    reasons[nan] = "value is NaN"
    infinite = np.isinf(numbers)
    reasons[infinite] = "value is infinite"
    return numbers, reasons
