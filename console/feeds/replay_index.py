"""A replay's index: checkpoints and alarm density, built in a child process or here (``ReplayIndex``).

The indexing pass (``console.feeds.player.IndexPass``) plays the feed on a
private table and book without operator actions, keeping a checkpoint every
``checkpoint_every_ms`` and the time and level of every alarm raised. It runs
in a child process (``index_in_background``: the console's threads keep their
interpreter lock), or here (``build_index``, or as far as a seek needs when no
child is at work). Steps of the child and of this process agree, byte for
byte, so either goes on where the other stopped.

``ReplayIndex`` is a part of ``console.feeds.replay.Replay``, which sets up the
state it reads (``_index_checkpoints``, ``_index_until_ms``, the locks, the
pass and the child).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from console.feeds.index_child import IndexChild
from console.feeds.player import IndexStep

__all__ = ["AlarmDensity", "ReplayIndex"]


@dataclass(frozen=True)
class AlarmDensity:
    """Alarms raised per time bin and level, for the timeline histogram.

    ``edges_ms`` has ``n_bins + 1`` bin edges (UTC epoch ms); ``counts[level - 1]``
    counts the alarms raised at level ``level`` (1..4 = I..IV) in each bin.
    ``complete`` is False while the indexing pass has not reached the end: bins
    after ``indexed_until_ms`` are still empty.
    """

    edges_ms: np.ndarray
    counts: np.ndarray
    indexed_until_ms: int
    complete: bool


class ReplayIndex:
    """Indexing of a ``Replay`` (see the module docstring)."""

    @property
    def indexed_until_ms(self) -> int:
        """How far the indexing pass has gone (checkpoints and density are known up to here)."""
        return self._index_until_ms

    @property
    def checkpoint_bytes(self) -> int:
        """Memory held by checkpoints."""
        with self._data_lock:
            return sum(c.nbytes for c in (*self._index_checkpoints, *self._play_checkpoints))

    @property
    def checkpoint_times(self) -> list[int]:
        """Feed times of the checkpoints kept, in order."""
        with self._data_lock:
            return sorted({c.now_ms for c in (*self._index_checkpoints, *self._play_checkpoints)})

    def build_index(self, on_progress: Callable[[float], None] | None = None,
                    cancel: Callable[[], bool] | None = None) -> bool:
        """Run the indexing pass to the end of the feed (checkpoints and alarm density) in this process.

        May run on a worker thread. ``on_progress`` gets the share done (0..1);
        ``cancel`` returning True stops early. Returns True when complete.
        """
        while self._index_until_ms < self.end_ms:
            if cancel is not None and cancel():
                return False
            self._extend_index(self._index_until_ms + self.checkpoint_every_ms)
            if on_progress is not None:
                on_progress((self._index_until_ms - self.start_ms) / max(1, self.end_ms - self.start_ms))
        return True

    def index_in_background(self) -> bool:
        """Run the indexing pass in a child process (``console.feeds.index_child``); returns at once.

        The checkpoints and the density fill in as the child sends them; seeks
        meanwhile start from the nearest checkpoint known. False when there is
        nothing left to index (or a child runs already).
        """
        if self._index_until_ms >= self.end_ms or self.background_indexing:
            return False
        self.index_error = None
        self._child = IndexChild({**self._index_setup, "path": str(self.columns.path)}, self._add_index_step,
                                 self._on_child_end)
        self._child.send_columns(self.columns, self.end_ms)
        return True

    def stop_background_index(self, wait_s: float = 0.0) -> None:
        """Stop the indexing child; what it sent stays."""
        child = self._child
        if child is not None:
            child.stop(wait_s)

    @property
    def background_indexing(self) -> bool:
        """An indexing child is at work."""
        return self._child is not None and self._child.running

    def close(self) -> None:
        """Stop indexing in the background (a replay put away must not leave a child working)."""
        self.stop_background_index()

    def _on_child_end(self, error: str | None) -> None:
        self.index_error = error

    def _drop_index(self) -> None:
        self.stop_background_index()
        self._child = None
        with self._data_lock:
            self._index_checkpoints, self._raised_t, self._raised_level = [], [], []
            self._index_until_ms = self.start_ms - 1

    def _ensure_indexed(self, t_ms: int) -> None:
        """Index in this process up to ``t_ms``, unless a child does it (then a seek starts from what is known)."""
        while self._index_until_ms < min(t_ms, self.end_ms) and not self.background_indexing:
            self._extend_index(t_ms)

    def _extend_index(self, t_ms: int) -> None:
        with self._index_lock:
            if self._indexer.now_ms < self._index_until_ms:
                # A child went further: go on from its last checkpoint rather than index that stretch again.
                with self._data_lock:
                    latest = max(self._index_checkpoints, key=lambda c: c.now_ms, default=None)
                if latest is not None and latest.now_ms > self._indexer.now_ms:
                    self._indexer.load(latest)
            self._add_index_step(self._indexer.step(t_ms))

    def _add_index_step(self, step: IndexStep) -> None:
        """Keep what an indexing step found beyond what is known (steps of a child and of this process agree)."""
        with self._data_lock:
            known = self._index_until_ms
            if step.until_ms <= known:
                return
            have = {c.now_ms for c in self._index_checkpoints}
            self._index_checkpoints += [c for c in step.checkpoints if c.now_ms > known and c.now_ms not in have]
            new = [i for i, t in enumerate(step.raised_t) if t > known]
            self._raised_t += [step.raised_t[i] for i in new]
            self._raised_level += [step.raised_level[i] for i in new]
            self._index_until_ms = step.until_ms
        if self.on_index_step is not None:
            self.on_index_step(step.until_ms)

    def alarm_density(self, n_bins: int) -> AlarmDensity:
        """Alarms raised per level in ``n_bins`` equal bins over the feed (as far as indexed)."""
        if n_bins < 1:
            raise ValueError("n_bins must be at least 1")
        edges = np.linspace(self.start_ms, self.end_ms + 1, n_bins + 1).round().astype(np.int64)
        with self._data_lock:
            t = np.array(self._raised_t, dtype=np.int64)
            level = np.array(self._raised_level, dtype=np.int64)
        counts = np.zeros((4, n_bins), dtype=np.int64)
        for code in (1, 2, 3, 4):
            counts[code - 1] = np.histogram(t[level == code], bins=edges)[0]
        return AlarmDensity(edges, counts, self.indexed_until_ms, self.indexed_until_ms >= self.end_ms)
