"""The replay panel under the map: the feed clock, the replay toolbar and the timeline.

``install_replay_panel(window, replay, drill=True)`` puts it in a main window,
directly under the map, and in drill mode marks the map and the title bar;
``panel.remove()`` takes all of it away again.
"""

from __future__ import annotations

import threading
from contextlib import contextmanager
from datetime import datetime
from zoneinfo import ZoneInfo

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QApplication,
    QDockWidget,
    QFrame,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from console.model.levels import DISPLAY_ZONE
from console.ui import theme
from console.ui.drill import paint_drill_banner, set_window_drill
from console.ui.replay import (
    ReplayController,
    ReplaySource,
    freeze_loaded_objects,
    freeze_new_objects,
    read_density,
    thaw_loaded_objects,
)
from console.ui.replay_controls import FeedClock, ReplayToolBar
from console.ui.timeline import TimelineBar

DENSITY_REFRESH_MS = 2000  # while playing: the histogram follows alarms as the replay learns them
FREEZE_INTERVAL_MS = 1000  # while playing in a window: new objects kept out of full GC passes


class ReplayPanel(QFrame):
    """Feed clock, toolbar and timeline wired to a ``ReplayController`` over ``replay``.

    With ``index_in_background`` the replay indexes the whole feed in a child
    process (its ``index_in_background``), or else on a worker thread while paused
    (its ``build_index``), so the histogram covers the whole span and seeks find
    their checkpoints.
    """

    def __init__(self, replay: ReplaySource, zone: str = DISPLAY_ZONE, drill: bool = False,
                 controller: ReplayController | None = None, index_in_background: bool = True, parent=None):
        super().__init__(parent)
        self.replay = replay
        self.controller = controller or ReplayController(replay, parent=self)
        self.clock = FeedClock(zone)
        self.toolbar = ReplayToolBar()
        self.timeline = TimelineBar(zone)
        self.setObjectName("ReplayPanel")
        self.follow_theme(theme.current())
        right = QVBoxLayout()
        right.setContentsMargins(0, 0, 0, 0)
        right.setSpacing(0)
        # After a seek far beyond the index, until the replay has the exact state there.
        self.provisional_note = QLabel()
        self.provisional_note.setObjectName("provisionalNote")
        self.provisional_note.setWordWrap(True)
        self.provisional_note.setStyleSheet(
            "#provisionalNote { background: #FFE9A8; color: #3A2A00; border: 1px solid #D9A400; padding: 3px 8px; }")
        self.provisional_note.hide()
        right.addWidget(self.provisional_note)
        right.addWidget(self.toolbar)
        right.addWidget(self.timeline, 1)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 4)
        layout.setSpacing(8)
        layout.addWidget(self.clock)
        layout.addLayout(right, 1)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self._window = self._column = self._central = None  # set by install_replay_panel
        self._density_timer = QTimer(self)
        self._density_timer.setInterval(DENSITY_REFRESH_MS)
        self._density_timer.timeout.connect(self.refresh_density)
        self.keeps_objects_frozen = False  # set by install_replay_panel, which froze what was loaded
        self._freeze_timer = QTimer(self)
        self._freeze_timer.setInterval(FREEZE_INTERVAL_MS)
        self._freeze_timer.timeout.connect(freeze_new_objects)
        self._resize_timer = QTimer(self)
        self._resize_timer.setSingleShot(True)
        self._resize_timer.setInterval(200)
        self._resize_timer.timeout.connect(self.refresh_density)
        self.density_complete = True
        self._index_thread: threading.Thread | None = None
        self._index_stop = threading.Event()
        self.index_in_background = index_in_background
        self._connect()
        self.set_drill(drill)
        self.timeline.set_span(self.controller.start_ms, self.controller.end_ms)
        self.refresh_density()
        if index_in_background:
            self.start_indexing()
        self._on_clock_changed(self.controller.now_ms)
        self._on_speed_changed(self.controller.speed)
        self._on_playing_changed(self.controller.playing)

    def _connect(self) -> None:
        bar, control = self.toolbar, self.controller
        bar.start_action.triggered.connect(lambda: self._busy(control.jump_to_start))
        bar.end_action.triggered.connect(lambda: self._busy(control.jump_to_end))
        bar.back_action.triggered.connect(lambda: self._busy(control.step_back))
        bar.forward_action.triggered.connect(control.step_forward)
        bar.play_action.triggered.connect(control.toggle)
        bar.speed_box.currentIndexChanged.connect(lambda i: control.set_speed(bar.speed_box.itemData(i)))
        self.timeline.seek_requested.connect(lambda t_ms: self._busy(lambda: control.seek(t_ms)))
        control.clock_changed.connect(self._on_clock_changed)
        control.playing_changed.connect(self._on_playing_changed)
        control.speed_changed.connect(self._on_speed_changed)
        control.lagging_changed.connect(lambda _lagging: self._show_state())
        control.finished.connect(self.refresh_density)
        control.provisional_changed.connect(self._on_provisional_changed)

    def _busy(self, action) -> None:
        """A seek rebuilds the state and may take a moment: show the wait cursor meanwhile."""
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            action()
        finally:
            QApplication.restoreOverrideCursor()

    # --- controller events ---------------------------------------------
    def _on_clock_changed(self, t_ms) -> None:
        self.clock.set_time(t_ms)
        self.timeline.set_time(t_ms)
        self._show_state()  # the lag figure, or "end of feed" after a jump; unchanged texts cost nothing

    def _on_playing_changed(self, playing: bool) -> None:
        self.toolbar.show_playing(playing)
        if playing and self._index_thread is not None:
            self.stop_indexing()  # a worker thread shares the GUI thread's interpreter lock; a child does not
        elif not playing and self.index_in_background:
            self.start_indexing()
        if playing and self.keeps_objects_frozen:
            self._freeze_timer.start()
        else:
            self._freeze_timer.stop()
        self._update_density_timer()
        self._show_state()

    def _on_speed_changed(self, speed: float) -> None:
        self.toolbar.show_speed(speed)
        self.toolbar.show_step(self.controller.step_ms)
        self._show_state()

    def follow_theme(self, colours) -> None:
        """The panel's ground: its light grey, or the dark theme's window colour (console/ui/theme.py)."""
        ground, edge = ("#ECEEF0", "#C4CAD0") if colours.name == "light" else (colours.window, colours.button)
        self.setStyleSheet(f"#ReplayPanel {{ background: {ground}; border-top: 1px solid {edge}; }}")

    def _show_state(self) -> None:
        control = self.controller
        self.clock.set_state(control.playing, control.speed, control.at_end, control.lagging,
                             control.effective_speed)

    # --- density, drill, window ----------------------------------------
    def refresh_density(self) -> None:
        density = read_density(self.replay.alarm_density(self.timeline.preferred_bins()))
        self.timeline.set_density(density.edges_ms, density.counts, density.indexed_until_ms)
        self.density_complete = density.complete
        self._show_provisional()  # the index has grown
        self._update_density_timer()

    def _on_provisional_changed(self, pending) -> None:
        if pending is None:
            self.refresh_density()  # the index has reached the clock: the histogram shows as far
        else:
            self._show_provisional()

    def _show_provisional(self) -> None:
        pending = self.controller.provisional
        note = self.provisional_note
        if pending is None:
            note.hide()
            return
        zone = ZoneInfo(self.clock.zone)

        def hhmm(t_ms: int) -> str:
            return datetime.fromtimestamp(t_ms / 1000, zone).strftime("%H:%M")

        note.setText(self.tr(
            "Provisional view: the index has reached {indexed} of the feed, the clock is at {clock}. Alarms that "
            "began and ended between {gap_from} and {gap_to} are not shown yet, and alarm actions wait until the "
            "view is exact.").format(indexed=hhmm(max(self.replay.indexed_until_ms, self.controller.start_ms)),
                                      clock=hhmm(self.controller.now_ms), gap_from=hhmm(pending.gap_from_ms),
                                      gap_to=hhmm(pending.gap_to_ms)))
        note.show()

    def _update_density_timer(self) -> None:
        """Refresh the histogram while playing, or while the replay is still reading the feed."""
        if self.controller.playing or not self.density_complete:
            if not self._density_timer.isActive():
                self._density_timer.start()
        else:
            self._density_timer.stop()

    def start_indexing(self) -> None:
        """Let the replay index the whole feed in the background, if it can.

        The histogram then fills in over the whole span, and seeks find their
        checkpoints ready. A replay that indexes in a child process
        (``index_in_background``) does so whether playing or not: the GUI thread
        only reads what the child sends. Otherwise the replay reads the feed on a
        worker thread (``build_index``), only while paused: there the indexing
        pass holds Python's GIL for long stretches, and during playback that held
        the GUI thread for up to ~170 ms at a time; so play stops it (after its
        current step) and pause starts it again where it left off.
        """
        in_child = getattr(self.replay, "index_in_background", None)
        if in_child is not None and not self.density_complete:
            if not self.replay.background_indexing:
                in_child()
            self._update_density_timer()
            return
        build = getattr(self.replay, "build_index", None)
        if build is None or self.density_complete or self.controller.playing:
            return
        if self._index_thread is not None and self._index_thread.is_alive() and not self._index_stop.is_set():
            return
        stop = threading.Event()  # one per thread: a thread still finishing its last step keeps its own
        self._index_stop = stop
        self._index_thread = threading.Thread(target=build, kwargs={"cancel": stop.is_set},
                                              name="replay-index", daemon=True)
        self._index_thread.start()
        self._update_density_timer()

    def stop_indexing(self, wait_s: float = 0.0) -> None:
        stop_child = getattr(self.replay, "stop_background_index", None)
        if stop_child is not None:
            stop_child(wait_s)
        self._index_stop.set()
        if self._index_thread is not None and wait_s > 0:
            self._index_thread.join(wait_s)

    @property
    def indexing(self) -> bool:
        """The replay is indexing the feed in its child, or a worker thread reads it (not asked to stop)."""
        if getattr(self.replay, "background_indexing", False):
            return True
        return self._index_thread is not None and self._index_thread.is_alive() and not self._index_stop.is_set()

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt override)
        super().resizeEvent(event)
        self._resize_timer.start()

    def set_drill(self, drill: bool) -> None:
        self.drill = drill
        self.clock.set_drill(drill)

    def remove(self) -> None:
        """Stop playback and take the panel, and any drill marking it added, out of its window."""
        self.index_in_background = False
        self.controller.pause()
        self.stop_indexing()
        self._density_timer.stop()
        self._freeze_timer.stop()
        window = self._window
        if window is not None:
            painters = window.canvas.foreground_painters
            if paint_drill_banner in painters:
                painters.remove(paint_drill_banner)
                window.canvas.viewport().update()
            set_window_drill(window, False)
            thaw_loaded_objects()
            if window.centralWidget() is self._column:
                with _docks_kept(window):
                    column = window.takeCentralWidget()
                    self._column.layout().removeWidget(self._central)
                    window.setCentralWidget(self._central)
                column.deleteLater()
        self._window = self._column = self._central = None


@contextmanager
def _docks_kept(window):
    """Keep the docks' sizes while the central widget is swapped.

    With no central widget for a moment, Qt hands the room to the docks; their
    sizes are put back once the window has laid itself out again.
    """
    docks = [dock for dock in window.findChildren(QDockWidget) if dock.isVisible() and not dock.isFloating()]
    sides = (Qt.DockWidgetArea.LeftDockWidgetArea, Qt.DockWidgetArea.RightDockWidgetArea)
    across = [dock for dock in docks if window.dockWidgetArea(dock) in sides]
    along = [dock for dock in docks if window.dockWidgetArea(dock) not in sides]
    widths, heights = [dock.width() for dock in across], [dock.height() for dock in along]
    yield

    def restore() -> None:
        if across:
            window.resizeDocks(across, widths, Qt.Orientation.Horizontal)
        if along:
            window.resizeDocks(along, heights, Qt.Orientation.Vertical)

    QTimer.singleShot(0, window, restore)


def install_replay_panel(window, replay: ReplaySource, drill: bool = False,
                         zone: str = DISPLAY_ZONE) -> ReplayPanel:
    """Put a replay panel directly under the map of ``window`` (a QMainWindow with a ``canvas``).

    The window's central widget (the map) and the panel go into one column, so the
    timeline spans exactly the map's width and docks keep their places. In drill
    mode the map gets the drill banner and the window title the drill mark. What
    is loaded by now is kept out of full garbage collections while the panel is
    in (``freeze_loaded_objects``), and what playing makes too, once a second.
    Returns the panel; ``panel.controller`` plays the replay (connect its
    ``time_changed`` to whatever redraws from the replay's state: it comes 5 times
    a second while playing, so views are not redrawn faster than they can be
    read), and ``panel.remove()`` undoes all of this.
    """
    panel = ReplayPanel(replay, zone=zone, drill=drill)
    with _docks_kept(window):
        central = window.takeCentralWidget()
        column = QWidget()
        column.setObjectName("mapWithReplay")
        layout = QVBoxLayout(column)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(central, 1)
        layout.addWidget(panel)
        window.setCentralWidget(column)
    panel._window, panel._column, panel._central = window, column, central
    freeze_loaded_objects()
    panel.keeps_objects_frozen = True
    if drill:
        if paint_drill_banner not in window.canvas.foreground_painters:
            window.canvas.foreground_painters.append(paint_drill_banner)
        window.canvas.viewport().update()
        set_window_drill(window, True)
        if getattr(window, "drill", None) is not None:
            from console.ui.clip_dialog import add_clip_action

            add_clip_action(panel, window)  # Export clip…: a span of the drill as GIF or WebP
    return panel
