"""A drill in the main window: a recorded feed replayed on its own state, marked as a
drill on screen and in snapshots, leaving the live state and journal untouched."""

from __future__ import annotations

import json
import sqlite3

import pytest
from PySide6.QtGui import QColor, QImage

from console.ui.drill import DRILL_COLOUR
from console.ui.map.sensor_style import LEVEL_COLOURS
from tests.ui.live_fixtures import MINUTE, T0, confirmed, live_window


def write_feed(path, rows):
    with open(path, "w", encoding="utf-8") as out:
        for t_ms, sensor, value in rows:
            out.write(json.dumps({"t": t_ms, "sensor": sensor, "value": value}) + "\n")
    return path


@pytest.fixture
def drill_feed(tmp_path):
    """An hour of the small city: calm, then a gas leak at GAS-00003 from minute 20."""
    rows = []
    for minute in range(61):
        t = T0 + minute * MINUTE
        for sensor in ("GAS-00001", "GAS-00002", "GAS-00003"):
            leak = sensor == "GAS-00003" and minute >= 20
            rows.append((t, sensor, 30.0 if leak else 0.5))
    return write_feed(tmp_path / "drill.jsonl", rows)


@pytest.fixture
def window(qtbot, tmp_path):
    window = live_window(qtbot, tmp_path)
    yield window
    window.leave_drill()
    window.session.close()


def _near(colour: QColor, target: QColor) -> bool:
    return abs(colour.red() - target.red()) + abs(colour.green() - target.green()) + abs(colour.blue() - target.blue()) < 30


def open_alarm_sensors(window):
    return sorted(a.sensor_id for a in window.alarm_pane.model.book.open_alarms())


def test_a_drill_shows_its_own_alarms_marked_as_a_drill_and_leaves_live_untouched(window, drill_feed, tmp_path):
    window.feed(confirmed([("GAS-00006", 30.0)]), "live", now_ms=T0)  # a live alarm before the drill
    live_book = window.session.pipeline.book
    live_alarms = [(a.alarm_id, a.state) for a in live_book.open_alarms()]
    assert len(live_alarms) == 1
    drill = window.start_drill(drill_feed, journal_path=tmp_path / "drill.sqlite")
    assert drill is not None and window.drill is drill
    assert "演练" in window.windowTitle()
    assert window.replay_panel is not None

    window.replay_panel.controller.seek(T0 + 30 * MINUTE)
    window.refresh_live()
    assert open_alarm_sensors(window) == ["GAS-00003"]  # the drill's alarm, not the live one
    pane = window.alarm_pane
    pane.view.selectRow(0)
    pane.acknowledge_action.trigger()
    drill_db = sqlite3.connect(tmp_path / "drill.sqlite")
    window.drill.journal.flush()
    assert drill_db.execute("select count(*) from action where action = 'acknowledge'").fetchone()[0] == 1
    assert drill_db.execute("select value from meta where key = 'drill'").fetchone()[0] == "1"

    # A seek back to before the leak: the drill's state is rebuilt and the pane follows.
    window.replay_panel.controller.seek(T0 + 10 * MINUTE)
    window.refresh_live()
    assert open_alarm_sensors(window) == []

    snapshot = window.save_snapshot(tmp_path / "drill.png", 800, 500)
    image = QImage(str(snapshot))
    banner = QColor(DRILL_COLOUR)
    violet = sum(_near(QColor(image.pixel(x, y)), banner) for x in range(0, 800, 2) for y in range(56, 110, 2))
    assert violet > 200  # the drill frame and tab are in the briefing picture
    window.leave_drill()
    assert window.drill is None and "演练" not in window.windowTitle()
    assert [(a.alarm_id, a.state) for a in window.session.pipeline.book.open_alarms()] == live_alarms
    assert open_alarm_sensors(window) == ["GAS-00006"]
    image = QImage(str(window.save_snapshot(tmp_path / "live.png", 800, 500)))
    assert sum(_near(QColor(image.pixel(x, y)), banner) for x in range(0, 800, 2) for y in range(56, 110, 2)) == 0
    live_db = sqlite3.connect(tmp_path / "live.sqlite")
    window.session.journal.flush()
    assert live_db.execute("select count(*) from action where action = 'acknowledge'").fetchone()[0] == 0


def test_a_snapshot_after_a_far_seek_waits_for_the_exact_drill_state(window, tmp_path):
    from PySide6.QtCore import QTimer

    from tests.feeds.replay_helpers import HeldChild

    # Four hours: a leak at GAS-00003 that ends after half an hour, and one at GAS-00002 at the end.
    rows = [(T0 + m * MINUTE, sensor, 30.0 if (sensor == "GAS-00003" and 30 <= m < 60)
             or (sensor == "GAS-00002" and m >= 200) else 0.5)
            for m in range(241) for sensor in ("GAS-00001", "GAS-00002", "GAS-00003")]
    drill = window.start_drill(write_feed(tmp_path / "drill.jsonl", rows), journal_path=tmp_path / "drill.sqlite")
    replay = drill.replay
    replay.max_seek_readings = 100
    replay.stop_background_index(wait_s=10)  # indexed again below, by a child held at its start
    replay._drop_index()
    child = HeldChild(replay)
    window.replay_panel.controller.seek(T0 + 210 * MINUTE)
    assert replay.provisional is not None
    window.refresh_live()
    assert open_alarm_sensors(window) == ["GAS-00002"]  # the first leak began and ended in the jumped stretch
    assert not window.replay_panel.provisional_note.isHidden()
    QTimer.singleShot(300, child.release)  # the index goes on while the snapshot waits
    window.save_snapshot(tmp_path / "drill.png", 800, 500)
    assert replay.provisional is None and window.replay_panel.provisional_note.isHidden()
    assert open_alarm_sensors(window) == ["GAS-00002", "GAS-00003"]


def test_a_bad_drill_feed_is_reported_and_nothing_changes(window, tmp_path):
    bad = tmp_path / "broken.jsonl.gz"
    bad.write_bytes(b"\x1f\x8b\x08\x00 not really gzip")
    assert window.start_drill(bad) is None
    assert window.drill is None and "演练" not in window.windowTitle()
    assert "broken.jsonl.gz" in window.errors[-1]


def test_console_open_plays_a_drill_into_a_snapshot_and_its_own_journal(tmp_path, capsys, qapp, monkeypatch):
    from console.cli import main

    monkeypatch.setenv("CONSOLE_DATA_DIR", str(tmp_path / "data"))
    rows = [(T0 + m * MINUTE, "GAS-00003", 30.0 if m >= 20 else 0.5) for m in range(61)]
    feed = write_feed(tmp_path / "leak.jsonl", rows)
    out = tmp_path / "drill.png"
    args = ["open", "--demo", "--drill", str(feed), "--drill-at", "+0:30", "--snapshot", str(out), "--lang", "zh_CN"]
    assert main(args) == 0
    journals = list((tmp_path / "data").glob("*drill*.sqlite"))
    assert len(journals) == 1
    db = sqlite3.connect(journals[0])
    assert db.execute("select value from meta where key = 'drill'").fetchone()[0] == "1"
    (sensor, level), = db.execute("select sensor_id, level from alarm").fetchall()
    assert sensor == "GAS-00003"
    image = QImage(str(out))
    assert image.width() == 1600
    colour = LEVEL_COLOURS[level].upper()
    # Left of the legend (which shows every level's swatch): the drill's alarm in its level colour.
    marked = sum(QColor(image.pixel(x, y)).name().upper() == colour for x in range(0, 1300, 2) for y in range(60, 1000, 2))
    assert marked > 0

    assert main(["open", "--demo", "--drill", str(feed), "--drill-at", "soon", "--snapshot", str(out)]) == 2
    assert "--drill-at" in capsys.readouterr().err


def test_shift_handovers_are_journaled_with_the_previous_operator(window, tmp_path):
    window.set_operator("李强")
    window.session.journal.flush()
    db = sqlite3.connect(tmp_path / "live.sqlite")
    rows = db.execute("select operator, detail from action where action = 'shift_start' order by seq").fetchall()
    # 王敏 came on duty before the sensors opened (journaled once the pipeline ran), then 李强 took over.
    assert rows == [("王敏", '{"previous": ""}'), ("李强", '{"previous": "王敏"}')]
