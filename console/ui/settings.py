"""What the window remembers between runs (QSettings): dock layout, language, theme, recent files.

Kept under the ``window`` group of the console's QSettings (organisation
``one-map``, application ``console``: Qt puts it under the user's config
folder). Values read back are checked: a language or theme this version does
not know, or a layout saved by another version, is ignored and the default used.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings

from console.ui.i18n import LANGUAGES
from console.ui.theme import THEMES

GROUP = "window"
MAX_RECENT = 10
# Bumped when the docks change in a way an old saved layout would misplace.
LAYOUT_VERSION = 1


def ui_settings() -> QSettings:
    """The console's settings store (the same one wherever it is asked for)."""
    return QSettings("one-map", "console")


class WindowSettings:
    """Typed access to the remembered window state.

    Parameters
    ----------
    settings : QSettings, optional
        The store (default: ``ui_settings()``); tests give a file of their own.
    """

    def __init__(self, settings: QSettings | None = None):
        self.store = settings or ui_settings()

    def _get(self, key: str, default=None):
        return self.store.value(f"{GROUP}/{key}", default)

    def _set(self, key: str, value) -> None:
        self.store.setValue(f"{GROUP}/{key}", value)

    # --- language and theme -------------------------------------------------------
    @property
    def language(self) -> str | None:
        value = self._get("language")
        return value if value in LANGUAGES else None

    @language.setter
    def language(self, value: str) -> None:
        if value not in LANGUAGES:
            raise ValueError(f"unknown language {value!r}: choose one of {', '.join(LANGUAGES)}")
        self._set("language", value)

    @property
    def theme(self) -> str | None:
        value = self._get("theme")
        return value if value in THEMES else None

    @theme.setter
    def theme(self, value: str) -> None:
        if value not in THEMES:
            raise ValueError(f"unknown theme {value!r}: choose one of {', '.join(THEMES)}")
        self._set("theme", value)

    # --- recent files ----------------------------------------------------------------
    @property
    def recent_files(self) -> list[str]:
        value = self._get("recent_files", [])
        if isinstance(value, str):  # QSettings gives a one-item list back as a plain string
            value = [value]
        return [str(path) for path in (value or []) if path][:MAX_RECENT]

    def add_recent(self, path) -> list[str]:
        """Put ``path`` first in the recent files (once); returns the list."""
        path = str(Path(path).resolve())
        recent = [path] + [p for p in self.recent_files if p != path]
        self._set("recent_files", recent[:MAX_RECENT])
        return recent[:MAX_RECENT]

    def clear_recent(self) -> None:
        self._set("recent_files", [])

    # --- the window's geometry and docks --------------------------------------------
    def save_window(self, window) -> None:
        """The window's size and place and the docks' layout."""
        self._set("geometry", window.saveGeometry())
        self._set("state", window.saveState(LAYOUT_VERSION))
        self.store.sync()

    def restore_window(self, window) -> bool:
        """Put the docks back as saved; False when nothing (or an older layout) was saved."""
        geometry, state = self._get("geometry"), self._get("state")
        if isinstance(geometry, QByteArray) and not geometry.isEmpty():
            window.restoreGeometry(geometry)
        if isinstance(state, QByteArray) and not state.isEmpty():
            return bool(window.restoreState(state, LAYOUT_VERSION))
        return False
