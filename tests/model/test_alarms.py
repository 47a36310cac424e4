"""The alarm book: lifecycle, operator actions, counts, rate, changes for views, incidents."""

from __future__ import annotations

import pytest

from console.model.alarms import AlarmState
from console.model.journal import Journal
from console.model.pipeline import Pipeline
from tests.model.helpers import FLOOD_RULES, GAS_RULES, MINUTE, T0, batch, make_table, rules

OPERATOR = "Zhang Wei"


@pytest.fixture
def gas():
    table = make_table([("GAS-1", "gas_lel", 0, 0), ("GAS-2", "gas_lel", 100, 0), ("GAS-3", "gas_lel", 5000, 0)])
    return Pipeline(table, rules(GAS_RULES))


def read(pipeline, sensor, minute, value):
    return pipeline.process(batch([(sensor, T0 + minute * MINUTE, value)]))


# (step, expected (state, level, active) of the sensor's alarm after it, transition kinds it adds)
LIFECYCLE = [
    (("read", 12.0), ("unack", 3, True), ["raise"]),
    (("ack",), ("ack", 3, True), ["ack"]),
    (("read", 30.0), ("unack", 2, True), ["escalate"]),  # a worse level must be seen again
    (("ack",), ("ack", 2, True), ["ack"]),
    (("read", 12.0), ("ack", 3, True), ["deescalate"]),
    (("read", 0.0), ("normal", 0, False), ["return"]),  # acknowledged and back to normal, still open
    (("read", 7.0), ("unack", 4, True), ["reactivate"]),
    (("read", 0.0), ("rtn_unack", 0, False), ["return"]),
    (("ack",), ("normal", 0, False), ["ack"]),
    (("close",), ("normal", 0, False), ["close"]),
]


def test_alarm_lifecycle_step_by_step_with_its_journal_rows(tmp_path):
    table = make_table([("GAS-1", "gas_lel", 0, 0)])
    journal = Journal(tmp_path / "journal.sqlite", synchronous="NORMAL", commit_interval_s=0)
    pipeline = Pipeline(table, rules(GAS_RULES), journal=journal)
    book = pipeline.book
    seen = 0
    for index, (step, (state, level, active), kinds) in enumerate(LIFECYCLE):
        minute = 5 * index  # slow enough not to count as chattering
        at = T0 + minute * MINUTE
        if step[0] == "read":
            read(pipeline, "GAS-1", minute, step[1])
        elif step[0] == "ack":
            assert book.acknowledge([1], OPERATOR, at) == [1]
        else:
            book.close(1, "handled", "valve closed by the gas company", OPERATOR, at)
        alarm = book.alarm(1)
        assert (alarm.state.key, alarm.level, alarm.active) == (state, level, active), step
        journal.flush()
        rows = journal._reader.execute(
            'SELECT seq, kind, state_to, level_to, operator, t_ms FROM "transition" WHERE seq > ? ORDER BY seq', (seen,)
        ).fetchall()
        assert [r[1] for r in rows] == kinds, step
        assert all(r[2] == state and r[5] == at for r in rows), step
        # Level changes carry the new level; operator actions carry the operator's name.
        assert all(r[3] == level for r in rows if step[0] == "read")
        assert all(r[4] == (OPERATOR if step[0] != "read" else None) for r in rows)
        seen = rows[-1][0]
        stored = journal._reader.execute("SELECT state, level, active FROM alarm WHERE alarm_id = 1").fetchone()
        assert stored == (state, level, int(active)), step
    alarm = book.alarm(1)
    assert [(s.level_from, s.level_to) for s in alarm.history] == [(0, 3), (3, 2), (2, 3), (3, 0), (0, 4), (4, 0)]
    assert alarm.peak_level == 2
    assert (alarm.classification, alarm.close_note, alarm.closed_by) == ("handled", "valve closed by the gas company", OPERATOR)
    actions = journal._reader.execute("SELECT action, operator, detail FROM action ORDER BY seq").fetchall()
    assert [a[0] for a in actions] == ["acknowledge", "acknowledge", "acknowledge", "close"]
    assert actions[-1][2] == '{"classification": "handled", "note": "valve closed by the gas company"}'
    assert table.alarm_id[0] == -1 and table.alarm_state[0] == AlarmState.NORMAL
    # The next excursion is a new alarm.
    read(pipeline, "GAS-1", 60, 7.0)
    assert table.alarm_id[0] == 2 and book.alarm(2).state == AlarmState.UNACK
    pipeline.close()


@pytest.fixture
def recorded(gas):
    """The gas pipeline with the book's records collected as a journal would get them."""
    collected = []
    gas.book.records_emitted.connect(collected.append)
    gas.collected = collected
    return gas


def test_shelving_hides_an_alarm_until_it_expires(recorded):
    book = recorded.book
    read(recorded, "GAS-1", 0, 12.0)
    read(recorded, "GAS-2", 0, 6.0)
    with pytest.raises(ValueError, match="reason"):
        book.shelve([1], " ", T0 + 60 * MINUTE, OPERATOR, T0)
    with pytest.raises(ValueError, match="end after"):
        book.shelve([1], "sensor under repair", T0, OPERATOR, T0)
    assert book.shelve([1, 2], "sensor under repair", T0 + 30 * MINUTE, OPERATOR, T0 + MINUTE) == [1, 2]
    assert book.counts_by_level() == {1: 0, 2: 0, 3: 0, 4: 0}
    assert book.counts_by_level(include_shelved=True) == {1: 0, 2: 0, 3: 1, 4: 1}
    rate = book.alarm_rate(T0 + 2 * MINUTE)
    read(recorded, "GAS-1", 2, 30.0)  # escalates while shelved: recorded, not annunciated
    alarm = book.alarm(1)
    assert alarm.state == AlarmState.SHELVED and alarm.level == 2
    assert book.alarm_rate(T0 + 2 * MINUTE) == rate
    assert book.unshelve([2], OPERATOR, T0 + 3 * MINUTE) == [2]
    assert book.alarm(2).state == AlarmState.UNACK
    recorded.tick(T0 + 29 * MINUTE)
    assert alarm.state == AlarmState.SHELVED
    recorded.tick(T0 + 30 * MINUTE)
    assert alarm.state == AlarmState.UNACK
    actions = [a[3] for records in recorded.collected for a in records.actions]
    assert actions == ["shelve", "shelve", "unshelve"]
    shelve_detail = [a[6] for records in recorded.collected for a in records.actions][0]
    assert '"reason": "sensor under repair"' in shelve_detail and f'"until_ms": {T0 + 30 * MINUTE}' in shelve_detail


def test_out_of_service_sensors_raise_nothing_until_back(gas):
    book, table = gas.book, gas.table
    read(gas, "GAS-1", 0, 12.0)
    assert book.set_out_of_service(["GAS-1", "GAS-2"], True, "calibration", OPERATOR, T0 + MINUTE) == ["GAS-1", "GAS-2"]
    assert book.alarm(1).state == AlarmState.OUT_OF_SERVICE and table.out_of_service.tolist() == [True, True, False]
    read(gas, "GAS-2", 2, 30.0)
    assert table.level[1] == 2 and table.alarm_id[1] == -1  # level tracked, no alarm
    assert book.set_out_of_service(["GAS-2"], False, "calibrated", OPERATOR, T0 + 3 * MINUTE) == ["GAS-2"]
    raised = book.alarm(table.alarm_id[1])
    assert (raised.level, raised.state, raised.raised_ms, raised.threshold) == (2, AlarmState.UNACK, T0 + 3 * MINUTE, 25.0)
    book.set_out_of_service(["GAS-1"], False, "", OPERATOR, T0 + 4 * MINUTE)
    assert book.alarm(1).state == AlarmState.UNACK


def test_dispatch_note_and_close_rules(gas):
    book = gas.book
    read(gas, "GAS-1", 0, 12.0)
    book.dispatch(1, "City Gas emergency team", OPERATOR, T0 + MINUTE)
    book.note(1, "team on site", "Li Na", T0 + 2 * MINUTE)
    alarm = book.alarm(1)
    assert (alarm.dispatched_to, alarm.dispatched_by, alarm.dispatched_ms) == ("City Gas emergency team", OPERATOR, T0 + MINUTE)
    assert [(n.operator, n.text) for n in alarm.notes] == [("Li Na", "team on site")]
    with pytest.raises(ValueError, match="classification"):
        book.close(1, "fixed", "", OPERATOR, T0)
    with pytest.raises(ValueError, match="operator"):
        book.acknowledge([1], "  ", T0)
    book.close(1, "false_alarm", "sensor knocked", OPERATOR, T0 + 3 * MINUTE)
    with pytest.raises(ValueError, match="closed"):
        book.close(1, "handled", "", OPERATOR, T0 + 4 * MINUTE)
    with pytest.raises(ValueError, match="closed"):
        book.dispatch(1, "unit", OPERATOR, T0 + 4 * MINUTE)
    book.note(1, "reviewed next morning", OPERATOR, T0 + 600 * MINUTE)
    assert len(alarm.notes) == 2
    assert book.acknowledge([1], OPERATOR, T0) == []  # closed alarms are left alone
    assert book.open_alarms() == []


def test_counts_and_alarm_rate_over_ten_minutes(gas):
    book = gas.book
    read(gas, "GAS-1", 0, 12.0)
    read(gas, "GAS-2", 1, 60.0)
    read(gas, "GAS-3", 2, 6.0)
    read(gas, "GAS-3", 3, 12.0)  # escalation: annunciated again
    read(gas, "GAS-1", 4, 0.0)  # return: not an annunciation
    assert book.counts_by_level() == {1: 1, 2: 0, 3: 1, 4: 0}
    assert book.counts_by_state() == {"normal": 0, "unack": 2, "ack": 0, "rtn_unack": 1, "shelved": 0, "out_of_service": 0}
    assert book.alarm_rate(T0 + 4 * MINUTE) == 4
    assert book.alarm_rate(T0 + 10 * MINUTE + 1) == 3  # the first raise left the window
    assert book.alarm_rate() == 4  # the book's clock: the newest time it has seen
    assert [a.sensor_id for a in book.active_alarms()] == ["GAS-2", "GAS-3"]


def test_changes_since_returns_only_what_changed(gas):
    book = gas.book
    seen = book.version
    read(gas, "GAS-1", 0, 12.0)
    read(gas, "GAS-2", 0, 6.0)
    changes = book.changes_since(seen)
    assert [a.alarm_id for a in changes.alarms] == [1, 2]
    assert [i.incident_id for i in changes.incidents] == [1]
    seen = changes.version
    assert book.changes_since(seen).alarms == []
    book.acknowledge([2], OPERATOR, T0 + MINUTE)
    changes = book.changes_since(seen)
    assert [a.alarm_id for a in changes.alarms] == [2] and changes.incidents == []
    assert gas.table.alarm_state.tolist() == [AlarmState.UNACK, AlarmState.ACK, AlarmState.NORMAL]


def test_incidents_of_sensors_without_a_district_group_one_family_in_space_and_time():
    table = make_table(
        [
            ("WLG-A", "depth", 0, 0, ""),
            ("WLG-B", "depth", 300, 0, ""),
            ("WLG-C", "depth", 5000, 0, ""),
            ("RG-D", "rain_1h", 100, 0, ""),
            ("GAS-E", "gas_lel", 50, 0, ""),
            ("WLG-F", "depth", 750, 0, ""),  # 750 m from A, 450 m from B
            ("WLG-G", "depth", 200, 0, ""),
        ]
    )
    pipeline = Pipeline(table, rules(FLOOD_RULES))
    readings = [("WLG-A", 0, 20.0), ("WLG-B", 2, 30.0), ("WLG-C", 3, 20.0), ("RG-D", 4, 35.0), ("GAS-E", 4, 12.0)]
    readings += [("WLG-F", 5, 45.0), ("WLG-G", 30, 20.0)]  # G: 20 minutes after the last alarm near it
    for sensor, minute, value in readings:
        read(pipeline, sensor, minute, value)
    incident_of = {a.sensor_id: a.incident_id for a in pipeline.book.alarms.values()}
    assert incident_of == {"WLG-A": 1, "WLG-B": 1, "WLG-C": 2, "RG-D": 1, "GAS-E": 3, "WLG-F": 1, "WLG-G": 4}
    first = pipeline.book.incidents[1]
    assert (first.family, first.first_alarm_id, first.first_sensor_id, first.first_ms) == ("flood", 1, "WLG-A", T0)
    assert first.alarm_ids == [1, 2, 4, 6] and first.peak_level == 2 and first.last_ms == T0 + 5 * MINUTE
    assert [a.sensor_id for a in pipeline.book.alarms_of_incident(1)] == ["WLG-A", "WLG-B", "RG-D", "WLG-F"]


def test_incident_distance_and_window_are_settings():
    table = make_table([("WLG-A", "depth", 0, 0, ""), ("WLG-B", "depth", 900, 0, ""), ("WLG-C", "depth", 1800, 0, "")])
    pipeline = Pipeline(table, rules(FLOOD_RULES), incident_distance_m=1000, incident_window_s=120)
    read(pipeline, "WLG-A", 0, 20.0)
    read(pipeline, "WLG-B", 2, 20.0)  # 900 m, 2 minutes: joins
    read(pipeline, "WLG-C", 5, 20.0)  # 900 m from B but 3 minutes later: a new incident
    assert [a.incident_id for a in pipeline.book.alarms.values()] == [1, 1, 2]


def test_sorted_times_count_a_window_keep_late_ones_in_order_and_forget_old_ones():
    from console.model.alarms import SortedTimes

    times = SortedTimes([5_000, 1_000])
    for t in (6_000, 7_000, 2_000):  # 2_000 arrives late
        times.add(t)
    assert list(times) == [1_000, 2_000, 5_000, 6_000, 7_000]
    assert times.count(1_000, 6_000) == 3  # 2_000, 5_000, 6_000: after the start, up to the end
    times.forget_before(5_000)
    assert list(times) == [5_000, 6_000, 7_000] and times.count(0, 10_000) == 3
    many = SortedTimes()
    for t in range(20_000):
        many.add(t)
        many.forget_before(t - 3_600)
    assert len(many) == 3_601 and many.count(19_000, 19_999) == 999


def test_a_shift_handover_is_an_operator_action_in_the_journal(tmp_path):
    table = make_table([("GAS-1", "gas_lel", 0, 0)])
    journal = Journal(tmp_path / "journal.sqlite", synchronous="NORMAL", commit_interval_s=0)
    pipeline = Pipeline(table, rules(GAS_RULES), journal=journal)
    pipeline.book.record_action("shift_start", "李强", T0, previous="王敏")
    with pytest.raises(ValueError):
        pipeline.book.record_action("shift_start", " ", T0)
    journal.flush()
    rows = journal._reader.execute("SELECT action, operator, alarm_id, sensor_id, detail, t_ms FROM action").fetchall()
    assert rows == [("shift_start", "李强", None, None, '{"previous": "王敏"}', T0)]
    pipeline.close()


def test_an_action_on_several_alarms_applies_to_all_or_to_none(gas):
    read(gas, "GAS-1", 0, 12.0)
    read(gas, "GAS-2", 0, 12.0)
    read(gas, "GAS-3", 0, 12.0)
    first, second, third = sorted(gas.book.alarms)
    book = gas.book
    book.close(third, "handled", "", OPERATOR, T0 + MINUTE)
    before = gas.table.version
    # The third alarm is closed already: nothing of the list is closed, dispatched or noted.
    with pytest.raises(ValueError, match=f"alarm {third} is closed"):
        book.close([first, second, third], "false_alarm", "spike", OPERATOR, T0 + 2 * MINUTE)
    with pytest.raises(ValueError, match=f"alarm {third} is closed"):
        book.dispatch([first, second, third], "gas company", OPERATOR, T0 + 2 * MINUTE)
    with pytest.raises(ValueError, match="no alarm 999"):
        book.note([first, 999], "checked on site", OPERATOR, T0 + 2 * MINUTE)
    assert [book.alarms[i].closed_ms for i in (first, second)] == [None, None]
    assert [book.alarms[i].dispatched_to for i in (first, second)] == [None, None]
    assert [len(book.alarms[i].notes) for i in (first, second)] == [0, 0]
    assert gas.table.version == before
    # All valid: each alarm gets it once, even when named twice.
    emitted = []
    book.records_emitted.connect(emitted.append)
    book.dispatch([first, second, first], "gas company", OPERATOR, T0 + 3 * MINUTE)
    book.close([first, second], "false_alarm", "spike", OPERATOR, T0 + 4 * MINUTE)
    assert [book.alarms[i].classification for i in (first, second)] == ["false_alarm", "false_alarm"]
    actions = [(a.action, a.alarm_id) for records in emitted for a in records.actions]
    assert actions == [("dispatch", first), ("dispatch", second), ("close", first), ("close", second)]
