"""The live warning pane: every open alarm, grouped by incident, with the operator's actions.

A summary strip (level chips, counts, alarm rate and flood flag), the actions
and filters, and the list. The list's model pulls the book's changes four times
a second; operator actions go to the book with the operator on duty and refresh
the list at once.

Alarms of one incident that pass the filter are shown as one line with a ▸ in
the level column; clicking it (or the Right key) expands the members beneath.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable

import numpy as np
from PySide6.QtCore import QItemSelectionModel, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from console.alarm_list import STATE_FILTERS, Column
from console.model.alarms import AlarmBook
from console.model.sensors import CATEGORIES, FAMILIES, FAMILY_OF_CATEGORY, SensorTable, level_name
from console.ui.alarm_pane.chips import FaultChip, LevelChip
from console.ui.alarm_pane.countdown import step_label
from console.ui.alarm_pane.dialogs import CloseDialog, DispatchDialog, NoteDialog, ShelveDialog
from console.ui.alarm_pane.dispatch_controls import DispatchControls
from console.ui.alarm_pane.labels import category_label, family_label, state_filter_label
from console.ui.alarm_pane.table_model import AlarmListModel
from console.ui.alarm_pane.view import AlarmTableView
from console.ui.live import wall_clock_ms

FLOOD_PER_10_MIN = 10  # EEMUA 191: more than 10 alarms in 10 minutes is a flood
# The list takes in the book's changes four times a second: text that changes faster cannot be read
# (the map blinks and restyles at 10 Hz), and each refresh repaints the visible rows.
# Operator actions refresh at once.
LIST_REFRESH_INTERVAL_MS = 250
# A ten-minute figure: once a second is plenty. (AlarmBook.alarm_rate walks every annunciation of
# the last hour, which in an alarm flood is long.)
RATE_RECOUNT_S = 1.0
RATE_STYLE = "background: #E6E9ED; color: #303030; padding: 2px 8px; border-radius: 3px;"
FLOOD_STYLE = "background: #D7263D; color: white; font-weight: bold; padding: 2px 8px; border-radius: 3px;"


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
        self.model.clock = lambda: self.clock()  # whichever clock the pane is given later
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
        self.fault_chip = FaultChip()
        self.fault_chip.toggled.connect(self._on_filter_changed)
        self.unack_label = QLabel()
        self.shelved_label = QLabel()
        self.shown_label = QLabel()
        self.rate_label = QLabel()
        self.rate_label.setToolTip(self.tr("Alarms annunciated in the last 10 minutes; more than {n} is an "
                                           "alarm flood (EEMUA 191)").format(n=FLOOD_PER_10_MIN))
        self._build_actions()
        # The dispatch loop: the unit's steps, countdowns, the overdue notice (ticks with the list's timer on).
        self.dispatching = DispatchControls(self, 1000 if interval_ms > 0 else 0)
        after = self.selection_actions.index(self.dispatch_action) + 1
        self.selection_actions[after:after] = self.dispatching.actions
        self._build_filters()
        self._build_layout()
        self._asked_at = -math.inf  # when a refresh was last asked for (not by the timer)
        self._was_refused = False  # the book refused actions at the last refresh
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

        self.acknowledge_action = action(self.tr("Acknowledge"), self.ask_acknowledge, "F4",
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
        strip.addWidget(self.fault_chip)
        strip.addSpacing(10)
        strip.addWidget(self.rate_label)

        toolbar = QToolBar()
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        for act in self.selection_actions:
            if act in self.dispatching.actions:
                continue  # in the menu of the unit report button, after Dispatch
            toolbar.addAction(act)
            if act is self.dispatch_action:
                toolbar.addWidget(self.dispatching.menu_button)
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
        layout.addWidget(self.dispatching.notice)
        layout.addLayout(controls)
        layout.addWidget(self.view, 1)

    def _size_columns(self) -> None:
        widths = {Column.LEVEL: 64, Column.TIME: 120, Column.SENSOR: 330, Column.CATEGORY: 100,
                  Column.DISTRICT: 90, Column.VALUE: 170, Column.STATE: 150, Column.OWNER: 300, Column.INCIDENT: 70}
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
        if self._refused() != self._was_refused:  # a drill's provisional state began or ended
            self._was_refused = not self._was_refused
            self._update_actions()
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
        faults = self.fault_chip.isChecked()
        for chip in self.chips.values():
            chip.setEnabled(not faults)  # sensor faults have no level
        self.model.set_filter(
            kind="fault" if faults else "level",
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
        self.fault_chip.set_count(summary["faults"], summary["faults_unack"])
        self.unack_label.setText(self.tr("Unacknowledged: {n}").format(n=summary["unack"]))
        weight = "bold" if summary["unack"] else "normal"
        if self.unack_label.property("weight") != weight:  # restyling costs a re-polish: only on change
            self.unack_label.setProperty("weight", weight)
            self.unack_label.setStyleSheet(f"font-weight: {weight};")
        self.shelved_label.setText(self.tr("Shelved: {n}").format(n=summary["shelved"]))
        self.shown_label.setText(self.tr("Listed: {shown} lines of {open} open").format(
            shown=summary["shown"], open=summary["open"]))

    def update_rate(self) -> None:
        """Recount the alarms annunciated in the last ten minutes; flag a flood (sensor faults never count)."""
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
        enabled = bool(self.view.selectionModel().selectedRows()) and not self._refused()
        for act in self.selection_actions:
            act.setEnabled(enabled)

    def _refused(self) -> bool:
        """The book takes no actions now (a drill's provisional state after a far seek)."""
        return self.model.book is not None and bool(getattr(self.model.book, "actions_refused", None))

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
        if self._refused():
            self.error.emit(self.tr("The drill's view is provisional after a far seek: alarm actions wait until "
                                    "the index reaches this moment."))
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
            self.model.book.note(ids, text, self.operator, self.clock())
        except ValueError as exc:
            self.error.emit(str(exc))
            return []
        self._done()
        return ids

    def dispatch_selected(self, unit: str, note: str = "") -> list[int]:
        ids = self._ready()
        if not ids:
            return []
        try:
            self.model.book.dispatch(ids, unit, self.operator, self.clock(), note=note)
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
            self.model.book.close(ids, classification, note, self.operator, self.clock())
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

    def ask_acknowledge(self):
        """Acknowledge the selection: several alarms (an incident line) on one confirmation (``bulk``)."""
        from console.ui.alarm_pane.bulk import ask_acknowledge

        return ask_acknowledge(self)

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
        # The deadlines of the most severe level selected (a fault item's are those of level IV).
        level = min((book.alarms[i].peak_level or 4 for i in ids), default=4)
        now = self.clock()
        due = book.deadline_table().due_ms(level, now)
        minutes = book.deadline_table().minutes[level]
        rows = [(step_label(step), minutes[step], self.model._time_text(due[step])) for step in due]
        dialog = DispatchDialog(len(ids), units, rows, level_name(level), self)
        return self._open_dialog(dialog, lambda d: self.dispatch_selected(*d.values()))

    def ask_close(self) -> QDialog | None:
        ids = self._selection_for_dialog()
        if not ids:
            return None
        return self._open_dialog(CloseDialog(len(ids), self), lambda d: self.close_selected(*d.values()))
