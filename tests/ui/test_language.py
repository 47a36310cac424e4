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
    def messages(path):  # (context, source) -> translation node: Qt looks a string up in its context
        return {(context.find("name").text or "", m.find("source").text): m.find("translation")
                for context in ET.parse(path).iter("context") for m in context.iter("message")}
    in_code = set(messages(fresh))
    translated = messages(TS)
    missing = sorted(key for key in in_code if key not in translated)
    unfinished = sorted(key for key, node in translated.items()
                        if key in in_code and (node.get("type") == "unfinished" or not node.text))
    # A context lupdate took from a variable (``panel.tr(...)``) or a local ``tr`` is not the class
    # Qt looks the string up in at run time: the string would stay English.
    odd = sorted({context for context, _ in in_code if not context[:1].isupper()})
    assert odd == [], f"tr() outside a class's own methods: use QCoreApplication.translate(CLASS, ...): {odd}"
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
