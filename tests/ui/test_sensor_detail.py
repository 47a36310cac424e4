"""The sensor detail dock: a real journal written by the real pipeline, read back into plots and markers.

The window journals readings of a small city through its live pipeline; an alarm
of GAS-00003 is acknowledged, dispatched and closed. The dock must plot exactly
what the journal holds plus the live value, draw the thresholds in force as
bands, mark the alarm's handling at the journaled times, and do the same for a
drill on the drill's own journal and feed.
"""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from PySide6.QtCore import QPointF

from console.model.journal.queries import query_readings, sensor_alarm_events
from console.model.journal.schema import connect_reader
from console.ui.main_window import MainWindow
from console.ui.map.decorations import format_lonlat, mercator_to_lonlat
from console.ui.sensor_detail import MAX_SENSORS, SensorDetailPanel
from console.ui.sensor_detail.plot import display_utc_offset_s, threshold_bands
from tests.ui.live_fixtures import GAS_IDS, MINUTE, T0, confirmed, readings, sensor_layer

OPERATOR = "王敏"
LEAK = "GAS-00003"


def city_layer():
    layer = sensor_layer()
    layer.frame["contact"] = [f"027-8888-{i:04d}" for i in range(len(layer.frame))]
    layer.frame["asset"] = [f"DN300 中压管 {i}" for i in range(len(layer.frame))]
    return layer


def gas_value(minute: int) -> float:
    """GAS-00003: calm, a level III leak from minute 40 to 80, calm again."""
    return 30.0 if 40 <= minute < 80 else 0.5 + 0.01 * minute


@pytest.fixture
def window(qtbot, tmp_path):
    window = MainWindow()
    qtbot.addWidget(window)
    window.resize(1300, 850)
    window.open_journal(tmp_path / "live.sqlite")
    window.set_operator(OPERATOR)
    layer = city_layer()
    window.canvas.renderer.add_layer(layer)
    window.start_live()
    window.show()
    window.canvas.zoom_to_layer(layer)
    yield window
    window.leave_drill()
    window.close()


@pytest.fixture
def handled(window):
    """Two hours of readings; the leak's alarm acknowledged at 45, dispatched at 50, closed at 90 min."""
    book = window.session.pipeline.book
    table = window.session.pipeline.table
    alarm_id = None
    for minute in range(120):
        t = T0 + minute * MINUTE
        window.feed(readings([(LEAK, gas_value(minute)), ("GAS-00004", 1.0), ("WLG-00001", 3.0)], t), "feed",
                    now_ms=t)
        if minute == 45:
            alarm_id = int(table.alarm_id[table.row_of(LEAK)])
            book.acknowledge([alarm_id], OPERATOR, t)
        elif minute == 50:
            book.dispatch(alarm_id, "市燃气集团", OPERATOR, t)
        elif minute == 90:
            book.close(alarm_id, "handled", "阀门已关闭", OPERATOR, t)
    assert window.session.journal.flush(timeout=10)
    window.refresh_live()
    return alarm_id


def journal_answers(path, sensor_id):
    with connect_reader(path) as db:
        return query_readings(db, sensor_id), sensor_alarm_events(db, sensor_id)


def wait_loaded(qtbot, panel):
    qtbot.waitUntil(lambda: not panel.loading, timeout=10_000)


def plotted(panel, sensor_id):
    """What the line holds, in UTC epoch ms, without the NaNs that cut it at silences."""
    x, y = panel.plot.series[sensor_id].item.getOriginalDataset()
    keep = np.isfinite(y)
    return np.round(x[keep] * 1000).astype(np.int64), y[keep]


def click_sensor(window, qtbot, sensor_id):
    table = window.live.table
    row = table.row_of(sensor_id)
    with qtbot.waitSignal(window.canvas.feature_clicked):
        window.canvas.identify_at(QPointF(float(table.x[row]), float(table.y[row])))


def test_a_click_on_the_map_opens_the_journal_history_with_bands_markers_and_metadata(window, handled, qtbot,
                                                                                     tmp_path):
    panel = window.sensor_detail.panel
    click_sensor(window, qtbot, LEAK)
    assert window.sensor_detail.dock.isVisible()
    assert panel.sensor_ids == [LEAK]
    wait_loaded(qtbot, panel)
    assert panel.message == ""
    (t, v, _q), events = journal_answers(tmp_path / "live.sqlite", LEAK)
    assert len(t) == 120
    got_t, got_v = plotted(panel, LEAK)
    np.testing.assert_array_equal(got_t, t)
    np.testing.assert_array_equal(got_v, v)

    # A live value the journal has not read back yet joins the end of the line.
    table = window.session.pipeline.table
    window.feed(readings([(LEAK, 1.5)], T0 + 121 * MINUTE), "feed", now_ms=T0 + 121 * MINUTE)
    panel.tick()
    got_t, got_v = plotted(panel, LEAK)
    assert (got_t[-1], got_v[-1]) == (int(table.t_ms[table.row_of(LEAK)]), 1.5) == (T0 + 121 * MINUTE, 1.5)
    np.testing.assert_array_equal(got_t[:-1], t)

    # The bands are the thresholds in force, IV..I, each up to the next.
    levels = table.levels[table.row_of(LEAK)]
    (bands,) = panel.plot.bands
    assert [b.level for b in bands] == [4, 3, 2, 1]
    assert [b.low for b in bands] == list(levels)
    assert [b.high for b in bands] == [*levels[1:], math.inf]
    plot = panel.plot.value_plots[0]
    assert all(band in plot.items for band in bands)

    # Raise, acknowledge, dispatch and close at the journaled times; the unit never acknowledged, so the
    # dispatch escalated when its acknowledgement fell due (level II at its peak: 10 min after the dispatch).
    # The raise: the second reading past the threshold (minute 41) confirms the level of the first (minute 40).
    assert [(e[1], e[0]) for e in events] == [("raise", T0 + 41 * MINUTE), ("acknowledge", T0 + 45 * MINUTE),
                                               ("dispatch", T0 + 50 * MINUTE), ("escalation", T0 + 60 * MINUTE),
                                               ("close", T0 + 90 * MINUTE)]
    assert [(m.event, m.t_ms, m.alarm_id) for m in panel.plot.markers] == [(e[1], e[0], handled) for e in events]
    assert panel.plot.event_points.data["x"].tolist() == [e[0] / 1000 for e in events]

    fields = {key: label.text() for key, label in panel.fields.items()}
    row = table.row_of(LEAK)
    assert fields["id"] == LEAK and fields["name"] == "Gas pit 3"
    assert fields["category"] == "Gas" and fields["owner"] == "市燃气集团" and fields["district"] == "西城区"
    assert fields["contact"] == "027-8888-0002" and fields["asset"] == "DN300 中压管 2"
    assert fields["coordinates"] == format_lonlat(*mercator_to_lonlat(float(table.x[row]), float(table.y[row])))
    assert fields["value"].startswith("1.5 %LEL")


def test_the_dispatch_loop_steps_are_marked_with_their_own_symbols_tips_and_legend(window, qtbot, tmp_path):
    """Dispatched at 50 (level II at its peak: the unit's acknowledgement due at 60), acknowledged late at 70,
    on site at 75, feedback at 80: the strip marks each step, and the escalation at 60, in the unit's lane."""
    from console.ui.sensor_detail.plot import EVENT_SYMBOLS, LANE_OF, LANES, marker_tip

    book = window.session.pipeline.book
    table = window.session.pipeline.table
    alarm_id = None
    for minute in range(86):
        t = T0 + minute * MINUTE
        window.feed(readings([(LEAK, gas_value(minute)), ("GAS-00004", 1.0)], t), "feed", now_ms=t)
        if minute == 45:
            alarm_id = int(table.alarm_id[table.row_of(LEAK)])
            book.acknowledge([alarm_id], OPERATOR, t)
        elif minute == 50:
            book.dispatch(alarm_id, "市燃气集团", OPERATOR, t)
        elif minute == 70:
            book.unit_acknowledged(alarm_id, OPERATOR, t, "抢修班组已出发")
        elif minute == 75:
            book.on_site(alarm_id, OPERATOR, t)
        elif minute == 80:
            book.feedback(alarm_id, "阀井内检出燃气，已关阀", OPERATOR, t)
    assert window.session.journal.flush(timeout=10)
    window.refresh_live()
    (t_ms, _v, _q), events = journal_answers(tmp_path / "live.sqlite", LEAK)
    steps = [(e[1], e[0], e[5]) for e in events if e[1] not in ("raise", "acknowledge")]
    assert steps == [("dispatch", T0 + 50 * MINUTE, "市燃气集团"), ("escalation", T0 + 60 * MINUTE, "unit_ack"),
                     ("unit_ack", T0 + 70 * MINUTE, "抢修班组已出发"), ("on_site", T0 + 75 * MINUTE, ""),
                     ("feedback", T0 + 80 * MINUTE, "阀井内检出燃气，已关阀")]

    click_sensor(window, qtbot, LEAK)
    panel = window.sensor_detail.panel
    wait_loaded(qtbot, panel)
    plot = panel.plot
    loop = [(m.event, m.t_ms) for m in plot.markers if m.event not in ("raise", "acknowledge", "dispatch")]
    assert loop == [("escalation", T0 + 60 * MINUTE), ("unit_ack", T0 + 70 * MINUTE),
                    ("on_site", T0 + 75 * MINUTE), ("feedback", T0 + 80 * MINUTE)]
    # In the strip: each in the unit's lane, each with its own symbol.
    points = {point.data().event: point for point in plot.event_points.points()}
    unit_lane = LANES.index("unit")
    for event in ("unit_ack", "on_site", "feedback", "escalation"):
        assert points[event].pos().y() == LANE_OF[event] == unit_lane
        assert points[event].symbol() == EVENT_SYMBOLS[event]
    assert len({EVENT_SYMBOLS[e] for e in ("dispatch", "unit_ack", "on_site", "feedback", "escalation")}) == 5
    assert plot.events_plot.getAxis("left")._tickLevels[0][unit_lane][1] == "Unit"
    # The legend names the steps present; the tooltips say what, when, and the note.
    assert plot.step_legend.isVisible()
    plot.grab()  # laid out: the legend's row is under the plots, hiding none of the markers
    assert plot.step_legend.sceneBoundingRect().top() >= plot.value_plots[-1].sceneBoundingRect().bottom() - 1
    assert [text for _event, text in plot.step_legend.entries] == [
        "Unit acknowledged", "Unit on site", "Unit feedback", "Escalated (overdue)"]
    tips = {m.event: marker_tip(m) for m in plot.markers}
    assert "Unit acknowledged · " in tips["unit_ack"] and "抢修班组已出发" in tips["unit_ack"]
    assert f"Recorded by {OPERATOR}" in tips["on_site"]
    assert "阀井内检出燃气" in tips["feedback"]
    assert "Deadline missed: the unit's acknowledgement" in tips["escalation"]
    assert "To: 市燃气集团" in tips["dispatch"]
    book.close(alarm_id, "false_alarm", "", OPERATOR, T0 + 86 * MINUTE)
    window.refresh_live()
    panel.tick()
    (closed,) = [m for m in plot.markers if m.event == "close"]
    assert "False alarm" in marker_tip(closed) and points["on_site"].symbol() != EVENT_SYMBOLS["close"]

    panel.set_range(2 * 3_600_000)
    plot.resize(900, 420)
    plot.grab().save(str(tmp_path / "dispatch-loop.png"))


def test_an_alarm_without_dispatch_has_no_step_legend(window, handled, qtbot):
    click_sensor(window, qtbot, "WLG-00001")
    panel = window.sensor_detail.panel
    wait_loaded(qtbot, panel)
    assert not panel.plot.step_legend.isVisible()


def test_the_warning_pane_opens_the_detail_of_a_warnings_sensor(window, qtbot):
    window.feed(confirmed([(LEAK, 30.0)], T0), "feed", now_ms=T0)
    window.refresh_live()
    pane = window.alarm_pane
    pane.select_row(0)
    menu = window.sensor_detail.pane_menu()
    titles = [action.text() for action in menu.actions()]
    assert titles[0] == "Show sensor detail" and "Acknowledge" in titles
    window.sensor_detail.pane_action.trigger()
    assert window.sensor_detail.panel.sensor_ids == [LEAK]
    wait_loaded(qtbot, window.sensor_detail.panel)
    window.sensor_detail.panel.show_sensor(window.live.table.row_of("GAS-00001"))
    pane.view.doubleClicked.emit(pane.model.index(0, 0))
    assert window.sensor_detail.panel.sensor_ids == [LEAK]


def test_four_sensors_share_axes_by_quantity_and_a_fifth_is_refused(window, handled, qtbot):
    detail, table = window.sensor_detail, window.live.table
    chosen = [LEAK, "GAS-00004", "WLG-00001", "WLG-00002"]
    detail.open_row(table.row_of(chosen[0]))
    for sensor_id in chosen[1:]:
        assert detail.open_row(table.row_of(sensor_id), add=True)
    panel = detail.panel
    wait_loaded(qtbot, panel)
    assert panel.sensor_ids == chosen and len(chosen) == MAX_SENSORS
    gas_plot, flood_plot = panel.plot.value_plots
    assert {s.sensor_id for s in panel.plot.series.values() if s.item in gas_plot.listDataItems()} == set(chosen[:2])
    assert {s.sensor_id for s in panel.plot.series.values() if s.item in flood_plot.listDataItems()} == set(chosen[2:])
    assert len({s.colour for s in panel.plot.series.values()}) == 4
    with qtbot.waitSignal(panel.refused) as refused:
        assert not detail.open_row(table.row_of("GAS-00005"), add=True)
    assert "GAS-00005" in refused.args[0] and "4" in refused.args[0]
    assert panel.message == refused.args[0]
    assert panel.sensor_ids == chosen
    panel.remove_sensor("WLG-00002")
    assert detail.open_row(table.row_of("GAS-00005"), add=True)
    assert panel.sensor_ids == [*chosen[:3], "GAS-00005"]


def write_feed(path, rows):
    with open(path, "w", encoding="utf-8") as out:
        for t_ms, sensor, value in rows:
            out.write(json.dumps({"t": t_ms, "sensor": sensor, "value": value}) + "\n")
    return path


def test_in_a_drill_the_detail_reads_the_drill_feed_and_journal_on_the_feed_clock(window, handled, qtbot, tmp_path):
    rows = [(T0 + 10 * 86_400_000 + m * MINUTE, s, 30.0 if s == LEAK and m >= 20 else 0.5)
            for m in range(61) for s in GAS_IDS[:3]]
    feed = write_feed(tmp_path / "drill.jsonl", rows)
    drill = window.start_drill(feed, journal_path=tmp_path / "drill.sqlite")
    window.replay_panel.controller.seek(drill.replay.start_ms + 30 * MINUTE)
    window.refresh_live()
    pane = window.alarm_pane
    pane.select_row(0)
    pane.acknowledge_action.trigger()
    drill.journal.flush(timeout=5)
    detail = window.sensor_detail
    detail.open_row(drill.table.row_of(LEAK))
    panel = detail.panel
    wait_loaded(qtbot, panel)
    assert panel.journal_path == tmp_path / "drill.sqlite" and panel.drill
    assert "演练" in detail.dock.windowTitle()
    t, v, _q = drill.replay.history(LEAK)
    assert len(t) == 31  # the feed up to the feed clock, none of the live journal's readings
    got_t, got_v = plotted(panel, LEAK)
    np.testing.assert_array_equal(got_t, t)
    np.testing.assert_array_equal(got_v, v)
    with connect_reader(tmp_path / "drill.sqlite") as db:
        events = sensor_alarm_events(db, LEAK)
    # A seek rewrites the drill journal's alarms but not the transitions before the new moment:
    # the raise comes from the drill's book, the acknowledgement from the drill journal.
    (alarm,) = [a for a in drill.book.alarms.values() if a.sensor_id == LEAK]
    assert [(e[1], e[0]) for e in events if e[1] != "raise"] == [("acknowledge", alarm.acked_ms)]
    assert [(m.event, m.t_ms) for m in panel.plot.markers] == [("raise", alarm.raised_ms),
                                                               ("acknowledge", alarm.acked_ms)]
    assert alarm.raised_ms == drill.replay.start_ms + 21 * MINUTE  # confirmed by the second reading
    assert panel.plot.time_range_ms()[1] <= drill.now_ms + 0.05 * 86_400_000

    window.leave_drill()
    assert panel.journal_path == tmp_path / "live.sqlite" and not panel.drill
    assert "演练" not in detail.dock.windowTitle()
    wait_loaded(qtbot, panel)
    assert len(plotted(panel, LEAK)[0]) == 120


@pytest.mark.parametrize("make, expected", [
    (lambda path: None, "no such journal file"),
    (lambda path: path.write_bytes(b"this is not sqlite at all" * 10), "not a console journal"),
])
def test_a_missing_or_unreadable_journal_says_so_and_the_live_value_still_shows(qtbot, tmp_path, make, expected):
    from console.model.pipeline import Pipeline
    from console.model.sensors import SensorTable

    table = SensorTable.from_layers([sensor_layer()])
    pipeline = Pipeline(table, None)
    pipeline.process(confirmed([(LEAK, 30.0)], T0), "feed", now_ms=T0)
    path = tmp_path / "journal.sqlite"
    make(path)
    panel = SensorDetailPanel(interval_ms=0)
    qtbot.addWidget(panel)
    panel.bind(table, pipeline.book, path, lambda: T0 + MINUTE, sign=pipeline.engine.sign)
    panel.show_sensor(table.row_of(LEAK))
    assert panel.message == "Loading…"
    wait_loaded(qtbot, panel)
    assert expected in panel.message and "journal.sqlite" in panel.message
    panel.tick()
    assert plotted(panel, LEAK)[1].tolist() == [30.0]  # the live value (the journal cannot be read)
    assert len(panel.plot.markers) == 1  # the raise, from the book


def test_times_read_in_the_display_zone_and_falling_quantities_band_downwards(qtbot):
    from console.ui.sensor_detail.plot import SensorPlot

    plot = SensorPlot()
    qtbot.addWidget(plot)
    plot.resize(800, 400)
    plot.show_groups([[(LEAK, LEAK, "%LEL", threshold_bands([5.0, 10.0, 25.0, 50.0], 1.0))]], T0)
    plot.set_time_range(T0 - 6 * 3_600_000, T0)
    plot.show()
    qtbot.waitExposed(plot)
    plot.grab()  # the axis picks its scale (hours and minutes for six hours) when drawn
    axis = plot.value_plots[0].getAxis("bottom")
    assert display_utc_offset_s(T0) == -8 * 3600
    assert axis.tickStrings([T0 / 1000], 1, 3600) == ["08:00"]  # 00:00 UTC is 08:00 in Shanghai
    assert threshold_bands([3.0, 2.0, 1.0, 0.5], -1.0) == [
        (4, 2.0, 3.0), (3, 1.0, 2.0), (2, 0.5, 1.0), (1, -math.inf, 0.5)]
    assert threshold_bands([5.0, np.nan, 25.0, 50.0], 1.0) == [(4, 5.0, 25.0), (2, 25.0, 50.0), (1, 50.0, math.inf)]


def test_ctrl_click_on_the_map_adds_a_sensor_and_a_plain_click_shows_one_alone(window, qtbot):
    from PySide6.QtCore import Qt

    table, canvas = window.live.table, window.canvas

    def click(sensor_id, modifier=Qt.KeyboardModifier.NoModifier):
        row = table.row_of(sensor_id)
        scene = canvas.viewbox.mapViewToScene(QPointF(float(table.x[row]), float(table.y[row])))
        with qtbot.waitSignal(canvas.feature_clicked):
            qtbot.mouseClick(canvas.viewport(), Qt.MouseButton.LeftButton, modifier, canvas.mapFromScene(scene))

    click(LEAK)
    click("GAS-00001", Qt.KeyboardModifier.ControlModifier)
    assert window.sensor_detail.panel.sensor_ids == [LEAK, "GAS-00001"]
    click("GAS-00005")
    assert window.sensor_detail.panel.sensor_ids == ["GAS-00005"]


def test_the_dock_reads_in_chinese_and_renders(qtbot, tmp_path):
    from console.model.pipeline import Pipeline
    from console.model.sensors import SensorTable
    from console.ui.app import application

    application("zh_CN")
    try:
        table = SensorTable.from_layers([sensor_layer()])
        pipeline = Pipeline(table, None)
        for minute in range(30):
            pipeline.process(readings([(LEAK, gas_value(minute + 30))], T0 + minute * MINUTE), "feed",
                             now_ms=T0 + minute * MINUTE)
        panel = SensorDetailPanel(interval_ms=0)
        qtbot.addWidget(panel)
        panel.resize(760, 640)
        panel.bind(table, pipeline.book, None, lambda: T0 + 30 * MINUTE, sign=pipeline.engine.sign)
        panel.show_sensor(table.row_of(LEAK))
        wait_loaded(qtbot, panel)
        panel.tick()
        assert panel.message == "无日志：历史未记录，仅显示实时值。"
        assert [b.text() for b in panel.range_group.buttons()] == ["1小时", "6小时", "24小时", "7天"]
        assert panel.fields["category"].text() == "燃气"
        assert panel.plot.events_plot.getAxis("left")._tickLevels[0][0][1] == "报警"
        image = panel.grab()
        assert image.save(str(tmp_path / "detail_zh.png")) and image.width() == 760
    finally:
        application("en")
