"""The impact summary on a briefing page: present while the window shows an impact result (and the overlay
stays on the page's map), absent otherwise; from `console snapshot --impact-sensor` too. The files are real
PDFs and PNGs, read back with pdftotext and as pixels, on the hand-made city whose answers are known."""

from __future__ import annotations

import unicodedata

import numpy as np
import pytest
from PySide6.QtGui import QColor, QImage

from console.cli import main
from console.ui.app import application
from console.ui.briefing import write_briefing
from console.ui.briefing.build import briefing_of_window
from console.ui.impact.overlay import RADIUS
from console.ui.main_window import MainWindow
from tests.impact import handmade
from tests.ui.test_briefing import leftovers, needs_poppler, pdf_text


def open_window(qtbot, tmp_path) -> MainWindow:
    window = MainWindow()
    qtbot.addWidget(window)
    window.resize(1200, 800)
    window.open_journal(tmp_path / "live.sqlite")
    window.open_catalog(handmade.write_city(tmp_path / "city"))
    window.show()
    return window


def analyse(window, qtbot, sensor_id: str = handmade.GAS_SENSOR):
    layer = next(layer for layer in window.canvas.renderer.layers if layer.is_sensor_layer)
    window.canvas.feature_clicked.emit(layer, int(np.flatnonzero(layer.column_values("id") == sensor_id)[0]))
    panel = window.impact.panel
    window.impact.action.trigger()
    qtbot.waitUntil(lambda: panel.result is not None and panel.result.sensor == sensor_id, timeout=20_000)
    return panel.result


def page_png(window, path):
    """The window's briefing as a 1920x1080 PNG, and where its map went (offset and view)."""
    parts = write_briefing(briefing_of_window(window), path, "screen")
    return QImage(str(path)), parts


def page_pixel(image, parts, x, y) -> QColor:
    px, py = parts.view.to_pixel(x, y)
    return image.pixelColor(round(parts.map.left() + px), round(parts.map.top() + py))


def tinted(colour: QColor) -> bool:
    """The radius circle's translucent purple over the map: more blue than green."""
    return colour.blue() > colour.green() + 4


@needs_poppler
def test_a_shown_impact_puts_its_summary_and_overlay_on_the_page_and_a_cleared_one_neither(qtbot, tmp_path):
    window = open_window(qtbot, tmp_path)
    try:
        before = pdf_text(window.export_briefing(tmp_path / "before.pdf"))
        assert "Impact of" not in before and "Nearest units by road" not in before

        result = analyse(window, qtbot)
        text = pdf_text(window.export_briefing(tmp_path / "impact.pdf"))
        assert f"Impact of {handmade.GAS_SENSOR}" in text
        assert "Radius 300 m" in text and result.radius_source.split(":")[0] + ":" in text
        assert "Facilities inside: 2" in text and "1,100 people" in text
        assert text.index("东湖小学") < text.index("江滨医院")  # nearest first
        assert "Valves to close: 3" in text
        assert "Nearest units by road" in text
        fire = next(line for line in text.splitlines() if "fire and rescue" in line and "消防站" in line)
        assert "东区消防站" in fire and "北岸消防站" not in fire  # the nearest by road, not as the crow flies
        east = next(r for r in result.resources if r.name == "东区消防站")
        assert f"{east.road_m / 1000:.2f} km · {east.minutes:.0f} min" in fire
        # The overlay's layers are named in the page's legend.
        assert "Impact radius" in text and "Valves to close" in text

        image, parts = page_png(window, tmp_path / "impact.png")
        assert (image.width(), image.height()) == (1920, 1080)
        assert tinted(page_pixel(image, parts, -120, 200))  # inside the 300 m circle
        assert not tinted(page_pixel(image, parts, -120, 420))  # outside it
        # The block sits in the sidebar, its accent bar in the radius purple.
        bar = [image.pixelColor(round(parts.sidebar.left() + 1), y) for y in range(int(parts.sidebar.top()),
                                                                                    int(parts.sidebar.bottom()))]
        assert sum(abs(c.red() - QColor(RADIUS).red()) + abs(c.green() - QColor(RADIUS).green())
                   + abs(c.blue() - QColor(RADIUS).blue()) < 60 for c in bar) >= 10

        window.impact.panel.clear_button.click()
        after = pdf_text(window.export_briefing(tmp_path / "after.pdf"))
        assert "Impact of" not in after and "Impact radius" not in after
        image, parts = page_png(window, tmp_path / "after.png")
        assert not tinted(page_pixel(image, parts, -120, 200))
    finally:
        window.session.close()
        window.close()


@needs_poppler
def test_the_zh_cn_page_gives_the_impact_in_chinese(qtbot, tmp_path):
    from console.ui.briefing.impact_block import block_title

    application("zh_CN")
    try:
        window = open_window(qtbot, tmp_path)
        try:
            result = analyse(window, qtbot)
            text = pdf_text(window.export_briefing(tmp_path / "影响.pdf"))
            assert block_title(result) in text
            # pdf_text folds full-width punctuation (NFKC), so the expected text is folded the same way.
            assert unicodedata.normalize("NFKC", result.radius_source_zh[:16]) in text
            assert result.radius_source[:16] not in text
            lines = text.splitlines()
            for name, kind in (("东湖小学", "学校"), ("江滨医院", "医院")):  # kinds as the Impact dock names them
                assert any(name in line and kind in line for line in lines)
            assert "消防救援" in text and "东区消防站" in text
            assert "影响半径" in text  # the overlay's layer in the legend
        finally:
            window.session.close()
            window.close()
    finally:
        application("en")


@needs_poppler
def test_snapshot_impact_sensor_adds_the_summary_and_zooms_to_the_impact(tmp_path, capsys, qapp):
    catalog = handmade.write_city(tmp_path / "city")
    out = tmp_path / "brief.pdf"
    assert main(["snapshot", "--catalog", str(catalog), "--impact-sensor", handmade.GAS_SENSOR, "--out", str(out),
                 "--lang", "en"]) == 0
    text = pdf_text(out)
    assert f"Impact of {handmade.GAS_SENSOR}" in text and "Valves to close: 3" in text
    assert "Facilities inside: 2" in text and "东区消防站" in text
    png = tmp_path / "brief.png"
    assert main(["snapshot", "--catalog", str(catalog), "--impact-sensor", handmade.GAS_SENSOR, "--out", str(png),
                 "--lang", "en"]) == 0
    assert QImage(str(png)).width() == 1920

    plain = tmp_path / "plain.pdf"
    assert main(["snapshot", "--catalog", str(catalog), "--out", str(plain), "--lang", "en"]) == 0
    assert "Impact of" not in pdf_text(plain)


@needs_poppler
def test_what_the_analysis_cannot_answer_is_said_on_the_page(tmp_path, qapp):
    catalog = handmade.write_city(tmp_path / "city", facilities=False)
    out = tmp_path / "far.pdf"
    assert main(["snapshot", "--catalog", str(catalog), "--impact-sensor", handmade.FAR_SENSOR, "--out", str(out),
                 "--lang", "en"]) == 0
    text = " ".join(pdf_text(out).split())  # the notes wrap: read them as one line
    assert f"Impact of {handmade.FAR_SENSOR}" in text
    assert "No facilities layer" in text and "Facilities inside: 0" in text
    assert f"Sensor {handmade.FAR_SENSOR} is on no gas pipe" in text
    assert "Nearest units by road" in text  # the rest still answers


def test_snapshot_impact_of_an_unknown_sensor_is_named_and_writes_nothing(tmp_path, capsys, qapp):
    catalog = handmade.write_city(tmp_path / "city")
    out = tmp_path / "brief.pdf"
    assert main(["snapshot", "--catalog", str(catalog), "--impact-sensor", "NO-SUCH", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "--impact-sensor" in err and "NO-SUCH" in err
    assert not out.exists() and leftovers(tmp_path) == []


@pytest.fixture(autouse=True)
def _english_after(qapp):
    yield
    application("en")
