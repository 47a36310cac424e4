"""The replay panel's Export clip…: a span of the drill as GIF or WebP, made off the GUI thread.

The dialog asks for the span (in the display zone), the step and the file; the
frames are played and drawn by a ``ClipJob`` on a worker thread, on a replay and
a renderer of their own, so the drill on screen goes on and the window answers
while the clip is made. Progress and the result come back through a
``GuiCrossing``. The clip shows the feed through the rules; operator actions of
the drill (acknowledgements, shelving) are not in it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QDateTime, QTimeZone
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QToolButton,
    QVBoxLayout,
)

from console.errors import InputError
from console.model.levels import DISPLAY_ZONE
from console.ui.clip import (
    DEFAULT_FRAME_MS,
    DEFAULT_SIZE,
    ClipMaker,
    ClipSpan,
    check_span,
    clip_renderer,
    save_clip,
)
from console.ui.crossing import GuiCrossing

STEPS_MIN = (1, 5, 10, 15, 30, 60)


class ClipJob:
    """Makes and writes one clip on a worker thread; ``done(path, error)`` is called on the GUI thread.

    ``progress(done, total)`` follows every frame. ``cancel`` stops it between
    frames and writes nothing.
    """

    def __init__(self, maker: ClipMaker, span: ClipSpan, path, frame_ms: int = DEFAULT_FRAME_MS,
                 progress: Callable[[int, int], None] | None = None,
                 done: Callable[[Path | None, str | None], None] | None = None, parent=None):
        self.maker, self.span, self.path, self.frame_ms = maker, span, Path(path), frame_ms
        self.crossing = GuiCrossing(parent=parent)
        self.progress, self.done_callback = progress, done
        self.finished = False
        self.result: Path | None = None
        self.error: str | None = None
        self._stop = threading.Event()
        self.thread = threading.Thread(target=self._run, name="clip", daemon=True)

    def start(self) -> ClipJob:
        self.thread.start()
        return self

    def cancel(self) -> None:
        self._stop.set()

    @property
    def cancelled(self) -> bool:
        return self._stop.is_set()

    def _run(self) -> None:
        try:
            frames = self.maker.frames(self.span, on_frame=self._on_frame, cancel=self._stop.is_set)
            if frames and not self._stop.is_set():
                save_clip(frames, self.path, self.frame_ms)
                self.crossing.post(self._finish, self.path, None)
            else:
                self.crossing.post(self._finish, None, None)
        except (InputError, OSError, ValueError) as exc:
            self.crossing.post(self._finish, None, str(exc))
        finally:
            self.maker.replay.close()

    def _on_frame(self, done: int, total: int) -> None:
        if self.progress is not None:
            self.crossing.post(self.progress, done, total)

    def _finish(self, path: Path | None, error: str | None) -> None:
        self.finished, self.result, self.error = True, path, error
        self.crossing.timer.stop()
        if self.done_callback is not None:
            self.done_callback(path, error)


def start_clip(window, start_ms: int, end_ms: int, step_ms: int, path, *, size=DEFAULT_SIZE,
               frame_ms: int = DEFAULT_FRAME_MS, progress=None, done=None) -> ClipJob:
    """Start a clip of the window's drill over ``start_ms``..``end_ms``; returns the running job.

    The replay (on the drill's decoded feed) and the renderer (on the visible
    layers) are made here, on the GUI thread; the frames on the job's thread.

    Raises
    ------
    InputError
        No drill, a bad span or file name (checked before any work).
    """
    from console.feeds.replay import Replay
    from console.ui.clip import check_clip_path
    from console.ui.i18n import layer_title

    drill = window.drill
    if drill is None:
        raise InputError("clip", "a clip is made of a drill: start one from a recorded feed first")
    path = check_clip_path(path)
    if not path.parent.is_dir():
        raise InputError(path, f"the folder {path.parent} does not exist")
    source = drill.replay
    span = check_span(start_ms, end_ms, step_ms, source.start_ms, source.end_ms, f"the feed {source.source}")
    replay = Replay(source.columns, window.live_table, window.session.rules)
    layers = [layer for layer in window.canvas.renderer.layers if layer.visible]
    renderer = clip_renderer(layers)
    title = layer_title(window.catalog) if window.catalog else ""
    maker = ClipMaker(replay, renderer, title, window.canvas.extent(), size)
    return ClipJob(maker, span, path, frame_ms, progress, done, parent=window).start()


def _edit(t_ms: int, start_ms: int, end_ms: int, zone: QTimeZone) -> QDateTimeEdit:
    edit = QDateTimeEdit()
    edit.setTimeZone(zone)
    edit.setDisplayFormat("yyyy-MM-dd HH:mm:ss")
    edit.setMinimumDateTime(QDateTime.fromMSecsSinceEpoch(start_ms, zone))
    edit.setMaximumDateTime(QDateTime.fromMSecsSinceEpoch(end_ms, zone))
    edit.setDateTime(QDateTime.fromMSecsSinceEpoch(t_ms, zone))
    return edit


class ClipDialog(QDialog):
    """From, to, step and file of a clip; Export starts it, progress shows, Cancel stops it."""

    def __init__(self, window, parent=None):
        super().__init__(parent or window)
        self.window_ = window
        self.job: ClipJob | None = None
        self.setWindowTitle(self.tr("Export clip"))
        replay = window.drill.replay
        zone = QTimeZone(DISPLAY_ZONE.encode())
        now = replay.now_ms
        first = replay.start_ms if now - replay.start_ms < 600_000 else max(replay.start_ms, now - 3600_000)
        last = now if now - first >= 600_000 else replay.end_ms
        self.from_edit = _edit(first, replay.start_ms, replay.end_ms, zone)
        self.to_edit = _edit(last, replay.start_ms, replay.end_ms, zone)
        self.step_box = QComboBox()
        for minutes in STEPS_MIN:
            self.step_box.addItem(self.tr("{n} min").format(n=minutes), minutes * 60_000)
        self.step_box.setCurrentIndex(STEPS_MIN.index(5))
        self.path_edit = QLineEdit(str(Path.cwd() / "drill.gif"))
        browse = QPushButton(self.tr("Browse…"))
        browse.clicked.connect(self._browse)
        file_row = QHBoxLayout()
        file_row.addWidget(self.path_edit, 1)
        file_row.addWidget(browse)
        form = QFormLayout()
        form.addRow(self.tr("From"), self.from_edit)
        form.addRow(self.tr("To"), self.to_edit)
        form.addRow(self.tr("Step"), self.step_box)
        form.addRow(self.tr("File"), file_row)
        self.progress = QProgressBar()
        self.progress.setVisible(False)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.export_button = self.buttons.addButton(self.tr("Export"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.export_button.clicked.connect(self.export)
        self.buttons.rejected.connect(self._cancel)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.progress)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)

    def _browse(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Export clip"), self.path_edit.text(),
                                              self.tr("Animated GIF (*.gif);;Animated WebP (*.webp)"))
        if path:
            self.path_edit.setText(path)

    def export(self) -> ClipJob | None:
        """Start the clip as the dialog says; a problem is shown in the dialog."""
        if self.job is not None and not self.job.finished:
            return self.job
        try:
            self.job = start_clip(self.window_, self.from_edit.dateTime().toMSecsSinceEpoch(),
                                  self.to_edit.dateTime().toMSecsSinceEpoch(), int(self.step_box.currentData()),
                                  self.path_edit.text(), progress=self._on_progress, done=self._on_done)
        except InputError as exc:
            self.message.setText(str(exc))
            return None
        self.export_button.setEnabled(False)
        self.progress.setVisible(True)
        self.progress.setRange(0, len(self.job.span.times))
        self.progress.setValue(0)
        self.message.setText(self.tr("Making the clip…"))
        return self.job

    def _on_progress(self, done: int, total: int) -> None:
        self.progress.setValue(done)
        self.message.setText(self.tr("Frame {done} of {total}").format(done=done, total=total))

    def _on_done(self, path, error) -> None:
        self.export_button.setEnabled(True)
        if error:
            self.message.setText(error)
        elif path is not None:
            self.message.setText(self.tr("Clip written: {path}").format(path=path))
            self.window_.statusBar().showMessage(self.tr("Clip written: {path}").format(path=path), 15000)
        else:
            self.message.setText(self.tr("Cancelled: nothing written"))

    def _cancel(self) -> None:
        if self.job is not None and not self.job.finished:
            self.job.cancel()
            return
        self.reject()


def add_clip_action(panel, window) -> QAction:
    """Put Export clip… on the replay panel's toolbar, after the jump-to-end button."""
    translate = QCoreApplication.translate  # the replay panel's context, where lupdate can see it
    action = QAction(translate("ReplayPanel", "Export clip…"), panel)
    action.setToolTip(translate("ReplayPanel", "Export a span of the drill as an animated GIF or WebP"))
    button = QToolButton()
    button.setDefaultAction(action)
    bar = panel.toolbar
    actions = bar.actions()
    index = actions.index(bar.end_action) + 1
    if index < len(actions):
        bar.insertWidget(actions[index], button)
    else:
        bar.addWidget(button)

    def open_dialog() -> None:
        dialog = ClipDialog(window)
        panel.clip_dialog = dialog
        dialog.open()

    action.triggered.connect(open_dialog)
    panel.clip_action = action
    return action


