"""The city's layers by role, indexed once, and the impact analysis of one sensor.

``ImpactContext`` finds the layers of each catalog role (``pipes``, ``valves``, ``roads``,
``facilities``, ``resources``; docs/catalog.md) among loaded layers and builds, on first
use, the spatial indexes (shapely STRtree) and the graphs (``PipeNetwork`` per network,
``RoadNetwork``). ``analyse`` then answers for one sensor: the radius and its source,
the facilities inside with their people, the valves that isolate a gas or water leak and
what they cut off, and the nearest emergency units of each kind along the roads. A part
that cannot be answered (a layer missing, a sensor on no pipe) becomes a note; the rest
still answers.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

import numpy as np
import shapely

from console.errors import InputError
from console.impact.ground import scale
from console.impact.pipes import PipeNetwork
from console.impact.result import FacilityHit, ImpactResult, Note, ResourceHit, SegmentHit, ValveHit, note
from console.impact.roads import RoadNetwork
from console.impact.tables import ImpactTables, load_tables

__all__ = ["ImpactContext", "TRACED_NETWORKS"]

TRACED_NETWORKS = ("gas", "water_supply")  # categories whose alarms get an isolation trace
NAME_FIELDS = ("name", "name_zh", "name_en", "title")
DEFAULT_RADIUS_M = 300.0
# the categories' Chinese names, as the window shows them
CATEGORY_ZH = {"gas": "燃气", "water_supply": "供水", "drainage": "排水", "bridge": "桥梁", "heating": "供热",
               "power": "电力", "utility_tunnel": "综合管廊", "rainfall": "降雨", "water_level": "水位",
               "waterlogging": "内涝", "hazmat": "危化品"}


@dataclass
class _Places:
    """Features of one role from all its layers, as flat arrays with an STRtree."""

    layer: np.ndarray
    row: np.ndarray
    ids: np.ndarray
    kinds: np.ndarray
    names: np.ndarray
    values: np.ndarray  # people (facilities) or capacity (resources)
    geometry: np.ndarray
    xy: np.ndarray  # a representative point of each
    tree: shapely.STRtree


def _day_or_night(when: datetime | None) -> str:
    """Day from 06:00 to 18:00 local time (the ERG's "sunrise to sunset", without an almanac)."""
    from console.model.levels import DISPLAY_ZONE

    when = when or datetime.now(ZoneInfo(DISPLAY_ZONE))
    if when.tzinfo is not None:
        when = when.astimezone(ZoneInfo(DISPLAY_ZONE))
    return "day" if 6 <= when.hour < 18 else "night"


class ImpactContext:
    """Layers by role and the indexes built on them (once).

    Parameters
    ----------
    layers : list of VectorLayer
        The loaded layers (their ``role`` and ``network`` come from the catalog); one of
        them is the sensor layer.
    tables : ImpactTables, optional
        Radii, substances and speeds (the bundled tables by default).
    """

    def __init__(self, layers, tables: ImpactTables | None = None):
        self.layers = list(layers)
        self.tables = tables or load_tables()
        self.sensors = next((layer for layer in self.layers if layer.is_sensor_layer), None)
        self._by_role: dict[str, list] = {}
        for layer in self.layers:
            if layer.role:
                self._by_role.setdefault(layer.role, []).append(layer)
        self._cache: dict = {}
        self.build_ms: dict[str, float] = {}

    @classmethod
    def from_catalog(cls, path, tables: ImpactTables | None = None) -> ImpactContext:
        from console.geo.catalog import load_catalog

        return cls(load_catalog(path).load_layers(), tables)

    def layers_of(self, role: str, network: str | None = None) -> list:
        return [layer for layer in self._by_role.get(role, []) if network is None or layer.network == network]

    # --- indexes, built once ----------------------------------------------------------
    def _once(self, key, build):
        if key not in self._cache:
            started = time.perf_counter()
            self._cache[key] = build()
            self.build_ms[str(key)] = (time.perf_counter() - started) * 1000.0
        return self._cache[key]

    def build(self, networks=TRACED_NETWORKS) -> dict[str, float]:
        """Build every index now (the window does it off the GUI thread); returns milliseconds by part."""
        self._sensor_rows()
        self._chemicals()
        self.facilities()
        self.resources()
        self.roads()
        for network in networks:
            self.pipes(network)
            self._served(network)
        places, _ = self.resources()
        roads, _ = self.roads()
        if places is not None and roads is not None:
            self._resource_access(roads, places)
        return dict(self.build_ms)

    def _resource_access(self, roads, places):
        return self._once("resource_access", lambda: roads.access(shapely.points(places.xy)))

    def _sensor_rows(self) -> dict:
        def build():
            if self.sensors is None:
                return {}
            self._sensor_columns = {name: self.sensors.column_values(name) for name in ("name", "category", "asset")
                                    if name in self.sensors.columns}
            return {str(v): i for i, v in enumerate(self.sensors.column_values("id").tolist())}

        return self._once("sensors", build)

    def facilities(self) -> tuple[_Places | None, list[Note]]:
        return self._once("facilities", lambda: self._places("facilities", "people"))

    def resources(self) -> tuple[_Places | None, list[Note]]:
        return self._once("resources", lambda: self._places("resources", "capacity"))

    def _places(self, role: str, value_field: str) -> tuple[_Places | None, list[Note]]:
        layers = self.layers_of(role)
        notes: list[Note] = []
        if not layers:
            return None, [note(f"no_{role}_layer")]
        parts = {k: [] for k in ("layer", "row", "ids", "kinds", "names", "values", "geometry")}
        for layer in layers:
            n = len(layer)
            columns = set(layer.columns)
            lacking = [f for f in ("kind", value_field) if f not in columns]
            if lacking:
                effect = (f"its features count as kind {layer.name!r}" if "kind" in lacking else "") + (
                    f"{'; ' if 'kind' in lacking and value_field in lacking else ''}{value_field} counts as 0"
                    if value_field in lacking else "")
                effect_zh = ("其要素的类别记为图层名" if "kind" in lacking else "") + (
                    f"{'；' if 'kind' in lacking and value_field in lacking else ''}{value_field} 记为 0"
                    if value_field in lacking else "")
                notes.append(note("layer_fields", layer=layer.name, role=role, fields=", ".join(lacking),
                                  effect=effect, effect_zh=effect_zh))
            id_field = next((c for c in ("id", *sorted(c for c in columns if c.endswith("_id"))) if c in columns),
                            None)
            name_field = next((c for c in NAME_FIELDS if c in columns), None)
            parts["layer"].append(np.full(n, layer.name, dtype=object))
            parts["row"].append(np.arange(n))
            parts["ids"].append(layer.text_values(id_field) if id_field else
                                np.array([f"{layer.name}#{i + 1}" for i in range(n)], dtype=object))
            parts["kinds"].append(layer.text_values("kind") if "kind" in columns else np.full(n, layer.name, object))
            parts["names"].append(layer.text_values(name_field) if name_field else parts["ids"][-1])
            parts["values"].append(_numbers(layer.column_values(value_field)) if value_field in columns
                                   else np.zeros(n))
            parts["geometry"].append(np.asarray(layer.geometries, dtype=object))
        flat = {k: np.concatenate(v) for k, v in parts.items()}
        geometry = flat.pop("geometry")
        xy = shapely.get_coordinates(shapely.point_on_surface(geometry))
        return _Places(geometry=geometry, xy=xy, tree=shapely.STRtree(geometry), **flat), notes

    def roads(self) -> tuple[RoadNetwork | None, list[Note]]:
        def build():
            layers = self.layers_of("roads")
            if not layers:
                return None, [note("no_roads_layer")]
            lines, speeds = [], []
            for layer in layers:
                classes = layer.text_values("class") if "class" in layer.columns else np.full(len(layer), "")
                lines.append(np.asarray(layer.geometries, dtype=object))
                speeds.append(np.array([self.tables.speed(c) for c in classes.tolist()]))
            return RoadNetwork(np.concatenate(lines), np.concatenate(speeds),
                               self.tables.speed_kmh.get("off_road", 10.0)), []

        return self._once("roads", build)

    def pipes(self, network: str) -> tuple[PipeNetwork | None, list[Note], dict]:
        def build():
            pipe_layers = self.layers_of("pipes", network)
            if not pipe_layers:
                return None, [note("no_pipes_layer", network=network)], {}
            valve_layers = self.layers_of("valves", network)
            notes = [] if valve_layers else [note("no_valves_layer", network=network)]
            lines, ids, roads = [], [], []
            for layer in pipe_layers:
                lines.append(np.asarray(layer.geometries, dtype=object))
                id_field = next((c for c in ("pipe_id", "id") if c in layer.columns), None)
                ids.append(layer.text_values(id_field) if id_field else
                           np.array([f"{layer.name}#{i + 1}" for i in range(len(layer))], dtype=object))
                road = next((c for c in ("road_zh", "road", "street", "name_zh", "name") if c in layer.columns), None)
                roads.append(layer.text_values(road) if road else np.full(len(layer), "", dtype=object))
            valves, valve_layer, valve_row, valve_ids = [], [], [], []
            for layer in valve_layers:
                valves.append(np.asarray(layer.geometries, dtype=object))
                valve_layer.append(np.full(len(layer), layer.name, dtype=object))
                valve_row.append(np.arange(len(layer)))
                id_field = next((c for c in ("valve_id", "id") if c in layer.columns), None)
                valve_ids.append(layer.text_values(id_field) if id_field else
                                 np.array([f"{layer.name}#{i + 1}" for i in range(len(layer))], dtype=object))
            empty = np.zeros(0, dtype=object)
            net = PipeNetwork(np.concatenate(lines), np.concatenate(ids),
                              np.concatenate(valves) if valves else empty, self.tables.valve_snap_m)
            for code, values in net.messages:
                notes.append(note(code, layer=", ".join(layer.name for layer in pipe_layers), **values))
            if len(net.valves_on_no_pipe):
                notes.append(note("valves_on_no_pipe", count=len(net.valves_on_no_pipe),
                                  layer=", ".join(layer.name for layer in valve_layers),
                                  limit_m=self.tables.valve_snap_m))
            extra = {"roads": np.concatenate(roads),
                     "valve_layer": np.concatenate(valve_layer) if valves else empty,
                     "valve_row": np.concatenate(valve_row) if valves else np.zeros(0, dtype=int),
                     "valve_ids": np.concatenate(valve_ids) if valves else empty}
            return net, notes, extra

        return self._once(("pipes", network), build)

    def _served(self, network: str) -> np.ndarray:
        """Each facility's nearest segment of ``network`` within the service distance (-1: none)."""
        def build():
            places, _ = self.facilities()
            net = self.pipes(network)[0]
            served = np.full(0 if places is None else len(places.geometry), -1)
            if places is None or net is None or not len(net.segments):
                return served
            limit = self.tables.service_m / scale(places.xy[:, 1]).min()
            rows, seg = net.tree.query_nearest(places.geometry, max_distance=float(limit), all_matches=False)
            served[rows] = seg
            return served

        return self._once(("served", network), build)

    # --- the analysis -----------------------------------------------------------------
    def sensor(self, sensor_id: str) -> dict:
        """id, name, category, asset and display-CRS position of a sensor (InputError when unknown)."""
        rows = self._sensor_rows()
        if self.sensors is None:
            raise InputError("catalog", "no sensor layer (a [[layers]] entry with sensors = true)")
        if str(sensor_id) not in rows:
            raise InputError(self.sensors.name, f"no sensor with id {sensor_id!r}")
        row = rows[str(sensor_id)]
        x, y = self.sensors.xy
        attrs = {name: values[row] for name, values in self._sensor_columns.items()}
        return {"id": str(sensor_id), "row": row, "x": float(x[row]), "y": float(y[row]),
                "name": str(attrs.get("name") or sensor_id), "category": str(attrs.get("category") or ""),
                "asset": None if attrs.get("asset") is None else str(attrs["asset"])}

    def analyse(self, sensor_id: str, *, substance: str | None = None, when: datetime | None = None,
                night: bool | None = None, spill: str = "large") -> ImpactResult:
        """The impact of an alarm at ``sensor_id`` (see the module docstring)."""
        times = {}
        started = time.perf_counter()
        s = self.sensor(sensor_id)
        centre = shapely.Point(s["x"], s["y"])
        result = ImpactResult(sensor=s["id"], sensor_name=s["name"], category=s["category"], x=s["x"], y=s["y"],
                              radius_m=DEFAULT_RADIUS_M, radius_source="")
        self._radius(result, s, substance, "night" if night else ("day" if night is False else _day_or_night(when)),
                     spill)
        self._inside(result, centre)
        times["radius_facilities"] = (time.perf_counter() - started) * 1000.0
        network = s["category"] if s["category"] in TRACED_NETWORKS or self.layers_of("pipes", s["category"]) \
            else None
        if network:
            t0 = time.perf_counter()
            self._trace(result, network, centre, s)
            times["trace"] = (time.perf_counter() - t0) * 1000.0
        t0 = time.perf_counter()
        self._nearest_units(result, centre)
        times["resources"] = (time.perf_counter() - t0) * 1000.0
        result.timings_ms = times
        return result

    def _radius(self, result: ImpactResult, s: dict, substance: str | None, period: str, spill: str) -> None:
        tables = self.tables
        category = s["category"]
        radius = tables.radius_m.get(category)
        if radius is None:
            result.notes.append(note("no_radius", category=category, radius_m=DEFAULT_RADIUS_M))
            radius = DEFAULT_RADIUS_M
        result.radius_m, result.radius_source = radius, f"{category}: {tables.radius_source}"
        result.radius_source_zh = f"{CATEGORY_ZH.get(category, category)}：{tables.radius_source_zh}"
        if category != "hazmat" and substance is None:
            return
        names = [substance] if substance else self._site_substances(s.get("asset"))
        if not names:
            result.notes.append(note("substance_missing", radius_m=radius))
            return
        rows = [tables.substance(n) for n in names]
        known = [r for r in rows if r is not None]
        if not known:
            result.notes.append(note("substance_unknown", substance=" / ".join(names), radius_m=radius,
                                     known=", ".join(r.name for r in tables.substances)))
            return
        # ERG: with several materials, the entry with the largest protective-action distance
        row = max(known, key=lambda r: r.distances(spill, period == "night")[1])
        isolation, protect = row.distances(spill, period == "night")
        result.radius_m, result.isolation_m = protect, isolation
        result.substance, result.period = f"{row.name} ({row.name_zh}, UN {row.un})", period
        result.radius_source = (f"{row.source}: {spill} spill, {period}: isolate {isolation:.0f} m in all "
                                f"directions, protect downwind {protect:.0f} m")
        result.radius_source_zh = (f"{row.source}：{'少量' if spill == 'small' else '大量'}泄漏，"
                                   f"{'夜间' if period == 'night' else '白天'}：四周隔离 {isolation:.0f} 米，"
                                   f"下风向防护 {protect:.0f} 米")

    def _site_substances(self, asset: str | None) -> list[str]:
        """The chemicals of the feature a hazmat sensor watches (a tank, a site): any layer with a
        ``chemical`` field whose id field holds the sensor's ``asset``."""
        if not asset:
            return []
        text = self._chemicals().get(asset, "")
        return [part.strip() for part in text.replace("、", ",").split(",") if part.strip()]

    def _chemicals(self) -> dict[str, str]:
        """Feature id -> its chemical(s), from every layer with a ``chemical`` field (tanks, sites)."""
        def build():
            chemicals: dict[str, str] = {}
            for layer in self.layers:
                columns = set(layer.columns)
                field = next((c for c in ("chemical_en", "chemical", "chemicals_en", "chemicals") if c in columns),
                             None)
                if field is None or layer.is_sensor_layer:
                    continue
                text = layer.text_values(field).tolist()
                for id_field in sorted(c for c in columns if c == "id" or c.endswith("_id")):
                    for key, value in zip(layer.text_values(id_field).tolist(), text, strict=True):
                        chemicals.setdefault(key, value)
            return chemicals

        return self._once("chemicals", build)

    def _inside(self, result: ImpactResult, centre) -> None:
        places, notes = self.facilities()
        result.notes.extend(notes)
        if places is None:
            return
        k = float(scale(result.y))
        hits = places.tree.query(centre, predicate="dwithin", distance=result.radius_m / k)
        distance = shapely.distance(places.geometry[hits], centre) * k
        order = np.argsort(distance, kind="stable")
        result.facilities = [self._facility(places, int(hits[i]), float(distance[i])) for i in order]

    @staticmethod
    def _facility(places: _Places, i: int, distance_m: float, cut_off: bool = False) -> FacilityHit:
        return FacilityHit(layer=str(places.layer[i]), row=int(places.row[i]), id=str(places.ids[i]),
                           kind=str(places.kinds[i]), name=str(places.names[i]), distance_m=distance_m,
                           people=int(places.values[i]), x=float(places.xy[i, 0]), y=float(places.xy[i, 1]),
                           cut_off=cut_off)

    def _trace(self, result: ImpactResult, network: str, centre, s: dict) -> None:
        net, notes, extra = self.pipes(network)
        result.notes.extend(notes)
        result.network = network
        if net is None or not len(net.segments):
            return
        seg, distance = net.nearest_segment(centre, s.get("asset"))
        if distance > self.tables.sensor_max_m:
            result.notes.append(note("sensor_on_no_pipe", sensor=s["id"], network=network, distance_m=distance,
                                     limit_m=self.tables.sensor_max_m))
            return
        trace = net.trace(centre, s.get("asset"))
        for code, values in trace.messages:
            result.notes.append(note(code, **values))
        k = float(scale(result.y))
        vxy = shapely.get_coordinates(net.valve_points[trace.valves]) if len(trace.valves) else np.zeros((0, 2))
        valves = [ValveHit(layer=str(extra["valve_layer"][v]), row=int(extra["valve_row"][v]),
                           id=str(extra["valve_ids"][v]), x=float(x), y=float(y),
                           distance_m=float(np.hypot(x - result.x, y - result.y) * k))
                  for v, (x, y) in zip(trace.valves, vxy, strict=True)]
        result.valves = sorted(valves, key=lambda v: v.distance_m)
        pipe_of = net.owner[net.seg_part]
        result.segments = [SegmentHit(pipe_id=str(net.pipe_ids[pipe_of[i]]), road=str(extra["roads"][pipe_of[i]]),
                                      length_m=float(net.seg_length_m[i]), in_section=bool(j < len(trace.section)),
                                      xy=shapely.get_coordinates(net.segments[i]))
                           for j, i in enumerate(trace.cut_off)]
        places, _ = self.facilities()
        if places is None:
            return
        served = self._served(network)
        dry = np.zeros(len(net.segments) + 1, dtype=bool)
        dry[trace.cut_off] = True
        rows = np.flatnonzero(dry[served])  # served == -1 reads the spare last slot: False
        distance = np.hypot(places.xy[rows, 0] - result.x, places.xy[rows, 1] - result.y) * k
        result.cut_off_facilities = [self._facility(places, int(i), float(d), True)
                                     for i, d in sorted(zip(rows, distance, strict=True), key=lambda t: t[1])]
        cut = {(f.layer, f.row) for f in result.cut_off_facilities}
        for f in result.facilities:
            f.cut_off = (f.layer, f.row) in cut

    def _nearest_units(self, result: ImpactResult, centre) -> None:
        places, notes = self.resources()
        result.notes.extend(notes)
        if places is None:
            return
        roads, road_notes = self.roads()
        result.notes.extend(road_notes)
        k = float(scale(result.y))
        straight = np.hypot(places.xy[:, 0] - result.x, places.xy[:, 1] - result.y) * k
        per_kind = self.tables.per_kind
        if roads is None:
            road = np.full(len(straight), np.inf)
        else:
            access = self._resource_access(roads, places)
            origin = roads.access([centre])[0]
            if origin.off_road_m > self.tables.sensor_max_m:
                result.notes.append(note("incident_off_roads", distance_m=origin.off_road_m))
            dist, pred = roads.distances_from(origin)
            road = roads.road_distances(dist, access) + origin.off_road_m
            same = np.array([a.stretch == origin.stretch for a in access])
            for i in np.flatnonzero(same):
                road[i] = min(road[i], abs(access[i].to_start_m - origin.to_start_m)
                              + access[i].off_road_m + origin.off_road_m)
        unreachable = []
        for kind in dict.fromkeys(places.kinds.tolist()):
            rows = np.flatnonzero(places.kinds == kind)
            by_road = rows[np.argsort(road[rows], kind="stable")]
            chosen = [i for i in by_road if np.isfinite(road[i])][:per_kind]
            if roads is None or not chosen:
                chosen = list(rows[np.argsort(straight[rows], kind="stable")][:per_kind])
            nearest_straight = rows[np.argsort(straight[rows], kind="stable")][:per_kind]
            unreachable += [str(places.names[i]) for i in nearest_straight if roads is not None
                            and not np.isfinite(road[i])]
            for i in chosen:
                route = None
                if roads is not None and np.isfinite(road[i]):
                    route = roads.route(origin, access[i], dist, pred, (result.x, result.y), places.xy[i])
                result.resources.append(ResourceHit(
                    layer=str(places.layer[i]), row=int(places.row[i]), id=str(places.ids[i]), kind=str(kind),
                    name=str(places.names[i]), capacity=float(places.values[i]), straight_m=float(straight[i]),
                    road_m=None if route is None else route.road_m, minutes=None if route is None else route.minutes,
                    x=float(places.xy[i, 0]), y=float(places.xy[i, 1]), route=None if route is None else route.xy))
        if unreachable:
            result.notes.append(note("unreachable", count=len(unreachable), names=", ".join(unreachable)))


def _numbers(values) -> np.ndarray:
    out = np.zeros(len(values))
    for i, v in enumerate(values.tolist()):
        try:
            out[i] = float(v) if v is not None else 0.0
        except (TypeError, ValueError):
            out[i] = 0.0
    return out
