"""The book's records_emitted signal and the journal's use of the book's public names only."""

from __future__ import annotations

import ast
import threading
from pathlib import Path

import pytest

import console.model.alarms as alarms_package
from console.model.alarms import ActionRecord, BookRecords, TransitionKind, TransitionRecord
from console.model.pipeline import Pipeline
from tests.model.helpers import GAS_RULES, MINUTE, T0, batch, make_table, rules

JOURNAL = Path(__file__).resolve().parents[2] / "console" / "model" / "journal"


@pytest.fixture
def gas():
    return Pipeline(make_table([("GAS-1", "gas_lel", 0, 0)]), rules(GAS_RULES))


def test_each_operation_emits_its_typed_records_at_once_on_the_calling_thread(gas):
    emitted = []
    gas.book.records_emitted.connect(lambda records: emitted.append((records, threading.get_ident())))
    gas.process(batch([("GAS-1", T0, 12.0)]))  # the pipeline holds records for its own journal entry
    assert emitted == []
    alarm_id = gas.book.open_alarms()[0].alarm_id
    gas.book.acknowledge([alarm_id], "Zhang Wei", T0 + MINUTE)
    [(records, thread)] = emitted
    assert thread == threading.get_ident() and isinstance(records, BookRecords)
    [transition] = records.transitions
    assert isinstance(transition, TransitionRecord)
    assert (transition.kind, transition.state_from, transition.state_to, transition.operator) == (
        TransitionKind.ACK, "unack", "ack", "Zhang Wei")
    [action] = records.actions
    assert isinstance(action, ActionRecord) and (action.action, action.alarm_id) == ("acknowledge", alarm_id)
    assert [row[0] for row in records.alarms] == [alarm_id]


def test_a_listeners_error_reaches_the_operator_action_unwrapped(gas):
    gas.process(batch([("GAS-1", T0, 12.0)]))

    def failing(records):
        raise OSError("disk full")

    gas.book.records_emitted.connect(failing)
    with pytest.raises(OSError, match="disk full"):
        gas.book.note(gas.book.open_alarms()[0].alarm_id, "checked on site", "Zhang Wei", T0 + MINUTE)


def test_the_journal_imports_only_public_names_of_the_alarms_package():
    public = set(alarms_package.__all__)
    for path in sorted(JOURNAL.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("console.model.alarms"):
                assert node.module == "console.model.alarms", f"{path.name} imports {node.module}"
                names = {alias.name for alias in node.names}
                assert names <= public and not any(n.startswith("_") for n in names), path.name
