"""The layer catalog: a TOML file naming a city's layers, groups, styles and basemaps.

The format is described in ``docs/catalog.md``. ``load_catalog`` checks the whole
file (unknown keys, types, groups, styles, source files) before any layer is read;
``Catalog.load_layers`` then reads every layer into the display CRS.
"""

from __future__ import annotations

import copy
import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from console.errors import InputError
from console.model.layer import GeometryKind, VectorLayer
from console.model.style import LayerStyle, is_colour

__all__ = [
    "LAYER_ROLES",
    "NETWORKS",
    "SENSOR_CATEGORIES",
    "SENSOR_FIELDS",
    "BasemapEntry",
    "Catalog",
    "Group",
    "LayerEntry",
    "check_sensor_layer",
    "load_catalog",
]

# Fields every sensor catalog layer carries, and the categories it may use (DESIGN.md).
SENSOR_FIELDS = ("id", "name", "category", "quantity", "unit", "district", "owner")
SENSOR_CATEGORIES = (
    "gas",
    "water_supply",
    "drainage",
    "bridge",
    "heating",
    "power",
    "utility_tunnel",
    "rainfall",
    "water_level",
    "waterlogging",
    "hazmat",
)

# What a layer is for in an analysis (docs/catalog.md, "Roles"); pipes and valves name their network.
LAYER_ROLES = ("pipes", "valves", "roads", "facilities", "resources")
NETWORKS = ("gas", "water_supply", "drainage", "heating")

_TOP_KEYS = {"title": str, "title_zh": str, "crs": str, "groups": list, "layers": list, "basemaps": list}
_GROUP_KEYS = {"id": str, "title": str, "title_zh": str}
_LAYER_KEYS = {
    "name": str,
    "title": str,
    "title_zh": str,
    "group": str,
    "source": str,
    "layer": str,
    "encoding": str,
    "crs": str,
    "gcj02": bool,
    "sensors": bool,
    "visible": bool,
    "opacity": float,
    "style": dict,
    "x_field": str,
    "y_field": str,
    "role": str,
    "network": str,
}
_BASEMAP_KEYS = {
    "name": str,
    "title": str,
    "title_zh": str,
    "mbtiles": str,
    "xyz_dir": str,
    "url": str,
    "gcj02": bool,
    "visible": bool,
    "opacity": float,
}
_BASEMAP_KINDS = ("mbtiles", "xyz_dir", "url")


@dataclass(frozen=True)
class Group:
    """A group of layers in the layer tree (``[[groups]]``)."""

    id: str
    title: str = ""
    title_zh: str = ""


@dataclass
class LayerEntry:
    """One ``[[layers]]`` table: where a layer comes from and how it looks.

    ``source`` is resolved against the catalog's folder; ``crs`` already falls back
    to the catalog-wide default. ``index`` is the entry's position, for messages.
    """

    name: str
    source: Path
    title: str = ""
    title_zh: str = ""
    group: str = ""
    layer: str | None = None
    encoding: str | None = None
    crs: str | None = None
    gcj02: bool = False
    sensors: bool = False
    visible: bool = True
    opacity: float = 1.0
    style: LayerStyle = field(default_factory=LayerStyle)
    x_field: str | None = None
    y_field: str | None = None
    role: str = ""
    network: str = ""
    index: int = 0


@dataclass
class BasemapEntry:
    """One ``[[basemaps]]`` table: exactly one of ``mbtiles``, ``xyz_dir`` and ``url``.

    ``mbtiles`` and ``xyz_dir`` are resolved against the catalog's folder.
    """

    name: str
    title: str = ""
    title_zh: str = ""
    mbtiles: Path | None = None
    xyz_dir: str | None = None
    url: str | None = None
    gcj02: bool = False
    visible: bool = True
    opacity: float = 1.0

    def open_source(self, cache_dir=None):
        """The tile source for this basemap (see ``console.geo.tiles``).

        ``cache_dir`` is used by ``url`` basemaps; by default a folder per basemap under
        ``$XDG_CACHE_HOME/console/tiles`` (``~/.cache`` when unset).
        """
        from console.geo.tiles import MBTilesSource, URLTileSource, XYZFolderSource

        if self.mbtiles is not None:
            return MBTilesSource(self.mbtiles, gcj02=self.gcj02)
        if self.xyz_dir is not None:
            return XYZFolderSource(self.xyz_dir, gcj02=self.gcj02)
        if cache_dir is None:
            base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
            cache_dir = base / "console" / "tiles" / self.name
        return URLTileSource(self.url, cache_dir, gcj02=self.gcj02)


@dataclass
class Catalog:
    """A parsed, checked layer catalog.

    Attributes
    ----------
    path : Path
        The catalog file.
    title, title_zh : str
        The city's name.
    crs : str or None
        Default CRS for sources that carry none.
    groups : list of Group
        In layer-tree order, top first.
    layers : list of LayerEntry
        In drawing order, bottom first.
    basemaps : list of BasemapEntry
    """

    path: Path
    title: str = ""
    title_zh: str = ""
    crs: str | None = None
    groups: list[Group] = field(default_factory=list)
    layers: list[LayerEntry] = field(default_factory=list)
    basemaps: list[BasemapEntry] = field(default_factory=list)

    def load_layers(self) -> list[VectorLayer]:
        """Read every layer entry, in catalog order, into display-CRS layers.

        A source holding several geometry kinds gives one layer per kind. Problems
        with a source raise an ``InputError`` naming the catalog, the entry and the file.
        """
        from console.geo.readers import read_layers

        loaded: list[VectorLayer] = []
        for entry in self.layers:
            where = f"layers[{entry.index}]"
            try:
                layers = read_layers(
                    entry.source,
                    layer=entry.layer,
                    encoding=entry.encoding,
                    crs=entry.crs,
                    gcj02=entry.gcj02,
                    x_field=entry.x_field,
                    y_field=entry.y_field,
                    name=entry.name,
                )
            except InputError as exc:
                raise InputError(self.path, f"{entry.name!r}: {exc}", key=where) from None
            for layer in layers:
                if entry.sensors:
                    check_sensor_layer(layer, f"{self.path}: {where} ({entry.name!r})")
                layer.title = entry.title or entry.name
                layer.title_zh = entry.title_zh or layer.title
                layer.group = entry.group
                layer.style = copy.deepcopy(entry.style)
                layer.is_sensor_layer = entry.sensors
                layer.visible = entry.visible
                layer.opacity = entry.opacity
                layer.role = entry.role
                layer.network = entry.network
                loaded.append(layer)
        return loaded


def check_sensor_layer(layer: VectorLayer, source: str) -> None:
    """Check that a layer is a sensor catalog: points, required fields, known categories, unique ids.

    Raises
    ------
    InputError
        Naming ``source``, the layer and the field at fault.
    """
    if layer.kind is not GeometryKind.POINT:
        raise InputError(source, f"sensor layer {layer.name!r} must hold points, not {layer.kind.value}s")
    missing = [name for name in SENSOR_FIELDS if name not in layer.columns]
    if missing:
        raise InputError(
            source,
            f"sensor layer {layer.name!r} lacks required field(s) {', '.join(missing)}; "
            f"a sensor layer needs {', '.join(SENSOR_FIELDS)}",
        )
    # Columns as Python values (no frame): the checks read two columns of every sensor.
    ids = layer.column_values("id")
    blank = [row for row, value in enumerate(ids.tolist()) if value is None or str(value).strip() == ""]
    if blank:
        raise InputError(source, f"sensor layer {layer.name!r}: field 'id' is empty in feature {blank[0] + 1}")
    seen: set = set()
    duplicated: dict[str, None] = {}
    for value in ids.tolist():
        if value in seen:
            duplicated[str(value)] = None
        seen.add(value)
    if duplicated:
        shown = ", ".join(list(duplicated)[:5]) + (" ..." if len(duplicated) > 5 else "")
        raise InputError(source, f"sensor layer {layer.name!r}: field 'id' has duplicate ids: {shown}")
    known = set(SENSOR_CATEGORIES)
    categories = layer.column_values("category").tolist()
    unknown = next((row for row, value in enumerate(categories) if value not in known), None)
    if unknown is not None:
        raise InputError(
            source,
            f"sensor layer {layer.name!r}: field 'category' has unknown value {categories[unknown]!r} "
            f"(sensor {ids[unknown]}); expected one of {', '.join(SENSOR_CATEGORIES)}",
        )


def load_catalog(path) -> Catalog:
    """Read and check a catalog TOML file.

    Raises
    ------
    InputError
        Naming the catalog file and the key at fault, e.g.
        ``catalog.toml: layers[3].style: fill '#12' is not a colour like #RRGGBB``.
    """
    path = Path(path)
    if not path.is_file():
        raise InputError(path, "catalog file not found")
    try:
        with open(path, "rb") as fh:
            data = tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(path, f"not valid TOML: {exc}") from None
    except UnicodeDecodeError:
        raise InputError(path, "not UTF-8 text (TOML files are UTF-8)") from None
    _check_keys(path, data, _TOP_KEYS, "")
    folder = path.parent
    catalog = Catalog(path=path, title=data.get("title", ""), title_zh=data.get("title_zh", ""), crs=data.get("crs"))
    if catalog.crs is not None:
        _check_crs(path, catalog.crs, "crs")

    for index, raw in enumerate(data.get("groups", [])):
        where = f"groups[{index}]"
        _check_table(path, raw, where)
        _check_keys(path, raw, _GROUP_KEYS, where, required=("id",))
        if any(group.id == raw["id"] for group in catalog.groups):
            raise InputError(path, f"group id {raw['id']!r} is declared twice", key=f"{where}.id")
        catalog.groups.append(Group(id=raw["id"], title=raw.get("title", raw["id"]), title_zh=raw.get("title_zh", "")))
    group_ids = {group.id for group in catalog.groups}

    for index, raw in enumerate(data.get("layers", [])):
        catalog.layers.append(_layer_entry(path, folder, index, raw, group_ids, catalog))

    for index, raw in enumerate(data.get("basemaps", [])):
        catalog.basemaps.append(_basemap_entry(path, folder, index, raw, catalog))
    return catalog


def _layer_entry(path: Path, folder: Path, index: int, raw, group_ids: set[str], catalog: Catalog) -> LayerEntry:
    where = f"layers[{index}]"
    _check_table(path, raw, where)
    _check_keys(path, raw, _LAYER_KEYS, where, required=("name", "source"))
    name = raw["name"]
    if any(entry.name == name for entry in catalog.layers):
        raise InputError(path, f"layer name {name!r} is used twice; names must be unique", key=f"{where}.name")
    group = raw.get("group", "")
    if group and group not in group_ids:
        declared = ", ".join(sorted(group_ids)) or "none"
        raise InputError(path, f"group {group!r} is not declared in [[groups]] (declared: {declared})", key=f"{where}.group")
    source = folder / raw["source"]
    if not source.is_file():
        raise InputError(path, f"source file {raw['source']!r} not found (looked at {source})", key=f"{where}.source")
    crs = raw.get("crs", catalog.crs)
    if "crs" in raw:
        _check_crs(path, raw["crs"], f"{where}.crs")
    if "encoding" in raw:
        _check_encoding(path, raw["encoding"], f"{where}.encoding")
    opacity = _check_opacity(path, raw, where)
    role, network = _check_role(path, raw, where)
    style_raw = raw.get("style", {})
    _check_style_types(path, style_raw, f"{where}.style")
    try:
        style = LayerStyle.from_dict(style_raw, source=f"{where}.style")
    except InputError as exc:
        raise InputError(path, exc.problem, key=exc.source) from None
    return LayerEntry(
        name=name,
        source=source,
        title=raw.get("title", ""),
        title_zh=raw.get("title_zh", ""),
        group=group,
        layer=raw.get("layer"),
        encoding=raw.get("encoding"),
        crs=crs,
        gcj02=raw.get("gcj02", False),
        sensors=raw.get("sensors", False),
        visible=raw.get("visible", True),
        opacity=opacity,
        style=style,
        x_field=raw.get("x_field"),
        y_field=raw.get("y_field"),
        role=role,
        network=network,
        index=index,
    )


def _basemap_entry(path: Path, folder: Path, index: int, raw, catalog: Catalog) -> BasemapEntry:
    where = f"basemaps[{index}]"
    _check_table(path, raw, where)
    _check_keys(path, raw, _BASEMAP_KEYS, where, required=("name",))
    if any(entry.name == raw["name"] for entry in catalog.basemaps):
        raise InputError(path, f"basemap name {raw['name']!r} is used twice", key=f"{where}.name")
    kinds = [kind for kind in _BASEMAP_KINDS if kind in raw]
    if len(kinds) != 1:
        raise InputError(path, f"give exactly one of {', '.join(_BASEMAP_KINDS)} (found {len(kinds)})", key=where)
    entry = BasemapEntry(
        name=raw["name"],
        title=raw.get("title", raw["name"]),
        title_zh=raw.get("title_zh", ""),
        gcj02=raw.get("gcj02", False),
        visible=raw.get("visible", True),
        opacity=_check_opacity(path, raw, where),
    )
    if "mbtiles" in raw:
        entry.mbtiles = folder / raw["mbtiles"]
        if not entry.mbtiles.is_file():
            raise InputError(path, f"MBTiles file {raw['mbtiles']!r} not found (looked at {entry.mbtiles})",
                             key=f"{where}.mbtiles")
    elif "xyz_dir" in raw:
        template = raw["xyz_dir"]
        root = folder / (template.split("{z}")[0] if "{z}" in template else template)
        if not root.is_dir():
            raise InputError(path, f"tile folder {raw['xyz_dir']!r} not found (looked at {root})", key=f"{where}.xyz_dir")
        entry.xyz_dir = str(folder / template)
    else:
        url = raw["url"]
        if not url.startswith(("http://", "https://")) or "{z}" not in url or "{x}" not in url or (
            "{y}" not in url and "{-y}" not in url
        ):
            raise InputError(path, f"url {url!r} must be http(s) and contain {{z}}, {{x}} and {{y}}", key=f"{where}.url")
        entry.url = url
    return entry


# --- checks ---------------------------------------------------------------------


def _check_table(path: Path, raw, where: str) -> None:
    if not isinstance(raw, dict):
        raise InputError(path, f"expected a table, got {type(raw).__name__}", key=where)


def _check_keys(path: Path, raw: dict, schema: dict, where: str, required: tuple[str, ...] = ()) -> None:
    prefix = f"{where}." if where else ""
    for key, value in raw.items():
        expected = schema.get(key)
        if expected is None:
            raise InputError(path, f"unknown key (known: {', '.join(schema)})", key=f"{prefix}{key}")
        if not _is_type(value, expected):
            raise InputError(
                path, f"expected {_TYPE_NAMES[expected]}, got {type(value).__name__} {value!r}", key=f"{prefix}{key}"
            )
    for key in required:
        if key not in raw:
            raise InputError(path, "required key is missing", key=f"{prefix}{key}")
        if schema[key] is str and not raw[key].strip():
            raise InputError(path, "must not be empty", key=f"{prefix}{key}")


_TYPE_NAMES = {str: "a string", bool: "true or false", float: "a number", dict: "a table", list: "an array of tables"}


def _is_type(value, expected) -> bool:
    if expected is float:
        return isinstance(value, int | float) and not isinstance(value, bool)
    return isinstance(value, expected)


_STYLE_VALUE_TYPES = {
    "fill": str,
    "stroke": str,
    "width": float,
    "marker": str,
    "size": float,
    "dash": str,
    "classify": str,
    "label": str,
    "label_max_resolution_m": float,
    "label_color": str,
    "label_size": float,
}


def _check_style_types(path: Path, style: dict, where: str) -> None:
    """Value types of a style table; ``LayerStyle.from_dict`` checks keys and colours."""
    for key, value in style.items():
        if key == "classes":
            if not isinstance(value, dict):
                raise InputError(path, "expected a table of class symbols", key=f"{where}.classes")
            for class_value, symbol in value.items():
                if not isinstance(symbol, dict):
                    raise InputError(path, "expected a table (a symbol)", key=f"{where}.classes.{class_value}")
                _check_style_types(path, symbol, f"{where}.classes.{class_value}")
            continue
        expected = _STYLE_VALUE_TYPES.get(key)
        if expected is not None and not _is_type(value, expected):
            raise InputError(
                path, f"expected {_TYPE_NAMES[expected]}, got {type(value).__name__} {value!r}", key=f"{where}.{key}"
            )
    colour = style.get("label_color")
    if colour is not None and not is_colour(colour):
        raise InputError(path, f"{colour!r} is not a colour like #RRGGBB or #RRGGBBAA", key=f"{where}.label_color")


def _check_opacity(path: Path, raw: dict, where: str) -> float:
    opacity = float(raw.get("opacity", 1.0))
    if not 0.0 <= opacity <= 1.0:
        raise InputError(path, f"opacity {opacity} is not between 0 and 1", key=f"{where}.opacity")
    return opacity


def _check_role(path: Path, raw: dict, where: str) -> tuple[str, str]:
    """``role`` and ``network`` of a layer: known values; pipes and valves must name their network."""
    role, network = raw.get("role", ""), raw.get("network", "")
    if role and role not in LAYER_ROLES:
        raise InputError(path, f"unknown role {role!r} (known: {', '.join(LAYER_ROLES)})", key=f"{where}.role")
    if network and network not in NETWORKS:
        raise InputError(path, f"unknown network {network!r} (known: {', '.join(NETWORKS)})", key=f"{where}.network")
    if role in ("pipes", "valves") and not network:
        raise InputError(path, f"a {role} layer names its network (one of {', '.join(NETWORKS)})",
                         key=f"{where}.network")
    if network and role not in ("pipes", "valves"):
        raise InputError(path, "only pipes and valves layers take a network", key=f"{where}.network")
    return role, network


def _check_crs(path: Path, crs: str, key: str) -> None:
    from console.geo.crs import resolve_crs

    try:
        resolve_crs(crs)
    except InputError as exc:
        raise InputError(path, exc.problem, key=key) from None


def _check_encoding(path: Path, encoding: str, key: str) -> None:
    import codecs

    try:
        codecs.lookup(encoding)
    except LookupError:
        raise InputError(path, f"unknown encoding {encoding!r} (e.g. 'UTF-8', 'GBK')", key=key) from None
