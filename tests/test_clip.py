"""Replay clips (console clip, the replay panel's Export clip…): real animated GIF and WebP files,
read back frame by frame with Pillow."""

from __future__ import annotations

import pytest
from PIL import Image

from console.cli import main
from console.ui.drill import DRILL_COLOUR
from tests.ui.live_fixtures import MINUTE, T0
from tests.ui.test_briefing import write_city, write_feed

LEVEL_I_RED = (0xD7, 0x26, 0x3D)


@pytest.fixture(scope="module")
def city(tmp_path_factory):
    folder = tmp_path_factory.mktemp("clipcity")
    return write_city(folder), write_feed(folder / "storm.jsonl")


def clip(city, out, *options):
    catalog, feed = city
    return main(["clip", "--catalog", str(catalog), "--feed", str(feed), "--out", str(out), "--lang", "en",
                 *options])


def frames_of(path) -> list[Image.Image]:
    image = Image.open(path)
    frames = []
    for index in range(image.n_frames):
        image.seek(index)
        frames.append(image.convert("RGB"))
    return frames


def near(pixel, target, tolerance: int = 40) -> bool:
    return sum(abs(a - b) for a, b in zip(pixel, target, strict=True)) < tolerance


def hex_rgb(text: str) -> tuple[int, int, int]:
    return tuple(int(text[i:i + 2], 16) for i in (1, 3, 5))


def red_on_map(frame: Image.Image) -> int:
    """Level I red on the map, left of the level chips at the bottom right."""
    width, height = frame.size
    return sum(near(frame.getpixel((x, y)), LEVEL_I_RED) for x in range(0, width, 2)
               for y in range(0, height - 60, 2))


@pytest.mark.parametrize("suffix", [".gif", ".webp"])
def test_clip_has_one_frame_per_step_with_the_drill_mark_and_the_alarms_as_they_come(city, tmp_path, capsys, qapp,
                                                                                      suffix):
    out = tmp_path / f"storm{suffix}"
    assert clip(city, out, "--from", "+0:10", "--to", "+0:50", "--step", "10min", "--size", "480x300") == 0
    assert str(out.resolve()) in capsys.readouterr().out
    frames = frames_of(out)
    assert len(frames) == 5  # 0:10, 0:20, 0:30, 0:40, 0:50
    assert {frame.size for frame in frames} == {(480, 300)}
    violet = hex_rgb(DRILL_COLOUR)
    for frame in frames:
        assert near(frame.getpixel((2, 150)), violet)  # the drill frame round the map
        assert near(frame.getpixel((20, 60)), violet)  # the feed clock's box
    assert red_on_map(frames[0]) == 0  # 0:10: calm
    assert red_on_map(frames[-1]) > 0  # 0:50: the gas leak at level I


def test_frames_differ_by_the_feed_clock(city, tmp_path, qapp):
    out = tmp_path / "clock.gif"
    assert clip(city, out, "--from", "+0:00", "--to", "+0:02", "--step", "1min", "--size", "480x300") == 0
    first, second, _ = frames_of(out)
    box = (14, 14, 260, 114)  # the feed clock
    assert first.crop(box).tobytes() != second.crop(box).tobytes()


@pytest.mark.parametrize(("options", "named"), [
    (["--from", "+0:50", "--to", "+0:10"], "the range is empty"),
    (["--from", "+0:10", "--to", "+3:00"], "outside the feed"),
    (["--from", "2026-07-20T00:00:00+08:00", "--to", "+0:10"], "outside the feed"),
    (["--from", "+0:10", "--to", "+0:20", "--step", "fast"], "--step"),
    (["--from", "+0:10", "--to", "+0:20", "--step", "1h"], "one frame"),
    (["--from", "+0:10", "--to", "+0:20", "--lang", "de"], "--lang"),
    (["--from", "soon", "--to", "+0:20"], "is not a time"),
])
def test_bad_spans_are_named_and_nothing_is_written(city, tmp_path, capsys, qapp, options, named):
    out = tmp_path / "clip.gif"
    assert clip(city, out, *options) == 2
    assert named in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_unknown_format_and_missing_folder_are_reported(city, tmp_path, capsys, qapp):
    assert clip(city, tmp_path / "clip.mp4", "--from", "+0:10", "--to", "+0:20") == 2
    assert "unknown clip format '.mp4'" in capsys.readouterr().err
    assert clip(city, tmp_path / "nowhere" / "clip.gif", "--from", "+0:10", "--to", "+0:20") == 2
    assert "does not exist" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_window_clip_is_made_off_the_gui_thread_while_the_window_answers(qtbot, tmp_path, city):
    from PySide6.QtCore import QTimer

    from console.ui.clip_dialog import ClipDialog, start_clip
    from console.ui.main_window import MainWindow

    window = MainWindow()
    qtbot.addWidget(window)
    window.open_journal(tmp_path / "live.sqlite")
    window.open_paths([str(city[0])])
    drill = window.start_drill(city[1], journal_path=tmp_path / "drill.sqlite")
    window.replay_panel.controller.seek(T0 + 30 * MINUTE)
    assert window.replay_panel.clip_action.isEnabled()
    ticks = []
    timer = QTimer()
    timer.setInterval(10)
    timer.timeout.connect(lambda: ticks.append(1))
    timer.start()
    progress = []
    job = start_clip(window, T0, T0 + 60 * MINUTE, 5 * MINUTE, tmp_path / "window.gif", size=(480, 300),
                     progress=lambda done, total: progress.append((done, total)))
    qtbot.waitUntil(lambda: job.finished, timeout=120_000)
    timer.stop()
    assert job.error is None and job.result == tmp_path / "window.gif"
    assert len(frames_of(job.result)) == 13
    assert progress[-1] == (13, 13)
    # The event loop ran meanwhile (ticks of 10 ms; a fast machine makes the 13 frames in a few tens of ms).
    assert ticks
    assert drill.now_ms == T0 + 30 * MINUTE  # the drill on screen stayed where it was

    dialog = ClipDialog(window)
    qtbot.addWidget(dialog)
    dialog.from_edit.setDateTime(dialog.to_edit.dateTime())  # an empty span: told in the dialog
    assert dialog.export() is None
    assert "the range is empty" in dialog.message.text()
    window.leave_drill()
    window.session.close()
