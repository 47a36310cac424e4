"""The Qt binding must not corrupt Python's reference counts.

A console runs for days; a binding that loses one reference to ``None`` per
call crashes the interpreter after a few thousand calls (PySide6 6.12.0 on
Python 3.11 did, which is why pyproject.toml excludes it).
"""

import sys

from PySide6.QtCore import Qt
from PySide6.QtGui import QPainterPath


def test_calls_returning_nothing_keep_none_alive():
    path = QPainterPath()
    before = sys.getrefcount(None)
    for _ in range(1000):
        path.setFillRule(Qt.FillRule.OddEvenFill)
    # Other threads may hold or drop a few references meanwhile; a leak is 1000.
    assert abs(sys.getrefcount(None) - before) < 100
