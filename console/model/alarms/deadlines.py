"""Response deadlines of a dispatch: how long the responsible unit has for each step, per level.

A dispatched alarm has three deadlines, counted from the dispatch: the unit
acknowledges it (``unit_ack``), the unit is on site (``on_site``) and the alarm is
handled and closed (``handled``). The minutes come from a TOML table per level
(``assets/rules/deadlines.toml`` documents the shipped defaults); the book turns
them into absolute times at the dispatch and stores those, so a restart, a seek
or a changed table never moves a deadline already given.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from pathlib import Path

from console.errors import InputError

__all__ = [
    "DEADLINES_ENV",
    "DEFAULT_DEADLINES_PATH",
    "STEPS",
    "DeadlineTable",
]

# The steps of a dispatch that have a deadline, in the order they are due.
STEPS = ("unit_ack", "on_site", "handled")
DEFAULT_DEADLINES_PATH = Path(__file__).resolve().parents[3] / "assets" / "rules" / "deadlines.toml"
# A deadlines file of the centre's own; the engine process inherits it from the window.
DEADLINES_ENV = "CONSOLE_DEADLINES"
_LEVEL_KEYS = {"I": 1, "II": 2, "III": 3, "IV": 4}
# The same as assets/rules/deadlines.toml: minutes per step, by level 1..4 (I..IV).
_DEFAULT_MINUTES = {
    1: {"unit_ack": 5, "on_site": 30, "handled": 120},
    2: {"unit_ack": 10, "on_site": 45, "handled": 240},
    3: {"unit_ack": 15, "on_site": 60, "handled": 480},
    4: {"unit_ack": 30, "on_site": 120, "handled": 1440},
}
_DEFAULT_SUPERVISOR = "值班长"


@dataclass(frozen=True)
class DeadlineTable:
    """Minutes per step and level, and who an overdue dispatch escalates to.

    Attributes
    ----------
    minutes : dict of int to dict of str to float
        Level code (1..4 = I..IV) -> step (``STEPS``) -> minutes after the dispatch.
        A sensor-fault item (level 0) gets the deadlines of level IV.
    supervisor : str
        Who an overdue dispatch escalates to (recorded with the escalation).
    source : str
        The file the table came from ("defaults" for the built-in one).
    """

    minutes: dict
    supervisor: str = _DEFAULT_SUPERVISOR
    source: str = "defaults"

    @classmethod
    def default(cls) -> DeadlineTable:
        return cls({level: dict(steps) for level, steps in _DEFAULT_MINUTES.items()})

    @classmethod
    def configured(cls) -> DeadlineTable:
        """The file named by ``$CONSOLE_DEADLINES``, else the shipped file, else the built-in defaults."""
        path = os.environ.get(DEADLINES_ENV)
        if path:
            return cls.load(path)
        if DEFAULT_DEADLINES_PATH.is_file():
            return cls.load(DEFAULT_DEADLINES_PATH)
        return cls.default()

    @classmethod
    def load(cls, path) -> DeadlineTable:
        """Read a deadlines file (format: docs/alarms.md); a level or step it leaves out keeps its default.

        Raises
        ------
        InputError
            No such file, not TOML, an unknown key, or minutes that are not positive or not in step order.
        """
        path = Path(path)
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise InputError(path, "no such deadlines file") from None
        except OSError as exc:
            raise InputError(path, f"cannot read the deadlines file: {exc.strerror}") from None
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise InputError(path, f"not a TOML file: {exc}") from None
        return cls.from_dict(data, path)

    @classmethod
    def from_dict(cls, data: dict, source="deadlines") -> DeadlineTable:
        minutes = {level: dict(steps) for level, steps in _DEFAULT_MINUTES.items()}
        supervisor = _DEFAULT_SUPERVISOR
        for key, value in data.items():
            if key == "supervisor":
                if not isinstance(value, str) or not value.strip():
                    raise InputError(source, "must be a name", key="supervisor")
                supervisor = value.strip()
            elif key == "level":
                if not isinstance(value, dict):
                    raise InputError(source, "must be a table of levels I..IV", key="level")
                for name, steps in value.items():
                    _read_level(source, name, steps, minutes)
            else:
                raise InputError(source, "unknown key (known: supervisor, level)", key=key)
        return cls(minutes, supervisor, str(source))

    def due_ms(self, level: int, at_ms: int) -> dict[str, int]:
        """The absolute deadline (UTC epoch ms) of each step of a dispatch made at ``at_ms``."""
        steps = self.minutes.get(int(level)) or self.minutes[4]
        return {step: int(at_ms) + round(float(steps[step]) * 60_000) for step in STEPS}


def _read_level(source, name, steps, minutes: dict) -> None:
    where = f"level.{name}"
    level = _LEVEL_KEYS.get(str(name).upper())
    if level is None:
        raise InputError(source, "unknown level (use I, II, III or IV)", key=where)
    if not isinstance(steps, dict):
        raise InputError(source, f"must be a table of {', '.join(s + '_min' for s in STEPS)}", key=where)
    for key, value in steps.items():
        step = key.removesuffix("_min")
        if step not in STEPS or not key.endswith("_min"):
            raise InputError(source, f"unknown key (known: {', '.join(s + '_min' for s in STEPS)})",
                             key=f"{where}.{key}")
        if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
            raise InputError(source, f"must be a positive number of minutes, not {value!r}", key=f"{where}.{key}")
        minutes[level][step] = float(value)
    given = [minutes[level][step] for step in STEPS]
    if given != sorted(given):
        raise InputError(source, "the unit must be able to acknowledge before it is on site, and be on site "
                                 f"before it has handled the alarm: {given} minutes", key=where)
