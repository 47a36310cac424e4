"""Both languages work: the zh_CN catalog is complete and loads; the domain needs no Qt."""

from __future__ import annotations

import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

from console.ui.i18n import TRANSLATIONS

TS = TRANSLATIONS / "console_zh_CN.ts"


def test_every_ui_string_has_a_finished_chinese_translation(tmp_path):
    # Re-extract the strings from the code: a new untranslated tr() fails here.
    fresh = tmp_path / "fresh.ts"
    sources = [str(p) for p in (Path(__file__).resolve().parents[2] / "console" / "ui").rglob("*.py")]
    lupdate = Path(sys.executable).with_name("pyside6-lupdate")
    subprocess.run([str(lupdate), *sources, "-ts", str(fresh)], check=True, capture_output=True)
    in_code = {(m.find("source").text) for m in ET.parse(fresh).iter("message")}
    translated = {m.find("source").text: m.find("translation") for m in ET.parse(TS).iter("message")}
    missing = sorted(text for text in in_code if text not in translated)
    unfinished = sorted(text for text, node in translated.items()
                        if text in in_code and (node.get("type") == "unfinished" or not node.text))
    assert missing == [] and unfinished == [], f"translate in {TS.name}: {missing + unfinished}"


def test_window_menus_read_in_chinese(qtbot):
    from console.ui.app import application

    application("zh_CN")
    try:
        from console.ui.main_window import MainWindow

        window = MainWindow()
        qtbot.addWidget(window)
        titles = [action.text() for action in window.menuBar().actions()]
        assert titles[:2] == ["文件(&F)", "视图(&V)"]
        assert window.windowTitle() == "一张图值班监测台"
        from console.ui.map.decorations import format_lonlat

        assert format_lonlat(114.3, 30.6) == "东经114.30000°  北纬30.60000°"
    finally:
        application("en")


def test_domain_imports_without_loading_qt():
    code = (
        "import sys, console, console.cli, console.model.layer, console.model.style, console.model.readings, "
        "console.geo.readers, console.geo.catalog, console.geo.crs, console.geo.tiles\n"
        "import importlib.util\n"
        "for name in ['console.model.sensors', 'console.model.rules', 'console.model.alarms', "
        "'console.model.journal', 'console.feeds.recorded']:\n"
        "    if importlib.util.find_spec(name): __import__(name)\n"
        "loaded = [m for m in sys.modules if m.startswith(('PySide6', 'pyqtgraph', 'shiboken'))]\n"
        "print(loaded)\n"
        "sys.exit(1 if loaded else 0)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
