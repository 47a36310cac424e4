"""A journal survives SIGKILL in the middle of a heavy ingest."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from console.model.alarms import AlarmState
from console.model.journal import Journal
from console.model.pipeline import Pipeline
from console.model.readings import ReadingBatch
from console.model.rules import RuleSet
from console.model.sensors import SensorTable
from tests.model import crash_worker

WORKER = Path(crash_worker.__file__)

COMMITS_BEFORE_KILL = 4


def run_until_killed(path: Path) -> list[str]:
    process = subprocess.Popen(
        [sys.executable, str(WORKER), str(path)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    lines = []
    commits = 0
    try:
        for line in process.stdout:
            lines.append(line.strip())
            if line.startswith("committed"):
                commits += 1
            # Kill right after a batch was handed over: its transaction is being written.
            if commits >= COMMITS_BEFORE_KILL and line.startswith("batch"):
                os.kill(process.pid, signal.SIGKILL)
                break
    finally:
        process.kill()
        rest, errors = process.communicate(timeout=30)
    assert process.returncode == -signal.SIGKILL, errors
    return lines + rest.splitlines()


@pytest.mark.slow
def test_sigkill_mid_ingest_loses_nothing_committed(tmp_path):
    path = tmp_path / "journal.sqlite"
    lines = run_until_killed(path)
    committed = max(int(line.split()[1]) for line in lines if line.startswith("committed"))
    batches = [tuple(map(int, line.split()[1:])) for line in lines if line.startswith("batch")]
    acks = [list(map(int, line.split()[1:])) for line in lines if line.startswith("ack")]
    assert len(batches) > COMMITS_BEFORE_KILL
    # Killed with work in flight: batches had been handed over that were not committed yet.
    assert any(seq > committed for _, seq, *_ in batches)

    journal = Journal(path)
    db = journal._reader
    assert journal.integrity_check() == "ok"
    # Every batch committed before the kill is there whole.
    for k, seq, count, start, end in batches:
        if seq <= committed:
            assert journal.count_readings(start, end) == count, f"batch {k}"
    # Every alarm acknowledged in a committed entry is still acknowledged.
    acked = [alarm_id for seq, *ids in acks if seq <= committed for alarm_id in ids]
    assert len(acked) >= 50
    states = dict(db.execute("SELECT alarm_id, state FROM alarm").fetchall())
    assert all(states[alarm_id] == "ack" for alarm_id in acked)
    # No transition twice, and each alarm raised once.
    assert db.execute(
        'SELECT count(*) FROM (SELECT 1 FROM "transition" GROUP BY alarm_id, kind HAVING count(*) > 1)'
    ).fetchone()[0] == 0
    raised = db.execute("SELECT count(*) FROM \"transition\" WHERE kind = 'raise'").fetchone()[0]
    assert raised == len(states)

    # The restored console agrees with the journal and carries on without clashing.
    ids = [f"GAS-{i:05d}" for i in range(crash_worker.SENSORS)]
    n = crash_worker.SENSORS
    table = SensorTable(ids, ["gas_lel"] * n, ["gas"] * n, x=np.arange(n) * 1000.0, y=np.zeros(n))
    pipeline = Pipeline(table, RuleSet.from_text(crash_worker.RULES, "crash rules"), journal=journal)
    assert all(pipeline.book.alarm(alarm_id).state == AlarmState.ACK for alarm_id in acked)
    assert len(pipeline.book.alarms) == len(states)
    last_t = max(batch[4] for batch in batches if batch[1] <= committed)
    quiet = [r for r in range(n) if table.level[r] == 0][:10]
    readings = ReadingBatch(
        table.ids[quiet], np.full(len(quiet), last_t + 1000), np.full(len(quiet), 60.0), np.zeros(len(quiet), np.uint8)
    )
    report = pipeline.process(readings, "after restart")
    assert len(report.raised) == len(quiet)
    pipeline.book.acknowledge(report.raised, "day shift", last_t + 2000)
    journal.flush()
    total, distinct = db.execute('SELECT count(*), count(DISTINCT seq) FROM "transition"').fetchone()
    assert total == distinct
    pipeline.close()
