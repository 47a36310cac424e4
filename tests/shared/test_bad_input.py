"""Wrong addresses, refused credentials, another program's database, a newer schema, no service: clear messages,
nothing stored lost."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import psycopg
import pytest

from console.shared import SharedStateError
from console.shared.client import SharedConsole
from console.shared.url import connect
from tests.brokers import free_port, wait_until
from tests.model.test_process_command import write_sensors
from tests.shared.conftest import service
from tests.shared.postgres import PASSWORD, postgres_available

pytestmark = pytest.mark.skipif(not postgres_available(), reason="postgresql is not installed (scripts/system-deps.sh)")


def serve(tmp_path, url):
    sources = tmp_path / "sources.toml"
    sources.write_text(f'[[source]]\nkind = "mqtt"\nname = "iot"\nport = {free_port()}\ntopics = ["a/#"]\n',
                       encoding="utf-8")
    return subprocess.run([sys.executable, "-m", "console", "serve", "--sources", str(sources), "--sensors",
                           str(write_sensors(tmp_path)), "--journal", url, "--duration", "5"],
                          capture_output=True, text=True, timeout=120, cwd=os.getcwd())


def test_not_a_postgresql_address_is_refused_by_name():
    with pytest.raises(SharedStateError, match="not a PostgreSQL address"):
        connect("mysql://u@h/db")
    with pytest.raises(SharedStateError, match="names no database"):
        connect("postgresql://u@127.0.0.1:5432/")
    with pytest.raises(SharedStateError, match="not a valid address"):
        connect("postgresql://u@127.0.0.1:port/db")


def test_serve_says_what_is_wrong_with_the_server_or_credentials(tmp_path, pg_server, shared_url):
    wrong_password = shared_url.replace(PASSWORD, "guess")
    result = serve(tmp_path, wrong_password)
    assert result.returncode == 2
    assert "refused the credentials" in result.stderr
    assert "guess" not in result.stderr  # the password is never shown
    result = serve(tmp_path, f"postgresql://postgres:{PASSWORD}@127.0.0.1:{free_port()}/console")
    assert result.returncode == 2 and "cannot reach the PostgreSQL server" in result.stderr
    result = serve(tmp_path, pg_server.url("no_such_db"))
    assert result.returncode == 2 and "no such database" in result.stderr


def test_another_program_s_database_is_refused_and_left_alone(tmp_path, shared_url):
    with psycopg.connect(shared_url, autocommit=True) as connection:
        connection.execute("CREATE TABLE invoices (id int); INSERT INTO invoices VALUES (7)")
    result = serve(tmp_path, shared_url)
    assert result.returncode == 2
    assert "belongs to another program" in result.stderr and "invoices" in result.stderr
    with psycopg.connect(shared_url, autocommit=True) as connection:
        assert connection.execute("SELECT id FROM invoices").fetchall() == [(7,)]
        assert connection.execute("SELECT to_regclass('event')").fetchone()[0] is None


def test_a_newer_schema_is_refused_by_service_and_console(tmp_path, shared_url):
    with service(shared_url) as running:
        running.readings([("GAS-000", 0, 30.0)])
        running.flush()
    with psycopg.connect(shared_url, autocommit=True) as connection:
        connection.execute("UPDATE console_meta SET value = '99' WHERE key = 'schema_version'")
    result = serve(tmp_path, shared_url)
    assert result.returncode == 2
    assert "schema version 99, newer than this console's 1" in result.stderr
    console = SharedConsole(shared_url, "A", tmp_path / "a.sqlite").start()
    try:
        wait_until(lambda: console.status.state == "refused", timeout=10)
        assert "schema version 99" in console.status.message
    finally:
        console.stop()
    with psycopg.connect(shared_url, autocommit=True) as connection:
        assert connection.execute("SELECT count(*) FROM event").fetchone()[0] == 1  # nothing stored was touched


def test_a_console_without_a_service_says_so_and_queues_until_one_runs(tmp_path, shared_url, consoles):
    a = consoles("A")
    wait_until(lambda: a.status.state == "not_set_up", timeout=10)
    assert "no alarm service has set this database up" in a.status.message
    with service(shared_url) as running:
        running.readings([("GAS-000", 0, 30.0)])
        wait_until(lambda: 1 in a.mirror.alarms, timeout=10)
    wait_until(lambda: a.status.state == "no_service", timeout=10)
    assert "no alarm service is running" in a.status.message
    command_id = a.act("acknowledge", "王", 1)
    wait_until(lambda: a.reads > 0 and a.status.queued == 1, timeout=10)
    assert a.answer(command_id) is None
    with service(shared_url) as running:
        assert a.wait_answer(command_id, timeout=10) == ("applied", None)
        wait_until(lambda: a.status.state == "live", timeout=10)


def test_alarms_and_act_from_the_shell(tmp_path, shared_url):
    def shell(*argv):
        return subprocess.run([sys.executable, "-m", "console.shared", *argv], capture_output=True, text=True,
                              timeout=60, cwd=os.getcwd())
    with service(shared_url) as running:
        running.readings([("GAS-000", 0, 30.0), ("GAS-001", 0, 30.0)])
        running.flush()
        listed = json.loads(shell("alarms", "--journal", shared_url, "--json").stdout)
        assert listed["service_running"] is True
        assert [(a["alarm_id"], a["state"], a["occurrence"]) for a in listed["alarms"]] == [(1, "unack", 1),
                                                                                            (2, "unack", 1)]
        outbox = str(tmp_path / "shell.sqlite")
        done = shell("act", "--journal", shared_url, "--operator", "李", "--outbox", outbox, "--seen", "1",
                     "acknowledge", "1")
        assert (done.returncode, done.stdout.strip()) == (0, "applied")
        again = shell("act", "--journal", shared_url, "--operator", "李", "--outbox", outbox, "acknowledge", "1")
        assert (again.returncode, again.stdout.strip()) == (0, "noop: already done (alarm 1 is ack)")
        refused = shell("act", "--journal", shared_url, "--operator", "李", "--outbox", outbox, "--seen", "5",
                        "acknowledge", "2")
        assert refused.returncode == 1 and "occurrence 1, seen 5" in refused.stdout
        bad = shell("act", "--journal", shared_url, "--operator", "李", "--outbox", outbox, "shelve", "2",
                    "--arg", "until_ms=1")
        assert bad.returncode == 1 and "refused: shelving needs a reason" in bad.stdout


def test_console_alarms_and_act_take_the_shared_url(tmp_path, shared_url):
    # `console act` / `console alarms` on a postgresql:// journal go to the alarm service; the
    # dispatch loop's steps travel as the book's own actions.
    def console(*argv):
        return subprocess.run([sys.executable, "-m", "console", *argv], capture_output=True, text=True,
                              timeout=60, cwd=os.getcwd(), env={**os.environ, "CONSOLE_DATA_DIR": str(tmp_path)})
    with service(shared_url) as running:
        running.readings([("GAS-000", 0, 30.0)])
        running.flush()
        listed = json.loads(console("alarms", "--journal", shared_url, "--open", "--json").stdout)
        assert [(a["alarm_id"], a["state"]) for a in listed["alarms"]] == [(1, "unack")]
        sent = console("act", "dispatch", "--journal", shared_url, "--alarm", "1", "--operator", "王芳",
                       "--unit", "市燃气集团", "--note", "关阀")
        assert (sent.returncode, sent.stdout.strip()) == (0, "applied"), sent.stderr
        acked = console("act", "unit-acknowledged", "--journal", shared_url, "--alarm", "1", "--operator", "王芳")
        assert (acked.returncode, acked.stdout.strip()) == (0, "applied"), acked.stderr
        again = console("act", "unit-acknowledged", "--journal", shared_url, "--alarm", "1", "--operator", "王芳")
        assert again.returncode == 2 and "refused" in again.stdout
        closed = console("act", "close", "--journal", shared_url, "--alarm", "1", "--operator", "王芳")
        assert closed.returncode == 2 and "refused" in closed.stdout  # a closure needs its classification
    assert (tmp_path / "act-outbox.sqlite").exists()
