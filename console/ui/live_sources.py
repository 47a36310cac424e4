"""The window's live sources: the engine process that runs them, the Sources and CAP Warnings panes,
the warning areas on the map and the status line.

``LiveSources.open`` reads a sources file (docs/sources.md) and starts an engine
process (``EngineLink``) with the sensor layers on the map, the rules and the
live journal; from then on the map and the warning pane show the engine's state
through its mirror, and the window runs no pipeline of its own. The CAP warnings
the engine keeps are listed in the Warnings pane and drawn as translucent areas
beneath the sensors. ``stop`` hands the journal back to the window.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QFileDialog, QLabel

from console.errors import InputError
from console.ui.live import display_names, sensor_layers
from console.ui.map.warning_areas import WarningAreas
from console.ui.sources_pane import SourcesPane
from console.ui.warnings_pane import WarningsPane

SOURCES_FILTER = "TOML (*.toml);;*"
ALERT_STYLE = "color: #B3261E; font-weight: bold;"


def supplies_sensors(sources) -> bool:
    """Whether a source can supply the sensor layer itself (a SensorThings service)."""
    from console.sources.config import SensorThingsSource

    return any(isinstance(source, SensorThingsSource) for source in sources)


class LiveSources(QObject):
    """Owns the window's engine link (``link``), the Sources pane and dock, and the status-bar line.

    Parameters
    ----------
    window : MainWindow
    """

    def __init__(self, window):
        super().__init__(window)
        self.window = window
        self.link = None  # the EngineLink while sources are connected (kept after it ended, to show why)
        self.pane = SourcesPane()
        self.pane.now_ms = window.session.now_ms
        self.dock = window._dock(self.tr("Sources"), self.pane, Qt.DockWidgetArea.RightDockWidgetArea)
        window.tabifyDockWidget(window.identify_dock, self.dock)
        self.dock.hide()
        self.warnings_pane = WarningsPane()
        self.warnings_pane.now_ms = window.session.now_ms
        self.warnings_pane.zoom_requested.connect(self.zoom_to_warning)
        self.warnings_dock = window._dock(self.tr("CAP warnings"), self.warnings_pane,
                                          Qt.DockWidgetArea.BottomDockWidgetArea)
        # Hidden until the first warning brings it up, as the Sources dock until sources connect
        # (Qt's spare tab bar of docks tabbed before the window shows is handled by the window).
        self.warnings_dock.hide()
        window.tabifyDockWidget(window.alarms_dock, self.warnings_dock)
        window.alarms_dock.raise_()
        self.areas = WarningAreas(window.canvas.renderer, self.tr("CAP warning areas"), "CAP预警区域")
        self.cover = None  # which sensors lie inside which warning (console.cap.cover.WarningCover)
        window.alarm_pane.model.context_lines = self.warning_lines
        window.canvas.feature_clicked.connect(self._on_feature_clicked)
        self.label = QLabel()
        self.stop_action = None

    def add_menu(self, menu) -> None:
        self.add_action = self.window._action(menu, self.tr("&Add sources file…"), self.ask)
        self.stop_action = self.window._action(menu, self.tr("&Disconnect the live sources"), self.stop)
        self.stop_action.setEnabled(False)

    # --- connecting -------------------------------------------------------------
    def ask(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self.window, self.tr("Add a sources file"), "", SOURCES_FILTER)
        if path:
            self.open(path)

    def open(self, path) -> bool:
        """Connect the sources of a sources file, beside those already connected.

        Returns False when the file or its sources are refused (reported; what ran
        before keeps running).
        """
        from console.sources import load_sources

        title = self.tr("Sources not connected")
        try:
            sources = load_sources(path)
        except (InputError, OSError) as exc:
            self.window.show_error(str(exc), title)
            return False
        running = list(self.link.sources) if self.link is not None else []
        clash = sorted({s.name for s in running} & {s.name for s in sources})
        if clash:
            self.window.show_error(self.tr("{path}: a source named {name} is already connected").format(
                path=path, name=clash[0]), title)
            return False
        if not sensor_layers(self.window.canvas.renderer.layers) and supplies_sensors(sources):
            return self._discover_then_start(running + list(sources), str(path))
        return self._start(running + list(sources), str(path))

    def _discover_then_start(self, sources, source_file: str) -> bool:
        """No sensor layers on the map: ask the services for their sensors (off the GUI thread), then start."""
        import threading

        from console.ui.crossing import GuiCrossing

        crossing = GuiCrossing(parent=self)
        self.label.setText(self.tr("Sources: asking the services for their sensors…"))

        def discover() -> None:
            from console.sources import supplied_sensor_layers

            try:
                supplied, problem = supplied_sensor_layers(sources), None
            except InputError as exc:
                supplied, problem = None, str(exc)
            crossing.post(self._discovered, sources, source_file, supplied, problem)

        self.discovery = threading.Thread(target=discover, name="sensor-discovery", daemon=True)
        self.discovery.start()
        return True

    def _discovered(self, sources, source_file: str, supplied, problem: str | None) -> None:
        from console.model.autostyle import auto_style

        window = self.window
        if problem is not None or not supplied.layers:
            self.label.setText("")
            window.show_error(problem or self.tr("{path}: the sources supply no sensors").format(path=source_file),
                              self.tr("Sources not connected"))
            return
        for layer in supplied.layers:
            layer.style = auto_style(layer, len(window.canvas.renderer.layers))
            window.canvas.renderer.add_layer(layer)
        window.canvas.zoom_full()
        self._start(sources, source_file)

    def restart(self) -> bool:
        """Start the engine again with the same sources (the sensor layers changed)."""
        return self._start(list(self.link.sources), self.link.source_file)

    def _start(self, sources, source_file: str) -> bool:
        from console.model.sensors import SensorTable
        from console.ui.engine_link import EngineLink

        window = self.window
        title = self.tr("Sources not connected")
        layers = sensor_layers(window.canvas.renderer.layers)
        if not layers:
            window.show_error(self.tr("Live sources need the sensor layers of the city on the map."), title)
            return False
        try:
            table = SensorTable.from_layers(layers)
        except InputError as exc:
            window.show_error(str(exc), title)
            return False
        journal_path = self._hand_over()
        link = EngineLink(table, window.session.rules, journal_path, sources, source_file, parent=self)
        link.journal_path = journal_path
        link.ready.connect(self._on_ready)
        link.sources_changed.connect(self._on_sources_changed)
        link.warnings_changed.connect(self._on_warnings_changed)
        link.changed.connect(self._count_alarms_inside)
        link.ended.connect(self._on_ended)
        link.book.refused.connect(lambda method, reason: window.show_error(reason, self.tr("Action not done")))
        self.link = link
        window.session.names = display_names(table, layers)
        self.pane.bind(table, self.tr("Sources file: {path}").format(path=source_file))
        self.dock.show()
        self.dock.raise_()
        window.resizeDocks([self.dock], [600], Qt.Orientation.Horizontal)
        self.stop_action.setEnabled(True)
        self.label.setText(self.tr("Sources: starting…"))
        self.label.setStyleSheet("")
        window._show_journal()
        return True

    def _hand_over(self):
        """Stop the running engine or close the window's pipeline; the live journal's path (or None)."""
        if self.link is not None:
            journal_path = self.link.journal_path
            self.link.ended.disconnect(self._on_ended)
            self.link.stop()
            self.link.deleteLater()
            self.link = None
            return journal_path
        session = self.window.session
        journal_path = session.journal.path if session.journal is not None else None
        session.close()  # writes what is queued: the engine restores from it
        return journal_path

    def stop(self) -> None:
        """Disconnect every source; the window shows the journaled state through its own pipeline again."""
        if self.link is None:
            return
        window = self.window
        journal_path = self._hand_over()
        self.stop_action.setEnabled(False)
        self.pane.bind(None, self.tr("No live sources. Sources ▸ Add sources file… connects them."))
        self.pane.show_sources([])
        self.show_warnings([])
        self.label.setText("")
        window.session.attach_book(None)
        if journal_path is not None:
            window.open_journal(journal_path)
        window.start_live()

    # --- what the engine reports -------------------------------------------------
    def _on_ready(self) -> None:
        self.window.session.attach_book(self.link.book)  # shift handovers go to the engine's journal
        self.window.rule_warnings = list(self.link.mirror.rule_warnings)
        if self.window.rule_warnings:  # e.g. a quantity without a rule: watched for silence only
            self.window.statusBar().showMessage(" · ".join(self.window.rule_warnings), 30000)
        if self.window.drill is None:
            self.window.show_live_state()

    def _on_sources_changed(self) -> None:
        mirror = self.link.mirror
        self.pane.show_sources(mirror.sources, mirror.unknown_by_source)
        text, down = self.pane.summary()
        self.label.setText(text)
        self.label.setStyleSheet(ALERT_STYLE if down else "")

    def _on_warnings_changed(self) -> None:
        self.show_warnings(self.link.mirror.warnings)

    def show_warnings(self, warnings) -> None:
        """List ``warnings`` in the Warnings pane and draw their areas (a first warning brings the pane up)."""
        from console.cap.cover import WarningCover

        first = bool(warnings) and not self.warnings_pane.warnings
        table = self.link.table if self.link is not None else None
        self.cover = WarningCover(warnings, table.ids, table.x, table.y) if warnings and table is not None else None
        self.warnings_pane.show_warnings(warnings)
        self._count_alarms_inside()
        self.areas.show(warnings)
        if first:
            self.warnings_dock.show()
            self.warnings_dock.raise_()

    def _active_alarm_sensors(self) -> list[str]:
        if self.link is None:
            return []
        return [alarm.sensor_id for alarm in self.link.book.open_alarms() if alarm.active and not alarm.is_fault]

    def _count_alarms_inside(self, *_) -> None:
        if self.cover is None:
            self.warnings_pane.show_alarms_inside({})
            return
        sensors = self._active_alarm_sensors()
        self.warnings_pane.show_alarms_inside({w.id: self.cover.count_inside(w.id, sensors)
                                               for w in self.cover.warnings})

    def warning_lines(self, alarm) -> list[str]:
        """Tooltip lines of an alarm: the CAP warnings in force whose area holds its sensor."""
        from console.ui.warnings_pane import colour_label

        if self.cover is None:
            return []
        return [self.tr("Inside CAP warning: {headline} ({level})").format(
            headline=w.headline or w.event, level=colour_label(w.level)) for w in self.cover.warnings_of(alarm.sensor_id)]

    def _on_feature_clicked(self, layer, row: int) -> None:
        """A click on a warning's area selects the warning: its full text shows in the Warnings pane."""
        if layer is None or layer is not self.areas.layer or row < 0:
            return
        if self.warnings_pane.select_warning(str(layer.text_values("id")[row])):
            self.warnings_dock.show()
            self.warnings_dock.raise_()

    def zoom_to_warning(self, warning) -> None:
        bounds = self.areas.bounds_of(warning)
        if bounds is not None:
            self.window.canvas.set_extent(bounds, padding=0.1)

    def _on_ended(self, message: str) -> None:
        self.stop_action.setEnabled(False)
        if message:
            self.show_warnings([])  # nothing the engine reported is current any more
            self.label.setText(self.tr("Live sources stopped"))
            self.label.setStyleSheet(ALERT_STYLE)
            self.window.show_error(self.tr("The live sources stopped: {message}").format(message=message),
                                   self.tr("Live sources stopped"))

    def close(self) -> None:
        if self.link is not None:
            self.link.stop()  # the engine writes and closes the journal
