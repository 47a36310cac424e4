"""The Qt binding must not corrupt Python's reference counts.

A console runs for days; a binding that loses one reference to ``None`` per
call crashes the interpreter after a few thousand calls (PySide6 6.12.0 on
Python 3.11 did, which is why pyproject.toml excludes it).

From Python 3.12 ``None`` is immortal: its count never moves, so a lost reference
to it is harmless and cannot be seen. The same conversions carry ordinary objects
into Qt and back out (a value stored in an item, an argument delivered to a slot),
and those objects' counts are exact on every Python: the binding must hand back
every reference it takes.
"""

import sys

import pytest
from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QPainterPath, QStandardItem

CALLS = 1000


class Payload:
    """An ordinary (mortal) object: only this test holds references to it."""


def _none_is_immortal() -> bool:
    before = sys.getrefcount(None)
    held = [None] * CALLS
    moved = sys.getrefcount(None) - before
    del held
    return moved < CALLS


def test_calls_returning_nothing_keep_none_alive():
    if _none_is_immortal():
        pytest.skip("None is immortal on this Python: a lost reference to it cannot crash the console")
    path = QPainterPath()
    before = sys.getrefcount(None)
    for _ in range(CALLS):
        path.setFillRule(Qt.FillRule.OddEvenFill)
    # Other threads may hold or drop a few references meanwhile; a leak is 1000.
    assert abs(sys.getrefcount(None) - before) < 100


def test_an_object_stored_in_qt_and_read_back_keeps_its_count():
    payload = Payload()
    before = sys.getrefcount(payload)
    item = QStandardItem()
    for _ in range(CALLS):
        item.setData(payload, Qt.ItemDataRole.UserRole)  # a call returning nothing, given an object
        returned = item.data(Qt.ItemDataRole.UserRole)  # the object handed back out of Qt
        assert returned is payload
        del returned
    assert sys.getrefcount(payload) == before + 1  # the one the item holds
    del item
    assert sys.getrefcount(payload) == before


def test_an_object_sent_through_a_signal_keeps_its_count():
    class Emitter(QObject):
        fired = Signal(object)

    payload = Payload()
    emitter = Emitter()
    heard = []
    emitter.fired.connect(lambda value: heard.append(value is payload))
    before = sys.getrefcount(payload)
    for _ in range(CALLS):
        emitter.fired.emit(payload)
    assert heard == [True] * CALLS
    assert sys.getrefcount(payload) == before
