"""How each source is doing, as the engine sees it: status history and counters.

The adapter counts what it received and rejected; the engine adds what the rules
accepted, the readings of unknown sensors, and the outages it saw in the status
events (a reconnect is a return to ``live`` after the source had been live).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from console.feeds.base import FeedHealth, FeedStatus

# Statuses in which a started source delivers nothing: its sensors show "no data".
DOWN_STATUSES = frozenset({FeedStatus.CONNECTING, FeedStatus.FAILED})


@dataclass
class SourceHealth:
    """Counters and status of one source.

    Attributes
    ----------
    name, kind : str
    status : FeedStatus
    message : str
        The adapter's message with its last status change.
    accepted : int
        Readings the sensor table took (not duplicates, not unknown).
    unknown : int
        Readings for sensor ids the table does not hold.
    reconnects : int
        Returns to ``live`` after an outage.
    down_ms : int
        Wall time spent down after the source was first live (outages so far,
        the current one included).
    was_live : bool
    down_since_ms : int or None
        Start of the current outage.
    adapter : FeedHealth or None
        The adapter's own figures at the last look (received, rejected, rate, ...).
    """

    name: str
    kind: str
    status: FeedStatus = FeedStatus.IDLE
    message: str = ""
    accepted: int = 0
    unknown: int = 0
    reconnects: int = 0
    down_ms: int = 0
    was_live: bool = False
    down_since_ms: int | None = None
    adapter: FeedHealth | None = field(default=None, repr=False)

    @property
    def down(self) -> bool:
        return self.status in DOWN_STATUSES

    def status_changed(self, status: FeedStatus, message: str, wall_ms: int) -> None:
        """Note a status change the adapter reported at ``wall_ms``."""
        if status is FeedStatus.LIVE:
            if self.down_since_ms is not None:
                self.down_ms += max(0, wall_ms - self.down_since_ms)
                self.down_since_ms = None
                self.reconnects += 1
            self.was_live = True
        elif status in DOWN_STATUSES and self.was_live and self.down_since_ms is None:
            self.down_since_ms = wall_ms
        self.status = status
        self.message = message

    def time_down_ms(self, now_ms: int) -> int:
        """Outage time so far, counting the current outage up to ``now_ms``."""
        current = 0 if self.down_since_ms is None else max(0, now_ms - self.down_since_ms)
        return self.down_ms + current

    def as_dict(self, now_ms: int) -> dict:
        """Plain figures, as ``console serve --json`` prints them."""
        adapter = self.adapter
        return {
            "name": self.name,
            "kind": self.kind,
            "status": str(self.status),
            "message": self.message,
            "received": _received(adapter),
            "delivered": 0 if adapter is None else adapter.readings_total,
            "accepted": self.accepted,
            "rejected": 0 if adapter is None else adapter.rejected_lines,
            "recent_rejections": [] if adapter is None else
            [{"line": line, "reason": reason} for line, reason in adapter.recent_rejections],
            "duplicates": 0 if adapter is None else adapter.duplicates_dropped,
            "readings_per_s": 0.0 if adapter is None else round(adapter.readings_per_s, 1),
            "last_message_age_s": None if adapter is None or adapter.last_event_wall_s is None else
            round(max(0.0, time.time() - adapter.last_event_wall_s), 1),  # both wall time
            "unknown": self.unknown,
            "reconnects": self.reconnects,
            "time_down_s": round(self.time_down_ms(now_ms) / 1000, 3),
        }


def _received(adapter: FeedHealth | None) -> int:
    """What the source received: the adapter's own count where it keeps one (MQTT: messages), else
    what it delivered plus what it rejected (a file: readings and bad lines)."""
    if adapter is None:
        return 0
    own = getattr(adapter, "received", None)
    return int(own) if own is not None else adapter.readings_total + adapter.rejected_lines
