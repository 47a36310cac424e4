"""Shared fixtures: offscreen Qt, fresh settings per test, paths to shared sample data."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

REPO = Path(__file__).resolve().parents[1]
REALDATA = REPO.parent / "shared" / "realdata"
DEMO_CATALOG = REPO / "layers" / "demo" / "catalog.toml"


@pytest.fixture
def realdata() -> Path:
    """The shared folder of public sample files; tests using it skip when it is absent."""
    if not REALDATA.is_dir():
        pytest.skip(f"shared sample data not found at {REALDATA}")
    return REALDATA


@pytest.fixture(autouse=True)
def _fresh_settings(tmp_path_factory, monkeypatch):
    """Each test gets its own home, data, config and cache folders: no test touches the user's files.

    What the console reads: ``CONSOLE_DATA_DIR`` (the journal), Qt's standard paths
    (the journal when that is unset), ``XDG_CACHE_HOME`` or ``~/.cache`` (the tile
    cache), and QSettings, which Qt keeps under the config home. Yields the
    temporary home folder; ``CONSOLE_DATA_DIR`` points at ``<home>/data``.
    """
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    for variable, folder in (("XDG_CONFIG_HOME", ".config"), ("XDG_DATA_HOME", ".local/share"),
                             ("XDG_CACHE_HOME", ".cache"), ("XDG_STATE_HOME", ".local/state")):
        (home / folder).mkdir(parents=True)
        monkeypatch.setenv(variable, str(home / folder))
    monkeypatch.setenv("CONSOLE_DATA_DIR", str(home / "data"))
    try:
        from PySide6.QtCore import QSettings, QStandardPaths
    except ImportError:  # the domain's tests run without Qt
        QSettings = QStandardPaths = None
    if QStandardPaths is not None:
        # Test mode puts every writable location under ~/.qttest, which is now the temporary home.
        QStandardPaths.setTestModeEnabled(True)
        # QSettings fixes its folders at first use, so they are set per test rather than by XDG_CONFIG_HOME.
        for settings_format in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
            for scope in (QSettings.Scope.UserScope, QSettings.Scope.SystemScope):
                QSettings.setPath(settings_format, scope, str(home / ".config"))
    yield home


@pytest.fixture(scope="session")
def replay_city(tmp_path_factory):
    """(sensor table, decoded feed) of the replay tests' small city: about 70 sensors, six hours."""
    from console.feeds.replay import decode_feed
    from tests.feeds.replay_helpers import small_city

    table, feed, _ = small_city(tmp_path_factory.mktemp("replay_city"))
    return table, decode_feed(feed, table)

