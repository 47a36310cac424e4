"""Seeks in a drill: journaled with what the skipped stretch held, and exact before the index is complete."""

from __future__ import annotations

import json
import sqlite3
import threading

import pytest

from console.errors import InputError
from console.feeds.drill import SEEK_ACTION, DrillSession
from console.feeds.events import CapWarning
from console.feeds.replay import Replay, decode_feed
from console.reports import Labels, read_shift_report, to_markdown
from tests.feeds.replay_helpers import MINUTE, assert_same_state, small_city

HOUR = 60 * MINUTE


@pytest.fixture(scope="module")
def city_feed(tmp_path_factory):
    table, feed, _ = small_city(tmp_path_factory.mktemp("drill_seek"))
    return table, feed


@pytest.fixture(scope="module")
def city(city_feed):
    table, feed = city_feed
    return table, decode_feed(feed, table)


def seek_rows(path) -> list[tuple[int, str, str, dict]]:
    with sqlite3.connect(path) as db:
        rows = db.execute("SELECT t_ms, operator, alarm_id, detail FROM action WHERE action = ? ORDER BY seq",
                          (SEEK_ACTION,)).fetchall()
    return [(t, operator, alarm_id, json.loads(detail)) for t, operator, alarm_id, detail in rows]


def test_a_seek_forward_journals_what_the_skipped_stretch_held(city, tmp_path):
    table, columns = city
    path = tmp_path / "drill.sqlite"
    drill = DrillSession(columns, table, journal_path=path)
    drill.operator = lambda: "Wang Fang"
    replay = drill.replay
    start = replay.start_ms
    replay.advance_to(start + HOUR)
    replay.seek(start + 4 * HOUR)
    drill.journal.flush()

    # What a plain replay played straight through raised between the two moments.
    played = Replay(columns, table)
    played.advance_to(start + 4 * HOUR)
    skipped = [a for a in played.book.alarms.values()  # process alarms: sensor faults are counted apart
                   if a.kind == "level" and start + HOUR < a.raised_ms <= start + 4 * HOUR]
    assert len(skipped) > 5
    by_level = [sum(a.history[0].level_to == level for a in skipped) for level in (1, 2, 3, 4)]
    cap = sum(isinstance(e, CapWarning) and start + HOUR < e.t_ms <= start + 4 * HOUR for e in columns.events)

    [(t_ms, operator, alarm_id, detail)] = seek_rows(path)
    assert (t_ms, operator, alarm_id) == (start + 4 * HOUR, "Wang Fang", None)
    assert detail["from_ms"] == start + HOUR and detail["to_ms"] == start + 4 * HOUR
    assert detail["raised"] == len(skipped) and detail["raised_by_level"] == by_level
    assert detail["cap_warnings"] == cap
    returned = sum(step.level_to == 0 and start + HOUR < step.t_ms <= start + 4 * HOUR
                   for a in played.book.alarms.values() if a.kind == "level" for step in a.history)
    assert detail["returned"] == returned
    reactivated = sum(step.level_from == 0 and i > 0 and start + HOUR < step.t_ms <= start + 4 * HOUR
                      for a in played.book.alarms.values() if a.kind == "level" for i, step in enumerate(a.history))
    assert detail["reactivated"] == reactivated
    faults = sum(a.kind != "level" and start + HOUR < a.raised_ms <= start + 4 * HOUR for a in played.book.alarms.values())
    assert detail["faults"] == faults

    # The debrief (the drill journal's report) says it in words, in the operator actions.
    drill.close()
    report = read_shift_report(path, start, replay.end_ms, "Asia/Shanghai")
    [row] = [a for a in report.actions if a.action == SEEK_ACTION]
    assert row.operator == "Wang Fang"
    text = to_markdown(report, Labels("en"))
    assert "Drill clock moved" in text
    assert f"{len(skipped)} alarms raised (Level I {by_level[0]} Level II {by_level[1]}" in text
    assert "演练时钟跳转" in to_markdown(report, Labels("zh_CN"))


def test_a_seek_back_journals_where_the_drill_resumed_and_the_undone_actions(city, tmp_path):
    table, columns = city
    path = tmp_path / "drill.sqlite"
    drill = DrillSession(columns, table, journal_path=path)
    replay = drill.replay
    start = replay.start_ms
    replay.advance_to(start + 3 * HOUR)
    open_ids = [a.alarm_id for a in drill.book.open_alarms()][:2]
    drill.book.acknowledge(open_ids, "trainee", drill.now_ms)
    replay.seek(start + 5 * HOUR)
    replay.seek(start + 2 * HOUR)
    drill.close()

    # The forward seek (at 05:00) and the acknowledgements (at 03:00) are after the moment gone back to:
    # rewound out of the journal; the seek back says so.
    [(t_ms, operator, _alarm, detail)] = seek_rows(path)
    assert t_ms == start + 2 * HOUR and operator == "replay"
    assert detail == {"from_ms": start + 5 * HOUR, "to_ms": start + 2 * HOUR, "undone_actions": len(open_ids)}
    report = read_shift_report(path, start, replay.end_ms, "UTC")
    assert "resumed at" in to_markdown(report, Labels("en")) and "2 later operator actions undone" in to_markdown(
        report, Labels("en"))


def test_seek_records_keep_the_index_checkpoints_usable_and_the_state_exact(city, tmp_path):
    table, columns = city
    drill = DrillSession(columns, table, journal_path=tmp_path / "drill.sqlite", checkpoint_every_s=1800)
    replay = drill.replay
    assert replay.build_index()
    start = replay.start_ms
    replay.seek(start + HOUR)
    replay.seek(start + 3 * HOUR)
    # A seek record changes no alarm: the next seek starts from the index checkpoint at 05:30, not from 03:00.
    summary = replay.seek(start + 5 * HOUR + 40 * MINUTE)
    assert summary.readings < 40 * 70 + 200
    reference = Replay(columns, table, checkpoint_every_s=1800)
    reference.advance_to(start + 5 * HOUR + 40 * MINUTE)
    assert replay.table.level.tolist() == reference.table.level.tolist()
    ours = {a.alarm_id: (a.sensor_id, a.state, a.level) for a in replay.book.alarms.values()}
    assert ours == {a.alarm_id: (a.sensor_id, a.state, a.level) for a in reference.book.alarms.values()}
    # ... and going back past a seek record makes it again, once.
    replay.seek(start + 4 * HOUR)
    assert [a.action for a in replay.actions] == [SEEK_ACTION] * 3
    drill.close()


def test_a_seek_before_the_index_is_complete_lands_at_the_fully_indexed_state(city):
    table, columns = city
    indexed = Replay(columns, table)
    assert indexed.build_index()
    steps = []
    partial = Replay(columns, table)
    assert not partial.build_index(cancel=lambda: (steps.append(1), len(steps) > 3)[1])
    assert partial.indexed_until_ms < partial.start_ms + 2 * HOUR
    for moment in (5 * HOUR + 7 * MINUTE, HOUR + 3 * MINUTE, 4 * HOUR):
        partial.seek(partial.start_ms + moment)
        indexed.seek(indexed.start_ms + moment)
        assert_same_state(partial, indexed)


def test_the_indexing_child_gives_the_same_index_and_seeks_never_wait_for_it(city):
    table, columns = city
    indexed = Replay(columns, table)
    assert indexed.build_index()
    replay = Replay(columns, table)
    done, steps = threading.Event(), []

    def on_step(until_ms: int) -> None:
        steps.append(until_ms)
        if until_ms >= replay.end_ms:
            done.set()

    replay.on_index_step = on_step
    assert replay.index_in_background() and replay.background_indexing
    # At once, before the child (a new interpreter) has sent anything: from the replay's own start.
    replay.seek(replay.start_ms + 5 * HOUR)
    indexed.seek(indexed.start_ms + 5 * HOUR)
    assert_same_state(replay, indexed)
    assert done.wait(120), replay.index_error
    assert replay.index_error is None
    # Step by step, one checkpoint interval at a time, and the same checkpoints and density as in-process.
    assert len(steps) >= len(indexed.checkpoint_times) - 1 and steps == sorted(steps)
    assert replay.checkpoint_times == indexed.checkpoint_times
    assert (replay.alarm_density(50).counts == indexed.alarm_density(50).counts).all()
    assert replay.alarm_density(50).complete
    for moment in (2 * HOUR + 11 * MINUTE, 5 * HOUR + 50 * MINUTE):
        summary = replay.seek(replay.start_ms + moment)
        assert summary.readings < 16 * 70 + 100  # from the child's checkpoint, a quarter hour away at most
        indexed.seek(indexed.start_ms + moment)
        assert_same_state(replay, indexed)


def test_a_stopped_indexing_child_leaves_a_usable_replay(city):
    table, columns = city
    replay = Replay(columns, table)
    replay.index_in_background()
    replay.stop_background_index(wait_s=30)
    assert not replay.background_indexing and replay.index_error is None
    # Indexing goes on in this process where the child left off.
    assert replay.build_index()
    indexed = Replay(columns, table)
    indexed.build_index()
    assert replay.checkpoint_times == indexed.checkpoint_times
    assert (replay.alarm_density(30).counts == indexed.alarm_density(30).counts).all()


def test_a_drill_indexes_its_feed_while_decoding_it_and_the_index_is_the_same(city_feed, city, tmp_path):
    table, feed = city_feed
    _, columns = city
    indexed = Replay(columns, table)
    indexed.build_index()
    done = threading.Event()
    drill = DrillSession(feed, table, journal_path=tmp_path / "drill.sqlite")
    replay = drill.replay
    replay.on_index_step = lambda until_ms: until_ms >= replay.end_ms and done.set()
    # The child was started by the first piece decoded; it may be done before the hook was set.
    assert replay.background_indexing or replay.indexed_until_ms >= replay.end_ms
    assert done.wait(120) or replay.indexed_until_ms >= replay.end_ms, replay.index_error
    assert replay.index_error is None
    assert replay.checkpoint_times == indexed.checkpoint_times
    assert (replay.alarm_density(40).counts == indexed.alarm_density(40).counts).all()
    moment = replay.start_ms + 4 * HOUR + 21 * MINUTE
    replay.seek(moment)
    indexed.seek(moment)
    assert replay.table.level.tolist() == indexed.table.level.tolist()
    assert {a.alarm_id: a.state for a in replay.book.alarms.values()} == {
        a.alarm_id: a.state for a in indexed.book.alarms.values()}
    drill.close()
    assert not replay.background_indexing


def test_a_feed_that_cannot_be_read_leaves_no_indexing_child(city, tmp_path):
    table, _ = city
    empty = tmp_path / "empty.jsonl"
    empty.write_text("")
    with pytest.raises(InputError, match="no readings"):
        Replay(empty, table, index_while_decoding=True)
