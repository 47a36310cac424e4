"""How a layer looks, as plain data (no Qt): symbols, classes, labels.

Colours are ``#RRGGBB`` or ``#RRGGBBAA`` strings; sizes are screen pixels.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace

from console.errors import InputError

MARKERS = ("circle", "square", "triangle", "diamond", "cross", "star", "hexagon", "triangle_down")
DASHES = ("solid", "dash", "dot")


@dataclass(frozen=True)
class Symbol:
    fill: str | None = None
    stroke: str | None = "#404040"
    width: float = 1.0
    marker: str = "circle"
    size: float = 6.0
    dash: str = "solid"

    def merged(self, overrides: dict) -> Symbol:
        return replace(self, **overrides)


SYMBOL_KEYS = {f.name for f in fields(Symbol)}


@dataclass
class LayerStyle:
    """A default symbol, optional classes by one attribute, and an optional label.

    ``label_max_resolution_m``: labels show only when one screen pixel covers at
    most this many metres (None: always).
    """

    symbol: Symbol = field(default_factory=Symbol)
    classify: str | None = None
    classes: dict[str, Symbol] = field(default_factory=dict)
    label: str | None = None
    label_max_resolution_m: float | None = None
    label_color: str = "#202020"
    label_size: float = 9.0

    def symbol_for(self, value) -> Symbol:
        return self.classes.get(str(value), self.symbol)

    @classmethod
    def from_dict(cls, data: dict, source: str = "style") -> LayerStyle:
        """Build a style from a catalog's ``[layers.style]`` table; unknown keys are errors."""
        data = dict(data)
        classes_raw = data.pop("classes", {})
        plain = {k: data.pop(k) for k in list(data) if k in SYMBOL_KEYS}
        symbol = Symbol().merged(_check_symbol(plain, source))
        style_keys = {"classify", "label", "label_max_resolution_m", "label_color", "label_size"}
        unknown = set(data) - style_keys
        if unknown:
            raise InputError(source, f"unknown style key(s): {', '.join(sorted(unknown))}")
        classes = {
            str(value): symbol.merged(_check_symbol(sub, f"{source}.classes.{value}"))
            for value, sub in classes_raw.items()
        }
        return cls(symbol=symbol, classes=classes, **data)


def _check_symbol(data: dict, source: str) -> dict:
    unknown = set(data) - SYMBOL_KEYS
    if unknown:
        raise InputError(source, f"unknown symbol key(s): {', '.join(sorted(unknown))}")
    if "marker" in data and data["marker"] not in MARKERS:
        raise InputError(source, f"marker {data['marker']!r} is not one of {', '.join(MARKERS)}")
    if "dash" in data and data["dash"] not in DASHES:
        raise InputError(source, f"dash {data['dash']!r} is not one of {', '.join(DASHES)}")
    for key in ("fill", "stroke"):
        value = data.get(key)
        if value is not None and not is_colour(value):
            raise InputError(source, f"{key} {value!r} is not a colour like #RRGGBB or #RRGGBBAA")
    return data


def is_colour(text) -> bool:
    """True for ``#RRGGBB`` or ``#RRGGBBAA``."""
    if not isinstance(text, str) or not text.startswith("#") or len(text) not in (7, 9):
        return False
    try:
        int(text[1:], 16)
    except ValueError:
        return False
    return True
