"""The closed-alarm history dialog: search closed alarms by time, sensor, district, classification, operator.

A closed alarm leaves the warning pane; the journal keeps it. The dialog asks
the journal (``console.model.journal.history``) through its own read-only
connection, opened per search, so the writer is never held up. Not modal: the
operator keeps the map and the pane while looking something up.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from PySide6.QtCore import QDateTime, Qt, QTimeZone, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from console.errors import InputError
from console.model.alarms import CLASSIFICATIONS
from console.model.journal.history import HISTORY_LIMIT, HistoryQuery, closed_alarms
from console.model.journal.schema import connect_reader
from console.model.levels import DISPLAY_ZONE, level_name
from console.ui.alarm_pane.labels import category_label, classification_label

DEFAULT_SPAN_H = 24  # the dialog opens on the last day


def journal_path_of(window) -> Path | None:
    """The journal the window's live alarms go to (the engine's with live sources), written out first."""
    link = getattr(window, "engine_link", None)
    if link is not None and link.journal_path is not None:
        return Path(link.journal_path)
    journal = window.session.journal
    if journal is None:
        return None
    journal.flush(timeout=5.0)  # the search reads what the writer thread has committed
    return Path(journal.path)


class AlarmHistoryDialog(QDialog):
    """Closed alarms from a journal, searched.

    Parameters
    ----------
    journal_path : callable
        Returns the journal file to search (None: no journal); asked at every search.
    districts : list of str
        Offered in the district box (any name can be typed).
    now_ms : callable
        The console's clock: the default time span ends there.

    Signals
    -------
    sensor_activated(str): a result row was double-clicked; its sensor id (the window shows its history).
    """

    sensor_activated = Signal(str)

    COLUMNS = ("Closed", "Sensor", "Category", "District", "Peak", "Raised", "Classification", "Closed by", "Note")

    def __init__(self, journal_path, districts, now_ms, zone: str = DISPLAY_ZONE, parent=None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Closed alarm history"))
        self.journal_path = journal_path
        self.zone = ZoneInfo(zone)
        self.results = []
        self.start = QDateTimeEdit()
        self.end = QDateTimeEdit()
        qzone = QTimeZone(zone.encode())
        for edit in (self.start, self.end):
            edit.setCalendarPopup(True)
            edit.setTimeZone(qzone)
            edit.setDisplayFormat("yyyy-MM-dd HH:mm")
        now = int(now_ms())
        self.end.setDateTime(QDateTime.fromMSecsSinceEpoch(now + 60_000, qzone))
        self.start.setDateTime(QDateTime.fromMSecsSinceEpoch(now - DEFAULT_SPAN_H * 3_600_000, qzone))
        self.sensor = QLineEdit()
        self.sensor.setPlaceholderText(self.tr("Part of a sensor id"))
        self.district = QComboBox()
        self.district.setEditable(True)
        self.district.addItem(self.tr("All districts"), "")
        for district in districts:
            self.district.addItem(district, district)
        self.classification = QComboBox()
        self.classification.addItem(self.tr("All classifications"), "")
        for key in CLASSIFICATIONS:
            self.classification.addItem(classification_label(key), key)
        self.operator = QLineEdit()
        self.operator.setPlaceholderText(self.tr("Who acknowledged, dispatched or closed it"))
        form = QFormLayout()
        span = QHBoxLayout()
        span.addWidget(self.start)
        span.addWidget(QLabel("–"))
        span.addWidget(self.end)
        form.addRow(self.tr("Closed between:"), span)
        form.addRow(self.tr("Sensor:"), self.sensor)
        form.addRow(self.tr("District:"), self.district)
        form.addRow(self.tr("Classification:"), self.classification)
        form.addRow(self.tr("Operator:"), self.operator)
        self.search_button = QPushButton(self.tr("Search"))
        self.search_button.setDefault(True)
        self.search_button.clicked.connect(self.search)
        self.sensor.returnPressed.connect(self.search)
        self.operator.returnPressed.connect(self.search)
        self.status = QLabel()
        self.table = QTableWidget(0, len(self.COLUMNS))
        self.table.setHorizontalHeaderLabels([self._title(c) for c in self.COLUMNS])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.cellDoubleClicked.connect(self._on_double_clicked)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        top = QHBoxLayout()
        top.addLayout(form, 1)
        top.addWidget(self.search_button, 0, Qt.AlignmentFlag.AlignBottom)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.status)
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)
        self.resize(1100, 620)

    def _title(self, column: str) -> str:
        titles = {
            "Closed": self.tr("Closed"), "Sensor": self.tr("Sensor"), "Category": self.tr("Category"),
            "District": self.tr("District"), "Peak": self.tr("Peak"), "Raised": self.tr("Raised"),
            "Classification": self.tr("Classification"), "Closed by": self.tr("Closed by"), "Note": self.tr("Note"),
        }
        return titles[column]

    def query(self) -> HistoryQuery:
        """The search the fields describe (the district box's text, whether picked or typed)."""
        district = self.district.currentText().strip()
        if self.district.currentIndex() == 0 and district == self.district.itemText(0):
            district = ""
        return HistoryQuery(
            start_ms=self.start.dateTime().toMSecsSinceEpoch(),
            end_ms=self.end.dateTime().toMSecsSinceEpoch(),
            sensor=self.sensor.text(),
            district=district,
            classification=self.classification.currentData() or "",
            operator=self.operator.text(),
        )

    def search(self) -> int:
        """Run the search and show what it found; returns how many rows (-1 when it could not run)."""
        path = self.journal_path()
        if path is None:
            return self._fail(self.tr("The console runs without a journal: there is no history to search."))
        try:
            query = self.query()
        except ValueError:
            return self._fail(self.tr("The search must end after it starts."))
        try:
            db = connect_reader(Path(path))
        except InputError as exc:
            return self._fail(str(exc))
        try:
            self.results = closed_alarms(db, query)
        finally:
            db.close()
        self._show()
        return len(self.results)

    def _on_double_clicked(self, row: int, _column: int) -> None:
        if 0 <= row < len(self.results):
            self.sensor_activated.emit(self.results[row].sensor_id)

    def _fail(self, message: str) -> int:
        self.results = []
        self.table.setRowCount(0)
        self.status.setText(message)
        self.status.setStyleSheet("color: #B3261E;")
        return -1

    def _time(self, t_ms: int) -> str:
        return datetime.fromtimestamp(t_ms / 1000, self.zone).strftime("%Y-%m-%d %H:%M:%S")

    def _show(self) -> None:
        rows = self.results
        self.status.setStyleSheet("")
        if len(rows) >= HISTORY_LIMIT:
            self.status.setText(self.tr("The newest {n} closed alarms; narrow the search to see older ones").format(
                n=len(rows)))
        else:
            self.status.setText(self.tr("{n} closed alarms").format(n=len(rows)))
        self.table.setRowCount(len(rows))
        for row, alarm in enumerate(rows):
            texts = (self._time(alarm.closed_ms), alarm.sensor_id, category_label(alarm.category), alarm.district,
                     level_name(alarm.peak_level) if alarm.peak_level else "", self._time(alarm.raised_ms),
                     classification_label(alarm.classification) if alarm.classification in CLASSIFICATIONS
                     else (alarm.classification or ""), alarm.closed_by or "", alarm.close_note)
            for column, text in enumerate(texts):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, alarm.alarm_id)
                self.table.setItem(row, column, item)
