"""The live console end to end: readings in, alarms on the map and in the pane, actions journaled.

Real parts only: a small sensor layer on a real canvas, the default rules, a
SQLite journal in a temporary folder, keys sent to the real widgets.
"""

from __future__ import annotations

import sqlite3

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QPointF, Qt, QTimer
from PySide6.QtWidgets import QApplication

from console.cli import main
from console.model.alarms import AlarmState
from console.model.pipeline import Pipeline
from console.model.sensors import SensorTable
from console.ui.alarm_pane import Column
from console.ui.main_window import MainWindow
from console.ui.map.sensor_style import LEVEL_COLOURS, SensorCode
from tests.ui.live_fixtures import MINUTE, T0, confirmed, readings, sensor_layer

ORANGE = LEVEL_COLOURS[2].lower()


@pytest.fixture
def layer():
    return sensor_layer()


@pytest.fixture
def window(qtbot, tmp_path, layer):
    win = MainWindow()
    qtbot.addWidget(win)
    win.resize(1200, 900)
    win.open_journal(tmp_path / "journal.sqlite")
    win.set_operator("李明")
    win.canvas.renderer.add_layer(layer)
    assert win.start_live()
    win.show()
    return win


def centre_on(window, layer, feature: int, half_m: float = 300.0) -> tuple[int, int]:
    """Zoom onto one sensor; returns its pixel on the canvas."""
    x, y = layer.xy
    window.canvas.set_extent((x[feature] - half_m, y[feature] - half_m, x[feature] + half_m, y[feature] + half_m))
    QApplication.processEvents()
    px, py = window.canvas.view_state().to_pixel(x[feature], y[feature])
    return round(px), round(py)


def pixel(window, px: int, py: int, blink_on: bool) -> str:
    window.canvas.map_item.blink_on = blink_on
    return window.canvas.grab().toImage().pixelColor(px, py).name()


def journal_rows(path, sql: str) -> list[tuple]:
    connection = sqlite3.connect(path)
    try:
        return connection.execute(sql).fetchall()
    finally:
        connection.close()


def test_acknowledging_in_the_pane_steadies_the_map_symbol_changes_counts_and_is_journaled(window, layer, tmp_path,
                                                                                          qtbot):
    pane = window.alarm_pane
    px, py = centre_on(window, layer, 1)
    assert pixel(window, px, py, True) != ORANGE  # calm before the alarm
    assert pane.chips[2].count == 0

    window.feed(confirmed([("GAS-00002", 30.0), ("GAS-00001", 1.0)]), "test", now_ms=T0)
    qtbot.waitUntil(lambda: pane.model.rowCount() == 1)  # the timers pick the alarm up
    window.refresh_live()
    assert pane.model.index(0, Column.SENSOR).data().startswith("GAS-00002")
    assert pane.model.index(0, Column.LEVEL).data() == "II"
    assert pane.model.index(0, Column.STATE).data() == "Unacknowledged"
    assert pane.chips[2].count == 1 and pane.chips[1].count == 0
    assert pane.unack_label.text() == "Unacknowledged: 1"
    # Unacknowledged: the marker blinks between a filled and a hollow diamond.
    assert pixel(window, px, py, True) == ORANGE
    assert pixel(window, px, py, False) != ORANGE

    pane.select_row(0)
    pane.view.setFocus()
    qtbot.keyClick(pane.view, Qt.Key.Key_F4)
    window.refresh_live()

    (alarm,) = window.session.book.open_alarms()
    assert alarm.state == AlarmState.ACK and alarm.acked_by == "李明" and alarm.acked_ms == T0
    assert pane.model.index(0, Column.STATE).data() == "Acknowledged"
    # Acknowledged: steady in both halves of the blink.
    assert pixel(window, px, py, True) == ORANGE
    assert pixel(window, px, py, False) == ORANGE
    assert pane.unack_label.text() == "Unacknowledged: 0"
    assert pane.chips[2].count == 1  # still active, now acknowledged

    window.session.journal.flush(timeout=5)
    path = tmp_path / "journal.sqlite"
    actions = journal_rows(path, "SELECT operator, action, alarm_id, sensor_id, t_ms FROM action WHERE action != 'shift_start'")
    assert actions == [("李明", "acknowledge", alarm.alarm_id, "GAS-00002", T0)]
    transitions = journal_rows(path, 'SELECT kind, state_from, state_to, operator FROM "transition" ORDER BY seq')
    assert transitions == [("raise", "normal", "unack", None), ("ack", "unack", "ack", "李明")]


def test_the_map_shows_another_table_and_back_without_touching_the_live_state(window, layer):
    window.feed(confirmed([("GAS-00002", 30.0)]), "test", now_ms=T0)
    window.refresh_live()
    raster = window.canvas.renderer.painter_for(layer).raster
    assert raster.codes[1] == SensorCode.UNACK_II

    drill_table = SensorTable.from_layers([layer])
    drill = Pipeline(drill_table)
    drill.process(confirmed([("GAS-00005", 60.0)]), "drill", T0)
    live_version, live_states = window.session.table.version, window.session.table.alarm_state.copy()
    window.show_state(drill.table, drill.book)
    assert raster.codes[4] == SensorCode.UNACK_I
    assert raster.codes[1] == SensorCode.NORMAL
    assert window.alarm_pane.model.rowCount() == 1
    assert window.alarm_pane.model.index(0, Column.SENSOR).data().startswith("GAS-00005")

    window.show_live_state()
    assert raster.codes[1] == SensorCode.UNACK_II
    assert raster.codes[4] == SensorCode.NORMAL
    assert window.session.table.version == live_version
    assert np.array_equal(window.session.table.alarm_state, live_states)
    assert window.alarm_pane.model.index(0, Column.SENSOR).data().startswith("GAS-00002")


def test_a_refresh_restyles_only_what_changed(window, layer):
    binding = window.live
    window.feed(readings([("GAS-00001", 1.0), ("GAS-00002", 1.0)]), "test", now_ms=T0)
    assert binding.refresh() == 2  # first readings: "no data" -> live
    window.feed(readings([("GAS-00001", 1.5), ("GAS-00002", 1.2)], T0 + MINUTE), "test", now_ms=T0 + MINUTE)
    assert binding.refresh() == 0  # new values, same look
    window.feed(confirmed([("GAS-00003", 12.0)], T0 + 2 * MINUTE), "test", now_ms=T0 + 2 * MINUTE)
    assert binding.refresh() == 1
    assert window.canvas.renderer.painter_for(layer).raster.codes[2] == SensorCode.UNACK_III


def test_the_map_and_the_pane_timers_add_nothing_right_after_a_refresh_asked_for(window, layer, qtbot):
    # A drill refreshes both as its clock moves; their own timers then skip, not repaint a second time.
    raster = window.canvas.renderer.painter_for(layer).raster
    window.feed(confirmed([("GAS-00002", 30.0)]), "test", now_ms=T0)
    window.refresh_live()
    assert raster.codes[1] == SensorCode.UNACK_II
    window.feed(confirmed([("GAS-00005", 60.0)], T0 + MINUTE), "test", now_ms=T0 + MINUTE)
    window.live._on_timer()
    window.alarm_pane._on_timer()
    assert raster.codes[4] == SensorCode.NORMAL  # not drawn yet: a refresh was just done
    assert window.alarm_pane.model.rowCount() == 1
    # A moment later the timers do their job.
    qtbot.waitUntil(lambda: raster.codes[4] == SensorCode.UNACK_I, timeout=2000)
    qtbot.waitUntil(lambda: window.alarm_pane.model.rowCount() == 2, timeout=2000)


def test_hover_tells_value_level_state_and_the_age_of_a_stale_sensor(window, layer, qtbot):
    window.feed(confirmed([("GAS-00001", 2.5), ("GAS-00002", 30.0)]), "test", now_ms=T0)
    # Twenty minutes of silence: past the 15-minute stale time of the default rules.
    window.session.feed_clock_ms = T0 + 20 * MINUTE
    window.session.tick()
    window.refresh_live()
    raster = window.canvas.renderer.painter_for(layer).raster
    assert raster.codes[0] == SensorCode.STALE
    window.canvas.zoom_to_layer(layer)
    QApplication.processEvents()
    x, y = layer.xy

    text = window.live.hover_at(QPointF(x[0] + 3, y[0] - 3))
    assert text.splitlines()[0] == "GAS-00001  Gas pit 1"
    assert "Value: 2.5 %LEL" in text
    assert "Stale: last reading 20 min ago" in text

    text = window.live.hover_at(QPointF(x[1], y[1]))
    assert "Level II (serious)" in text
    assert "Alarm 1: Unacknowledged" in text
    assert window.live.hover_at(QPointF(x[0] + 900, y[0] + 900)) == ""

    # The real mouse: moving over the sensor on the canvas sets the tooltip text.
    px, py = centre_on(window, layer, 5)
    qtbot.mouseMove(window.canvas.viewport(), QPoint(px, py))
    qtbot.waitUntil(lambda: window.live.hover_row == 5)
    assert window.live.hover_text.startswith("GAS-00006  Gas pit 6")
    assert "No reading since the console started" in window.live.hover_text


def test_an_action_without_an_operator_on_duty_asks_for_one_and_is_not_done(qtbot, layer):
    window = MainWindow()
    qtbot.addWidget(window)
    window.canvas.renderer.add_layer(layer)
    window.start_live()
    window.show()
    assert window.operator_label.text() == "No operator on duty"
    window.feed(confirmed([("GAS-00002", 30.0)]), "test", now_ms=T0)
    window.refresh_live()
    window.alarm_pane.select_row(0)

    def start_shift():
        dialog = QApplication.activeModalWidget()
        dialog.name.setText("  张伟 ")
        dialog.accept()

    QTimer.singleShot(0, start_shift)
    assert window.alarm_pane.acknowledge_selected() == []
    assert window.session.book.alarms[1].state == AlarmState.UNACK
    assert window.session.operator == "张伟"
    assert window.operator_label.text() == "On duty: 张伟"
    assert window.alarm_pane.acknowledge_selected() == [1]


def test_a_journal_that_cannot_be_opened_is_kept_and_a_fresh_one_starts_beside_it(qtbot, tmp_path, layer):
    broken = tmp_path / "journal.sqlite"
    garbage = b"this is not an SQLite database, just bytes" * 50
    broken.write_bytes(garbage)
    window = MainWindow()
    qtbot.addWidget(window)
    offered = []

    def choose_fresh():
        box = QApplication.activeModalWidget()
        offered.append(box.text())
        box.fresh_button.click()

    QTimer.singleShot(0, choose_fresh)
    journal = window.open_journal(broken)
    assert "journal.sqlite" in offered[0] and "cannot be opened" in offered[0]
    assert journal is not None and journal.path != broken and journal.path.parent == tmp_path
    assert journal.path.name.startswith("journal-")
    assert broken.read_bytes() == garbage  # the old file is untouched
    assert window.errors and "journal.sqlite" in window.errors[-1]
    assert window.journal_label.text() == f"Journal: {journal.path.name}"

    window.set_operator("李明")
    window.canvas.renderer.add_layer(layer)
    window.start_live()
    window.feed(confirmed([("GAS-00003", 60.0)]), "test", now_ms=T0)
    window.refresh_live()
    window.alarm_pane.select_row(0)
    window.alarm_pane.acknowledge_selected()
    journal.flush(timeout=5)
    assert journal_rows(journal.path, "SELECT action, operator FROM action WHERE action != 'shift_start'") == [("acknowledge", "李明")]


def test_going_on_without_a_journal_when_the_operator_declines(qtbot, tmp_path):
    broken = tmp_path / "other.db"
    connection = sqlite3.connect(broken)
    connection.execute("CREATE TABLE customers (name TEXT)")
    connection.commit()
    connection.close()
    window = MainWindow()
    qtbot.addWidget(window)
    assert window.open_journal(broken, ask=lambda error: False) is None
    assert window.session.journal is None
    assert "another program" in window.errors[-1]
    assert window.journal_label.text() == "No journal"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["other.db"]


def test_a_restarted_console_shows_the_alarms_of_its_journal(qtbot, tmp_path, layer):
    path = tmp_path / "journal.sqlite"
    first = MainWindow()
    qtbot.addWidget(first)
    first.open_journal(path)
    first.set_operator("李明")
    first.canvas.renderer.add_layer(layer)
    first.start_live()
    first.feed(confirmed([("GAS-00002", 30.0), ("GAS-00004", 60.0)]), "test", now_ms=T0)
    first.refresh_live()
    first.alarm_pane.select_alarm(1)
    first.alarm_pane.acknowledge_selected()
    first.close()  # flushes and closes the journal

    second = MainWindow()
    qtbot.addWidget(second)
    second.open_journal(path)
    again = sensor_layer()
    second.canvas.renderer.add_layer(again)
    second.start_live()
    model = second.alarm_pane.model
    assert model.rowCount() == 2
    states = {model.index(row, Column.SENSOR).data()[:9]: model.index(row, Column.STATE).data() for row in range(2)}
    assert states == {"GAS-00002": "Acknowledged", "GAS-00004": "Unacknowledged"}
    raster = second.canvas.renderer.painter_for(again).raster
    assert raster.codes[1] == SensorCode.ACK_II and raster.codes[3] == SensorCode.UNACK_I
    second.close()


def test_console_open_refuses_a_bad_rules_file_by_name(tmp_path, capsys, qapp):
    rules = tmp_path / "rules.toml"
    rules.write_text('[quantity.gas_lel]\ndirection = "high"\nlevels = [50, 25, 10, 5]\n', encoding="utf-8")
    code = main(["open", "--snapshot", str(tmp_path / "out.png"), "--rules", str(rules)])
    assert code == 2
    err = capsys.readouterr().err
    assert "rules.toml" in err and "levels" in err
    assert not (tmp_path / "out.png").exists()


def test_console_open_with_operator_and_journal_writes_the_journal(tmp_path, capsys, qapp):
    layer = sensor_layer()
    source = tmp_path / "sensors.geojson"
    layer.frame.to_file(source, driver="GeoJSON")
    catalog = tmp_path / "catalog.toml"
    catalog.write_text(
        'title = "Test"\n[[groups]]\nid = "lifeline"\ntitle = "Lifeline"\n'
        '[[layers]]\nname = "sensors"\ngroup = "lifeline"\nsource = "sensors.geojson"\nsensors = true\n',
        encoding="utf-8",
    )
    journal = tmp_path / "duty" / "journal.sqlite"
    out = tmp_path / "out.png"
    code = main(["open", "--snapshot", str(out), "--journal", str(journal), "--operator", "李明", str(catalog)])
    assert code == 0, capsys.readouterr().err
    assert out.exists()
    rows = journal_rows(journal, "SELECT count(*) FROM sensor")
    assert rows == [(len(layer),)]


def test_hover_and_status_bar_read_in_chinese(qtbot, layer):
    from console.ui.app import application

    application("zh_CN")
    try:
        window = MainWindow()
        qtbot.addWidget(window)
        window.canvas.renderer.add_layer(layer)
        window.start_live()
        window.set_operator("王敏")
        window.feed(confirmed([("GAS-00001", 2.5), ("GAS-00002", 30.0)]), "test", now_ms=T0)
        window.session.feed_clock_ms = T0 + 95 * MINUTE
        window.session.tick()
        window.refresh_live()
        assert window.live.describe(0).splitlines() == [
            "GAS-00001  燃气井1", "监测值：2.5 %LEL", "无报警", "数据过期：最后一次数据在1小时35分前"]
        assert "II级（重大）" in window.live.describe(1) and "报警 1：未确认" in window.live.describe(1)
        assert window.operator_label.text() == "值班：王敏"
        assert window.alarms_dock.windowTitle() == "实时预警"
        assert [action.text() for action in window.menuBar().actions()][2] == "报警(&A)"
    finally:
        application("en")
