"""The console's main window: the map in the middle, docks for layers and attributes."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication, Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QDockWidget,
    QFileDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QTableWidget,
    QTableWidgetItem,
)

from console.errors import InputError
from console.model.autostyle import auto_style
from console.model.layer import VectorLayer
from console.ui.i18n import layer_title
from console.ui.layer_tree import LayerTree
from console.ui.map.basemap import open_basemaps
from console.ui.map.canvas import MapCanvas
from console.ui.snapshot import render_snapshot

OPEN_FILTER = "GIS (*.geojson *.json *.gpkg *.shp *.fgb *.csv *.toml);;*"


class IdentifyPanel(QTableWidget):
    """Attributes of the feature the operator clicked."""

    def __init__(self, parent=None):
        super().__init__(0, 2, parent)
        self.setHorizontalHeaderLabels([self.tr("Field"), self.tr("Value")])
        self.horizontalHeader().setStretchLastSection(True)
        self.verticalHeader().setVisible(False)
        self.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)

    def show_feature(self, layer: VectorLayer | None, row: int) -> None:
        if layer is None:
            self.setRowCount(0)
            return
        attributes = {self.tr("Layer"): layer_title(layer), **layer.attributes(row)}
        self.setRowCount(len(attributes))
        for i, (key, value) in enumerate(attributes.items()):
            self.setItem(i, 0, QTableWidgetItem(str(key)))
            self.setItem(i, 1, QTableWidgetItem("" if value is None else str(value)))

    def value_of(self, field: str) -> str | None:
        for i in range(self.rowCount()):
            if self.item(i, 0).text() == field:
                return self.item(i, 1).text()
        return None


class MainWindow(QMainWindow):
    """Map, layer tree, identify panel, menus; opening files never closes what is open."""

    def __init__(self):
        super().__init__()
        self.canvas = MapCanvas()
        self.setCentralWidget(self.canvas)
        self.layer_tree = LayerTree(self.canvas.renderer)
        self.layer_tree.zoom_requested.connect(self.canvas.zoom_to_layer)
        self.identify = IdentifyPanel()
        self.canvas.feature_clicked.connect(self._on_feature_clicked)
        self.layers_dock = self._dock(self.tr("Layers"), self.layer_tree, Qt.DockWidgetArea.LeftDockWidgetArea)
        self.identify_dock = self._dock(self.tr("Attributes"), self.identify, Qt.DockWidgetArea.RightDockWidgetArea)
        self.coordinates = QLabel()
        self.statusBar().addPermanentWidget(self.coordinates)
        self.canvas.cursor_moved.connect(self._on_cursor_moved)
        self.catalog = None
        self.errors: list[str] = []  # every message shown to the operator, newest last
        self.setAcceptDrops(True)
        self._build_menus()
        self.setWindowTitle(self.tr("One-map duty console"))
        self.resize(1500, 950)

    def _dock(self, title: str, widget, area) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(title)
        dock.setWidget(widget)
        self.addDockWidget(area, dock)
        return dock

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu(self.tr("&File"))
        self._action(file_menu, self.tr("&Open layers…"), self.ask_open, QKeySequence.StandardKey.Open)
        self._action(file_menu, self.tr("Save map &snapshot…"), self.ask_snapshot, "Ctrl+Shift+S")
        file_menu.addSeparator()
        self._action(file_menu, self.tr("&Quit"), self.close, QKeySequence.StandardKey.Quit)
        view_menu = self.menuBar().addMenu(self.tr("&View"))
        self._action(view_menu, self.tr("Zoom to &full extent"), self.canvas.zoom_full, "Home")
        self._action(view_menu, self.tr("Zoom &in"), lambda: self.canvas.zoom_by(0.5), QKeySequence.StandardKey.ZoomIn)
        self._action(view_menu, self.tr("Zoom &out"), lambda: self.canvas.zoom_by(2.0), QKeySequence.StandardKey.ZoomOut)
        self._action(view_menu, self.tr("Zoom to selected &layer"), self._zoom_to_selected)
        view_menu.addSeparator()
        view_menu.addAction(self.layers_dock.toggleViewAction())
        view_menu.addAction(self.identify_dock.toggleViewAction())

    def _action(self, menu, text, slot, shortcut=None) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(slot)
        menu.addAction(action)
        return action

    # --- opening --------------------------------------------------------
    def open_paths(self, paths, encoding: str | None = None) -> list[VectorLayer]:
        """Open files (or catalogs); each failure is reported and the rest still open."""
        opened: list[VectorLayer] = []
        for path in paths:
            try:
                if Path(path).suffix.lower() == ".toml":
                    opened += self.open_catalog(path)
                else:
                    from console.geo.readers import read_layers

                    layers = read_layers(path, encoding=encoding)
                    for layer in layers:
                        layer.style = auto_style(layer, len(self.canvas.renderer.layers))
                        self.canvas.renderer.add_layer(layer)
                    opened += layers
            except InputError as exc:
                self.show_error(str(exc))
        if opened and len(opened) == len(self.canvas.renderer.layers):
            QTimer.singleShot(0, self.canvas.zoom_full)
        return opened

    def open_catalog(self, path) -> list[VectorLayer]:
        from console.geo.catalog import load_catalog

        catalog = load_catalog(path)
        layers = catalog.load_layers()
        self.catalog = catalog
        self.layer_tree.set_groups(catalog.groups)
        for layer in layers:
            self.canvas.renderer.add_layer(layer)
        for basemap in open_basemaps(catalog):
            self.canvas.renderer.add_basemap(basemap)
        self.setWindowTitle(f"{layer_title(catalog)} — {self.tr('One-map duty console')}")
        return layers

    def ask_open(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(self, self.tr("Open layers"), "", OPEN_FILTER)
        if paths:
            self.open_paths(paths)

    def dragEnterEvent(self, event) -> None:  # noqa: N802 (Qt override)
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:  # noqa: N802 (Qt override)
        paths = [url.toLocalFile() for url in event.mimeData().urls() if url.isLocalFile()]
        self.open_paths(paths)
        event.acceptProposedAction()

    def show_error(self, message: str) -> None:
        """Tell the operator without blocking the console (the map keeps updating)."""
        self.errors.append(message)
        self.statusBar().showMessage(message, 15000)
        box = QMessageBox(QMessageBox.Icon.Warning, self.tr("Cannot open"), message, parent=self)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()

    # --- map ------------------------------------------------------------
    def _zoom_to_selected(self) -> None:
        layer = self.layer_tree.selected_layer()
        if layer is not None:
            self.canvas.zoom_to_layer(layer)

    def _on_feature_clicked(self, layer, row: int) -> None:
        self.identify.show_feature(layer, row)
        if layer is not None:
            self.identify_dock.raise_()

    def _on_cursor_moved(self, lon: float, lat: float) -> None:
        from console.ui.map.decorations import format_lonlat

        self.coordinates.setText(format_lonlat(lon, lat))

    def ask_snapshot(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Save map snapshot"), "snapshot.png", "PNG (*.png)")
        if path:
            self.save_snapshot(path)

    def save_snapshot(self, path, width: int = 1600, height: int = 1000) -> Path:
        title = layer_title(self.catalog) if self.catalog else QCoreApplication.translate("Snapshot", "Map")
        image = render_snapshot(self.canvas.renderer, width, height, self.canvas.extent(), title)
        if not image.save(str(path)):
            self.show_error(self.tr("Cannot write {path}").format(path=path))
        return Path(path)
