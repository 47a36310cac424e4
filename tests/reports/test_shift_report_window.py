"""The window's "Shift report…": the shift on duty, from its handover until now, written where the operator says."""

from __future__ import annotations

import shutil
import subprocess

import pytest
from PySide6.QtWidgets import QFileDialog

from console.ui.main_window import MainWindow
from console.ui.shift_report import write_shift_report
from tests.ui.live_fixtures import MINUTE, T0, confirmed, sensor_layer


@pytest.fixture
def window(qtbot, tmp_path):
    """Zhao hands over to 李明 at T0; one alarm before the handover, one after, acknowledged."""
    now = {"ms": T0 - 30 * MINUTE}
    win = MainWindow()
    qtbot.addWidget(win)
    win.session.clock = lambda: now["ms"]
    win.open_journal(tmp_path / "journal.sqlite")
    win.set_operator("Zhao")
    win.canvas.renderer.add_layer(sensor_layer())
    assert win.start_live()
    win.feed(confirmed([("GAS-00001", 30.0)], T0 - 25 * MINUTE))
    now["ms"] = T0
    win.set_operator("李明")
    win.feed(confirmed([("GAS-00002", 30.0), ("WLG-00001", 20.0)], T0 + MINUTE))
    alarm = {a.sensor_id: a.alarm_id for a in win.session.book.alarms.values()}
    win.session.book.acknowledge([alarm["GAS-00002"]], "李明", T0 + 2 * MINUTE)
    now["ms"] = T0 + 5 * MINUTE
    return win


def test_the_report_covers_the_shift_since_the_last_handover(window, tmp_path):
    out = write_shift_report(window.session, tmp_path / "shift.md", language="en")
    text = out.read_text(encoding="utf-8")
    assert "From 2026-07-21 08:00:00 to 2026-07-21 08:05:00" in text
    assert "| Lifeline | Gas | 0 | 1 | 0 | 0 | 1 |" in text  # GAS-00001 was raised in Zhao's shift
    assert "| Flood | Waterlogging | 0 | 0 | 0 | 1 | 1 |" in text
    assert "| 1 | GAS-00001 | Gas |" in text  # still open, so on the handover list
    assert "| 2026-07-21 08:00:00 | 李明 | Shift start |  |  | taking over from Zhao |" in text
    assert "| 2026-07-21 08:02:00 | 李明 | Acknowledge | 2 | GAS-00002 |  |" in text


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) not installed")
def test_the_alarms_menu_writes_a_pdf_where_the_operator_chose(window, tmp_path, monkeypatch):
    chosen = tmp_path / "handover"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *args, **kwargs: (str(chosen), "")))
    alarms_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Alarms")
    action = next(a for a in alarms_menu.actions() if a.text() == "Shift &report…")
    action.trigger()
    written = chosen.with_suffix(".pdf")
    assert written.is_file()
    assert window.statusBar().currentMessage() == f"Shift report written to {written}"
    text = subprocess.run(["pdftotext", str(written), "-"], capture_output=True, text=True, check=True).stdout
    assert "Shift report" in text and "GAS-00002" in text and "2026-07-21 08:02:00" in text


def test_without_a_journal_there_is_nothing_to_write(qtbot, tmp_path):
    win = MainWindow()
    qtbot.addWidget(win)
    from console.errors import InputError

    with pytest.raises(InputError, match="without a journal"):
        write_shift_report(win.session, tmp_path / "shift.md", language="en")
    assert list(tmp_path.iterdir()) == []
