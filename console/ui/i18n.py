"""Languages: zh_CN and English. UI strings go through Qt's ``tr``; data carries both names."""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

TRANSLATIONS = Path(__file__).resolve().parents[2] / "assets" / "translations"
LANGUAGES = ("zh_CN", "en")


def chosen_language(requested: str | None = None, remembered: str | None = None) -> str:
    """``--lang`` wins, then CONSOLE_LANG, then the language chosen in the window last time
    (``remembered``), then the system locale; Chinese for any zh locale."""
    language = requested or os.environ.get("CONSOLE_LANG") or remembered or QLocale.system().name()
    return "zh_CN" if language.lower().startswith("zh") else "en"


def install_translators(app: QCoreApplication, language: str) -> list[QTranslator]:
    """Load the console's and Qt's own translations; returns them (keep them alive)."""
    translators = []
    if language == "en":
        return translators
    ours = QTranslator(app)
    qm = TRANSLATIONS / f"console_{language}.qm"
    if not ours.load(str(qm)):
        raise FileNotFoundError(f"{qm}: translation not built (run `make translations`)")
    app.installTranslator(ours)
    translators.append(ours)
    qt_own = QTranslator(app)
    if qt_own.load(QLocale(language), "qtbase", "_", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
        app.installTranslator(qt_own)
        translators.append(qt_own)
    return translators


def current_language() -> str:
    app = QCoreApplication.instance()
    return getattr(app, "console_language", "en") if app else "en"


def layer_title(item) -> str:
    """The title of a layer, group or catalog in the UI's language (data carries both)."""
    if current_language() == "zh_CN":
        return getattr(item, "title_zh", "") or getattr(item, "title", "") or getattr(item, "name", "")
    return getattr(item, "title", "") or getattr(item, "name", "")
