"""A journal with a known shift, made by the real pipeline and alarm book (no rows written by hand).

The shift is 2026-07-21 08:00 to 20:00 in Shanghai (T0 to T0 + 12 h). One alarm was
raised and dispatched before it, one is raised after it, and one dispatched in the
shift is closed only after it; the figures the tests expect are worked out below.
"""

from __future__ import annotations

import shutil
import sqlite3

from console.model.alarms import DeadlineTable
from console.model.journal import Journal
from console.model.pipeline import Pipeline
from tests.model.helpers import FLOOD_RULES, MINUTE, T0, batch, make_table, rules

SHIFT_START_MS = T0
SHIFT_END_MS = T0 + 12 * 60 * MINUTE
ON_DUTY = "王芳"
SECOND = "Li Lei"
NIGHT = "Zhao Lei"
SENSORS = [
    ("GAS-1", "gas_lel", 0, 0, "Xuhui"),
    ("GAS-2", "gas_lel", 3000, 0, "Xuhui"),
    ("WLG-1", "depth", 9000, 0, "Huangpu"),
    ("WLG-2", "depth", 20000, 0, "Jingan"),
    ("RG-1", "rain_1h", 30000, 0, "Minhang"),
]  # fmt: skip


def at(minute: float) -> int:
    return T0 + round(minute * MINUTE)


def make_shift_journal(path) -> None:
    """Levels (FLOOD_RULES): depth IV 15 / III 27 / II 40 / I 50; gas IV 5 / III 10 / II 25 / I 50; rain III 30.

    alarm 1  WLG-2  II  raised 07:00 (before the shift), dispatched 07:10 to Drainage Office, never closed
    alarm 2  GAS-1  II  08:00, acknowledged 08:05, dispatched 08:06 to 燃气公司, returned 08:29, closed handled 08:30
    alarm 3  WLG-1  IV -> I  08:10, escalated 08:20, returned 08:25, closed false_alarm 08:40
    alarm 4  RG-1   III 09:00, dispatched 09:01 to Hydrology Bureau, closed 21:00 (after the shift)
    alarm 5  GAS-2  IV  09:40, returns and comes back twice (3 annunciations, 3 minutes apart), closed false_alarm 09:50
    alarm 6  GAS-1  III 11:20, a note at 13:00, left open and unacknowledged
    alarm 7  WLG-1  IV  20:10 (after the shift)

    Dispatches get the default deadlines (docs/alarms.md): handled within 4 h at level II, 8 h at level III,
    so alarm 1 is overdue from 11:10 and alarm 4 from 17:01; alarm 2 was closed in time.
    """
    table = make_table(SENSORS)
    pipeline = Pipeline(table, rules(FLOOD_RULES), journal=Journal(path, synchronous="NORMAL", commit_interval_s=0))
    book = pipeline.book
    book.deadlines = DeadlineTable.default()

    def readings(*items):
        pipeline.process(batch([(sensor, at(minute), value) for sensor, minute, value in items]), "shift.jsonl")

    readings(("WLG-2", -60, 45.0))
    book.dispatch([1], "Drainage Office", NIGHT, at(-50))
    book.record_action("shift_start", ON_DUTY, at(0), previous=NIGHT)
    readings(("GAS-1", 0, 30.0))
    book.acknowledge([2], ON_DUTY, at(5))
    book.dispatch([2], "燃气公司", ON_DUTY, at(6))
    readings(("WLG-1", 10, 20.0))
    readings(("WLG-1", 20, 55.0))
    readings(("WLG-1", 25, 5.0))
    readings(("GAS-1", 29, 1.0))
    book.close([2], "handled", "阀门已关闭", ON_DUTY, at(30))
    book.close([3], "false_alarm", "gauge | flooded by a burst pipe test", SECOND, at(40))
    readings(("RG-1", 60, 35.0))
    book.dispatch([4], "Hydrology Bureau", SECOND, at(61))
    # Three minutes apart: four level changes in ten minutes stay below chatter (six), so no sensor fault.
    readings(("GAS-2", 100, 6.0))
    readings(("GAS-2", 103, 1.0))
    readings(("GAS-2", 106, 7.0))
    readings(("GAS-2", 109, 1.0))
    readings(("GAS-2", 112, 8.0))
    readings(("GAS-2", 115, 1.0))
    book.close([5], "false_alarm", "", SECOND, at(110))
    readings(("GAS-1", 200, 12.0))
    book.note([6], "巡检人员已出发", ON_DUTY, at(300))
    readings(("WLG-1", 730, 20.0))
    book.close([4], "handled", "", NIGHT, at(780))
    pipeline.close()


def without_deadlines(path, copy) -> None:
    """A copy of the journal whose dispatches carry no deadlines, as a journal before schema 4 has them."""
    shutil.copyfile(path, copy)
    with sqlite3.connect(copy) as db:
        db.execute("UPDATE action SET detail = json_remove(detail, '$.due_unit_ack_ms', '$.due_on_site_ms', "
                   "'$.due_handled_ms') WHERE action = 'dispatch'")
        db.execute("UPDATE alarm SET due_unit_ack_ms = NULL, due_on_site_ms = NULL, due_handled_ms = NULL")
