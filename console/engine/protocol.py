"""What the window and the engine process say to each other (no Qt).

The engine process is the only owner of the sensor table, rules, alarm book and
journal. Ten times a second it sends the window an ``Update`` with what changed:
the live columns of the changed sensor rows, copies of the changed alarms and
incidents, the alarm rate, the CAP warnings in force when they changed and, once a
second, the sources' figures. The window
sends ``Act`` commands (operator actions) and gets an ``Answer`` for each:
applied, with the book's result, or refused, with the reason.

Every message is a small picklable dataclass; arrays stay NumPy columns.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

# The per-sensor columns the window's mirror table receives (what views draw and hover shows).
MIRRORED_COLUMNS = (
    "value", "t_ms", "quality", "level", "status", "alarm_id", "alarm_state", "out_of_service", "chattering",
    "fault", "fault_id",
)

# Book methods a window may ask the engine to run, with the operator and time as their last arguments.
ACTIONS = frozenset({"acknowledge", "shelve", "unshelve", "note", "dispatch", "unit_acknowledged", "on_site",
                     "feedback", "close", "record_action", "set_out_of_service"})


@dataclass(frozen=True)
class EngineSpec:
    """Everything the engine process needs to start.

    Attributes
    ----------
    table : SensorTable
        The sensors, as the window built them from its layers (live columns untouched).
    rules : RuleSet, path or None
    journal_path : Path or None
        The engine opens (and restores from) it; the window must not hold it open.
    sources : tuple of SourceConfig
    update_interval_s : float
        How often changes go to the window.
    figures_interval_s : float
        How often the sources' figures go with them.
    """

    table: object
    rules: object
    journal_path: Path | None
    sources: tuple
    update_interval_s: float = 0.1
    figures_interval_s: float = 1.0


@dataclass(frozen=True)
class Hello:
    """The engine is running: what the window needs once (rule directions and thresholds in force)."""

    sign: np.ndarray
    levels: np.ndarray
    rule: np.ndarray
    journal: str
    rule_warnings: tuple = ()  # what the rules said of the sensors (e.g. a quantity without a rule)


@dataclass
class Update:
    """What changed since the previous update."""

    seq: int
    clock_ms: int
    rows: np.ndarray
    columns: dict[str, np.ndarray]
    alarms: list = field(default_factory=list)
    incidents: list = field(default_factory=list)
    gone_alarms: list[int] = field(default_factory=list)
    alarm_rate: int = 0
    sources: list[dict] | None = None
    unknown_by_source: dict[str, dict[str, int]] | None = None
    # Every CAP warning in force (console.cap.ActiveWarning), when the set changed; None when it did not.
    warnings: list | None = None


@dataclass(frozen=True)
class Act:
    """Run ``book.<method>(*args, **kwargs)`` on the engine's loop."""

    request: int
    method: str
    args: tuple
    kwargs: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Answer:
    request: int
    method: str
    ok: bool
    result: object = None
    message: str = ""


@dataclass(frozen=True)
class Stop:
    pass


@dataclass(frozen=True)
class Stopped:
    pass


@dataclass(frozen=True)
class Failed:
    """The engine could not start or stopped on an error; ``message`` names what."""

    message: str
