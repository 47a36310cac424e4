"""Vector layers as the map shows them: geometry in the display CRS plus attributes.

A layer knows nothing about drawing. Geometry is reprojected once, at load
time, into ``DISPLAY_CRS`` (Web Mercator, so offline XYZ/MBTiles basemaps line up).
"""

from __future__ import annotations

from collections.abc import Callable
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


class VectorLayer:
    """One map layer.

    A layer holds either a GeoDataFrame (``frame``) or its geometry without one plus
    a columnar attribute table: point coordinates (``xy``), or a shapely array
    (``geometry``) for other layers. The GeoDataFrame of such a layer is built only
    when something asks for ``frame`` (the attribute panel, the live sensor binding);
    drawing needs only ``xy`` or ``geometries``, labels and classes ``text_values``,
    identify ``attributes``, and none of them imports pandas unless the table is one.

    Parameters
    ----------
    name, kind, source, source_crs
        Layer name, geometry kind, the file it came from and its CRS label.
    frame : geopandas.GeoDataFrame or None
        The features in ``DISPLAY_CRS`` with a RangeIndex; None for a layer of arrays.
    title, title_zh, group, style, is_sensor_layer
        How the layer tree and the map show it.
    xy : (ndarray, ndarray), optional
        Point coordinates in ``DISPLAY_CRS`` (with ``table``, instead of ``frame``).
    geometry : ndarray of shapely geometries, optional
        The features in ``DISPLAY_CRS`` (with ``table``, instead of ``frame``).
    table : optional
        The attributes, one row per feature, no geometry column: a ``pyarrow.Table``,
        a pandas DataFrame, or a table read on demand
        (``console.geo.geopackage.GeoPackageTable``: ``column_names``,
        ``column_values(name)``, ``to_pandas()``).

    Events (callbacks registered with ``on(event, fn)``): ``visible``, ``opacity``,
    ``style``; each is called with the layer.
    """

    # What the layer is for in an analysis (the catalog's ``role`` and ``network``; "" when not said).
    role: str = ""
    network: str = ""

    def __init__(self, name: str, kind: GeometryKind, frame: geopandas.GeoDataFrame | None, source: str,
                 source_crs: str, title: str = "", title_zh: str = "", group: str = "",
                 style: LayerStyle | None = None, is_sensor_layer: bool = False, *,
                 xy: tuple[np.ndarray, np.ndarray] | None = None, geometry: np.ndarray | None = None, table=None):
        if frame is None and ((xy is None and geometry is None) or table is None):
            raise ValueError("a layer needs a frame, or coordinates or geometries and an attribute table")
        if xy is not None and kind is not GeometryKind.POINT:
            raise ValueError("coordinate arrays make a point layer")
        self.name = name
        self.kind = kind
        self._frame = frame  # in DISPLAY_CRS, RangeIndex 0..n-1
        self._table = table
        self._attributes = None
        self._geometry = geometry
        self._xy = None if xy is None else (np.ascontiguousarray(xy[0], dtype=np.float64),
                                            np.ascontiguousarray(xy[1], dtype=np.float64))
        self.source = source
        self.source_crs = source_crs
        self.title = title or name
        self.title_zh = title_zh or self.title
        self.group = group
        self.style = style if style is not None else LayerStyle()
        self.is_sensor_layer = is_sensor_layer
        self._visible = True
        self._opacity = 1.0
        self._listeners: dict[str, list[Callable]] = {}

    def __repr__(self) -> str:
        return f"VectorLayer(name={self.name!r}, kind={self.kind.value}, features={len(self)}, source={self.source!r})"

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
    @property
    def frame(self) -> geopandas.GeoDataFrame:
        """The features as a GeoDataFrame in the display CRS (built on first use for array layers)."""
        if self._frame is None:
            import geopandas as gpd

            self._frame = gpd.GeoDataFrame(self._attribute_frame(), geometry=self.geometries, crs=DISPLAY_CRS)
        return self._frame

    @property
    def columns(self) -> list[str]:
        """Names of the attribute columns (geometry excluded), without building a frame."""
        if self._frame is None:
            names = self._table.column_names if hasattr(self._table, "column_names") else self._table.columns
            return [str(name) for name in names]
        return [str(name) for name in self._frame.columns if name != self._frame.geometry.name]

    def __len__(self) -> int:
        if self._frame is not None:
            return len(self._frame)
        return len(self._xy[0]) if self._xy is not None else len(self._geometry)

    @property
    def bounds(self) -> tuple[float, float, float, float]:
        """(minx, miny, maxx, maxy) in the display CRS."""
        if self._frame is None and self._xy is not None:
            x, y = self._xy
            return (float(np.nanmin(x)), float(np.nanmin(y)), float(np.nanmax(x)), float(np.nanmax(y)))
        if self._frame is None:
            import shapely

            return tuple(float(v) for v in shapely.total_bounds(self._geometry))
        return tuple(float(v) for v in self._frame.total_bounds)

    @property
    def geometries(self) -> np.ndarray:
        """The features as a shapely array in the display CRS (points built from ``xy`` on first use)."""
        if self._geometry is None:
            if self._frame is not None:
                values = self._frame.geometry.values
                self._geometry = np.asarray(values.data if hasattr(values, "data") else values)
            else:
                import shapely

                self._geometry = shapely.points(*self._xy)
        return self._geometry

    @property
    def xy(self) -> tuple[np.ndarray, np.ndarray]:
        """Point coordinates as two float64 arrays (point layers only)."""
        if self.kind is not GeometryKind.POINT:
            raise TypeError(f"layer {self.name!r} is a {self.kind} layer, not points")
        if self._xy is None:
            import shapely

            coords = shapely.get_coordinates(self.geometries)
            self._xy = (np.ascontiguousarray(coords[:, 0]), np.ascontiguousarray(coords[:, 1]))
        return self._xy

    def column_values(self, name: str) -> np.ndarray:
        """One attribute column as an object array of Python values, None where missing,
        without building a frame (``KeyError`` for an unknown column)."""
        if name not in self.columns:
            raise KeyError(name)
        table = self._table if self._frame is None else self._frame
        if hasattr(table, "column_values"):
            return table.column_values(name)
        if hasattr(table, "schema"):  # pyarrow.Table
            values = table.column(name).to_pylist()
        else:
            values = [None if _is_missing(v) else v for v in table[name].tolist()]
        column = np.empty(len(values), dtype=object)
        column[:] = values
        return column

    def text_values(self, name: str) -> np.ndarray:
        """One attribute column as text ("" where missing), for labels and classes."""
        return np.array(["" if v is None else str(v) for v in self.column_values(name).tolist()], dtype=object)

    def attributes(self, row: int) -> dict:
        """The attributes of one feature, geometry excluded, as plain Python values."""
        if self._frame is None:
            record = self._attribute_frame().iloc[row]
        else:
            record = self._frame.drop(columns=self._frame.geometry.name).iloc[row]
        return {key: _plain(value) for key, value in record.items()}

    def _attribute_frame(self):
        """The attribute table as a pandas DataFrame, converted once."""
        if self._attributes is None:
            table = self._table
            self._attributes = table.to_pandas() if hasattr(table, "to_pandas") else table
        return self._attributes


def _is_missing(value) -> bool:
    """None, NaN, NaT or pandas' NA (without importing pandas)."""
    if value is None:
        return True
    if isinstance(value, float):
        return value != value
    return type(value).__name__ in ("NAType", "NaTType")


def _plain(value):
    if hasattr(value, "item"):
        try:
            return value.item()
        except (ValueError, AttributeError):
            pass
    return value
