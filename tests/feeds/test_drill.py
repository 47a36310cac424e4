"""Drill isolation: a drill has its own state and journal, and leaves the live console as it was."""

from __future__ import annotations

import sqlite3

import pytest

from console.feeds.drill import DrillSession, drill_journal_path
from console.feeds.recorded import read_feed
from console.model.journal import Journal
from console.model.pipeline import Pipeline
from console.model.readings import ReadingBatch
from tests.feeds.replay_helpers import MINUTE, assert_same_table, book_state, small_city, table_state


@pytest.fixture(scope="module")
def city(tmp_path_factory):
    table, feed, _ = small_city(tmp_path_factory.mktemp("drill"))
    return table, feed


def dump(path) -> dict:
    """Every row of every table of a journal file."""
    with sqlite3.connect(path) as db:
        names = [n for (n,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        return {name: db.execute(f'SELECT * FROM "{name}" ORDER BY 1').fetchall() for name in names}


def live_console(table, feed, journal_path) -> Pipeline:
    """The live console: the first two hours of the feed processed, some alarms acknowledged."""
    pipeline = Pipeline(table, journal=Journal(journal_path))
    for event in read_feed(feed):
        if isinstance(event, ReadingBatch):
            keep = event.t_ms < event.t_ms[0] + 2 * 60 * MINUTE
            pipeline.process(event.take(keep), "live", now_ms=int(event.t_ms[keep].max()) if keep.any() else None)
    alarms = list(pipeline.book.alarms)
    assert len(alarms) > 3
    pipeline.book.acknowledge(alarms[:2], "live op", pipeline.book.clock_ms)
    pipeline.journal.flush()
    return pipeline


def test_a_drill_never_touches_the_live_state_or_journal(city, tmp_path):
    template, feed = city
    live_table = template.fresh_copy()
    live_path = tmp_path / "journal.sqlite"
    live = live_console(live_table, feed, live_path)
    table_before, book_before = table_state(live.table), book_state(live.book)
    journal_before = dump(live_path)
    versions = (live.table.version, live.book.version)

    with DrillSession(feed, live_table, beside=live_path) as drill:
        assert drill.table is not live_table and drill.book is not live.book
        drill.replay.advance_to(drill.replay.start_ms + 3 * 60 * MINUTE)
        open_ids = [a.alarm_id for a in drill.book.open_alarms()]
        assert len(open_ids) > 5
        drill.book.acknowledge(open_ids[:4], "trainee", drill.now_ms)
        drill.book.close(open_ids[4], "false_alarm", "drill: sensor cleaned", "trainee", drill.now_ms)
        drill.replay.seek(drill.replay.start_ms + 5 * 60 * MINUTE)
        drill.replay.seek(drill.replay.start_ms + 60 * MINUTE)
        drill_path = drill.journal.path

    # The live console is exactly as it was: table, book and journal file.
    assert_same_table(table_state(live.table), table_before)
    assert book_state(live.book) == book_before
    assert (live.table.version, live.book.version) == versions
    assert dump(live_path) == journal_before
    assert drill_path != live_path and drill_path.parent == live_path.parent
    assert drill_path.name.startswith("journal-drill-")
    live.close()


def test_the_drill_journal_is_marked_and_follows_the_drill(city, tmp_path):
    template, feed = city
    path = tmp_path / "drill.sqlite"
    drill = DrillSession(feed, template, journal_path=path)
    replay = drill.replay
    replay.advance_to(replay.start_ms + 3 * 60 * MINUTE)
    first = [a.alarm_id for a in drill.book.open_alarms()][:3]
    drill.book.acknowledge(first, "trainee", drill.now_ms)
    acked_at = drill.now_ms
    replay.advance_to(replay.start_ms + 4 * 60 * MINUTE)
    later = [a.alarm_id for a in drill.book.open_alarms() if a.needs_ack][:2]
    drill.book.acknowledge(later, "trainee", drill.now_ms)
    drill.journal.flush()
    journal = Journal(path)
    assert journal.is_drill
    meta = journal.meta()
    assert meta["feed"] == str(feed) and int(meta["feed_start_ms"]) == replay.start_ms
    assert journal._reader.execute("SELECT count(*) FROM action").fetchone()[0] == 5
    # A drill journal keeps no readings and no sensor states.
    assert journal._reader.execute("SELECT count(*) FROM reading").fetchone()[0] == 0
    assert journal._reader.execute("SELECT count(*) FROM sensor_state").fetchone()[0] == 0

    # Back before the second acknowledgements: they are gone from the book and from the journal.
    replay.seek(acked_at + MINUTE)
    drill.close()
    rows = dict(journal._reader.execute("SELECT alarm_id, state FROM alarm").fetchall())
    assert rows == {a.alarm_id: a.state.key for a in drill.book.alarms.values()}
    actions = journal._reader.execute("SELECT alarm_id, operator, action FROM action ORDER BY seq").fetchall()
    # ... and the seek back is journaled after the actions kept.
    assert actions == [(alarm_id, "trainee", "acknowledge") for alarm_id in first] + [(None, "replay", "drill_seek")]
    transitions = journal._reader.execute('SELECT max(seq) FROM "transition"').fetchone()[0]
    assert transitions == drill.book.numbering()["transition"] - 1
    assert "ended_utc" in journal.meta()
    journal.close()


def test_a_drill_journal_sits_next_to_the_live_one_under_a_new_name(tmp_path):
    live = tmp_path / "console.sqlite"
    first = drill_journal_path(live)
    first.write_bytes(b"")
    second = drill_journal_path(live)
    assert first.parent == second.parent == tmp_path and first != second
    assert first.name.startswith("console-drill-") and first.suffix == ".sqlite"
    assert drill_journal_path(tmp_path).name.startswith("journal-drill-")


def test_a_drill_needs_somewhere_for_its_journal(city):
    with pytest.raises(ValueError, match="journal"):
        DrillSession(city[1], city[0])
