"""A far seek in the replay panel: a provisional view, said so under the map, no alarm actions, then exact."""

from __future__ import annotations

from console.feeds.replay import Replay
from console.ui.alarm_pane import AlarmPane
from console.ui.replay import ReplayController
from console.ui.replay_panel import ReplayPanel
from tests.feeds.replay_helpers import HOUR, HeldChild, assert_same_state


def test_a_far_seek_shows_a_provisional_view_without_actions_until_the_index_is_there(replay_city, qtbot, qapp):
    table, columns = replay_city
    replay = Replay(columns, table, max_seek_readings=2_000)
    child = HeldChild(replay)  # indexing, and held at its start
    panel = ReplayPanel(replay, controller=ReplayController(replay))
    qtbot.addWidget(panel)
    panel.resize(1200, 160)
    pane = AlarmPane(interval_ms=0)
    qtbot.addWidget(pane)
    pane.operator = "Wang Fang"
    pane.clock = lambda: replay.now_ms
    pane.bind(replay.book, replay.table, sign=replay.pipeline.engine.sign)
    panel.controller.time_changed.connect(lambda _t: pane.refresh())
    panel.show()
    pane.show()
    qtbot.waitExposed(panel)
    try:
        panel.controller.seek(replay.start_ms + 4 * HOUR)
        assert replay.provisional is not None
        note = panel.provisional_note
        assert note.isVisible()
        # Feed times in Beijing time: the feed starts at 00:00 local, the seek went to 04:00.
        assert "the clock is at 04:00" in note.text() and "between 00:00 and 03:00" in note.text()
        pane.view.selectRow(0)
        assert pane.model.rowCount() > 0 and pane.view.selectionModel().selectedRows()
        assert not pane.acknowledge_action.isEnabled() and not pane.close_action.isEnabled()
        errors = []
        pane.error.connect(errors.append)
        assert pane.acknowledge_selected() == []
        assert errors and "provisional" in errors[0]
    finally:
        child.release()
    # The controller tries to settle four times a second: once the index has reached the clock,
    # the exact state is rebuilt, the note goes and actions come back.
    qtbot.waitUntil(lambda: replay.provisional is None, timeout=60_000)
    assert not panel.provisional_note.isVisible()
    indexed = Replay(columns, table)
    indexed.build_index()
    indexed.seek(replay.start_ms + 4 * HOUR)
    assert_same_state(replay, indexed)
    pane.view.selectRow(0)
    assert pane.acknowledge_action.isEnabled()
    assert len(pane.acknowledge_selected()) >= 1
    panel.remove()
    replay.close()

