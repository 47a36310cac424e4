"""The journal: restore equality, history, retention, failures and files it cannot open."""

from __future__ import annotations

import sqlite3

import numpy as np
import pytest

from console.model.alarms import BookRecords
from console.model.journal import (
    APPLICATION_ID,
    BLOCK_MIN_READINGS,
    SCHEMA_VERSION,
    Journal,
    JournalEntry,
    JournalError,
)
from console.model.pipeline import Pipeline
from console.model.sensors import NO_TIME
from tests.model.helpers import FLOOD_RULES, MINUTE, T0, batch, make_table, rules

OPERATOR = "Wang Fang"
STATE_COLUMNS = [
    "value", "t_ms", "quality", "level", "status", "alarm_id", "alarm_state", "out_of_service", "chattering",
    "pending_level", "pending_since_ms", "rate_ref_value", "rate_ref_t_ms",
]  # fmt: skip
RULES = (
    FLOOD_RULES.replace('levels = [5, 10, 25, 50]', 'levels = [5, 10, 25, 50]\ndelay_on_s = 90\nchatter_count = 4')
    + "[defaults]\nstale_after_s = 1200\n"
)
SENSORS = [
    ("WLG-1", "depth", 0, 0, "Huangpu"),
    ("WLG-2", "depth", 200, 0, "Jingan"),
    ("RG-1", "rain_1h", 100, 50, "Huangpu"),
    ("GAS-1", "gas_lel", 3000, 0, "Xuhui"),
    ("GAS-2", "gas_lel", 3100, 0, "Xuhui"),
    ("GAS-3", "gas_lel", 9000, 0, "Minhang"),
]


def open_pipeline(path, table=None):
    journal = Journal(path, synchronous="NORMAL", commit_interval_s=0)
    return Pipeline(table if table is not None else make_table(SENSORS), rules(RULES), journal=journal)


def busy_day(pipeline):
    """Readings and operator actions that leave every kind of state behind."""
    book = pipeline.book
    steps = [
        [("WLG-1", 0, 20.0), ("WLG-2", 0, 5.0), ("RG-1", 0, 35.0), ("GAS-1", 0, 1.0), ("GAS-3", 0, 1.0)],
        [("WLG-2", 2, 45.0), ("GAS-1", 2, 12.0)],  # GAS-1 pending behind its 90 s delay
        [("GAS-2", 3, 6.0), ("GAS-2", 4, 1.0), ("GAS-2", 5, 6.0)],  # GAS-2 pending at the end
        [("GAS-1", 4, 12.5), ("GAS-3", 4, 1.0)],  # GAS-1 raised
        [("RG-1", 6, 10.0), ("WLG-2", 7, 28.0)],
    ]
    for minute, readings in enumerate(steps):
        pipeline.process(batch([(s, T0 + m * MINUTE, v) for s, m, v in readings]), "feed.jsonl", now_ms=T0 + 7 * MINUTE)
        if minute == 1:
            book.acknowledge([1], OPERATOR, T0 + 3 * MINUTE)
            book.dispatch(1, "Drainage Office", OPERATOR, T0 + 3 * MINUTE)
    alarm_of = {a.sensor_id: a.alarm_id for a in book.alarms.values()}
    book.note(alarm_of["WLG-2"], "crew sent to the underpass", OPERATOR, T0 + 8 * MINUTE)
    book.shelve([alarm_of["RG-1"]], "gauge blocked by leaves", T0 + 90 * MINUTE, OPERATOR, T0 + 8 * MINUTE)
    book.close(alarm_of["GAS-1"], "test", "drill", OPERATOR, T0 + 9 * MINUTE)
    book.set_out_of_service(["GAS-3"], True, "maintenance", OPERATOR, T0 + 9 * MINUTE)
    pipeline.tick(T0 + 28 * MINUTE)  # GAS-3 and others go stale


def assert_same_state(a, b):
    for name in STATE_COLUMNS:
        np.testing.assert_array_equal(getattr(a.table, name), getattr(b.table, name), err_msg=name)
    assert a.table.chatter_times == b.table.chatter_times
    assert a.book.alarms == b.book.alarms
    assert a.book.incidents == b.book.incidents
    assert a.book.counts_by_state() == b.book.counts_by_state()
    assert a.book.alarm_rate() == b.book.alarm_rate()
    assert a.book.next_alarm_id == b.book.next_alarm_id


def test_restore_rebuilds_sensor_states_and_alarm_book_exactly(tmp_path):
    path = tmp_path / "journal.sqlite"
    original = open_pipeline(path)
    busy_day(original)
    table = original.table
    assert (table.pending_level >= 0).any() and table.chatter_times and table.out_of_service.any()
    assert len({a.state for a in original.book.alarms.values()}) >= 3
    original.close()
    original.journal = None  # keep running in memory only, to compare with the restored one

    restored = open_pipeline(path)
    assert_same_state(original, restored)
    # Both carry on identically from there.
    more = batch([("GAS-2", T0 + 30 * MINUTE, 7.0), ("GAS-2", T0 + 32 * MINUTE, 8.0), ("WLG-1", T0 + 30 * MINUTE, 60.0)])
    expected = original.process(more, "feed.jsonl").changes
    assert restored.process(more, "feed.jsonl").changes == expected
    assert expected
    assert_same_state(original, restored)
    restored.close()
    again = open_pipeline(path)
    assert_same_state(original, again)
    seqs = again.journal._reader.execute('SELECT count(*), count(DISTINCT seq) FROM "transition"').fetchone()
    assert seqs[0] == seqs[1] > 10
    again.close()


def test_restore_skips_sensors_the_table_no_longer_has(tmp_path):
    path = tmp_path / "journal.sqlite"
    pipeline = open_pipeline(path)
    pipeline.process(batch([("WLG-1", T0, 20.0), ("RG-1", T0, 35.0)]))
    pipeline.close()
    smaller = make_table([s for s in SENSORS if s[0] != "WLG-1"])
    restored = open_pipeline(path, smaller)
    assert {a.sensor_id: a.sensor_row for a in restored.book.alarms.values()} == {"WLG-1": -1, "RG-1": 1}
    assert smaller.value[smaller.row_of("RG-1")] == 35.0
    restored.close()


def test_history_keeps_late_readings_once(tmp_path):
    pipeline = open_pipeline(tmp_path / "journal.sqlite")
    readings = batch([("WLG-1", T0 + 2 * MINUTE, 3.0), ("WLG-1", T0, 1.0), ("WLG-1", T0 + MINUTE, 2.0)])
    pipeline.process(readings)
    late = batch([("WLG-1", T0 + 30_000, 1.5), ("WLG-1", T0 + MINUTE, 2.0)])
    report = pipeline.process(late)
    pipeline.process(late)  # replayed: nothing new
    assert report.n_history_only == 2
    pipeline.journal.flush()
    t, value, quality = pipeline.journal.query_readings("WLG-1")
    assert t.tolist() == [T0, T0 + 30_000, T0 + MINUTE, T0 + 2 * MINUTE]
    assert value.tolist() == [1.0, 1.5, 2.0, 3.0] and quality.tolist() == [0, 0, 0, 0]
    assert pipeline.journal.query_readings("WLG-1", T0 + 40_000, T0 + MINUTE)[1].tolist() == [2.0]
    pipeline.close()


def test_retention_deletes_old_readings_only(tmp_path):
    journal = Journal(tmp_path / "journal.sqlite", retention_s=3600, commit_interval_s=0)
    journal.retention_check_s = 0
    pipeline = Pipeline(make_table(SENSORS), rules(RULES), journal=journal)
    pipeline.process(batch([("WLG-1", T0, 20.0), ("GAS-2", T0 + 30 * MINUTE, 1.0)]))
    pipeline.process(batch([("GAS-2", T0 + 90 * MINUTE, 2.0)]))
    journal.flush()
    left = journal._reader.execute("SELECT t_ms FROM reading ORDER BY t_ms").fetchall()
    assert left == [(T0 + 30 * MINUTE,), (T0 + 90 * MINUTE,)]
    assert journal._reader.execute("SELECT count(*) FROM alarm").fetchone()[0] == 1  # alarms are kept
    pipeline.close()


def test_a_failed_write_is_reported_and_nothing_of_it_is_kept(tmp_path):
    journal = Journal(tmp_path / "journal.sqlite", commit_interval_s=0)
    row = (1, 1, T0, "raise", "normal", "unack", 0, 4, 6.0, 5.0, "threshold", None)
    journal.submit(JournalEntry(records=BookRecords(transitions=[row])))
    journal.flush()
    duplicate = BookRecords(transitions=[(2, 1, T0, "ack", "unack", "ack", None, None, None, None, None, "x"), row])
    journal.submit(JournalEntry(records=duplicate))
    with pytest.raises(JournalError, match="writing the journal failed: UNIQUE constraint failed"):
        journal.flush()
    with pytest.raises(JournalError, match="failed"):
        journal.submit(JournalEntry(records=BookRecords(transitions=[row])))
    assert journal._reader.execute('SELECT seq FROM "transition"').fetchall() == [(1,)]
    journal.close()


def test_files_that_are_not_journals_are_refused_and_a_fresh_one_starts_beside(tmp_path):
    text_file = tmp_path / "notes.sqlite"
    text_file.write_text("shift notes, not a database\n" * 100, encoding="utf-8")
    other = tmp_path / "other.sqlite"
    with sqlite3.connect(other) as connection:
        connection.execute("CREATE TABLE stuff (a)")
    newer = tmp_path / "newer.sqlite"
    with sqlite3.connect(newer) as connection:
        connection.execute(f"PRAGMA application_id={APPLICATION_ID}")
        connection.execute("PRAGMA user_version=99")
        connection.execute("CREATE TABLE meta (key, value)")
    cases = [
        (text_file, "cannot be opened as a journal: file is not a database"),
        (other, "of another program, not a console journal"),
        (newer, f"written by a newer console (schema 99 > {SCHEMA_VERSION})"),
        (tmp_path, "is a folder"),
        (tmp_path / "missing" / "j.sqlite", "does not exist"),
    ]
    for path, problem in cases:
        with pytest.raises(JournalError) as error:
            Journal(path)
        assert error.value.source == str(path) and problem in error.value.problem
    before = text_file.read_bytes()
    fresh = Journal.start_fresh_beside(text_file)
    assert fresh.path.parent == tmp_path and fresh.path.name.startswith("notes-") and fresh.path.suffix == ".sqlite"
    assert fresh.integrity_check() == "ok"
    fresh.close()
    assert text_file.read_bytes() == before
    assert Journal.fresh_path_beside(text_file) != fresh.path or not fresh.path.exists()


def test_sensor_states_are_journaled_with_unset_times_as_null(tmp_path):
    pipeline = open_pipeline(tmp_path / "journal.sqlite")
    pipeline.process(batch([("WLG-1", T0, 3.0)]))
    pipeline.journal.flush()
    rows = pipeline.journal._reader.execute(
        "SELECT s.sensor_id, st.value, st.t_ms, st.pending_since_ms, st.status FROM sensor_state st "
        "JOIN sensor s USING (sensor_key)"
    ).fetchall()
    assert rows == [("WLG-1", 3.0, T0, None, 1)]
    assert pipeline.table.pending_since_ms[0] == NO_TIME
    pipeline.close()


def big_table(n: int = 2000):
    return make_table([(f"GAS-{i:04d}", "gas_lel", float(i), 0.0) for i in range(n)])


def test_a_large_transaction_keeps_its_readings_as_one_block(tmp_path):
    table = big_table()
    journal = Journal(tmp_path / "journal.sqlite", synchronous="NORMAL", commit_interval_s=0)
    pipeline = Pipeline(table, rules(RULES), journal=journal)
    minutes = BLOCK_MIN_READINGS // len(table) + 2
    ids = np.tile(table.ids, minutes)
    t = np.repeat(T0 + np.arange(minutes) * MINUTE, len(table))
    value = np.tile(np.arange(len(table)) / 1000, minutes) + np.repeat(np.arange(minutes), len(table))
    pipeline.process(batch(list(zip(ids, t, value, strict=True))), "bulk")
    journal.flush()
    late = batch([("GAS-0007", T0 + 30_000, -1.0), ("GAS-0007", T0 + MINUTE, 99.0)])  # one new, one repeat
    pipeline.process(late, "late")
    journal.flush()
    db = journal._reader
    assert db.execute("SELECT count(*), sum(n) FROM reading_block").fetchone() == (1, minutes * len(table))
    assert db.execute("SELECT count(*) FROM reading").fetchone()[0] == 2  # the small entry: rows
    t7, v7, q7 = journal.query_readings("GAS-0007")
    assert t7.tolist() == sorted([T0 + m * MINUTE for m in range(minutes)] + [T0 + 30_000])
    # The repeated time keeps the value written first.
    assert v7[t7 == T0 + MINUTE].tolist() == [0.007 + 1] and v7[t7 == T0 + 30_000].tolist() == [-1.0]
    assert q7.dtype == np.uint8 and (q7 == 0).all()
    window = journal.query_readings("GAS-1999", T0 + MINUTE, T0 + 3 * MINUTE)
    assert window[0].tolist() == [T0 + MINUTE, T0 + 2 * MINUTE, T0 + 3 * MINUTE]
    assert window[1].tolist() == [1.999 + 1, 1.999 + 2, 1.999 + 3]
    assert journal.count_readings(T0, T0 + MINUTE) == 2 * len(table) + 2  # the repeat is stored, not shown
    assert journal.query_readings("NOT-A-SENSOR")[0].size == 0
    pipeline.close()


def test_retention_and_rewind_cut_blocks_by_time(tmp_path):
    table = big_table()
    journal = Journal(tmp_path / "journal.sqlite", synchronous="NORMAL", commit_interval_s=0, retention_s=3600)
    journal.retention_check_s = 0
    pipeline = Pipeline(table, rules(RULES), journal=journal)
    minutes = BLOCK_MIN_READINGS // len(table) + 1
    for start in (T0, T0 + 3 * 3_600_000):  # two blocks three hours apart
        t = np.repeat(start + np.arange(minutes) * MINUTE, len(table))
        pipeline.process(batch(list(zip(np.tile(table.ids, minutes), t, np.zeros(len(t)), strict=True))), "bulk")
        journal.flush()
    db = journal._reader
    assert db.execute("SELECT count(*) FROM reading_block").fetchone()[0] == 1  # the old block went
    later = T0 + 3 * 3_600_000
    journal.rewind(table, pipeline.book, later + 5 * MINUTE)
    journal.flush()
    t, _, _ = journal.query_readings("GAS-0000")
    assert t.tolist() == [later + m * MINUTE for m in range(6)]
    assert journal.count_readings(later, later + 3_600_000) == 6 * len(table)
    pipeline.close()


def test_a_journal_of_the_first_schema_is_upgraded_in_place(tmp_path):
    path = tmp_path / "old.sqlite"
    pipeline = open_pipeline(path)
    busy_day(pipeline)
    pipeline.close()
    with sqlite3.connect(path) as db:  # as the first schema left it
        db.execute("DROP TABLE reading_block")
        drop_version_3_columns(db)
        db.execute("PRAGMA user_version=1")
    restored = open_pipeline(path)
    db = restored.journal._reader
    assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert db.execute("SELECT count(*) FROM reading_block").fetchone()[0] == 0
    assert restored.journal.query_readings("WLG-2")[1].tolist() == [5.0, 45.0, 28.0]
    assert len(restored.book.alarms) == 4
    restored.close()


V4_ALARM_COLUMNS = ("dispatch_note", "unit_acked_ms", "unit_acked_by", "on_site_ms", "on_site_by",
                    "due_unit_ack_ms", "due_on_site_ms", "due_handled_ms", "escalated")


def drop_version_4_columns(db) -> None:
    """Make a journal look as schema 3 left it: no dispatch steps, deadlines or escalations."""
    for column in V4_ALARM_COLUMNS:
        db.execute(f"ALTER TABLE alarm DROP COLUMN {column}")


def drop_version_3_columns(db) -> None:
    """Make a journal look as schema 2 left it: no confirmation or sensor-check state, no item kinds."""
    drop_version_4_columns(db)
    for table, column in (("sensor_state", "pending_count"), ("sensor_state", "fault"),
                          ("sensor_state", "steady_value"), ("sensor_state", "steady_since_ms"),
                          ("sensor_state", "steady_count"), ("alarm", "kind"), ("alarm", "reason")):
        db.execute(f"ALTER TABLE {table} DROP COLUMN {column}")


def test_a_journal_of_the_second_schema_gains_item_kinds_and_check_state(tmp_path):
    path = tmp_path / "v2.sqlite"
    pipeline = open_pipeline(path)
    busy_day(pipeline)
    expected = {i: (a.level, a.state) for i, a in pipeline.book.alarms.items()}
    pipeline.close()
    with sqlite3.connect(path) as db:
        drop_version_3_columns(db)
        db.execute("PRAGMA user_version=2")
    restored = open_pipeline(path)
    db = restored.journal._reader
    assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert {i: (a.level, a.state) for i, a in restored.book.alarms.items()} == expected
    assert {a.kind for a in restored.book.alarms.values()} == {"level"}  # every old alarm is a process alarm
    restored.close()


def test_the_handling_of_a_sensors_alarms_reads_back_in_time_order(tmp_path):
    from console.model.journal.queries import sensor_alarm_events
    from console.model.journal.schema import connect_reader

    path = tmp_path / "journal.sqlite"
    pipeline = open_pipeline(path)
    busy_day(pipeline)
    pipeline.close()
    with connect_reader(path) as db:
        gas = sensor_alarm_events(db, "GAS-1")
        wlg = sensor_alarm_events(db, "WLG-1")
        assert sensor_alarm_events(db, "GAS-1", T0 + 5 * MINUTE, T0 + 8 * MINUTE) == []
        assert sensor_alarm_events(db, "NO-SUCH") == []
    alarm = gas[0][2]
    assert gas == [(T0 + 4 * MINUTE, "raise", alarm, 3, None, ""), (T0 + 9 * MINUTE, "close", alarm, None, OPERATOR, "test")]
    first = wlg[0][2]
    assert [(t, event, level, operator, detail) for t, event, _, level, operator, detail in wlg] == [
        (T0, "raise", 4, None, ""),
        (T0 + 3 * MINUTE, "acknowledge", None, OPERATOR, ""),
        (T0 + 3 * MINUTE, "dispatch", None, OPERATOR, "Drainage Office"),
    ]
    assert {e[2] for e in wlg} == {first} != {alarm}
