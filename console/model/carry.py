"""Carrying the live state over to a rebuilt pipeline: opening more sensor layers keeps the alarm book.

The window rebuilds its pipeline when sensor layers are added (the table gets
new rows). With a journal, the new book is restored from it; without one, the
sensors' live state and the whole book are copied over here, through the same
restore paths (``SensorTable.restore_rows``, ``AlarmBook.restore``), with each
alarm's sensor row looked up again by sensor id.
"""

from __future__ import annotations

import copy

import numpy as np

from console.model.journal.schema import STATE_COLUMNS
from console.model.pipeline import Pipeline

__all__ = ["carry_over"]


def carry_over(old: Pipeline, new: Pipeline) -> None:
    """Give ``new`` (an empty book on a table holding ``old``'s sensors and maybe more) what ``old`` knew."""
    source, target = old.table, new.table
    rows = target.rows_of(source.ids)
    kept = np.flatnonzero(rows >= 0)
    if kept.size:
        columns = {name: getattr(source, name)[kept] for name in STATE_COLUMNS}
        times = [list(source.chatter_times.get(int(row), [])) for row in kept.tolist()]
        target.restore_rows(rows[kept], columns, times)
    book = old.book
    alarms = [copy.deepcopy(alarm) for alarm in book.alarms.values()]
    for alarm in alarms:
        alarm.sensor_row = int(rows[alarm.sensor_row]) if alarm.sensor_row >= 0 else -1
    incidents = [copy.deepcopy(incident) for incident in book.incidents.values()]
    new.book.restore(alarms, incidents, list(book._annunciations), {**book.numbering(), "clock_ms": book.clock_ms})
