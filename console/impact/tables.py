"""The tables an impact analysis reads: radii per category, distances per substance, road speeds.

Both files are TOML (``radii.toml`` and ``substances.toml`` beside this module are the
defaults); a bad file raises an ``InputError`` naming the file and the key.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from console.errors import InputError

__all__ = ["DEFAULT_RADII", "DEFAULT_SUBSTANCES", "ImpactTables", "Substance", "load_tables"]

HERE = Path(__file__).resolve().parent
DEFAULT_RADII = HERE / "radii.toml"
DEFAULT_SUBSTANCES = HERE / "substances.toml"
SPILLS = ("small", "large")


@dataclass(frozen=True)
class Substance:
    """One row of the substance table: isolation and protective-action distances in metres.

    ``small`` and ``large`` are (isolation, protect by day, protect by night).
    """

    name: str
    name_zh: str
    un: int
    guide: int
    source: str
    small: tuple[float, float, float]
    large: tuple[float, float, float]
    aliases: tuple[str, ...] = ()
    fire_m: float | None = None

    def distances(self, spill: str, night: bool) -> tuple[float, float]:
        """(initial isolation m, protective-action distance m) for a spill size by day or night."""
        row = self.small if spill == "small" else self.large
        return row[0], row[2] if night else row[1]


@dataclass
class ImpactTables:
    """Radii by category, substances by name, speeds by road class and the trace settings."""

    radius_m: dict[str, float]
    radius_source: str
    radius_source_zh: str
    substances: list[Substance]
    speed_kmh: dict[str, float]
    sensor_max_m: float = 50.0
    service_m: float = 80.0
    valve_snap_m: float = 5.0
    per_kind: int = 3
    paths: tuple[Path, ...] = field(default_factory=tuple)

    def substance(self, name: str) -> Substance | None:
        """The row whose name, Chinese name, UN number or an alias is ``name`` (case and spaces ignored)."""
        key = _key(name)
        for row in self.substances:
            names = {row.name, row.name_zh, str(row.un), f"un{row.un}", *row.aliases}
            if key in {_key(n) for n in names}:
                return row
        return None

    def speed(self, road_class: str | None) -> float:
        return self.speed_kmh.get(road_class or "", self.speed_kmh.get("default", 25.0))


def _key(text: str) -> str:
    return "".join(str(text).lower().split())


def load_tables(radii=None, substances=None) -> ImpactTables:
    """Read the radius table and the substance table (the bundled defaults when None)."""
    radii_path = Path(radii) if radii is not None else DEFAULT_RADII
    substances_path = Path(substances) if substances is not None else DEFAULT_SUBSTANCES
    data = _read(radii_path)
    radius = _numbers(radii_path, data.get("radius_m", {}), "radius_m")
    if not radius:
        raise InputError(radii_path, "no [radius_m] table: give a radius in metres per sensor category")
    sources = data.get("sources", {})
    speeds = _numbers(radii_path, data.get("speed_kmh", {}), "speed_kmh")
    trace = _numbers(radii_path, data.get("trace", {}), "trace")
    per_kind = data.get("resources", {}).get("per_kind", 3)
    if not isinstance(per_kind, int) or per_kind < 1:
        raise InputError(radii_path, f"expected a whole number >= 1, got {per_kind!r}", key="resources.per_kind")
    rows = [_substance(substances_path, i, raw) for i, raw in enumerate(_read(substances_path).get("substance", []))]
    return ImpactTables(
        radius_m=radius,
        radius_source=str(sources.get("radius_m", f"radius table {radii_path.name}")),
        radius_source_zh=str(sources.get("radius_m_zh", sources.get("radius_m", f"半径表 {radii_path.name}"))),
        substances=rows,
        speed_kmh={"default": 25.0, "off_road": 10.0, **speeds},
        sensor_max_m=trace.get("sensor_max_m", 50.0),
        service_m=trace.get("service_m", 80.0),
        valve_snap_m=trace.get("valve_snap_m", 5.0),
        per_kind=per_kind,
        paths=(radii_path, substances_path),
    )


def _read(path: Path) -> dict:
    if not path.is_file():
        raise InputError(path, "table file not found")
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(path, f"not valid TOML: {exc}") from None


def _numbers(path: Path, table, where: str) -> dict[str, float]:
    if not isinstance(table, dict):
        raise InputError(path, "expected a table", key=where)
    out = {}
    for key, value in table.items():
        if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
            raise InputError(path, f"expected a positive number, got {value!r}", key=f"{where}.{key}")
        out[key] = float(value)
    return out


def _substance(path: Path, index: int, raw) -> Substance:
    where = f"substance[{index}]"
    if not isinstance(raw, dict):
        raise InputError(path, "expected a table", key=where)
    for key in ("name", "un", "small", "large"):
        if key not in raw:
            raise InputError(path, "required key is missing", key=f"{where}.{key}")
    rows = {}
    for spill in SPILLS:
        value = raw[spill]
        if (not isinstance(value, list) or len(value) != 3
                or not all(isinstance(v, int | float) and not isinstance(v, bool) and v > 0 for v in value)):
            raise InputError(path, f"expected [isolation m, protect day m, protect night m], got {value!r}",
                             key=f"{where}.{spill}")
        rows[spill] = tuple(float(v) for v in value)
    return Substance(
        name=str(raw["name"]), name_zh=str(raw.get("name_zh", raw["name"])), un=int(raw["un"]),
        guide=int(raw.get("guide", 0)), source=str(raw.get("source", path.name)), small=rows["small"],
        large=rows["large"], aliases=tuple(str(a) for a in raw.get("aliases", [])),
        fire_m=float(raw["fire_m"]) if "fire_m" in raw else None,
    )
