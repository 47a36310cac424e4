"""The areas of the CAP warnings in force, as a translucent polygon layer in the level colours.

The warnings change rarely (a few times an hour), so the layer is simply built
again when they do: one polygon per warning, reprojected once from lon/lat to
the display CRS, classified by level. It sits beneath the sensor layers, so a
sensor inside a red area is still seen.
"""

from __future__ import annotations

import numpy as np

from console.cap.cover import display_area
from console.model.layer import DISPLAY_CRS, GeometryKind, VectorLayer
from console.model.style import LayerStyle, Symbol
from console.ui.map.sensor_style import LEVEL_COLOURS

LAYER_NAME = "cap_warnings"
AREA_ALPHA = "59"  # about 35 % opaque: the streets beneath stay readable
NO_LEVEL_COLOUR = "#7A5C99"  # a warning that gives no level: none of the four level colours


def warning_style() -> LayerStyle:
    classes = {str(level): Symbol(fill=colour + AREA_ALPHA, stroke=colour, width=2.0)
               for level, colour in LEVEL_COLOURS.items()}
    return LayerStyle(symbol=Symbol(fill=NO_LEVEL_COLOUR + AREA_ALPHA, stroke=NO_LEVEL_COLOUR, width=2.0),
                      classify="level", classes=classes)


def warning_layer(warnings, title: str, title_zh: str) -> VectorLayer | None:
    """A polygon layer of the warnings that have an area; None when none has."""
    import pyarrow as pa

    rows = [(w, display_area(w)) for w in warnings]
    rows = [(w, area) for w, area in rows if area is not None]
    if not rows:
        return None
    geometry = np.array([area for _, area in rows], dtype=object)
    table = pa.table({
        "id": [w.id for w, _ in rows],
        "level": [str(w.level or "") for w, _ in rows],
        "event": [w.event for w, _ in rows],
        "headline": [w.headline for w, _ in rows],
        "area": [w.area_desc for w, _ in rows],
        "sender": [w.sender for w, _ in rows],
    })
    return VectorLayer(LAYER_NAME, GeometryKind.POLYGON, None, "CAP", DISPLAY_CRS, title=title, title_zh=title_zh,
                       style=warning_style(), geometry=geometry, table=table)


class WarningAreas:
    """Keeps the warning layer on a renderer in step with the warnings in force.

    Parameters
    ----------
    renderer : MapRenderer
    title, title_zh : str
        The layer's name in the layer tree.
    """

    def __init__(self, renderer, title: str, title_zh: str):
        self.renderer = renderer
        self.title, self.title_zh = title, title_zh
        self.layer: VectorLayer | None = None

    def show(self, warnings) -> VectorLayer | None:
        """Replace the areas by those of ``warnings``; returns the layer (None when no warning has an area)."""
        old = self.layer
        visible = True if old is None else old.visible  # the operator's choice outlives a new warning
        if old is not None and old in self.renderer.layers:
            self.renderer.remove_layer(old)
        self.layer = warning_layer(warnings, self.title, self.title_zh)
        if self.layer is None:
            return None
        self.layer.visible = visible
        self.renderer.add_layer(self.layer)
        sensors = [i for i, layer in enumerate(self.renderer.layers) if layer.is_sensor_layer]
        if sensors:
            self.renderer.move_layer(self.layer, sensors[0])  # beneath the sensors
        return self.layer

    def bounds_of(self, warning) -> tuple[float, float, float, float] | None:
        """The display-CRS extent of one warning's area."""
        area = display_area(warning)
        return None if area is None else tuple(float(v) for v in area.bounds)
