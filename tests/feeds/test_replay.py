"""Replay with seeking: the state after a seek is the state after playing to the same moment."""

from __future__ import annotations

import numpy as np
import pytest

from console.errors import InputError
from console.feeds.base import CapWarning
from console.feeds.recorded import read_feed
from console.feeds.replay import Replay, decode_feed
from console.model.readings import ReadingBatch
from tests.feeds.replay_helpers import (
    MINUTE,
    assert_same_state,
    assert_same_table,
    book_state,
    small_city,
    table_state,
)

CHECKPOINT_S = 1800  # a 6-hour feed: twelve checkpoints
# The operators' moments start half an hour in: the first alarms of the drill (the storm's) come
# in its second hour, with no one-reading false alarm before them.
ACTIONS_FROM = 30 * MINUTE


@pytest.fixture(scope="module")
def city(tmp_path_factory):
    table, feed, _ = small_city(tmp_path_factory.mktemp("replay"))
    return table, decode_feed(feed, table)


def new_replay(city, **options) -> Replay:
    table, columns = city
    return Replay(columns, table, checkpoint_every_s=CHECKPOINT_S, **options)


def test_columns_hold_every_reading_of_the_feed_in_time_order(city):
    table, columns = city
    batches = [e for e in read_feed(columns.path) if isinstance(e, ReadingBatch)]
    readings = ReadingBatch.concat(batches)
    assert len(columns) == len(readings) > 20_000
    assert np.array_equal(columns.t_ms, readings.t_ms) and np.array_equal(columns.value, readings.value)
    assert table.ids[columns.row].tolist() == readings.sensor.tolist()
    assert np.all(np.diff(columns.t_ms) >= 0)
    assert [type(e).__name__ for e in columns.events] == ["CapWarning", "SensorStatusEvent", "SensorStatusEvent"]


def test_playing_opens_alarms_passes_events_and_stops_at_the_end(city):
    replay = new_replay(city)
    assert replay.now_ms == replay.start_ms and not replay.book.alarms
    total, raised, warnings = 0, [], []
    while not replay.finished:
        summary = replay.advance_to(replay.now_ms + 7 * MINUTE)
        total += summary.readings
        raised += summary.raised
        warnings += summary.cap_warnings
    assert replay.now_ms == replay.end_ms
    assert total + replay.advance_to(replay.start_ms).readings <= len(replay.columns)
    assert sorted(raised) == sorted(replay.book.alarms) and len(raised) > 20
    assert len(warnings) == 1 and isinstance(warnings[0], CapWarning) and replay.cap_warnings == warnings
    # Nothing moves past the end.
    assert replay.advance_to(replay.end_ms + 3_600_000).readings == 0 and replay.now_ms == replay.end_ms
    # The live table given as the template is never touched.
    assert (city[0].status == 0).all() and city[0].version == 0


def test_the_state_does_not_depend_on_how_the_clock_got_there(city):
    coarse, fine = new_replay(city), new_replay(city)
    moment = coarse.start_ms + 4 * 3_600_000 + 17_345
    coarse.advance_to(moment)
    rng = np.random.default_rng(3)
    while fine.now_ms < moment:
        fine.advance_to(min(moment, fine.now_ms + int(rng.integers(1, 400_000))))
    assert_same_state(coarse, fine)


def test_seek_forward_and_back_across_checkpoints_equals_playing(city):
    player, seeker = new_replay(city), new_replay(city)
    span = player.end_ms - player.start_ms
    moments = sorted(player.start_ms + int(span * share) + offset
                     for share, offset in ((0.05, 0), (0.25, 10_000), (0.5, 0), (0.5, 1), (0.71, 33_333), (1.0, 0)))
    expected = {}
    for moment in moments:
        player.advance_to(moment)
        expected[moment] = (table_state(player.table), book_state(player.book))
    # Forward, far back, a little back, forward again, to the end, to the start.
    order = [moments[2], moments[0], moments[4], moments[3], moments[1], moments[5], moments[4], moments[0]]
    generation = seeker.generation
    for moment in order:
        seeker.seek(moment)
        assert seeker.now_ms == moment
        assert seeker.generation > generation
        generation = seeker.generation
        table, book = expected[moment]
        assert_same_table(table_state(seeker.table), table)
        assert book_state(seeker.book) == book
    # The indexing pass saw the whole feed: a checkpoint at every half hour.
    assert seeker.checkpoint_times[:3] == [seeker.start_ms + k * CHECKPOINT_S * 1000 for k in range(3)]


def test_a_seek_replays_from_the_nearest_checkpoint_not_from_the_start(city):
    replay = new_replay(city)
    replay.build_index()
    per_interval = len(replay.columns) * CHECKPOINT_S * 1000 / (replay.end_ms - replay.start_ms)
    summary = replay.seek(replay.end_ms - 60_000)
    assert 0 < summary.readings < 1.5 * per_interval
    summary = replay.seek(replay.start_ms + 3_600_000 + 5 * MINUTE)
    assert summary.readings < 0.5 * per_interval


def test_after_a_seek_views_see_a_new_generation_and_every_row_changed(city):
    replay = new_replay(city)
    replay.advance_to(replay.start_ms + 3 * 3_600_000)
    seen_version, seen_book = replay.table.version, replay.book.version
    alarms_before = set(replay.book.alarms)
    replay.seek(replay.start_ms + 3_600_000)
    assert set(replay.book.alarms) < alarms_before  # later alarms are gone
    assert len(replay.table.changed_since(seen_version)) == len(replay.table)
    changes = replay.book.changes_since(seen_book)
    assert {a.alarm_id for a in changes.alarms} == set(replay.book.alarms)
    # CAP warnings passed are those up to the new moment.
    assert all(w.t_ms <= replay.now_ms for w in replay.cap_warnings)


def test_alarm_density_counts_every_alarm_raised_by_level(city):
    replay = new_replay(city)
    density = replay.alarm_density(24)
    assert not density.complete
    assert replay.build_index()
    density = replay.alarm_density(24)
    assert density.complete and density.edges_ms[0] == replay.start_ms and density.edges_ms[-1] > replay.end_ms
    assert density.counts.shape == (4, 24)
    replay.advance_to(replay.end_ms)
    alarms = replay.book.open_alarms()  # process alarms: sensor-fault items have no level
    raised_levels = [a.history[0].level_to for a in alarms]
    assert density.counts.sum(axis=1).tolist() == [raised_levels.count(level) for level in (1, 2, 3, 4)]
    first_bin = int(np.searchsorted(density.edges_ms, min(a.raised_ms for a in alarms), side="right")) - 1
    assert density.counts[:, first_bin].sum() >= 1 and density.counts[:, :first_bin].sum() == 0


def test_history_of_a_sensor_stops_at_the_replay_clock(city):
    replay = new_replay(city)
    replay.advance_to(replay.start_ms + 30 * MINUTE)
    sensor = replay.table.ids[int(replay.columns.row[0])]
    t, value, _ = replay.history(sensor)
    assert len(t) > 0 and t.max() <= replay.now_ms
    assert value[-1] == replay.table.value[replay.table.row_of(sensor)]


def _actions_at(replay: Replay, step: int) -> None:
    """The operator's actions after step ``step`` (same for every replay given the same state)."""
    book, now = replay.book, replay.now_ms
    open_ids = [a.alarm_id for a in book.open_alarms()]
    if step == 4:
        book.acknowledge(open_ids[:5], "drill op", now)
        book.note(open_ids[0], "checked on camera", "drill op", now)
    elif step == 7:
        unacked = [a.alarm_id for a in book.open_alarms() if a.needs_ack]
        book.shelve(unacked[:2], "sensor under repair", now + 40 * MINUTE, "drill op", now)
        book.dispatch(open_ids[1], "gas company", "drill op", now)
    elif step == 11:
        book.close(open_ids[2], "handled", "valve closed", "drill lead", now)
        book.acknowledge([a.alarm_id for a in book.open_alarms() if a.needs_ack][:10], "drill op", now)


def play_with_actions(replay: Replay, moments: list[int]) -> dict:
    """Play to each moment in turn, acting after some; the state at every moment."""
    states = {}
    for step, moment in enumerate(moments):
        replay.advance_to(moment)
        _actions_at(replay, step)
        states[moment] = (table_state(replay.table), book_state(replay.book), len(replay.actions))
    return states


def test_seeking_keeps_the_operator_actions_made_before_the_new_moment(city):
    replay = new_replay(city)
    moments = [replay.start_ms + ACTIONS_FROM + k * 20 * MINUTE + 1234 for k in range(1, 17)]
    expected = play_with_actions(replay, moments)
    assert len(replay.actions) > 10
    assert {a.action for a in replay.actions} == {"acknowledge", "note", "shelve", "dispatch", "close"}
    # Back to before the last actions (step 11), to the moment of the shelving (step 7), right after
    # the acknowledgements (step 4: replayed from the list of actions, no checkpoint has them yet),
    # and before any action.
    for moment in (moments[9], moments[7], moments[5], moments[4], moments[2]):
        replay.seek(moment)
        table, book, actions = expected[moment]
        assert len(replay.actions) == actions
        assert_same_table(table_state(replay.table), table)
        assert book_state(replay.book) == book


def test_actions_after_a_backward_seek_are_lost_for_good(city):
    replay = new_replay(city)
    moments = [replay.start_ms + ACTIONS_FROM + k * 20 * MINUTE + 1234 for k in range(1, 13)]
    play_with_actions(replay, moments)
    closed = [a.alarm_id for a in replay.book.alarms.values() if a.closed]
    assert closed
    replay.seek(moments[8])  # before the close of step 11
    assert not any(a.action == "close" for a in replay.actions)
    replay.seek(moments[11])  # forward again: the close is not made again
    assert not any(replay.book.alarm(alarm_id).closed for alarm_id in closed)
    # The same as a replay whose operators only ever acted up to step 8.
    other = new_replay(city)
    play_with_actions(other, moments[:9])
    other.advance_to(moments[11])
    assert_same_state(replay, other)


def test_actions_replayed_on_a_seek_follow_play_checkpoints(city):
    replay = new_replay(city)
    moments = [replay.start_ms + ACTIONS_FROM + k * 20 * MINUTE + 1234 for k in range(1, 17)]
    play_with_actions(replay, moments)
    # Actions were made, so the replay kept checkpoints of its own after the first of them.
    own = [c for c in replay._play_checkpoints]
    assert own and all(c.actions > 0 for c in own)
    summary = replay.seek(moments[14])
    per_interval = len(replay.columns) * CHECKPOINT_S * 1000 / (replay.end_ms - replay.start_ms)
    assert summary.readings < 1.5 * per_interval


def test_a_feed_without_events_cannot_be_replayed(tmp_path, city):
    empty = tmp_path / "empty.jsonl"
    empty.write_text("\n")
    with pytest.raises(InputError, match="no readings or events"):
        Replay(empty, city[0])
