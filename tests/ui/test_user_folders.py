"""No test writes to the user's files: every folder the console writes by default is the test's own."""

from __future__ import annotations

from PySide6.QtCore import QSettings

from console.geo.catalog import BasemapEntry
from console.ui.shift import JOURNAL_NAME, default_journal_path, open_journal


def test_the_default_journal_lands_in_the_test_folder(_fresh_settings, monkeypatch):
    home = _fresh_settings
    assert default_journal_path() == home / "data" / JOURNAL_NAME
    # Without CONSOLE_DATA_DIR the journal goes to Qt's application data folder: still the test's.
    monkeypatch.delenv("CONSOLE_DATA_DIR")
    path = default_journal_path()
    assert path.name == JOURNAL_NAME and path.is_relative_to(home)
    journal, error = open_journal(path, ask=lambda _error: False)
    assert error is None
    journal.close()
    assert path.is_file()


def test_settings_and_the_tile_cache_land_in_the_test_folder(_fresh_settings, monkeypatch, qapp):
    home = _fresh_settings
    settings = QSettings()
    settings.setValue("probe", 1)
    settings.sync()
    assert settings.fileName().startswith(str(home))
    monkeypatch.delenv("XDG_CACHE_HOME")
    basemap = BasemapEntry(name="intranet", title="intranet", url="http://tiles.invalid/{z}/{x}/{y}.png")
    assert basemap.open_source().cache_dir.is_relative_to(home)
