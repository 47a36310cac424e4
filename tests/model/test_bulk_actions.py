"""Actions on several alarms apply to all or to none: every id is checked before the first alarm changes."""

from __future__ import annotations

import pytest

from console.model.alarms import AlarmState
from console.model.pipeline import Pipeline
from tests.model.helpers import GAS_RULES, MINUTE, T0, batch, make_table, rules

OPERATOR = "Zhang Wei"


@pytest.fixture
def gas():
    table = make_table([("GAS-1", "gas_lel", 0, 0), ("GAS-2", "gas_lel", 100, 0), ("GAS-3", "gas_lel", 5000, 0)])
    pipeline = Pipeline(table, rules(GAS_RULES))
    pipeline.process(batch([(s, T0, 12.0) for s in ("GAS-1", "GAS-2", "GAS-3")]))
    yield pipeline
    pipeline.close()


def snapshot(pipeline):
    book = pipeline.book
    return ([(a.state, a.acked_by, a.shelved_reason) for a in book.alarms.values()],
            pipeline.table.out_of_service.tolist(), pipeline.table.version, book.version)


@pytest.mark.parametrize("act", [
    lambda book, ids: book.acknowledge(ids, OPERATOR, T0 + MINUTE),
    lambda book, ids: book.shelve(ids, "maintenance", T0 + 60 * MINUTE, OPERATOR, T0 + MINUTE),
    lambda book, ids: book.unshelve(ids, OPERATOR, T0 + MINUTE),
    lambda book, ids: book.note(ids, "looked at it", OPERATOR, T0 + MINUTE),
    lambda book, ids: book.dispatch(ids, "gas company", OPERATOR, T0 + MINUTE),
    lambda book, ids: book.close(ids, "handled", "", OPERATOR, T0 + MINUTE),
], ids=["acknowledge", "shelve", "unshelve", "note", "dispatch", "close"])
def test_an_unknown_alarm_anywhere_in_the_list_changes_none_of_them(gas, act):
    book = gas.book
    emitted = []
    book.records_emitted.connect(emitted.append)
    before = snapshot(gas)
    with pytest.raises(ValueError, match="no alarm 999"):
        act(book, [1, 2, 999, 3])
    assert snapshot(gas) == before and emitted == []


def test_taking_sensors_out_of_service_checks_every_sensor_first(gas):
    book = gas.book
    before = snapshot(gas)
    with pytest.raises(ValueError, match="no sensor NOPE-1"):
        book.set_out_of_service(["GAS-1", "GAS-2", "NOPE-1"], True, "maintenance", OPERATOR, T0 + MINUTE)
    assert snapshot(gas) == before
    assert book.set_out_of_service(["GAS-1", "GAS-2"], True, "maintenance", OPERATOR, T0 + MINUTE) == ["GAS-1", "GAS-2"]
    assert [a.state for a in book.alarms.values()] == [AlarmState.OUT_OF_SERVICE] * 2 + [AlarmState.UNACK]


def test_all_valid_every_alarm_gets_the_action_once_in_one_record_batch(gas):
    book = gas.book
    emitted = []
    book.records_emitted.connect(emitted.append)
    assert book.acknowledge([3, 1, 2, 1], OPERATOR, T0 + MINUTE) == [3, 1, 2]
    assert len(emitted) == 1 and [a[4] for a in emitted[0].actions] == [3, 1, 2]
    assert all(a.state == AlarmState.ACK and a.acked_by == OPERATOR for a in book.alarms.values())
