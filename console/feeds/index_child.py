"""A replay's indexing pass in a child process, beside the console instead of sharing its interpreter lock.

Run on a thread of the console, the indexing pass held the GUI thread for up to
~130 ms at a time: the interpreter lock is held through the pass's long calls
and through full garbage collections that its new alarms set off. In a child
process it costs the console's threads nothing but reading the results.

The parent (``IndexChild``) starts a plain ``python -c`` process and writes it,
on its standard input, the setup (sensor table, rules, options; pickled) and
then the feed as it comes: readings as raw column bytes, the other events
pickled, and at last the feed's end. The feed can be given while it is still
being decoded (``add`` from ``decode_feed``'s ``on_piece``): the child indexes
up to the newest time it has, so that when the replay opens most of its index
is there already. The child plays the feed with
``console.feeds.player.IndexPass`` and writes each step (``IndexStep``: the
checkpoints and alarms raised up to a time) on its standard output as it goes;
a thread of the parent reads them and hands them to ``on_step``.
"""

from __future__ import annotations

import contextlib
import json
import os
import pickle
import queue
import subprocess
import sys
import tempfile
import threading
import traceback
from collections.abc import Callable
from pathlib import Path

import numpy as np

from console.feeds.columns import FeedColumns

__all__ = ["IndexChild", "IndexOnFirstPiece"]

_COLUMNS = (("row", np.int32), ("t_ms", np.int64), ("value", np.float64), ("quality", np.uint8))
_CHUNK_BYTES = 8 << 20
CHILD_NICENESS = 10
_CHILD_CODE = ("import sys, json; sys.path[:0] = json.loads(sys.argv[1]); "
               "from console.feeds.index_child import _child_main; _child_main()")


class IndexChild:
    """The indexing pass of one feed in a child process.

    Parameters
    ----------
    setup : dict
        ``template`` (SensorTable), ``rules`` (RuleSet), ``book_options``,
        ``origin_ms``, ``tick_ms``, ``checkpoint_every_ms``, ``source``, ``path``:
        what ``IndexPass`` takes besides the columns and the end.
    on_step : callable
        Called on the reading thread with each ``IndexStep``, in order.
    on_end : callable
        Called on the reading thread once, with None when the pass reached the
        end of the feed, or with what went wrong (not called after ``stop``).

    ``add`` and ``finish`` give the feed (from one thread, in feed order);
    ``send_columns`` gives a whole decoded feed from a thread of its own.
    """

    def __init__(self, setup: dict, on_step: Callable, on_end: Callable[[str | None], None]):
        self._setup = setup
        self._on_step = on_step
        self._on_end = on_end
        self._stopped = threading.Event()
        self._errors = tempfile.TemporaryFile()  # noqa: SIM115 (closed by the reading thread)
        self._process = subprocess.Popen([sys.executable, "-c", _CHILD_CODE, json.dumps(sys.path)],
                                         stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._errors)
        self._events: list = []  # (event, position) not sent yet: they go before the next readings
        self._broken = False
        self._write(pickle.dumps(setup, protocol=pickle.HIGHEST_PROTOCOL))
        self._thread = threading.Thread(target=self._read, name="replay-index-child", daemon=True)
        self._thread.start()

    @property
    def pid(self) -> int:
        return self._process.pid

    @property
    def running(self) -> bool:
        return self._thread.is_alive() and not self._stopped.is_set()

    # --- the feed, in order -----------------------------------------------------------------------
    def add(self, kind: str, *payload) -> None:
        """``add("readings", rows, t_ms, value, quality)`` or ``add("event", event, position)``."""
        if kind == "event":
            self._events.append(payload)
            return
        self._flush_events()
        rows, t_ms, value, quality = payload
        self._write(pickle.dumps(("readings", len(t_ms)), protocol=pickle.HIGHEST_PROTOCOL))
        for (_name, dtype), array in zip(_COLUMNS, (rows, t_ms, value, quality), strict=True):
            data = memoryview(np.ascontiguousarray(array, dtype=dtype)).cast("B")
            for start in range(0, len(data), _CHUNK_BYTES):
                self._write(data[start:start + _CHUNK_BYTES])  # the interpreter lock is let go meanwhile

    def finish(self, end_ms: int) -> None:
        """The feed is complete; it ends at ``end_ms``."""
        self._flush_events()
        self._write(pickle.dumps(("end", int(end_ms)), protocol=pickle.HIGHEST_PROTOCOL))
        with contextlib.suppress(OSError):
            self._process.stdin.close()

    def send_columns(self, columns: FeedColumns, end_ms: int) -> None:
        """Give a whole decoded feed, from a thread of its own (hundreds of megabytes to write)."""

        def send() -> None:
            starts = [0, *columns.event_pos.tolist(), len(columns)]
            for i in range(len(starts) - 1):
                if i:
                    self.add("event", columns.events[i - 1], starts[i])
                lo, hi = starts[i], starts[i + 1]
                if hi > lo:
                    self.add("readings", columns.row[lo:hi], columns.t_ms[lo:hi], columns.value[lo:hi],
                             columns.quality[lo:hi])
            self.finish(end_ms)

        threading.Thread(target=send, name="replay-index-feed", daemon=True).start()

    def stop(self, wait_s: float = 0.0) -> None:
        """Stop the child (what it found so far stays with the caller)."""
        self._stopped.set()
        if self._process.poll() is None:
            self._process.kill()
        if wait_s > 0 and self._thread.is_alive():
            self._thread.join(wait_s)

    def _flush_events(self) -> None:
        if self._events:
            events, self._events = self._events, []
            self._write(pickle.dumps(("events", events), protocol=pickle.HIGHEST_PROTOCOL))

    def _write(self, data) -> None:
        if self._broken or self._stopped.is_set():
            return
        try:
            self._process.stdin.write(data)
        except (BrokenPipeError, ValueError, OSError):
            self._broken = True  # the child ended: the reading thread reports why

    # --- what the child sends -------------------------------------------------------------------
    def _read(self) -> None:
        try:
            error = self._take_steps()
        except (OSError, pickle.UnpicklingError, ValueError) as exc:
            error = f"{type(exc).__name__}: {exc}"
        child = self._process
        if child.poll() is None:
            child.kill()
        child.wait(5)
        child.stdout.close()
        if error is not None and not self._stopped.is_set():
            self._errors.seek(0)
            tail = self._errors.read()[-2000:].decode("utf-8", "replace").strip()
            error = f"{error}\n{tail}" if tail else error
        self._errors.close()
        if not self._stopped.is_set():
            self._on_end(error)

    def _take_steps(self) -> str | None:
        while True:
            try:
                kind, payload = pickle.load(self._process.stdout)
            except EOFError:
                return None if self._stopped.is_set() else "the indexing child ended without a word"
            if self._stopped.is_set():
                return None
            if kind == "step":
                self._on_step(payload)
            elif kind == "end":
                return None
            else:
                return str(payload)


class IndexOnFirstPiece:
    """Hands the pieces ``decode_feed`` decodes (its ``on_piece``) to an ``IndexChild`` started at the first.

    The feed comes in time order: its first piece starts the tick grid, as the
    replay's does; ``setup_for(first_ms)`` gives the child's setup for it.
    """

    def __init__(self, setup_for: Callable[[int], dict], on_step: Callable, on_end: Callable[[str | None], None]):
        self._setup_for, self._on_step, self._on_end = setup_for, on_step, on_end
        self.setup: dict | None = None
        self.child: IndexChild | None = None

    def add(self, kind: str, *payload) -> None:
        if self.child is None:
            first_ms = int(payload[1][0]) if kind == "readings" else int(payload[0].t_ms)
            self.setup = self._setup_for(first_ms)
            self.child = IndexChild(self.setup, self._on_step, self._on_end)
        self.child.add(kind, *payload)

    def finish(self, end_ms: int) -> None:
        if self.child is not None:
            self.child.finish(end_ms)

    def stop(self) -> None:
        if self.child is not None:
            self.child.stop()


# --- the child's side --------------------------------------------------------------------------------


class _GrowingColumns:
    """Feed columns that grow as pieces come (capacity doubles), seen by the player as ``FeedColumns``."""

    def __init__(self, path: Path):
        self.size = 0
        self.buffers = {name: np.empty(1 << 16, dtype=dtype) for name, dtype in _COLUMNS}
        self.columns = FeedColumns(path, *(b[:0] for b in self.buffers.values()), events=[],
                                   event_pos=np.empty(0, np.int64), event_t=np.empty(0, np.int64))

    def add_readings(self, arrays: dict) -> None:
        n = len(arrays["t_ms"])
        if self.size + n > len(self.buffers["t_ms"]):
            capacity = max(2 * len(self.buffers["t_ms"]), self.size + n)
            for name, old in list(self.buffers.items()):
                grown = np.empty(capacity, dtype=old.dtype)
                grown[:self.size] = old[:self.size]
                self.buffers[name] = grown
        for name, buffer in self.buffers.items():
            buffer[self.size:self.size + n] = arrays[name]
        self.size += n
        for name, buffer in self.buffers.items():
            setattr(self.columns, name, buffer[:self.size])

    def add_events(self, events: list) -> None:
        c = self.columns
        c.events += [event for event, _pos in events]
        c.event_pos = np.concatenate((c.event_pos, np.array([pos for _e, pos in events], dtype=np.int64)))
        c.event_t = np.concatenate((c.event_t, np.array([e.t_ms for e, _pos in events], dtype=np.int64)))

    @property
    def newest_ms(self) -> int | None:
        c = self.columns
        times = ([int(c.t_ms[-1])] if len(c.t_ms) else []) + ([int(c.event_t[-1])] if len(c.event_t) else [])
        return max(times) if times else None


def _child_main() -> None:
    """Entry point of an indexing child: the setup and the feed from stdin, the steps to stdout."""
    from console.feeds.player import IndexPass

    source, out = sys.stdin.buffer, sys.stdout.buffer
    # Behind the console in the queue for a CPU: on a busy machine, playing at 3600x starved of
    # one lost its frame rate (and the decode the console waits for went slower).
    with contextlib.suppress(AttributeError, OSError):
        os.nice(CHILD_NICENESS)

    def send(message) -> None:
        pickle.dump(message, out, protocol=pickle.HIGHEST_PROTOCOL)
        out.flush()

    with contextlib.suppress(BrokenPipeError):  # the parent stopped reading
        try:
            setup = pickle.load(source)
            incoming: queue.Queue = queue.Queue()
            # Read on a thread of its own, so the parent never waits on a full pipe while this indexes.
            threading.Thread(target=_receive, args=(source, incoming), daemon=True).start()
            feed = _GrowingColumns(Path(setup["path"]))
            index = IndexPass(feed.columns, setup["template"], setup["rules"], setup["book_options"],
                              setup["origin_ms"], 2**62, setup["tick_ms"], setup["checkpoint_every_ms"],
                              setup["source"])
            end_ms = None
            while end_ms is None or index.now_ms < end_ms:
                # Everything before the newest time received is complete (the feed comes in time order).
                newest = feed.newest_ms
                ready = end_ms if end_ms is not None else (None if newest is None else newest - 1)
                block = ready is None or index.now_ms >= ready
                while True:
                    try:
                        kind, payload = incoming.get(block=block)
                    except queue.Empty:
                        break
                    block = False
                    if kind == "readings":
                        feed.add_readings(payload)
                    elif kind == "events":
                        feed.add_events(payload)
                    elif kind == "end":
                        end_ms = index.end_ms = payload
                    else:
                        raise payload
                if end_ms is None and (feed.newest_ms is None or index.now_ms >= feed.newest_ms - 1):
                    continue
                send(("step", index.step(end_ms if end_ms is not None else feed.newest_ms - 1)))
            send(("end", None))
        except Exception:  # noqa: BLE001 (everything is told to the parent, which reports it)
            send(("error", traceback.format_exc(limit=8)))


def _receive(source, incoming: queue.Queue) -> None:
    try:
        while True:
            kind, payload = pickle.load(source)
            if kind == "readings":
                arrays = {}
                for name, dtype in _COLUMNS:
                    array = np.empty(payload, dtype=dtype)
                    _read_into(source, memoryview(array).cast("B"))
                    arrays[name] = array
                payload = arrays
            incoming.put((kind, payload))
            if kind == "end":
                return
    except Exception as exc:  # noqa: BLE001 (handed to the indexing loop, which reports it)
        incoming.put(("error", exc))


def _read_into(source, buffer: memoryview) -> None:
    filled = 0
    while filled < len(buffer):
        got = source.readinto(buffer[filled:])
        if not got:
            raise EOFError("the feed's columns ended early")
        filled += got
