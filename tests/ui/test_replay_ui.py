"""Replay UI: the controller's pacing, the timeline, the feed clock, the toolbar and drill marking.

The controller runs on a simulated wall clock (``SimulatedClock``) and a small real
stand-in replay (``StandInReplay``: a feed clock and alarm times), so speeds are
checked exactly without sleeping.
"""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF
from PySide6.QtWidgets import QApplication

from console.ui.drill import (
    DRILL_COLOUR,
    DRILL_MARK,
    drill_title,
    paint_drill_banner,
    plain_title,
)
from console.ui.fonts import map_font_family
from console.ui.map.renderer import MapRenderer
from console.ui.map.sensor_style import LEVEL_COLOURS
from console.ui.replay import MAX_LAG_S, ReplayController
from console.ui.replay_panel import ReplayPanel, install_replay_panel
from console.ui.snapshot import TITLE_HEIGHT, render_snapshot
from tests.ui.replay_standin import SimulatedClock, StandInReplay, storm_replay

T0 = 1_784_563_200_000  # 2026-07-21 00:00 Asia/Shanghai
HOUR_MS = 3_600_000


@pytest.fixture(autouse=True)
def _app(qapp):
    """The controller's timer needs a running Qt application."""
    return qapp


@pytest.fixture
def clock() -> SimulatedClock:
    return SimulatedClock()


def run(controller: ReplayController, clock: SimulatedClock, wall_s: float, tick_s: float = 0.05) -> None:
    """Let ``wall_s`` of simulated wall time pass, ticking the controller as its timer would."""
    for _ in range(round(wall_s / tick_s)):
        clock.advance(tick_s)
        controller.tick()


def settle() -> None:
    """Run the events already posted and those they post (layout passes, repaints), without a clock."""
    for _ in range(3):  # a scene change posts a view update, which posts the repaint
        QApplication.sendPostedEvents()
        QApplication.processEvents()


@pytest.mark.parametrize("speed, wall_s", [(1, 3.0), (60, 2.0), (900, 1.0), (3600, 2.5)])
def test_play_advances_the_feed_clock_by_speed_times_wall_time(clock, speed, wall_s):
    replay = StandInReplay(T0, T0 + 6 * HOUR_MS)
    controller = ReplayController(replay, clock=clock)
    controller.set_speed(speed)
    controller.play()
    run(controller, clock, wall_s)
    assert replay.now_ms == T0 + round(speed * wall_s * 1000)
    assert controller.lagging is False
    assert controller.effective_speed == pytest.approx(speed, rel=0.01)


def test_pause_stops_the_feed_clock_and_play_resumes_from_there(clock):
    replay = StandInReplay(T0, T0 + 6 * HOUR_MS)
    controller = ReplayController(replay, clock=clock)
    controller.set_speed(300)
    controller.play()
    run(controller, clock, 1.0)
    controller.pause()
    paused_at = replay.now_ms
    assert paused_at == T0 + 300_000
    run(controller, clock, 5.0)
    assert replay.now_ms == paused_at
    assert not controller.timer.isActive()
    controller.play()
    run(controller, clock, 1.0)
    assert replay.now_ms == paused_at + 300_000


def test_a_replay_too_slow_for_the_speed_lags_instead_of_blocking(clock):
    # Applying one feed second costs 1 ms of wall time: this replay manages about 1000x at best.
    replay = StandInReplay(T0, T0 + 24 * HOUR_MS, clock=clock, cost_s_per_feed_s=0.001)
    controller = ReplayController(replay, clock=clock)
    controller.set_speed(3600)
    controller.play()
    tick_costs = []
    for _ in range(40):
        clock.advance(0.02)  # the rest of the GUI's frame
        before = replay.now_ms
        controller.tick()
        tick_costs.append(controller.last_tick_s)
        assert replay.now_ms > before
    assert max(tick_costs) < 0.050
    assert controller.lagging is True
    assert 100 < controller.effective_speed < 1000
    # The replay gets fast again: the backlog is dropped, not caught up in one rush.
    replay.cost_s_per_feed_s = 0.0
    before = replay.now_ms
    clock.advance(0.05)
    controller.tick()
    assert replay.now_ms - before <= 3600 * (MAX_LAG_S + 0.1) * 1000
    run(controller, clock, 0.5, tick_s=0.02)
    assert controller.lagging is False
    assert controller.effective_speed == pytest.approx(3600, rel=0.05)


def test_views_hear_of_the_state_five_times_a_second_and_the_clock_ten(clock):
    replay = StandInReplay(T0, T0 + 6 * HOUR_MS)
    controller = ReplayController(replay, clock=clock)
    told, shown = [], []
    controller.time_changed.connect(told.append)
    controller.clock_changed.connect(shown.append)
    controller.set_speed(3600)
    controller.play()
    run(controller, clock, 2.0, tick_s=0.02)
    assert 9 <= len(told) <= 11 and 19 <= len(shown) <= 21
    assert set(told) <= set(shown)  # whenever the state's readers hear, the clock shows the same time
    controller.pause()  # the exact time, at once
    assert told[-1] == shown[-1] == replay.now_ms


def test_a_tick_that_tells_slow_views_leaves_them_room(clock):
    # A replay that fills any budget (1 ms per feed second at 3600x), and views that take 6 ms to redraw.
    replay = StandInReplay(T0, T0 + 24 * HOUR_MS, clock=clock, cost_s_per_feed_s=0.001)
    controller = ReplayController(replay, clock=clock)
    controller.time_changed.connect(lambda _t: clock.advance(0.006))
    controller.set_speed(3600)
    controller.play()
    ticks = []
    for _ in range(100):
        clock.advance(0.02)
        controller.tick()
        ticks.append(controller.last_tick_s)
    # Every tick, telling the views included, stays near the budget (10 ms) once their cost is known.
    assert max(ticks[20:]) < 0.0125
    assert min(ticks[20:]) > 0.007  # and the replay still gets the rest


def test_a_tick_that_tells_leaves_room_for_the_repaint_that_follows_it(clock, qtbot):
    # Views cheap to tell, whose repaint (after the tick, in the event loop) takes 25 ms; the clock's 2 ms.
    replay = StandInReplay(T0, T0 + 24 * HOUR_MS, clock=clock, cost_s_per_feed_s=0.001)
    controller = ReplayController(replay, clock=clock)
    controller.set_speed(3600)
    controller.play()
    controller.timer.stop()  # ticked by hand; the event loop runs the repaint probe
    heard = []
    controller.time_changed.connect(lambda _t: heard.append("state"))
    controller.clock_changed.connect(lambda _t: heard.append("clock"))
    work = []
    for _ in range(60):
        clock.advance(0.02)
        before = replay.now_ms
        heard.clear()
        controller.tick()
        told = "state" if "state" in heard else ("clock" if heard else None)
        work.append((told == "state", replay.now_ms - before))
        clock.advance({"state": 0.025, "clock": 0.002, None: 0.0}[told])  # the repaint
        qtbot.wait(1)
    state_ticks = [moved for state, moved in work[20:] if state]
    assert state_ticks and max(state_ticks) == 0  # no replay work in a frame that repaints that much
    assert min(moved for state, moved in work[20:] if not state) > 0


def test_play_goes_on_when_telling_the_views_costs_more_than_a_frame(clock):
    # Views that take 30 ms to redraw: a tick that tells them has no room for replay work at all.
    replay = StandInReplay(T0, T0 + 24 * HOUR_MS)
    controller = ReplayController(replay, clock=clock)
    controller.time_changed.connect(lambda _t: clock.advance(0.030))
    told = []
    controller.time_changed.connect(told.append)
    controller.set_speed(3600)
    controller.play()
    # The clock told at 0.1 s, then no tick until the state is due: a tick with no work must still tell.
    for step in [0.001, 0.075, 0.0995] + [0.02] * 50:
        clock.advance(step)
        controller.tick()
    assert len(told) >= 5 and told == sorted(told) and len(set(told)) == len(told)  # every 0.2 s, each new
    assert replay.now_ms - told[0] > 3600 * 1_000  # and the replay moved on between the tellings


def test_steps_follow_the_speed_and_a_long_step_is_spread_over_ticks(clock):
    replay = StandInReplay(T0, T0 + 6 * HOUR_MS, clock=clock)
    controller = ReplayController(replay, clock=clock)
    controller.set_speed(60)
    controller.step_forward()
    assert replay.now_ms == T0 + 60_000
    controller.step_back()
    assert replay.now_ms == T0 and replay.seeks == [T0]
    # One hour at 1 ms of work per feed second is 3.6 s of work: it must not happen in one tick.
    replay.cost_s_per_feed_s = 0.001
    controller.set_speed(3600)
    controller.step_forward()
    assert T0 < replay.now_ms < T0 + HOUR_MS
    ticks = 1
    while controller.timer.isActive():
        clock.advance(0.02)
        controller.tick()
        ticks += 1
        assert controller.last_tick_s < 0.050
    assert replay.now_ms == T0 + HOUR_MS
    assert ticks > 50
    assert not controller.playing


def test_playing_to_the_end_pauses_and_reports_finished(clock, qtbot):
    replay = StandInReplay(T0, T0 + HOUR_MS)
    controller = ReplayController(replay, clock=clock)
    controller.seek(T0 + HOUR_MS - 30_000)
    controller.set_speed(60)
    controller.play()
    with qtbot.waitSignal(controller.finished, timeout=1000):
        run(controller, clock, 1.0)
    assert replay.now_ms == T0 + HOUR_MS
    assert controller.playing is False and controller.at_end
    controller.play()  # play at the end starts again from the beginning
    assert replay.now_ms == T0


@pytest.fixture
def panel(qtbot, clock):
    replay = storm_replay(T0)
    controller = ReplayController(replay, clock=clock)
    widget = ReplayPanel(replay, controller=controller)
    qtbot.addWidget(widget)
    widget.resize(1200, 140)
    widget.show()
    qtbot.waitExposed(widget)
    widget.refresh_density()
    return widget


def test_a_click_on_the_timeline_seeks_to_the_time_under_the_mouse(panel, qtbot):
    timeline = panel.timeline
    target = T0 + 4 * HOUR_MS + 30 * 60_000  # 04:30 local
    x = timeline.cursor_x(target)
    y = timeline.height() // 2
    qtbot.mouseClick(timeline.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(round(x), y))
    ms_per_px = timeline.time_at(x + 1) - timeline.time_at(x)
    assert abs(panel.replay.now_ms - target) <= ms_per_px
    assert panel.replay.seeks == [panel.replay.now_ms]
    assert panel.clock.time_label.text()[:4] in ("04:2", "04:3")
    assert timeline.cursor.value() * 1000 == pytest.approx(panel.replay.now_ms, abs=1)


@pytest.fixture
def every_mouse_move():
    """pyqtgraph drops mouse moves closer than 10 ms apart; a test's moves come faster than that."""
    import pyqtgraph as pg

    limit = pg.getConfigOption("mouseRateLimit")
    pg.setConfigOptions(mouseRateLimit=0)
    yield
    pg.setConfigOptions(mouseRateLimit=limit)


def test_dragging_on_the_timeline_moves_the_cursor_and_seeks_on_release(panel, qtbot, every_mouse_move):
    timeline = panel.timeline
    y = timeline.height() // 2
    start_x, end_x = timeline.cursor_x(T0 + HOUR_MS), timeline.cursor_x(T0 + 5 * HOUR_MS)
    viewport = timeline.viewport()
    qtbot.mousePress(viewport, Qt.MouseButton.LeftButton, pos=QPoint(round(start_x), y))
    for x in np.linspace(start_x, end_x, 8)[1:]:
        qtbot.mouseMove(viewport, pos=QPoint(round(x), y))
    assert timeline.cursor.value() * 1000 == pytest.approx(T0 + 5 * HOUR_MS, abs=2 * 60_000)
    assert panel.replay.seeks == []  # no seek while dragging: a seek may rebuild a lot of state
    qtbot.mouseRelease(viewport, Qt.MouseButton.LeftButton, pos=QPoint(round(end_x), y))
    assert len(panel.replay.seeks) == 1
    assert panel.replay.now_ms == pytest.approx(T0 + 5 * HOUR_MS, abs=2 * 60_000)
    # Dragged past the end of the span: the seek stops at the end of the feed.
    qtbot.mousePress(viewport, Qt.MouseButton.LeftButton, pos=QPoint(round(end_x), y))
    for x in np.linspace(end_x, timeline.width() - 1, 6)[1:]:
        qtbot.mouseMove(viewport, pos=QPoint(round(x), y))
    qtbot.mouseRelease(viewport, Qt.MouseButton.LeftButton, pos=QPoint(timeline.width() - 1, y))
    assert panel.replay.now_ms == panel.replay.end_ms


def test_the_feed_clock_shows_local_time_speed_and_state(panel, clock):
    panel.controller.seek(T0 + 3 * HOUR_MS + 754_000)
    assert panel.clock.date_label.text() == "2026-07-21  Tue"
    assert panel.clock.time_label.text() == "03:12:34"
    assert panel.clock.zone_label.text() == "China Standard Time UTC+8"
    assert panel.clock.state_label.text() == "❚❚ Paused (60×)"
    panel.toolbar.play_action.trigger()
    assert panel.controller.playing
    assert panel.clock.state_label.text() == "▶ Playing 60×"
    assert panel.toolbar.play_action.text() == "Pause"
    clock.advance(1.0)
    panel.controller.tick()
    assert panel.clock.time_label.text() == "03:13:34"


def test_the_speed_selector_sets_the_speed(panel, clock):
    box = panel.toolbar.speed_box
    assert [box.itemData(i) for i in range(box.count())] == [1, 10, 60, 300, 900, 3600]
    assert box.currentData() == 60
    box.setCurrentIndex(box.findData(3600))
    assert panel.controller.speed == 3600
    assert panel.clock.state_label.text() == "❚❚ Paused (3600×)"
    assert panel.toolbar.forward_action.toolTip() == "Step forward 1 h"
    panel.toolbar.play_action.trigger()
    clock.advance(0.5)
    panel.controller.tick()
    assert panel.replay.now_ms == T0 + 1_800_000
    panel.controller.set_speed(10)
    assert box.currentText().startswith("10×")
    panel.toolbar.end_action.trigger()
    assert panel.replay.now_ms == panel.replay.end_ms
    assert panel.clock.state_label.text() == "■ End of feed"


def _pixel(image, x, y) -> str:
    return QColor(image.pixel(round(x), round(y))).name().upper()


def test_histogram_bars_are_stacked_in_the_level_colours(qtbot, clock):
    # Four 15-minute bins: level I alone, II alone, III alone, then I and IV stacked.
    q = 15 * 60_000
    alarms = {1: [T0 + q // 2] * 4 + [T0 + 3 * q + q // 2] * 2, 2: [T0 + q + 60_000] * 4,
              3: [T0 + 2 * q + 60_000] * 4, 4: [T0 + 3 * q + 60_000] * 2}
    replay = StandInReplay(T0, T0 + 4 * q, alarms)
    panel = ReplayPanel(replay, controller=ReplayController(replay, clock=clock))
    qtbot.addWidget(panel)
    panel.resize(900, 160)
    panel.show()
    qtbot.waitExposed(panel)
    timeline = panel.timeline
    density = replay.alarm_density(4)
    timeline.set_density(density.edges_ms, density.counts)
    image = timeline.grab().toImage()
    vb = timeline.viewbox

    def at(t_ms, count):
        point = timeline.mapFromScene(vb.mapViewToScene(QPointF(t_ms / 1000, count)))
        return point.x(), point.y()

    for bin_index, level in enumerate((1, 2, 3)):
        x, y = at(T0 + bin_index * q + q * 0.4, 2)  # half way up a bar four alarms tall
        assert _pixel(image, x, y) == LEVEL_COLOURS[level]
    x, y_low = at(T0 + 3 * q + q * 0.4, 1)  # stacked bin: I (2 alarms) at the bottom, IV (2) on top
    _, y_high = at(T0 + 3 * q + q * 0.4, 3)
    assert _pixel(image, x, y_low) == LEVEL_COLOURS[1]
    assert _pixel(image, x, y_high) == LEVEL_COLOURS[4]
    _, y_above = at(T0 + 3 * q + q * 0.4, 4.3)
    assert _pixel(image, x, y_above) not in LEVEL_COLOURS.values()


def test_drill_banner_is_drawn_in_a_snapshot_with_its_text(districts):
    renderer = MapRenderer()
    renderer.add_layer(districts)
    width, height = 1000, 700
    plain = render_snapshot(renderer, width, height, title="Brief")
    drill = render_snapshot(renderer, width, height, title=drill_title("Brief"), decorations=[paint_drill_banner])
    assert (plain.width(), plain.height()) == (drill.width(), drill.height()) == (width, height)
    violet = QColor(DRILL_COLOUR).name().upper()
    # The frame round the map, just below the title bar, and nothing of it without the banner.
    for x, y in [(2, TITLE_HEIGHT + 300), (width - 3, TITLE_HEIGHT + 300), (500, height - 3)]:
        assert _pixel(drill, x, y) == violet
        assert _pixel(plain, x, y) != violet
    # The tab at the top centre: violet, with white lettering as wide as "演练 DRILL" in its font.
    row = TITLE_HEIGHT + 18
    whites = [x for x in range(width // 2 - 150, width // 2 + 150)
              if QColor(drill.pixel(x, row)).lightness() > 248]
    assert _pixel(drill, width // 2 - 70, TITLE_HEIGHT + 4) == violet
    font = QFont(map_font_family())
    font.setPixelSize(26)
    font.setBold(True)
    font.setLetterSpacing(QFont.SpacingType.AbsoluteSpacing, 2)
    text_width = QFontMetricsF(font).horizontalAdvance(DRILL_MARK)
    assert whites, "no lettering in the drill tab"
    assert abs((max(whites) - min(whites)) - text_width) < 16
    # The map under the banner stays readable: the district fill still shows in the middle.
    centre = QColor(drill.pixel(width // 2, TITLE_HEIGHT + (height - TITLE_HEIGHT) // 2))
    plain_centre = QColor(plain.pixel(width // 2, TITLE_HEIGHT + (height - TITLE_HEIGHT) // 2))
    assert abs(centre.red() - plain_centre.red()) + abs(centre.green() - plain_centre.green()) < 60


def _banner(width: int, height: int, scale: float = 1.0):
    from PySide6.QtGui import QImage, QPainter

    from console.ui.map.view import ViewState

    image = QImage(round(width * scale), round(height * scale), QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(QColor("#F4F1EA"))
    painter = QPainter(image)
    painter.scale(scale, scale)
    paint_drill_banner(painter, ViewState(1.0, 0.0, -1.0, 0.0, width, height))
    painter.end()
    return image


def test_the_drill_banner_follows_the_map_size_the_language_and_a_scaled_painter():
    from console.ui.app import application

    violet = QColor(DRILL_COLOUR).name().upper()
    small, large = _banner(600, 400), _banner(900, 500)
    assert _pixel(small, 597, 200) == violet and _pixel(large, 897, 250) == violet
    assert _pixel(large, 597, 250) != violet  # the frame of the larger map is not where the smaller one's is
    # Printed larger (a scaled painter): drawn at the painter's scale, not copied from a small picture.
    scaled = _banner(600, 400, scale=2.0)
    assert _pixel(scaled, 1195, 400) == violet and _pixel(scaled, 598, 400) != violet

    def subtitle(image):
        return [QColor(image.pixel(x, y)).lightness() > 200 for x in range(200, 400) for y in range(36, 50)]

    english = subtitle(_banner(600, 400))
    application("zh_CN")
    try:
        chinese = subtitle(_banner(600, 400))
    finally:
        application("en")
    assert any(english) and any(chinese) and english != chinese  # "Exercise: not a real event" in Chinese
    assert subtitle(_banner(600, 400)) == english


def test_drill_titles_mark_once_and_unmark():
    assert drill_title("Duty console") == "【演练 DRILL】 Duty console"
    assert drill_title(drill_title("Duty console")) == drill_title("Duty console")
    assert plain_title(drill_title("Duty console")) == "Duty console"


def test_install_in_the_main_window_marks_drill_and_remove_restores(qtbot):
    from console.ui.main_window import MainWindow

    window = MainWindow()
    qtbot.addWidget(window)
    window.resize(1200, 800)
    window.show()
    qtbot.waitExposed(window)
    title = window.windowTitle()
    canvas = window.canvas
    map_width = canvas.width()
    replay = storm_replay(T0)
    panel = install_replay_panel(window, replay, drill=True)
    assert window.windowTitle() == drill_title(title)
    assert paint_drill_banner in canvas.foreground_painters
    assert panel.clock.drill and panel.clock.drill_label.isVisibleTo(panel.clock)
    qtbot.waitUntil(lambda: panel.isVisible() and canvas.width() == map_width)
    # Directly under the map and as wide as it; the docks kept their sizes.
    map_bottom = canvas.mapTo(window, QPoint(0, canvas.height())).y()
    assert panel.mapTo(window, QPoint(0, 0)).y() >= map_bottom
    assert panel.width() == map_width
    # The banner is on the screen: the canvas's frame is violet at its left edge.
    image = window.canvas.grab().toImage()
    assert _pixel(image, 2, image.height() // 2) == QColor(DRILL_COLOUR).name().upper()
    panel.remove()
    assert window.windowTitle() == title
    assert paint_drill_banner not in window.canvas.foreground_painters
    assert window.centralWidget() is canvas
    qtbot.waitUntil(lambda: canvas.width() == map_width)
    image = window.canvas.grab().toImage()
    assert _pixel(image, 2, image.height() // 2) != QColor(DRILL_COLOUR).name().upper()


def test_objects_made_while_playing_in_a_window_are_kept_out_of_full_collections(qtbot):
    import gc

    from console.ui.main_window import MainWindow

    def collected(thing) -> bool:  # in a generation the collector walks (not frozen)
        return any(thing is other for generation in (0, 1, 2) for other in gc.get_objects(generation))

    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    panel = install_replay_panel(window, storm_replay(T0), drill=True)
    assert gc.get_freeze_count() > 0  # what was loaded
    made = ["made while playing", T0]  # as a replay makes alarms
    assert collected(made)
    panel.controller.set_speed(60)
    panel.controller.play()
    qtbot.waitUntil(lambda: not collected(made), timeout=3000)
    panel.remove()
    assert gc.get_freeze_count() == 0 and collected(made)


def test_density_answers_of_every_shape_read_the_same():
    from console.feeds.replay import AlarmDensity
    from console.ui.replay import read_density

    edges = np.array([0, 10, 20])
    by_row = np.array([[1, 0], [0, 2], [3, 0], [0, 4]])
    answers = [(edges, by_row), (edges, by_row.T), (edges, {1: [1, 0], 2: [0, 2], 3: [3, 0], 4: [0, 4]}),
               AlarmDensity(edges, by_row, 20, True)]
    for answer in answers:
        density = read_density(answer)
        assert density.edges_ms.tolist() == [0, 10, 20]
        assert density.counts.tolist() == by_row.tolist()
        assert density.complete and density.indexed_until_ms is None
    partial = read_density(AlarmDensity(edges, by_row, 12, False))
    assert not partial.complete and partial.indexed_until_ms == 12
    with pytest.raises(ValueError, match="do not match 2 bins"):
        read_density((edges, np.zeros((3, 2))))


def test_the_part_of_the_feed_not_read_yet_is_hatched_and_fills_in(qtbot, clock):
    replay = storm_replay(T0)
    replay.indexed_until_ms = T0 + 2 * HOUR_MS  # the replay has read the first third so far
    panel = ReplayPanel(replay, controller=ReplayController(replay, clock=clock))
    qtbot.addWidget(panel)
    panel.resize(1200, 140)
    panel.show()
    qtbot.waitExposed(panel)
    panel.refresh_density()
    timeline = panel.timeline
    assert not panel.density_complete and panel._density_timer.isActive()
    assert timeline.peak_label.toPlainText() == "Reading the feed: 33 %"
    assert timeline.unknown.isVisible()
    assert timeline.unknown.getRegion() == pytest.approx(((T0 + 2 * HOUR_MS) / 1000, (T0 + 6 * HOUR_MS) / 1000))
    assert timeline.counts[:, timeline.edges_ms[:-1] >= T0 + 2 * HOUR_MS].sum() == 0
    replay.indexed_until_ms = None  # the feed is read
    panel.refresh_density()
    assert panel.density_complete and not panel._density_timer.isActive()
    assert not timeline.unknown.isVisible()
    assert timeline.peak_label.toPlainText().startswith("peak ")


def test_the_same_histogram_asked_for_again_is_not_drawn_again(qtbot, clock):
    replay = storm_replay(T0)
    replay.indexed_until_ms = T0 + 2 * HOUR_MS
    panel = ReplayPanel(replay, controller=ReplayController(replay, clock=clock))
    qtbot.addWidget(panel)
    panel.resize(1200, 140)
    panel.show()
    qtbot.waitExposed(panel)
    timeline = panel.timeline
    paints = []
    paint = timeline.paintEvent
    timeline.paintEvent = lambda event: (paints.append(1), paint(event))
    panel.refresh_density()
    qtbot.waitUntil(lambda: len(paints) > 0)
    settle()
    paints.clear()
    panel.refresh_density()  # as every 2 s while playing, nothing new read
    settle()
    assert paints == []
    replay.indexed_until_ms = T0 + 3 * HOUR_MS  # more of the feed read: drawn again, by the same events
    panel.refresh_density()
    settle()
    assert paints
    assert timeline.peak_label.toPlainText() == "Reading the feed: 50 %"


def test_the_clock_says_when_the_replay_cannot_keep_up(qtbot, clock):
    replay = StandInReplay(T0, T0 + 24 * HOUR_MS, clock=clock, cost_s_per_feed_s=0.001)
    panel = ReplayPanel(replay, controller=ReplayController(replay, clock=clock))
    qtbot.addWidget(panel)
    panel.controller.set_speed(3600)
    panel.controller.play()
    run(panel.controller, clock, 0.5, tick_s=0.02)
    assert panel.clock.state_label.text() == "▶ Playing 3600×"
    assert panel.clock.lag_label.isVisibleTo(panel.clock) and not panel.clock.zone_label.isVisibleTo(panel.clock)
    effective = float(f"{panel.controller.effective_speed:.2g}")
    assert panel.clock.lag_label.text() == f"⚠ Cannot keep up: about {effective:g}×"
    replay.cost_s_per_feed_s = 0.0
    run(panel.controller, clock, 0.5, tick_s=0.02)
    assert not panel.clock.lag_label.isVisibleTo(panel.clock) and panel.clock.zone_label.isVisibleTo(panel.clock)


def test_the_lag_line_takes_the_zone_line_place_and_the_map_keeps_its_size(qtbot):
    from console.ui.main_window import MainWindow

    window = MainWindow()
    qtbot.addWidget(window)
    window.resize(1200, 800)
    window.show()
    qtbot.waitExposed(window)
    panel = install_replay_panel(window, storm_replay(T0), drill=True)
    qtbot.waitUntil(lambda: panel.isVisible())
    settle()
    heights = {window.canvas.height()}
    for lagging in (True, False, True, False):
        panel.clock.set_state(True, 3600, False, lagging, 1200.0)
        settle()  # the layout passes that follow a change of text or visibility
        heights.add(window.canvas.height())
        assert panel.clock.lag_label.isVisibleTo(panel.clock) is lagging
        assert panel.clock.zone_label.isVisibleTo(panel.clock) is not lagging
    assert len(heights) == 1  # a new map height would redraw the whole map
    panel.remove()


def test_the_replay_bar_reads_in_chinese(qtbot, clock):
    from console.ui.app import application

    application("zh_CN")
    try:
        replay = storm_replay(T0)
        panel = ReplayPanel(replay, drill=True, controller=ReplayController(replay, clock=clock))
        qtbot.addWidget(panel)
        panel.controller.seek(T0 + 3 * HOUR_MS + 754_000)
        assert panel.clock.date_label.text() == "2026-07-21  周二"
        assert panel.clock.zone_label.text() == "北京时间 UTC+8"
        assert panel.clock.state_label.text() == "❚❚ 已暂停（60倍速）"
        assert panel.clock.drill_label.text() == "演练 DRILL"
        assert panel.toolbar.speed_box.itemText(5) == "3600倍速  (每秒1小时)"
        assert panel.toolbar.play_action.text() == "播放"
    finally:
        application("en")


# --- the real replay engine -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def small_feed(tmp_path_factory):
    """About 70 sensors, six hours of every scenario event (the replay tests' city)."""
    from console.feeds.replay import decode_feed
    from tests.feeds.replay_helpers import small_city

    table, feed, _ = small_city(tmp_path_factory.mktemp("replay_ui"))
    return table, decode_feed(feed, table)


def test_the_panel_plays_seeks_and_charts_the_real_replay(small_feed, qtbot, clock):
    from console.feeds.replay import Replay
    from tests.feeds.replay_helpers import assert_same_state

    table, columns = small_feed
    replay = Replay(columns, table, checkpoint_every_s=1800)
    panel = ReplayPanel(replay, controller=ReplayController(replay, clock=clock))
    qtbot.addWidget(panel)
    panel.resize(1200, 140)
    panel.show()
    qtbot.waitExposed(panel)
    # The feed is indexed in a child process, playing or not: it shares no interpreter lock with the GUI.
    assert panel.indexing and replay.background_indexing
    panel.controller.play()
    assert panel.indexing
    panel.controller.pause()
    # The histogram fills in with every alarm of the feed.
    qtbot.waitUntil(lambda: (panel.refresh_density(), panel.density_complete)[1], timeout=30_000)
    panel.controller.seek(replay.start_ms)
    played = Replay(columns, table, checkpoint_every_s=1800)
    played.advance_to(played.end_ms)
    # The timeline counts process alarms by level; sensor-fault items have none.
    assert panel.timeline.counts.sum() == len(played.book.open_alarms()) > 10
    # Play at 3600x for one simulated second: one hour of feed, the same state as playing straight there.
    controller = panel.controller
    controller.set_speed(3600)
    controller.play()
    run(controller, clock, 1.0, tick_s=0.02)
    assert replay.now_ms == replay.start_ms + HOUR_MS
    reference = Replay(columns, table, checkpoint_every_s=1800)
    reference.advance_to(replay.start_ms + HOUR_MS)
    assert_same_state(replay, reference)
    controller.pause()  # the clock shows every 50 ms while playing, and the exact time once paused
    assert panel.clock.time_label.text() == "01:00:00"
    # A click on the timeline at 04:30 seeks there, exactly as playing to that moment would.
    timeline = panel.timeline
    x = round(timeline.cursor_x(replay.start_ms + 4 * HOUR_MS + 30 * 60_000))
    generation = replay.generation
    qtbot.mouseClick(timeline.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, timeline.height() // 2))
    assert replay.generation == generation + 1
    assert abs(replay.now_ms - (replay.start_ms + 4.5 * HOUR_MS)) <= timeline.time_at(x + 1) - timeline.time_at(x)
    reference.advance_to(replay.now_ms)
    assert_same_state(replay, reference)
    # And back to the start.
    panel.toolbar.start_action.trigger()
    assert replay.now_ms == replay.start_ms and not replay.book.alarms
    panel.remove()


def test_the_gui_answers_posted_events_between_the_slices_of_the_indexing(small_feed, qtbot):
    """The index grows a checkpoint interval at a time, and between two slices the GUI thread runs its event loop."""
    import threading

    from PySide6.QtCore import QObject, Signal

    from console.feeds.replay import Replay

    class Post(QObject):
        posted = Signal(object)

    table, columns = small_feed
    replay = Replay(columns, table)
    answered: list[tuple[int, bool]] = []  # (slice end, was the panel still indexing when the GUI answered)
    gui_thread = threading.get_ident()
    post = Post()
    handled = threading.Event()

    def answer(until_ms: int) -> None:
        assert threading.get_ident() == gui_thread
        answered.append((until_ms, panel.indexing))
        handled.set()

    post.posted.connect(answer)  # queued: emitted on the indexing child's reading thread
    slices = []

    def on_slice(until_ms: int) -> None:
        slices.append(until_ms)
        handled.clear()
        post.posted.emit(until_ms)
        handled.wait(10)  # the next slice is taken only once the GUI has answered this one (or 10 s passed)

    replay.on_index_step = on_slice
    panel = ReplayPanel(replay)
    qtbot.addWidget(panel)
    qtbot.waitUntil(lambda: (panel.refresh_density(), panel.density_complete)[1], timeout=60_000)
    qtbot.waitUntil(lambda: len(answered) == len(slices), timeout=10_000)
    assert replay.index_error is None
    assert len(slices) > 10 and slices == sorted(slices) and slices[-1] == replay.end_ms
    # Every slice was answered by the GUI thread before the next one came, most while indexing went on.
    assert [until for until, _ in answered] == slices
    assert sum(indexing for _, indexing in answered) >= len(slices) - 1
    panel.remove()
