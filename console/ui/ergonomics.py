"""The duty room's comforts on the main window: theme, wall mode, language, recent files,
the alarm cue and its mute, progress of long work, keyboard shortcuts, and what is kept between runs.

``install_ergonomics(window)`` adds the menus and status-bar widgets after the
window has built its own, and restores the remembered layout; the window calls
it once at the end of its constructor.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QAction, QActionGroup, QFontMetrics, QKeySequence
from PySide6.QtWidgets import QApplication, QDockWidget, QMenu, QWidget

from console.alarm_list import Column
from console.ui import theme as themes
from console.ui.alarm_pane.view import ROW_HEIGHT_PX
from console.ui.app import BASE_POINT_SIZE
from console.ui.cue import MUTE_MINUTES, AlarmCue
from console.ui.i18n import current_language
from console.ui.progress import WorkProgress
from console.ui.settings import WindowSettings

WALL_POINT_SIZE = 18  # large type for a video wall read from across the room
WALL_WARNINGS_SHARE = 0.4  # of the screen's height for the warning list on a wall
WALL_FIXED_COLUMNS_SHARE = 0.66  # of the screen's width for the warning list's columns but the sensor's
LANGUAGE_NAMES = {"zh_CN": "中文（简体）", "en": "English"}


def menu_holding(window, action: QAction) -> QMenu | None:
    """The menu of the window's menu bar that holds ``action``."""
    for menu_action in window.menuBar().actions():
        menu = menu_action.menu()
        if menu is not None and action in menu.actions():
            return menu
    return None


class Ergonomics(QObject):
    """Menus, status-bar widgets and remembered settings of one main window.

    Attributes
    ----------
    settings : WindowSettings
    cue : AlarmCue
    progress : WorkProgress
    theme_actions, language_actions : dict of str -> QAction
    wall_action, shortcuts_action : QAction
    mute_actions : dict of int -> QAction (minutes)
    """

    def __init__(self, window, settings: WindowSettings | None = None, clock=None):
        super().__init__(window)
        self.window = window
        self.settings = settings or WindowSettings()
        self.cue = AlarmCue(**({"clock": clock} if clock else {}), parent=self)
        self.progress = WorkProgress()
        self._wall_saved = None  # (was full screen, point size) while in wall mode
        self._stable_dock_names()
        self._build_view_menu()
        self._build_file_menu()
        self._build_alarm_menu()
        self._build_help_menu()
        bar = window.statusBar()
        bar.insertPermanentWidget(0, self.cue.banner)
        bar.addPermanentWidget(self.cue.mute_label)
        bar.addPermanentWidget(self.progress)
        # An action rather than a bare shortcut, so that Help › Keyboard shortcuts lists it too.
        self.leave_wall_action = QAction(self.tr("Leave wall mode"), self)
        self.leave_wall_action.setShortcut(QKeySequence(Qt.Key.Key_Escape))
        self.leave_wall_action.setEnabled(False)
        self.leave_wall_action.triggered.connect(lambda: self.set_wall_mode(False))
        window.addAction(self.leave_wall_action)
        self.settings.restore_window(window)
        self._show_theme(themes.current().name)
        window.installEventFilter(self)

    # --- docks keep their place -------------------------------------------------------------
    def _stable_dock_names(self) -> None:
        """Docks named by what they hold, not by their (translated) titles: a layout saved
        in Chinese restores in English."""
        for dock in self.window.findChildren(QDockWidget):
            widget = dock.widget()
            if widget is not None:
                dock.setObjectName(f"dock-{type(widget).__name__}")

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 (Qt override)
        if watched is self.window and event.type() == QEvent.Type.Close:
            self.save()
        return False

    def save(self) -> None:
        """Keep the dock layout for the next window (out of wall mode: its full screen is not a layout)."""
        if self._wall_saved is not None:
            self.set_wall_mode(False)
        self.settings.save_window(self.window)

    # --- View: theme, wall mode, language ---------------------------------------------------------
    def _build_view_menu(self) -> None:
        window = self.window
        view = menu_holding(window, window.layers_dock.toggleViewAction()) or window.menuBar().addMenu(
            self.tr("&View"))
        view.addSeparator()
        theme_menu = view.addMenu(self.tr("&Theme"))
        group = QActionGroup(self)
        self.theme_actions = {}
        for name, label in themes.theme_names().items():
            action = QAction(label, self, checkable=True)
            action.triggered.connect(lambda _checked=False, name=name: self.set_theme(name))
            group.addAction(action)
            theme_menu.addAction(action)
            self.theme_actions[name] = action
        self.wall_action = QAction(self.tr("&Wall mode (full screen, large type)"), self, checkable=True)
        self.wall_action.setShortcut(QKeySequence(Qt.Key.Key_F11))
        self.wall_action.toggled.connect(self.set_wall_mode)
        view.addAction(self.wall_action)
        language_menu = view.addMenu(self.tr("&Language"))
        group = QActionGroup(self)
        self.language_actions = {}
        for code, label in LANGUAGE_NAMES.items():
            action = QAction(label, self, checkable=True)
            action.setChecked(code == current_language())
            action.triggered.connect(lambda _checked=False, code=code: self.set_language(code))
            group.addAction(action)
            language_menu.addAction(action)
            self.language_actions[code] = action

    def set_theme(self, name: str) -> None:
        """Switch the theme now and keep it for the next start."""
        themes.apply_theme(name)
        self.settings.theme = name
        self._show_theme(name)

    def _show_theme(self, name: str) -> None:
        action = self.theme_actions.get(name)
        if action is not None:
            action.setChecked(True)

    def set_language(self, code: str) -> None:
        """Keep the language for the next start (the window's words are set as it is built)."""
        self.settings.language = code
        self.language_actions[code].setChecked(True)
        if code != current_language():
            self.window.statusBar().showMessage(
                self.tr("The console speaks {language} from its next start.").format(language=LANGUAGE_NAMES[code]),
                15000)

    @property
    def wall_mode(self) -> bool:
        return self._wall_saved is not None

    def set_wall_mode(self, on: bool) -> None:
        """Full screen with large type for a video wall; Esc (or F11 again) leaves."""
        window, app = self.window, QApplication.instance()
        if on == self.wall_mode:
            return
        view = window.alarm_pane.view
        columns = range(view.model().columnCount()) if view.model() is not None else range(0)
        if on:
            widths = [view.columnWidth(column) for column in columns]
            self._wall_saved = (window.isFullScreen(), app.font().pointSize(), widths, window.saveState())
            self._set_point_size(WALL_POINT_SIZE)
            # Wider columns for the larger type, but the stretching sensor column keeps a third of the width.
            scale = WALL_POINT_SIZE / max(1, self._wall_saved[1])
            fixed = sum(widths) - max(widths, default=0)
            room = WALL_FIXED_COLUMNS_SHARE * window.screen().availableGeometry().width()
            scale = max(1.0, min(scale, room / max(1, fixed)))
            for column, width in zip(columns, widths, strict=True):
                view.setColumnWidth(column, round(width * scale))
            # The time must never be cut: its column is as wide as a stamp in the large type.
            stamp = QFontMetrics(app.font()).horizontalAdvance("07-21 00:00:00") + 20
            view.setColumnWidth(Column.TIME, max(view.columnWidth(Column.TIME), stamp))
            # A wall shows the map and the warnings: the desk's layer tree and attribute table make room.
            for dock in (window.layers_dock, window.identify_dock):
                dock.hide()
            window.showFullScreen()
            window.resizeDocks([window.alarms_dock], [round(window.height() * WALL_WARNINGS_SHARE)],
                               Qt.Orientation.Vertical)
        else:
            was_full, size, widths, state = self._wall_saved
            self._wall_saved = None
            self._set_point_size(size)
            for column, width in zip(columns, widths, strict=False):
                view.setColumnWidth(column, width)
            if not was_full:
                window.showNormal()
            window.restoreState(state)
        self.leave_wall_action.setEnabled(on)
        self.wall_action.blockSignals(True)
        self.wall_action.setChecked(on)
        self.wall_action.blockSignals(False)

    def _set_point_size(self, size: int) -> None:
        app = QApplication.instance()
        font = app.font()
        font.setPointSize(size)
        app.setFont(font)
        # A widget with a style sheet (the level chips, the table header) keeps the font it was
        # polished with; its sheet set again polishes it in the new size.
        for widget in self.window.findChildren(QWidget):
            sheet = widget.styleSheet()
            if sheet:
                widget.setStyleSheet(sheet)
        # Widgets take the new font from posted events; let them, so the header's own
        # reaction to the font comes before the row height set here.
        QApplication.sendPostedEvents()
        # The warning list draws fixed-height rows: they grow with the type.
        view = getattr(getattr(self.window, "alarm_pane", None), "view", None)
        if view is not None:
            view.verticalHeader().setDefaultSectionSize(round(ROW_HEIGHT_PX * max(1.0, size / BASE_POINT_SIZE)))

    # --- File: recent files ---------------------------------------------------------------------
    def _build_file_menu(self) -> None:
        window = self.window
        # The first menu is File (main_window.py builds it first); the recent files go under "Open layers".
        file_menu = window.menuBar().actions()[0].menu() if window.menuBar().actions() else None
        self.recent_menu = QMenu(self.tr("Open &recent"), window)
        self.recent_menu.aboutToShow.connect(self._fill_recent)
        if file_menu is not None:
            actions = file_menu.actions()
            file_menu.insertMenu(actions[1] if len(actions) > 1 else None, self.recent_menu)
        self._fill_recent()

    def remember_opened(self, paths) -> None:
        for path in paths:
            self.settings.add_recent(path)
        self._fill_recent()

    def _fill_recent(self) -> None:
        self.recent_menu.clear()
        recent = self.settings.recent_files
        for path in recent:
            action = self.recent_menu.addAction(Path(path).name)
            action.setToolTip(path)
            action.setData(path)
            action.triggered.connect(lambda _checked=False, path=path: self.window.open_paths([path]))
        if recent:
            self.recent_menu.addSeparator()
            self.recent_menu.addAction(self.tr("Clear the list"), self._clear_recent)
        self.recent_menu.setEnabled(bool(recent))

    def _clear_recent(self) -> None:
        self.settings.clear_recent()
        self._fill_recent()

    # --- Alarms: mute the cue ------------------------------------------------------------------
    def _build_alarm_menu(self) -> None:
        window = self.window
        alarms = menu_holding(window, window.change_shift_action) or window.menuBar().addMenu(self.tr("&Alarms"))
        alarms.addSeparator()
        mute_menu = alarms.addMenu(self.tr("&Mute the alarm sound"))
        self.mute_actions = {}
        for minutes in MUTE_MINUTES:
            action = mute_menu.addAction(self.tr("For {n} minutes").format(n=minutes))
            action.triggered.connect(lambda _checked=False, minutes=minutes: self.cue.mute(minutes))
            self.mute_actions[minutes] = action
        mute_menu.addSeparator()
        self.unmute_action = mute_menu.addAction(self.tr("Sound on again"), self.cue.unmute)
        self.unmute_action.setEnabled(False)
        self.cue.mute_changed.connect(self.unmute_action.setEnabled)

    # --- Help ---------------------------------------------------------------------------------------
    def _build_help_menu(self) -> None:
        help_menu = self.window.menuBar().addMenu(self.tr("&Help"))
        self.shortcuts_action = QAction(self.tr("&Keyboard shortcuts"), self)
        self.shortcuts_action.setShortcut(QKeySequence(QKeySequence.StandardKey.HelpContents))
        self.shortcuts_action.triggered.connect(self.show_shortcuts)
        help_menu.addAction(self.shortcuts_action)

    def show_shortcuts(self):
        from console.ui.shortcuts import ShortcutsDialog

        dialog = ShortcutsDialog(self.window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog


def install_ergonomics(window, settings: WindowSettings | None = None, clock=None) -> Ergonomics:
    return Ergonomics(window, settings, clock)
