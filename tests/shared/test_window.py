"""Two windows side by side on one shared state: an acknowledgement made in one appears in the other."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from PySide6.QtGui import QImage, QPainter
from PySide6.QtWidgets import QApplication

from console.alarm_list import Column
from console.model.rules import RuleEngine, RuleSet
from console.model.sensors import SensorTable
from console.shared.service import Parts
from console.ui.main_window import MainWindow
from console.ui.shared_link import SharedLink
from tests.shared.conftest import RunningService
from tests.shared.postgres import postgres_available
from tests.ui.live_fixtures import confirmed, sensor_layer

pytestmark = pytest.mark.skipif(not postgres_available(), reason="postgresql is not installed (scripts/system-deps.sh)")


def state_texts(window) -> dict[str, str]:
    model = window.alarm_pane.model
    return {model.index(r, Column.SENSOR).data().split()[0]: model.index(r, Column.STATE).data()
            for r in range(model.rowCount())}


def test_an_acknowledgement_in_one_window_appears_in_the_other(qtbot, tmp_path, shared_url):
    layer = sensor_layer()
    base = SensorTable.from_layers([layer])
    ruleset = RuleSet.load(None)

    def build() -> Parts:
        table = base.fresh_copy()
        return Parts(table, RuleEngine(ruleset, table), [])

    running = RunningService(shared_url, build)
    windows, links = [], []
    try:
        for name in ("城市中心", "江北区"):
            window = MainWindow()
            qtbot.addWidget(window)
            window.resize(900, 650)
            window.canvas.renderer.add_layer(sensor_layer())
            window.canvas.zoom_full()
            window.set_operator("王建国" if name == "城市中心" else "刘芳")
            links.append(SharedLink(window, shared_url, name, tmp_path / f"{len(links)}.sqlite"))
            window.show()
            windows.append(window)
        a, b = windows
        now = int(time.time() * 1000)
        batch = confirmed([("GAS-00001", 30.0), ("GAS-00003", 12.0)], now)
        running.service.term.engine.post(lambda p: p.process(batch)).result(timeout=30)
        qtbot.waitUntil(lambda: len(state_texts(a)) == 2 and len(state_texts(b)) == 2, timeout=10_000)
        unacked = state_texts(b)["GAS-00001"]
        assert unacked == "Unacknowledged"
        assert a.alarm_pane.select_alarm(1)
        assert a.alarm_pane.acknowledge_selected() == [1]
        qtbot.waitUntil(lambda: b.alarm_pane.model.book.alarms[1].acked_by == "王建国", timeout=5_000)
        qtbot.waitUntil(lambda: state_texts(b)["GAS-00001"] != unacked, timeout=5_000)
        assert state_texts(b)["GAS-00003"] == unacked  # the other alarm is untouched
        qtbot.waitUntil(lambda: state_texts(a)["GAS-00001"] == state_texts(b)["GAS-00001"], timeout=5_000)
        assert b.alarm_pane.model.book.alarm_rate() == 2  # two annunciations in the last ten minutes
        assert links[1].banner.text().startswith("Shared alarm state: live")
        assert b.journal_label.text().startswith("Shared state: postgresql://")  # not "No journal"
        # Both windows side by side, as the duty room sees them.
        grabs = [w.grab().toImage() for w in windows]
        side = QImage(sum(g.width() for g in grabs), max(g.height() for g in grabs), QImage.Format.Format_RGB32)
        painter = QPainter(side)
        painter.drawImage(0, 0, grabs[0])
        painter.drawImage(grabs[0].width(), 0, grabs[1])
        painter.end()
        out = tmp_path / "two-consoles.png"
        assert side.save(str(out))
        grab_to = os.environ.get("CONSOLE_GRAB_DIR")  # where to keep the picture for a look
        if grab_to:
            side.save(str(Path(grab_to) / "two-consoles.png"))
        # The service goes: both windows say so, and keep showing the state.
        running.stop()
        qtbot.waitUntil(lambda: links[1].banner.text().startswith("No alarm service is running"), timeout=10_000)
        assert b.alarm_pane.model.book.alarms[1].acked_by == "王建国"
        # A console opened headless for a picture waits for its first read: the alarms, not an empty pane.
        from console.commands.open import wait_for_shared

        c = MainWindow()
        qtbot.addWidget(c)
        c.canvas.renderer.add_layer(sensor_layer())
        links.append(SharedLink(c, shared_url, "值班长", tmp_path / "c.sqlite"))
        wait_for_shared(QApplication.instance(), links[-1])
        assert links[-1].console.reads > 0 and len(state_texts(c)) == 2
        # Another state shown meanwhile (a drill's), then back: the shared state, not the window's own.
        from console.model.alarms import AlarmBook

        other = links[1].table.fresh_copy()
        other_book = AlarmBook(other)
        b.show_state(other, other_book, b.session.names, links[1].sign)
        assert b.alarm_pane.model.book is other_book
        b.show_live_state()
        assert b.alarm_pane.model.book is links[1].book and b.live_table is links[1].table
    finally:
        running.stop()
        for link in links:
            link.stop()
