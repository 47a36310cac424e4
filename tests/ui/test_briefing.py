"""Briefing pages (console snapshot and File ▸ Export briefing…): the files are real PNGs and PDFs,
read back as pixels, with pdfinfo and with pdftotext."""

from __future__ import annotations

import json
import shutil
import subprocess
import unicodedata

import geopandas as gpd
import pytest
import shapely
from PySide6.QtGui import QColor, QImage

from console.cli import main
from console.ui.briefing.style import HEADER_FILL
from console.ui.drill import DRILL_COLOUR
from tests.ui.live_fixtures import MINUTE, T0, sensor_layer

needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed "
                                   "(scripts/system-deps.sh)")
FEED_START = T0
FEED_END = T0 + 60 * MINUTE


def write_city(folder):
    """A small city as a real catalog: two districts, a river, and the eleven test sensors."""
    folder.mkdir(parents=True, exist_ok=True)
    sensors = sensor_layer().frame.to_crs("EPSG:4326")
    sensors.to_file(folder / "sensors.geojson", driver="GeoJSON")
    x0, y0 = 12_718_000.0, 3_567_000.0
    districts = gpd.GeoDataFrame({"name_zh": ["江北区", "滨江区"]},
                                 geometry=[shapely.box(x0, y0, x0 + 8_000, y0 + 8_000),
                                           shapely.box(x0 + 8_000, y0, x0 + 16_000, y0 + 8_000)],
                                 crs="EPSG:3857").to_crs("EPSG:4326")
    districts.to_file(folder / "districts.geojson", driver="GeoJSON")
    river = gpd.GeoDataFrame({"name": ["清澜江"]}, geometry=[shapely.LineString(
        [(x0, y0 + 1_500), (x0 + 16_000, y0 + 2_000)])], crs="EPSG:3857").to_crs("EPSG:4326")
    river.to_file(folder / "river.geojson", driver="GeoJSON")
    (folder / "catalog.toml").write_text('''title = "Test City"
title_zh = "测试城"

[[layers]]
name = "districts"
title = "Districts"
title_zh = "行政区"
source = "districts.geojson"
[layers.style]
fill = "#ECE9E1"
stroke = "#9C9384"
label = "name_zh"

[[layers]]
name = "river"
title = "Rivers"
title_zh = "河流"
source = "river.geojson"
[layers.style]
stroke = "#6FA8DC"
width = 3.0

[[layers]]
name = "sensors"
title = "Sensors"
title_zh = "监测点"
source = "sensors.geojson"
sensors = true
[layers.style]
marker = "circle"
size = 7.0
fill = "#3A7D7C"
stroke = "#2A5A59"
''', encoding="utf-8")
    return folder / "catalog.toml"


def write_feed(path):
    """An hour: calm; GAS-00003 leaks from minute 20 (level II, then I from 21); WLG-00001 floods from 30 (IV)."""
    with open(path, "w", encoding="utf-8") as out:
        for minute in range(61):
            t = T0 + minute * MINUTE
            for sensor in ("GAS-00001", "GAS-00002", "GAS-00003"):
                value = 0.5 if sensor != "GAS-00003" or minute < 20 else (30.0 if minute == 20 else 60.0)
                out.write(json.dumps({"t": t, "sensor": sensor, "value": value}) + "\n")
            out.write(json.dumps({"t": t, "sensor": "WLG-00001", "value": 20.0 if minute >= 30 else 0.0}) + "\n")
    return path


@pytest.fixture(scope="module")
def city(tmp_path_factory):
    folder = tmp_path_factory.mktemp("city")
    return write_city(folder), write_feed(folder / "storm.jsonl")


def snapshot(city, out, *options):
    catalog, feed = city
    return main(["snapshot", "--catalog", str(catalog), "--out", str(out), *options])


def pdf_text(path) -> str:
    """The PDF's text as pdftotext reads it, NFKC-normalised: Qt's text mapping for Noto Sans CJK gives
    some ideographs as their Kangxi radical twins (气 as U+2F53), which NFKC folds back."""
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return unicodedata.normalize("NFKC", text)


def pdf_page_size(path) -> str:
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return next(line for line in info.splitlines() if line.startswith("Page size")).split(":", 1)[1].strip()


def near(colour: QColor, target: str, tolerance: int = 30) -> bool:
    other = QColor(target)
    return abs(colour.red() - other.red()) + abs(colour.green() - other.green()) + abs(
        colour.blue() - other.blue()) < tolerance


def leftovers(folder) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".part"))


# --- drill and live ----------------------------------------------------------------------------


def test_feed_briefing_png_is_marked_as_a_drill(city, tmp_path, capsys, qapp):
    out = tmp_path / "drill.png"
    assert snapshot(city, out, "--feed", str(city[1]), "--at", "+0:45", "--lang", "en") == 0
    assert str(out.resolve()) in capsys.readouterr().out
    image = QImage(str(out))
    assert (image.width(), image.height()) == (1920, 1080)  # the screen layout: 16:9
    assert near(image.pixelColor(4, 4), DRILL_COLOUR)  # the header band
    assert near(image.pixelColor(17, 500), DRILL_COLOUR)  # the violet frame round the map
    assert leftovers(tmp_path) == []


def test_briefing_without_a_drill_has_no_drill_mark(city, tmp_path, qapp):
    out = tmp_path / "live.png"
    assert snapshot(city, out, "--layout", "screen", "--size", "1600x1000", "--lang", "en") == 0
    image = QImage(str(out))
    assert (image.width(), image.height()) == (1600, 1000)
    assert near(image.pixelColor(4, 4), HEADER_FILL.name())
    violet = sum(near(image.pixelColor(x, y), DRILL_COLOUR) for x in range(0, 1600, 8) for y in range(0, 1000, 8))
    assert violet == 0


@needs_poppler
def test_drill_pdf_in_english_is_a4_landscape_with_the_alarms_and_the_mark(city, tmp_path, qapp):
    out = tmp_path / "drill.pdf"
    assert snapshot(city, out, "--feed", str(city[1]), "--at", "+0:45", "--lang", "en") == 0
    assert pdf_page_size(out) == "842 x 595 pts (A4)"  # landscape: wider than high
    text = pdf_text(out)
    assert "演练 DRILL" in text
    assert "Legend" in text and "Sensors" in text and "Districts" in text and "Rivers" in text
    assert "Active alarms (2)" in text  # the gas leak (I) and the flooded underpass (IV)
    assert text.index("Gas pit 3") < text.index("Underpass 1")  # most severe first
    assert "2026-07-21 08:45:00" in text  # the feed clock in China Standard Time
    assert "storm.jsonl" in text  # the data-source note


@needs_poppler
def test_zh_cn_pdf_has_chinese_text_and_a3_is_a3_landscape(city, tmp_path, qapp):
    out = tmp_path / "简报.pdf"
    assert snapshot(city, out, "--feed", str(city[1]), "--at", "+0:45", "--lang", "zh_CN", "--layout", "a3") == 0
    assert pdf_page_size(out) == "1191 x 842 pts (A3)"
    text = pdf_text(out)
    assert "图例" in text
    assert "燃气井3" in text and "下穿通道1" in text  # sensor names in Chinese
    assert "行政区" in text  # a layer title in the legend


@needs_poppler
def test_live_journal_briefing_lists_its_open_alarms_without_the_drill_mark(city, tmp_path, qapp):
    journal = tmp_path / "duty.sqlite"
    assert main(["process", str(city[1]), "--journal", str(journal), "--catalog", str(city[0])]) == 0
    out = tmp_path / "journal.pdf"
    assert snapshot(city, out, "--journal", str(journal), "--lang", "en") == 0
    text = pdf_text(out)
    assert "DRILL" not in text and "演练" not in text
    assert "Active alarms (2)" in text and "Gas pit 3" in text
    assert "duty.sqlite" in text


# --- legend ------------------------------------------------------------------------------------


@needs_poppler
def test_window_briefing_legend_lists_exactly_the_visible_layers(qtbot, tmp_path, city):
    from console.ui.briefing import legend_sections
    from console.ui.main_window import MainWindow

    window = MainWindow()
    qtbot.addWidget(window)
    window.open_journal(tmp_path / "live.sqlite")
    window.open_paths([str(city[0])])
    river = next(layer for layer in window.canvas.renderer.layers if layer.name == "river")
    river.visible = False
    sections = legend_sections(window.canvas.renderer)
    layer_rows = [text for _, text in sections[0].rows]
    visible = [layer for layer in reversed(window.canvas.renderer.layers) if layer.visible]
    assert layer_rows == [layer.title for layer in visible] == ["Sensors", "Districts"]
    assert len(sections) == 2 and len(sections[1].rows) == 6  # four levels, no data, shelved
    out = window.export_briefing(tmp_path / "window.pdf")
    text = pdf_text(out)
    assert "Districts" in text and "Sensors" in text and "Rivers" not in text
    assert "DRILL" not in text
    window.session.close()


def test_window_briefing_of_a_drill_is_marked_and_live_again_after_it(qtbot, tmp_path, city):
    from console.ui.main_window import MainWindow

    window = MainWindow()
    qtbot.addWidget(window)
    window.open_journal(tmp_path / "live.sqlite")
    window.open_paths([str(city[0])])
    window.start_drill(city[1], journal_path=tmp_path / "drill.sqlite")
    window.replay_panel.controller.seek(T0 + 45 * MINUTE)
    drill_png = window.export_briefing(tmp_path / "drill.png", size=(1600, 1000))
    image = QImage(str(drill_png))
    assert near(image.pixelColor(4, 4), DRILL_COLOUR)
    window.leave_drill()
    live_png = window.export_briefing(tmp_path / "live.png", size=(1600, 1000))
    assert near(QImage(str(live_png)).pixelColor(4, 4), HEADER_FILL.name())
    window.session.close()


# --- bad input ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("options", "named"), [
    (["--lang", "fr"], "--lang"),
    (["--layout", "a5"], "--layout"),
    (["--at", "+5:00"], "outside the feed"),
    (["--at", "2026-07-21T12:00:00+08:00"], "outside the feed"),
    (["--at", "yesterday"], "is not a time"),
])
def test_bad_options_are_named_and_nothing_is_written(city, tmp_path, capsys, qapp, options, named):
    out = tmp_path / "brief.pdf"
    assert snapshot(city, out, "--feed", str(city[1]), *options) == 2
    assert named in capsys.readouterr().err
    assert not out.exists() and leftovers(tmp_path) == []


def test_unknown_format_and_unwritable_output_are_reported(city, tmp_path, capsys, qapp):
    assert snapshot(city, tmp_path / "brief.docx", "--layout", "a4") == 2
    assert "unknown briefing format '.docx'" in capsys.readouterr().err
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the folder should be")
    assert snapshot(city, blocker / "brief.pdf", "--layout", "a4") == 2
    err = capsys.readouterr().err
    assert "not-a-folder" in err and "cannot" in err
    assert leftovers(tmp_path) == []


def test_a_failed_write_leaves_the_old_file_and_no_part_file(city, tmp_path, qapp, monkeypatch):
    from console.errors import InputError
    from console.ui import briefing
    from console.ui.briefing import page

    out = tmp_path / "brief.pdf"
    out.write_bytes(b"the briefing of an hour ago")

    def broken(*_args, **_kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(page, "paint_pdf", broken)
    monkeypatch.setattr(briefing, "paint_pdf", broken)
    with pytest.raises(InputError, match="disk full"):
        briefing.write_briefing(briefing.Briefing(briefing_renderer(), "T", T0), out)
    assert out.read_bytes() == b"the briefing of an hour ago"
    assert leftovers(tmp_path) == []


def briefing_renderer():
    from console.ui.map.renderer import MapRenderer

    renderer = MapRenderer()
    renderer.add_layer(sensor_layer())
    return renderer


def test_a_file_that_is_not_a_journal_is_named(city, tmp_path, capsys, qapp):
    notes = tmp_path / "notes.sqlite"
    notes.write_text("not a database")
    assert snapshot(city, tmp_path / "brief.pdf", "--journal", str(notes)) == 2
    err = capsys.readouterr().err
    assert "notes.sqlite" in err and "not a console journal" in err
    assert not (tmp_path / "brief.pdf").exists()


@needs_poppler
def test_export_briefing_dialog_filter_chooses_format_and_paper(qtbot, tmp_path, city, monkeypatch):
    from PySide6.QtWidgets import QFileDialog

    from console.ui.briefing import window as briefing_window
    from console.ui.main_window import MainWindow

    window = MainWindow()
    qtbot.addWidget(window)
    window.open_journal(tmp_path / "live.sqlite")
    window.open_paths([str(city[0])])
    a3 = next(text for text, layout in briefing_window.briefing_filters().items() if layout == "a3")
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *args, **kwargs: (str(tmp_path / "morning"), a3))
    window.briefing_action.trigger()
    assert pdf_page_size(tmp_path / "morning.pdf") == "1191 x 842 pts (A3)"
    assert "morning.pdf" in window.statusBar().currentMessage()
    window.session.close()


def test_a_legend_too_long_for_the_page_counts_what_it_leaves_out(qapp):
    from console.ui.briefing.legend import LegendBlock, LegendSection, legend_sections

    renderer = briefing_renderer()
    [layers, states] = legend_sections(renderer)
    many = LegendSection(layers.heading, layers.rows * 40)
    block = LegendBlock([many, states], 300, max_height=400)
    assert block.height <= 400
    assert block.left_out > 0 and len(block.sections[0].rows) + block.left_out == 40
    assert block.sections[1].rows == states.rows  # the warning levels are never left out


def test_a_flood_of_one_district_is_its_footprint_on_the_page_and_in_the_legend(city, tmp_path, qapp):
    # Five underpasses of 金桥区 flood together: one incident, drawn as its area at city scale, as in the window.
    from console.feeds.replay import Replay
    from console.model.sensors import SensorTable
    from console.ui.briefing.state import StatePainter

    feed = tmp_path / "flood.jsonl"
    with open(feed, "w", encoding="utf-8") as out:
        for minute in range(31):
            for i in range(1, 6):
                value = 60.0 if minute >= 10 else 0.0
                out.write(json.dumps({"t": T0 + minute * MINUTE, "sensor": f"WLG-{i:05d}", "value": value}) + "\n")
    pdf = tmp_path / "flood.pdf"
    assert snapshot(city, pdf, "--feed", str(feed), "--at", "+0:30", "--lang", "en") == 0
    assert "Flood incident area" in pdf_text(pdf)

    renderer = briefing_renderer()
    table = SensorTable.from_layers([renderer.layers[0]])
    replay = Replay(str(feed), table)
    replay.advance_to(T0 + 30 * MINUTE)
    state = StatePainter(renderer, replay.table)
    state.paint()
    footprints = state.add_footprints(replay.book)
    [area] = footprints.footprints
    assert area.count == 5 and area.family == "flood"
    ids = renderer.layers[0].frame["id"]
    hidden = renderer.painter_for(renderer.layers[0]).hidden_features
    assert sorted(ids.iloc[hidden]) == [f"WLG-{i:05d}" for i in range(1, 6)]  # their markers give way to the area
