"""The CAP package and its command import without Qt."""

from __future__ import annotations

import subprocess
import sys


def test_cap_modules_do_not_load_qt():
    code = (
        "import sys\n"
        "import console.cap, console.commands.cap\n"
        "loaded = sorted(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'pyqtgraph', 'shiboken6'))\n"
        "print(','.join(loaded))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == ""
