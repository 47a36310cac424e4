"""The rules file (docs/rules.md): reading and checking it, and the rule in force per sensor.

Per quantity, four level thresholds with a direction, a deadband, delay-on and
delay-off, an optional rate of change with its own level, the silence after
which a sensor is stale, and chattering detection; ``[sensor."ID"]`` sections
override any of these for one sensor. ``console.model.rules.RuleEngine`` binds
a ``RuleSet`` to a sensor table.
"""

from __future__ import annotations

import difflib
import math
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from console.errors import InputError
from console.model.levels import LEVEL_OF_ROMAN

__all__ = ["DEFAULT_RULES_PATH", "KNOWN_QUANTITIES", "NO_RULE_PREFIX", "Rule", "RuleSet", "check_order"]

DEFAULT_RULES_PATH = Path(__file__).resolve().parents[2] / "assets" / "rules" / "default_rules.toml"

# Quantities of docs/sensors.md and their direction.
KNOWN_QUANTITIES = {
    "gas_lel": "high",
    "gas_pressure": "low",
    "water_pressure": "low",
    "pipe_fill": "high",
    "strain": "high",
    "deflection": "high",
    "heating_pressure": "low",
    "cable_temperature": "high",
    "tunnel_ch4": "high",
    "tunnel_o2": "low",
    "rain_1h": "high",
    "river_level": "high",
    "depth": "high",
    "tank_temperature": "high",
    "tank_pressure": "high",
    "hazmat_lel": "high",
}

# The rule name of sensors whose quantity has no rule: no levels, watched for silence only.
NO_RULE_PREFIX = "no_rule:"

# Settings every rule has, with the built-in value used when neither [defaults] nor the rule sets one.
TUNABLES = {
    "deadband": 0.0,
    "delay_on_s": 0.0,
    "delay_off_s": 0.0,
    "stale_after_s": 900.0,
    "chatter_count": 6,
    "chatter_window_min": 10.0,
    "confirm_count": 1,
    "stuck_tolerance": 0.0,
    "stuck_count": 20,
}
# Settings that are off unless given (NaN in the rule): a physical rate limit and stuck detection.
OPTIONAL = ("rate_per_min", "rate_level", "plausible_rate_per_min", "stuck_after_s")
RATE_KEYS = ("rate_per_min", "rate_level")
DEFAULTS_KEYS = {*TUNABLES, "plausible_rate_per_min", "stuck_after_s"}
QUANTITY_KEYS = {"direction", "levels", *TUNABLES, *OPTIONAL}
SENSOR_KEYS = {"levels", *TUNABLES, *OPTIONAL}
_WHOLE_NUMBERS = {"chatter_count": 2, "confirm_count": 1, "stuck_count": 2}  # key: least value
TOP_KEYS = {"defaults", "quantity", "sensor"}


@dataclass(frozen=True)
class Rule:
    """The settings in force for one quantity or one sensor.

    ``levels`` runs from level IV to level I (NaN: that level is not used).
    ``rate_per_min`` is NaN when the rule has no rate of change; a rate is counted
    in the rule's direction (rising for ``high``, falling for ``low``).
    """

    name: str
    quantity: str
    direction: str
    levels: tuple[float, float, float, float]
    deadband: float
    delay_on_s: float
    delay_off_s: float
    rate_per_min: float
    rate_level: int
    stale_after_s: float
    chatter_count: int
    chatter_window_min: float
    confirm_count: int = 1
    plausible_rate_per_min: float = math.nan
    stuck_after_s: float = math.nan
    stuck_tolerance: float = 0.0
    stuck_count: int = 20


@dataclass
class RuleSet:
    """A validated rules file.

    Use ``RuleSet.load(path)``; ``RuleEngine(rules, table)`` then checks it
    against the sensors (quantities without rules, sensor overrides).
    """

    source: str
    defaults: dict = field(default_factory=dict)
    quantities: dict[str, dict] = field(default_factory=dict)
    sensors: dict[str, dict] = field(default_factory=dict)

    @classmethod
    def load(cls, path=None) -> RuleSet:
        """Read and check a rules file (default: the shipped default rules).

        Raises
        ------
        InputError
            Naming the file, the key and what is wrong: an unknown key, a bad value
            type, thresholds out of order for the direction, a missing direction.
        """
        path = Path(path) if path is not None else DEFAULT_RULES_PATH
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise InputError(path, "no such rules file") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(path, f"cannot read the rules file: {exc}") from None
        return cls.from_text(text, source=str(path))

    @classmethod
    def from_text(cls, text: str, source: str = "rules") -> RuleSet:
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise InputError(source, f"not valid TOML: {exc}") from None
        return cls.from_dict(data, source)

    @classmethod
    def from_dict(cls, data: dict, source: str = "rules") -> RuleSet:
        _check_keys(data, TOP_KEYS, source, "")
        defaults = _section(data, "defaults", source)
        _check_keys(defaults, DEFAULTS_KEYS, source, "defaults")
        rules = cls(source, _checked_settings(defaults, source, "defaults"))
        quantities = _section(data, "quantity", source)
        if not quantities:
            raise InputError(source, "the file has no [quantity.<name>] rules", key="quantity")
        for quantity, settings in quantities.items():
            key = f"quantity.{quantity}"
            if not isinstance(settings, dict):
                raise InputError(source, "must be a table", key=key)
            _check_keys(settings, QUANTITY_KEYS, source, key)
            if "direction" not in settings:
                raise InputError(source, 'missing direction ("high" or "low")', key=f"{key}.direction")
            checked = _checked_settings(settings, source, key)
            if "levels" in checked:
                check_order(checked["levels"], checked["direction"], source, f"{key}.levels")
            rules.quantities[quantity] = checked
            _check_together(rules, settings, rules.rule_for(quantity), key)
        for sensor_id, settings in _section(data, "sensor", source).items():
            key = f'sensor."{sensor_id}"'
            if not isinstance(settings, dict):
                raise InputError(source, "must be a table", key=key)
            _check_keys(settings, SENSOR_KEYS, source, key)
            rules.sensors[sensor_id] = _checked_settings(settings, source, key)
        return rules

    def check_sensor(self, quantity: str, sensor_id: str) -> None:
        """Check the settings in force for one ``[sensor."ID"]`` table over its quantity's rule."""
        key = f'sensor."{sensor_id}"'
        _check_together(self, self.sensors[sensor_id], self.rule_for(quantity, sensor_id), key)

    def rule_for(self, quantity: str, sensor_id: str | None = None) -> Rule:
        """The rule in force for a sensor of ``quantity`` (layer thresholds not included).

        A quantity the file has no rule for gets ``no_rule:<quantity>``: no
        levels, the ``[defaults]`` for the rest (the stale time above all).
        """
        settings = dict(TUNABLES)
        settings.update(self.defaults)
        own = self.quantities.get(quantity)
        settings.update(own or {})
        name = f"quantity:{quantity}" if own is not None else NO_RULE_PREFIX + quantity
        if sensor_id is not None and sensor_id in self.sensors:
            settings.update(self.sensors[sensor_id])
            name = f"sensor:{sensor_id}"
        levels = tuple(settings.get("levels", (math.nan,) * 4))
        return Rule(
            name=name,
            quantity=quantity,
            direction=own["direction"] if own is not None else KNOWN_QUANTITIES.get(quantity, "high"),
            levels=levels,
            deadband=settings["deadband"],
            delay_on_s=settings["delay_on_s"],
            delay_off_s=settings["delay_off_s"],
            rate_per_min=settings.get("rate_per_min", math.nan),
            rate_level=settings.get("rate_level", 0),
            stale_after_s=settings["stale_after_s"],
            chatter_count=settings["chatter_count"],
            chatter_window_min=settings["chatter_window_min"],
            confirm_count=settings["confirm_count"],
            plausible_rate_per_min=settings.get("plausible_rate_per_min", math.nan),
            stuck_after_s=settings.get("stuck_after_s", math.nan),
            stuck_tolerance=settings["stuck_tolerance"],
            stuck_count=settings["stuck_count"],
        )


def _section(data: dict, name: str, source: str) -> dict:
    value = data.get(name, {})
    if not isinstance(value, dict):
        raise InputError(source, "must be a table", key=name)
    return value


def _check_keys(settings: dict, allowed: set[str], source: str, where: str) -> None:
    for key in settings:
        if key not in allowed:
            close = difflib.get_close_matches(key, sorted(allowed), n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else f" (known: {', '.join(sorted(allowed))})"
            raise InputError(source, f"unknown key{hint}", key=f"{where}.{key}" if where else key)


def _checked_settings(settings: dict, source: str, where: str) -> dict:
    checked = {}
    for key, value in settings.items():
        full_key = f"{where}.{key}"
        if key == "direction":
            if value not in ("high", "low"):
                raise InputError(source, f'must be "high" or "low", not {value!r}', key=full_key)
            checked[key] = value
        elif key == "levels":
            if not isinstance(value, list) or len(value) != 4:
                raise InputError(source, "must be a list of four numbers, from level IV to level I", key=full_key)
            checked[key] = tuple(_number(v, source, full_key) for v in value)
        elif key == "rate_level":
            if value not in LEVEL_OF_ROMAN:
                raise InputError(source, f'must be one of "I", "II", "III", "IV", not {value!r}', key=full_key)
            checked[key] = LEVEL_OF_ROMAN[value]
        elif key in _WHOLE_NUMBERS:
            least = _WHOLE_NUMBERS[key]
            if isinstance(value, bool) or not isinstance(value, int) or value < least:
                raise InputError(source, f"must be a whole number of at least {least}, not {value!r}", key=full_key)
            checked[key] = value
        else:
            number = _number(value, source, full_key)
            if key in ("deadband", "delay_on_s", "delay_off_s", "stuck_tolerance") and number < 0:
                raise InputError(source, f"must not be negative, not {value!r}", key=full_key)
            if key in ("stale_after_s", "chatter_window_min", "rate_per_min", "plausible_rate_per_min",
                       "stuck_after_s") and number <= 0:
                raise InputError(source, f"must be positive, not {value!r}", key=full_key)
            checked[key] = number
    if ("rate_per_min" in checked) != ("rate_level" in checked):
        missing = "rate_level" if "rate_per_min" in checked else "rate_per_min"
        raise InputError(source, "rate_per_min and rate_level go together", key=f"{where}.{missing}")
    return checked


def _check_together(rules: RuleSet, settings: dict, rule: Rule, where: str) -> None:
    """Settings that contradict each other once merged: an error naming the rule's own key at fault."""
    source = rules.source

    def key_of(name: str) -> str:
        # The key to name: the rule's own when it sets it, else where the value came from.
        if name in settings:
            return f"{where}.{name}"
        return f"defaults.{name}" if name in rules.defaults else f"{where}.{name}"

    if rule.delay_on_s >= rule.stale_after_s:
        raise InputError(source, f"delay_on_s {rule.delay_on_s:g} s is not shorter than stale_after_s "
                         f"{rule.stale_after_s:g} s: a level could never be confirmed", key=key_of("delay_on_s"))
    if not math.isnan(rule.stuck_after_s) and rule.stuck_after_s < rule.stale_after_s:
        raise InputError(source, f"stuck_after_s {rule.stuck_after_s:g} s is shorter than stale_after_s "
                         f"{rule.stale_after_s:g} s: a sensor that reports rarely would be called stuck between "
                         "two readings", key=key_of("stuck_after_s"))
    if not math.isnan(rule.rate_per_min) and not math.isnan(rule.plausible_rate_per_min) \
            and rule.rate_per_min >= rule.plausible_rate_per_min:
        raise InputError(source, f"rate_per_min {rule.rate_per_min:g} is not below plausible_rate_per_min "
                         f"{rule.plausible_rate_per_min:g}: the rate alarm could never be reached",
                         key=key_of("rate_per_min"))


def _number(value, source: str, key: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InputError(source, f"must be a number, not {value!r}", key=key)
    if not math.isfinite(value):
        raise InputError(source, f"must be a finite number, not {value!r}", key=key)
    return float(value)


def check_order(levels, direction: str, source: str, key: str) -> None:
    values = [v for v in levels if not math.isnan(v)]
    pairs = list(zip(values, values[1:], strict=False))
    if direction == "high" and any(b <= a for a, b in pairs):
        raise InputError(source, f"thresholds {list(levels)} must rise from level IV to level I (direction high)", key=key)
    if direction == "low" and any(b >= a for a, b in pairs):
        raise InputError(source, f"thresholds {list(levels)} must fall from level IV to level I (direction low)", key=key)
