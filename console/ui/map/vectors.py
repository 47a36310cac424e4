"""Painting polygon and line layers, and the labels of any layer.

Geometry becomes one QPainterPath per symbol class, built from NumPy
coordinate arrays (pyqtgraph's ``arrayToQPath``) and simplified to the current
pixel size, so a full-city frame does not push every surveyed vertex through
the rasteriser. Paths are cached per simplification step.
"""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
import shapely
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontMetricsF,
    QPainter,
    QPainterPath,
    QPainterPathStroker,
    QPen,
)

from console.model.layer import GeometryKind, VectorLayer
from console.model.style import Symbol
from console.ui.map.view import ViewState

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


def make_pen(symbol: Symbol, opacity: float = 1.0) -> QPen:
    if not symbol.stroke or symbol.width <= 0:
        return QPen(Qt.PenStyle.NoPen)
    pen = QPen(qcolor(symbol.stroke, opacity), symbol.width)
    pen.setCosmetic(True)  # widths are screen pixels at every zoom
    pen.setStyle(DASH_STYLES[symbol.dash])
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
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
    if not style.classify or style.classify not in layer.frame.columns or not style.classes:
        return [(style.symbol, np.arange(len(layer)))]
    values = layer.frame[style.classify].astype(str).to_numpy()
    groups: list[tuple[Symbol, np.ndarray]] = []
    known = np.isin(values, list(style.classes))
    if (~known).any():
        groups.append((style.symbol, np.flatnonzero(~known)))
    for value, symbol in style.classes.items():
        rows = np.flatnonzero(values == value)
        if len(rows):
            groups.append((symbol, rows))
    return groups


def geometry_path(geometries: np.ndarray) -> QPainterPath:
    """One path with a subpath per line or ring of ``geometries`` (shapely array)."""
    if len(geometries) == 0:
        return QPainterPath()
    parts = shapely.get_parts(geometries)
    if len(parts) and shapely.get_type_id(parts[0]) == 3:  # polygons: draw their rings
        parts = shapely.get_rings(parts)
    coords, index = shapely.get_coordinates(parts, return_index=True)
    if len(coords) == 0:
        return QPainterPath()
    connect = np.ones(len(coords), dtype=np.int32)
    connect[:-1][index[1:] != index[:-1]] = 0  # break between parts
    path = pg.arrayToQPath(coords[:, 0], coords[:, 1], connect=connect)
    path.setFillRule(Qt.FillRule.OddEvenFill)  # holes stay holes
    return path


class VectorPainter:
    """Draws one polygon or line layer onto a painter that maps map metres to pixels."""

    def __init__(self, layer: VectorLayer):
        self.layer = layer
        self._groups = class_rows(layer)
        self._paths: dict[float, list[QPainterPath]] = {}
        geometries = layer.frame.geometry.values
        self._geometries = np.asarray(geometries.data if hasattr(geometries, "data") else geometries)

    def restyle(self) -> None:
        self._groups = class_rows(self.layer)
        self._paths.clear()

    def _paths_for(self, step: float) -> list[QPainterPath]:
        paths = self._paths.get(step)
        if paths is None:
            geometries = self._geometries
            if step > 0:
                geometries = shapely.simplify(geometries, step, preserve_topology=False)
                geometries = np.where(shapely.is_empty(geometries), self._geometries, geometries)
            paths = self._paths[step] = [geometry_path(geometries[rows]) for _, rows in self._groups]
        return paths

    def paint(self, painter: QPainter, view: ViewState) -> None:
        opacity = self.layer.opacity
        painter.save()
        painter.setTransform(view.transform, True)  # on top of the map-area origin
        polygons = self.layer.kind is GeometryKind.POLYGON
        for (symbol, _), path in zip(self._groups, self._paths_for(simplify_step(view.resolution_m)), strict=True):
            painter.setPen(make_pen(symbol, opacity))
            painter.setBrush(make_brush(symbol, opacity) if polygons else QBrush(Qt.BrushStyle.NoBrush))
            painter.drawPath(path)
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


class LabelPlacer:
    """Draws labels in pixel space, skipping any that would overlap one already placed."""

    def __init__(self, painter: QPainter, font_family: str):
        self.painter = painter
        self.font_family = font_family
        self.placed: list[QRectF] = []

    def _free(self, rect: QRectF) -> bool:
        return not any(rect.intersects(other) for other in self.placed)

    def place(self, layer: VectorLayer, view: ViewState, anchors) -> int:
        """Label ``anchors`` = (texts, x, y, angle_deg) for a layer; returns how many were drawn."""
        style = layer.style
        texts, xs, ys, angles = anchors
        px, py = view.to_pixel(xs, ys)
        inside = (px > -50) & (px < view.width + 50) & (py > -20) & (py < view.height + 20)
        font = QFont(self.font_family)
        font.setPixelSize(round(style.label_size * 1.4))
        if layer.kind is GeometryKind.POLYGON:
            font.setBold(True)
            font.setLetterSpacing(QFont.SpacingType.PercentageSpacing, 110)
        metrics = QFontMetricsF(font)
        painter = self.painter
        painter.save()
        painter.setFont(font)
        halo = QPen(QColor(255, 255, 255, 230), 3.0)
        halo.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
        stroker = QPainterPathStroker(halo)
        colour = qcolor(style.label_color)
        drawn = 0
        for i in np.flatnonzero(inside):
            text = texts[i]
            if not text:
                continue
            width = metrics.horizontalAdvance(text)
            height = metrics.height()
            box = QRectF(px[i] - width / 2 - 2, py[i] - height / 2 - 2, width + 4, height + 4)
            if angles is not None and abs(angles[i]) > 1e-6:
                # A rotated label occupies roughly a square around its centre along the line.
                reach = width / 2 * abs(math.cos(math.radians(angles[i]))) + height / 2
                rise = width / 2 * abs(math.sin(math.radians(angles[i]))) + height / 2
                box = QRectF(px[i] - reach, py[i] - rise, 2 * reach, 2 * rise)
            if not self._free(box):
                continue
            self.placed.append(box)
            path = QPainterPath()
            path.addText(QPointF(-width / 2, metrics.ascent() - height / 2), font, text)
            painter.save()
            painter.translate(px[i], py[i])
            if angles is not None:
                painter.rotate(angles[i])
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(halo.color())
            painter.drawPath(stroker.createStroke(path))
            painter.setBrush(colour)
            painter.drawPath(path)
            painter.restore()
            drawn += 1
        painter.restore()
        return drawn


def label_anchors(layer: VectorLayer):
    """Where a layer's labels go: (texts, x, y, angles) in the display CRS.

    Polygons: a point inside each. Lines: one label per distinct name, at the middle
    of its longest feature, turned along the line and kept upright.
    """
    field = layer.style.label
    frame = layer.frame
    texts = frame[field].fillna("").astype(str).to_numpy()
    geometries = np.asarray(frame.geometry.values)
    if layer.kind is GeometryKind.POLYGON:
        points = shapely.point_on_surface(geometries)
        order = np.argsort(-shapely.area(geometries))  # big areas claim their place first
        coords = shapely.get_coordinates(points[order])
        return texts[order], coords[:, 0], coords[:, 1], None
    if layer.kind is GeometryKind.POINT:
        coords = shapely.get_coordinates(geometries)
        return texts, coords[:, 0], coords[:, 1], None
    lengths = shapely.length(geometries)
    keep = []
    for name in np.unique(texts[texts != ""]):
        rows = np.flatnonzero(texts == name)
        keep.append(rows[np.argmax(lengths[rows])])
    keep = np.array(keep, dtype=np.int64)
    keep = keep[np.argsort(-lengths[keep])]
    lines = shapely.line_merge(geometries[keep]) if len(keep) else geometries[keep]
    mid = shapely.line_interpolate_point(lines, 0.5, normalized=True)
    before = shapely.line_interpolate_point(lines, 0.45, normalized=True)
    after = shapely.line_interpolate_point(lines, 0.55, normalized=True)
    mid_xy = shapely.get_coordinates(mid)
    a = shapely.get_coordinates(before)
    b = shapely.get_coordinates(after)
    # Screen y points down, map y up: negate the map angle; keep text upright.
    angles = -np.degrees(np.arctan2(b[:, 1] - a[:, 1], b[:, 0] - a[:, 0]))
    angles = np.where(angles > 90, angles - 180, np.where(angles < -90, angles + 180, angles))
    return texts[keep], mid_xy[:, 0], mid_xy[:, 1], angles
