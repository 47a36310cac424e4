"""Starting Qt: the application object, translations and the map font."""

from __future__ import annotations

import os
import sys

from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication

from console.ui.fonts import map_font_family
from console.ui.i18n import chosen_language, install_translators


def application(language: str | None = None) -> QApplication:
    """The one QApplication, with the chosen language and a font that shows Chinese.

    With no screen to show a window on, Qt renders offscreen (snapshots) instead
    of aborting for want of a display.
    """
    if QApplication.instance() is None and not has_display():
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("console")
    app.setOrganizationName("one-map")
    language = chosen_language(language)
    if getattr(app, "console_language", None) != language:
        for translator in getattr(app, "console_translators", []):
            app.removeTranslator(translator)
        app.console_translators = install_translators(app, language)
        app.console_language = language
    font = QFont(map_font_family())
    font.setPointSize(10)
    app.setFont(font)
    return app


def has_display() -> bool:
    """False on a machine with no screen (then the console renders snapshots instead)."""
    if os.environ.get("QT_QPA_PLATFORM", "").startswith("offscreen"):
        return False
    if sys.platform.startswith("linux"):
        return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    return True
