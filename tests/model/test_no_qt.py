"""The domain of live state, rules, alarms and journal imports without Qt."""

from __future__ import annotations

import subprocess
import sys


def test_model_modules_do_not_load_qt():
    code = (
        "import sys\n"
        "import console.model.sensors, console.model.rules, console.model.alarms\n"
        "import console.model.journal, console.model.pipeline, console.commands.process\n"
        "loaded = sorted(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'pyqtgraph', 'shiboken6'))\n"
        "print(','.join(loaded))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == ""
