"""The window's end of the engine process (no Qt).

``EngineClient`` starts the engine process and keeps a reader thread on the pipe,
so the engine never waits for the window to take an update: messages are
unpickled off the GUI thread and wait in a queue until the window's next refresh
takes them (``take``). Commands go the other way at once (``act``).
"""

from __future__ import annotations

import contextlib
import itertools
import multiprocessing
import queue
import threading
from dataclasses import dataclass

from console.engine.child import serve_window
from console.engine.protocol import ACTIONS, Act, EngineSpec, Failed, Stop, Stopped


@dataclass(frozen=True)
class Died:
    """The engine process ended without saying why (killed, crashed)."""

    exitcode: int | None


class EngineClient:
    """Starts ``serve_window`` in a child process and talks to it.

    Parameters
    ----------
    spec : EngineSpec
    """

    def __init__(self, spec: EngineSpec):
        context = multiprocessing.get_context("spawn")  # a fork of a Qt process is not safe
        self._conn, child_end = context.Pipe()
        self.process = context.Process(target=serve_window, args=(child_end,), name="console-engine", daemon=True)
        self.process.start()
        child_end.close()
        self._inbox: queue.SimpleQueue = queue.SimpleQueue()
        self._requests = itertools.count(1)
        self._send_lock = threading.Lock()
        self.ended = False
        # The spec goes over the pipe from the reader thread: the child takes it only once its interpreter
        # has started (a second or two), and the GUI thread must not wait for that.
        self._reader = threading.Thread(target=self._read, args=(spec,), name="engine-reader", daemon=True)
        self._reader.start()

    def _read(self, spec: EngineSpec) -> None:
        try:
            with self._send_lock:
                self._conn.send(spec)
        except (BrokenPipeError, OSError):
            pass  # the child is gone already: the recv below reports it
        while True:
            try:
                message = self._conn.recv()
            except (EOFError, OSError):
                self.process.join(timeout=5)
                self._inbox.put(Died(self.process.exitcode))
                return
            self._inbox.put(message)
            if isinstance(message, (Stopped, Failed)):
                self.process.join(timeout=10)
                return

    def take(self) -> list:
        """Every message that arrived since the last call, oldest first."""
        messages = []
        while True:
            try:
                message = self._inbox.get_nowait()
            except queue.Empty:
                return messages
            if isinstance(message, (Stopped, Failed, Died)):
                self.ended = True
            messages.append(message)

    def act(self, method: str, *args, **kwargs) -> int:
        """Ask the engine to run ``book.<method>(*args, **kwargs)``; the ``Answer`` carries the returned number."""
        if method not in ACTIONS:
            raise ValueError(f"unknown action {method!r}")
        request = next(self._requests)
        self._send(Act(request, method, args, kwargs))
        return request

    def _send(self, message) -> None:
        with self._send_lock:
            try:
                self._conn.send(message)
            except (BrokenPipeError, OSError) as exc:
                raise ConnectionError("the engine process is not running") from exc

    @property
    def running(self) -> bool:
        return self.process.is_alive() and not self.ended

    def stop(self, timeout_s: float = 15.0) -> None:
        """Stop the engine: its sources end and its journal is written and closed."""
        if self.process.is_alive():
            with contextlib.suppress(ConnectionError):  # it ended meanwhile
                self._send(Stop())
            self.process.join(timeout_s)
        if self.process.is_alive():  # a stuck engine must not keep the window from closing
            self.process.terminate()
            self.process.join(5)
        self._reader.join(timeout=5)
        self._conn.close()
