"""The engine keeps the CAP warnings in force: from CAP sources and recorded feeds, on its own clock, into
the window's mirror (through the engine process) and into ``console serve``'s summary."""

from __future__ import annotations

import json
import pickle
import sqlite3
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta

import shapely

from console.engine import Engine
from console.engine.protocol import EngineSpec
from console.feeds.cap_adapter import CapFeedAdapter
from console.feeds.recorded import RecordedFeedAdapter
from console.model.journal import Journal
from console.model.journal.queries import cap_warnings_between
from console.model.pipeline import Pipeline
from console.sources import parse_sources
from tests.cap.helpers import alert_xml, info_xml
from tests.engine.test_engine import wait_until
from tests.engine.test_engine_process import Running, small_table
from tests.model.test_process_command import write_sensors

SENDER = "warning@wuhan.example.cn"
HOUR = 3_600_000
# Effective 1784574900000 (2026-07-21T03:15:00+08:00), expires 12 h later.
T_SENT = 1_784_574_900_000


def cap_time(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000, UTC).astimezone().isoformat(timespec="seconds")


def warning(identifier: str, sent_ms: int, *, level_word: str = "橙", hours: float = 12, msg_type: str = "Alert",
            references: str | None = None, polygon: str = "30.6,114.2 30.7,114.2 30.7,114.3 30.6,114.2") -> str:
    sent = cap_time(sent_ms)
    info = info_xml(area=f"<area><areaDesc>江岸区</areaDesc><polygon>{polygon}</polygon></area>",
                    headline=f"武汉市气象台发布暴雨{level_word}色预警", effective=sent,
                    expires=cap_time(sent_ms + int(hours * HOUR)))
    return alert_xml(info, identifier=identifier, sent=sent, msgType=msg_type, references=references)


class Clock:
    def __init__(self, ms: int):
        self.ms = ms

    def __call__(self) -> int:
        return self.ms


def test_alert_update_cancel_and_expiry_through_a_watched_folder(tmp_path):
    folder = tmp_path / "cap"
    folder.mkdir()
    clock = Clock(T_SENT + 60_000)
    adapter = CapFeedAdapter("met", path=folder, poll_s=0.02)
    journal = Journal(tmp_path / "j.sqlite")
    engine = Engine(Pipeline(small_table(), None, journal=journal), [adapter], clock_ms=clock)
    engine.start()
    try:
        def step_until(condition):
            def stepped():
                engine.step()
                return condition()
            wait_until(stepped)

        (folder / "1.xml").write_text(warning("A-1", T_SENT, level_word="橙"), encoding="utf-8")
        step_until(lambda: len(engine.warnings.active) == 1)
        [first] = engine.warnings.active
        assert (first.id, first.level, first.event, first.source) == (f"{SENDER},A-1", 2, "暴雨", "met")
        assert first.headline == "武汉市气象台发布暴雨橙色预警" and first.area_desc == "江岸区"
        assert first.expires_ms == T_SENT + 12 * HOUR
        assert shapely.from_wkb(first.area_wkb).contains(shapely.Point(114.22, 30.65))
        assert first.bounds == (114.2, 30.6, 114.3, 30.7)
        version = engine.warnings.version

        # The upgrade to red replaces the orange warning.
        reference = f"{SENDER},A-1,{cap_time(T_SENT)}"
        (folder / "2.xml").write_text(warning("A-2", T_SENT + HOUR, level_word="红", msg_type="Update",
                                              references=reference), encoding="utf-8")
        clock.ms = T_SENT + HOUR + 60_000
        step_until(lambda: [w.id for w in engine.warnings.active] == [f"{SENDER},A-2"])
        assert engine.warnings.active[0].level == 1 and engine.warnings.version > version

        # A second, later warning that expires after three hours.
        (folder / "3.xml").write_text(warning("B-1", T_SENT + HOUR, level_word="黄", hours=3), encoding="utf-8")
        step_until(lambda: len(engine.warnings.active) == 2)
        assert [w.level for w in engine.warnings.active] == [1, 3]  # most severe first

        clock.ms = T_SENT + 4 * HOUR + 1000  # B-1 expired: no message says so, the clock does
        step_until(lambda: [w.identifier for w in engine.warnings.active] == ["A-2"])

        (folder / "4.xml").write_text(alert_xml(identifier="A-3", sent=cap_time(T_SENT + 5 * HOUR), msgType="Cancel",
                                                references=f"{SENDER},A-2,{cap_time(T_SENT + HOUR)}"),
                                      encoding="utf-8")
        step_until(lambda: engine.warnings.active == [])
        assert engine.other_events == {}
        assert engine.warnings.received == {"met": 4}
    finally:
        engine.stop()

    # The map forgot them; the journal kept each coming into force and leaving it, and why.
    db = sqlite3.connect(tmp_path / "j.sqlite")
    kept = [(r["warning_id"].split(",")[1], r["change"], r["reason"], r["by_warning"].split(",")[-1], r["level"])
            for r in cap_warnings_between(db, 0, T_SENT + 24 * HOUR)]
    assert kept == [("A-1", "in_force", "", "", 2),
                    ("A-2", "in_force", "", "", 1), ("A-1", "left", "replaced", "A-2", 2),
                    ("B-1", "in_force", "", "", 3),
                    ("B-1", "left", "expired", "", 3),
                    ("A-2", "left", "cancelled", "A-3", 1)]
    [a2] = [r for r in cap_warnings_between(db, 0, T_SENT + 24 * HOUR) if r["change"] == "left" and r["by_warning"]
            and r["reason"] == "cancelled"]
    assert a2["headline"] == "武汉市气象台发布暴雨红色预警" and a2["expires_ms"] == T_SENT + HOUR + 12 * HOUR
    assert shapely.from_wkb(a2["area_wkb"]).contains(shapely.Point(114.22, 30.65))
    db.close()


def test_a_recorded_feed_carries_cap_lines_and_a_bad_one_is_refused_naming_its_line(tmp_path):
    feed = tmp_path / "feed.jsonl"
    lines = [{"t": T_SENT, "cap": warning("R-1", T_SENT)},
             {"t": T_SENT + 1000, "cap": "<alert>not CAP</alert>"},
             {"t": T_SENT + 2000, "sensor": "GAS-1", "value": 0.5}]
    feed.write_text("".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines), encoding="utf-8")
    engine = Engine(Pipeline(small_table(), None), [RecordedFeedAdapter(feed, name="recorded")],
                    clock_ms=lambda: T_SENT + HOUR)
    engine.run(threading.Event(), duration_s=30)
    engine.stop()
    assert [w.identifier for w in engine.warnings.active] == ["R-1"]
    assert engine.warnings.refused == {"recorded": 1}
    [problem] = engine.warnings.problems
    assert problem.startswith("recorded:2") and "not a CAP <alert>" not in problem


def test_the_window_mirror_receives_the_warnings_in_force(tmp_path):
    folder = tmp_path / "cap"
    folder.mkdir()
    now = int(time.time() * 1000)
    (folder / "red.xml").write_text(warning("W-1", now - HOUR, level_word="红", hours=6), encoding="utf-8")
    (folder / "old.xml").write_text(warning("W-0", now - 10 * HOUR, level_word="蓝", hours=1), encoding="utf-8")
    sources = tuple(parse_sources(f'[[source]]\nkind = "cap"\nname = "met"\npath = "{folder}"\npoll_s = 0.05\n',
                                  tmp_path / "sources.toml"))
    run = Running(EngineSpec(table=small_table(), rules=None, journal_path=None, sources=sources))
    try:
        run.until(lambda: run.mirror.warnings, what="the warning in the mirror")
        [red] = run.mirror.warnings  # the expired one is not in force
        assert (red.identifier, red.level, red.source, red.sender) == ("W-1", 1, "met", SENDER)
        assert red.expires_ms == (now - HOUR) // 1000 * 1000 + 6 * HOUR  # CAP times are to the second
        assert pickle.loads(pickle.dumps(red)) == red
        version = run.mirror.warnings_version
        (folder / "cancel.xml").write_text(
            alert_xml(identifier="W-2", sent=cap_time(now), msgType="Cancel",
                      references=f"{SENDER},W-1,{cap_time(now - HOUR)}"), encoding="utf-8")
        run.until(lambda: run.mirror.warnings_version > version, what="the cancel")
        assert run.mirror.warnings == []
        run.until(lambda: run.mirror.sources and run.mirror.sources[0]["received"] == 3, what="the figures")
        figures = run.mirror.sources[0]
        assert (figures["kind"], figures["accepted"], figures["rejected"]) == ("cap", 3, 0)
    finally:
        run.client.stop()


def test_console_serve_lists_the_warnings_in_force(tmp_path):
    folder = tmp_path / "cap"
    folder.mkdir()
    now = int(time.time() * 1000)
    (folder / "w.xml").write_text(warning("S-1", now - HOUR, level_word="橙", hours=6), encoding="utf-8")
    (folder / "hostile.xml").write_text('<!DOCTYPE a [<!ENTITY e "x">]><alert/>', encoding="utf-8")
    sources = tmp_path / "sources.toml"
    sources.write_text(f'[[source]]\nkind = "cap"\nname = "met"\npath = "{folder}"\npoll_s = 0.2\n', encoding="utf-8")
    base = [sys.executable, "-m", "console", "serve", "--sources", str(sources), "--sensors",
            str(write_sensors(tmp_path)), "--duration", "2"]
    done = subprocess.run([*base, "--journal", str(tmp_path / "a.sqlite"), "--json"], capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout)
    [cap] = summary["cap_warnings"]
    assert (cap["level"], cap["event"], cap["headline"], cap["source"]) == (2, "暴雨", "武汉市气象台发布暴雨橙色预警", "met")
    expires = datetime.fromtimestamp((now - HOUR) // 1000 + 6 * 3600, UTC)
    assert abs(datetime.fromisoformat(cap["expires"].replace("Z", "+00:00")) - expires) < timedelta(seconds=2)
    [source] = summary["sources"]
    assert (source["received"], source["rejected"]) == (2, 1)
    assert "not allowed in CAP" in source["recent_rejections"][0]["reason"]

    text = subprocess.run([*base, "--journal", str(tmp_path / "b.sqlite"), "--tz", "Asia/Shanghai"],
                          capture_output=True, text=True, timeout=120)
    assert text.returncode == 0, text.stderr
    assert "CAP warnings in force: 1" in text.stdout
    line = next(line for line in text.stdout.splitlines() if "武汉市气象台" in line)
    assert line.strip().startswith("level II  暴雨: 武汉市气象台发布暴雨橙色预警") and "via source met" in line
    shanghai = (expires + timedelta(hours=8)).strftime("%Y-%m-%d %H:%M")
    assert f"expires {shanghai} CST" in line
