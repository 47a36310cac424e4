"""Acknowledging an incident line or a selection of several alarms: one confirmation, then all of them."""

from __future__ import annotations

import sqlite3

import pytest

from console.model.alarms import AlarmState
from console.model.journal import Journal
from console.model.pipeline import Pipeline
from console.model.sensors import SensorTable
from console.ui.alarm_pane import AlarmPane, Column
from console.ui.alarm_pane.bulk import AcknowledgeDialog
from tests.ui.live_fixtures import T0, confirmed, sensor_layer

OPERATOR = "李明"
FLOOD_BURST = [("WLG-00001", 45.0), ("WLG-00002", 30.0), ("WLG-00003", 52.0), ("WLG-00004", 20.0)]


@pytest.fixture
def pipeline(tmp_path):
    pipe = Pipeline(SensorTable.from_layers([sensor_layer()]),
                    journal=Journal(tmp_path / "journal.sqlite", synchronous="NORMAL"))
    pipe.process(confirmed([*FLOOD_BURST, ("GAS-00002", 30.0)], T0), "test", T0)
    yield pipe
    pipe.close()


@pytest.fixture
def pane(qtbot, pipeline):
    widget = AlarmPane(interval_ms=0)
    qtbot.addWidget(widget)
    widget.resize(1400, 400)
    widget.operator = OPERATOR
    widget.clock = lambda: pipeline.book.clock_ms + 60_000
    widget.bind(pipeline.book, pipeline.table, sign=pipeline.engine.sign)
    widget.show()
    return widget


def incident_row(pane) -> int:
    return next(row for row in range(pane.model.rowCount()) if pane.model.is_incident_line(row))


def acknowledged_in_journal(pipeline) -> list[int]:
    pipeline.journal.flush(timeout=5)
    connection = sqlite3.connect(pipeline.journal.path)
    try:
        return [r[0] for r in connection.execute("SELECT alarm_id FROM action WHERE action = 'acknowledge' ORDER BY seq")]
    finally:
        connection.close()


def test_an_incident_line_is_acknowledged_whole_after_one_confirmation(pane, pipeline):
    pane.select_row(incident_row(pane))
    pane.acknowledge_action.trigger()
    dialog = pane.dialog
    assert isinstance(dialog, AcknowledgeDialog)
    assert dialog.message.text() == "Acknowledge 4 alarms in 金桥区?"
    assert all(a.state == AlarmState.UNACK for a in pipeline.book.open_alarms())  # nothing before the answer
    dialog.accept()
    members = [a.alarm_id for a in pipeline.book.open_alarms() if a.sensor_id.startswith("WLG")]
    assert {pipeline.book.alarms[i].state for i in members} == {AlarmState.ACK}
    assert sorted(acknowledged_in_journal(pipeline)) == sorted(members)
    assert pane.model.index(incident_row(pane), Column.STATE).data() == "Acknowledged"
    gas = next(a for a in pipeline.book.open_alarms() if a.sensor_id == "GAS-00002")
    assert gas.state == AlarmState.UNACK  # not selected, not acknowledged


def test_cancelling_the_confirmation_acknowledges_none(pane, pipeline):
    pane.select_row(incident_row(pane))
    pane.acknowledge_action.trigger()
    pane.dialog.reject()
    assert all(a.state == AlarmState.UNACK for a in pipeline.book.open_alarms())
    assert acknowledged_in_journal(pipeline) == []


def test_one_alarm_is_acknowledged_at_once_and_the_whole_selection_on_one_question(pane, pipeline):
    gas_row = next(row for row in range(pane.model.rowCount()) if not pane.model.is_incident_line(row))
    pane.select_row(gas_row)
    pane.acknowledge_action.trigger()
    assert pane.dialog is None
    gas = next(a for a in pipeline.book.open_alarms() if a.sensor_id == "GAS-00002")
    assert gas.state == AlarmState.ACK
    # Everything selected: only the four still awaiting acknowledgement are counted and asked about.
    pane.view.selectAll()
    pane.acknowledge_action.trigger()
    assert pane.dialog.message.text() == "Acknowledge 4 alarms in 金桥区?"
    pane.dialog.accept()
    assert all(a.state == AlarmState.ACK for a in pipeline.book.open_alarms())
    assert len(acknowledged_in_journal(pipeline)) == 5
