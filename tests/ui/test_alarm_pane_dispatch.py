"""The dispatch loop in the warning pane: dialog with deadlines, countdowns, overdue marking and notice.

On a real book fed through the real pipeline, with the pane's clock under the
test's control (as a drill's feed clock is); and once through the engine process,
as live sources run.
"""

from __future__ import annotations

import json
import sqlite3
import time

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor

from console.engine.protocol import EngineSpec
from console.model.alarms import DeadlineTable
from console.model.journal import Journal
from console.model.pipeline import Pipeline
from console.model.sensors import SensorTable
from console.ui.alarm_pane import AlarmPane, Column
from console.ui.alarm_pane.countdown import OVERDUE_FILL
from tests.engine.test_engine_process import LEAK_ROWS, Running, replay_sources, small_table
from tests.ui.live_fixtures import MINUTE, T0, confirmed, sensor_layer

OPERATOR = "李明"


class Clock:
    """The pane's "now", moved by the test."""

    def __init__(self, t_ms: int):
        self.t_ms = t_ms

    def __call__(self) -> int:
        return self.t_ms


@pytest.fixture
def pipeline(tmp_path):
    table = SensorTable.from_layers([sensor_layer()])
    pipe = Pipeline(table, journal=Journal(tmp_path / "journal.sqlite", synchronous="NORMAL"))
    pipe.book.deadlines = DeadlineTable.default()
    yield pipe
    pipe.close()


@pytest.fixture
def clock():
    return Clock(T0)


@pytest.fixture
def pane(qtbot, pipeline, clock):
    widget = AlarmPane(interval_ms=0)  # the test ticks the countdowns itself
    qtbot.addWidget(widget)
    widget.resize(1500, 320)
    widget.operator = OPERATOR
    widget.clock = clock
    widget.bind(pipeline.book, pipeline.table, sign=pipeline.engine.sign)
    widget.show()
    return widget


def raise_leaks(pipeline, pane):
    """GAS-00004 at level I and GAS-00002 at level III, at T0."""
    pipeline.process(confirmed([("GAS-00004", 60.0), ("GAS-00002", 12.0)], T0), "test", T0)
    pane.refresh()


def alarm_of(pipeline, sensor_id: str):
    return next(a for a in pipeline.book.alarms.values() if a.sensor_id == sensor_id)


def row_of(pane, sensor_id: str) -> int:
    model = pane.model
    return next(r for r in range(model.rowCount()) if model.index(r, Column.SENSOR).data().startswith(sensor_id))


def owner(pane, sensor_id: str) -> str:
    return pane.model.index(row_of(pane, sensor_id), Column.OWNER).data()


def dispatch(pane, sensor_id: str, unit: str | None = None, note: str = ""):
    pane.view.clearSelection()
    pane.select_row(row_of(pane, sensor_id))
    dialog = pane.ask_dispatch()
    if unit is not None:
        dialog.unit.setEditText(unit)
    dialog.note.setText(note)
    shown = [label.text() for label in dialog.deadline_labels]
    dialog.accept()
    return shown


def owner_cell_colour(pane, qtbot, sensor_id: str) -> QColor:
    """The colour painted at the left edge of the alarm's unit cell (where no text is drawn)."""
    pane.view.clearSelection()
    rect = pane.view.visualRect(pane.model.index(row_of(pane, sensor_id), Column.OWNER))
    image = pane.view.viewport().grab().toImage()
    return image.pixelColor(rect.left() + 1, rect.center().y())


def journal_actions(pipeline):
    pipeline.journal.flush(timeout=5)
    with sqlite3.connect(pipeline.journal.path) as db:
        return db.execute("SELECT t_ms, operator, action, alarm_id, detail FROM action ORDER BY seq").fetchall()


def test_the_dispatch_dialog_shows_the_deadlines_of_the_level(pane, pipeline, clock):
    raise_leaks(pipeline, pane)
    clock.t_ms = T0 + 2 * MINUTE  # 10:02 in Shanghai
    shown = dispatch(pane, "GAS-00004", note="学校旁燃气泄漏")
    assert shown == ["within 5 min, by 07-21 08:07:00", "within 30 min, by 07-21 08:32:00",
                     "within 120 min, by 07-21 10:02:00"]
    alarm = alarm_of(pipeline, "GAS-00004")
    assert (alarm.dispatched_to, alarm.dispatch_note, alarm.due_unit_ack_ms) == (
        "市燃气集团", "学校旁燃气泄漏", T0 + 7 * MINUTE)
    tooltip = pane.model.index(row_of(pane, "GAS-00004"), Column.SENSOR).data(Qt.ItemDataRole.ToolTipRole)
    assert "Deadlines: unit ack by 07-21 08:07:00 · on site by 07-21 08:32:00" in tooltip
    assert "Dispatch note: 学校旁燃气泄漏" in tooltip


def test_the_countdown_runs_on_the_panes_clock_and_an_overdue_dispatch_is_marked_and_named(
        pane, pipeline, clock, qtbot):
    raise_leaks(pipeline, pane)
    dispatch(pane, "GAS-00004")
    dispatch(pane, "GAS-00002", unit="市燃气集团抢修二队")  # level III: 15 minutes to acknowledge
    assert owner(pane, "GAS-00004") == "unit ack in 05:00 → 市燃气集团"
    assert owner(pane, "GAS-00002") == "unit ack in 15:00 → 市燃气集团抢修二队"
    assert not pane.dispatching.notice.isVisibleTo(pane)
    calm = {sensor: owner_cell_colour(pane, qtbot, sensor) for sensor in ("GAS-00004", "GAS-00002")}
    assert QColor(OVERDUE_FILL) not in calm.values()

    clock.t_ms = T0 + 4 * MINUTE + 30_000
    pane.dispatching.tick()
    assert owner(pane, "GAS-00004") == "unit ack in 00:30 → 市燃气集团"
    assert owner_cell_colour(pane, qtbot, "GAS-00004") == calm["GAS-00004"]

    clock.t_ms = T0 + 6 * MINUTE + 5_000
    with qtbot.waitSignal(pane.dispatching.overdue_changed) as changed:
        pane.dispatching.tick()
    leak = alarm_of(pipeline, "GAS-00004").alarm_id
    other = alarm_of(pipeline, "GAS-00002").alarm_id
    assert changed.args == [[leak]]
    # Marked by text and colour: the word, how long, and a dark red cell unlike any level's.
    assert owner(pane, "GAS-00004") == "OVERDUE unit ack +01:05 → 市燃气集团"
    assert owner(pane, "GAS-00002") == "unit ack in 08:55 → 市燃气集团抢修二队"
    index = pane.model.index(row_of(pane, "GAS-00004"), Column.OWNER)
    assert index.data(Qt.ItemDataRole.BackgroundRole).color() == QColor(OVERDUE_FILL)
    assert owner_cell_colour(pane, qtbot, "GAS-00004") == QColor(OVERDUE_FILL)
    assert owner_cell_colour(pane, qtbot, "GAS-00002") == calm["GAS-00002"]
    notice = pane.dispatching.notice
    assert notice.isVisibleTo(pane)
    assert notice.text() == f"OVERDUE: alarm {leak} GAS-00004 — 市燃气集团: unit ack due 01:05 ago"

    pipeline.tick(clock.t_ms)  # the book's clock escalates it to the supervisor
    pane.refresh()
    pane.dispatching.tick()
    assert notice.text().endswith("; escalated to the supervisor")
    tooltip = pane.model.index(row_of(pane, "GAS-00004"), Column.SENSOR).data(Qt.ItemDataRole.ToolTipRole)
    assert "Escalated to the supervisor: unit ack overdue" in tooltip

    # The unit calls back: its acknowledgement is recorded, the next deadline counts down.
    pane.view.clearSelection()
    pane.select_row(row_of(pane, "GAS-00004"))
    pane.dispatching.unit_ack_action.trigger()
    assert owner(pane, "GAS-00004") == "on site in 23:55 → 市燃气集团"
    assert not notice.isVisibleTo(pane)
    assert owner_cell_colour(pane, qtbot, "GAS-00004") == calm["GAS-00004"]
    rows = [(operator, action, alarm_id) for _t, operator, action, alarm_id, _d in journal_actions(pipeline)]
    assert rows == [(OPERATOR, "dispatch", leak), (OPERATOR, "dispatch", other), ("system", "escalate_overdue", leak),
                    (OPERATOR, "unit_acknowledged", leak)]


def test_on_site_and_feedback_are_recorded_and_a_step_before_dispatch_is_refused(pane, pipeline, clock, qtbot):
    raise_leaks(pipeline, pane)
    errors = []
    pane.error.connect(errors.append)
    pane.select_row(row_of(pane, "GAS-00002"))
    assert pane.dispatching.on_site_selected() == []
    alarm_id = alarm_of(pipeline, "GAS-00002").alarm_id
    assert errors == [f"alarm {alarm_id} has not been dispatched: dispatch it to a unit first"]
    dispatch(pane, "GAS-00002")
    clock.t_ms = T0 + 20 * MINUTE
    pane.select_row(row_of(pane, "GAS-00002"))
    pane.dispatching.on_site_action.trigger()
    assert owner(pane, "GAS-00002") == "handled in 7:40:00 → 市燃气集团"
    dialog = pane.dispatching.ask_feedback()
    assert not dialog.buttons.button(dialog.buttons.StandardButton.Ok).isEnabled()  # feedback needs text
    dialog.text.setPlainText("阀门已关闭，浓度回落")
    dialog.accept()
    steps = [(action, json.loads(detail)) for _t, _o, action, _a, detail in journal_actions(pipeline)][1:]
    assert [s[0] for s in steps] == ["unit_acknowledged", "on_site", "feedback"]
    # Level III: 15 minutes to acknowledge (late at 20, implied by the arrival), 60 to be on site (in time).
    assert (steps[0][1]["implied_by"], steps[0][1]["late"], steps[1][1]["late"]) == ("on_site", True, False)
    assert steps[2][1] == {"text": "阀门已关闭，浓度回落", "unit": "市燃气集团"}


def test_the_pane_dispatches_through_the_engine_process_with_live_sources(qtbot, tmp_path):
    run = Running(EngineSpec(table=small_table(), rules=None, journal_path=tmp_path / "live.sqlite",
                             sources=replay_sources(tmp_path, LEAK_ROWS)))
    try:
        pane = AlarmPane(interval_ms=0)
        qtbot.addWidget(pane)
        pane.operator = OPERATOR
        wall = Clock(int(time.time() * 1000))
        pane.clock = wall  # live: the wall clock (held still here)
        pane.bind(run.mirror.book, run.table)
        run.until(lambda: run.mirror.book.open_alarms(), what="the leak's alarm")
        pane.refresh()
        pane.select_row(0)
        dialog = pane.ask_dispatch()
        dialog.accept()
        run.until(lambda: run.mirror.book.alarms[1].dispatched_to, what="the dispatch")
        pane.refresh()
        level = run.mirror.book.alarms[1].peak_level
        minutes = DeadlineTable.configured().minutes[level]["unit_ack"]
        assert pane.model.index(0, Column.OWNER).data() == f"unit ack in {int(minutes):02d}:00 → 市燃气集团"
        pane.select_row(0)
        pane.dispatching.unit_ack_action.trigger()
        run.until(lambda: run.mirror.book.alarms[1].unit_acked_ms, what="the unit's acknowledgement")
        pane.refresh()
        assert "on site in " in pane.model.index(0, Column.OWNER).data()
        refusals = []
        run.mirror.book.refused.connect(lambda method, reason: refusals.append((method, reason)))
        pane.dispatching.unit_ack_action.trigger()  # twice: the engine refuses and says why
        run.until(lambda: refusals, what="the refusal")
        assert refusals == [("unit_acknowledged", "alarm 1: the unit's acknowledgement is already recorded "
                                                  f"(by {OPERATOR})")]
    finally:
        run.client.stop()
    with sqlite3.connect(tmp_path / "live.sqlite") as db:
        assert db.execute("SELECT action, operator FROM action").fetchall() == [
            ("dispatch", OPERATOR), ("unit_acknowledged", OPERATOR)]
