"""A QPainter that is always ended.

A painter left active when drawing raises stays alive in the exception's
traceback; when that traceback is freed later (by the garbage collector, or
by a thread-exception hook) the painter ends on an image that may be gone
already and writes to freed memory. Code that may raise while it paints, and
all code on worker threads, paints through ``painting``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from PySide6.QtGui import QPaintDevice, QPainter


@contextmanager
def painting(device: QPaintDevice) -> Iterator[QPainter]:
    painter = QPainter(device)
    try:
        yield painter
    finally:
        painter.end()
