"""The domain imports without Qt, checked at run time in a fresh interpreter (lint-imports checks the source)."""

from __future__ import annotations

import subprocess
import sys

import pytest

DOMAIN_GROUPS = [
    "console.model.sensors, console.model.rules, console.model.alarms, console.model.journal, "
    "console.model.pipeline, console.commands.process",
    "console.alarm_list",
    "console.reports, console.commands.report",
    "console.cap, console.commands.cap",
    "console.engine, console.sources, console.feeds.mqtt, console.commands.serve",
    "console.feeds.sensorthings.adapter, console.feeds.sensorthings.catalog, console.commands.info",
]


@pytest.mark.parametrize("modules", DOMAIN_GROUPS)
def test_domain_modules_do_not_load_qt(modules):
    code = (
        "import sys\n"
        f"import {modules}\n"
        "loaded = sorted(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'pyqtgraph', 'shiboken6'))\n"
        "print(','.join(loaded))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == ""
