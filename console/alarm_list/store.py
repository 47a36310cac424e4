"""The open alarms of an alarm book as NumPy columns, one slot per alarm.

Slots are reused once their alarm is closed, so the columns only grow when more
alarms are open at once than ever before. Changed alarms are copied in with one
column assignment per attribute, not one per alarm.
"""

from __future__ import annotations

import operator
from collections.abc import Callable

import numpy as np

# Per-alarm columns (slots); text columns are object arrays.
NUMERIC = {
    "used": bool,
    "alarm_id": np.int64,
    "incident": np.int64,
    "level": np.uint8,
    "peak": np.uint8,
    "active": bool,
    "state": np.uint8,
    "raised_ms": np.int64,
    "changed_ms": np.int64,
    "value": np.float64,
    "threshold": np.float64,
    "sign": np.float64,
    "row": np.int64,
    "chattering": bool,
    "rate": bool,  # raised by its rate of change, not a threshold
    "fault": bool,  # a sensor-fault item, not a process alarm
}
TEXT = ("sensor_id", "name", "unit", "category", "family", "district", "owner", "trigger", "time_text", "value_text",
        "search")
# Texts made when first shown or searched (None until then): most changed alarms are not on screen.
LAZY_TEXT = ("time_text", "value_text", "search")

# Alarm attributes copied into the columns (column: attribute).
COPIED = {"alarm_id": "alarm_id", "incident": "incident_id", "level": "level", "peak": "peak_level",
          "active": "active", "state": "state", "raised_ms": "raised_ms", "changed_ms": "changed_ms",
          "value": "value", "threshold": "threshold", "row": "sensor_row", "chattering": "chattering",
          "sensor_id": "sensor_id", "category": "category", "family": "family", "district": "district",
          "trigger": "trigger"}
_COPY_ATTRIBUTES = operator.attrgetter(*COPIED.values())


class AlarmColumns:
    """Column store of open alarms: ``arrays[name][slot]``, a slot per alarm id.

    Parameters
    ----------
    capacity : int
        Slots to start with; doubled whenever they run out.

    Attributes
    ----------
    arrays : dict of str to ndarray
        The columns (``NUMERIC`` and ``TEXT``), ``capacity`` long; slots from
        ``size`` on were never used, and ``arrays["used"]`` marks the live ones.
    size : int
        Slots in use or freed, from 0.
    slot_of : dict of int to int
        The slot of each open alarm id.
    """

    def __init__(self, capacity: int = 256):
        self.clear(capacity)

    def clear(self, capacity: int = 256) -> None:
        """Forget every alarm."""
        self.capacity = capacity
        self.size = 0
        self.arrays = {name: np.zeros(capacity, dtype=dtype) for name, dtype in NUMERIC.items()}
        for name in TEXT:
            self.arrays[name] = np.full(capacity, "", dtype=object)
        self.slot_of: dict[int, int] = {}
        self._free: list[int] = []

    def __len__(self) -> int:
        return len(self.slot_of)

    def slot_for(self, alarm_id: int) -> int:
        """The slot of ``alarm_id``, taken (a freed one first) when it has none."""
        slot = self.slot_of.get(alarm_id)
        if slot is not None:
            return slot
        if self._free:
            slot = self._free.pop()
        else:
            if self.size == self.capacity:
                self._grow()
            slot = self.size
            self.size += 1
        self.slot_of[alarm_id] = slot
        return slot

    def _grow(self) -> None:
        capacity = self.capacity * 2
        for name, column in self.arrays.items():
            grown = np.zeros(capacity, dtype=column.dtype) if column.dtype != object else np.full(capacity, "", object)
            grown[: self.capacity] = column
            self.arrays[name] = grown
        self.capacity = capacity

    def remove(self, alarm_id: int) -> None:
        """Free the slot of ``alarm_id`` (nothing when it has none)."""
        slot = self.slot_of.pop(alarm_id, None)
        if slot is not None:
            self.arrays["used"][slot] = False
            self._free.append(slot)

    def upsert(self, alarms: list, table=None, names=None, sign=None) -> None:
        """Copy changed alarms into their slots, with name, unit and sign of their sensor's table row."""
        if not alarms:
            return
        c = self.arrays
        slots = np.array([self.slot_for(a.alarm_id) for a in alarms], dtype=np.int64)
        values = zip(*map(_COPY_ATTRIBUTES, alarms), strict=True)  # one tuple per alarm, transposed in C
        for column, column_values in zip(COPIED, values, strict=True):
            c[column][slots] = column_values
        c["used"][slots] = True
        c["rate"][slots] = [a.trigger == "rate" for a in alarms]
        c["fault"][slots] = [a.kind == "fault" for a in alarms]
        c["owner"][slots] = [f"→ {a.dispatched_to}" if a.dispatched_to else a.owner for a in alarms]
        rows = c["row"][slots]
        known = (rows >= 0) & (rows < (len(table) if table is not None else 0))
        c["sign"][slots] = 1.0
        c["name"][slots] = ""
        c["unit"][slots] = ""
        if known.any():
            if sign is not None:
                c["sign"][slots[known]] = sign[rows[known]]
            if names is not None:
                c["name"][slots[known]] = names[rows[known]]
            c["unit"][slots[known]] = table.unit[rows[known]]
        for name in LAZY_TEXT:
            c[name][slots] = None

    def slots_in_use(self) -> np.ndarray:
        return np.flatnonzero(self.arrays["used"][: self.size])

    def text(self, name: str, slot: int, make: Callable[[int], str]) -> str:
        """A lazily made text column (``LAZY_TEXT``) of a slot: ``make(slot)`` on first use."""
        column = self.arrays[name]
        text = column[slot]
        if text is None:
            text = column[slot] = make(slot)
        return text
