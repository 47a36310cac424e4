"""What an impact analysis answers: plain data, with its notes in English and Chinese.

The window and ``console impact`` show the same records; ``to_dict`` is the JSON form
(coordinates as longitude/latitude).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

import numpy as np

from console.impact.ground import lonlat

__all__ = ["FacilityHit", "ImpactResult", "Note", "ResourceHit", "SegmentHit", "ValveHit", "note"]

# code -> (English, Chinese); fields in braces come from the note's values.
NOTES = {
    "no_facilities_layer": ("No facilities layer: the catalog has no layer with role = \"facilities\", so no "
                            "facilities or people are counted.",
                            "无设施图层：目录中没有 role = \"facilities\" 的图层，无法统计设施与人数。"),
    "no_resources_layer": ("No resources layer: the catalog has no layer with role = \"resources\", so no "
                           "emergency units are listed.",
                           "无应急资源图层：目录中没有 role = \"resources\" 的图层，无法列出救援力量。"),
    "no_roads_layer": ("No roads layer: the catalog has no layer with role = \"roads\"; units are listed by "
                       "straight-line distance only.",
                       "无道路图层：目录中没有 role = \"roads\" 的图层，救援力量只按直线距离列出。"),
    "no_pipes_layer": ("No {network} pipes: the catalog has no layer with role = \"pipes\" and network = "
                       "\"{network}\", so no isolation trace.",
                       "无{network_zh}管线：目录中没有 role = \"pipes\"、network = \"{network}\" 的图层，无法追踪关阀方案。"),
    "no_valves_layer": ("No {network} valves: the catalog has no layer with role = \"valves\" and network = "
                        "\"{network}\"; the trace finds no valve to close.",
                        "无{network_zh}阀门：目录中没有 role = \"valves\"、network = \"{network}\" 的图层，找不到可关闭的阀门。"),
    "pipes_not_connected": ("Pipes layer {layer!r} is not a connected network: only {shared}% of its {pipes} pipe "
                            "ends meet another pipe ({pieces} separate pieces); pipes must share end points "
                            "where they join. The trace below follows the pipes as they are.",
                            "管线图层 {layer!r} 不是连通的管网：{pipes} 条管段中只有 {shared}% 的端点与其他管段相接"
                            "（共 {pieces} 个互不连通的部分）；管段应在相接处共用端点。以下追踪按现有管段进行。"),
    "sensor_on_no_pipe": ("Sensor {sensor} is on no {network} pipe: the nearest is {distance_m:.0f} m away "
                          "(more than {limit_m:.0f} m), so no isolation trace.",
                          "监测点 {sensor} 不在{network_zh}管线上：最近的管段在 {distance_m:.0f} 米外"
                          "（超过 {limit_m:.0f} 米），无法追踪关阀方案。"),
    "no_valve": ("No valve closes the leak's section ({segments} segments): it runs to open ends of the "
                 "network.",
                 "泄漏所在管段（{segments} 段）周围没有可关闭的阀门：它通向管网的开口端。"),
    "valves_on_no_pipe": ("{count} valve(s) of layer {layer!r} sit on no pipe (more than {limit_m:.0f} m from "
                          "every pipe) and are left out of the trace.",
                          "图层 {layer!r} 中有 {count} 个阀门不在任何管段上（距管段超过 {limit_m:.0f} 米），未参与追踪。"),
    "substance_unknown": ("No table row for substance {substance!r}: the radius is the category's "
                          "({radius_m:.0f} m). Known: {known}.",
                          "物质 {substance!r} 在距离表中没有对应行：半径按类别取值（{radius_m:.0f} 米）。已知物质：{known}。"),
    "substance_missing": ("The hazardous-chemical site's substance is not known (give --substance): the radius "
                          "is the category's ({radius_m:.0f} m).",
                          "危化品企业的物质未知（可用 --substance 指定）：半径按类别取值（{radius_m:.0f} 米）。"),
    "no_radius": ("No radius for category {category!r} in the radius table; {radius_m:.0f} m is used.",
                  "半径表中没有类别 {category!r}；采用 {radius_m:.0f} 米。"),
    "unreachable": ("{count} unit(s) cannot be reached by road from the incident (the roads do not join "
                    "them): {names}.",
                    "有 {count} 个救援力量无法经道路到达事发点（道路不连通）：{names}。"),
    "incident_off_roads": ("The incident is {distance_m:.0f} m from the nearest road; road distances start "
                           "there.",
                           "事发点距最近道路 {distance_m:.0f} 米；道路距离自该处起算。"),
    "layer_fields": ("Layer {layer!r} (role {role}) lacks field(s) {fields}; {effect}.",
                     "图层 {layer!r}（role {role}）缺少字段 {fields}；{effect_zh}。"),
}

NETWORK_ZH = {"gas": "燃气", "water_supply": "供水", "drainage": "排水", "heating": "供热"}


@dataclass(frozen=True)
class Note:
    """A limit of the answer: a code and its text in both languages."""

    code: str
    en: str
    zh: str


def note(code: str, **values) -> Note:
    en, zh = NOTES[code]
    values.setdefault("network_zh", NETWORK_ZH.get(values.get("network", ""), values.get("network", "")))
    return Note(code, en.format(**values), zh.format(**values))


@dataclass
class FacilityHit:
    layer: str
    row: int
    id: str
    kind: str
    name: str
    distance_m: float
    people: int
    x: float
    y: float
    cut_off: bool = False  # served by a pipe the isolation shuts


@dataclass
class ValveHit:
    layer: str
    row: int
    id: str
    x: float
    y: float
    distance_m: float  # from the sensor, as the crow flies


@dataclass
class SegmentHit:
    pipe_id: str
    road: str
    length_m: float
    in_section: bool  # between the valves (True) or fed only through the section (False)
    xy: np.ndarray = field(repr=False)


@dataclass
class ResourceHit:
    layer: str
    row: int
    id: str
    kind: str
    name: str
    capacity: float | None
    straight_m: float
    road_m: float | None  # None: not reachable by road (or no roads layer)
    minutes: float | None
    x: float
    y: float
    route: np.ndarray | None = field(default=None, repr=False)  # display-CRS vertices


@dataclass
class ImpactResult:
    """The answer for one sensor."""

    sensor: str
    sensor_name: str
    category: str
    x: float
    y: float
    radius_m: float
    radius_source: str
    radius_source_zh: str = ""
    isolation_m: float | None = None  # initial isolation zone of a substance
    substance: str | None = None
    period: str | None = None  # "day" or "night" for substance distances
    facilities: list[FacilityHit] = field(default_factory=list)
    network: str | None = None
    valves: list[ValveHit] = field(default_factory=list)
    segments: list[SegmentHit] = field(default_factory=list)
    cut_off_facilities: list[FacilityHit] = field(default_factory=list)
    resources: list[ResourceHit] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    timings_ms: dict = field(default_factory=dict)

    @property
    def people(self) -> int:
        return int(sum(f.people for f in self.facilities))

    @property
    def cut_off_people(self) -> int:
        return int(sum(f.people for f in self.cut_off_facilities))

    def to_dict(self) -> dict:
        lon, lat = lonlat(self.x, self.y)

        def point(item):
            plon, plat = lonlat(item.x, item.y)
            return [round(float(plon), 7), round(float(plat), 7)]

        def plain(item, drop=()):
            out = {k: v for k, v in asdict(item).items() if k not in ("x", "y", "xy", "route", "row", *drop)}
            return {k: (round(v, 1) if isinstance(v, float) else v) for k, v in out.items()}

        return {
            "sensor": self.sensor, "sensor_name": self.sensor_name, "category": self.category,
            "lonlat": [round(float(lon), 7), round(float(lat), 7)],
            "radius_m": round(self.radius_m, 1), "radius_source": self.radius_source,
            "radius_source_zh": self.radius_source_zh,
            "isolation_m": self.isolation_m, "substance": self.substance, "period": self.period,
            "people": self.people,
            "facilities": [{**plain(f), "lonlat": point(f)} for f in self.facilities],
            "network": self.network,
            "valves": [{**plain(v), "lonlat": point(v)} for v in self.valves],
            "segments": [plain(s) for s in self.segments],
            "cut_off_facilities": [{**plain(f), "lonlat": point(f)} for f in self.cut_off_facilities],
            "cut_off_people": self.cut_off_people,
            "resources": [{**plain(r), "lonlat": point(r)} for r in self.resources],
            "notes": [asdict(n) for n in self.notes],
        }
