"""The impact analysis in the main window: its dock, its menu action, its layers on the map.

The analysis runs for the selected warning's sensor or, when no warning is selected,
the sensor last clicked on the map. It reads the layers on the map: their catalog roles
say which are pipes, valves, roads, facilities and resources.
"""

from __future__ import annotations

import threading

import numpy as np
from PySide6.QtCore import QCoreApplication, QObject, Qt
from PySide6.QtGui import QAction, QKeySequence

from console.ui.impact.overlay import ImpactOverlay
from console.ui.impact.panel import ImpactPanel

DOCK_WIDTH_PX = 520


def overlay_titles() -> dict:
    translate = QCoreApplication.translate
    return {"impact_radius": (translate("Impact", "Impact radius"), "影响半径"),
            "impact_pipes": (translate("Impact", "Pipes cut off"), "停气/停水管段"),
            "impact_routes": (translate("Impact", "Routes of the nearest units"), "最近救援力量路线"),
            "impact_facilities": (translate("Impact", "Facilities affected"), "受影响设施"),
            "impact_valves": (translate("Impact", "Valves to close"), "需关闭阀门"),
            "impact_units": (translate("Impact", "Nearest units"), "最近救援力量")}


class Impact(QObject):
    """Owns the impact panel, its dock and the overlay in ``window``."""

    def __init__(self, window):
        super().__init__(window)
        self.window = window
        self.panel = ImpactPanel(self._context)
        self.dock = window._dock(self.tr("Impact"), self.panel, Qt.DockWidgetArea.RightDockWidgetArea)
        window.tabifyDockWidget(window.identify_dock, self.dock)
        self.dock.hide()
        self.overlay = ImpactOverlay(window.canvas.renderer, overlay_titles())
        self.panel.set_substances(self._substance_names())
        self.panel.shown.connect(self._on_shown)
        self.panel.cleared.connect(self.overlay.clear)
        self.action = QAction(self.tr("&Impact analysis"), window)
        self.action.setShortcut(QKeySequence("Ctrl+I"))
        self.action.setToolTip(self.tr("What is around the selected warning's sensor, what to shut, who can get there"))
        self.action.triggered.connect(self.analyse_selected)
        self.last_clicked: str | None = None
        window.canvas.feature_clicked.connect(self._on_feature_clicked)
        self._lock = threading.Lock()
        self._built: tuple[tuple, object] | None = None
        self._layers: list = []

    @staticmethod
    def _substance_names() -> list[str]:
        """The substance table's names in the window's language (the analysis reads either)."""
        from console.errors import InputError
        from console.impact import load_tables
        from console.ui.i18n import current_language

        try:
            rows = load_tables().substances
        except InputError:
            return []  # the analysis itself will say what is wrong with the table
        return [row.name_zh if current_language().startswith("zh") else row.name for row in rows]

    # --- which sensor ------------------------------------------------------------------
    def _on_feature_clicked(self, layer, row: int) -> None:
        if layer is not None and layer.is_sensor_layer and "id" in layer.columns:
            self.last_clicked = str(layer.column_values("id")[row])

    def selected_sensor(self) -> str | None:
        """The selected warning's (first) sensor, else the sensor last clicked on the map."""
        pane = self.window.alarm_pane
        selected = pane.selected_rows()
        table = self.window.sensor_detail.panel.table
        if table is None:
            table = self.window.live.table
        if selected and table is not None:
            rows = np.asarray(pane.model.sensor_rows_of_row(selected[0]))
            if rows.size:
                return str(table.ids[int(rows[0])])
        return self.last_clicked

    def analyse_selected(self) -> bool:
        sensor = self.selected_sensor()
        if sensor is None:
            self.window.statusBar().showMessage(self.tr("Select a warning or click a sensor first"), 10000)
            return False
        self.analyse(sensor)
        return True

    def analyse(self, sensor_id: str) -> int:
        self._layers = list(self.window.canvas.renderer.layers)  # read on the GUI thread, used by the worker
        first = not self.dock.isVisible()
        self.dock.show()
        self.dock.raise_()
        if first and not self.dock.isFloating():
            # four columns of names and distances: wider than the attributes need
            self.window.resizeDocks([self.dock], [DOCK_WIDTH_PX], Qt.Orientation.Horizontal)
        return self.panel.analyse(sensor_id)

    # --- the analysis context, built once per set of layers (on the worker) ---------------
    def _context(self):
        from console.impact import ImpactContext

        layers = [layer for layer in self._layers if layer.role or layer.is_sensor_layer]
        key = tuple(id(layer) for layer in layers)
        with self._lock:
            if self._built is None or self._built[0] != key:
                self._built = (key, ImpactContext(layers))
            return self._built[1]

    # --- on the map --------------------------------------------------------------------
    def _on_shown(self, result) -> None:
        from console.ui.impact.overlay import GROUP

        self.window.layer_tree.group_titles.setdefault(GROUP, self.tr("Impact"))
        self.overlay.show(result)
        self.window.canvas.set_extent(self.overlay.extent(result), padding=0.08)

    def close(self) -> None:
        self.panel.runner.wait()


def install_impact(window) -> Impact:
    """The impact dock in ``window`` (hidden until an analysis runs) and its action in the Alarms menu."""
    impact = Impact(window)
    menu = getattr(window, "alarms_menu", None)
    if menu is not None:
        menu.addSeparator()
        menu.addAction(impact.action)
    return impact
