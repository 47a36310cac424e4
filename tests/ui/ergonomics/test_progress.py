"""Progress of long work in the status bar: a drill's feed read and its replay indexed, to 100 %."""

from __future__ import annotations

import json

from console.ui.progress import WorkProgress
from tests.ui.live_fixtures import MINUTE, T0


def write_feed(path, minutes: int):
    with open(path, "w", encoding="utf-8") as out:
        for minute in range(minutes):
            for sensor in ("GAS-00001", "GAS-00002", "GAS-00003"):
                value = 30.0 if sensor == "GAS-00003" and minute >= 20 else 0.5
                out.write(json.dumps({"t": T0 + minute * MINUTE, "sensor": sensor, "value": value}) + "\n")
    return path


def test_a_drill_shows_its_indexing_in_the_status_bar_until_100_percent(window, qtbot, tmp_path):
    progress = window.ergonomics.progress
    seen = []
    progress.bar.valueChanged.connect(seen.append)
    drill = window.start_drill(write_feed(tmp_path / "drill.jsonl", 6 * 60), journal_path=tmp_path / "d.sqlite")
    assert drill is not None
    assert progress.isVisible()
    qtbot.waitUntil(lambda: progress.bar.value() == 100, timeout=60_000)
    assert progress.caption.text() == "Indexing the replay"
    # Two stretches: the feed read (to 100 % when read), then the index from 0, only forward, to 100 %.
    indexing = seen[len(seen) - 1 - seen[::-1].index(0):]
    assert seen[:2] == [0, 100] and indexing[-1] == 100 and indexing == sorted(indexing)
    qtbot.waitUntil(lambda: not progress.isVisible(), timeout=5_000)  # and goes once done


def test_work_on_another_thread_reports_through_a_number_the_gui_shows(qtbot):
    import threading

    progress = WorkProgress()
    qtbot.addWidget(progress)
    progress.show()
    progress.start("Reading")
    worker = threading.Thread(target=lambda: [progress.report(i / 10) for i in range(11)])
    worker.start()
    worker.join()
    qtbot.waitUntil(lambda: progress.bar.value() == 100)


def test_a_count_with_no_total_runs_busy_and_counts_in_the_locale(qtbot):
    progress = WorkProgress()
    qtbot.addWidget(progress)
    progress.show()
    on_count = progress.counting("Reading the feed")
    assert progress.bar.maximum() == 0  # busy: no total known
    on_count(1_234_567)
    assert progress.caption.text() == "Reading the feed: 1,234,567 readings"
    progress.finish()
    assert progress.bar.maximum() == 100 and progress.bar.value() == 100
