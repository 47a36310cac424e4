"""The closed-alarm history from a real journal: each search field narrows the result."""

from __future__ import annotations

import pytest

from console.model.journal import Journal
from console.model.journal.history import HistoryQuery, closed_alarms
from console.model.journal.schema import connect_reader
from console.model.pipeline import Pipeline
from tests.model.helpers import FLOOD_RULES, MINUTE, T0, batch, make_table, rules

SENSORS = [("WLG-1", "depth", 0, 0, "North"), ("WLG-2", "depth", 10, 0, "North"), ("RG-1", "rain_1h", 0, 0, "South"),
           ("GAS-1", "gas_lel", 0, 0, "South")]


@pytest.fixture
def journal_path(tmp_path):
    path = tmp_path / "journal.sqlite"
    pipeline = Pipeline(make_table(SENSORS), rules(FLOOD_RULES),
                        journal=Journal(path, synchronous="NORMAL", commit_interval_s=0))
    pipeline.process(batch([("WLG-1", T0, 20.0), ("WLG-2", T0, 45.0), ("RG-1", T0, 35.0), ("GAS-1", T0, 12.0)]))
    book = pipeline.book
    alarm = {a.sensor_id: a.alarm_id for a in book.alarms.values()}
    book.acknowledge([alarm["WLG-2"]], "Li Ming", T0 + MINUTE)
    book.close(alarm["WLG-1"], "false_alarm", "debris on the sensor", "Wang Fang", T0 + 10 * MINUTE)
    book.close(alarm["WLG-2"], "handled", "pumps started", "Wang Fang", T0 + 20 * MINUTE)
    book.close(alarm["RG-1"], "handled", "", "Zhao Lei", T0 + 30 * MINUTE)  # GAS-1 stays open
    pipeline.close()
    return path


def search(path, **fields) -> list[str]:
    db = connect_reader(path)
    try:
        return [row.sensor_id for row in closed_alarms(db, HistoryQuery(**fields))]
    finally:
        db.close()


@pytest.mark.parametrize(("fields", "expected"), [
    ({}, ["RG-1", "WLG-2", "WLG-1"]),  # newest closing first; the open one is not history
    ({"start_ms": T0 + 15 * MINUTE}, ["RG-1", "WLG-2"]),
    ({"start_ms": T0, "end_ms": T0 + 20 * MINUTE}, ["WLG-1"]),  # the end is excluded
    ({"sensor": "wlg"}, ["WLG-2", "WLG-1"]),
    ({"district": "South"}, ["RG-1"]),
    ({"classification": "handled"}, ["RG-1", "WLG-2"]),
    ({"operator": "Wang"}, ["WLG-2", "WLG-1"]),
    ({"operator": "li ming"}, ["WLG-2"]),  # acknowledged it
    ({"operator": "%"}, []),  # taken literally
    ({"district": "North", "classification": "false_alarm"}, ["WLG-1"]),
])
def test_each_field_narrows_the_closed_alarms(journal_path, fields, expected):
    assert search(journal_path, **fields) == expected


def test_a_row_carries_what_the_history_shows(journal_path):
    db = connect_reader(journal_path)
    (row,) = closed_alarms(db, HistoryQuery(classification="false_alarm"))
    db.close()
    assert (row.sensor_id, row.district, row.peak_level, row.closed_by, row.close_note) == (
        "WLG-1", "North", 4, "Wang Fang", "debris on the sensor")
    assert (row.raised_ms, row.closed_ms) == (T0, T0 + 10 * MINUTE)


def test_a_bad_search_is_refused_with_its_reason():
    with pytest.raises(ValueError, match="classification must be one of"):
        HistoryQuery(classification="solved")
    with pytest.raises(ValueError, match="end after it starts"):
        HistoryQuery(start_ms=T0, end_ms=T0)
