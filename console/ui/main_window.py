"""The console's main window: the map in the middle, docks for layers, attributes and live warnings."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PySide6.QtCore import QCoreApplication, Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QDockWidget,
    QFileDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QTabBar,
    QTableWidget,
    QTableWidgetItem,
)

from console.errors import InputError
from console.model.autostyle import auto_style
from console.model.layer import VectorLayer
from console.model.readings import ReadingBatch
from console.ui.alarm_pane import AlarmPane
from console.ui.i18n import layer_title
from console.ui.layer_tree import LayerTree
from console.ui.live import LiveMapBinding, LiveSession, sensor_layers
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
    """Map, layer tree, identify panel, live warnings, menus; opening files never closes what is open.

    The sensor layers on the map feed one live pipeline (``session``): readings go
    in through ``feed``; the map (``live``) pulls what changed ten times a second
    and the warning pane (``alarm_pane``) four times; operator actions in the pane
    go to the alarm book with the operator on duty.

    Parameters
    ----------
    rules : RuleSet, path or None
        Alarm rules for the sensor layers (None: the shipped defaults).
    """

    def __init__(self, rules=None):
        super().__init__()
        self.canvas = MapCanvas()
        self.setCentralWidget(self.canvas)
        self.layer_tree = LayerTree(self.canvas.renderer)
        self.layer_tree.zoom_requested.connect(self.canvas.zoom_to_layer)
        self.identify = IdentifyPanel()
        self.canvas.feature_clicked.connect(self._on_feature_clicked)
        self.layers_dock = self._dock(self.tr("Layers"), self.layer_tree, Qt.DockWidgetArea.LeftDockWidgetArea)
        self.identify_dock = self._dock(self.tr("Attributes"), self.identify, Qt.DockWidgetArea.RightDockWidgetArea)
        self.session = LiveSession(rules, parent=self)
        self.live = LiveMapBinding(self.canvas)
        self.live.now_ms = self.session.now_ms
        from console.ui.map.footprints import IncidentFootprints

        self.footprints = IncidentFootprints(self.canvas, self.live)  # incidents as areas at city scale
        self.alarm_pane = AlarmPane()
        self.alarm_pane.clock = self.session.now_ms
        self.alarms_dock = self._dock(self.tr("Warnings"), self.alarm_pane, Qt.DockWidgetArea.BottomDockWidgetArea)
        self.alarm_pane.operator_needed.connect(self.change_shift)
        self.alarm_pane.acted.connect(self.live.refresh)
        self.alarm_pane.zoom_requested.connect(self.zoom_to_sensors)
        self.footprints.incident_clicked.connect(self.alarm_pane.select_alarm)  # a footprint: its incident line
        self.alarm_pane.error.connect(lambda message: self.show_error(message, self.tr("Action not done")))
        self.session.operator_changed.connect(self._on_operator_changed)
        from console.ui.live_sources import LiveSources

        self.sources = LiveSources(self)  # the engine process of the live sources, its pane and status line
        self.sources_pane, self.sources_dock, self.sources_label = self.sources.pane, self.sources.dock, self.sources.label
        from console.ui.sensor_detail import install_sensor_detail

        self.sensor_detail = install_sensor_detail(self)  # one to four sensors' history (ui/sensor_detail)
        self.operator_label = QLabel()
        self.journal_label = QLabel()
        self.coordinates = QLabel()
        self.statusBar().addPermanentWidget(self.operator_label)
        self.statusBar().addPermanentWidget(self.sources_label)
        self.statusBar().addPermanentWidget(self.journal_label)
        self.statusBar().addPermanentWidget(self.coordinates)
        self.canvas.cursor_moved.connect(self._on_cursor_moved)
        self.catalog = None
        self.drill = None  # the DrillSession shown instead of the live state, if any
        self.shared_link = None  # the SharedLink when this window is a console on a shared state
        self.replay_panel = None
        self._drill_generation = -1
        self.errors: list[str] = []  # every message shown to the operator, newest last
        self.rule_warnings: list[str] = []  # what the rules said of the live sensors (quantities without a rule)
        self.setAcceptDrops(True)
        self._build_menus()
        from console.ui.impact import install_impact

        self.impact = install_impact(self)  # radius, valves, nearest units of a warning (ui/impact)
        self._on_operator_changed("")
        self._show_journal()
        self.setWindowTitle(self.tr("One-map duty console"))
        self.resize(1500, 950)
        self.resizeDocks([self.alarms_dock], [300], Qt.Orientation.Vertical)
        # --- ergonomics (console/ui/ergonomics.py): theme, wall mode, language, recent files, alarm cue,
        # progress, keyboard shortcuts; restores the remembered dock layout, so it comes last.
        from console.ui.ergonomics import install_ergonomics

        self.ergonomics = install_ergonomics(self)
        # Tabbing docks in a second area before the window is shown leaves Qt's layout with a
        # spare tab bar that stays drawn (over the layer tree); the layout shows again the bars it
        # places when the window is laid out, so all are hidden until then.
        for bar in self.findChildren(QTabBar, options=Qt.FindChildOption.FindDirectChildrenOnly):
            bar.hide()

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
        self.briefing_action = self._action(file_menu, self.tr("Export &briefing…"), self.ask_briefing, "Ctrl+Shift+B")
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
        view_menu.addAction(self.alarms_dock.toggleViewAction())
        view_menu.addAction(self.sources_dock.toggleViewAction())
        view_menu.addAction(self.sensor_detail.dock.toggleViewAction())
        view_menu.addAction(self.sources.warnings_dock.toggleViewAction())
        alarms_menu = self.alarms_menu = self.menuBar().addMenu(self.tr("&Alarms"))
        pane = self.alarm_pane
        for action in pane.selection_actions:
            alarms_menu.addAction(action)
        alarms_menu.addSeparator()
        alarms_menu.addAction(pane.next_action)
        alarms_menu.addAction(pane.previous_action)
        alarms_menu.addSeparator()
        self.change_shift_action = self._action(alarms_menu, self.tr("Change &shift…"), self.change_shift)
        self.shift_report_action = self._action(alarms_menu, self.tr("Shift &report…"), self.ask_shift_report)
        self.history_action = self._action(alarms_menu, self.tr("Closed alarm &history…"), self.show_history, "Ctrl+H")
        alarms_menu.addSeparator()
        from console.ui.cap_publish import CapPublisher

        self.cap_publisher = CapPublisher(self)
        self.cap_publisher.add_actions(alarms_menu)
        self.sources.add_menu(self.menuBar().addMenu(self.tr("S&ources")))
        drill_menu = self.menuBar().addMenu(self.tr("&Drill"))
        self.start_drill_action = self._action(drill_menu, self.tr("&Start a drill from a recorded feed…"),
                                               self.ask_drill)
        self.leave_drill_action = self._action(drill_menu, self.tr("&Leave the drill"), self.leave_drill)
        self.leave_drill_action.setEnabled(False)

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
            else:
                self.ergonomics.remember_opened([path])  # File ▸ Open recent
        if opened and len(opened) == len(self.canvas.renderer.layers):
            QTimer.singleShot(0, self.canvas.zoom_full)
        if sensor_layers(opened):
            if self.engine_link is not None:  # the engine takes the new sensors too
                self.sources.restart()
            else:
                self.start_live()
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

    def show_error(self, message: str, title: str | None = None) -> None:
        """Tell the operator without blocking the console (the map keeps updating)."""
        self.errors.append(message)
        self.statusBar().showMessage(message, 15000)
        box = QMessageBox(QMessageBox.Icon.Warning, title or self.tr("Cannot open"), message, parent=self)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()

    # --- live sensors -------------------------------------------------------
    def open_journal(self, path, ask=None, **options):
        """Journal the live pipeline into ``path`` (created when absent); call before opening sensor layers.

        A journal that cannot be opened is reported and a fresh one beside it is
        offered (``ask(error) -> bool`` answers instead of the dialog). Returns the
        journal, or None when the console goes on without one.
        """
        from console.ui.shift import open_journal

        journal, problem = open_journal(path, self, ask=ask, **options)
        if problem:
            self.errors.append(problem)
            self.statusBar().showMessage(problem, 15000)
        if journal is not None:
            previous = self.session.journal
            self.session.use_journal(journal)
            if self.session.pipeline is not None:
                self.start_live()  # the live state now comes from this journal
            if previous is not None:
                previous.close()
        self._show_journal()
        return journal

    def start_live(self) -> bool:
        """Build the live pipeline for the sensor layers on the map and show it; False when it cannot run."""
        from console.model.sensors import SensorTable

        layers = sensor_layers(self.canvas.renderer.layers)
        if not layers:
            return False
        try:
            table = SensorTable.from_layers(layers)
            pipeline = self.session.start(table, layers)
        except InputError as exc:
            self.show_error(str(exc), self.tr("Live sensors not started"))
            return False
        self.show_state(table, pipeline.book, self.session.names, pipeline.engine.sign)
        self.rule_warnings = list(pipeline.engine.warnings)
        if self.rule_warnings:  # e.g. a quantity without a rule: its sensors are watched for silence only
            self.statusBar().showMessage(" · ".join(self.rule_warnings), 30000)
        return True

    def show_state(self, table, book, names=None, sign=None) -> None:
        """Point the map and the warning pane at a table and book (a drill's, or the live ones)."""
        self.live.bind(table, book, names=names)
        self.alarm_pane.bind(book, table, names, sign)
        self.ergonomics.cue.watch(book, names)  # what the book holds now is not new: no cue for it
        self.sensor_detail.bind_state(table, book, names, sign)

    def show_live_state(self) -> None:
        """Back to the live state after showing another state (a drill's): the shared state of an alarm
        service, the engine's mirror, or the window's pipeline."""
        shared = self.shared_link
        if shared is not None:
            self.show_state(shared.table, shared.book, self.session.names, shared.sign)
            return
        link = self.engine_link
        if link is not None and link.mirror.sign is not None:
            self.show_state(link.table, link.book, self.session.names, link.mirror.sign)
            return
        pipeline = self.session.pipeline
        if pipeline is not None:
            self.show_state(pipeline.table, pipeline.book, self.session.names, pipeline.engine.sign)

    @property
    def live_table(self):
        """The live sensor table: the shared state's or the engine's mirror when there is one, else the pipeline's."""
        if self.shared_link is not None:
            return self.shared_link.table
        if self.engine_link is not None:
            return self.engine_link.table
        return self.session.table

    # --- live sources (the engine process: console/ui/live_sources.py) -----------
    @property
    def engine_link(self):
        return self.sources.link

    def open_sources(self, path) -> bool:
        """Connect the sources of a sources file beside those connected (``LiveSources.open``)."""
        return self.sources.open(path)

    def stop_sources(self) -> None:
        """Disconnect every live source; the window shows the journaled state again."""
        self.sources.stop()

    def feed(self, batch: ReadingBatch, source: str = "", now_ms: int | None = None):
        """Push readings into the live pipeline; returns the ``BatchReport``.

        ``now_ms`` is the feed's clock. The map and the warning pane show the
        result on their next refresh (``refresh_live`` does it at once).
        """
        return self.session.process(batch, source, now_ms)

    def refresh_live(self) -> None:
        self.live.refresh()
        self.alarm_pane.refresh()

    def set_operator(self, name: str) -> None:
        """Start a shift: ``name`` is on duty from now on."""
        self.session.set_operator(name)

    def change_shift(self) -> None:
        from console.ui.shift import ask_operator

        name = ask_operator(self, self.session.operator)
        if name:
            self.set_operator(name)

    def show_history(self):
        """The closed-alarm history of the live journal (one dialog, not modal)."""
        from console.ui.history import AlarmHistoryDialog, journal_path_of

        dialog = getattr(self, "history_dialog", None)
        if dialog is None:
            table = self.session.table
            districts = sorted({d for d in table.district.tolist() if d}) if table is not None else []
            dialog = self.history_dialog = AlarmHistoryDialog(lambda: journal_path_of(self), districts,
                                                              self.session.now_ms, parent=self)
            dialog.sensor_activated.connect(self._show_sensor_by_id)
        dialog.show()
        dialog.raise_()
        dialog.search()
        return dialog

    def _show_sensor_by_id(self, sensor_id: str) -> None:
        """The sensor detail (journal history) of a sensor of the shown table, by id."""
        table = self.live.table
        rows = table.rows_of([sensor_id]) if table is not None else []
        if len(rows) and rows[0] >= 0:
            self.sensor_detail.open_row(int(rows[0]))

    def ask_shift_report(self) -> None:
        from console.ui.shift_report import ask_shift_report

        ask_shift_report(self)

    def _on_operator_changed(self, name: str) -> None:
        self.alarm_pane.operator = name or None
        if name:
            self.operator_label.setText(self.tr("On duty: {name}").format(name=name))
            self.operator_label.setStyleSheet("font-weight: bold;")
        else:
            self.operator_label.setText(self.tr("No operator on duty"))
            from console.ui.theme import ink

            self.operator_label.setStyleSheet(f"color: {ink('#B3261E')}; font-weight: bold;")

    def _show_journal(self) -> None:
        journal = self.session.journal
        link = self.engine_link
        if link is not None and link.journal_path is not None:
            self.journal_label.setText(self.tr("Journal: {name}").format(name=Path(link.journal_path).name))
            self.journal_label.setToolTip(str(link.journal_path))
        elif journal is None:
            self.journal_label.setText(self.tr("No journal"))
            self.journal_label.setToolTip(self.tr("Nothing is recorded"))
        else:
            self.journal_label.setText(self.tr("Journal: {name}").format(name=journal.path.name))
            self.journal_label.setToolTip(str(journal.path))

    def zoom_to_sensors(self, rows) -> None:
        """Show the sensors at these rows of the shown table (about 1 km around a single one)."""
        table = self.alarm_pane.model.table
        if table is None or len(rows) == 0:
            return
        rows = np.asarray(rows, dtype=np.int64)
        x, y = table.x[rows], table.y[rows]
        located = np.isfinite(x) & np.isfinite(y)
        if located.any():
            x, y = x[located], y[located]
            self.canvas.set_extent((float(x.min()), float(y.min()), float(x.max()), float(y.max())), padding=0.1)

    def closeEvent(self, event) -> None:  # noqa: N802 (Qt override)
        self.leave_drill()
        self.sensor_detail.close()
        self.impact.close()
        self.sources.close()
        self.session.close()  # writes what is queued for the journal
        super().closeEvent(event)

    # --- drills -------------------------------------------------------------
    def ask_drill(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Recorded feed for the drill"), "",
                                              self.tr("Recorded feeds (*.jsonl *.jsonl.gz *.csv *.csv.gz);;*"))
        if path:
            self.start_drill(path)

    def start_drill(self, feed, journal_path=None):
        """Replay a recorded feed as a drill: its own state and journal, marked as a drill everywhere.

        The live pipeline goes on untouched; ``leave_drill`` shows it again.
        Returns the ``DrillSession``, or None when the feed cannot be used (reported).
        """
        from console.feeds.drill import DrillSession
        from console.ui.replay_panel import install_replay_panel
        from console.ui.shift import default_journal_path

        if self.live_table is None and not self.start_live():
            self.show_error(self.tr("A drill needs the sensor layers of the city on the map."),
                            self.tr("Drill not started"))
            return None
        if self.drill is not None:
            self.leave_drill()
        live_journal = self.session.journal
        beside = live_journal.path if live_journal is not None else default_journal_path()
        Path(beside).parent.mkdir(parents=True, exist_ok=True)
        progress = self.ergonomics.progress  # the feed is read here, on the GUI thread: the bar counts
        try:
            drill = DrillSession(feed, self.live_table, self.session.rules, journal_path=journal_path,
                                 beside=beside, on_progress=progress.counting(self.tr("Reading the feed")))
        except (InputError, OSError) as exc:
            self.show_error(str(exc), self.tr("Drill not started"))
            return None
        finally:
            progress.finish()
        self.drill = drill
        drill.operator = lambda: self.session.operator  # a seek is journaled with the operator on duty
        self.replay_panel = install_replay_panel(self, drill.replay, drill=True)
        self.replay_panel.controller.time_changed.connect(self._follow_drill)
        self.alarm_pane.clock = lambda: drill.replay.now_ms
        self.live.now_ms = lambda: drill.replay.now_ms
        self._drill_generation = -1
        self._follow_drill()
        self.leave_drill_action.setEnabled(True)
        progress.follow_replay(drill.replay)  # its indexing pass, in the status bar
        self.statusBar().showMessage(self.tr("Drill: {feed}").format(feed=Path(str(drill.journal.path)).name), 15000)
        return drill

    def _follow_drill(self, *_) -> None:
        """After a seek the drill's state is rebuilt: the map and the pane read it afresh."""
        drill = self.drill
        if drill is None:
            return
        if drill.replay.generation != self._drill_generation:
            self._drill_generation = drill.replay.generation
            self.show_state(drill.table, drill.book, self.session.names, drill.replay.pipeline.engine.sign)
        else:
            self.refresh_live()

    def leave_drill(self) -> None:
        """Back to the live state, as it went on meanwhile; the drill journal is closed and kept."""
        drill, self.drill = self.drill, None
        if drill is None:
            return
        if self.replay_panel is not None:
            self.replay_panel.remove()
            self.replay_panel.deleteLater()
            self.replay_panel = None
        drill.close()
        self.alarm_pane.clock = self.session.now_ms
        self.live.now_ms = self.session.now_ms
        self.leave_drill_action.setEnabled(False)
        self.show_live_state()

    # --- map ------------------------------------------------------------
    def _zoom_to_selected(self) -> None:
        layer = self.layer_tree.selected_layer()
        if layer is not None:
            self.canvas.zoom_to_layer(layer)

    def _on_feature_clicked(self, layer, row: int) -> None:
        self.identify.show_feature(layer, row)
        if layer is not None:
            self.identify_dock.raise_()
            sensor = self.live.row_of_feature(layer, row)
            if sensor is not None:
                self.sensor_detail.open_from_map(sensor)  # Ctrl+click adds it to the sensors shown
            if sensor is not None and self.live.table is not None:
                alarm_id = int(self.live.table.alarm_id[sensor])
                if alarm_id >= 0:
                    self.alarm_pane.select_alarm(alarm_id)

    def _on_cursor_moved(self, lon: float, lat: float) -> None:
        from console.ui.map.decorations import format_lonlat

        self.coordinates.setText(format_lonlat(lon, lat))

    def ask_snapshot(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Save map snapshot"), "snapshot.png", "PNG (*.png)")
        if path:
            self.save_snapshot(path)

    def ask_briefing(self) -> None:
        from console.ui.briefing.window import ask_briefing

        ask_briefing(self)

    def export_briefing(self, path, layout: str | None = None, size: tuple[int, int] | None = None) -> Path:
        """The current view as a briefing page (``console.ui.briefing``); raises ``InputError``."""
        from console.ui.briefing.window import export_briefing

        self.wait_for_exact_drill()
        return export_briefing(self, path, layout, size)

    def wait_for_exact_drill(self, timeout_s: float = 120.0) -> bool:
        """A picture or a briefing is a record: after a far seek, wait until the drill's state is exact
        (the replay panel's controller settles it; events are handled meanwhile). False if not in time."""
        import time

        drill = self.drill
        deadline = time.monotonic() + timeout_s
        while drill is not None and drill.replay.provisional is not None:
            if time.monotonic() > deadline:
                return False
            QCoreApplication.processEvents()
            time.sleep(0.05)  # the indexing child gets the CPU meanwhile
        return True

    def save_snapshot(self, path, width: int = 1600, height: int = 1000) -> Path:
        self.wait_for_exact_drill()
        title = layer_title(self.catalog) if self.catalog else QCoreApplication.translate("Snapshot", "Map")
        decorations, when = (), None
        if self.drill is not None:
            # A drill's picture is marked as one and dated by the feed clock it shows.
            from datetime import datetime
            from zoneinfo import ZoneInfo

            from console.model.levels import DISPLAY_ZONE
            from console.ui.drill import drill_title, paint_drill_banner

            title, decorations = drill_title(title), (paint_drill_banner,)
            when = datetime.fromtimestamp(self.drill.now_ms / 1000, ZoneInfo(DISPLAY_ZONE))
        self.live.refresh()
        self.footprints.update()  # the picture shows the incidents as they are now
        image = render_snapshot(self.canvas.renderer, width, height, self.canvas.extent(), title, when=when,
                                decorations=decorations)
        if not image.save(str(path)):
            self.show_error(self.tr("Cannot write {path}").format(path=path))
        return Path(path)
