"""Starting Qt: the application object, translations, the bundled Chinese font and the theme."""

from __future__ import annotations

import os
import sys

from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication

from console.ui.fonts import map_font_family
from console.ui.i18n import chosen_language, install_translators

BASE_POINT_SIZE = 10


def application(language: str | None = None, theme: str | None = None) -> QApplication:
    """The one QApplication, with the chosen language, a font that shows Chinese and the theme.

    The language is ``language``, else CONSOLE_LANG, else the one chosen in the
    window last time, else the system's. The theme is ``theme``, else the one
    chosen last time; with neither, Qt's own light palette stays. With no screen
    to show a window on, Qt renders offscreen (snapshots) instead of aborting for
    want of a display.
    """
    if QApplication.instance() is None and not has_display():
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("console")
    app.setOrganizationName("one-map")
    from console.ui.settings import WindowSettings

    remembered = WindowSettings()
    language = chosen_language(language, remembered.language)
    if getattr(app, "console_language", None) != language:
        for translator in getattr(app, "console_translators", []):
            app.removeTranslator(translator)
        app.console_translators = install_translators(app, language)
        app.console_language = language
    # The bundled Noto Sans SC subset (console/ui/fonts.py): the same Chinese on every machine.
    font = QFont(map_font_family())
    font.setPointSize(BASE_POINT_SIZE)
    app.setFont(font)
    theme = theme or remembered.theme
    if theme is not None and getattr(app, "console_theme", None) != theme:
        from console.ui.theme import apply_theme

        apply_theme(theme, app)
    return app


def has_display() -> bool:
    """False on a machine with no screen (then the console renders snapshots instead)."""
    if os.environ.get("QT_QPA_PLATFORM", "").startswith("offscreen"):
        return False
    if sys.platform.startswith("linux"):
        return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    return True
