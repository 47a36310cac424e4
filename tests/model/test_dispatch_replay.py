"""A drill's dispatch loop across seeks: the unit's steps are made again, escalations by the feed clock."""

from __future__ import annotations

from console.model.alarms import ESCALATION_ACTION, DeadlineTable
from tests.feeds.replay_helpers import assert_same_table, book_state, table_state
from tests.feeds.test_replay import ACTIONS_FROM, MINUTE, new_replay
from tests.feeds.test_replay import city as _city  # noqa: F401 (the module's fixture)

city = _city
# Short deadlines, the same for every level: 5 min to acknowledge, 15 to be on site, 60 to handle.
QUICK = DeadlineTable.from_dict({"level": {level: {"unit_ack_min": 5, "on_site_min": 15, "handled_min": 60}
                                           for level in ("I", "II", "III", "IV")}})


def test_a_seek_back_keeps_the_units_steps_and_escalates_again_by_the_feed_clock(city):
    replay = new_replay(city)
    replay.book.deadlines = QUICK
    base = replay.start_ms + ACTIONS_FROM + 80 * MINUTE + 1234
    moments = [base + k * 10 * MINUTE for k in range(9)]
    states = {}
    for step, moment in enumerate(moments):
        replay.advance_to(moment)
        book, now = replay.book, replay.now_ms
        if step == 0:
            alarm = book.open_alarms()[0]
            book.dispatch(alarm.alarm_id, "drill gas crew", "drill op", now, note="check the valve pit")
            target = alarm.alarm_id
        elif step == 2:
            book.on_site(target, "drill op", now)  # records the unit's acknowledgement with it
        elif step == 3:
            book.feedback(target, "valve pit flooded, pumping", "drill lead", now)
        states[moment] = (table_state(replay.table), book_state(replay.book), len(replay.actions))
    # Escalations are the clock's: in the book and the journal, never in the drill's list of operator actions.
    assert replay.book.alarms[target].escalated == "unit_ack,on_site,handled"
    assert not [a for a in replay.actions if a.action == ESCALATION_ACTION]
    for moment in (moments[5], moments[3], moments[2], moments[1]):
        replay.seek(moment)
        table, book, count = states[moment]
        assert_same_table(table_state(replay.table), table)
        assert book_state(replay.book) == book
        assert len(replay.actions) == count
        alarm = replay.book.alarms[target]
        assert (alarm.dispatched_to, alarm.dispatch_note) == ("drill gas crew", "check the valve pit")
        if moment == moments[5]:
            assert alarm.on_site_ms == alarm.unit_acked_ms == moments[2]
            assert [n.kind for n in alarm.notes] == ["feedback"]
            assert alarm.escalated == "unit_ack,on_site"  # made again by the feed clock, once each
    assert (alarm.on_site_ms, alarm.escalated) == (None, "unit_ack")  # back before the arrival
