"""A progress line on a terminal for long headless work (``console process``), on stderr.

Only when stderr is a terminal: redirected to a file or a pipe (CI, cron) it
writes nothing, so logs hold no carriage returns. The line is rewritten in place
(carriage return) at most a few times a second and cleared at the end.
"""

from __future__ import annotations

import sys
import time
from datetime import UTC, datetime
from zoneinfo import ZoneInfo


class TerminalProgress:
    """``update(readings, feed_ms)`` as work goes on, ``close()`` when done.

    Parameters
    ----------
    label : str
        What runs, first on the line (``console process``).
    zone : str
        Display zone of the feed clock shown.
    stream : text stream, optional
        Default stderr; nothing is written unless it is a TTY.
    every_s : float
        Least time between two rewrites of the line.
    """

    def __init__(self, label: str, zone: str, stream=None, every_s: float = 0.25, clock=time.monotonic):
        self.label = label
        self.zone = ZoneInfo(zone) if isinstance(zone, str) else zone
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = bool(getattr(self.stream, "isatty", lambda: False)())
        self.every_s = every_s
        self.clock = clock
        self.began = clock()
        self._shown_at = -1e9
        self._width = 0
        self.lines_written = 0

    def update(self, readings: int, feed_ms: int | None = None) -> None:
        if not self.enabled:
            return
        now = self.clock()
        if now - self._shown_at < self.every_s:
            return
        self._shown_at = now
        parts = [f"{self.label}: {readings:,} readings"]
        if feed_ms is not None:
            local = datetime.fromtimestamp(feed_ms / 1000, UTC).astimezone(self.zone)
            parts.append(f"feed at {local:%Y-%m-%d %H:%M}")
        elapsed = now - self.began
        parts.append(f"{elapsed:.0f} s")
        if elapsed > 0:
            parts.append(f"{readings / elapsed:,.0f} readings/s")
        text = " · ".join(parts)
        self.stream.write("\r" + text.ljust(self._width))
        self.stream.flush()
        self._width = len(text)
        self.lines_written += 1

    def close(self) -> None:
        """Clear the line (the summary follows on stdout)."""
        if self.enabled and self._width:
            self.stream.write("\r" + " " * self._width + "\r")
            self.stream.flush()
            self._width = 0
