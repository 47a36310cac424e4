"""``console process`` on a terminal shows its progress on stderr; redirected, it writes none."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys

from console.commands.terminal_progress import TerminalProgress
from tests.model.test_process_command import FEED_LINES, run, single_reading_rules, write_sensors

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def test_process_on_a_terminal_shows_progress_on_stderr(tmp_path):
    sensors = write_sensors(tmp_path)
    feed = tmp_path / "night.jsonl"
    feed.write_text("\n".join(FEED_LINES) + "\n", encoding="utf-8")
    controller, terminal = pty.openpty()
    command = [sys.executable, "-m", "console", "process", str(feed), "--journal", str(tmp_path / "j.sqlite"),
               "--sensors", str(sensors), "--rules", str(single_reading_rules(tmp_path))]
    child = subprocess.Popen(command, cwd=REPO, stdout=subprocess.PIPE, stderr=terminal,
                             env={**os.environ, "PYTHONPATH": REPO})
    os.close(terminal)
    seen = b""
    while True:
        ready, _, _ = select.select([controller], [], [], 60)
        if not ready:
            break
        try:
            chunk = os.read(controller, 4096)
        except OSError:  # the child closed its end
            break
        if not chunk:
            break
        seen += chunk
    stdout, _ = child.communicate(timeout=60)
    os.close(controller)
    assert child.returncode == 0
    text = seen.decode("utf-8")
    assert "\rconsole process: " in text and " readings" in text and "feed at 2026-07-21" in text
    assert text.endswith("\r")  # the line is cleared before the summary
    assert b"readings" in stdout  # the summary itself goes to stdout as before


def test_process_redirected_writes_no_progress(tmp_path, capsys):
    sensors = write_sensors(tmp_path)
    feed = tmp_path / "night.jsonl"
    feed.write_text("\n".join(FEED_LINES) + "\n", encoding="utf-8")
    assert run([feed, "--journal", tmp_path / "j.sqlite", "--sensors", sensors]) == 0
    assert "\r" not in capsys.readouterr().err


def test_the_line_is_rewritten_at_most_every_quarter_second():
    class Terminal:
        def __init__(self):
            self.text = ""

        def isatty(self):
            return True

        def write(self, text):
            self.text += text

        def flush(self):
            pass

    now = [0.0]
    out = Terminal()
    progress = TerminalProgress("console process", "Asia/Shanghai", stream=out, clock=lambda: now[0])
    for step in range(10):
        now[0] = step * 0.1
        progress.update(step * 1000, 1_784_592_000_000)
    assert progress.lines_written == 4  # at 0.0, 0.3, 0.6 and 0.9 s
    assert "9,000 readings" in out.text and "feed at 2026-07-21 08:00" in out.text
    progress.close()
    assert out.text.endswith("\r")
