"""An iterator run on a thread of its own, a few items ahead of its consumer."""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator


def _ahead(events: Iterator, depth: int) -> Iterator:
    """Run an iterator on a thread of its own, ``depth`` items ahead; errors are raised to the consumer.

    The thread starts at once, before the first item is asked for.
    """
    items: queue.Queue = queue.Queue(maxsize=depth)
    stop = threading.Event()
    end = object()

    def put(entry) -> bool:
        while not stop.is_set():
            try:
                items.put(entry, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        try:
            for item in events:
                if not put(("item", item)):
                    events.close()  # the consumer left early
                    return
            put(("end", end))
        except BaseException as exc:  # handed to the consumer, raised there
            put(("error", exc))

    thread = threading.Thread(target=produce, name="feed-ahead", daemon=True)
    thread.start()
    return _Consumer(items, stop, thread)


class _Consumer:
    """The consuming end of ``_ahead``: iterate it; ``close`` stops the producing thread."""

    def __init__(self, items: queue.Queue, stop: threading.Event, thread: threading.Thread):
        self._items, self._stop, self._thread = items, stop, thread
        self._done = False

    def __iter__(self) -> _Consumer:
        return self

    def __next__(self):
        if self._done:
            raise StopIteration
        kind, item = self._items.get()
        if kind == "end":
            self.close()
            raise StopIteration
        if kind == "error":
            self.close()
            raise item
        return item

    def close(self) -> None:
        self._done = True
        self._stop.set()
        self._thread.join(5)

    def __del__(self) -> None:  # a consumer that stopped early: let the thread go
        self._stop.set()
