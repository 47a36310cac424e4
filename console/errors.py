"""Errors about bad input: each names where the problem is and what it is."""

from __future__ import annotations

from pathlib import Path


class InputError(Exception):
    """Input the console cannot use.

    The message names the source (a file, a message, a feed), optionally the
    line or key inside it, and what is wrong, e.g.
    ``rules.toml: [gas_lel].levels: thresholds must rise from IV to I``.
    """

    def __init__(self, source: str | Path, problem: str, *, line: int | None = None, key: str | None = None):
        self.source = str(source)
        self.problem = problem
        self.line = line
        self.key = key
        where = self.source
        if line is not None:
            where += f":{line}"
        if key is not None:
            where += f": {key}"
        super().__init__(f"{where}: {problem}")
