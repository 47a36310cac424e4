"""Fixtures of the ergonomics tests: a window on the small sensor layer, and the theme and type put back."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QApplication

from tests.ui.live_fixtures import live_window


@pytest.fixture
def kept_look(qapp):
    """The application's palette, font and theme as they were: a test that switches them restores them."""
    palette, font, style = qapp.palette(), qapp.font(), qapp.style().name()
    had = getattr(qapp, "console_theme", None)
    yield qapp
    qapp.setStyle(style)
    qapp.setPalette(palette)
    qapp.setFont(font)
    if had is None and hasattr(qapp, "console_theme"):
        del qapp.console_theme
    elif had is not None:
        qapp.console_theme = had


@pytest.fixture
def window(qtbot, tmp_path, kept_look):
    window = live_window(qtbot, tmp_path)
    yield window
    if window.ergonomics.wall_mode:
        window.ergonomics.set_wall_mode(False)
    window.leave_drill()
    window.session.close()


def pixel(widget, x: int, y: int):
    """The colour a user sees at (x, y) of ``widget`` (grabbed as painted)."""
    QApplication.processEvents()
    return widget.grab().toImage().pixelColor(x, y)
