"""The window's link to the engine process: live sources never run on the GUI thread.

``EngineLink`` starts the engine (``console.engine.client``) with the window's
sensor table, rules, journal and sources, and ten times a second takes what the
engine sent into the mirror table and book (``console.engine.mirror``). The map
and the warning pane are bound to the mirror as to any table and book; the
pane's actions go back to the engine as commands.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer, Signal

from console.engine.client import Died, EngineClient
from console.engine.mirror import EngineMirror
from console.engine.protocol import EngineSpec, Failed, Hello, Stopped, Update
from console.model.sensors import SensorStatus

TAKE_INTERVAL_MS = 100


class EngineLink(QObject):
    """One running engine process and the mirror of its state.

    Parameters
    ----------
    table : SensorTable
        The window's table for its sensor layers; it becomes the mirror table.
    rules : RuleSet, path or None
    journal_path : Path or None
    sources : sequence of SourceConfig
    source_file : str
        Where the sources came from (shown to the operator).

    Signals
    -------
    ready(): the engine runs and the first state arrived (``mirror.sign`` is set).
    changed(int): an update was applied (rows that changed).
    sources_changed(): new per-source figures.
    warnings_changed(): the CAP warnings in force changed (``mirror.warnings``).
    ended(str): the engine stopped; '' when asked to, else why.
    """

    ready = Signal()
    changed = Signal(int)
    sources_changed = Signal()
    warnings_changed = Signal()
    ended = Signal(str)

    def __init__(self, table, rules, journal_path, sources, source_file: str = "", parent=None):
        super().__init__(parent)
        self.source_file = source_file
        self.sources = tuple(sources)
        spec = EngineSpec(table=table, rules=rules, journal_path=journal_path, sources=self.sources)
        self.client = EngineClient(spec)
        self.mirror = EngineMirror(table, self.client.act)
        self.running = False
        self.end_message: str | None = None
        self.timer = QTimer(self)
        self.timer.setInterval(TAKE_INTERVAL_MS)
        self.timer.timeout.connect(self.take)
        self.timer.start()

    @property
    def table(self):
        return self.mirror.table

    @property
    def book(self):
        return self.mirror.book

    def take(self) -> int:
        """Apply what the engine sent since the last look; returns the sensor rows that changed."""
        rows = 0
        figures = warnings = False
        for message in self.client.take():
            if isinstance(message, (Stopped, Failed, Died)):
                self._end(message)
                continue
            self.mirror.apply(message)
            if isinstance(message, Hello):
                self.running = True
                self.ready.emit()
            elif isinstance(message, Update):
                rows += len(message.rows)
                figures |= message.sources is not None
                warnings |= message.warnings is not None
        if rows:
            self.changed.emit(rows)
        if figures:
            self.sources_changed.emit()
        if warnings:
            self.warnings_changed.emit()
        return rows

    def _end(self, message) -> None:
        if self.end_message is not None:
            return
        self.timer.stop()
        self.running = False
        if isinstance(message, Stopped):
            self.end_message = ""
        elif isinstance(message, Failed):
            self.end_message = message.message
        else:
            self.end_message = self.tr("the engine process ended unexpectedly (exit code {code})").format(
                code=message.exitcode)
        if self.end_message:
            # Nothing the mirror shows is current any more: no sensor may look normal.
            table = self.mirror.table
            rows = list(range(len(table)))
            table.apply_mirrored(rows, {"status": [SensorStatus.OFFLINE] * len(rows)})
            self.changed.emit(len(rows))
        self.ended.emit(self.end_message)

    def stop(self) -> None:
        """Stop the engine (its journal is written and closed) and take its last update."""
        self.client.stop()
        self.take()
        if self.end_message is None:
            self._end(Stopped())
