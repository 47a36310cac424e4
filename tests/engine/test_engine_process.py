"""The engine in its own process, as the window uses it: the mirror shows what the engine computed,
actions go to the engine and come back answered, and the journal holds both."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import time

import numpy as np
import pytest

from console.engine.client import Died, EngineClient
from console.engine.mirror import EngineMirror
from console.engine.protocol import EngineSpec, Failed
from console.model.alarms import AlarmState
from console.model.journal import Journal
from console.model.pipeline import Pipeline
from console.model.readings import ReadingBatch
from console.model.sensors import SensorStatus, SensorTable
from console.sources import parse_sources

T0 = 1_784_574_000_000
MINUTE = 60_000


def small_table() -> SensorTable:
    return SensorTable(["GAS-1", "GAS-2", "WLG-1"], ["gas_lel", "gas_lel", "depth"], ["gas", "gas", "waterlogging"],
                       owners=["市燃气集团", "市燃气集团", "金桥区排水所"], districts=["江北区"] * 3,
                       x=[0.0, 3000.0, 6000.0], y=[0.0, 0.0, 0.0])


def write_feed(path, rows) -> str:
    with open(path, "w", encoding="utf-8") as out:
        for t_ms, sensor, value in rows:
            out.write(json.dumps({"t": t_ms, "sensor": sensor, "value": value}) + "\n")
    return str(path)


def replay_sources(tmp_path, rows, speed: float = 100_000):
    feed = write_feed(tmp_path / "feed.jsonl", rows)
    text = f'[[source]]\nkind = "replay"\nname = "recorded"\npath = "{feed}"\nspeed = {speed}\n'
    return tuple(parse_sources(text, "sources.toml"))


class Running:
    """A client and its mirror, pumped by ``until``."""

    def __init__(self, spec: EngineSpec):
        self.table = spec.table.fresh_copy()
        self.client = EngineClient(spec)
        self.mirror = EngineMirror(self.table, self.client.act)
        self.seen: list = []

    def pump(self) -> None:
        for message in self.client.take():
            self.seen.append(message)
            if not isinstance(message, (Died, Failed)):
                self.mirror.apply(message)

    def until(self, condition, timeout: float = 30.0, what: str = "condition"):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.pump()
            result = condition()
            if result:
                return result
            time.sleep(0.02)
        raise AssertionError(f"timed out after {timeout} s waiting for {what}")


# GAS-1 calm, then leaking; GAS-2 calm; WLG-1 one reading; one reading of a sensor nobody knows.
LEAK_ROWS = [(T0, "GAS-1", 0.5), (T0, "GAS-2", 0.4), (T0 + MINUTE, "GAS-1", 30.0), (T0 + 2 * MINUTE, "GAS-1", 31.0),
             (T0 + 2 * MINUTE, "WLG-1", 1.0), (T0 + 3 * MINUTE, "NOPE-9", 1.0)]


@pytest.fixture
def leak(tmp_path):
    return replay_sources(tmp_path, LEAK_ROWS)


def in_process(rows) -> Pipeline:
    pipeline = Pipeline(small_table(), None)
    known = [r for r in rows if r[1] != "NOPE-9"]
    pipeline.process(ReadingBatch(sensor=np.array([r[1] for r in known], dtype=object),
                                  t_ms=np.array([r[0] for r in known], dtype=np.int64),
                                  value=np.array([r[2] for r in known]), quality=np.zeros(len(known), np.uint8)))
    return pipeline


def test_the_mirror_shows_the_engine_state_and_actions_come_back_answered(tmp_path, leak):
    journal_path = tmp_path / "live.sqlite"
    run = Running(EngineSpec(table=small_table(), rules=None, journal_path=journal_path, sources=leak))
    try:
        run.until(lambda: run.mirror.book.open_alarms(), what="the leak's alarm")
        run.until(lambda: run.table.t_ms[2] == T0 + 2 * MINUTE, what="the last reading")
        table = run.table
        assert table.value.tolist() == [31.0, 0.4, 1.0]
        reference = in_process(LEAK_ROWS)  # the same readings through the pipeline here
        assert table.level.tolist() == reference.table.level.tolist() and table.level[0] > 0
        assert table.status.tolist() == [SensorStatus.LIVE] * 3
        [alarm] = run.mirror.book.open_alarms()
        assert (alarm.sensor_id, alarm.state, int(table.alarm_id[0])) == ("GAS-1", AlarmState.UNACK, alarm.alarm_id)
        assert run.mirror.sign.tolist() == [1.0, 1.0, 1.0]
        run.until(lambda: run.mirror.unknown_by_source, what="the unknown-id figures")
        assert run.mirror.unknown_by_source == {"recorded": {"NOPE-9": 1}}

        run.mirror.book.acknowledge([alarm.alarm_id], "王敏", T0 + 4 * MINUTE)
        run.until(lambda: run.mirror.book.alarms[alarm.alarm_id].state == AlarmState.ACK, what="the acknowledgement")
        assert run.table.alarm_state[0] == AlarmState.ACK
        refusals = []
        run.mirror.book.refused.connect(lambda method, reason: refusals.append((method, reason)))
        run.mirror.book.note([alarm.alarm_id], "  ", "王敏", T0 + 5 * MINUTE)
        run.until(lambda: refusals, what="the refusal")
        assert refusals == [("note", "a note needs text")]
        assert run.mirror.book.alarms[alarm.alarm_id].notes == []
        assert run.mirror.book.pending == {}
        run.mirror.book.acknowledge([999], "王敏", T0 + 5 * MINUTE)  # an alarm it does not hold: refused, goes on
        run.until(lambda: len(refusals) == 2, what="the second refusal")
        assert refusals[1] == ("acknowledge", "no alarm 999")
        run.mirror.book.record_action("shift_start", "李强", T0 + 6 * MINUTE, previous="王敏")
        run.until(lambda: not run.mirror.book.pending, what="the handover's answer")
    finally:
        run.client.stop()
    with Journal(journal_path) as journal:
        _, values, _ = journal.query_readings("GAS-1")
    assert values.tolist() == [0.5, 30.0, 31.0]
    with sqlite3.connect(journal_path) as db:
        actions = db.execute("SELECT action, operator FROM action").fetchall()
    assert actions == [("acknowledge", "王敏"), ("shift_start", "李强")]  # the refused ones left no trace


def test_a_restarted_engine_restores_from_the_journal_it_wrote(tmp_path, leak):
    journal_path = tmp_path / "live.sqlite"
    first = Running(EngineSpec(table=small_table(), rules=None, journal_path=journal_path, sources=leak))
    try:
        first.until(lambda: first.mirror.book.open_alarms(), what="the alarm")
        [alarm] = first.mirror.book.open_alarms()
        first.mirror.book.acknowledge([alarm.alarm_id], "王敏", T0 + 4 * MINUTE)
        first.until(lambda: first.mirror.book.alarms[alarm.alarm_id].state == AlarmState.ACK, what="the ack")
    finally:
        first.client.stop()
    again = Running(EngineSpec(table=small_table(), rules=None, journal_path=journal_path, sources=()))
    try:
        again.until(lambda: again.mirror.book.alarms, what="the restored alarm")
        restored = again.mirror.book.alarms[alarm.alarm_id]
        assert (restored.sensor_id, restored.state, restored.acked_by) == ("GAS-1", AlarmState.ACK, "王敏")
        assert again.table.value[0] == 31.0 and again.table.level[0] == in_process(LEAK_ROWS).table.level[0]
    finally:
        again.client.stop()


def test_a_killed_engine_is_reported_as_died(tmp_path, leak):
    run = Running(EngineSpec(table=small_table(), rules=None, journal_path=tmp_path / "j.sqlite",
                             sources=replay_sources(tmp_path, [(T0, "GAS-1", 0.5)], speed=0.001)))
    try:
        run.until(lambda: run.mirror.sign is not None, what="the engine to start")
        os.kill(run.client.process.pid, signal.SIGKILL)
        died = run.until(lambda: [m for m in run.seen if isinstance(m, Died)], what="the death notice")
        assert died[0].exitcode == -signal.SIGKILL
        assert not run.client.running
    finally:
        run.client.stop()


def test_a_source_the_engine_cannot_build_fails_naming_it(tmp_path):
    text = ('[[source]]\nkind = "mqtt"\nname = "city-iot"\ntopics = ["a/+"]\nsensor = "a/{sensor}"\n'
            'username = "duty"\npassword_env = "CONSOLE_TEST_NO_SUCH_PASSWORD"\n')
    os.environ.pop("CONSOLE_TEST_NO_SUCH_PASSWORD", None)
    sources = tuple(parse_sources(text, "sources.toml"))
    run = Running(EngineSpec(table=small_table(), rules=None, journal_path=tmp_path / "j.sqlite", sources=sources))
    try:
        [failed] = run.until(lambda: [m for m in run.seen if isinstance(m, Failed)], what="the failure")
    finally:
        run.client.stop()
    assert "city-iot" in failed.message and "CONSOLE_TEST_NO_SUCH_PASSWORD" in failed.message
    assert not (tmp_path / "j.sqlite").exists()  # refused before the journal was touched


def test_mirror_table_writes_mark_only_symbol_changes_as_style_changes():
    table = small_table()
    version = table.version
    table.apply_mirrored(np.array([0, 1]), {"value": np.array([1.0, 2.0]), "level": np.array([0, 2], np.uint8)})
    assert table.changed_since(version).tolist() == [0, 1]
    assert table.changed_since(version, style_only=True).tolist() == [1]
    with pytest.raises(ValueError, match="'ids' is not a live sensor column"):
        table.apply_mirrored(np.array([0]), {"ids": np.array(["X"])})


WINDOW_SCRIPT = """
import sys, time
from pathlib import Path
from console.engine.client import EngineClient
from console.engine.mirror import EngineMirror
from console.engine.protocol import EngineSpec
from console.sources import load_sources
from tests.engine.test_engine_process import small_table

if __name__ == "__main__":
    table = small_table()
    client = EngineClient(EngineSpec(table=table.fresh_copy(), rules=None, journal_path=Path(sys.argv[1]),
                                     sources=tuple(load_sources(sys.argv[2]))))
    mirror = EngineMirror(table, client.act)
    while table.t_ms[0] != int(sys.argv[3]):
        for message in client.take():
            mirror.apply(message)
        time.sleep(0.02)
    print(client.process.pid, flush=True)
    time.sleep(600)
"""


def test_a_window_killed_outright_leaves_the_engine_to_close_its_journal(tmp_path):
    import subprocess
    import sys

    rows = [(T0 + m * MINUTE, "GAS-1", 0.5 + m) for m in range(3)]
    feed = write_feed(tmp_path / "feed.jsonl", rows)
    sources = tmp_path / "sources.toml"
    sources.write_text(f'[[source]]\nkind = "replay"\nname = "recorded"\npath = "{feed}"\nspeed = 100000\n',
                       encoding="utf-8")
    script = tmp_path / "window.py"
    script.write_text(WINDOW_SCRIPT, encoding="utf-8")
    journal = tmp_path / "live.sqlite"
    window = subprocess.Popen([sys.executable, str(script), str(journal), str(sources), str(T0 + 2 * MINUTE)],
                              stdout=subprocess.PIPE, text=True, cwd=os.getcwd(),
                              env={**os.environ, "PYTHONPATH": os.getcwd()})
    engine_pid = int(window.stdout.readline())
    window.kill()  # SIGKILL: no handler runs, the pipe's end closes with the process
    window.wait(30)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and os.path.exists(f"/proc/{engine_pid}"):
        with open(f"/proc/{engine_pid}/stat") as stat:
            if stat.read().split()[2] == "Z":  # exited; its parent is gone and init reaps it
                break
        time.sleep(0.05)
    else:
        assert not os.path.exists(f"/proc/{engine_pid}"), "the engine outlived its window by 30 s"
    with Journal(journal) as reader:
        _, values, _ = reader.query_readings("GAS-1")
    assert values.tolist() == [0.5, 1.5, 2.5]
    with sqlite3.connect(journal) as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
