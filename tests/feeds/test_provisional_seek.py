"""A seek far beyond what the indexing child has reached: provisional at once, exact once the index is there."""

from __future__ import annotations

import json
import sqlite3

import pytest

from console.feeds.drill import SEEK_ACTION, DrillSession, skipped_stretch
from console.feeds.replay import Replay
from console.model.alarms import ActionsRefused, AlarmState
from tests.feeds.replay_helpers import HOUR, MINUTE, HeldChild, assert_same_state


@pytest.fixture(scope="module")
def indexed(replay_city):
    table, columns = replay_city
    replay = Replay(columns, table)
    assert replay.build_index()
    return replay


@pytest.fixture
def held(replay_city):
    """A replay of the city whose indexing child is held at its start; released and closed after the test."""
    table, columns = replay_city
    replay = Replay(columns, table, max_seek_readings=2_000)
    child = HeldChild(replay)
    yield replay, child
    child.release()
    replay.close()


def seek_records(path) -> list[tuple[int, str]]:
    with sqlite3.connect(path) as db:
        return db.execute("SELECT t_ms, detail FROM action WHERE action = ? ORDER BY seq", (SEEK_ACTION,)).fetchall()


def test_a_far_seek_is_provisional_then_settles_to_the_exact_state(held, indexed, qtbot):
    replay, child = held
    try:
        target = replay.start_ms + 4 * HOUR
        summary = replay.seek(target)
        assert summary.provisional and replay.provisional is not None
        pending = replay.provisional
        # The state there: the replay's start, a jump, then only the last hour played.
        assert (pending.from_ms, pending.target_ms) == (replay.start_ms, target)
        assert pending.gap_from_ms == replay.start_ms
        assert target - replay.warmup_ms - replay.tick_ms < pending.gap_to_ms <= target - replay.warmup_ms
        assert replay.now_ms == target and summary.readings < 70 * 70
        indexed.seek(target)
        # Sensor values, levels and states are those of the moment, and so are the active alarms
        # (those raised in the stretch jumped over as raised at their first reading after it) ...
        for column in ("value", "t_ms", "level", "status"):
            assert getattr(replay.table, column).tolist() == getattr(indexed.table, column).tolist(), column
        active = {(a.sensor_id, a.level, a.state) for a in indexed.book.alarms.values() if a.active}
        assert len(active) > 5
        assert {(a.sensor_id, a.level, a.state) for a in replay.book.alarms.values() if a.active} == active
        # ... but those that returned to normal in it are missing.
        assert all(a.raised_ms > pending.gap_to_ms for a in replay.book.alarms.values())
        assert len(replay.book.alarms) < len(indexed.book.alarms)
        # No operator acts on a provisional state.
        alarm_id = next(iter(replay.book.alarms))
        with pytest.raises(ActionsRefused, match="provisional"):
            replay.book.acknowledge([alarm_id], "Wang Fang", target)
        assert not replay.settle()  # the index is not there yet
    finally:
        child.release()
    qtbot.waitUntil(replay.settle, timeout=60_000)
    assert replay.provisional is None and replay.book.actions_refused is None
    assert_same_state(replay, indexed)
    assert replay.book.acknowledge([alarm_id], "Wang Fang", target) == [alarm_id]


def test_a_provisional_clock_plays_on_and_settles_where_it_got_to(held, indexed, qtbot):
    replay, child = held
    replay.seek(replay.start_ms + 4 * HOUR)
    assert replay.provisional is not None
    replay.advance_to(replay.start_ms + 4 * HOUR + 20 * MINUTE)
    assert replay.provisional is not None  # playing does not make it exact
    child.release()
    qtbot.waitUntil(replay.settle, timeout=60_000)
    indexed.seek(replay.start_ms + 4 * HOUR + 20 * MINUTE)
    assert_same_state(replay, indexed)


def test_a_seek_back_into_the_index_ends_a_provisional_state(held, indexed):
    replay, _ = held
    replay.advance_to(replay.start_ms + 30 * MINUTE)
    replay.seek(replay.start_ms + 5 * HOUR)
    assert replay.provisional is not None
    # Nearer than the limit from the replay's start: exact, and no longer provisional.
    replay.seek(replay.start_ms + 20 * MINUTE)
    assert replay.provisional is None and replay.book.actions_refused is None
    indexed.seek(replay.start_ms + 20 * MINUTE)
    assert_same_state(replay, indexed)


def test_a_near_seek_or_one_after_an_operator_acted_stays_exact(held):
    replay, _ = held
    replay.seek(replay.start_ms + 20 * MINUTE)  # fewer readings than the limit
    assert replay.provisional is None
    replay.advance_to(replay.start_ms + 2 * HOUR)
    alarm = next(a for a in replay.book.alarms.values() if a.state == AlarmState.UNACK)
    replay.book.acknowledge([alarm.alarm_id], "Wang Fang", replay.now_ms)
    # An index checkpoint knows no operator actions: the seek plays on from the replay's own state.
    summary = replay.seek(replay.start_ms + 5 * HOUR)
    assert not summary.provisional and replay.provisional is None
    assert replay.book.alarms[alarm.alarm_id].acked_by == "Wang Fang"


def test_a_drill_journals_a_provisional_seek_once_exact(replay_city, indexed, tmp_path, qtbot):
    table, columns = replay_city
    path = tmp_path / "drill.sqlite"
    drill = DrillSession(columns, table, journal_path=path, max_seek_readings=2_000)
    drill.operator = lambda: "Wang Fang"
    replay = drill.replay
    child = HeldChild(replay)
    start = replay.start_ms
    try:
        replay.advance_to(start + 20 * MINUTE)
        replay.seek(start + 3 * HOUR)
        replay.seek(start + 5 * HOUR)  # a second far seek before the first one settled
        assert replay.provisional is not None
        drill.journal.flush()
        # Nothing provisional reaches the drill journal: no seek record, no alarm of the warm-up.
        assert seek_records(path) == []
        with sqlite3.connect(path) as db:
            journaled = db.execute("SELECT COUNT(*) FROM alarm").fetchone()[0]
        assert journaled == sum(a.raised_ms <= start + 20 * MINUTE for a in indexed.book.alarms.values())
    finally:
        child.release()
    qtbot.waitUntil(replay.settle, timeout=60_000)
    drill.journal.flush()
    # One record, from the last exact moment to where the drill resumed, with the exact skipped stretch.
    [(t_ms, detail)] = seek_records(path)
    indexed.seek(start + 5 * HOUR)
    expected = skipped_stretch(indexed, start + 20 * MINUTE, start + 5 * HOUR)
    assert t_ms == start + 5 * HOUR
    assert json.loads(detail) == expected
    with sqlite3.connect(path) as db:
        journaled = db.execute("SELECT COUNT(*) FROM alarm").fetchone()[0]
    assert journaled == len(indexed.book.alarms)
    drill.close()


def test_a_drill_left_while_provisional_ends_its_journal_at_the_last_exact_moment(replay_city, tmp_path):
    table, columns = replay_city
    path = tmp_path / "drill.sqlite"
    drill = DrillSession(columns, table, journal_path=path, max_seek_readings=2_000)
    replay = drill.replay
    child = HeldChild(replay)
    replay.advance_to(replay.start_ms + 20 * MINUTE)
    replay.seek(replay.start_ms + 5 * HOUR)
    assert replay.provisional is not None
    child.release()
    drill.close()
    assert not replay.background_indexing
    with sqlite3.connect(path) as db:
        ended = db.execute("SELECT value FROM meta WHERE key = 'ended_at_feed_ms'").fetchone()[0]
    assert int(ended) == replay.start_ms + 20 * MINUTE
    assert seek_records(path) == []

