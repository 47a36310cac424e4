"""The CAP Warnings pane: the warnings in force from the meteorological service and others, in level colour.

One row per warning (level, event, area, sender, effective, expires, time
left, source, and the active alarms whose sensors lie inside its area), most severe first, the level cell in the level's colour. A click
shows the full text beside the table and asks the map to zoom to the warning's area;
a click on a warning's area on the map selects it here (``select_warning``).
The pane reads plain ``ActiveWarning`` data (``EngineMirror.warnings``); it
never parses CAP itself.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from PySide6.QtCore import QCoreApplication, Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from console.model.levels import DISPLAY_ZONE, level_name
from console.ui.map.sensor_style import LEVEL_COLOURS
from console.ui.map.warning_areas import NO_LEVEL_COLOUR

TIME_LEFT_INTERVAL_MS = 30_000  # "time left" is shown to the minute
# Text on the level colours: dark on yellow and orange, white on red and blue.
TEXT_ON = {1: "#FFFFFF", 2: "#202020", 3: "#202020", 4: "#FFFFFF"}


def colour_label(level: int | None) -> str:
    """The warning colour of a level as the Chinese system names it, with its Roman numeral."""
    translate = QCoreApplication.translate
    if not level:
        return translate("CapLevel", "no level")
    colour = {1: translate("CapLevel", "Red"), 2: translate("CapLevel", "Orange"),
              3: translate("CapLevel", "Yellow"), 4: translate("CapLevel", "Blue")}[int(level)]
    return translate("CapLevel", "{colour} (level {roman})").format(colour=colour, roman=level_name(level))


def level_source_label(source: str) -> str:
    translate = QCoreApplication.translate
    if source == "severity":
        return translate("CapLevel", "from the CAP severity")
    if source.startswith("colour word"):
        return translate("CapLevel", "from the colour word in the message")
    if source.startswith("parameter"):
        return translate("CapLevel", "from the message's colour parameter")
    return translate("CapLevel", "the message gives no level")


class WarningsPane(QWidget):
    """The CAP warnings in force.

    Attributes
    ----------
    now_ms : callable
        "Now" in UTC epoch ms, for the time left (the window's clock).
    zone : str
        The zone times are shown in.

    Signals
    -------
    zoom_requested(object): a warning was clicked; its ``ActiveWarning``.
    """

    zoom_requested = Signal(object)

    COLUMNS = ("level", "event", "area", "sender", "effective", "expires", "left", "alarms", "source")

    def __init__(self, parent=None, zone: str = DISPLAY_ZONE):
        super().__init__(parent)
        self.now_ms = lambda: int(time.time() * 1000)
        self.zone = zone
        self.warnings: list = []
        self.alarms_inside: dict[str, int] = {}
        self.title = QLabel()
        self.table = QTableWidget(0, len(self.COLUMNS))
        self.table.setHorizontalHeaderLabels([
            self.tr("Level"), self.tr("Event"), self.tr("Area"), self.tr("Sender"), self.tr("Effective"),
            self.tr("Expires"), self.tr("Time left"), self.tr("Alarms inside"), self.tr("Source")])
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.itemSelectionChanged.connect(self._show_text)
        self.table.cellClicked.connect(self._on_clicked)
        self.text = QTextBrowser()
        self.text.setOpenLinks(False)
        # Side by side: the pane lives in the wide, low bottom dock, where text beneath the
        # table would get two lines; beside it, the full text of a warning is read whole.
        self.splitter = splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.table)
        splitter.addWidget(self.text)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setSizes([600, 400])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.title)
        layout.addWidget(splitter, 1)
        self.timer = QTimer(self)
        self.timer.setInterval(TIME_LEFT_INTERVAL_MS)
        self.timer.timeout.connect(self._refresh_time_left)
        self.timer.start()
        self.show_warnings([])

    # --- what is shown ------------------------------------------------------------
    def show_warnings(self, warnings) -> None:
        """Show ``warnings`` (ActiveWarning, most severe first), keeping the selected one selected."""
        selected = self.selected()
        self.warnings = list(warnings)
        self.title.setText(self.tr("CAP warnings in force: {n}").format(n=len(self.warnings)) if self.warnings
                           else self.tr("No CAP warning in force."))
        self.table.setUpdatesEnabled(False)
        self.table.setRowCount(len(self.warnings))
        for row, warning in enumerate(self.warnings):
            texts = [colour_label(warning.level), warning.event, warning.area_desc, warning.sender,
                     self._time(warning.effective_ms), self._time(warning.expires_ms), self._left(warning),
                     self._alarms_text(warning), warning.source]
            for column, text in enumerate(texts):
                item = self.table.item(row, column)
                if item is None:
                    item = QTableWidgetItem()
                    self.table.setItem(row, column, item)
                item.setText(text)
                item.setToolTip(warning.headline)
            level_item = self.table.item(row, 0)
            # Not selectable: a selected row keeps its level colour instead of the selection's.
            level_item.setFlags(Qt.ItemFlag.ItemIsEnabled)
            colour = LEVEL_COLOURS.get(warning.level or 0, NO_LEVEL_COLOUR)
            level_item.setBackground(QBrush(QColor(colour)))
            level_item.setForeground(QBrush(QColor(TEXT_ON.get(warning.level or 0, "#FFFFFF"))))
            level_item.setToolTip(f"{warning.headline}\n{level_source_label(warning.level_source)}")
        self.table.resizeColumnsToContents()
        self.table.setUpdatesEnabled(True)
        ids = [w.id for w in self.warnings]
        if selected is not None and selected.id in ids:
            self.table.selectRow(ids.index(selected.id))
        else:
            self.table.clearSelection()
            self._show_text()

    def selected(self):
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        if not rows or rows[0].row() >= len(self.warnings):
            return None
        return self.warnings[rows[0].row()]

    def select_warning(self, warning_id: str) -> bool:
        """Select the warning ``warning_id`` (its full text shows); False when it is not in force."""
        ids = [w.id for w in self.warnings]
        if warning_id not in ids:
            return False
        self.table.selectRow(ids.index(warning_id))
        self.table.scrollToItem(self.table.item(ids.index(warning_id), 1))
        return True

    def row_texts(self, row: int) -> list[str]:
        """What a row shows, cell by cell (for the status line and tests)."""
        return [self.table.item(row, column).text() for column in range(len(self.COLUMNS))]

    def _time(self, ms: int | None) -> str:
        if ms is None:
            return "—"
        return datetime.fromtimestamp(ms / 1000, UTC).astimezone(ZoneInfo(self.zone)).strftime("%m-%d %H:%M")

    def _left(self, warning) -> str:
        from console.ui.live import format_age

        if warning.expires_ms is None:
            return self.tr("until cancelled")
        left = warning.expires_ms - self.now_ms()
        return format_age(left) if left > 0 else self.tr("expired")

    def show_alarms_inside(self, counts: dict[str, int]) -> None:
        """The number of active alarms inside each warning's area, by warning id."""
        self.alarms_inside = dict(counts)
        column = self.COLUMNS.index("alarms")
        for row, warning in enumerate(self.warnings):
            item = self.table.item(row, column)
            if item is not None:
                item.setText(self._alarms_text(warning))

    def _alarms_text(self, warning) -> str:
        if warning.area_wkb is None:
            return "—"
        return str(self.alarms_inside.get(warning.id, 0))

    def _refresh_time_left(self) -> None:
        column = self.COLUMNS.index("left")
        for row, warning in enumerate(self.warnings):
            item = self.table.item(row, column)
            if item is not None:
                item.setText(self._left(warning))

    def _show_text(self) -> None:
        warning = self.selected()
        if warning is None:
            self.text.setPlainText(self.tr("Click a warning to read its full text and zoom to its area."))
            return
        lines = [warning.headline or warning.event, "",
                 self.tr("Level: {level}, {how}").format(level=colour_label(warning.level),
                                                        how=level_source_label(warning.level_source)),
                 self.tr("Area: {area}").format(area=warning.area_desc or "—"),
                 self.tr("Sender: {sender}").format(sender=warning.sender),
                 (self.tr("Effective {effective}, onset {onset}, expires {expires}").format(
                     effective=self._time(warning.effective_ms), onset=self._time(warning.onset_ms),
                     expires=self._time(warning.expires_ms)) if warning.onset_ms is not None else
                  self.tr("Effective {effective}, expires {expires}").format(
                     effective=self._time(warning.effective_ms), expires=self._time(warning.expires_ms)))]
        if warning.description:
            lines += ["", warning.description]
        if warning.instruction:
            lines += ["", self.tr("Instruction: {text}").format(text=warning.instruction)]
        if warning.area_wkb is None:
            lines += ["", self.tr("This warning gives no area the map can draw.")]
        self.text.setPlainText("\n".join(lines))

    def _on_clicked(self, row: int, column: int) -> None:
        if 0 <= row < len(self.warnings):
            if column == 0:
                self.table.selectRow(row)  # the level cell itself is not selectable
            self.zoom_requested.emit(self.warnings[row])
