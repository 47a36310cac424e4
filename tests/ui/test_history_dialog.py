"""The closed-alarm history dialog on a real journal: the fields drive the search, the table shows the rows."""

from __future__ import annotations

import pytest

from console.model.journal import Journal
from console.model.pipeline import Pipeline
from console.ui.history import AlarmHistoryDialog
from tests.model.helpers import FLOOD_RULES, MINUTE, T0, batch, make_table, rules

SENSORS = [("WLG-1", "depth", 0, 0, "北湖区"), ("RG-1", "rain_1h", 0, 0, "南湖区")]


@pytest.fixture
def journal_path(tmp_path):
    path = tmp_path / "journal.sqlite"
    pipeline = Pipeline(make_table(SENSORS), rules(FLOOD_RULES),
                        journal=Journal(path, synchronous="NORMAL", commit_interval_s=0))
    pipeline.process(batch([("WLG-1", T0, 45.0), ("RG-1", T0, 35.0)]))
    book = pipeline.book
    alarm = {a.sensor_id: a.alarm_id for a in book.alarms.values()}
    book.close(alarm["WLG-1"], "false_alarm", "施工扬尘", "王芳", T0 + 10 * MINUTE)
    book.close(alarm["RG-1"], "handled", "", "赵磊", T0 + 30 * MINUTE)
    pipeline.close()
    return path


@pytest.fixture
def dialog(qtbot, journal_path):
    widget = AlarmHistoryDialog(lambda: journal_path, ["北湖区", "南湖区"], lambda: T0 + 60 * MINUTE)
    qtbot.addWidget(widget)
    widget.show()
    return widget


def cells(dialog, column: int) -> list[str]:
    return [dialog.table.item(row, column).text() for row in range(dialog.table.rowCount())]


def test_the_dialog_lists_the_last_days_closed_alarms_newest_first(dialog):
    assert dialog.search() == 2
    assert cells(dialog, 1) == ["RG-1", "WLG-1"]
    assert cells(dialog, 3) == ["南湖区", "北湖区"]
    assert cells(dialog, 4) == ["III", "II"]
    assert cells(dialog, 6) == ["Handled", "False alarm"]
    assert cells(dialog, 7) == ["赵磊", "王芳"]
    assert cells(dialog, 8) == ["", "施工扬尘"]
    assert cells(dialog, 0)[1] == "2026-07-21 08:10:00"  # the display zone, Asia/Shanghai
    assert dialog.status.text() == "2 closed alarms"


def test_a_double_click_asks_for_the_rows_sensor(dialog, qtbot):
    dialog.search()
    with qtbot.waitSignal(dialog.sensor_activated) as signal:
        dialog.table.cellDoubleClicked.emit(1, 0)
    assert signal.args == ["WLG-1"]


def test_district_classification_operator_and_sensor_fields_narrow_it(dialog, qtbot):
    dialog.district.setCurrentIndex(dialog.district.findData("北湖区"))
    assert dialog.search() == 1 and cells(dialog, 1) == ["WLG-1"]
    dialog.district.setCurrentIndex(0)
    dialog.classification.setCurrentIndex(dialog.classification.findData("handled"))
    assert dialog.search() == 1 and cells(dialog, 1) == ["RG-1"]
    dialog.classification.setCurrentIndex(0)
    dialog.operator.setText("王")
    assert dialog.search() == 1 and cells(dialog, 7) == ["王芳"]
    dialog.operator.clear()
    qtbot.keyClicks(dialog.sensor, "rg")
    assert dialog.search() == 1 and cells(dialog, 1) == ["RG-1"]


def test_a_time_span_before_the_closings_finds_nothing_and_a_reversed_one_says_so(dialog):
    dialog.end.setDateTime(dialog.start.dateTime().addSecs(3600))
    dialog.start.setDateTime(dialog.start.dateTime().addDays(-2))
    assert dialog.search() == 0 and dialog.status.text() == "0 closed alarms"
    dialog.end.setDateTime(dialog.start.dateTime().addSecs(-60))
    assert dialog.search() == -1
    assert dialog.status.text() == "The search must end after it starts."


def test_without_a_journal_the_dialog_says_there_is_no_history(qtbot):
    widget = AlarmHistoryDialog(lambda: None, [], lambda: T0)
    qtbot.addWidget(widget)
    assert widget.search() == -1
    assert "without a journal" in widget.status.text()


def test_the_window_opens_the_history_of_its_live_journal(qtbot, tmp_path):
    from console.ui.main_window import MainWindow
    from tests.ui.live_fixtures import confirmed, sensor_layer

    window = MainWindow()
    qtbot.addWidget(window)
    window.open_journal(tmp_path / "journal.sqlite")
    window.set_operator("李明")
    window.canvas.renderer.add_layer(sensor_layer())
    assert window.start_live()
    window.feed(confirmed([("GAS-00002", 30.0)], T0), "test", now_ms=T0)
    (alarm,) = window.session.book.open_alarms()
    window.session.book.close(alarm.alarm_id, "test", "drill", "李明", T0 + MINUTE)
    window.session.now_ms = lambda: T0 + 2 * MINUTE
    dialog = window.show_history()
    assert dialog.results and [r.sensor_id for r in dialog.results] == ["GAS-00002"]
    assert window.history_action.shortcut().toString() == "Ctrl+H"
    dialog.sensor_activated.emit("GAS-00002")
    assert window.sensor_detail.panel.sensor_ids == ["GAS-00002"]
