"""Progress of long work in the status bar: reading a large feed, indexing a replay.

Work reports through the callbacks it already has (``decode_feed``'s
``on_progress`` with a count of readings, the replay's ``indexed_until_ms``).
Callbacks may come from worker threads: they only store a number, and a timer
on the GUI thread shows it. Work that holds the GUI thread (a drill's feed read
as it starts) repaints the bar itself, as nothing else can meanwhile.
"""

from __future__ import annotations

import threading

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QWidget

from console.ui.locale_format import format_count

SHOW_DONE_MS = 1500  # a finished bar stays at 100 % this long, so the operator sees it end
REPAINT_EVERY_S = 0.1


class WorkProgress(QWidget):
    """A caption and a bar, hidden while nothing long runs.

    Attributes
    ----------
    bar : QProgressBar
    caption : QLabel
    """

    def __init__(self, parent=None):
        super().__init__(parent)
        self.caption = QLabel()
        self.bar = QProgressBar()
        self.bar.setRange(0, 100)
        self.bar.setFixedWidth(180)
        self.bar.setTextVisible(True)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.caption)
        layout.addWidget(self.bar)
        self._lock = threading.Lock()
        self._pending: float | None = None  # a share done, set by any thread
        self._follow = None  # (share_done, done) polled while a replay indexes
        self._text = ""
        self.timer = QTimer(self)
        self.timer.setInterval(100)
        self.timer.timeout.connect(self._apply)
        self._hide_timer = QTimer(self)
        self._hide_timer.setSingleShot(True)
        self._hide_timer.setInterval(SHOW_DONE_MS)
        self._hide_timer.timeout.connect(self._hide_if_done)
        self._last_paint = 0.0
        self.setVisible(False)

    # --- a share done (0..1) ---------------------------------------------------------
    def start(self, text: str) -> None:
        self._text = text
        self._follow = None
        self._hide_timer.stop()
        self.caption.setText(text)
        self.bar.setRange(0, 100)
        self.bar.setValue(0)
        self.setVisible(True)
        self.timer.start()

    def report(self, share: float) -> None:
        """Any thread: ``share`` of the work is done."""
        with self._lock:
            self._pending = min(1.0, max(0.0, float(share)))

    def finish(self) -> None:
        self.report(1.0)
        self._apply()

    def follow(self, text: str, share_done, done) -> None:
        """Poll ``share_done()`` until ``done()`` (a replay indexing in its child process)."""
        self.start(text)
        self._follow = (share_done, done)
        self._apply()

    def follow_replay(self, replay, text: str | None = None) -> None:
        """Show a replay's indexing pass: the feed time indexed up to, as a share of its span."""
        span = max(1, replay.end_ms - replay.start_ms)
        self.follow(text or self.tr("Indexing the replay"),
                    lambda: (replay.indexed_until_ms - replay.start_ms) / span,
                    lambda: replay.indexed_until_ms >= replay.end_ms)

    def _apply(self) -> None:
        if self._follow is not None:
            share_done, done = self._follow
            try:
                finished = bool(done())
                self.report(1.0 if finished else share_done())
            except Exception:  # noqa: BLE001 (a replay closed under us: the bar just stops)
                finished = True
            if finished:
                self._follow = None
        with self._lock:
            pending, self._pending = self._pending, None
        if pending is None:
            return
        self.bar.setRange(0, 100)
        self.bar.setValue(round(pending * 100))
        if pending >= 1.0 and self._follow is None:
            self.timer.stop()
            self._hide_timer.start()

    def _hide_if_done(self) -> None:
        if self.bar.value() >= 100 and not self.timer.isActive():
            self.setVisible(False)

    # --- a count with no known total (readings decoded) -------------------------------------
    def counting(self, text: str):
        """A callback for work that counts what it did (``on_progress(count)``) on the GUI thread.

        The bar runs busy and the caption counts; the bar is repainted now and then,
        since the work holds the event loop. Call ``finish()`` when done.
        """
        import time

        self.start(text)
        self.timer.stop()
        self.bar.setRange(0, 0)

        def on_count(count: int) -> None:
            now = time.monotonic()
            if now - self._last_paint < REPAINT_EVERY_S:
                return
            self._last_paint = now
            self.caption.setText(self.tr("{work}: {n} readings").format(work=text, n=format_count(count)))
            self.caption.repaint()
            self.bar.repaint()

        return on_count
