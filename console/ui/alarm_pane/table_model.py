"""The Qt table model of the warning list: the rows of an ``AlarmList``, reconciled with the view's.

The model pulls ``book.changes_since(version)`` through its ``AlarmList`` when
asked (the pane asks four times a second). The rows to show are then reconciled
with the rows the view has (removals, insertions, one layout change, one
``dataChanged``), so thousands of open alarms are never reset wholesale. What a
row looks like is made once per row and layout (``RowLook``); views paint from it.
"""

from __future__ import annotations

from datetime import datetime
from enum import IntEnum
from typing import NamedTuple
from zoneinfo import ZoneInfo

import numpy as np
from PySide6.QtCore import QAbstractTableModel, QCoreApplication, QModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont

from console.alarm_list import AlarmList, Column
from console.model.alarms import AlarmBook, AlarmState, next_deadline
from console.model.levels import DISPLAY_ZONE
from console.model.sensors import SensorTable, level_name
from console.ui import theme
from console.ui.alarm_pane.chips import FAULT_COLOUR, FAULT_TEXT
from console.ui.alarm_pane.countdown import OVERDUE_FILL, OVERDUE_TEXT, countdown_text, dispatch_lines
from console.ui.alarm_pane.incident_line import incident_head, incident_tooltip
from console.ui.alarm_pane.labels import (
    LEVEL_TEXT_COLOURS,
    category_label,
    column_titles,
    family_label,
    fault_label,
)
from console.ui.i18n import current_language
from console.ui.live import alarm_state_label, format_value, level_label
from console.ui.map.sensor_style import LEVEL_COLOURS

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
    # The unit column of a dispatch past a deadline: (background, text colour); None otherwise.
    overdue: tuple[QBrush, QBrush] | None = None


class AlarmListModel(QAbstractTableModel):
    """Open alarms of an AlarmBook as a flat list with incident lines.

    A row's key is an alarm id (> 0) or minus an incident id (an incident line).

    Attributes
    ----------
    alarm_list : AlarmList
        The Qt-free list: columns, filter, sort order, expanded lines.

    Signals
    -------
    summary_changed(): counts per level or state may have changed.
    """

    summary_changed = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.alarm_list = AlarmList(category_label)
        self.zone = ZoneInfo(DISPLAY_ZONE)
        self.sort_order = Qt.SortOrder.AscendingOrder
        self._keys = np.empty(0, dtype=np.int64)
        self._is_child = np.empty(0, dtype=bool)
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
        self._looks_theme = ""
        self._theme_brushes(theme.current())
        self._fault_brush = QBrush(QColor(FAULT_COLOUR))
        self._fault_text = QBrush(QColor(FAULT_TEXT))
        # Optional ``context_lines(alarm) -> list of str`` added to an alarm's tooltip (live sources set it).
        self.context_lines = None
        # "Now" for the countdowns of dispatched alarms (the pane sets its clock: feed or wall clock).
        self.clock = None
        self._countdown_keys: set[int] = set()  # rows whose unit column shows a countdown
        self._overdue_look = (QBrush(QColor(OVERDUE_FILL)), QBrush(QColor(OVERDUE_TEXT)))

    @property
    def book(self) -> AlarmBook | None:
        return self.alarm_list.book

    @property
    def table(self) -> SensorTable | None:
        return self.alarm_list.table

    @property
    def filter(self):
        return self.alarm_list.filter

    @property
    def sort_column(self) -> Column:
        return self.alarm_list.sort_column

    @property
    def expanded(self) -> set[int]:
        return self.alarm_list.expanded

    # --- binding and pulling ----------------------------------------------------
    def bind(self, book: AlarmBook | None, table: SensorTable | None, names=None, sign=None) -> None:
        """Show the open alarms of ``book`` (``table`` is its sensor table)."""
        self.beginResetModel()
        self.alarm_list.bind(book, table, names, sign)
        self._keys = np.empty(0, dtype=np.int64)
        self._is_child = np.empty(0, dtype=bool)
        self._looks.clear()
        self.endResetModel()
        self.refresh()

    def refresh(self) -> int:
        """Take in what changed in the book since the last call; returns how many alarms changed."""
        count, changed_keys = self.alarm_list.pull()
        if changed_keys is None:
            return 0
        self._relayout(changed_keys)
        self.summary_changed.emit()
        return count

    # --- display texts ------------------------------------------------------------
    def _time_of_slot(self, slot: int) -> str:
        return self._time_text(int(self.alarm_list.store.arrays["raised_ms"][slot]))

    def _value_of_slot(self, slot: int) -> str:
        c = self.alarm_list.store.arrays
        if c["fault"][slot]:
            return f"{format_value(float(c['value'][slot]))} {c['unit'][slot]}".strip() + " · " + \
                fault_label(c["trigger"][slot])
        return self._value_text(float(c["value"][slot]), float(c["threshold"][slot]), bool(c["rate"][slot]),
                                float(c["sign"][slot]), c["unit"][slot])

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

    # --- reconciling rows ------------------------------------------------------------
    def _relayout(self, changed_keys: np.ndarray | None = None) -> None:
        """Bring the rows the view has in line with the rows to show, without a reset."""
        keys, is_child, _groups = self.alarm_list.layout()
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

    # --- settings ----------------------------------------------------------------------
    def set_filter(self, **settings) -> None:
        """Change the filter (``levels``, ``family``, ``category``, ``district``, ``state``, ``text``)."""
        self.alarm_list.set_filter(**settings)
        self._relayout()
        self.summary_changed.emit()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:  # Qt override
        self.alarm_list.set_sort(column, order == Qt.SortOrder.DescendingOrder)
        self.sort_order = order
        self._relayout()

    def set_expanded(self, incident_id: int, expanded: bool) -> None:
        self.alarm_list.set_expanded(incident_id, expanded)
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
        return self.alarm_list.alarm_ids_of_key(self.key(row))

    def sensor_rows_of_row(self, row: int) -> np.ndarray:
        return self.alarm_list.sensor_rows_of_key(self.key(row))

    def needs_ack_rows(self) -> np.ndarray:
        """Rows whose alarm (or one of whose incident members) awaits acknowledgement."""
        return np.flatnonzero(self.alarm_list.needs_ack(self._keys))

    def summary(self) -> dict:
        """Open alarms per level (active, not shelved or out of service), unacknowledged, shelved, lines."""
        summary = self.alarm_list.summary()
        summary["shown"] = len(self._keys)
        return summary

    def districts(self) -> list[str]:
        return self.alarm_list.districts()

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
            summary = self.alarm_list.incident_summary(-key)
            return self.tr("Incident #{incident}: {n} alarms; click ▸ to expand").format(
                incident=-key, n=summary["count"]) + "\n" + incident_tooltip(summary)
        look = self.row_look(row)
        if role == Qt.ItemDataRole.DisplayRole:
            return look.texts[column]
        if column == Column.OWNER and look.overdue is not None and role in (
                Qt.ItemDataRole.BackgroundRole, Qt.ItemDataRole.ForegroundRole):
            return look.overdue[0 if role == Qt.ItemDataRole.BackgroundRole else 1]
        if role == Qt.ItemDataRole.BackgroundRole:
            return look.level_fill if column == Column.LEVEL else look.fill
        if role == Qt.ItemDataRole.ForegroundRole:
            return look.level_pen if column == Column.LEVEL else look.pen
        if role == Qt.ItemDataRole.FontRole:
            return self._fonts[look.font]
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (Column.LEVEL, Column.INCIDENT):
            return int(Qt.AlignmentFlag.AlignCenter)
        return None

    # --- looks ---------------------------------------------------------------------
    def row_look(self, row: int) -> RowLook:
        """Texts, brushes and font of a row, made once per row and layout (views paint from it)."""
        key = int(self._keys[row])
        colours = theme.current()
        if colours.name != self._looks_theme:  # a theme switch repaints every row in its greys
            self._looks.clear()
            self._looks_theme = colours.name
            self._theme_brushes(colours)
        look = self._looks.get(key)
        if look is None:
            language = current_language()
            if language != self._looks_language:  # labels are per language
                self._looks.clear()
                self._looks_language = language
            if key < 0:
                look = self._incident_look(-key)
            else:
                look = self._alarm_look(self.alarm_list.store.slot_of[key], bool(self._is_child[row]))
                look = self._with_countdown(key, look)
            self._looks[key] = look
        return look

    def _theme_brushes(self, colours) -> None:
        """The row colours that are not a level's: greys of the light or the dark theme."""
        self._returned_brush = QBrush(QColor(colours.returned_fill))
        self._muted = QBrush(QColor(colours.muted_text))
        self._header_brush = QBrush(QColor(colours.incident_fill))
        self._child_brush = QBrush(QColor(colours.child_fill))

    def _alarm_look(self, slot: int, child: bool) -> RowLook:
        store = self.alarm_list.store
        c = store.arrays
        state = AlarmState(int(c["state"][slot]))
        active = bool(c["active"][slot])
        level = int(c["level"][slot]) if active else int(c["peak"][slot])
        sensor = f"{c['sensor_id'][slot]}  {c['name'][slot]}".strip()
        label = alarm_state_label(state)
        if c["chattering"][slot]:
            label += " · " + QCoreApplication.translate("AlarmListModel", "chattering")
        incident = int(c["incident"][slot])
        fault = bool(c["fault"][slot])
        if fault:
            level_text = QCoreApplication.translate("AlarmListModel", "Fault")
            level_text = level_text if active else f"({level_text})"
        else:
            level_text = level_name(level) if active else f"({level_name(level)})"
        texts = (
            level_text,
            store.text("time_text", slot, self._time_of_slot),
            f"    └ {sensor}" if child else sensor,
            category_label(c["category"][slot]),
            c["district"][slot],
            store.text("value_text", slot, self._value_of_slot),
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
        if fault:
            level_fill, level_pen = (self._fault_brush, self._fault_text) if active else (self._returned_brush, muted)
        else:
            level_fill = self._level_brushes[level] if active else self._returned_brush
            level_pen = self._level_text[level] if active else muted
        return RowLook(
            texts=texts,
            level_fill=level_fill,
            level_pen=level_pen,
            fill=self._child_brush if child else None,
            pen=muted,
            font=font,
        )

    # --- the countdown of a dispatch -------------------------------------------------
    def _with_countdown(self, key: int, look: RowLook) -> RowLook:
        """The unit column of a dispatched alarm: unit, next step and time left, or OVERDUE and how long."""
        alarm = self.book.alarms.get(key) if self.book is not None else None
        deadline = next_deadline(alarm) if alarm is not None and self.clock is not None else None
        if deadline is None:
            self._countdown_keys.discard(key)
            return look
        self._countdown_keys.add(key)
        now = int(self.clock())
        texts = list(look.texts)
        # The countdown first: an elided cell keeps it, and loses the unit's name (in the tooltip).
        texts[Column.OWNER] = countdown_text(deadline, now) + f" → {alarm.dispatched_to}"
        return look._replace(texts=tuple(texts), overdue=self._overdue_look if deadline.due_ms <= now else None)

    def tick_countdowns(self) -> int:
        """Let the countdowns move on (the pane calls it once a second); returns the rows repainted."""
        if not self._countdown_keys or not len(self._keys):
            return 0
        keys = np.fromiter(self._countdown_keys, dtype=np.int64, count=len(self._countdown_keys))
        rows = np.flatnonzero(np.isin(self._keys, keys))
        self._countdown_keys = set(self._keys[rows].tolist())  # closed or filtered out: nothing to count down
        for key in self._countdown_keys:
            self._looks.pop(key, None)
        if len(rows):
            self.dataChanged.emit(self.index(int(rows[0]), Column.OWNER), self.index(int(rows[-1]), Column.OWNER))
        return len(rows)

    def _alarm_tooltip(self, alarm_id: int) -> str | None:
        book = self.book
        if book is None or alarm_id not in book.alarms:
            return None
        alarm = book.alarms[alarm_id]
        if alarm.is_fault:
            lines = [self.tr("Sensor fault {alarm} · rule {rule}: the sensor is {fault}").format(
                alarm=alarm_id, rule=alarm.rule, fault=fault_label(alarm.trigger)),
                self.tr("For the maintenance unit {unit}; not a process alarm").format(unit=alarm.owner)]
        else:
            lines = [
                self.tr("Alarm {alarm} · rule {rule}").format(alarm=alarm_id, rule=alarm.rule),
                level_label(alarm.peak_level) + " " + self.tr("(peak)"),
            ]
        if alarm.reason:
            # The rule's own settings and what they found: file keys, the same in every language.
            lines.append(self.tr("Rule check: {reason}").format(reason=alarm.reason))
        if alarm.acked_by:
            lines.append(self.tr("Acknowledged by {operator} at {time}").format(
                operator=alarm.acked_by, time=self._time_text(alarm.acked_ms)))
        if alarm.state == AlarmState.SHELVED and alarm.shelved_until_ms:
            lines.append(self.tr("Shelved by {operator} until {time}: {reason}").format(
                operator=alarm.shelved_by, time=self._time_text(alarm.shelved_until_ms), reason=alarm.shelved_reason))
        if alarm.dispatched_to:
            lines.append(self.tr("Dispatched to {unit} by {operator} at {time}").format(
                unit=alarm.dispatched_to, operator=alarm.dispatched_by, time=self._time_text(alarm.dispatched_ms)))
            lines += dispatch_lines(alarm, self._time_text)
        if alarm.suggest_shelving:
            lines.append(self.tr("Chattering: consider shelving it"))
        for note in alarm.notes[-3:]:
            lines.append(f"{self._time_text(note.t_ms)} {note.operator}: {note.text}")
        if self.context_lines is not None:  # e.g. the CAP warnings whose area holds the sensor
            lines += self.context_lines(alarm)
        return "\n".join(lines)

    def _incident_look(self, incident_id: int) -> RowLook:
        s = self.alarm_list.incident_summary(incident_id)
        store = self.alarm_list.store
        c = store.arrays
        first = s["first"]
        level = s["level"]
        arrow = "▾" if incident_id in self.expanded else "▸"
        level_text = f"{arrow} {level_name(level)}" if s["active"] else f"{arrow} ({level_name(level)})"
        if first < 0:
            texts = (level_text, "", "", "", "", "", "", "", "")
        else:
            head = incident_head(s)
            districts = s["districts"]
            owners = s["owners"]
            if len(s["states"]) == 1:
                state = alarm_state_label(AlarmState(s["states"][0]))
            else:
                state = self.tr("{u} of {n} unacknowledged").format(u=s["unack"], n=s["count"])
            texts = (
                level_text,
                store.text("time_text", first, self._time_of_slot),
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
