"""Painting polygon and line layers, and the labels of any layer.

Each feature becomes a small QPainterPath built from NumPy coordinate arrays,
simplified to the current pixel size (so a full-city frame does not push every
surveyed vertex through the rasteriser) and cached per simplification step;
a frame draws only the features whose bounding box is in view.
"""

from __future__ import annotations

import math

import numpy as np
import shapely
import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QImage,
    QPainter,
    QPainterPath,
    QPen,
    QPolygonF,
)

from console.model.layer import GeometryKind, VectorLayer
from console.model.style import Symbol
from console.ui.map.view import ViewState
from console.ui.painting import painting

DASH_STYLES = {"solid": Qt.PenStyle.SolidLine, "dash": Qt.PenStyle.DashLine, "dot": Qt.PenStyle.DotLine}


def qcolor(text: str | None, opacity: float = 1.0) -> QColor:
    """A QColor from ``#RRGGBB`` or ``#RRGGBBAA`` (CSS order, alpha last)."""
    if not text:
        return QColor(0, 0, 0, 0)
    text = text.lstrip("#")
    colour = QColor(int(text[0:2], 16), int(text[2:4], 16), int(text[4:6], 16))
    alpha = int(text[6:8], 16) if len(text) == 8 else 255
    colour.setAlpha(round(alpha * opacity))
    return colour


ROUND_ENDS_FROM_PX = 2.5  # round caps and joins only where a line is wide enough to show them


def make_pen(symbol: Symbol, opacity: float = 1.0) -> QPen:
    if not symbol.stroke or symbol.width <= 0:
        return QPen(Qt.PenStyle.NoPen)
    pen = QPen(qcolor(symbol.stroke, opacity), symbol.width)
    pen.setCosmetic(True)  # widths are screen pixels at every zoom
    pen.setStyle(DASH_STYLES[symbol.dash])
    # Round caps and joins cost Qt's stroker an arc at every vertex and on every
    # dash (districts: 33 ms instead of 4 per frame); thin lines look the same without.
    if symbol.width >= ROUND_ENDS_FROM_PX and symbol.dash == "solid":
        pen.setCapStyle(Qt.PenCapStyle.RoundCap)
        pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    else:
        pen.setCapStyle(Qt.PenCapStyle.FlatCap)
        pen.setJoinStyle(Qt.PenJoinStyle.MiterJoin)
    return pen


def make_brush(symbol: Symbol, opacity: float = 1.0) -> QBrush:
    if not symbol.fill:
        return QBrush(Qt.BrushStyle.NoBrush)
    return QBrush(qcolor(symbol.fill, opacity))


def simplify_step(resolution_m: float) -> float:
    """Simplification tolerance for a pixel size: a power of two below half a pixel."""
    if resolution_m < 2.0:
        return 0.0
    return 2.0 ** math.floor(math.log2(resolution_m * 0.5))


def class_rows(layer: VectorLayer) -> list[tuple[Symbol, np.ndarray]]:
    """Rows of the layer grouped by their symbol, in the catalog's class order."""
    style = layer.style
    if not style.classify or style.classify not in layer.columns or not style.classes:
        return [(style.symbol, np.arange(len(layer)))]
    values = layer.text_values(style.classify)
    groups: list[tuple[Symbol, np.ndarray]] = []
    known = np.isin(values, list(style.classes))
    if (~known).any():
        groups.append((style.symbol, np.flatnonzero(~known)))
    for value, symbol in style.classes.items():
        rows = np.flatnonzero(values == value)
        if len(rows):
            groups.append((symbol, rows))
    return groups


def feature_paths(geometries: np.ndarray) -> list[QPainterPath]:
    """One small path per feature of ``geometries`` (shapely array), in map coordinates.

    Small paths matter: Qt's antialiasing rasteriser slows down sharply on one
    huge path (a city's dashed heating network took half a second as a single
    path, 13 ms as one path per pipe), and per-feature paths can be culled.
    """
    paths = [QPainterPath() for _ in range(len(geometries))]
    if len(geometries) == 0:
        return paths
    parts, part_feature = shapely.get_parts(geometries, return_index=True)
    polygonal = shapely.get_type_id(parts) == 3
    if polygonal.any():  # polygons: draw their rings (holes included, odd-even fill)
        rings, ring_part = shapely.get_rings(parts[polygonal], return_index=True)
        lines = parts[~polygonal]
        parts = np.concatenate((rings, lines))
        part_feature = np.concatenate((part_feature[polygonal][ring_part], part_feature[~polygonal]))
    coords, index = shapely.get_coordinates(parts, return_index=True)
    bounds = np.searchsorted(index, np.arange(len(parts) + 1))
    for part, feature in enumerate(part_feature.tolist()):
        start, stop = bounds[part], bounds[part + 1]
        if stop - start < 2:
            continue
        paths[feature].addPolygon(polygon_from_xy(coords[start:stop]))
    for path in paths:
        path.setFillRule(Qt.FillRule.OddEvenFill)  # holes stay holes
    return paths


def polygon_from_xy(coords: np.ndarray) -> QPolygonF:
    """A QPolygonF holding ``coords`` (n x 2 float64), filled through its own memory."""
    polygon = QPolygonF()
    polygon.resize(len(coords))
    memory = shiboken6.VoidPtr(polygon.data(), 16 * len(coords), True)  # QPointF is two doubles
    np.frombuffer(memory, dtype=np.float64).reshape(-1, 2)[:] = coords
    return polygon


class VectorPainter:
    """Draws one polygon or line layer onto a painter that maps map metres to pixels.

    Features outside the view are skipped by their bounding boxes; paths are
    simplified to the pixel size and cached per simplification step.
    """

    def __init__(self, layer: VectorLayer):
        self.layer = layer
        self._groups = class_rows(layer)
        self._paths: dict[float, list[QPainterPath]] = {}
        self._geometries = layer.geometries
        self._bounds = shapely.bounds(self._geometries) if len(self._geometries) else np.zeros((0, 4))

    def restyle(self) -> None:
        self._groups = class_rows(self.layer)

    def _paths_for(self, step: float, rows: np.ndarray) -> list[QPainterPath | None]:
        """Paths at simplification ``step``, built on first use for the ``rows`` that need them."""
        paths = self._paths.get(step)
        if paths is None:
            paths = self._paths[step] = [None] * len(self._geometries)
        missing = [row for row in rows.tolist() if paths[row] is None]
        if missing:
            geometries = self._geometries[missing]
            if step > 0:
                simple = shapely.simplify(geometries, step, preserve_topology=False)
                geometries = np.where(shapely.is_empty(simple), geometries, simple)
            for row, path in zip(missing, feature_paths(geometries), strict=True):
                paths[row] = path
        return paths

    def visible_rows(self, view: ViewState, margin_px: float = 8.0) -> np.ndarray:
        """A mask of the features whose bounding box reaches into the view."""
        minx, miny, maxx, maxy = view.extent
        margin = margin_px * view.resolution_m
        b = self._bounds
        return (b[:, 2] >= minx - margin) & (b[:, 0] <= maxx + margin) & \
            (b[:, 3] >= miny - margin) & (b[:, 1] <= maxy + margin)

    def paint(self, painter: QPainter, view: ViewState) -> None:
        visible = self.visible_rows(view)
        if not visible.any():
            return
        opacity = self.layer.opacity
        if opacity >= 1.0:
            self._draw(painter, view, visible)
            return
        # A translucent layer is drawn opaque and blended once: blending every
        # feature is four times slower, and overlapping features would darken.
        scratch = QImage(view.width, view.height, QImage.Format.Format_ARGB32_Premultiplied)
        scratch.fill(0)
        with painting(scratch) as scratch_painter:
            scratch_painter.setRenderHints(painter.renderHints())
            self._draw(scratch_painter, view, visible)
        painter.save()
        painter.setOpacity(painter.opacity() * opacity)
        painter.drawImage(0, 0, scratch)
        painter.restore()

    def _draw(self, painter: QPainter, view: ViewState, visible: np.ndarray) -> None:
        paths = self._paths_for(simplify_step(view.resolution_m), np.flatnonzero(visible))
        painter.save()
        painter.setTransform(view.transform, True)  # on top of the map-area origin
        polygons = self.layer.kind is GeometryKind.POLYGON
        no_brush = QBrush(Qt.BrushStyle.NoBrush)
        draw = painter.drawPath
        for symbol, rows in self._groups:
            rows = rows[visible[rows]]
            if not len(rows):
                continue
            painter.setPen(make_pen(symbol))
            painter.setBrush(make_brush(symbol) if polygons else no_brush)
            for row in rows.tolist():
                draw(paths[row])
        painter.restore()

    def hit(self, x: float, y: float, tolerance_m: float) -> int | None:
        """Row of the feature under (x, y): inside a polygon, or within tolerance of a line."""
        tree = getattr(self, "_tree", None)
        if tree is None:
            tree = self._tree = shapely.STRtree(self._geometries)
        point = shapely.Point(x, y)
        if self.layer.kind is GeometryKind.POLYGON:
            rows = tree.query(point, predicate="intersects")
            if len(rows):
                # The smallest polygon under the cursor is the one the user means.
                return int(rows[np.argmin(shapely.area(self._geometries[rows]))])
        rows = tree.query(point, predicate="dwithin", distance=tolerance_m)
        if len(rows) == 0:
            return None
        return int(rows[np.argmin(shapely.distance(self._geometries[rows], point))])
