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
    """Each test gets its own config directory: no test touches the user's files."""
    config = tmp_path_factory.mktemp("config")
    monkeypatch.setenv("CONSOLE_CONFIG_DIR", str(config))
    yield config
