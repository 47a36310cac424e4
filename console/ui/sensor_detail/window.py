"""The sensor detail in the main window: its dock, and where it is opened from (the map, the warning pane).

``SensorDetail.bind_state`` follows the window's ``show_state``: the live table and
book with the live journal (the window's own, or the one the engine process
writes), or a drill's table and book with the drill journal, the drill's feed
for readings and the feed clock; the dock's title then carries the drill mark.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QGuiApplication
from PySide6.QtWidgets import QMenu

from console.ui.drill import drill_title
from console.ui.live import layer_ids, sensor_layers
from console.ui.sensor_detail.panel import MAX_SENSORS, SensorDetailPanel

DOCK_WIDTH_PX = 640


class SensorDetail(QObject):
    """Owns the sensor detail panel and its dock in ``window``; opens sensors on the operator's request.

    Parameters
    ----------
    window : MainWindow
    """

    def __init__(self, window):
        super().__init__(window)
        self.window = window
        self.panel = SensorDetailPanel()
        self.panel.attributes_of = self._attributes_of
        self.panel.refused.connect(lambda message: window.statusBar().showMessage(message, 10000))
        self.dock = window._dock(self.tr("Sensor detail"), self.panel, Qt.DockWidgetArea.RightDockWidgetArea)
        window.tabifyDockWidget(window.identify_dock, self.dock)
        self.dock.hide()
        self._ids_of_layer: dict[int, tuple[object, np.ndarray]] = {}
        pane = window.alarm_pane
        self.pane_action = QAction(self.tr("Show sensor detail"), pane)
        self.pane_action.setToolTip(self.tr("History and thresholds of the selected warning's sensors"))
        self.pane_action.triggered.connect(self.show_pane_selection)
        pane.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        pane.view.customContextMenuRequested.connect(self._on_pane_menu)
        pane.view.doubleClicked.connect(lambda index: self.show_pane_row(index.row()))

    # --- binding --------------------------------------------------------------------------------
    def bind_state(self, table, book, names=None, sign=None) -> None:
        """Show sensors of ``table`` and ``book``, with the journal and clock that go with them."""
        window = self.window
        drill = window.drill
        title = self.tr("Sensor detail")
        if drill is not None and table is drill.table:
            replay = drill.replay
            self.panel.bind(table, book, drill.journal.path, lambda: replay.now_ms, names=names, sign=sign,
                            readings=replay.history, drill=True)
            title = drill_title(title)
        else:
            link = window.engine_link
            if link is not None and link.journal_path is not None:
                journal = link.journal_path  # written by the engine process; read here through our own connection
            else:
                journal = window.session.journal.path if window.session.journal is not None else None
            self.panel.bind(table, book, journal, window.session.now_ms, names=names, sign=sign)
        self.dock.setWindowTitle(title)

    # --- opening --------------------------------------------------------------------------------
    def open_row(self, row: int, add: bool = False) -> bool:
        """Show the sensor at ``row`` of the bound table (``add``: beside those shown); False when refused."""
        if self.panel.table is None:
            return False
        shown = self.panel.add_sensor(row) if add and self.panel.sensor_ids else (self.panel.show_sensor(row) or True)
        first = not self.dock.isVisible()
        self.dock.show()
        self.dock.raise_()
        if first and not self.dock.isFloating():
            # A trend needs width: the dock shared with the attributes opens wider than they need.
            self.window.resizeDocks([self.dock], [DOCK_WIDTH_PX], Qt.Orientation.Horizontal)
        return shown

    def open_from_map(self, row: int) -> bool:
        """A sensor clicked on the map: Ctrl+click adds it to those shown."""
        control = bool(QGuiApplication.keyboardModifiers() & Qt.KeyboardModifier.ControlModifier)
        return self.open_row(row, add=control)

    def show_pane_row(self, line: int) -> None:
        """The sensors of one warning line (an incident's first four)."""
        rows = self.window.alarm_pane.model.sensor_rows_of_row(line)
        for index, row in enumerate(np.asarray(rows)[:MAX_SENSORS].tolist()):
            self.open_row(int(row), add=index > 0)

    def show_pane_selection(self) -> None:
        selected = self.window.alarm_pane.selected_rows()
        if selected:
            self.show_pane_row(selected[0])

    def pane_menu(self) -> QMenu:
        """The warning list's context menu: the detail, then the pane's actions on the selection."""
        menu = QMenu(self.window.alarm_pane.view)
        menu.addAction(self.pane_action)
        menu.addSeparator()
        for action in self.window.alarm_pane.selection_actions:
            menu.addAction(action)
        return menu

    def _on_pane_menu(self, position) -> None:
        view = self.window.alarm_pane.view
        index = view.indexAt(position)
        if index.isValid() and index.row() not in self.window.alarm_pane.selected_rows():
            self.window.alarm_pane.select_row(index.row())
        self.pane_action.setEnabled(bool(self.window.alarm_pane.selected_rows()))
        menu = self.pane_menu()
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        menu.popup(view.viewport().mapToGlobal(position))

    # --- what the sensor table does not hold ------------------------------------------------------
    def _attributes_of(self, sensor_id: str) -> dict:
        """The feature attributes of a sensor on the map (contact, asset...); {} when on no layer."""
        for layer in sensor_layers(self.window.canvas.renderer.layers):
            known = self._ids_of_layer.get(id(layer))
            if known is None or known[0] is not layer:
                known = self._ids_of_layer[id(layer)] = (layer, layer_ids(layer))
            found = np.flatnonzero(known[1] == sensor_id)
            if found.size:
                return layer.attributes(int(found[0]))
        return {}

    def close(self) -> None:
        self.panel.close_reads()


def install_sensor_detail(window) -> SensorDetail:
    """The sensor detail dock in ``window`` (hidden until a sensor is opened)."""
    return SensorDetail(window)
