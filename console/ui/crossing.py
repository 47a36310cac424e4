"""The one crossing from worker threads onto the GUI thread.

Model objects emit their events (psygnal signals, plain callbacks) on whatever
thread changed them: a feed's reader, an MQTT client's network loop. Qt widgets
may only be touched on the GUI thread. ``GuiCrossing`` is the one place where
that hand-over happens: anything may post a call from any thread; one ``QTimer``
on the GUI thread applies everything queued so far, in order, in one batch.

Views still pull their data by version number (``changes_since``); the crossing
carries only what is pushed, so a burst of events costs one batch per tick, not
one Qt signal each (pyqtgraph's ``SignalProxy`` evens out bursts the same way).
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer

# 15 Hz: within the 10-20 Hz a person reads as instant, and a burst of events
# from a feed becomes one batch per tick on the GUI thread.
CROSSING_INTERVAL_MS = 66


class GuiCrossing(QObject):
    """Queues calls from any thread and applies them on the GUI thread in batches.

    Parameters
    ----------
    interval_ms : int
        Period of the timer that applies the queue; 0 leaves ``flush`` to the caller.
    parent : QObject, optional
        Create the crossing on the GUI thread: its timer runs there.

    Attributes
    ----------
    timer : QTimer
        Applies the queue every ``interval_ms``.
    applied : int
        Calls applied so far (for tests and benchmarks).
    """

    def __init__(self, interval_ms: int = CROSSING_INTERVAL_MS, parent=None):
        super().__init__(parent)
        # deque.append and popleft are atomic: posting threads never wait for the GUI thread.
        self._queue: deque[tuple[Callable, tuple]] = deque()
        self._gui_thread = threading.get_ident()
        self.applied = 0
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.flush)
        if interval_ms > 0:
            self.timer.start()

    def post(self, callback: Callable, *args) -> None:
        """Have ``callback(*args)`` called on the GUI thread with the next batch (from any thread)."""
        self._queue.append((callback, args))

    def relay(self, signal, callback: Callable) -> Callable:
        """Connect ``signal`` (a psygnal ``SignalInstance``) so that ``callback`` gets its emissions here.

        Returns the connected function, for ``signal.disconnect``.
        """

        def cross(*args) -> None:
            self.post(callback, *args)

        signal.connect(cross)
        return cross

    @property
    def pending(self) -> int:
        """Calls waiting for the next batch."""
        return len(self._queue)

    def flush(self) -> int:
        """Apply the calls queued so far, oldest first; returns how many (on the GUI thread only).

        Calls posted while the batch runs wait for the next one. A call that
        raises leaves the rest of the batch queued for the next tick.
        """
        if threading.get_ident() != self._gui_thread:
            raise RuntimeError("GuiCrossing.flush runs on the thread that created the crossing")
        queue = self._queue
        count = 0
        for _ in range(len(queue)):
            callback, args = queue.popleft()
            count += 1
            self.applied += 1
            callback(*args)
        return count
