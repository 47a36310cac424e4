"""The shift report's figures against a journal with a known shift, and its Markdown and CSV forms."""

from __future__ import annotations

import csv
import io

import pytest

from console.reports import Labels, read_shift_report, to_csv, to_markdown
from tests.reports.shift_journal import (
    NIGHT,
    ON_DUTY,
    SECOND,
    SHIFT_END_MS,
    SHIFT_START_MS,
    at,
    make_shift_journal,
    without_deadlines,
)

ZONE = "Asia/Shanghai"


@pytest.fixture(scope="module")
def journal(tmp_path_factory):
    path = tmp_path_factory.mktemp("shift") / "journal.sqlite"
    make_shift_journal(path)
    return path


@pytest.fixture(scope="module")
def report(journal):
    return read_shift_report(journal, SHIFT_START_MS, SHIFT_END_MS, ZONE, made_ms=at(721))


def test_alarms_raised_and_closed_are_counted_by_family_category_and_level(report):
    raised = {(c.family, c.category): c.by_level for c in report.raised}
    # Alarm 1 was raised before the shift and alarm 7 after it; alarm 3 counts at the level I it reached.
    assert raised == {("flood", "rainfall"): (0, 0, 1, 0), ("flood", "waterlogging"): (1, 0, 0, 0),
                      ("lifeline", "gas"): (0, 1, 1, 1)}
    assert report.raised_by_level == (1, 1, 2, 1)
    closed = {(c.family, c.category): c.by_level for c in report.closed}
    # Alarm 4 is closed only after the shift.
    assert closed == {("flood", "waterlogging"): (1, 0, 0, 0), ("lifeline", "gas"): (0, 1, 0, 1)}
    assert report.closed_by_classification == {"handled": 1, "false_alarm": 2}


def test_still_open_items_are_those_not_closed_at_the_end_most_severe_first(report):
    rows = [(i.alarm_id, i.sensor_id, i.level, i.state, i.dispatched_to) for i in report.open_at_end]
    assert rows == [(1, "WLG-2", 2, "unack", "Drainage Office"), (4, "RG-1", 3, "unack", "Hydrology Bureau"),
                    (6, "GAS-1", 3, "unack", None)]


def test_dispatches_not_closed_in_time_are_overdue_even_when_dispatched_before_the_shift(report):
    rows = [(d.alarm_id, d.unit, d.operator, d.dispatched_ms, d.due_ms, d.closed_ms) for d in report.overdue]
    # The handling deadlines stored at dispatch: level II 4 h, level III 8 h. Alarm 2 was closed 24 min after
    # its dispatch; alarm 4's closure after the shift is not known at its end.
    assert rows == [(1, "Drainage Office", NIGHT, at(-50), at(190), None),
                    (4, "Hydrology Bureau", SECOND, at(61), at(541), None)]


def test_the_stored_deadlines_decide_whatever_the_limit(journal):
    report = read_shift_report(journal, SHIFT_START_MS, SHIFT_END_MS, ZONE, overdue_after_ms=20 * 60_000)
    assert [(d.alarm_id, d.due_ms) for d in report.overdue] == [(1, at(190)), (4, at(541))]


def test_a_shorter_limit_makes_a_dispatch_without_deadlines_closed_late_overdue(journal, tmp_path):
    older = tmp_path / "older.sqlite"
    without_deadlines(journal, older)
    report = read_shift_report(older, SHIFT_START_MS, SHIFT_END_MS, ZONE, overdue_after_ms=20 * 60_000)
    assert [(d.alarm_id, d.closed_ms) for d in report.overdue] == [(1, None), (2, at(30)), (4, None)]
    default = read_shift_report(older, SHIFT_START_MS, SHIFT_END_MS, ZONE)  # 2 h from the first dispatch
    assert [(d.alarm_id, d.due_ms) for d in default.overdue] == [(1, at(70)), (4, at(181))]


def test_false_alarm_share_and_noisiest_sensors(report):
    assert [(s.category, s.closed, s.false_alarms, s.share) for s in report.false_alarms] == [
        ("gas", 2, 1, 0.5), ("waterlogging", 1, 1, 1.0)]
    # GAS-2 came back twice after returning; WLG-1 escalated once; equal counts go by sensor id.
    assert [(s.sensor_id, s.annunciations, s.alarms) for s in report.noisiest] == [
        ("GAS-2", 3, 1), ("GAS-1", 2, 2), ("WLG-1", 2, 1), ("RG-1", 1, 1)]


def test_operator_actions_in_the_range_with_names_and_times(report):
    rows = [(a.t_ms, a.operator, a.action, a.alarm_id) for a in report.actions]
    assert rows == [
        (at(0), ON_DUTY, "shift_start", None), (at(5), ON_DUTY, "acknowledge", 2), (at(6), ON_DUTY, "dispatch", 2),
        (at(30), ON_DUTY, "close", 2), (at(40), SECOND, "close", 3), (at(61), SECOND, "dispatch", 4),
        (at(110), SECOND, "close", 5), (at(300), ON_DUTY, "note", 6),
    ]
    assert report.actions_by_operator == {ON_DUTY: 5, SECOND: 3}
    assert not report.source_status_recorded


def test_markdown_in_english_holds_the_tables_and_says_outages_are_not_recorded(report):
    text = to_markdown(report, Labels("en"))
    assert text.startswith("# Shift report\n")
    assert "From 2026-07-21 08:00:00 to 2026-07-21 20:00:00" in text
    assert "Times in Asia/Shanghai (UTC+08:00)" in text
    assert "| Lifeline | Gas | 0 | 1 | 1 | 1 | 3 |" in text
    assert "| Total |  | 1 | 1 | 2 | 1 | 5 |" in text
    assert "False alarm: 2  Handled: 1" in text
    assert "| 1 | WLG-2 | Waterlogging | Jingan | Level II | Unacknowledged | 2026-07-21 07:00:00 | Drainage Office |" \
        in text
    assert "| 4 | RG-1 | Level III | Hydrology Bureau | 2026-07-21 09:01:00 | Li Lei | 2026-07-21 17:01:00 | not closed |" \
        in text
    assert "| Gas | 2 | 1 | 50% |" in text
    # A pipe in a note does not break the table.
    assert "| 2026-07-21 08:40:00 | Li Lei | Close | 3 | WLG-1 | False alarm; gauge \\| flooded by a burst pipe test |" \
        in text
    assert "| 2026-07-21 08:00:00 | 王芳 | Shift start |  |  | taking over from Zhao Lei |" in text
    assert "does not record the status of sources" in text
    assert "No alarms in this range." not in text


def test_markdown_in_chinese_uses_the_window_s_words(report):
    text = to_markdown(report, Labels("zh_CN"))
    assert text.startswith("# 值班报告\n")
    assert "| 生命线 | 燃气 | 0 | 1 | 1 | 1 | 3 |" in text
    assert "误报：2  已处置：1" in text
    assert "| 6 | GAS-1 | 燃气 | Xuhui | III级 | 未确认 | 2026-07-21 11:20:00 |  |" in text
    assert "报警未在派发时按级别确定的办结时限内关闭即为超时；未记录时限的派发，自首次派发起2小时内未关闭即为超时" in text
    assert "| 2026-07-21 08:30:00 | 王芳 | 关闭 | 2 | GAS-1 | 已处置；阀门已关闭 |" in text
    assert "本日志不记录数据源状态" in text


def test_csv_sections_read_back_as_tables(report):
    rows = list(csv.reader(io.StringIO(to_csv(report, Labels("en")))))
    assert rows[0] == ["Shift report"]

    def table(title):
        start = rows.index([title]) + 1
        while len(rows[start]) == 1:  # notes under the title
            start += 1
        end = rows.index([], start) if [] in rows[start:] else len(rows)
        return rows[start:end]

    assert table("Alarms raised")[0] == ["Family", "Category", "Level I", "Level II", "Level III", "Level IV", "Total"]
    assert table("Alarms raised")[1:] == [["Flood", "Rainfall", "0", "0", "1", "0", "1"],
                                          ["Flood", "Waterlogging", "1", "0", "0", "0", "1"],
                                          ["Lifeline", "Gas", "0", "1", "1", "1", "3"],
                                          ["Total", "", "1", "1", "2", "1", "5"]]
    assert [row[0] for row in table("Overdue dispatches")[1:]] == ["1", "4"]
    assert table("False-alarm share by category")[1:] == [["Gas", "2", "1", "50%"], ["Waterlogging", "1", "1", "100%"]]
    actions = table("Operator actions")[1:]
    assert [(row[0], row[1], row[2]) for row in actions][1:3] == [
        ("2026-07-21 08:05:00", ON_DUTY, "Acknowledge"), ("2026-07-21 08:06:00", ON_DUTY, "Dispatch")]
    assert actions[-1][5] == "巡检人员已出发"


def test_a_range_with_nothing_in_it_is_an_honest_report(journal):
    report = read_shift_report(journal, at(-24 * 60), at(-23 * 60), ZONE)
    assert report.empty and report.no_alarms
    text = to_markdown(report, Labels("en"))
    for sentence in ("No alarms in this range.", "No alarms were raised in this range.",
                     "No alarm was open at the end of the range.", "No dispatch was overdue.",
                     "No operator action in this range.", "does not record the status of sources"):
        assert sentence in text
    assert "|" not in text  # no empty tables
    assert "本时段内无报警。" in to_csv(report, Labels("zh_CN"))


def test_the_end_of_the_range_is_not_in_it(journal):
    # Alarm 4 raised at 09:00 belongs to a shift starting then, not to one ending then.
    before = read_shift_report(journal, at(0), at(60), ZONE)
    after = read_shift_report(journal, at(60), at(61), ZONE)
    assert 4 not in [item.alarm_id for item in before.open_at_end]
    assert [(c.category, c.total) for c in after.raised] == [("rainfall", 1)]
