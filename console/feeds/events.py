"""What feeds deliver: the feed events and the status of an adapter (no Qt).

- ``ReadingBatch`` (console.model.readings): readings in columns;
- ``SensorStatusEvent``: a source says a sensor went offline or came back;
- ``CapWarning``: a CAP alert message, raw XML text with the time it was issued;
- ``AdapterStatusEvent``: the adapter itself changed status (connecting, live, ...).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from console.model.readings import ReadingBatch


class FeedStatus(StrEnum):
    """Where an adapter stands, as the Sources pane shows it."""

    IDLE = "idle"  # created, not started
    CONNECTING = "connecting"
    LIVE = "live"
    STALE = "stale"  # running, but nothing arrived for longer than ``stale_after_s``
    FAILED = "failed"
    FINISHED = "finished"  # a finite source (a file) was delivered completely


SENSOR_STATUSES = ("online", "offline")


@dataclass(frozen=True)
class SensorStatusEvent:
    """A source reports that one sensor went offline or came back online.

    Attributes
    ----------
    t_ms : int
        Feed time, UTC epoch milliseconds.
    sensor : str
    status : str
        ``"online"`` or ``"offline"``.
    line : int
        Line number in the source file (0 when the source has no lines).
    """

    t_ms: int
    sensor: str
    status: str
    line: int = 0


@dataclass(frozen=True)
class CapWarning:
    """A CAP (Common Alerting Protocol) warning as received: raw XML text, unparsed.

    Attributes
    ----------
    t_ms : int
        Feed time, UTC epoch milliseconds.
    xml : str
    line : int
    """

    t_ms: int
    xml: str
    line: int = 0


@dataclass(frozen=True)
class AdapterStatusEvent:
    """The adapter changed status.

    Attributes
    ----------
    wall_ms : int
        Wall-clock time of the change, UTC epoch milliseconds.
    status : FeedStatus
    message : str
        Why, in words an operator understands ("file not found: ...").
    """

    wall_ms: int
    status: FeedStatus
    message: str = ""


FeedEvent = ReadingBatch | SensorStatusEvent | CapWarning | AdapterStatusEvent
