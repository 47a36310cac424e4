"""The dispatch loop: deadlines per level, the unit's steps, escalation on a controlled clock, the journal."""

from __future__ import annotations

import json
import sqlite3

import pytest

from console.errors import InputError
from console.model.alarms import (
    AlarmBook,
    AlarmCommand,
    CommandRefused,
    DeadlineTable,
    apply_command,
    next_deadline,
    overdue_steps,
)
from console.model.journal import SCHEMA_VERSION, Journal, JournalError
from console.model.journal.restore import restore_book
from console.model.journal.schema import connect_reader
from console.model.pipeline import Pipeline
from tests.model.helpers import GAS_RULES, MINUTE, T0, batch, make_table, rules

OPERATOR = "Li Na"
SENSORS = [("GAS-1", "gas_lel", 0, 0), ("GAS-2", "gas_lel", 5000, 0), ("GAS-3", "gas_lel", 9000, 0)]
DEADLINES = DeadlineTable.default()  # level I: 5 / 30 / 120 min; level IV: 30 / 120 / 1440 min


def open_pipeline(path):
    journal = Journal(path, synchronous="NORMAL", commit_interval_s=0)
    pipeline = Pipeline(make_table(SENSORS), rules(GAS_RULES), journal=journal)
    pipeline.book.deadlines = DEADLINES
    return pipeline


def raise_alarms(pipeline):
    """GAS-1 at level I (60 %LEL), GAS-2 at level IV (6 %LEL), GAS-3 at level I; at T0 and T0 + 1 min."""
    for minute in (0, 1):
        pipeline.process(batch([("GAS-1", T0 + minute * MINUTE, 60.0), ("GAS-2", T0 + minute * MINUTE, 6.0),
                                ("GAS-3", T0 + minute * MINUTE, 60.0)]), "feed", now_ms=T0 + minute * MINUTE)
    return {a.sensor_id: a for a in pipeline.book.alarms.values()}


def actions(path):
    with sqlite3.connect(path) as db:
        return [(t, operator, action, alarm_id, json.loads(detail))
                for t, operator, action, alarm_id, detail in db.execute(
                    "SELECT t_ms, operator, action, alarm_id, detail FROM action ORDER BY seq")]


def test_a_dispatch_gets_the_deadlines_of_its_level_and_escalates_once_when_overdue(tmp_path):
    pipeline = open_pipeline(tmp_path / "j.sqlite")
    book = pipeline.book
    alarm = raise_alarms(pipeline)["GAS-1"]
    assert alarm.peak_level == 1
    at = T0 + 2 * MINUTE
    book.dispatch(alarm.alarm_id, "City Gas Co.", OPERATOR, at, note="leak near school")
    assert (alarm.due_unit_ack_ms, alarm.due_on_site_ms, alarm.due_handled_ms) == (
        at + 5 * MINUTE, at + 30 * MINUTE, at + 120 * MINUTE)
    assert next_deadline(alarm) == ("unit_ack", at + 5 * MINUTE)
    pipeline.tick(at + 5 * MINUTE - 1)
    assert alarm.escalated == "" and overdue_steps(alarm, at + 5 * MINUTE - 1) == []
    pipeline.tick(at + 5 * MINUTE + 40_000)  # the tick comes late: the escalation is dated at the deadline
    assert alarm.escalated == "unit_ack"
    assert book.overdue_alarms(at + 6 * MINUTE) == [alarm]
    pipeline.tick(at + 7 * MINUTE)  # once only
    pipeline.journal.flush()
    escalations = [a for a in actions(tmp_path / "j.sqlite") if a[2] == "escalate_overdue"]
    assert escalations == [(at + 5 * MINUTE, "system", "escalate_overdue", alarm.alarm_id,
                            {"step": "unit_ack", "due_ms": at + 5 * MINUTE, "unit": "City Gas Co.",
                             "supervisor": "值班长"})]
    # Still not acknowledged: the next step escalates at its own deadline; an alarm escalated on every
    # step is watched no more, but is still overdue.
    assert book.check_deadlines(at + 30 * MINUTE) == [(alarm.alarm_id, "on_site")]
    assert book.check_deadlines(at + 200 * MINUTE) == [(alarm.alarm_id, "handled")]
    assert alarm.alarm_id not in book._dispatched and book.overdue_alarms(at + 201 * MINUTE) == [alarm]
    pipeline.close()


def test_a_level_iv_dispatch_is_looser_and_a_fault_item_gets_level_iv_deadlines(tmp_path):
    pipeline = open_pipeline(tmp_path / "j.sqlite")
    alarm = raise_alarms(pipeline)["GAS-2"]
    assert alarm.peak_level == 4
    pipeline.book.dispatch(alarm.alarm_id, "Gas depot", OPERATOR, T0)
    assert next_deadline(alarm) == ("unit_ack", T0 + 30 * MINUTE)
    assert DEADLINES.due_ms(0, T0) == DEADLINES.due_ms(4, T0)
    pipeline.close()


def test_every_step_of_the_loop_is_a_journal_row_with_time_operator_and_note(tmp_path):
    path = tmp_path / "j.sqlite"
    pipeline = open_pipeline(path)
    book = pipeline.book
    alarm = raise_alarms(pipeline)["GAS-1"]
    i, at = alarm.alarm_id, T0 + 2 * MINUTE
    book.dispatch(i, "City Gas Co.", OPERATOR, at, note="leak near school")
    book.unit_acknowledged(i, OPERATOR, at + 3 * MINUTE, note="crew 4 on the way")
    assert next_deadline(alarm) == ("on_site", at + 30 * MINUTE)
    pipeline.tick(at + 31 * MINUTE)  # not there yet: escalated
    book.on_site(i, "Zhao Lei", at + 40 * MINUTE)  # late
    book.feedback(i, "valve V-12 closed, reading falls", "Zhao Lei", at + 50 * MINUTE)
    assert next_deadline(alarm) == ("handled", at + 120 * MINUTE)
    book.close(i, "handled", "main repaired", "Zhao Lei", at + 60 * MINUTE)
    assert next_deadline(alarm) is None
    pipeline.tick(at + 200 * MINUTE)  # a closed alarm never escalates
    pipeline.close()
    rows = [(t - at, operator, action, detail) for t, operator, action, alarm_id, detail in actions(path)
            if alarm_id == i]
    assert [r[2] for r in rows] == ["dispatch", "unit_acknowledged", "escalate_overdue", "on_site", "feedback",
                                    "close"]
    dispatch, unit_ack, escalation, on_site, feedback, close = rows
    assert dispatch == (0, OPERATOR, "dispatch", {
        "unit": "City Gas Co.", "note": "leak near school", "due_unit_ack_ms": at + 5 * MINUTE,
        "due_on_site_ms": at + 30 * MINUTE, "due_handled_ms": at + 120 * MINUTE})
    assert unit_ack == (3 * MINUTE, OPERATOR, "unit_acknowledged", {
        "unit": "City Gas Co.", "due_ms": at + 5 * MINUTE, "late": False, "note": "crew 4 on the way"})
    assert escalation[:3] == (30 * MINUTE, "system", "escalate_overdue") and escalation[3]["step"] == "on_site"
    assert on_site == (40 * MINUTE, "Zhao Lei", "on_site", {
        "unit": "City Gas Co.", "due_ms": at + 30 * MINUTE, "late": True, "note": ""})
    assert feedback == (50 * MINUTE, "Zhao Lei", "feedback", {
        "text": "valve V-12 closed, reading falls", "unit": "City Gas Co."})
    assert close[2:] == ("close", {"classification": "handled", "note": "main repaired"})


def test_on_site_without_the_units_acknowledgement_records_both(tmp_path):
    pipeline = open_pipeline(tmp_path / "j.sqlite")
    alarm = raise_alarms(pipeline)["GAS-1"]
    pipeline.book.dispatch(alarm.alarm_id, "City Gas Co.", OPERATOR, T0 + 2 * MINUTE)
    pipeline.book.on_site(alarm.alarm_id, OPERATOR, T0 + 4 * MINUTE)
    assert alarm.unit_acked_ms == alarm.on_site_ms == T0 + 4 * MINUTE
    pipeline.close()
    steps = [(a[2], a[4].get("implied_by")) for a in actions(tmp_path / "j.sqlite") if a[3] == alarm.alarm_id]
    assert steps[-2:] == [("unit_acknowledged", "on_site"), ("on_site", None)]


def test_a_restart_keeps_the_countdown_and_the_escalations_made(tmp_path):
    path = tmp_path / "j.sqlite"
    pipeline = open_pipeline(path)
    alarm = raise_alarms(pipeline)["GAS-1"]
    at = T0 + 2 * MINUTE
    pipeline.book.dispatch(alarm.alarm_id, "City Gas Co.", OPERATOR, at)
    pipeline.tick(at + 6 * MINUTE)  # unit_ack escalated
    pipeline.book.unit_acknowledged(alarm.alarm_id, OPERATOR, at + 7 * MINUTE)
    pipeline.close()

    restarted = open_pipeline(path)
    again = restarted.book.alarms[alarm.alarm_id]
    assert (again.dispatched_to, again.due_unit_ack_ms, again.due_on_site_ms, again.due_handled_ms) == (
        "City Gas Co.", at + 5 * MINUTE, at + 30 * MINUTE, at + 120 * MINUTE)
    assert next_deadline(again) == ("on_site", at + 30 * MINUTE)
    assert again.escalated == "unit_ack" and again.unit_acked_by == OPERATOR
    assert restarted.book.check_deadlines(at + 29 * MINUTE) == []  # nothing again, nothing early
    assert restarted.book.check_deadlines(at + 31 * MINUTE) == [(alarm.alarm_id, "on_site")]
    restarted.close()


def test_a_checkpoint_keeps_the_dispatch_and_its_watch(tmp_path):
    table = make_table(SENSORS)
    pipeline = Pipeline(table, rules(GAS_RULES))
    pipeline.book.deadlines = DEADLINES
    alarm = raise_alarms(pipeline)["GAS-1"]
    pipeline.book.dispatch(alarm.alarm_id, "City Gas Co.", OPERATOR, T0 + 2 * MINUTE)
    saved = pipeline.book.save_state()
    book = AlarmBook(table, deadlines=DEADLINES)
    book.load_state(saved)
    assert book.alarms[alarm.alarm_id].due_on_site_ms == T0 + 32 * MINUTE
    assert book.check_deadlines(T0 + 8 * MINUTE) == [(alarm.alarm_id, "unit_ack")]


@pytest.mark.parametrize(("action", "fields", "reason"), [
    ("on-site", {}, "alarm 1 has not been dispatched: dispatch it to a unit first"),
    ("unit-acknowledged", {}, "alarm 1 has not been dispatched: dispatch it to a unit first"),
    ("feedback", {"note": "x"}, "alarm 1 has not been dispatched: dispatch it to a unit first"),
    ("close", {}, "closing needs a classification (--classification): one of handled, false_alarm, test, duplicate"),
    ("close", {"classification": "fixed"}, "one of handled, false_alarm, test, duplicate, not 'fixed'"),
    ("note", {}, "note needs text (--note)"),
    ("shelve", {"note": "leaves"}, "shelving needs an end after now (--until)"),
    ("unshelve", {}, "alarm 1 is unack: unshelve is not allowed from that state"),
    ("escalate", {}, "unknown action 'escalate'"),
])
def test_commands_the_book_refuses_say_why_and_change_nothing(tmp_path, action, fields, reason):
    pipeline = open_pipeline(tmp_path / "j.sqlite")
    raise_alarms(pipeline)
    pipeline.journal.flush()
    before = len(actions(tmp_path / "j.sqlite"))
    with pytest.raises(CommandRefused) as refused:
        apply_command(pipeline.book, AlarmCommand(action, 1, OPERATOR, T0 + 2 * MINUTE, **fields))
    assert reason in str(refused.value)
    pipeline.journal.flush()
    assert len(actions(tmp_path / "j.sqlite")) == before
    pipeline.close()


def test_commands_refuse_repeated_steps_and_actions_on_closed_alarms(tmp_path):
    pipeline = open_pipeline(tmp_path / "j.sqlite")
    raise_alarms(pipeline)
    book = pipeline.book

    def act(action, **fields):
        return apply_command(book, AlarmCommand(action, 1, OPERATOR, T0 + 3 * MINUTE, **fields))

    act("acknowledge")
    with pytest.raises(CommandRefused, match=r"alarm 1 is ack: acknowledge is not allowed .* \(already acknowledged\)"):
        act("acknowledge")
    shown = act("dispatch")  # the sensor's owner by default
    assert shown["dispatched_to"] == "gas company" and shown["next_step"] == "unit_ack"
    act("unit-acknowledged")
    with pytest.raises(CommandRefused, match="the unit's acknowledgement is already recorded"):
        act("unit-acknowledged")
    act("close", classification="false_alarm", note="calibration gas")
    with pytest.raises(CommandRefused, match=r"alarm 1 is closed \(false_alarm\)"):
        act("on-site")
    with pytest.raises(CommandRefused, match="no alarm 99"):
        apply_command(book, AlarmCommand("acknowledge", 99, OPERATOR, T0))
    with pytest.raises(ValueError, match="alarm 2 has not been dispatched"):
        book.on_site([2], OPERATOR, T0)
    pipeline.close()


def test_a_deadlines_file_overrides_levels_and_bad_ones_name_file_and_key(tmp_path):
    good = tmp_path / "deadlines.toml"
    good.write_text('supervisor = "Chief Wu"\n[level.I]\nunit_ack_min = 3\non_site_min = 20\n', encoding="utf-8")
    table = DeadlineTable.load(good)
    assert table.supervisor == "Chief Wu"
    assert table.due_ms(1, 0) == {"unit_ack": 3 * MINUTE, "on_site": 20 * MINUTE, "handled": 120 * MINUTE}
    assert table.due_ms(3, 0) == DeadlineTable.default().due_ms(3, 0)
    shipped = DeadlineTable.configured()
    assert shipped.minutes == DeadlineTable.default().minutes and shipped.source.endswith("deadlines.toml")
    for text, message in [
        ("[level.V]\nunit_ack_min = 3\n", "deadlines.toml: level.V: unknown level"),
        ("[level.I]\nack_min = 3\n", "deadlines.toml: level.I.ack_min: unknown key"),
        ("[level.I]\nunit_ack_min = -3\n", "level.I.unit_ack_min: must be a positive number of minutes"),
        ("[level.II]\nunit_ack_min = 90\n", "level.II: the unit must be able to acknowledge before it is on site"),
        ("colour = 1\n", "deadlines.toml: colour: unknown key"),
        ("[level.I\n", "deadlines.toml: not a TOML file"),
    ]:
        bad = tmp_path / "deadlines.toml"
        bad.write_text(text, encoding="utf-8")
        with pytest.raises(InputError, match=message.replace(".", r"\.").replace("(", r"\(")):
            DeadlineTable.load(bad)


def test_a_deadlines_file_named_in_the_environment_is_the_configured_one(tmp_path, monkeypatch):
    own = tmp_path / "city.toml"
    own.write_text("[level.IV]\nunit_ack_min = 60\non_site_min = 180\nhandled_min = 2880\n", encoding="utf-8")
    monkeypatch.setenv("CONSOLE_DEADLINES", str(own))
    assert DeadlineTable.configured().due_ms(4, 0)["unit_ack"] == 60 * MINUTE


def test_a_schema_3_journal_still_opens_read_only_and_is_upgraded_by_its_writer(tmp_path):
    from tests.model.test_journal import drop_version_4_columns

    path = tmp_path / "v3.sqlite"
    pipeline = open_pipeline(path)
    raise_alarms(pipeline)
    pipeline.book.dispatch(1, "City Gas Co.", OPERATOR, T0 + 2 * MINUTE)
    pipeline.close()
    with sqlite3.connect(path) as db:
        drop_version_4_columns(db)
        db.execute("PRAGMA user_version=3")
    reader = connect_reader(path)  # a report or `console alarms` leaves the file as it is
    old = restore_book(reader, make_table(SENSORS)).alarms[1]
    assert old.dispatched_to == "City Gas Co." and old.due_unit_ack_ms is None and next_deadline(old) is None
    reader.close()
    restarted = open_pipeline(path)
    assert restarted.journal._reader.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 5
    assert restarted.book.check_deadlines(T0 + 999 * MINUTE) == []  # an old dispatch has no deadline
    restarted.book.dispatch(1, "City Gas Co.", OPERATOR, T0 + 3 * MINUTE)
    restarted.close()
    assert open_pipeline(path).book.alarms[1].due_unit_ack_ms == T0 + 8 * MINUTE


def test_an_exclusive_writer_is_refused_while_the_journal_is_open(tmp_path):
    path = tmp_path / "j.sqlite"
    running = Journal(path)
    with pytest.raises(JournalError, match=r"j\.sqlite: is open in a running console or service .*act in that"):
        Journal(path, exclusive=True)
    running.close()
    with Journal(path, exclusive=True):  # free once the console has closed it
        pass
