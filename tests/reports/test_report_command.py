"""``console report``: files in each format, PDFs with extractable text in both languages, bad input."""

from __future__ import annotations

import shutil
import subprocess
import sys
import unicodedata

import pytest

from console.cli import main
from tests.conftest import REPO
from tests.reports.shift_journal import make_shift_journal, without_deadlines

SHIFT = ["--from", "2026-07-21T08:00", "--to", "2026-07-21T20:00"]


@pytest.fixture(scope="module")
def journal(tmp_path_factory):
    path = tmp_path_factory.mktemp("journal") / "journal.sqlite"
    make_shift_journal(path)
    return path


def report(journal, out, *more):
    return main(["report", "--journal", str(journal), *SHIFT, "--out", str(out), *more])


def test_markdown_and_csv_by_suffix(journal, tmp_path, capsys):
    assert report(journal, tmp_path / "shift.md", "--lang", "en") == 0
    assert capsys.readouterr().out.strip() == str((tmp_path / "shift.md").resolve())
    text = (tmp_path / "shift.md").read_text(encoding="utf-8")
    assert "| Lifeline | Gas | 0 | 1 | 1 | 1 | 3 |" in text
    assert report(journal, tmp_path / "shift.csv", "--lang", "zh_CN") == 0
    data = (tmp_path / "shift.csv").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")  # spreadsheets then read the Chinese as UTF-8
    assert "生命线,燃气,0,1,1,1,3" in data.decode("utf-8-sig")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["shift.csv", "shift.md"]  # no temporary files left


def test_times_with_an_offset_and_another_zone(journal, tmp_path):
    out = tmp_path / "utc.md"
    assert main(["report", "--journal", str(journal), "--from", "2026-07-21T00:00Z", "--to", "2026-07-21T12:00+00:00",
                 "--tz", "UTC", "--lang", "en", "--out", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    assert "From 2026-07-21 00:00:00 to 2026-07-21 12:00:00" in text and "Times in UTC (UTC+00:00)" in text
    assert "| 2026-07-21 00:05:00 | 王芳 | Acknowledge | 2 | GAS-1 |  |" in text


def test_an_overdue_limit_from_the_command_line_for_dispatches_without_deadlines(journal, tmp_path):
    older = tmp_path / "older.sqlite"
    without_deadlines(journal, older)
    out = tmp_path / "limit.md"
    assert report(older, out, "--lang", "en", "--overdue-after", "20min") == 0
    text = out.read_text(encoding="utf-8")
    assert "not closed within 20 min of the first dispatch" in text
    assert "| 2 | GAS-1 | Level II | 燃气公司 | 2026-07-21 08:06:00 | 王芳 | 2026-07-21 08:26:00 | 2026-07-21 08:30:00 |" \
        in text


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"--journal": "missing.sqlite"}, "missing.sqlite: no such journal file"),
        ({"--from": "2026-07-21T20:00"}, "--from: 2026-07-21T20:00 is not before --to 2026-07-21T20:00"),
        ({"--to": "2026-07-21T07:00"}, "is not before --to 2026-07-21T07:00: the range is empty"),
        ({"--from": "yesterday"}, "--from: 'yesterday' is not a time"),
        ({"--to": "2026-13-01T00:00"}, "--to: '2026-13-01T00:00' is not a time"),
        ({"--out": "shift.docx"}, "shift.docx: unknown report format '.docx': use .pdf, .csv or .md"),
        ({"--out": "no-such-folder/shift.md"}, "the folder"),
        ({"--tz": "Mars/Olympus"}, "--tz: unknown time zone 'Mars/Olympus'"),
        ({"--overdue-after": "soon"}, "--overdue-after: 'soon' is not a duration"),
    ],
)
def test_bad_input_names_what_is_wrong_and_writes_nothing(journal, tmp_path, monkeypatch, capsys, change, message):
    monkeypatch.chdir(tmp_path)
    options = {"--journal": str(journal), "--from": "2026-07-21T08:00", "--to": "2026-07-21T20:00",
               "--out": "shift.md", **change}
    assert main(["report", *[part for item in options.items() for part in item]]) == 2
    error = capsys.readouterr().err
    assert error.startswith("console report: ") and message in error
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "is not a console journal (not an SQLite database)"),
        (b"minutes of the morning meeting\n", "is not a console journal (not an SQLite database)"),
        ("sqlite", "is an SQLite database of another program, not a console journal"),
    ],
)
def test_a_file_that_is_not_a_journal_is_refused_and_left_as_it_was(tmp_path, capsys, content, message):
    import sqlite3

    other = tmp_path / "notes.sqlite"
    if content == "sqlite":
        connection = sqlite3.connect(other)
        connection.execute("CREATE TABLE notes (text TEXT)")
        connection.commit()
        connection.close()
    else:
        other.write_bytes(content)
    before = other.read_bytes()
    assert report(other, tmp_path / "shift.md") == 2
    assert f"notes.sqlite: {message}" in capsys.readouterr().err
    assert other.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.sqlite"]


def pdf_text(path) -> str:
    # Qt maps some CJK glyphs to their Kangxi-radical twins (日 as U+2F47); NFKC gives the ideographs back.
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return unicodedata.normalize("NFKC", text)


needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) not installed")


@needs_poppler
@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", ["Shift report", "Alarms raised", "Overdue dispatches", "Hydrology Bureau", "2026-07-21 09:01:00",
                "Times in Asia/Shanghai (UTC+08:00)", "does not record the status of sources", "Page 1 of"]),
        ("zh_CN", ["值班报告", "新发报警", "超时未办结的派发", "各类别误报比例", "值班员操作", "日志", "燃气公司",
                   "巡检人员已出发", "2026-07-21 09:01:00", "本日志不记录数据源状态", "第 1 ", "共 2 "]),
    ],
)
def test_pdf_has_a4_pages_and_text_in_the_chosen_language(journal, tmp_path, language, expected):
    out = tmp_path / f"shift-{language}.pdf"
    # A child process: the command starts its own Qt application in the chosen language.
    result = subprocess.run(
        [sys.executable, "-m", "console", "report", "--journal", str(journal), *SHIFT, "--lang", language,
         "--out", str(out)],
        capture_output=True, text=True, cwd=REPO, env={**_env(), "QT_QPA_PLATFORM": "offscreen"}, timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert out.read_bytes().startswith(b"%PDF")
    info = subprocess.run(["pdfinfo", str(out)], capture_output=True, text=True, check=True).stdout
    assert "(A4)" in info
    text = pdf_text(out)
    missing = [word for word in expected if word not in text]
    assert missing == []
    assert ("Shift report" in text) == (language == "en")


@needs_poppler
# Qt writes the text of a glyph a font shares between an ideograph and a CJK radical (页 and U+2EDA) as the
# radical; the bundled font (scripts/subset_font.py) has no radical blocks, so the ideographs are written.
def test_pdf_text_of_chinese_is_the_ideographs_written(journal, tmp_path):
    out = tmp_path / "zh.pdf"
    result = subprocess.run(
        [sys.executable, "-m", "console", "report", "--journal", str(journal), *SHIFT, "--lang", "zh_CN",
         "--out", str(out)],
        capture_output=True, text=True, cwd=REPO, env={**_env(), "QT_QPA_PLATFORM": "offscreen"}, timeout=120,
    )
    assert result.returncode == 0, result.stderr
    text = pdf_text(out)
    assert "第 1 页" in text and "阀门已关闭" in text


@needs_poppler
def test_pdf_of_an_empty_range_says_so(journal, tmp_path):
    out = tmp_path / "empty.pdf"
    result = subprocess.run(
        [sys.executable, "-m", "console", "report", "--journal", str(journal), "--from", "2026-07-20T08:00",
         "--to", "2026-07-20T09:00", "--lang", "en", "--out", str(out)],
        capture_output=True, text=True, cwd=REPO, env={**_env(), "QT_QPA_PLATFORM": "offscreen"}, timeout=120,
    )
    assert result.returncode == 0, result.stderr
    text = pdf_text(out)
    assert "No alarms in this range." in text and "No operator action in this range." in text


def _env() -> dict:
    import os

    return {**os.environ, "PYTHONPATH": str(REPO)}


@needs_poppler
def test_a_drill_journal_says_so_on_every_page(tmp_path):
    from console.model.journal import Journal
    from console.model.pipeline import Pipeline
    from tests.model.helpers import FLOOD_RULES, MINUTE, T0, batch, make_table, rules

    path = tmp_path / "drill.sqlite"
    journal = Journal(path, synchronous="NORMAL", commit_interval_s=0, keep_readings=False, keep_states=False)
    journal.set_meta(drill="1", feed="storm.jsonl")
    pipeline = Pipeline(make_table([(f"WLG-{i}", "depth", 1000 * i, 0) for i in range(80)]), rules(FLOOD_RULES),
                        journal=journal)
    pipeline.process(batch([(f"WLG-{i}", T0 + i * MINUTE, 45.0) for i in range(80)]))  # 80 open alarms: 2+ pages
    pipeline.close()
    out = tmp_path / "drill.pdf"
    assert main(["report", "--journal", str(path), *SHIFT, "--lang", "en", "--out", str(tmp_path / "drill.md")]) == 0
    assert (tmp_path / "drill.md").read_text(encoding="utf-8").count("DRILL: this journal records a drill") == 1
    result = subprocess.run(
        [sys.executable, "-m", "console", "report", "--journal", str(path), *SHIFT, "--lang", "en", "--out", str(out)],
        capture_output=True, text=True, cwd=REPO, env={**_env(), "QT_QPA_PLATFORM": "offscreen"}, timeout=120,
    )
    assert result.returncode == 0, result.stderr
    pages = pdf_text(out).split("\f")[:-1]
    assert len(pages) >= 2
    assert all("DRILL: this journal records a drill" in page for page in pages)
