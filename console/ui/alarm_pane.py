"""The live warning pane: every open alarm, grouped by incident, with the operator's actions.

The model keeps the open alarms of an ``AlarmBook`` as NumPy columns (one slot
per alarm) and pulls ``book.changes_since(version)`` ten times a second. Sorting
and filtering are vectorised over those columns; the rows shown are then
reconciled with the rows the view has (removals, insertions, one layout change,
one ``dataChanged``), so thousands of open alarms are never reset wholesale.

Alarms of one incident that pass the filter are shown as one line with a ▸ in
the level column; clicking it (or the Right key) expands the members beneath.
"""

from __future__ import annotations

import math
import operator
import time
from collections.abc import Callable
from datetime import datetime
from enum import IntEnum
from typing import NamedTuple
from zoneinfo import ZoneInfo

import numpy as np
from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QEvent,
    QItemSelectionModel,
    QModelIndex,
    QPointF,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import (
    QAction,
    QBrush,
    QColor,
    QFont,
    QFontMetricsF,
    QKeySequence,
    QPainter,
    QPalette,
    QStaticText,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QTableView,
    QToolBar,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from console.model.alarms import CLASSIFICATIONS, AlarmBook, AlarmState
from console.model.sensors import CATEGORIES, FAMILIES, FAMILY_OF_CATEGORY, SensorTable, level_name
from console.ui.i18n import current_language
from console.ui.live import alarm_state_label, format_value, level_label, per_language, wall_clock_ms
from console.ui.map.sensor_style import LEVEL_COLOURS
from console.ui.snapshot import DISPLAY_ZONE

FLOOD_PER_10_MIN = 10  # EEMUA 191: more than 10 alarms in 10 minutes is a flood
ROW_HEIGHT_PX = 22
# The list takes in the book's changes four times a second: text that changes faster cannot be read
# (the map blinks and restyles at 10 Hz), and each refresh repaints the visible rows.
# Operator actions refresh at once.
LIST_REFRESH_INTERVAL_MS = 250
# A ten-minute figure: once a second is plenty. (AlarmBook.alarm_rate walks every annunciation of
# the last hour, which in an alarm flood is long.)
RATE_RECOUNT_S = 1.0
RATE_STYLE = "background: #E6E9ED; color: #303030; padding: 2px 8px; border-radius: 3px;"
FLOOD_STYLE = "background: #D7263D; color: white; font-weight: bold; padding: 2px 8px; border-radius: 3px;"
# Sort rank of each AlarmState: what needs the operator first.
STATE_RANK = np.array([3, 0, 2, 1, 4, 5], dtype=np.int64)  # NORMAL, UNACK, ACK, RTN_UNACK, SHELVED, OOS
HIDDEN_STATES = (int(AlarmState.SHELVED), int(AlarmState.OUT_OF_SERVICE))
NEEDS_ACK = (int(AlarmState.UNACK), int(AlarmState.RTN_UNACK))
LEVEL_TEXT_COLOURS = {1: "#FFFFFF", 2: "#FFFFFF", 3: "#1A1A1A", 4: "#FFFFFF"}
SHELVE_DURATIONS_MIN = (15, 30, 60, 120, 240, 480, 720, 1440)
# State filter choices (key, ...); "attention" is every open alarm not shelved or out of service.
STATE_FILTERS = ("attention", "all", "needs_ack", "unack", "ack", "rtn_unack", "normal", "shelved", "out_of_service")


class Column(IntEnum):
    LEVEL = 0
    TIME = 1
    SENSOR = 2
    CATEGORY = 3
    DISTRICT = 4
    VALUE = 5
    STATE = 6
    OWNER = 7
    INCIDENT = 8


def column_titles() -> list[str]:
    translate = QCoreApplication.translate
    return [
        translate("AlarmListModel", "Level"),
        translate("AlarmListModel", "Time"),
        translate("AlarmListModel", "Sensor"),
        translate("AlarmListModel", "Category"),
        translate("AlarmListModel", "District"),
        translate("AlarmListModel", "Value / threshold"),
        translate("AlarmListModel", "State"),
        translate("AlarmListModel", "Unit"),
        translate("AlarmListModel", "Incident"),
    ]


@per_language
def _category_labels() -> dict:
    translate = QCoreApplication.translate
    return {
        "gas": translate("Category", "Gas"),
        "water_supply": translate("Category", "Water supply"),
        "drainage": translate("Category", "Drainage"),
        "bridge": translate("Category", "Bridge"),
        "heating": translate("Category", "Heating"),
        "power": translate("Category", "Power"),
        "utility_tunnel": translate("Category", "Utility tunnel"),
        "rainfall": translate("Category", "Rainfall"),
        "water_level": translate("Category", "Water level"),
        "waterlogging": translate("Category", "Waterlogging"),
        "hazmat": translate("Category", "Hazmat"),
    }


def category_label(category: str) -> str:
    return _category_labels().get(category, category)


def family_label(family: str) -> str:
    translate = QCoreApplication.translate
    labels = {
        "lifeline": translate("Category", "Lifeline"),
        "flood": translate("Category", "Flood"),
        "hazmat": translate("Category", "Hazmat"),
    }
    return labels.get(family, family)


def classification_label(classification: str) -> str:
    translate = QCoreApplication.translate
    return {
        "handled": translate("AlarmPane", "Handled"),
        "false_alarm": translate("AlarmPane", "False alarm"),
        "test": translate("AlarmPane", "Test"),
        "duplicate": translate("AlarmPane", "Duplicate"),
    }[classification]


def state_filter_label(key: str) -> str:
    translate = QCoreApplication.translate
    if key in ("unack", "ack", "rtn_unack", "normal", "shelved", "out_of_service"):
        return alarm_state_label(AlarmState.from_key(key))
    return {
        "attention": translate("AlarmPane", "All but shelved"),
        "all": translate("AlarmPane", "All states"),
        "needs_ack": translate("AlarmPane", "Needing acknowledgement"),
    }[key]


class AlarmFilter:
    """What the pane shows: levels, family or category, district, state and free text."""

    def __init__(self):
        self.levels = {1, 2, 3, 4}
        self.family = ""
        self.category = ""
        self.district = ""
        self.state = "attention"
        self.text = ""


# Per-alarm columns of the model (slots); text columns are object arrays.
_NUMERIC = {
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
}
_TEXT = ("sensor_id", "name", "unit", "category", "family", "district", "owner", "time_text", "value_text", "search")


_ROLES = frozenset({
    Qt.ItemDataRole.DisplayRole,
    Qt.ItemDataRole.BackgroundRole,
    Qt.ItemDataRole.ForegroundRole,
    Qt.ItemDataRole.FontRole,
    Qt.ItemDataRole.TextAlignmentRole,
    Qt.ItemDataRole.ToolTipRole,
    Qt.ItemDataRole.UserRole,
})


class FontKind(IntEnum):
    PLAIN = 0
    BOLD = 1
    ITALIC = 2


class RowLook(NamedTuple):
    """How one line of the alarm list looks: what ``data`` answers, made once per line and layout."""

    texts: tuple[str, ...]  # per column
    level_fill: QBrush | None  # the level column's background
    level_pen: QBrush | None  # the level column's text colour (None: the palette's)
    fill: QBrush | None  # the other columns' background
    pen: QBrush | None
    font: FontKind


class _Groups:
    """The shown members (slots) of each incident line, in display order, without a Python list per line."""

    def __init__(self, members=None, incidents=None):
        self.members = np.empty(0, dtype=np.int64) if members is None else members
        if incidents is None or len(incidents) == 0:
            self.spans: dict[int, tuple[int, int]] = {}
            return
        starts = np.flatnonzero(np.r_[True, incidents[1:] != incidents[:-1]])
        ends = np.r_[starts[1:], len(incidents)]
        self.spans = dict(zip(incidents[starts].tolist(), zip(starts.tolist(), ends.tolist(), strict=True),
                              strict=True))

    def get(self, incident_id: int, default=None):
        span = self.spans.get(incident_id)
        return default if span is None else self.members[span[0]: span[1]]


class AlarmListModel(QAbstractTableModel):
    """Open alarms of an AlarmBook as a flat list with incident lines.

    A row's key is an alarm id (> 0) or minus an incident id (an incident line).

    Signals
    -------
    summary_changed(): counts per level or state may have changed.
    """

    summary_changed = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.book: AlarmBook | None = None
        self.table: SensorTable | None = None
        self.names: np.ndarray | None = None
        self.sign: np.ndarray | None = None
        self.zone = ZoneInfo(DISPLAY_ZONE)
        self.filter = AlarmFilter()
        self.sort_column = Column.LEVEL
        self.sort_order = Qt.SortOrder.AscendingOrder
        self.expanded: set[int] = set()
        self._version = 0
        self._clear_columns()
        self._keys = np.empty(0, dtype=np.int64)
        self._is_child = np.empty(0, dtype=bool)
        self._groups = _Groups()
        self._header_cache: dict[int, dict] = {}
        self._titles = column_titles()
        self._bold = QFont()
        self._bold.setBold(True)
        self._italic = QFont()
        self._italic.setItalic(True)
        self._fonts = {FontKind.PLAIN: None, FontKind.BOLD: self._bold, FontKind.ITALIC: self._italic}
        self._looks: dict[int, RowLook] = {}  # per row key; emptied whenever the rows or their contents change
        self._looks_language = ""
        self._level_brushes = {level: QBrush(QColor(colour)) for level, colour in LEVEL_COLOURS.items()}
        self._level_text = {level: QBrush(QColor(colour)) for level, colour in LEVEL_TEXT_COLOURS.items()}
        self._returned_brush = QBrush(QColor("#E4E4E4"))
        self._muted = QBrush(QColor("#7A7A7A"))
        self._header_brush = QBrush(QColor("#E8ECF1"))
        self._child_brush = QBrush(QColor("#F6F8FA"))

    # --- binding ------------------------------------------------------------
    def _clear_columns(self, capacity: int = 256) -> None:
        self._capacity = capacity
        self._size = 0  # slots in use or freed, from 0
        self._c = {name: np.zeros(capacity, dtype=dtype) for name, dtype in _NUMERIC.items()}
        for name in _TEXT:
            self._c[name] = np.full(capacity, "", dtype=object)
        self._slot_of: dict[int, int] = {}
        self._free: list[int] = []

    def bind(self, book: AlarmBook | None, table: SensorTable | None, names=None, sign=None) -> None:
        """Show the open alarms of ``book`` (``table`` is its sensor table)."""
        self.beginResetModel()
        self.book, self.table = book, table
        self.names = names if names is not None else (table.name if table is not None else None)
        self.sign = sign
        self._clear_columns()
        self._version = 0
        self.expanded.clear()
        self._keys = np.empty(0, dtype=np.int64)
        self._is_child = np.empty(0, dtype=bool)
        self._groups, self._header_cache = _Groups(), {}
        self._looks.clear()
        self.endResetModel()
        self.refresh()

    # --- pulling changes ------------------------------------------------------
    def refresh(self) -> int:
        """Take in what changed in the book since the last call; returns how many alarms changed."""
        if self.book is None:
            return 0
        changes = self.book.changes_since(self._version)
        self._version = changes.version
        if not changes.alarms and not changes.incidents:
            return 0
        touched_incidents = {incident.incident_id for incident in changes.incidents}
        touched_incidents.update(alarm.incident_id for alarm in changes.alarms)
        for alarm in changes.alarms:
            if alarm.closed_ms is not None:
                self._remove(alarm.alarm_id)
        self._upsert([alarm for alarm in changes.alarms if alarm.closed_ms is None])
        changed_keys = np.array([a.alarm_id for a in changes.alarms] + [-i for i in touched_incidents], dtype=np.int64)
        self._relayout(changed_keys)
        self.summary_changed.emit()
        return len(changes.alarms)

    def _slot_for(self, alarm_id: int) -> int:
        slot = self._slot_of.get(alarm_id)
        if slot is not None:
            return slot
        if self._free:
            slot = self._free.pop()
        else:
            if self._size == self._capacity:
                self._grow()
            slot = self._size
            self._size += 1
        self._slot_of[alarm_id] = slot
        return slot

    def _grow(self) -> None:
        capacity = self._capacity * 2
        for name, column in self._c.items():
            grown = np.zeros(capacity, dtype=column.dtype) if column.dtype != object else np.full(capacity, "", object)
            grown[: self._capacity] = column
            self._c[name] = grown
        self._capacity = capacity

    def _remove(self, alarm_id: int) -> None:
        slot = self._slot_of.pop(alarm_id, None)
        if slot is not None:
            self._c["used"][slot] = False
            self._free.append(slot)

    # Alarm attributes copied into the numeric columns of the same name (column: attribute).
    _COPIED = {"alarm_id": "alarm_id", "incident": "incident_id", "level": "level", "peak": "peak_level",
               "active": "active", "state": "state", "raised_ms": "raised_ms", "changed_ms": "changed_ms",
               "value": "value", "threshold": "threshold", "row": "sensor_row", "chattering": "chattering",
               "sensor_id": "sensor_id", "category": "category", "family": "family", "district": "district"}

    def _upsert(self, alarms: list) -> None:
        """Copy changed alarms into their slots: one column assignment per attribute, not per alarm."""
        if not alarms:
            return
        c = self._c
        slots = np.array([self._slot_for(a.alarm_id) for a in alarms], dtype=np.int64)
        values = zip(*map(_COPY_ATTRIBUTES, alarms), strict=True)  # one tuple per alarm, transposed in C
        for column, column_values in zip(self._COPIED, values, strict=True):
            c[column][slots] = column_values
        c["used"][slots] = True
        c["rate"][slots] = [a.trigger == "rate" for a in alarms]
        c["owner"][slots] = [f"→ {a.dispatched_to}" if a.dispatched_to else a.owner for a in alarms]
        rows = c["row"][slots]
        table = self.table
        known = (rows >= 0) & (rows < (len(table) if table is not None else 0))
        c["sign"][slots] = 1.0
        c["name"][slots] = ""
        c["unit"][slots] = ""
        if known.any():
            if self.sign is not None:
                c["sign"][slots[known]] = self.sign[rows[known]]
            if self.names is not None:
                c["name"][slots[known]] = self.names[rows[known]]
            c["unit"][slots[known]] = table.unit[rows[known]]
        # Texts are made when first shown or searched: most changed alarms are not on screen.
        c["time_text"][slots] = None
        c["value_text"][slots] = None
        c["search"][slots] = None

    def _text(self, name: str, slot: int) -> str:
        """A display text of a slot, made on first use."""
        c = self._c
        text = c[name][slot]
        if text is None:
            if name == "time_text":
                text = self._time_text(int(c["raised_ms"][slot]))
            elif name == "value_text":
                text = self._value_text(float(c["value"][slot]), float(c["threshold"][slot]), bool(c["rate"][slot]),
                                        float(c["sign"][slot]), c["unit"][slot])
            else:
                text = " ".join((c["sensor_id"][slot], c["name"][slot], c["district"][slot], c["owner"][slot],
                                 category_label(c["category"][slot]))).lower()
            c[name][slot] = text
        return text

    def _time_text(self, t_ms: int) -> str:
        return datetime.fromtimestamp(t_ms / 1000, self.zone).strftime("%m-%d %H:%M:%S")

    @staticmethod
    def _value_text(value: float, threshold: float, by_rate: bool, sign: float, unit: str) -> str:
        shown = f"{format_value(value)} {unit}".strip()
        if not np.isfinite(threshold):
            return shown
        if by_rate:
            rate = QCoreApplication.translate("AlarmListModel", "rate")
            return f"{shown}  ({rate} {'≥' if sign > 0 else '≤'} {format_value(threshold)}/min)"
        beyond = sign * value >= sign * threshold
        relation = ("≥" if beyond else "<") if sign > 0 else ("≤" if beyond else ">")
        return f"{shown} {relation} {format_value(threshold)}"

    # --- filtering, sorting, grouping ----------------------------------------
    def _slots_in_use(self) -> np.ndarray:
        return np.flatnonzero(self._c["used"][: self._size])

    def _filter_mask(self, slots: np.ndarray) -> np.ndarray:
        c, f = self._c, self.filter
        level = np.where(c["active"][slots], c["level"][slots], c["peak"][slots])
        allowed = np.zeros(5, dtype=bool)
        allowed[list(f.levels)] = True
        mask = allowed[level]
        if f.family:
            mask &= c["family"][slots] == f.family
        if f.category:
            mask &= c["category"][slots] == f.category
        if f.district:
            mask &= c["district"][slots] == f.district
        state = c["state"][slots]
        if f.state == "attention":
            mask &= ~np.isin(state, HIDDEN_STATES)
        elif f.state == "needs_ack":
            mask &= np.isin(state, NEEDS_ACK)
        elif f.state != "all":
            mask &= state == int(AlarmState.from_key(f.state))
        text = f.text.strip().lower()
        if text:
            search = [self._text("search", slot) for slot in slots.tolist()]
            mask &= np.fromiter((text in s for s in search), dtype=bool, count=len(search))
        return mask

    def _sort_key(self, slots: np.ndarray) -> np.ndarray:
        c = self._c
        column = self.sort_column
        if column == Column.LEVEL:
            # Active alarms by level (I first); returned ones after them.
            return np.where(c["active"][slots], c["level"][slots], 5 + c["peak"][slots]).astype(np.float64)
        if column == Column.TIME:
            return c["raised_ms"][slots].astype(np.float64)
        if column == Column.VALUE:
            threshold = c["threshold"][slots]
            scale = np.where(np.abs(threshold) > 0, np.abs(threshold), 1.0)
            beyond = c["sign"][slots] * (c["value"][slots] - threshold) / scale
            return np.nan_to_num(beyond, nan=-np.inf)
        if column == Column.STATE:
            return STATE_RANK[c["state"][slots]].astype(np.float64)
        if column == Column.INCIDENT:
            return c["incident"][slots].astype(np.float64)
        text = {
            Column.SENSOR: "sensor_id",
            Column.CATEGORY: "category",
            Column.DISTRICT: "district",
            Column.OWNER: "owner",
        }[column]
        values = c[text][slots]
        if len(values) == 0:
            return np.empty(0)
        if column == Column.CATEGORY:
            labels = {key: category_label(key) for key in CATEGORIES}
            values = np.array([labels.get(v, v) for v in values.tolist()], dtype=object)
        return np.unique(values, return_inverse=True)[1].astype(np.float64)

    def _order(self, slots: np.ndarray) -> np.ndarray:
        """Positions of ``slots`` in display order: the sort column, then newest first."""
        key = self._sort_key(slots)
        if self.sort_order == Qt.SortOrder.DescendingOrder:
            key = -key
        c = self._c
        return np.lexsort((c["alarm_id"][slots], -c["raised_ms"][slots], key))

    def _layout(self) -> tuple[np.ndarray, np.ndarray, _Groups]:
        """The rows to show: keys, child flags and the filtered members of each incident line."""
        slots = self._slots_in_use()
        slots = slots[self._filter_mask(slots)]
        order = slots[self._order(slots)]
        if len(order) == 0:
            return np.empty(0, dtype=np.int64), np.empty(0, dtype=bool), _Groups()
        c = self._c
        incident = c["incident"][order]
        unique, first, counts = np.unique(incident, return_index=True, return_counts=True)
        grouped = (counts >= 2) & (unique > 0)
        where = np.searchsorted(unique, incident)
        is_grouped = grouped[where]
        position = np.arange(len(order))
        # An incident line takes the place of its first member in the sorted order.
        group_position = np.where(is_grouped, first[where], position)
        expanded = np.isin(incident, np.fromiter(self.expanded, dtype=np.int64)) if self.expanded else False
        shown = ~is_grouped | expanded
        header_incidents = unique[grouped]
        keys = np.concatenate((-header_incidents, c["alarm_id"][order[shown]]))
        slot_position = np.concatenate((first[grouped], group_position[shown]))
        within = np.concatenate((np.full(len(header_incidents), -1), position[shown]))
        is_child = np.concatenate((np.zeros(len(header_incidents), dtype=bool), is_grouped[shown]))
        rank = np.lexsort((within, slot_position))
        by_incident = np.argsort(incident[is_grouped], kind="stable")
        return keys[rank], is_child[rank], _Groups(order[is_grouped][by_incident], incident[is_grouped][by_incident])

    def _relayout(self, changed_keys: np.ndarray | None = None) -> None:
        """Bring the rows the view has in line with the rows to show, without a reset."""
        keys, is_child, groups = self._layout()
        self._groups = groups
        self._header_cache = {}
        self._looks.clear()
        old = self._keys
        if len(old) and len(keys) and self._removal_runs(old, keys) > 64:
            # A filter change that removes rows all over the list: cheaper to start afresh.
            self.beginResetModel()
            self._keys, self._is_child = keys, is_child
            self.endResetModel()
            return
        self._remove_rows(keys)
        self._insert_rows(keys, is_child)
        if np.array_equal(self._keys, keys):
            changed = self._is_child != is_child  # a member shown under its incident line now, or no longer
            self._is_child = is_child
        else:
            self._reorder(keys, is_child)  # the view repaints every row after a layout change
            changed = np.zeros(len(keys), dtype=bool)
        if changed_keys is not None and len(changed_keys):
            changed = changed | np.isin(self._keys, changed_keys)
        if changed.any():
            rows = np.flatnonzero(changed)
            if len(rows):
                last = self.columnCount() - 1
                self.dataChanged.emit(self.index(int(rows[0]), 0), self.index(int(rows[-1]), last))

    @staticmethod
    def _removal_runs(old: np.ndarray, new: np.ndarray) -> int:
        removed = np.flatnonzero(~np.isin(old, new))
        if len(removed) == 0:
            return 0
        return int(np.count_nonzero(np.diff(removed) != 1)) + 1

    def _remove_rows(self, keys: np.ndarray) -> None:
        removed = np.flatnonzero(~np.isin(self._keys, keys))
        if len(removed) == 0:
            return
        breaks = np.flatnonzero(np.diff(removed) != 1) + 1
        for run in reversed(np.split(removed, breaks)):
            start, end = int(run[0]), int(run[-1])
            self.beginRemoveRows(QModelIndex(), start, end)
            self._keys = np.delete(self._keys, np.s_[start : end + 1])
            self._is_child = np.delete(self._is_child, np.s_[start : end + 1])
            self.endRemoveRows()

    def _insert_rows(self, keys: np.ndarray, is_child: np.ndarray) -> None:
        new = ~np.isin(keys, self._keys)
        if not new.any():
            return
        start = len(self._keys)
        self.beginInsertRows(QModelIndex(), start, start + int(new.sum()) - 1)
        self._keys = np.concatenate((self._keys, keys[new]))
        self._is_child = np.concatenate((self._is_child, is_child[new]))
        self.endInsertRows()

    def _reorder(self, keys: np.ndarray, is_child: np.ndarray) -> None:
        """Same rows, new order: one layout change that keeps selection and current row."""
        self.layoutAboutToBeChanged.emit()
        persistent = self.persistentIndexList()
        if persistent:
            sorter = np.argsort(keys)
            old_keys = self._keys[[index.row() for index in persistent]]
            new_rows = sorter[np.searchsorted(keys, old_keys, sorter=sorter)]
            self.changePersistentIndexList(
                persistent, [self.index(int(row), index.column()) for row, index in zip(new_rows, persistent, strict=True)]
            )
        self._keys, self._is_child = keys, is_child
        self.layoutChanged.emit()

    def set_filter(self, **settings) -> None:
        """Change the filter (``levels``, ``family``, ``category``, ``district``, ``state``, ``text``)."""
        for name, value in settings.items():
            if not hasattr(self.filter, name):
                raise AttributeError(f"no filter setting {name!r}")
            setattr(self.filter, name, set(value) if name == "levels" else value)
        self._relayout()
        self.summary_changed.emit()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:  # Qt override
        self.sort_column = Column(column)
        self.sort_order = order
        self._relayout()

    def set_expanded(self, incident_id: int, expanded: bool) -> None:
        if expanded:
            self.expanded.add(incident_id)
        else:
            self.expanded.discard(incident_id)
        self._relayout(np.array([-incident_id], dtype=np.int64))

    # --- reading rows -----------------------------------------------------------
    def key(self, row: int) -> int:
        return int(self._keys[row])

    def is_incident_line(self, row: int) -> bool:
        return self._keys[row] < 0

    def is_child(self, row: int) -> bool:
        """A member shown under its open incident line."""
        return bool(self._is_child[row])

    def row_of_key(self, key: int) -> int | None:
        rows = np.flatnonzero(self._keys == key)
        return int(rows[0]) if len(rows) else None

    def alarm_ids_of_row(self, row: int) -> list[int]:
        """The alarm of a row, or the shown members of an incident line."""
        key = self.key(row)
        if key > 0:
            return [key]
        members = self._groups.get(-key)
        return [] if members is None else self._c["alarm_id"][members].tolist()

    def sensor_rows_of_row(self, row: int) -> np.ndarray:
        key = self.key(row)
        slots = [self._slot_of[key]] if key > 0 else self._groups.get(-key, [])
        return self._c["row"][np.asarray(slots, dtype=np.int64)]

    def needs_ack_rows(self) -> np.ndarray:
        """Rows whose alarm (or one of whose incident members) awaits acknowledgement."""
        flags = np.zeros(len(self._keys), dtype=bool)
        state = self._c["state"]
        for row, key in enumerate(self._keys.tolist()):
            if key > 0:
                flags[row] = state[self._slot_of[key]] in NEEDS_ACK
            else:
                flags[row] = bool(np.isin(state[self._groups.get(-key, [])], NEEDS_ACK).any())
        return np.flatnonzero(flags)

    def summary(self) -> dict:
        """Open alarms per level (active, not shelved or out of service), unacknowledged, shelved."""
        c = self._c
        used = c["used"][: self._size]
        state = c["state"][: self._size]
        shown = used & c["active"][: self._size] & ~np.isin(state, HIDDEN_STATES)
        counts = np.bincount(c["level"][: self._size][shown], minlength=5)
        return {
            "levels": {level: int(counts[level]) for level in (1, 2, 3, 4)},
            "unack": int((used & np.isin(state, NEEDS_ACK)).sum()),
            "shelved": int((used & (state == AlarmState.SHELVED)).sum()),
            "open": int(used.sum()),
            "shown": len(self._keys),
        }

    def districts(self) -> list[str]:
        if self.table is None:
            return []
        return sorted({d for d in self.table.district.tolist() if d})

    # --- Qt model interface -------------------------------------------------------
    def rowCount(self, parent=None) -> int:  # noqa: N802 (Qt override)
        return 0 if parent is not None and parent.isValid() else len(self._keys)

    def columnCount(self, parent=None) -> int:  # noqa: N802 (Qt override)
        return 0 if parent is not None and parent.isValid() else len(Column)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802 (Qt override)
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self._titles[section]
        return None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if role not in _ROLES or not index.isValid():
            return None  # the view asks for many roles per cell; most are answered here, cheaply
        row, column = index.row(), index.column()
        if role == Qt.ItemDataRole.UserRole:
            return int(self._keys[row])
        if role == Qt.ItemDataRole.ToolTipRole:
            key = int(self._keys[row])
            if key > 0:
                return self._alarm_tooltip(key)
            return self.tr("Incident #{incident}: {n} alarms; click ▸ to expand").format(
                incident=-key, n=self._incident_summary(-key)["count"])
        look = self.row_look(row)
        if role == Qt.ItemDataRole.DisplayRole:
            return look.texts[column]
        if role == Qt.ItemDataRole.BackgroundRole:
            return look.level_fill if column == Column.LEVEL else look.fill
        if role == Qt.ItemDataRole.ForegroundRole:
            return look.level_pen if column == Column.LEVEL else look.pen
        if role == Qt.ItemDataRole.FontRole:
            return self._fonts[look.font]
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (Column.LEVEL, Column.INCIDENT):
            return int(Qt.AlignmentFlag.AlignCenter)
        return None

    def row_look(self, row: int) -> RowLook:
        """Texts, brushes and font of a row, made once per row and layout (views paint from it)."""
        key = int(self._keys[row])
        look = self._looks.get(key)
        if look is None:
            language = current_language()
            if language != self._looks_language:  # labels are per language
                self._looks.clear()
                self._looks_language = language
            if key < 0:
                look = self._incident_look(-key)
            else:
                look = self._alarm_look(self._slot_of[key], bool(self._is_child[row]))
            self._looks[key] = look
        return look

    def _alarm_look(self, slot: int, child: bool) -> RowLook:
        c = self._c
        state = AlarmState(int(c["state"][slot]))
        active = bool(c["active"][slot])
        level = int(c["level"][slot]) if active else int(c["peak"][slot])
        sensor = f"{c['sensor_id'][slot]}  {c['name'][slot]}".strip()
        label = alarm_state_label(state)
        if c["chattering"][slot]:
            label += " · " + QCoreApplication.translate("AlarmListModel", "chattering")
        incident = int(c["incident"][slot])
        texts = (
            level_name(level) if active else f"({level_name(level)})",
            self._text("time_text", slot),
            f"    └ {sensor}" if child else sensor,
            category_label(c["category"][slot]),
            c["district"][slot],
            self._text("value_text", slot),
            label,
            c["owner"][slot],
            f"#{incident}" if incident else "",
        )
        muted = self._muted if state in (AlarmState.NORMAL, AlarmState.SHELVED, AlarmState.OUT_OF_SERVICE) else None
        if state == AlarmState.UNACK:
            font = FontKind.BOLD
        elif state in (AlarmState.SHELVED, AlarmState.RTN_UNACK):
            font = FontKind.ITALIC
        else:
            font = FontKind.PLAIN
        return RowLook(
            texts=texts,
            level_fill=self._level_brushes[level] if active else self._returned_brush,
            level_pen=self._level_text[level] if active else muted,
            fill=self._child_brush if child else None,
            pen=muted,
            font=font,
        )

    def _alarm_tooltip(self, alarm_id: int) -> str | None:
        if self.book is None or alarm_id not in self.book.alarms:
            return None
        alarm = self.book.alarms[alarm_id]
        lines = [
            self.tr("Alarm {alarm} · rule {rule}").format(alarm=alarm_id, rule=alarm.rule),
            level_label(alarm.peak_level) + " " + self.tr("(peak)"),
        ]
        if alarm.acked_by:
            lines.append(self.tr("Acknowledged by {operator} at {time}").format(
                operator=alarm.acked_by, time=self._time_text(alarm.acked_ms)))
        if alarm.state == AlarmState.SHELVED and alarm.shelved_until_ms:
            lines.append(self.tr("Shelved by {operator} until {time}: {reason}").format(
                operator=alarm.shelved_by, time=self._time_text(alarm.shelved_until_ms), reason=alarm.shelved_reason))
        if alarm.dispatched_to:
            lines.append(self.tr("Dispatched to {unit} by {operator} at {time}").format(
                unit=alarm.dispatched_to, operator=alarm.dispatched_by, time=self._time_text(alarm.dispatched_ms)))
        if alarm.suggest_shelving:
            lines.append(self.tr("Chattering: consider shelving it"))
        for note in alarm.notes[-3:]:
            lines.append(f"{self._time_text(note.t_ms)} {note.operator}: {note.text}")
        return "\n".join(lines)

    def _incident_summary(self, incident_id: int) -> dict:
        cached = self._header_cache.get(incident_id)
        if cached is not None:
            return cached
        c = self._c
        members = self._groups.get(incident_id, np.empty(0, dtype=np.int64))
        active = c["active"][members]
        levels = np.where(active, c["level"][members], c["peak"][members])
        first = members[np.argmin(c["raised_ms"][members])] if len(members) else -1
        states = c["state"][members]
        summary = {
            "count": len(members),
            "level": int(levels.min()) if len(levels) else 0,
            "active": bool(active.any()),
            "first": int(first),
            "categories": sorted(set(c["category"][members].tolist())),
            "family": str(c["family"][first]) if first >= 0 else "",
            "districts": sorted(set(c["district"][members].tolist()) - {""}),
            "owners": sorted(set(c["owner"][members].tolist()) - {""}),
            "states": sorted(set(states.tolist())),
            "unack": int(np.isin(states, NEEDS_ACK).sum()),
        }
        self._header_cache[incident_id] = summary
        return summary

    def _incident_look(self, incident_id: int) -> RowLook:
        s = self._incident_summary(incident_id)
        c = self._c
        first = s["first"]
        level = s["level"]
        arrow = "▾" if incident_id in self.expanded else "▸"
        level_text = f"{arrow} {level_name(level)}" if s["active"] else f"{arrow} ({level_name(level)})"
        if first < 0:
            texts = (level_text, "", "", "", "", "", "", "", "")
        else:
            head = self.tr("{n} alarms").format(n=s["count"])
            districts = s["districts"]
            owners = s["owners"]
            if len(s["states"]) == 1:
                state = alarm_state_label(AlarmState(s["states"][0]))
            else:
                state = self.tr("{u} of {n} unacknowledged").format(u=s["unack"], n=s["count"])
            texts = (
                level_text,
                self._text("time_text", first),
                f"{head} · {c['sensor_id'][first]}  {c['name'][first]}".strip(),
                category_label(s["categories"][0]) if len(s["categories"]) == 1 else family_label(s["family"]),
                "、".join(districts[:2]) + (f" +{len(districts) - 2}" if len(districts) > 2 else ""),
                "",
                state,
                owners[0] if len(owners) == 1 else self.tr("{n} units").format(n=len(owners)),
                f"#{incident_id}",
            )
        return RowLook(
            texts=texts,
            level_fill=self._level_brushes.get(level) if s["active"] else self._returned_brush,
            level_pen=self._level_text.get(level) if s["active"] else None,
            fill=self._header_brush,
            pen=None,
            font=FontKind.BOLD if s["unack"] else FontKind.PLAIN,
        )


_COPY_ATTRIBUTES = operator.attrgetter(*AlarmListModel._COPIED.values())


class AlarmRowPainter:
    """Paints lines of the alarm list from the model's ready-made row looks, texts laid out once.

    Qt's own table paint asks the model for seven roles per cell and lays each text
    out anew; with the list repainted several times a second in an alarm flood that
    was most of a frame. This reads one ``RowLook`` per line and keeps each text's
    layout (``QStaticText``, elided to its column) until the text changes. It draws
    what Qt draws: alternate line colours, the selection or each cell's background,
    and the text in the line's font and colour, centred in the level and incident
    columns (the same pixels, in a fifth of the time). ``AlarmTableView.paintEvent``
    paints the exposed lines with it in one call: one call into Python per repaint,
    not one per cell (each such call waits for the interpreter lock when a worker
    thread, the journal writer say, holds it).
    """

    TEXT_MARGIN_PX = 3  # each side, as the style leaves (its focus frame margin and one)
    MAX_TEXTS = 4000  # laid-out texts kept (a screenful is ~100; more means the list has moved on)

    def __init__(self):
        self._texts: dict[tuple, tuple[QStaticText, float]] = {}
        self._fonts: dict[FontKind, tuple[QFont, QFontMetricsF]] = {}  # per kind
        self._base_font: QFont | None = None

    def set_font(self, base: QFont) -> None:
        """The view's font: lines are drawn in it, bold or italic (texts are laid out again)."""
        self._base_font = QFont(base)
        self._fonts.clear()
        self._texts.clear()

    def font(self, kind: FontKind, base: QFont) -> tuple[QFont, QFontMetricsF]:
        known = self._fonts.get(kind)
        if known is None:
            if self._base_font is None:
                self._base_font = QFont(base)
            font = QFont(self._base_font)
            font.setBold(kind == FontKind.BOLD)
            font.setItalic(kind == FontKind.ITALIC)
            known = self._fonts[kind] = (font, QFontMetricsF(font))
        return known

    def laid_out(self, text: str, kind: FontKind, metrics: QFontMetricsF, width: int) -> tuple[QStaticText, float]:
        key = (text, kind, width)
        laid = self._texts.get(key)
        if laid is None:
            advance = metrics.horizontalAdvance(text)
            if advance > width:
                text = metrics.elidedText(text, Qt.TextElideMode.ElideRight, width)
                advance = metrics.horizontalAdvance(text)
            static = QStaticText(text)
            static.setTextFormat(Qt.TextFormat.PlainText)  # laid out when first drawn
            if len(self._texts) >= self.MAX_TEXTS:
                self._texts.clear()
            laid = self._texts[key] = (static, advance)
        return laid

    def paint_cells(self, painter: QPainter, look: RowLook, cells, y: int, height: int, selected: bool,
                    palette: QPalette, base_font: QFont) -> None:
        """The cells ``(column, x, width)`` of one line at ``y``; the line's ground is painted already."""
        if selected:
            colour = palette.color(QPalette.ColorRole.HighlightedText)
        else:
            text_colour = palette.color(QPalette.ColorRole.Text)
        kind = look.font
        font, metrics = self.font(kind, base_font)
        painter.setFont(font)
        top = y + (height - metrics.height()) / 2
        margin = self.TEXT_MARGIN_PX
        for column, x, width in cells:
            level_column = column == Column.LEVEL
            if not selected:
                fill = look.level_fill if level_column else look.fill
                if fill is not None:
                    painter.fillRect(x, y, width, height, fill)
                pen = look.level_pen if level_column else look.pen
                colour = pen.color() if pen is not None else text_colour
            text = look.texts[column]
            room = width - 2 * margin
            if not text or room <= 0:
                continue
            static, advance = self.laid_out(text, kind, metrics, room)
            left = x + margin
            if level_column or column == Column.INCIDENT:
                left += (room - advance) / 2
            painter.setPen(colour)
            painter.drawStaticText(QPointF(left, top), static)

    def paint_lines(self, painter: QPainter, view: QTableView, exposed) -> None:
        """Every line of ``view`` that meets the ``exposed`` rectangle of its viewport."""
        model = view.model()
        first = view.rowAt(exposed.top())
        if first < 0:
            return
        last = view.rowAt(exposed.bottom())
        if last < 0:
            last = model.rowCount() - 1
        cells = []
        for column in range(model.columnCount()):
            if view.isColumnHidden(column):
                continue
            x, width = view.columnViewportPosition(column), view.columnWidth(column)
            if x + width > exposed.left() and x <= exposed.right():
                cells.append((column, x, width))
        palette = view.palette()
        alternate = palette.brush(QPalette.ColorRole.AlternateBase)
        highlight = palette.brush(QPalette.ColorRole.Highlight)
        selection = view.selectionModel()
        root = view.rootIndex()
        left, right = exposed.left(), exposed.right() + 1
        font = view.font()
        alternating = view.alternatingRowColors()
        for row in range(first, last + 1):
            if view.isRowHidden(row):
                continue
            y, height = view.rowViewportPosition(row), view.rowHeight(row)
            selected = selection.isRowSelected(row, root)
            if selected:
                painter.fillRect(left, y, right - left, height, highlight)
            elif alternating and row % 2:
                painter.fillRect(left, y, right - left, height, alternate)
            self.paint_cells(painter, model.row_look(row), cells, y, height, selected, palette, font)


class AlarmTableView(QTableView):
    """The list itself: whole-row selection, fixed row height, keys to expand incident lines."""

    toggle_requested = Signal(int)  # a row whose incident line should open or close

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setAlternatingRowColors(True)
        self.setSortingEnabled(True)
        self.setWordWrap(False)
        self.setShowGrid(False)
        self.setCornerButtonEnabled(False)
        self.verticalHeader().setVisible(False)
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.verticalHeader().setDefaultSectionSize(ROW_HEIGHT_PX)
        self.row_painter = AlarmRowPainter()
        header = self.horizontalHeader()
        header.setHighlightSections(False)
        header.setStretchLastSection(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        # Colours through the palette, not a style sheet: a style sheet on the list slows every cell's paint.
        palette = self.palette()
        palette.setColor(QPalette.ColorRole.Base, QColor("#FFFFFF"))
        palette.setColor(QPalette.ColorRole.AlternateBase, QColor("#F5F5F2"))
        palette.setColor(QPalette.ColorRole.Highlight, QColor("#2F5D8A"))
        palette.setColor(QPalette.ColorRole.HighlightedText, QColor("#FFFFFF"))
        self.setPalette(palette)
        header.setStyleSheet(
            "QHeaderView::section { background: #2B3440; color: #F0F0F0; padding: 3px 6px; border: none;"
            " border-right: 1px solid #3E4957; font-weight: bold; }"
        )

    def changeEvent(self, event) -> None:  # noqa: N802 (Qt override)
        if event.type() == QEvent.Type.FontChange:
            self.row_painter.set_font(self.font())
        super().changeEvent(event)

    def paintEvent(self, event) -> None:  # noqa: N802 (Qt override)
        painter = QPainter(self.viewport())
        self.row_painter.paint_lines(painter, self, event.rect())
        painter.end()

    def keyPressEvent(self, event) -> None:  # noqa: N802 (Qt override)
        model = self.model()
        current = self.currentIndex()
        if current.isValid() and model.is_incident_line(current.row()):
            expanded = -model.key(current.row()) in model.expanded
            if event.key() in (Qt.Key.Key_Right, Qt.Key.Key_Plus) and not expanded:
                self.toggle_requested.emit(current.row())
                return
            if event.key() in (Qt.Key.Key_Left, Qt.Key.Key_Minus) and expanded:
                self.toggle_requested.emit(current.row())
                return
        super().keyPressEvent(event)

    def mousePressEvent(self, event) -> None:  # noqa: N802 (Qt override)
        index = self.indexAt(event.position().toPoint())
        if (index.isValid() and index.column() == Column.LEVEL and self.model().is_incident_line(index.row())
                and event.button() == Qt.MouseButton.LeftButton):
            self.toggle_requested.emit(index.row())
        super().mousePressEvent(event)


class LevelChip(QToolButton):
    """A level's count in its colour; unchecked hides that level from the list."""

    def __init__(self, level: int, parent=None):
        super().__init__(parent)
        self.level = level
        self.count = 0
        self.setCheckable(True)
        self.setChecked(True)
        self.setMinimumWidth(64)
        colour, text = LEVEL_COLOURS[level], LEVEL_TEXT_COLOURS[level]
        self.setStyleSheet(
            f"QToolButton {{ background: {colour}; color: {text}; border: 1px solid #202020; border-radius: 3px;"
            f" padding: 2px 8px; font-weight: bold; }}"
            f"QToolButton:!checked {{ background: #D8D8D8; color: #707070; border: 1px dashed #909090; }}"
        )
        self.setToolTip(QCoreApplication.translate("AlarmPane", "Show or hide {level} alarms").format(
            level=level_label(level)))
        self.set_count(0)

    def set_count(self, count: int) -> None:
        self.count = int(count)
        self.setText(f"{level_name(self.level)}  {self.count}")


class _Dialog(QDialog):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.form = QFormLayout()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(420)


class ShelveDialog(_Dialog):
    """Reason and duration of a shelf."""

    def __init__(self, count: int, chattering: bool, parent=None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Shelve {n} alarm(s)").format(n=count))
        self.reason = QComboBox()
        self.reason.setEditable(True)
        self.reason.addItems([self.tr("Chattering sensor"), self.tr("Maintenance work"),
                              self.tr("Known fault, repair ordered"), self.tr("Sensor test")])
        self.reason.setCurrentIndex(0 if chattering else -1)
        self.reason.lineEdit().setPlaceholderText(self.tr("Why the alarm is hidden (required)"))
        self.duration = QComboBox()
        for minutes in SHELVE_DURATIONS_MIN:
            text = self.tr("{n} min").format(n=minutes) if minutes < 60 else self.tr("{n} h").format(n=minutes // 60)
            self.duration.addItem(text, minutes * 60)
        self.duration.setCurrentIndex(SHELVE_DURATIONS_MIN.index(60))
        self.form.addRow(self.tr("Reason:"), self.reason)
        self.form.addRow(self.tr("For:"), self.duration)
        self.reason.currentTextChanged.connect(self._check)
        self._check()

    def _check(self) -> None:
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(bool(self.reason.currentText().strip()))

    def values(self) -> tuple[str, int]:
        return self.reason.currentText().strip(), int(self.duration.currentData())


class NoteDialog(_Dialog):
    def __init__(self, count: int, parent=None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Note on {n} alarm(s)").format(n=count))
        self.text = QPlainTextEdit()
        self.text.setPlaceholderText(self.tr("What you saw or did"))
        self.text.setFixedHeight(90)
        self.form.addRow(self.tr("Note:"), self.text)

    def values(self) -> str:
        return self.text.toPlainText().strip()


class DispatchDialog(_Dialog):
    def __init__(self, count: int, units: list[str], parent=None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Dispatch {n} alarm(s)").format(n=count))
        self.unit = QComboBox()
        self.unit.setEditable(True)
        self.unit.addItems(units)
        self.form.addRow(self.tr("Responsible unit:"), self.unit)

    def values(self) -> str:
        return self.unit.currentText().strip()


class CloseDialog(_Dialog):
    def __init__(self, count: int, parent=None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Close {n} alarm(s)").format(n=count))
        self.classification = QComboBox()
        for key in CLASSIFICATIONS:
            self.classification.addItem(classification_label(key), key)
        self.note = QPlainTextEdit()
        self.note.setPlaceholderText(self.tr("How it ended"))
        self.note.setFixedHeight(70)
        self.form.addRow(self.tr("Classification:"), self.classification)
        self.form.addRow(self.tr("Note:"), self.note)

    def values(self) -> tuple[str, str]:
        return str(self.classification.currentData()), self.note.toPlainText().strip()


class AlarmPane(QWidget):
    """The live warning pane: summary strip, actions and filters, the alarm list.

    Attributes
    ----------
    model : AlarmListModel
    view : AlarmTableView
    operator : str or None
        The operator on duty; actions without one ask for a shift start.
    clock : callable
        "Now" (UTC epoch ms) for operator actions: the feed's clock or the wall clock.
    dialog : QDialog or None
        The open action dialog.

    Keys (window-wide): F4 acknowledges the selection, F8 / Shift+F8 select the
    next / previous line awaiting acknowledgement; in the list, Right and Left
    open and close an incident line, a double click shows the sensors on the map.

    Signals
    -------
    operator_needed(): an action was refused for want of an operator on duty.
    acted(): an operator action changed the book (the map may refresh at once).
    zoom_requested(object): table rows of the sensors to show on the map.
    error(str): an action could not be done.
    """

    operator_needed = Signal()
    acted = Signal()
    zoom_requested = Signal(object)
    error = Signal(str)

    def __init__(self, parent=None, interval_ms: int = LIST_REFRESH_INTERVAL_MS):
        super().__init__(parent)
        self.operator: str | None = None
        self.clock: Callable[[], int] = wall_clock_ms
        self.dialog: QDialog | None = None
        self._apply_dialog = None
        self._rate_counted = -math.inf
        self.rate, self.flood = 0, False
        self.model = AlarmListModel(self)
        self.view = AlarmTableView(self)
        self.view.setModel(self.model)
        self.view.horizontalHeader().setSortIndicator(Column.LEVEL, Qt.SortOrder.AscendingOrder)
        self._size_columns()
        self.view.toggle_requested.connect(self._toggle_row)
        self.view.doubleClicked.connect(self._on_double_clicked)
        self.view.selectionModel().selectionChanged.connect(self._update_actions)
        self.model.summary_changed.connect(self._update_summary)
        self.model.modelReset.connect(self._update_actions)

        self.chips = {level: LevelChip(level) for level in (1, 2, 3, 4)}
        for chip in self.chips.values():
            chip.toggled.connect(self._on_filter_changed)
        self.unack_label = QLabel()
        self.shelved_label = QLabel()
        self.shown_label = QLabel()
        self.rate_label = QLabel()
        self.rate_label.setToolTip(self.tr("Alarms annunciated in the last 10 minutes; more than {n} is an "
                                           "alarm flood (EEMUA 191)").format(n=FLOOD_PER_10_MIN))
        self._build_actions()
        self._build_filters()
        self._build_layout()
        self._asked_at = -math.inf  # when a refresh was last asked for (not by the timer)
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self._on_timer)
        if interval_ms > 0:
            self.timer.start()
        self._update_summary()
        self.update_rate()
        self._update_actions()

    # --- construction -------------------------------------------------------
    def _build_actions(self) -> None:
        def action(text, slot, shortcut=None, tip=None) -> QAction:
            act = QAction(text, self)
            if shortcut:
                act.setShortcut(QKeySequence(shortcut))
                act.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            act.setToolTip(f"{tip or text} ({shortcut})" if shortcut else (tip or text))
            act.triggered.connect(slot)
            self.addAction(act)
            return act

        self.acknowledge_action = action(self.tr("Acknowledge"), self.acknowledge_selected, "F4",
                                         self.tr("Acknowledge the selected alarms"))
        self.shelve_action = action(self.tr("Shelve…"), self.ask_shelve, None, self.tr("Hide the selected alarms for a while"))
        self.unshelve_action = action(self.tr("Unshelve"), self.unshelve_selected)
        self.note_action = action(self.tr("Note…"), self.ask_note, None, self.tr("Add a note to the selected alarms"))
        self.dispatch_action = action(self.tr("Dispatch…"), self.ask_dispatch, None,
                                      self.tr("Send the selected alarms to the responsible unit"))
        self.close_action = action(self.tr("Close…"), self.ask_close, None, self.tr("Close the selected alarms"))
        self.next_action = action(self.tr("Next alarm"), self.next_alarm, "F8",
                                  self.tr("Select the next alarm awaiting acknowledgement"))
        self.previous_action = action(self.tr("Previous alarm"), self.previous_alarm, "Shift+F8",
                                      self.tr("Select the previous alarm awaiting acknowledgement"))
        self.selection_actions = [self.acknowledge_action, self.shelve_action, self.unshelve_action,
                                  self.note_action, self.dispatch_action, self.close_action]

    def _build_filters(self) -> None:
        self.category_filter = QComboBox()
        self.category_filter.addItem(self.tr("All categories"), "")
        for family in FAMILIES:
            self.category_filter.addItem(self.tr("{family} (all)").format(family=family_label(family)),
                                         f"family:{family}")
            for category in CATEGORIES:
                if FAMILY_OF_CATEGORY[category] == family:
                    self.category_filter.addItem("    " + category_label(category), f"category:{category}")
        self.district_filter = QComboBox()
        self.district_filter.addItem(self.tr("All districts"), "")
        self.state_filter = QComboBox()
        for key in STATE_FILTERS:
            self.state_filter.addItem(state_filter_label(key), key)
        self.search = QLineEdit()
        self.search.setPlaceholderText(self.tr("Search id, name, district, unit"))
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(200)
        for combo in (self.category_filter, self.district_filter, self.state_filter):
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
            combo.currentIndexChanged.connect(self._on_filter_changed)
        self.search.textChanged.connect(self._on_filter_changed)

    def _build_layout(self) -> None:
        strip = QHBoxLayout()
        strip.setSpacing(6)
        for chip in self.chips.values():
            strip.addWidget(chip)
        strip.addSpacing(12)
        for label in (self.unack_label, self.shelved_label, self.shown_label):
            strip.addWidget(label)
            strip.addSpacing(10)
        strip.addStretch(1)
        strip.addWidget(self.rate_label)

        toolbar = QToolBar()
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        for act in self.selection_actions:
            toolbar.addAction(act)
        toolbar.addSeparator()
        toolbar.addAction(self.previous_action)
        toolbar.addAction(self.next_action)
        self.toolbar = toolbar
        controls = QHBoxLayout()
        controls.addWidget(toolbar)
        controls.addStretch(1)
        for widget in (self.category_filter, self.district_filter, self.state_filter, self.search):
            controls.addWidget(widget)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.setSpacing(4)
        layout.addLayout(strip)
        layout.addLayout(controls)
        layout.addWidget(self.view, 1)

    def _size_columns(self) -> None:
        widths = {Column.LEVEL: 64, Column.TIME: 120, Column.SENSOR: 330, Column.CATEGORY: 100,
                  Column.DISTRICT: 90, Column.VALUE: 170, Column.STATE: 150, Column.OWNER: 190, Column.INCIDENT: 70}
        for column, width in widths.items():
            self.view.setColumnWidth(column, width)
        # The sensor's name takes the room the pane has; the other columns keep their widths.
        self.view.horizontalHeader().setSectionResizeMode(Column.SENSOR, QHeaderView.ResizeMode.Stretch)
        self.view.horizontalHeader().setMinimumSectionSize(48)

    # --- binding ------------------------------------------------------------
    def bind(self, book: AlarmBook | None, table: SensorTable | None, names=None, sign=None) -> None:
        """Show the open alarms of ``book`` (a replay binds its own, and the live one back)."""
        self.model.bind(book, table, names, sign)
        current = self.district_filter.currentData()
        self.district_filter.blockSignals(True)
        self.district_filter.clear()
        self.district_filter.addItem(self.tr("All districts"), "")
        for district in self.model.districts():
            self.district_filter.addItem(district, district)
        self.district_filter.setCurrentIndex(max(0, self.district_filter.findData(current)))
        self.district_filter.blockSignals(False)
        self._on_filter_changed()
        self.update_rate()

    def refresh(self) -> int:
        """Take in the book's changes; recount the alarm rate once a second."""
        self._asked_at = time.monotonic()
        return self._refresh()

    def _refresh(self) -> int:
        changed = self.model.refresh()
        if self.model.book is not None and time.monotonic() - self._rate_counted >= RATE_RECOUNT_S:
            self.update_rate()
        return changed

    def _on_timer(self) -> None:
        # Whoever feeds the book may refresh the pane itself (a drill does, as its clock moves):
        # then the timer has nothing to add, and a second refresh right after would only cost a frame.
        if time.monotonic() - self._asked_at >= self.timer.interval() / 1000:
            self._refresh()

    # --- filters and summary ----------------------------------------------------
    def _on_filter_changed(self, *_) -> None:
        choice = self.category_filter.currentData() or ""
        family = choice.split(":", 1)[1] if choice.startswith("family:") else ""
        category = choice.split(":", 1)[1] if choice.startswith("category:") else ""
        self.model.set_filter(
            levels={level for level, chip in self.chips.items() if chip.isChecked()},
            family=family,
            category=category,
            district=self.district_filter.currentData() or "",
            state=self.state_filter.currentData() or "attention",
            text=self.search.text(),
        )

    def _update_summary(self) -> None:
        summary = self.model.summary()
        for level, chip in self.chips.items():
            chip.set_count(summary["levels"][level])
        self.unack_label.setText(self.tr("Unacknowledged: {n}").format(n=summary["unack"]))
        weight = "bold" if summary["unack"] else "normal"
        if self.unack_label.property("weight") != weight:  # restyling costs a re-polish: only on change
            self.unack_label.setProperty("weight", weight)
            self.unack_label.setStyleSheet(f"font-weight: {weight};")
        self.shelved_label.setText(self.tr("Shelved: {n}").format(n=summary["shelved"]))
        self.shown_label.setText(self.tr("Listed: {shown} lines of {open} open").format(
            shown=summary["shown"], open=summary["open"]))

    def update_rate(self) -> None:
        """Recount the alarms annunciated in the last ten minutes; flag a flood."""
        self._rate_counted = time.monotonic()
        book = self.model.book
        rate = book.alarm_rate(self.clock()) if book is not None else 0
        self.rate = rate
        flood = rate > FLOOD_PER_10_MIN
        text = self.tr("Alarm rate: {n} / 10 min").format(n=rate)
        if flood:
            text += "  ·  " + self.tr("ALARM FLOOD")
        if flood != self.flood or not self.rate_label.styleSheet():
            self.rate_label.setStyleSheet(FLOOD_STYLE if flood else RATE_STYLE)
        self.flood = flood
        self.rate_label.setText(text)

    # --- selection ----------------------------------------------------------------
    def selected_rows(self) -> list[int]:
        return sorted(index.row() for index in self.view.selectionModel().selectedRows())

    def selected_alarm_ids(self) -> list[int]:
        ids: list[int] = []
        for row in self.selected_rows():
            ids += [i for i in self.model.alarm_ids_of_row(row) if i not in ids]
        return ids

    def select_row(self, row: int) -> None:
        index = self.model.index(row, 0)
        flags = QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
        self.view.selectionModel().setCurrentIndex(index, flags)
        self.view.scrollTo(index)

    def select_alarm(self, alarm_id: int) -> bool:
        """Select an alarm's row (or its incident line); False when it is not listed."""
        row = self.model.row_of_key(alarm_id)
        if row is None and self.model.book is not None and alarm_id in self.model.book.alarms:
            row = self.model.row_of_key(-self.model.book.alarms[alarm_id].incident_id)
        if row is None:
            return False
        self.select_row(row)
        return True

    def _update_actions(self, *_) -> None:
        has_selection = bool(self.view.selectionModel().selectedRows())
        for act in self.selection_actions:
            act.setEnabled(has_selection)

    def _toggle_row(self, row: int) -> None:
        incident_id = -self.model.key(row)
        self.model.set_expanded(incident_id, incident_id not in self.model.expanded)

    def _on_double_clicked(self, index) -> None:
        rows = self.model.sensor_rows_of_row(index.row())
        if len(rows):
            self.zoom_requested.emit(rows)

    def next_alarm(self) -> None:
        self._step(1)

    def previous_alarm(self) -> None:
        self._step(-1)

    def _step(self, direction: int) -> None:
        count = self.model.rowCount()
        if count == 0:
            return
        candidates = self.model.needs_ack_rows()
        if len(candidates) == 0:
            candidates = np.arange(count)
        current = self.view.currentIndex().row() if self.view.currentIndex().isValid() else -1
        if direction > 0:
            after = candidates[candidates > current]
            row = int(after[0]) if len(after) else int(candidates[0])
        else:
            before = candidates[candidates < current] if current >= 0 else candidates
            row = int(before[-1]) if len(before) else int(candidates[-1])
        self.select_row(row)

    # --- operator actions -------------------------------------------------------
    def _ready(self) -> list[int] | None:
        """Selected alarm ids when an operator is on duty and something is selected."""
        if self.model.book is None:
            return None
        if not self.operator:
            self.operator_needed.emit()
            return None
        ids = self.selected_alarm_ids()
        return ids or None

    def _done(self, changed: bool = True) -> None:
        self.refresh()
        if changed:
            self.acted.emit()

    def acknowledge_selected(self) -> list[int]:
        ids = self._ready()
        if not ids:
            return []
        done = self.model.book.acknowledge(ids, self.operator, self.clock())
        self._done(bool(done))
        return done

    def shelve_selected(self, reason: str, duration_s: float) -> list[int]:
        ids = self._ready()
        if not ids:
            return []
        now = self.clock()
        try:
            done = self.model.book.shelve(ids, reason, now + round(duration_s * 1000), self.operator, now)
        except ValueError as exc:
            self.error.emit(str(exc))
            return []
        self._done(bool(done))
        return done

    def unshelve_selected(self) -> list[int]:
        ids = self._ready()
        if not ids:
            return []
        done = self.model.book.unshelve(ids, self.operator, self.clock())
        self._done(bool(done))
        return done

    def note_selected(self, text: str) -> list[int]:
        ids = self._ready()
        if not ids:
            return []
        try:
            for alarm_id in ids:
                self.model.book.note(alarm_id, text, self.operator, self.clock())
        except ValueError as exc:
            self.error.emit(str(exc))
            return []
        self._done()
        return ids

    def dispatch_selected(self, unit: str) -> list[int]:
        ids = self._ready()
        if not ids:
            return []
        try:
            for alarm_id in ids:
                self.model.book.dispatch(alarm_id, unit, self.operator, self.clock())
        except ValueError as exc:
            self.error.emit(str(exc))
            return []
        self._done()
        return ids

    def close_selected(self, classification: str, note: str) -> list[int]:
        ids = self._ready()
        if not ids:
            return []
        try:
            for alarm_id in ids:
                self.model.book.close(alarm_id, classification, note, self.operator, self.clock())
        except ValueError as exc:
            self.error.emit(str(exc))
            return []
        self._done()
        return ids

    # --- dialogs ------------------------------------------------------------------
    def _open_dialog(self, dialog: QDialog, apply) -> QDialog | None:
        if self.dialog is not None:
            self.dialog.reject()
        # Bound methods, not lambdas holding the dialog: a dialog must not keep itself alive.
        self.dialog, self._apply_dialog = dialog, apply
        dialog.finished.connect(self._on_dialog_finished)
        dialog.open()  # window-modal but not blocking: the map and the list keep updating
        return dialog

    def _on_dialog_finished(self, result: int) -> None:
        dialog, apply = self.dialog, self._apply_dialog
        self.dialog = self._apply_dialog = None
        if dialog is None:
            return
        if result == QDialog.DialogCode.Accepted:
            apply(dialog)
        dialog.deleteLater()

    def _selection_for_dialog(self) -> list[int] | None:
        if not self.operator and self.model.book is not None:
            self.operator_needed.emit()
            return None
        ids = self.selected_alarm_ids()
        return ids or None

    def ask_shelve(self) -> QDialog | None:
        ids = self._selection_for_dialog()
        if not ids:
            return None
        chattering = any(self.model.book.alarms[i].chattering for i in ids)
        return self._open_dialog(ShelveDialog(len(ids), chattering, self),
                                 lambda d: self.shelve_selected(*d.values()))

    def ask_note(self) -> QDialog | None:
        ids = self._selection_for_dialog()
        if not ids:
            return None
        return self._open_dialog(NoteDialog(len(ids), self), lambda d: self.note_selected(d.values()))

    def ask_dispatch(self) -> QDialog | None:
        ids = self._selection_for_dialog()
        if not ids:
            return None
        book = self.model.book
        units = list(dict.fromkeys(book.alarms[i].owner for i in ids if book.alarms[i].owner))
        return self._open_dialog(DispatchDialog(len(ids), units, self), lambda d: self.dispatch_selected(d.values()))

    def ask_close(self) -> QDialog | None:
        ids = self._selection_for_dialog()
        if not ids:
            return None
        return self._open_dialog(CloseDialog(len(ids), self), lambda d: self.close_selected(*d.values()))
