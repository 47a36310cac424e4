"""Map labels: where they go, and drawing them fast without overlaps.

Each label is rendered once, with its white halo, into a small image kept in a
cache; a frame only blits the images. Overlaps are checked against a coarse grid
of the boxes already placed, so a frame with thousands of candidates stays cheap.
Point labels sit beside their marker (right, left, above or below, the first
that is free), never on it.
"""

from __future__ import annotations

import math
from collections import OrderedDict, defaultdict

import numpy as np
import shapely
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QImage,
    QPainter,
    QPainterPath,
    QPainterPathStroker,
    QPen,
)

from console.model.layer import GeometryKind, VectorLayer
from console.ui.map.vectors import qcolor
from console.ui.map.view import ViewState

HALO_PX = 1.5  # white outline that keeps text legible over any fill
HALO_COLOUR = QColor(255, 255, 255, 230)
GAP_PX = 3  # between a point's marker and its label
CELL_PX = 64  # collision grid cell


class LabelImages:
    """Rendered label images (text and halo) by text, font and colour; least recently used go first."""

    def __init__(self, limit: int = 20_000):
        self.limit = limit
        self._images: OrderedDict[tuple, QImage] = OrderedDict()

    def __len__(self) -> int:
        return len(self._images)

    def get(self, text: str, font: QFont, colour: QColor) -> QImage:
        key = (text, font.key(), colour.rgba())
        image = self._images.get(key)
        if image is not None:
            self._images.move_to_end(key)
            return image
        image = self._images[key] = render_label(text, font, colour)
        if len(self._images) > self.limit:
            self._images.popitem(last=False)
        return image


def render_label(text: str, font: QFont, colour: QColor) -> QImage:
    metrics = QFontMetricsF(font)
    pad = math.ceil(HALO_PX) + 1
    width = math.ceil(metrics.horizontalAdvance(text)) + 2 * pad
    height = math.ceil(metrics.height()) + 2 * pad
    image = QImage(width, height, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(0)
    path = QPainterPath()
    path.addText(QPointF(pad, pad + metrics.ascent()), font, text)
    halo = QPen(HALO_COLOUR, 2 * HALO_PX)
    halo.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(HALO_COLOUR)
    painter.drawPath(QPainterPathStroker(halo).createStroke(path))
    painter.setBrush(colour)
    painter.drawPath(path)
    painter.end()
    return image


class Occupancy:
    """Boxes (x0, y0, x1, y1) already taken on screen, bucketed in a coarse grid."""

    def __init__(self, cell: float = CELL_PX):
        self.cell = cell
        self._cells: dict[tuple[int, int], list[tuple[float, float, float, float]]] = defaultdict(list)

    def _keys(self, box):
        c = self.cell
        for i in range(int(box[0] // c), int(box[2] // c) + 1):
            for j in range(int(box[1] // c), int(box[3] // c) + 1):
                yield i, j

    def free(self, box) -> bool:
        x0, y0, x1, y1 = box
        for key in self._keys(box):
            for a0, b0, a1, b1 in self._cells.get(key, ()):
                if x0 < a1 and a0 < x1 and y0 < b1 and b0 < y1:
                    return False
        return True

    def take(self, box) -> None:
        for key in self._keys(box):
            self._cells[key].append(box)


class LabelPlacer:
    """Draws labels in pixel space, skipping any that would overlap one already placed."""

    def __init__(self, painter: QPainter, font_family: str, images: LabelImages | None = None):
        self.painter = painter
        self.font_family = font_family
        self.images = images if images is not None else LabelImages()
        self.occupied = Occupancy()

    def font_for(self, layer: VectorLayer) -> QFont:
        font = QFont(self.font_family)
        font.setPixelSize(round(layer.style.label_size * 1.4))
        if layer.kind is GeometryKind.POLYGON:
            font.setBold(True)
            font.setLetterSpacing(QFont.SpacingType.PercentageSpacing, 110)
        return font

    def place(self, layer: VectorLayer, view: ViewState, anchors) -> int:
        """Label ``anchors`` = (texts, x, y, angle_deg) for a layer; returns how many were drawn."""
        texts, xs, ys, angles = anchors
        px, py = view.to_pixel(xs, ys)
        inside = (px > -50) & (px < view.width + 50) & (py > -20) & (py < view.height + 20)
        font = self.font_for(layer)
        colour = qcolor(layer.style.label_color)
        offset = marker_reach(layer) + GAP_PX if layer.kind is GeometryKind.POINT else None
        painter = self.painter
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, True)
        drawn = 0
        for i in np.flatnonzero(inside).tolist():
            text = texts[i]
            if not text:
                continue
            image = self.images.get(text, font, colour)
            w, h = image.width(), image.height()
            x, y = float(px[i]), float(py[i])
            angle = float(angles[i]) if angles is not None else 0.0
            if offset is not None:
                box = self._beside_point(x, y, w, h, offset)
                if box is None:
                    continue
                painter.drawImage(round(box[0]), round(box[1]), image)
            elif abs(angle) > 1e-6:
                # A rotated label occupies roughly a box around its centre along the line.
                reach = w / 2 * abs(math.cos(math.radians(angle))) + h / 2 * abs(math.sin(math.radians(angle)))
                rise = w / 2 * abs(math.sin(math.radians(angle))) + h / 2 * abs(math.cos(math.radians(angle)))
                box = (x - reach, y - rise, x + reach, y + rise)
                if not self.occupied.free(box):
                    continue
                self.occupied.take(box)
                painter.save()
                painter.translate(x, y)
                painter.rotate(angle)
                painter.drawImage(QRectF(-w / 2, -h / 2, w, h), image)
                painter.restore()
            else:
                box = (x - w / 2, y - h / 2, x + w / 2, y + h / 2)
                if not self.occupied.free(box):
                    continue
                self.occupied.take(box)
                painter.drawImage(round(box[0]), round(box[1]), image)
            drawn += 1
        painter.restore()
        return drawn

    def _beside_point(self, x: float, y: float, w: int, h: int, offset: float):
        """The first free box right, left, above or below a marker; it then counts as taken."""
        candidates = (
            (x + offset, y - h / 2),
            (x - offset - w, y - h / 2),
            (x - w / 2, y - offset - h),
            (x - w / 2, y + offset),
        )
        for left, top in candidates:
            box = (left, top, left + w, top + h)
            if self.occupied.free(box):
                self.occupied.take(box)
                # The marker itself stays visible: nothing else may cover it either.
                self.occupied.take((x - offset + GAP_PX, y - offset + GAP_PX, x + offset - GAP_PX, y + offset - GAP_PX))
                return box
        return None


def marker_reach(layer: VectorLayer) -> float:
    """Half the largest marker of a point layer, in pixels."""
    style = layer.style
    sizes = [style.symbol.size] + [symbol.size for symbol in (style.classes or {}).values()]
    return max(sizes) / 2


def label_anchors(layer: VectorLayer):
    """Where a layer's labels go: (texts, x, y, angles) in the display CRS.

    Polygons: a point inside each. Lines: one label per distinct name, at the middle
    of its longest feature, turned along the line and kept upright.
    """
    field = layer.style.label
    texts = layer.text_values(field)
    if layer.kind is GeometryKind.POINT:
        x, y = layer.xy
        return texts, x, y, None
    geometries = layer.geometries
    if layer.kind is GeometryKind.POLYGON:
        points = shapely.point_on_surface(geometries)
        order = np.argsort(-shapely.area(geometries))  # big areas claim their place first
        coords = shapely.get_coordinates(points[order])
        return texts[order], coords[:, 0], coords[:, 1], None
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
