"""An impact result on the map: radius circle, facilities, valves to close, cut-off pipes, routes and units.

Like the CAP warning areas, the overlay is a handful of ordinary layers rebuilt when a
result arrives (a few dozen features): the circles, the cut-off pipes and the routes go
beneath the sensors, so the alarm's marker stays visible on them; facilities, valves
and units go on top. Impact colours are a
purple family and a teal for the roads' answer, none of them a warning level's colour.
"""

from __future__ import annotations

import numpy as np
import shapely

from console.impact.ground import scale
from console.model.layer import DISPLAY_CRS, GeometryKind, VectorLayer
from console.model.style import LayerStyle, Symbol

GROUP = "impact"
RADIUS = "#6A1B9A"
CUT = "#AD1457"
ROUTE = "#00796B"
FACILITY = "#4A148C"
BENEATH = ("impact_radius", "impact_pipes", "impact_routes")  # drawn under the sensors, in this order


def _circle(x: float, y: float, radius_m: float):
    return shapely.Point(x, y).buffer(radius_m / float(scale(y)), quad_segs=32)


def _layer(name: str, kind: GeometryKind, geometry, columns: dict, style: LayerStyle, title: str,
           title_zh: str) -> VectorLayer:
    import pyarrow as pa

    layer = VectorLayer(name, kind, None, "impact", DISPLAY_CRS, title=title, title_zh=title_zh, group=GROUP,
                        style=style, geometry=np.asarray(geometry, dtype=object), table=pa.table(columns))
    return layer


def impact_layers(result, titles: dict) -> list[VectorLayer]:
    """The overlay's layers for ``result``, bottom first; ``titles`` maps each name to (title, title_zh)."""
    layers = []
    rings = [_circle(result.x, result.y, result.radius_m)]
    kinds = ["radius"]
    if result.isolation_m:
        rings.append(_circle(result.x, result.y, result.isolation_m))
        kinds.append("isolation")
    layers.append(_layer("impact_radius", GeometryKind.POLYGON, rings, {"item": kinds}, LayerStyle(
        symbol=Symbol(fill=RADIUS + "1A", stroke=RADIUS, width=2.0, dash="dash"), classify="item",
        classes={"isolation": Symbol(fill=RADIUS + "33", stroke=RADIUS, width=2.0)}), *titles["impact_radius"]))
    if result.segments:
        layers.append(_layer("impact_pipes", GeometryKind.LINE, [shapely.linestrings(s.xy) for s in result.segments],
                             {"pipe_id": [s.pipe_id for s in result.segments],
                              "part": ["section" if s.in_section else "beyond" for s in result.segments]},
                             LayerStyle(symbol=Symbol(stroke=CUT, width=5.0), classify="part",
                                        classes={"beyond": Symbol(stroke=CUT, width=3.0, dash="dash")}),
                             *titles["impact_pipes"]))
    routes = [r for r in result.resources if r.route is not None]
    nearest = {}
    for r in routes:
        nearest.setdefault(r.kind, r)  # the nearest of each kind by road: its way is drawn
    if nearest:
        layers.append(_layer("impact_routes", GeometryKind.LINE,
                             [shapely.linestrings(r.route) for r in nearest.values()],
                             {"name": [r.name for r in nearest.values()], "kind": list(nearest)},
                             LayerStyle(symbol=Symbol(stroke=ROUTE, width=2.5)), *titles["impact_routes"]))
    people = result.facilities + [f for f in result.cut_off_facilities
                                  if (f.layer, f.row) not in {(g.layer, g.row) for g in result.facilities}]
    if people:
        layers.append(_layer("impact_facilities", GeometryKind.POINT,
                             shapely.points([f.x for f in people], [f.y for f in people]),
                             {"name": [f"{f.name} {f.people}" for f in people],
                              "cut_off": ["yes" if f.cut_off else "no" for f in people]},
                             LayerStyle(symbol=Symbol(fill="#FFFFFF", stroke=FACILITY, width=2.5, marker="circle",
                                                      size=13.0),
                                        classify="cut_off",
                                        classes={"yes": Symbol(fill="#E1BEE7", stroke=CUT, width=2.5,
                                                               marker="circle", size=13.0)},
                                        label="name", label_max_resolution_m=25.0, label_color=FACILITY,
                                        label_size=9.0), *titles["impact_facilities"]))
    if result.valves:
        layers.append(_layer("impact_valves", GeometryKind.POINT,
                             shapely.points([v.x for v in result.valves], [v.y for v in result.valves]),
                             {"name": [v.id for v in result.valves]},
                             LayerStyle(symbol=Symbol(fill="#FFFFFF", stroke=CUT, width=3.0, marker="square",
                                                      size=13.0),
                                        label="name", label_max_resolution_m=25.0, label_color=CUT, label_size=9.0),
                             *titles["impact_valves"]))
    if nearest:
        units = list(nearest.values())
        layers.append(_layer("impact_units", GeometryKind.POINT, shapely.points([r.x for r in units],
                                                                                 [r.y for r in units]),
                             {"name": [f"{r.name} {r.road_m / 1000:.1f} km" for r in units]},
                             LayerStyle(symbol=Symbol(fill=ROUTE, stroke="#FFFFFF", width=1.5, marker="star",
                                                      size=16.0),
                                        label="name", label_max_resolution_m=60.0, label_color=ROUTE,
                                        label_size=9.0), *titles["impact_units"]))
    return layers


class ImpactOverlay:
    """Keeps the impact layers on a renderer: ``show(result)`` replaces them, ``clear()`` removes them."""

    def __init__(self, renderer, titles: dict):
        self.renderer = renderer
        self.titles = titles
        self.layers: list[VectorLayer] = []

    def clear(self) -> None:
        for layer in self.layers:
            if layer in self.renderer.layers:
                self.renderer.remove_layer(layer)
        self.layers = []

    def show(self, result) -> list[VectorLayer]:
        self.clear()
        self.layers = impact_layers(result, self.titles)
        for layer in self.layers:
            self.renderer.add_layer(layer)
        for layer in self.layers:
            if layer.name in BENEATH:
                sensors = [i for i, other in enumerate(self.renderer.layers) if other.is_sensor_layer]
                if sensors:
                    self.renderer.move_layer(layer, sensors[0])  # the alarm's marker stays on top
        return self.layers

    def extent(self, result) -> tuple[float, float, float, float]:
        """The radius circle's box, widened to the cut-off pipes (the units may lie kilometres away)."""
        boxes = [layer.bounds for layer in self.layers
                 if layer.name not in ("impact_units", "impact_routes") and len(layer)]
        r = max(result.radius_m, 200.0) / float(scale(result.y))
        boxes.append((result.x - r, result.y - r, result.x + r, result.y + r))
        array = np.array(boxes)
        return (array[:, 0].min(), array[:, 1].min(), array[:, 2].max(), array[:, 3].max())
