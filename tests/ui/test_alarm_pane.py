"""The warning pane as an operator uses it: incident lines, filters, sorting, dialogs, keys, languages.

The pane runs on a real alarm book fed through the real pipeline (default rules)
and, where the journal matters, a SQLite journal in a temporary folder.
"""

from __future__ import annotations

import json
import sqlite3

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from console.model.alarms import AlarmState
from console.model.journal import Journal
from console.model.pipeline import Pipeline
from console.model.readings import ReadingBatch
from console.model.sensors import SensorTable
from console.ui.alarm_pane import AlarmPane, Column
from tests.ui.live_fixtures import CONFIRM_BEFORE_MS, MINUTE, T0, confirmed, readings, sensor_layer

OPERATOR = "李明"


@pytest.fixture
def pipeline(tmp_path):
    table = SensorTable.from_layers([sensor_layer()])
    pipe = Pipeline(table, journal=Journal(tmp_path / "journal.sqlite", synchronous="NORMAL"))
    yield pipe
    pipe.close()


@pytest.fixture
def pane(qtbot, pipeline):
    widget = AlarmPane(interval_ms=0)  # refreshed by hand: each step is explicit
    qtbot.addWidget(widget)
    widget.resize(1400, 400)
    widget.operator = OPERATOR
    widget.clock = lambda: pipeline.book.clock_ms
    widget.bind(pipeline.book, pipeline.table, sign=pipeline.engine.sign)
    widget.show()
    return widget


def feed(pipeline, pane, pairs, t_ms=T0):
    pipeline.process(confirmed(pairs, t_ms), "test", t_ms)
    pane.refresh()


def column(pane, col) -> list[str]:
    model = pane.model
    return [model.index(row, col).data() for row in range(model.rowCount())]


def actions(pipeline) -> list[tuple]:
    pipeline.journal.flush(timeout=5)
    connection = sqlite3.connect(pipeline.journal.path)
    try:
        return connection.execute("SELECT operator, action, alarm_id, detail FROM action ORDER BY seq").fetchall()
    finally:
        connection.close()


FLOOD_BURST = [("WLG-00001", 45.0), ("WLG-00002", 30.0), ("WLG-00003", 52.0), ("WLG-00004", 20.0)]


def test_a_burst_of_one_incident_is_one_line_that_expands(pane, pipeline, qtbot):
    feed(pipeline, pane, [*FLOOD_BURST, ("GAS-00002", 30.0)])
    assert pane.model.rowCount() == 2
    sensors = column(pane, Column.SENSOR)
    line = sensors.index(next(s for s in sensors if s.startswith("4 sensors")))
    assert pane.model.index(line, Column.LEVEL).data() == "▸ I"  # the worst member's level
    assert pane.model.index(line, Column.INCIDENT).data().startswith("#")
    assert pane.model.index(line, Column.STATE).data() == "Unacknowledged"
    assert sensors[line].startswith("4 sensors · peak I · ↑ rising · ")
    tooltip = pane.model.index(line, Column.SENSOR).data(Qt.ItemDataRole.ToolTipRole)
    assert tooltip.splitlines()[1:] == ["金桥区", "Trend over the last 10 min: ↑ rising"]

    # A click on the ▸ opens the line: the members follow it, indented, worst first.
    rect = pane.view.visualRect(pane.model.index(line, Column.LEVEL))
    qtbot.mouseClick(pane.view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert pane.model.rowCount() == 6
    members = column(pane, Column.SENSOR)[line + 1: line + 5]
    assert [m.split()[1] for m in members] == ["WLG-00003", "WLG-00001", "WLG-00002", "WLG-00004"]
    assert all(m.startswith("    └") for m in members)
    assert [pane.model.index(line + 1 + i, Column.LEVEL).data() for i in range(4)] == ["I", "II", "III", "IV"]
    # Left closes it again.
    pane.select_row(line)
    qtbot.keyClick(pane.view, Qt.Key.Key_Left)
    assert pane.model.rowCount() == 2

    # Acknowledging the incident line acknowledges every member.
    pane.select_row(line)
    done = pane.acknowledge_selected()
    assert len(done) == 4
    assert {pipeline.book.alarms[i].state for i in done} == {AlarmState.ACK}
    assert pane.model.index(line, Column.STATE).data() == "Acknowledged"


def test_a_new_member_joins_its_incident_line_without_resetting_the_list(pane, pipeline):
    feed(pipeline, pane, [("WLG-00001", 45.0), ("GAS-00002", 30.0)])
    assert pane.model.rowCount() == 2
    resets, inserted, removed = [], [], []
    pane.model.modelReset.connect(lambda: resets.append(1))
    pane.model.rowsInserted.connect(lambda parent, first, last: inserted.append(last - first + 1))
    pane.model.rowsRemoved.connect(lambda parent, first, last: removed.append(last - first + 1))
    feed(pipeline, pane, [("WLG-00002", 30.0)], T0 + MINUTE)
    # The lone alarm's row gives way to the incident line.
    assert resets == [] and inserted == [1] and removed == [1]
    assert pane.model.rowCount() == 2
    assert any(s.startswith("2 sensors") for s in column(pane, Column.SENSOR))


def test_thousands_of_open_alarms_update_row_by_row(qtbot):
    n = 2_000
    ids = [f"GAS-{i:05d}" for i in range(n + 1)]
    table = SensorTable(ids, ["gas_lel"] * (n + 1), ["gas"] * (n + 1), districts=[""] * (n + 1),
                        x=np.arange(n + 1) * 5_000.0, y=np.zeros(n + 1))  # no district, 5 km apart: no incidents
    pipeline = Pipeline(table)
    values = np.tile([6.0, 12.0, 30.0, 60.0], n // 4)  # the last sensor stays calm for now
    for t in (T0 - CONFIRM_BEFORE_MS, T0):  # a level is raised at its second reading
        pipeline.process(ReadingBatch(np.array(ids[:n], dtype=object), np.full(n, t, np.int64), values,
                                      np.zeros(n, np.uint8)), "test", t)
    pane = AlarmPane(interval_ms=0)
    qtbot.addWidget(pane)
    pane.bind(pipeline.book, table)
    assert pane.model.rowCount() == n
    pane.select_row(10)
    selected = pane.selected_alarm_ids()
    events = []
    for name in ("modelReset", "rowsInserted", "rowsRemoved", "layoutChanged"):
        getattr(pane.model, name).connect(lambda *args, name=name: events.append(name))
    # GAS-00000 escalates from IV to I (it moves up the list) and the calm sensor raises an alarm.
    pipeline.process(confirmed([(ids[0], 55.0), (ids[n], 6.0)], T0 + MINUTE), "test", T0 + MINUTE)
    pane.refresh()
    assert events == ["rowsInserted", "layoutChanged"]
    assert pane.model.rowCount() == n + 1
    assert pane.model.index(0, Column.SENSOR).data().startswith("GAS-00000")  # newest level I on top
    assert pane.selected_alarm_ids() == selected  # the selection follows its alarm


def _cell_pixels(pane, row, col):
    """The colours in a cell of the list as drawn on screen, as '#RRGGBB' names."""
    from PySide6.QtGui import QColor

    image = pane.view.viewport().grab().toImage()
    rect = pane.view.visualRect(pane.model.index(row, col))
    return [QColor(image.pixel(x, y)).name().upper()
            for x in range(rect.left() + 1, rect.right()) for y in range(rect.top() + 1, rect.bottom())]


def test_the_list_is_drawn_in_level_colours_bold_until_acknowledged_and_elided(pane, pipeline):
    from PySide6.QtGui import QColor

    from console.ui.map.sensor_style import LEVEL_COLOURS

    feed(pipeline, pane, [("GAS-00001", 6.0), ("GAS-00004", 60.0)])
    sensors = [s.split()[0] for s in column(pane, Column.SENSOR)]
    worst, mild = sensors.index("GAS-00004"), sensors.index("GAS-00001")
    level = pipeline.book.alarms[int(pipeline.table.alarm_id[pipeline.table.row_of("GAS-00004")])].level
    # The level cell in its level's colour with the numeral in white; the rest of the line on white.
    cell = _cell_pixels(pane, worst, Column.LEVEL)
    assert max(set(cell), key=cell.count) == LEVEL_COLOURS[level].upper()
    assert "#FFFFFF" in cell
    time_cell = _cell_pixels(pane, worst, Column.TIME)
    ink = sum(1 for c in time_cell if c not in ("#FFFFFF", "#F5F5F2"))
    # Unacknowledged is bold: more ink than the same text once acknowledged.
    pane.select_row(worst)
    pane.acknowledge_selected()
    pane.view.clearSelection()
    acknowledged = sum(1 for c in _cell_pixels(pane, worst, Column.TIME) if c not in ("#FFFFFF", "#F5F5F2"))
    assert 0 < acknowledged < ink
    # The selected line is drawn in the selection colour, the level cell too.
    pane.select_row(mild)
    selected = _cell_pixels(pane, mild, Column.LEVEL)
    assert max(set(selected), key=selected.count) == "#2F5D8A"
    assert not set(selected) & {colour.upper() for colour in LEVEL_COLOURS.values()}
    # Lines alternate white and the palette's alternate colour.
    pane.view.clearSelection()
    grounds = [max(set(cell), key=cell.count) for cell in (_cell_pixels(pane, row, Column.DISTRICT) for row in (0, 1))]
    assert grounds == ["#FFFFFF", "#F5F5F2"]
    # A text too long for its column ends in "…" inside it: nothing spills into the next column.
    pane.view.setColumnWidth(Column.VALUE, 40)
    value = pane.view.visualRect(pane.model.index(worst, Column.VALUE))
    image = pane.view.viewport().grab().toImage()
    edge = {QColor(image.pixel(x, y)).name().upper() for x in range(value.right() - 1, value.right() + 2)
            for y in range(value.top(), value.bottom())}
    assert edge <= {"#FFFFFF", "#F5F5F2"}
    assert any(QColor(image.pixel(x, y)).lightness() < 128 for x in range(value.left(), value.right())
               for y in range(value.top(), value.bottom()))  # the start of the text is there


def test_filters_by_level_category_district_state_and_text(pane, pipeline):
    feed(pipeline, pane, [("GAS-00001", 6.0), ("GAS-00002", 12.0), ("GAS-00003", 30.0), ("GAS-00004", 60.0),
                          ("WLG-00003", 52.0)])
    assert pane.model.rowCount() == 5
    pane.chips[1].setChecked(False)  # hide level I
    assert sorted(column(pane, Column.LEVEL)) == ["II", "III", "IV"]
    pane.chips[1].setChecked(True)

    pane.category_filter.setCurrentIndex(pane.category_filter.findData("category:waterlogging"))
    assert [s.split()[0] for s in column(pane, Column.SENSOR)] == ["WLG-00003"]
    pane.category_filter.setCurrentIndex(pane.category_filter.findData("family:lifeline"))
    assert pane.model.rowCount() == 4
    pane.category_filter.setCurrentIndex(0)

    pane.district_filter.setCurrentIndex(pane.district_filter.findData("东湖区"))
    assert sorted(s.split()[0] for s in column(pane, Column.SENSOR)) == ["GAS-00004"]
    pane.district_filter.setCurrentIndex(0)

    pane.select_alarm(pipeline.table.alarm_id[pipeline.table.row_of("GAS-00002")])
    pane.acknowledge_selected()
    pane.state_filter.setCurrentIndex(pane.state_filter.findData("ack"))
    assert [s.split()[0] for s in column(pane, Column.SENSOR)] == ["GAS-00002"]
    pane.state_filter.setCurrentIndex(pane.state_filter.findData("needs_ack"))
    assert pane.model.rowCount() == 4
    pane.state_filter.setCurrentIndex(0)

    pane.search.setText("通道3")  # names and ids, any case
    assert [s.split()[0] for s in column(pane, Column.SENSOR)] == ["WLG-00003"]
    pane.search.setText("gas-0000")
    assert pane.model.rowCount() == 4
    pane.search.clear()
    assert pane.model.rowCount() == 5


def test_sorting_by_a_column_keeps_the_selected_alarm_selected(pane, pipeline, qtbot):
    feed(pipeline, pane, [("GAS-00001", 60.0), ("GAS-00002", 6.0), ("GAS-00003", 12.0)])
    feed(pipeline, pane, [("GAS-00005", 40.0)], T0 + MINUTE)
    feed(pipeline, pane, [("GAS-00006", 6.0)], T0 + 2 * MINUTE)
    sensors = lambda: [s.split()[0] for s in column(pane, Column.SENSOR)]  # noqa: E731
    # Default: level I first, newest first within a level.
    assert sensors() == ["GAS-00001", "GAS-00005", "GAS-00003", "GAS-00006", "GAS-00002"]
    pane.select_alarm(pipeline.table.alarm_id[pipeline.table.row_of("GAS-00003")])
    header = pane.view.horizontalHeader()
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton,
                     pos=header.rect().topLeft() + _section_centre(header, Column.SENSOR))
    assert sensors() == ["GAS-00001", "GAS-00002", "GAS-00003", "GAS-00005", "GAS-00006"]
    pane.model.sort(Column.TIME, Qt.SortOrder.DescendingOrder)
    assert sensors()[:2] == ["GAS-00006", "GAS-00005"]
    pane.model.sort(Column.DISTRICT, Qt.SortOrder.AscendingOrder)
    districts = column(pane, Column.DISTRICT)
    assert districts == sorted(districts)
    pane.model.sort(Column.VALUE, Qt.SortOrder.DescendingOrder)
    assert sensors()[0] == "GAS-00005"  # 40 %LEL over 25: the largest overshoot (the others: 20 %)
    assert [s.split()[0] for s in (pane.model.index(r, Column.SENSOR).data() for r in pane.selected_rows())] == [
        "GAS-00003"]


def _section_centre(header, section):
    from PySide6.QtCore import QPoint

    return QPoint(header.sectionViewportPosition(section) + header.sectionSize(section) // 2, header.height() // 2)


def test_shelve_dialog_hides_the_alarm_until_its_shelf_ends(pane, pipeline):
    feed(pipeline, pane, [("GAS-00002", 30.0), ("GAS-00004", 60.0)])
    alarm_id = int(pipeline.table.alarm_id[pipeline.table.row_of("GAS-00002")])
    pane.select_alarm(alarm_id)
    dialog = pane.ask_shelve()
    assert dialog is pane.dialog and dialog.isVisible()
    assert not dialog.buttons.button(dialog.buttons.StandardButton.Ok).isEnabled()  # a reason is required
    dialog.reason.setEditText("维修作业 maintenance")
    dialog.duration.setCurrentIndex(dialog.duration.findData(30 * 60))
    dialog.accept()
    alarm = pipeline.book.alarms[alarm_id]
    assert alarm.state == AlarmState.SHELVED and alarm.shelved_by == OPERATOR
    assert alarm.shelved_until_ms == T0 + 30 * MINUTE
    assert [s.split()[0] for s in column(pane, Column.SENSOR)] == ["GAS-00004"]  # hidden from the list
    assert pane.shelved_label.text() == "Shelved: 1"
    assert pane.chips[2].count == 0  # shelved alarms are not counted
    (operator, action, journaled_id, detail), = actions(pipeline)
    assert (operator, action, journaled_id) == (OPERATOR, "shelve", alarm_id)
    assert json.loads(detail) == {"reason": "维修作业 maintenance", "until_ms": T0 + 30 * MINUTE}
    pane.state_filter.setCurrentIndex(pane.state_filter.findData("shelved"))
    assert [s.split()[0] for s in column(pane, Column.SENSOR)] == ["GAS-00002"]
    assert "Shelved by 李明" in pane.model.index(0, Column.STATE).data(Qt.ItemDataRole.ToolTipRole)
    pane.state_filter.setCurrentIndex(0)

    pipeline.tick(T0 + 31 * MINUTE)  # the shelf ends: the alarm is back, unacknowledged
    pane.refresh()
    assert sorted(s.split()[0] for s in column(pane, Column.SENSOR)) == ["GAS-00002", "GAS-00004"]
    assert alarm.state == AlarmState.UNACK


def test_close_dialog_closes_with_classification_and_note(pane, pipeline):
    feed(pipeline, pane, [("GAS-00003", 12.0)])
    pane.select_row(0)
    dialog = pane.ask_close()
    dialog.classification.setCurrentIndex(dialog.classification.findData("false_alarm"))
    dialog.note.setPlainText("传感器被施工扬尘干扰")
    dialog.accept()
    alarm = pipeline.book.alarms[1]
    assert alarm.closed and alarm.classification == "false_alarm" and alarm.closed_by == OPERATOR
    assert pane.model.rowCount() == 0
    assert pane.chips[3].count == 0
    (operator, action, _, detail), = actions(pipeline)
    assert (operator, action) == (OPERATOR, "close")
    assert json.loads(detail) == {"classification": "false_alarm", "note": "传感器被施工扬尘干扰"}


def test_note_and_dispatch_dialogs_show_in_the_row(pane, pipeline):
    feed(pipeline, pane, [("GAS-00004", 60.0)])
    pane.select_row(0)
    dialog = pane.ask_dispatch()
    assert dialog.unit.currentText() == "市燃气集团"  # the sensor's owner is offered
    dialog.unit.setEditText("市燃气集团抢修二队")
    dialog.accept()
    assert pane.model.index(0, Column.OWNER).data() == "unit ack in 05:00 → 市燃气集团抢修二队"  # level I
    dialog = pane.ask_note()
    dialog.text.setPlainText("抢修车已出发")
    dialog.accept()
    tooltip = pane.model.index(0, Column.SENSOR).data(Qt.ItemDataRole.ToolTipRole)
    assert "Dispatched to 市燃气集团抢修二队 by 李明" in tooltip and "李明: 抢修车已出发" in tooltip
    assert [row[1] for row in actions(pipeline)] == ["dispatch", "note"]


def test_next_and_previous_alarm_keys_visit_the_unacknowledged(pane, pipeline, qtbot):
    feed(pipeline, pane, [("GAS-00001", 6.0), ("GAS-00002", 12.0), ("GAS-00003", 30.0), ("GAS-00004", 60.0)])
    pane.select_row(1)
    pane.acknowledge_selected()  # level II acknowledged: the keys skip it
    pane.view.clearSelection()
    pane.view.setCurrentIndex(pane.model.index(0, 0))
    pane.view.setFocus()
    qtbot.keyClick(pane.view, Qt.Key.Key_F8)
    assert pane.selected_rows() == [2]
    qtbot.keyClick(pane.view, Qt.Key.Key_F8)
    assert pane.selected_rows() == [3]
    qtbot.keyClick(pane.view, Qt.Key.Key_F8)  # wraps round
    assert pane.selected_rows() == [0]
    qtbot.keyClick(pane.view, Qt.Key.Key_F8, Qt.KeyboardModifier.ShiftModifier)
    assert pane.selected_rows() == [3]


def test_the_rate_strip_flags_a_flood_above_ten_alarms_in_ten_minutes(qtbot):
    n = 12
    ids = [f"GAS-{i:05d}" for i in range(n)]
    table = SensorTable(ids, ["gas_lel"] * n, ["gas"] * n, x=np.arange(n) * 5_000.0, y=np.zeros(n))
    pipeline = Pipeline(table)
    pane = AlarmPane(interval_ms=0)
    qtbot.addWidget(pane)
    pane.clock = lambda: pipeline.book.clock_ms
    pane.bind(pipeline.book, table)
    for i in range(n):
        t = T0 + i * 30_000
        pipeline.process(ReadingBatch(np.array([ids[i]] * 2, dtype=object), np.array([t - 10_000, t]),
                                      np.array([30.0, 30.0]), np.zeros(2, np.uint8)), "test", t)
        pane.refresh()
        pane.update_rate()  # refresh recounts at most once a second
        assert pane.flood == (i + 1 > 10)
    assert pane.rate_label.text() == "Alarm rate: 12 / 10 min  ·  ALARM FLOOD"


def test_double_click_zooms_the_map_and_a_map_click_selects_the_alarm(qtbot):
    from PySide6.QtCore import QPointF

    from console.ui.main_window import MainWindow

    window = MainWindow()
    qtbot.addWidget(window)
    window.resize(1200, 900)
    layer = sensor_layer()
    window.canvas.renderer.add_layer(layer)
    window.start_live()
    window.show()
    window.feed(confirmed([("GAS-00006", 30.0), ("GAS-00001", 12.0)]), "test", now_ms=T0)
    window.refresh_live()
    pane = window.alarm_pane
    row = [s.split()[0] for s in column(pane, Column.SENSOR)].index("GAS-00006")
    rect = pane.view.visualRect(pane.model.index(row, Column.TIME))
    qtbot.mouseClick(pane.view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(pane.view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    x, y = layer.xy
    minx, miny, maxx, maxy = window.canvas.extent()
    assert minx < x[5] < maxx and miny < y[5] < maxy
    assert maxx - minx < 3_000  # about a kilometre around the sensor, not the whole layer

    pane.view.clearSelection()
    window.canvas.set_extent(layer.bounds)
    QApplication.processEvents()
    window.canvas.identify_at(QPointF(x[0], y[0]))
    assert [column(pane, Column.SENSOR)[r].split()[0] for r in pane.selected_rows()] == ["GAS-00001"]


def test_the_pane_reads_in_chinese(qtbot, pipeline):
    from console.ui.app import application

    application("zh_CN")
    try:
        pane = AlarmPane(interval_ms=0)
        qtbot.addWidget(pane)
        pane.operator = OPERATOR
        pane.clock = lambda: pipeline.book.clock_ms
        pane.bind(pipeline.book, pipeline.table, sign=pipeline.engine.sign)
        pipeline.process(confirmed([*FLOOD_BURST, ("GAS-00002", 30.0)]), "test", T0)
        pane.refresh()
        pane.update_rate()
        model = pane.model
        titles = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
        assert titles == ["级别", "时间", "监测点", "类别", "行政区", "监测值 / 阈值", "状态", "责任单位", "事件"]
        states = set(column(pane, Column.STATE))
        assert states == {"未确认"}
        assert set(column(pane, Column.CATEGORY)) == {"燃气", "内涝积水"}
        assert any(s.startswith("4 个传感器") for s in column(pane, Column.SENSOR))
        assert pane.unack_label.text() == "未确认：5"
        assert pane.acknowledge_action.text() == "确认"
        assert pane.rate_label.text() == "报警频率：5 条 / 10 分钟"
        assert pane.fault_chip.text() == "设备故障：0"
        for minute in range(1, 9):  # GAS-00003 chattering: a sensor fault, in its own list
            t = T0 + minute * MINUTE
            pipeline.process(readings([("GAS-00003", 6.0 if minute % 2 else 0.4)], t), "test", t)
        pane.refresh()
        assert pane.fault_chip.text() == "设备故障：1 （1 条新）"
        pane.fault_chip.setChecked(True)
        assert column(pane, Column.LEVEL) == ["故障"] and column(pane, Column.VALUE)[0].endswith("· 频繁跳变")
        pane.fault_chip.setChecked(False)
        assert pane.state_filter.currentText() == "全部（不含搁置）"
        pane.select_row(0)
        dialog = pane.ask_shelve()
        assert dialog.windowTitle().startswith("搁置")
        assert dialog.duration.currentText() == "1 小时"
        dialog.reject()
    finally:
        application("en")


def test_sensor_faults_are_listed_apart_and_never_counted_as_alarms(pane, pipeline, qtbot):
    feed(pipeline, pane, [("GAS-00002", 30.0)])
    for minute in range(1, 9):  # GAS-00003 flips in and out of level IV every minute: chattering
        t = T0 + minute * MINUTE
        pipeline.process(readings([("GAS-00003", 6.0 if minute % 2 else 0.4)], t), "test", t)
    pane.refresh()
    (item,) = pipeline.book.fault_items()
    assert item.trigger == "chattering" and pipeline.book.open_alarms()[0].sensor_id == "GAS-00002"
    # The alarm list shows the process alarm only; the fault chip counts the fault apart.
    assert [s.split()[0] for s in column(pane, Column.SENSOR)] == ["GAS-00002"]
    assert pane.fault_chip.text() == "Sensor faults: 1 (1 new)"
    assert pane.unack_label.text() == "Unacknowledged: 1"
    assert [chip.count for chip in pane.chips.values()] == [0, 1, 0, 0]
    pane.update_rate()
    assert pane.rate == 1 and not pane.flood  # the fault is not in the alarm rate

    qtbot.mouseClick(pane.fault_chip, Qt.MouseButton.LeftButton)
    assert pane.fault_chip.isChecked() and not pane.chips[1].isEnabled()
    assert [s.split()[0] for s in column(pane, Column.SENSOR)] == ["GAS-00003"]
    assert column(pane, Column.LEVEL) == ["Fault"]
    assert column(pane, Column.VALUE)[0].endswith("· chattering")
    assert column(pane, Column.OWNER) == ["市燃气集团"]
    tip = pane.model.index(0, Column.SENSOR).data(Qt.ItemDataRole.ToolTipRole)
    assert "Sensor fault" in tip and "rule quantity:gas_lel" in tip and "chatter_count=6" in tip
    pane.select_row(0)
    assert pane.acknowledge_selected() == [item.alarm_id]
    assert pane.fault_chip.text() == "Sensor faults: 1"
    assert actions(pipeline)[-1][:3] == (OPERATOR, "acknowledge", item.alarm_id)

    qtbot.mouseClick(pane.fault_chip, Qt.MouseButton.LeftButton)  # back to the process alarms
    assert [s.split()[0] for s in column(pane, Column.SENSOR)] == ["GAS-00002"]
