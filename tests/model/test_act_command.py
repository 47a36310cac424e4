"""``console alarms`` and ``console act`` as subprocesses on a real journal."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from console.model.journal import Journal
from tests.model.test_dispatch import open_pipeline, raise_alarms

ROOT = Path(__file__).resolve().parents[2]
AT = "2026-07-21T08:02"  # T0 + 2 min, in Asia/Shanghai


def console(*args):
    return subprocess.run([sys.executable, "-m", "console", *map(str, args)], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)


@pytest.fixture
def journal(tmp_path):
    path = tmp_path / "j.sqlite"
    pipeline = open_pipeline(path)
    raise_alarms(pipeline)
    pipeline.close()
    return path


def act(journal, action, *options):
    return console("act", action, "--journal", journal, "--operator", "Li Na", *options)


def test_act_applies_the_loop_and_alarms_lists_it_with_its_countdown(journal):
    done = act(journal, "dispatch", "--alarm", 1, "--unit", "City Gas Co.", "--note", "leak", "--at", AT)
    assert done.returncode == 0, done.stderr
    assert "-> City Gas Co.  next: unit ack by 08:07 (in 5 min 00 s)" in done.stdout
    assert act(journal, "unit-acknowledged", "--alarm", 1, "--at", "2026-07-21T08:04").returncode == 0
    listed = console("alarms", "--journal", journal, "--open", "--at", "2026-07-21T08:40")
    assert listed.returncode == 0, listed.stderr
    assert "#1     I     GAS-1          unack              -> City Gas Co.  OVERDUE on site (due 08:32, 8 min 00 s ago)" \
        in listed.stdout
    as_json = json.loads(console("alarms", "--journal", journal, "--json", "--at", "2026-07-21T08:40").stdout)
    first = as_json["alarms"][0]
    assert (first["next_step"], first["overdue"], first["next_due_in_s"]) == ("on_site", ["on_site"], -480)
    assert first["due_on_site_time"] == "2026-07-21T08:32:00+08:00"
    assert act(journal, "on-site", "--alarm", 1, "--at", "2026-07-21T08:41").returncode == 0
    closed = act(journal, "close", "--alarm", 1, "--classification", "handled", "--note", "repaired",
                 "--at", "2026-07-21T09:00", "--json")
    assert json.loads(closed.stdout)["classification"] == "handled"
    assert "#1" not in console("alarms", "--journal", journal, "--open").stdout
    with sqlite3.connect(journal) as db:
        rows = db.execute("SELECT action, operator FROM action WHERE alarm_id = 1 ORDER BY seq").fetchall()
    # The escalation of on_site was recorded by the on-site action's run, at its deadline.
    assert rows == [("dispatch", "Li Na"), ("unit_acknowledged", "Li Na"), ("escalate_overdue", "system"),
                    ("on_site", "Li Na"), ("close", "Li Na")]


def test_act_acknowledges_shelves_and_notes_as_the_window_would(journal):
    assert act(journal, "acknowledge", "--alarm", 2, "--at", AT).returncode == 0
    assert act(journal, "shelve", "--alarm", 3, "--note", "sensor work", "--until", "2h", "--at", AT).returncode == 0
    assert act(journal, "note", "--alarm", 3, "--note", "crew on it", "--at", AT).returncode == 0
    assert act(journal, "unshelve", "--alarm", 3, "--at", "2026-07-21T08:30").returncode == 0
    with sqlite3.connect(journal) as db:
        states = dict(db.execute("SELECT alarm_id, state FROM alarm"))
        shelf = json.loads(db.execute("SELECT detail FROM action WHERE action = 'shelve'").fetchone()[0])
    assert states == {1: "unack", 2: "ack", 3: "unack"}
    assert shelf == {"reason": "sensor work", "until_ms": 1_784_592_120_000 + 2 * 3_600_000}


@pytest.mark.parametrize(("args", "message"), [
    (("close", "--alarm", 1), "close refused: closing needs a classification (--classification)"),
    (("on-site", "--alarm", 1), "on-site refused: alarm 1 has not been dispatched: dispatch it to a unit first"),
    (("unshelve", "--alarm", 2), "unshelve refused: alarm 2 is unack: unshelve is not allowed from that state"),
    (("acknowledge", "--alarm", 7), "acknowledge refused: no alarm 7 in the journal"),
    (("shelve", "--alarm", 1, "--until", "2h"), "shelve refused: shelving needs a reason (--note)"),
])
def test_a_refused_action_says_why_exits_2_and_writes_nothing(journal, args, message):
    with sqlite3.connect(journal) as db:
        before = db.execute("SELECT count(*) FROM action").fetchone()[0]
    refused = act(journal, *args, "--at", AT)
    assert refused.returncode == 2
    assert message in refused.stderr
    with sqlite3.connect(journal) as db:
        assert db.execute("SELECT count(*) FROM action").fetchone()[0] == before


def test_act_is_refused_while_a_console_has_the_journal_open(journal):
    running = Journal(journal)  # as a running console's writer holds it
    try:
        refused = act(journal, "acknowledge", "--alarm", 1, "--at", AT)
    finally:
        running.close()
    assert refused.returncode == 2
    assert "j.sqlite: is open in a running console or service" in refused.stderr
    assert "act in that console's window, or stop it first" in refused.stderr
    assert act(journal, "acknowledge", "--alarm", 1, "--at", AT).returncode == 0


def test_alarms_and_act_name_a_missing_or_foreign_journal(tmp_path):
    missing = console("alarms", "--journal", tmp_path / "none.sqlite")
    assert missing.returncode == 2 and "none.sqlite: no such journal file" in missing.stderr
    foreign = tmp_path / "other.sqlite"
    with sqlite3.connect(foreign) as db:
        db.execute("CREATE TABLE t (x)")
    refused = act(foreign, "acknowledge", "--alarm", 1)
    assert refused.returncode == 2 and "another program" in refused.stderr
    assert console("alarms", "--journal", foreign).returncode == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == ["other.sqlite"]  # nothing written beside it
