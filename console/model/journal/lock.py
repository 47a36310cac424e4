"""Who writes a journal: an advisory lock beside the file, held while a ``Journal`` is open.

The journal's rows are numbered by the book that writes them (alarm ids, action
and transition sequence numbers) and its alarm rows are snapshots of that book.
A console, ``console serve`` or ``console process`` holds a *shared* ``flock``
on ``<journal>.lock`` while its ``Journal`` is open; ``console act``, which
rebuilds a book of its own from the file to apply one action, takes it
*exclusive*, and is refused at once while anyone else has the journal open (its
numbers and rows would collide with the running book's). A writer that opens
while an action is being applied waits for it (a fraction of a second). The
kernel drops the lock when its process ends, so a crash never leaves a journal
locked; the lock file itself stays and is harmless. Readers (reports,
``console alarms``) take no lock.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from console.model.journal.schema import JournalError

try:
    import fcntl
except ImportError:  # not on Windows: there the journal is not protected against a second writer
    fcntl = None

__all__ = ["WriterLock", "lock_path"]

# How long a writer waits for a ``console act`` to finish before it gives up.
SHARED_WAIT_S = 10.0


def lock_path(path) -> Path:
    path = Path(path)
    return path.with_name(path.name + ".lock")


class WriterLock:
    """A shared (``exclusive=False``) or exclusive lock on ``<path>.lock``; ``JournalError`` when refused."""

    def __init__(self, path, exclusive: bool = False):
        self.path = Path(path)
        self._fd: int | None = None
        if fcntl is None or self.path.is_dir() or not self.path.parent.is_dir():
            return  # connect() names what is wrong with the path itself
        where = lock_path(self.path)
        try:
            fd = os.open(where, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError:
            return  # a read-only folder: the journal cannot be written either, and connect() says so
        mode = fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH
        deadline = time.monotonic() + (0.0 if exclusive else SHARED_WAIT_S)
        while True:
            try:
                fcntl.flock(fd, mode | fcntl.LOCK_NB)
                break
            except OSError:
                if time.monotonic() >= deadline:
                    os.close(fd)
                    raise JournalError(self.path, self._refusal(exclusive, where)) from None
                time.sleep(0.05)
        self._fd = fd

    @staticmethod
    def _refusal(exclusive: bool, where: Path) -> str:
        if exclusive:
            return (f"is open in a running console or service (lock {where}): act in that console's window, "
                    "or stop it first; one book writes one journal")
        return f"is held by a `console act` that did not finish within {SHARED_WAIT_S:.0f} s (lock {where})"

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)  # closing the descriptor drops the lock
            self._fd = None
