"""The engine in a process of its own, serving a window (no Qt).

On two cores the interpreter lock would make the window's frames wait behind
parsing and rules; in a child process they do not. The child builds the
adapters, the pipeline (which restores from the journal) and the ``Engine``,
then loops: commands from the window first (an operator's click never waits
behind a burst), one engine step, and every ``update_interval_s`` an ``Update``
with what changed. When the window goes away (its end of the pipe closes) the
child stops the sources and closes the journal, so nothing queued is lost.
"""

from __future__ import annotations

import sys
import time
import traceback

from console.engine.protocol import (
    ACTIONS,
    MIRRORED_COLUMNS,
    Act,
    Answer,
    EngineSpec,
    Failed,
    Hello,
    Stop,
    Stopped,
    Update,
)

IDLE_WAIT_S = 0.01  # an idle loop waits on the pipe: a command wakes it at once
UNKNOWN_IDS_SHOWN = 20


def serve_window(conn) -> None:
    """Entry point of the engine process: take the ``EngineSpec``, run until ``Stop`` or until the window's end closes."""
    try:
        spec = conn.recv()
    except (EOFError, OSError):
        return
    try:
        host = EngineHost(spec, conn)
    except Exception as exc:  # the window shows why the engine did not start
        _send(conn, Failed(str(exc) or type(exc).__name__))
        conn.close()
        return
    try:
        host.run()
    except Exception as exc:
        traceback.print_exc(file=sys.stderr)
        _send(conn, Failed(f"the engine stopped: {exc}"))
    finally:
        host.close()
        conn.close()


def _send(conn, message) -> bool:
    try:
        conn.send(message)
        return True
    except (BrokenPipeError, EOFError, OSError):
        return False


class EngineHost:
    """One engine and the window it serves over a pipe."""

    def __init__(self, spec: EngineSpec, conn):
        from console.engine.engine import Engine
        from console.model.journal import Journal
        from console.model.pipeline import Pipeline
        from console.sources import build_adapters

        self.spec, self.conn = spec, conn
        table = spec.table
        adapters = build_adapters(spec.sources, known_sensors=table.ids.tolist())
        journal = Journal(spec.journal_path) if spec.journal_path is not None else None
        try:
            pipeline = Pipeline(table, spec.rules, journal=journal)
        except Exception:
            if journal is not None:
                journal.close()
            raise
        self.engine = Engine(pipeline, adapters)
        self._seq = 0
        self._table_version = -1  # the first update carries every row
        self._book_version = 0
        self._sent_alarms: set[int] = set()
        self._warnings_version = 0  # the window starts with none
        self._closed = False

    # --- loop ---------------------------------------------------------------
    def run(self) -> None:
        pipeline = self.engine.pipeline
        journal = pipeline.journal
        if not _send(self.conn, Hello(pipeline.engine.sign, pipeline.table.levels, pipeline.table.rule,
                                      "" if journal is None else str(journal.path),
                                      tuple(pipeline.engine.warnings))):
            return
        self._send_update(figures=True)
        self.engine.start()
        interval, figures_every = self.spec.update_interval_s, self.spec.figures_interval_s
        next_update = next_figures = time.monotonic()
        while True:
            answered = self._take_commands()
            if answered is None:
                return
            taken = self.engine.step()
            now = time.monotonic()
            if answered or now >= next_update:
                figures = now >= next_figures
                if not self._send_update(figures):
                    return
                next_update = now + interval
                if figures:
                    next_figures = now + figures_every
            elif taken == 0:
                try:
                    self.conn.poll(min(IDLE_WAIT_S, max(0.0, next_update - now)))
                except (EOFError, OSError):
                    return

    def _take_commands(self) -> int | None:
        """Run what the window asked; the number answered, or None when the window is gone or said stop."""
        answered = 0
        try:
            while self.conn.poll():
                message = self.conn.recv()
                if isinstance(message, Stop):
                    return None
                if isinstance(message, Act):
                    if not _send(self.conn, self._act(message)):
                        return None
                    answered += 1
        except (EOFError, OSError):
            return None
        return answered

    def _act(self, act: Act) -> Answer:
        book = self.engine.pipeline.book
        if act.method not in ACTIONS:
            return Answer(act.request, act.method, False, message=f"unknown action {act.method!r}")
        try:
            result = getattr(book, act.method)(*act.args, **act.kwargs)
        except KeyError as exc:  # an alarm id the book does not hold (pruned, or never raised)
            return Answer(act.request, act.method, False, message=f"no alarm {exc.args[0] if exc.args else ''}")
        except ValueError as exc:  # refused: the operator reads why
            return Answer(act.request, act.method, False, message=str(exc))
        except Exception as exc:  # a fault in one action must not stop the sources and the rules
            traceback.print_exc(file=sys.stderr)
            return Answer(act.request, act.method, False, message=f"{act.method} failed: {type(exc).__name__}: {exc}")
        return Answer(act.request, act.method, True, result=result)

    # --- updates --------------------------------------------------------------
    def _send_update(self, figures: bool) -> bool:
        pipeline = self.engine.pipeline
        table, book = pipeline.table, pipeline.book
        rows = table.changed_since(self._table_version)
        self._table_version = table.version
        changes = book.changes_since(self._book_version)
        self._book_version = changes.version
        self._sent_alarms.update(alarm.alarm_id for alarm in changes.alarms)
        gone: list[int] = []
        if figures:
            gone = [alarm_id for alarm_id in self._sent_alarms if alarm_id not in book.alarms]
            self._sent_alarms.difference_update(gone)
        warnings = self.engine.warnings
        changed_warnings = warnings.version != self._warnings_version
        self._warnings_version = warnings.version
        if not (rows.size or changes.alarms or changes.incidents or gone or figures or changed_warnings):
            return True
        self._seq += 1
        update = Update(
            seq=self._seq,
            clock_ms=int(book.clock_ms),
            rows=rows,
            columns={name: getattr(table, name)[rows] for name in MIRRORED_COLUMNS},
            alarms=changes.alarms,
            incidents=changes.incidents,
            gone_alarms=gone,
            alarm_rate=book.alarm_rate(),  # on the book's clock: a replayed source runs on its feed's time
            sources=self._figures() if figures else None,
            unknown_by_source={source: dict(counter.most_common(UNKNOWN_IDS_SHOWN))
                               for source, counter in table.unknown_by_source.items()} if figures else None,
            warnings=list(warnings.active) if changed_warnings else None,
        )
        return _send(self.conn, update)  # pickled now: the window gets copies of this moment

    def _figures(self) -> list[dict]:
        figures = self.engine.source_figures()
        for item, adapter in zip(figures, self.engine.adapters, strict=True):
            health = self.engine.health[adapter.name].adapter
            item.update(source_detail(health))
        return figures

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        try:
            self.engine.stop()  # the sources end, what they delivered is taken, the journal is written
            self._send_update(figures=True)
        finally:
            _send(self.conn, Stopped())


def source_detail(health) -> dict:
    """What the Sources pane shows beyond the summary's counters: link, rejections by reason, the last 50."""
    if health is None:
        return {"link": "", "rejected_by_reason": {}, "rejections": [], "overflow": 0}
    recent = getattr(health, "recent_rejected", None)
    if recent is not None and all(hasattr(r, "topic") for r in recent):
        rejections = [{"reason": str(r.reason), "where": r.topic, "detail": r.detail} for r in recent]
    else:
        rejections = [{"reason": reason, "where": f"line {line}", "detail": ""}
                      for line, reason in health.recent_rejections]
    return {
        "link": str(getattr(health, "link", "")),
        "rejected_by_reason": dict(getattr(health, "rejected_by_reason", {}) or {}),
        "rejections": rejections,
        "overflow": int(getattr(health, "overflow", 0)),
    }
