"""How the demo city looks: its layer catalog (docs/catalog.md) with groups and styles.

The palette is calm and unsaturated. The four warning colours of the console
(red #D7263D, orange #F28C28, yellow #F5C518, blue #1E6FD9) are reserved for
warnings and appear in no base style, so an alarm always stands out.
"""

from __future__ import annotations

import json
from pathlib import Path

from console.demo.names import CITY_EN, CITY_ZH

GROUPS = [  # tree order, top first
    ("hazmat", "Hazmat", "危化品"),
    ("flood", "Flood", "防汛"),
    ("lifeline", "Lifeline", "生命线"),
    ("facilities", "Facilities", "公共设施"),
    ("network", "Pipe networks", "管网"),
    ("base", "Base map", "基础地理"),
]

# Muted pastels, one per district (in the districts' code order).
DISTRICT_FILLS = ["#EAE4D8", "#E1E8DC", "#DDE5EC", "#EDE2DF", "#E5E0EC", "#DEE9E5", "#EEE8D6", "#E3E6DA",
                  "#E9E3E8", "#DCE3E8", "#ECE6DD", "#E2EADF"]

ROAD_CLASSES = {
    "expressway": {"stroke": "#D69A5E", "width": 4.0},
    "arterial": {"stroke": "#E3C57E", "width": 3.0},
    "secondary": {"stroke": "#B8B1A5", "width": 1.5},
    "local": {"stroke": "#CFCAC1", "width": 0.8},
}

FACILITY_CLASSES = {
    "school": {"marker": "triangle", "fill": "#5F7FA0", "size": 8.0},
    "hospital": {"marker": "cross", "fill": "#2E8B6E", "size": 10.0},
    "metro": {"marker": "circle", "fill": "#FFFFFF", "stroke": "#44607C", "width": 2.0, "size": 8.0},
    "elderly_care": {"marker": "circle", "fill": "#9A7FA6", "size": 7.0},
}

RESOURCE_CLASSES = {
    "fire_rescue": {"marker": "square", "fill": "#8A4B3E", "size": 8.0},
    "gas_repair": {"marker": "square", "fill": "#8C7A3A", "size": 7.0},
    "water_repair": {"marker": "square", "fill": "#3F6F8F", "size": 7.0},
    "medical": {"marker": "cross", "fill": "#2E6B8B", "size": 9.0},
    "shelter": {"marker": "hexagon", "fill": "#7E9A48", "size": 9.0},
    "material_store": {"marker": "diamond", "fill": "#6E6A5E", "size": 7.0},
}

METRO_LINE_COLOURS = ["#5C7A99", "#6E9A7A", "#A88B5C", "#8A8F98"]


def catalog_layers(district_names: list[str], metro_lines: list[str]) -> list[dict]:
    """The catalog's [[layers]] in drawing order (first drawn at the bottom)."""
    source = "city.gpkg"

    def layer(name, title, title_zh, group, style, **extra):
        entry = {"name": name, "title": title, "title_zh": title_zh, "group": group, "source": source,
                 "layer": name}
        entry.update(extra)
        entry["style"] = style
        return entry

    return [
        layer("districts", "Districts", "行政区", "base", {
            "fill": "#ECE9E1", "stroke": "#9C9384", "width": 1.4, "dash": "dash",
            "classify": "name_zh", "label": "name_zh", "label_max_resolution_m": 120.0,
            "label_color": "#5A544A", "label_size": 12.0,
            "classes": {name: {"fill": DISTRICT_FILLS[i % len(DISTRICT_FILLS)]}
                        for i, name in enumerate(district_names)},
        }),
        layer("water_areas", "Rivers and lakes", "水域", "base", {
            "fill": "#BCD4E6", "stroke": "#94B6D0", "width": 0.8, "label": "name_zh",
            "label_max_resolution_m": 60.0, "label_color": "#3F6C8F", "label_size": 10.0,
        }),
        layer("residential", "Residential blocks", "居住小区", "base", {
            "fill": "#E6DFD3", "stroke": "#D6CCBC", "width": 0.5, "label": "name_zh",
            "label_max_resolution_m": 5.0, "label_color": "#7A7060", "label_size": 8.0,
        }, opacity=0.85, role="facilities"),
        layer("industrial_parks", "Industrial parks", "化工园区", "hazmat", {
            "fill": "#EFE3EC", "stroke": "#A77BA3", "width": 1.2, "dash": "dash", "label": "name_zh",
            "label_max_resolution_m": 40.0, "label_color": "#6B2F67", "label_size": 10.0,
        }),
        layer("rivers", "River lines", "河流", "flood", {
            "stroke": "#94B6D0", "width": 2.2, "classify": "class", "label": "name_zh",
            "label_max_resolution_m": 60.0, "label_color": "#3F6C8F", "label_size": 10.0,
            "classes": {"main": {"stroke": "#A9C7DD", "width": 1.0}, "tributary": {"stroke": "#94B6D0", "width": 2.2}},
        }),
        layer("roads", "Roads", "道路", "base", {
            "stroke": "#CFCAC1", "width": 0.8, "classify": "class", "label": "label_zh",
            "label_max_resolution_m": 40.0, "label_color": "#4A4540", "label_size": 9.0,
            "classes": ROAD_CLASSES,
        }, role="roads"),
        layer("bridges", "Bridges", "桥梁", "lifeline", {
            "stroke": "#8A847B", "width": 6.0, "label": "name_zh", "label_max_resolution_m": 30.0,
            "label_color": "#4A4540", "label_size": 9.0,
        }),
        layer("metro_lines", "Metro lines", "地铁线路", "facilities", {
            "stroke": METRO_LINE_COLOURS[0], "width": 2.2, "dash": "dash", "classify": "line",
            "label": "name_zh", "label_max_resolution_m": 40.0, "label_color": "#44607C", "label_size": 9.0,
            "classes": {line: {"stroke": METRO_LINE_COLOURS[i % len(METRO_LINE_COLOURS)]}
                        for i, line in enumerate(metro_lines)},
        }),
        layer("utility_tunnels", "Utility tunnels", "综合管廊", "lifeline", {
            "stroke": "#6D7F99", "width": 3.0, "dash": "dash", "label": "name_zh",
            "label_max_resolution_m": 20.0, "label_color": "#4D5D73", "label_size": 9.0,
        }),
        layer("heating_mains", "Heating mains", "供热管网", "network", {
            "stroke": "#B57F6B", "width": 1.4, "dash": "dash",
        }, visible=False),
        layer("drainage_lines", "Drainage lines", "排水管网", "network", {
            "stroke": "#8E806B", "width": 1.0,
        }, visible=False),
        layer("water_mains", "Water mains", "供水管网", "network", {
            "stroke": "#5E8FB8", "width": 1.0,
        }, visible=False, role="pipes", network="water_supply"),
        layer("gas_mains", "Gas mains", "燃气管网", "network", {
            "stroke": "#B08B3F", "width": 0.8,
        }, role="pipes", network="gas"),
        layer("power_cables", "Power cables", "电力电缆", "network", {
            "stroke": "#7E7A8C", "width": 1.0, "dash": "dot",
        }, visible=False),
        layer("water_valves", "Water valves", "供水阀门", "network", {
            "marker": "square", "size": 4.0, "fill": "#5E7E9E", "stroke": "#FFFFFF", "width": 0.5,
        }, visible=False, role="valves", network="water_supply"),
        layer("gas_valves", "Gas valves", "燃气阀门", "network", {
            "marker": "square", "size": 4.0, "fill": "#7E6E4E", "stroke": "#FFFFFF", "width": 0.5,
        }, visible=False, role="valves", network="gas"),
        layer("pump_stations", "Pumping stations", "排涝泵站", "flood", {
            "marker": "triangle_down", "size": 9.0, "fill": "#4F7FA6", "stroke": "#FFFFFF", "width": 1.0,
            "label": "name_zh", "label_max_resolution_m": 15.0, "label_color": "#3F6C8F", "label_size": 8.0,
        }),
        layer("facilities", "Public facilities", "公共设施", "facilities", {
            "marker": "circle", "size": 7.0, "fill": "#7C8A96", "stroke": "#FFFFFF", "width": 1.0,
            "classify": "kind", "label": "name_zh", "label_max_resolution_m": 12.0,
            "label_color": "#3E4650", "label_size": 8.0, "classes": FACILITY_CLASSES,
        }, role="facilities"),
        layer("resources", "Emergency resources", "应急资源", "facilities", {
            "marker": "square", "size": 7.0, "fill": "#7C8A96", "stroke": "#FFFFFF", "width": 1.0,
            "classify": "kind", "label": "name", "label_max_resolution_m": 12.0,
            "label_color": "#3E4650", "label_size": 8.0, "classes": RESOURCE_CLASSES,
        }, role="resources"),
        layer("hazmat_sites", "Hazardous-chemical sites", "危化品企业", "hazmat", {
            "marker": "diamond", "size": 11.0, "fill": "#9B4F96", "stroke": "#FFFFFF", "width": 1.2,
            "label": "name_zh", "label_max_resolution_m": 20.0, "label_color": "#6B2F67", "label_size": 9.0,
        }),
        layer("tanks", "Storage tanks", "储罐", "hazmat", {
            "marker": "circle", "size": 5.0, "fill": "#C7A2C3", "stroke": "#7A4A76", "width": 0.8,
        }, visible=False),
        layer("sensors", "Sensors", "监测点", "lifeline", {
            "marker": "circle", "size": 5.0, "fill": "#3A7D7C", "stroke": "#2A5A59", "width": 0.5,
        }, sensors=True),
    ]


def catalog_text(district_names: list[str], metro_lines: list[str]) -> str:
    """The catalog as TOML text."""
    out = ["# Layer catalog of the demo city (format: docs/catalog.md).",
           "# Written by `python -m console.demo.city`; edit the generator, not this file.",
           "",
           f"title = {_value(CITY_EN)}",
           f"title_zh = {_value(CITY_ZH)}",
           'crs = "EPSG:4490"',
           ""]
    for group_id, title, title_zh in GROUPS:
        out += ["[[groups]]", f"id = {_value(group_id)}", f"title = {_value(title)}",
                f"title_zh = {_value(title_zh)}", ""]
    for entry in catalog_layers(district_names, metro_lines):
        out.append("[[layers]]")
        style = entry.pop("style")
        out += [f"{key} = {_value(value)}" for key, value in entry.items()]
        classes = style.pop("classes", {})
        out += ["", "[layers.style]"] + [f"{key} = {_value(value)}" for key, value in style.items()]
        for value, symbol in classes.items():
            out += ["", f"[layers.style.classes.{_key(value)}]"]
            out += [f"{key} = {_value(v)}" for key, v in symbol.items()]
        out.append("")
    return "\n".join(out)


def write_catalog(path: Path, district_names: list[str], metro_lines: list[str]) -> None:
    Path(path).write_text(catalog_text(district_names, metro_lines), encoding="utf-8")


def _value(value) -> str:
    """A TOML literal for a str, bool, int or float."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)  # a JSON string is a valid TOML basic string
    return repr(value)


def _key(text: str) -> str:
    """A TOML key: bare when it can be, quoted otherwise (Chinese names, digits...)."""
    bare = text.replace("_", "").replace("-", "").isascii() and text.replace("_", "").replace("-", "").isalnum()
    return text if bare else json.dumps(text, ensure_ascii=False)
