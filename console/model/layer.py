"""Vector layers as the map shows them: geometry in the display CRS plus attributes.

A layer knows nothing about drawing. Geometry is reprojected once, at load
time, into ``DISPLAY_CRS`` (Web Mercator, so offline XYZ/MBTiles basemaps line up).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING

import numpy as np

from console.model.style import LayerStyle

if TYPE_CHECKING:
    import geopandas

DISPLAY_CRS = "EPSG:3857"


class GeometryKind(StrEnum):
    POINT = "point"
    LINE = "line"
    POLYGON = "polygon"


@dataclass(eq=False)
class VectorLayer:
    """One map layer.

    Events (callbacks registered with ``on(event, fn)``): ``visible``, ``opacity``,
    ``style``; each is called with the layer.
    """

    name: str
    kind: GeometryKind
    frame: geopandas.GeoDataFrame  # in DISPLAY_CRS, RangeIndex 0..n-1
    source: str
    source_crs: str
    title: str = ""
    title_zh: str = ""
    group: str = ""
    style: LayerStyle = field(default_factory=LayerStyle)
    is_sensor_layer: bool = False
    _visible: bool = True
    _opacity: float = 1.0
    _listeners: dict[str, list[Callable]] = field(default_factory=dict, repr=False)

    def __post_init__(self):
        self.title = self.title or self.name
        self.title_zh = self.title_zh or self.title

    # --- events -------------------------------------------------------
    def on(self, event: str, callback: Callable[[VectorLayer], None]) -> None:
        self._listeners.setdefault(event, []).append(callback)

    def _emit(self, event: str) -> None:
        for callback in self._listeners.get(event, []):
            callback(self)

    # --- properties ---------------------------------------------------
    @property
    def visible(self) -> bool:
        return self._visible

    @visible.setter
    def visible(self, value: bool) -> None:
        if bool(value) != self._visible:
            self._visible = bool(value)
            self._emit("visible")

    @property
    def opacity(self) -> float:
        return self._opacity

    @opacity.setter
    def opacity(self, value: float) -> None:
        value = min(1.0, max(0.0, float(value)))
        if value != self._opacity:
            self._opacity = value
            self._emit("opacity")

    def set_style(self, style: LayerStyle) -> None:
        self.style = style
        self._emit("style")

    # --- data ---------------------------------------------------------
    def __len__(self) -> int:
        return len(self.frame)

    @property
    def bounds(self) -> tuple[float, float, float, float]:
        """(minx, miny, maxx, maxy) in the display CRS."""
        return tuple(float(v) for v in self.frame.total_bounds)

    @property
    def xy(self) -> tuple[np.ndarray, np.ndarray]:
        """Point coordinates as two float64 arrays (point layers only)."""
        if self.kind is not GeometryKind.POINT:
            raise TypeError(f"layer {self.name!r} is a {self.kind} layer, not points")
        cached = getattr(self, "_xy", None)
        if cached is None:
            import shapely

            coords = shapely.get_coordinates(self.frame.geometry.values)
            cached = self._xy = (np.ascontiguousarray(coords[:, 0]), np.ascontiguousarray(coords[:, 1]))
        return cached

    def attributes(self, row: int) -> dict:
        """The attributes of one feature, geometry excluded, as plain Python values."""
        record = self.frame.drop(columns=self.frame.geometry.name).iloc[row]
        return {key: _plain(value) for key, value in record.items()}


def _plain(value):
    if hasattr(value, "item"):
        try:
            return value.item()
        except (ValueError, AttributeError):
            pass
    return value
