"""One writer per piece of sensor state: static columns are read-only, restoring has one path."""

from __future__ import annotations

import numpy as np
import pytest

from console.model.sensors import STATIC_COLUMNS
from tests.model.helpers import make_table


def test_static_attributes_cannot_be_written_in_a_table_or_its_copies():
    table = make_table([("GAS-1", "gas_lel", 0, 0), ("WL-1", "river_level", 10, 0)])
    for candidate in (table, table.fresh_copy()):
        for name in STATIC_COLUMNS:
            column = getattr(candidate, name)
            with pytest.raises(ValueError, match="read-only"):
                column[0] = column[1]


def test_restore_rows_puts_back_live_state_and_refuses_the_books_alarm_index():
    table = make_table([("GAS-1", "gas_lel"), ("GAS-2", "gas_lel")])
    version = table.version
    rows = np.array([1])
    table.restore_rows(rows, {"value": np.array([7.5]), "level": np.array([2], np.uint8)}, [[1_000, 2_000]])
    assert table.value[1] == 7.5 and table.level[1] == 2 and np.isnan(table.value[0])
    assert table.chatter_times == {1: [1_000, 2_000]}
    assert table.changed_since(version, style_only=True).tolist() == [1]
    for name in ("alarm_id", "alarm_state", "ids"):
        with pytest.raises(ValueError, match="not a restorable"):
            table.restore_rows(rows, {name: np.array([3])}, [[]])
