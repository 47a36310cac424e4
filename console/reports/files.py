"""Writing a report file whole or not at all: a temporary file beside it, then a rename."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from console.errors import InputError
from console.reports.labels import Labels
from console.reports.render import to_csv, to_markdown
from console.reports.shift import ShiftReport

__all__ = ["TEXT_SUFFIXES", "replace_atomically", "write_text_report"]

# CSV gets a byte-order mark: spreadsheet programs then read its Chinese as UTF-8.
TEXT_SUFFIXES = {".md": (to_markdown, "utf-8"), ".csv": (to_csv, "utf-8-sig")}


def write_text_report(report: ShiftReport, path: str | Path, words: Labels) -> Path:
    """Write ``report`` as Markdown or CSV by the suffix of ``path``."""
    path = Path(path)
    render, encoding = TEXT_SUFFIXES[path.suffix.lower()]
    text = render(report, words)
    replace_atomically(path, lambda temporary: temporary.write_text(text, encoding=encoding, newline=""))
    return path


def replace_atomically(path: Path, write: Callable[[Path], object]) -> None:
    """Call ``write(temporary)`` on a file beside ``path``, then rename it to ``path``.

    Raises
    ------
    InputError
        The folder does not exist or cannot be written; nothing is left behind.
    """
    path = Path(path)
    if not path.parent.is_dir():
        raise InputError(path, f"the folder {path.parent} does not exist")
    try:
        handle, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    except OSError as exc:
        raise InputError(path, f"cannot write here: {exc.strerror}") from None
    os.close(handle)
    temporary = Path(name)
    os.chmod(temporary, 0o644)  # mkstemp makes it private; a report is for the shift to read
    try:
        write(temporary)
        os.replace(temporary, path)
    except OSError as exc:
        raise InputError(path, f"cannot be written: {exc.strerror or exc}") from None
    finally:
        with contextlib.suppress(FileNotFoundError):
            temporary.unlink()
