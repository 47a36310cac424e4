"""A click on a CAP warning's area on the map selects the warning and shows its full text in the Warnings pane."""

from __future__ import annotations

import time

from PySide6.QtCore import QPointF

from tests.cap.test_publish_window import window  # noqa: F401 (the fixture)
from tests.ui.test_window_warnings import HOUR, RED_BOX, YELLOW_BOX, connect_cap, warning


def test_clicking_inside_an_area_shows_that_warning_in_full(window, qtbot, tmp_path):  # noqa: F811
    folder = tmp_path / "cap"
    folder.mkdir()
    now = int(time.time() * 1000)
    (folder / "rain.xml").write_text(warning("RAIN-1", RED_BOX, "红", "暴雨", now - HOUR), encoding="utf-8")
    (folder / "wind.xml").write_text(warning("WIND-1", YELLOW_BOX, "黄", "大风", now - HOUR), encoding="utf-8")
    connect_cap(window, qtbot, tmp_path, folder)
    pane = window.sources.warnings_pane
    qtbot.waitUntil(lambda: pane.table.rowCount() == 2, timeout=30_000)
    window.alarms_dock.raise_()
    assert pane.selected() is None

    x0, y0, x1, y1 = YELLOW_BOX
    window.canvas.identify_at(QPointF(x0 + 1_000, y0 + 1_000))  # inside the yellow area, no sensor there
    assert pane.selected().identifier == "WIND-1"
    assert "预计未来3小时金桥区将出现大风。" in pane.text.toPlainText()
    assert "Level: Yellow (level III)" in pane.text.toPlainText()
    assert window.sources.warnings_dock.isVisible()

    x0, y0, x1, y1 = RED_BOX
    window.canvas.identify_at(QPointF(x0 + 500, y1 - 500))
    assert pane.selected().identifier == "RAIN-1"
    assert "暴雨" in pane.text.toPlainText()
