"""Drawing large point layers as one image per frame.

A QGraphicsItem per point (or pyqtgraph's ScatterPlotItem, which rebuilds its
arrays on every style change) is too slow for 20,000 live sensors. Instead each
frame:

1. project every point to pixels with one multiply-add per axis (float32
   offsets from the layer centre keep the precision and halve the bandwidth);
2. keep one point per 4x4-pixel cell, the one with the highest style code
   (codes are ordered by importance, so a red alarm always wins over a calm
   neighbour it overlaps);
3. stamp each winner's marker sprite into an ARGB buffer with a handful of
   NumPy fancy assignments (one per sprite pixel, over all winners at once);
4. hand the buffer to QPainter with a single ``drawImage``.

A style change is a write into ``codes``: no rebuild, no Qt call.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPainterPath, QPen, QPolygonF

CELL_PX = 4  # points closer than this share a cell; only the most important is drawn


@dataclass(frozen=True)
class MarkerStyle:
    """One look of a point: shape, size in pixels, fill and outline colours."""

    marker: str = "circle"
    size: int = 7
    fill: str | None = "#3A7D7C"
    stroke: str | None = "#1F3F3E"
    width: float = 1.0


class Sprite:
    """A marker rendered once with QPainter and kept as pixel offsets plus colours."""

    def __init__(self, style: MarkerStyle):
        self.style = style
        side = int(style.size) + 2 * int(np.ceil(style.width)) + 1
        image = QImage(side, side, QImage.Format.Format_ARGB32_Premultiplied)
        image.fill(0)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setPen(QPen(QColor(style.stroke), style.width) if style.stroke else Qt.PenStyle.NoPen)
        painter.setBrush(QColor(style.fill) if style.fill else Qt.BrushStyle.NoBrush)
        painter.drawPath(marker_path(style.marker, side / 2.0, side / 2.0, style.size))
        painter.end()
        pixels = _image_to_array(image)
        alpha = pixels >> 24
        # Hard-edged sprites: a pixel is in when the antialiased shape covers most of it.
        dy, dx = np.nonzero(alpha >= 110)
        colours = pixels[dy, dx]
        # Make the kept pixels opaque (un-premultiply) so overlapping markers stay crisp.
        a = (colours >> 24).astype(np.float64)
        scale = np.where(a > 0, 255.0 / np.maximum(a, 1), 0)
        r = np.minimum(((colours >> 16) & 0xFF) * scale, 255).astype(np.uint32)
        g = np.minimum(((colours >> 8) & 0xFF) * scale, 255).astype(np.uint32)
        b = np.minimum((colours & 0xFF) * scale, 255).astype(np.uint32)
        self.colours = (0xFF000000 | (r << 16) | (g << 8) | b).astype(np.uint32)
        self.dy = (dy - side // 2).astype(np.int64)
        self.dx = (dx - side // 2).astype(np.int64)
        self.radius = side // 2 + 1


def marker_path(marker: str, cx: float, cy: float, size: float) -> QPainterPath:
    """The outline of a marker centred on (cx, cy), ``size`` pixels across."""
    r = size / 2.0
    path = QPainterPath()
    if marker == "square":
        path.addRect(QRectF(cx - r, cy - r, size, size))
    elif marker == "circle":
        path.addEllipse(QPointF(cx, cy), r, r)
    elif marker in ("triangle", "triangle_down"):
        sign = 1 if marker == "triangle" else -1
        h = r * 1.15
        path.addPolygon(QPolygonF([QPointF(cx, cy - sign * h), QPointF(cx + h, cy + sign * h * 0.85),
                                   QPointF(cx - h, cy + sign * h * 0.85)]))
        path.closeSubpath()
    elif marker == "diamond":
        h = r * 1.2
        path.addPolygon(QPolygonF([QPointF(cx, cy - h), QPointF(cx + h, cy), QPointF(cx, cy + h),
                                   QPointF(cx - h, cy)]))
        path.closeSubpath()
    elif marker == "hexagon":
        angles = np.radians(np.arange(6) * 60 + 30)
        path.addPolygon(QPolygonF([QPointF(cx + r * np.cos(a), cy + r * np.sin(a)) for a in angles]))
        path.closeSubpath()
    elif marker == "star":
        points = []
        for i in range(10):
            radius = r * 1.2 if i % 2 == 0 else r * 0.5
            angle = np.radians(-90 + i * 36)
            points.append(QPointF(cx + radius * np.cos(angle), cy + radius * np.sin(angle)))
        path.addPolygon(QPolygonF(points))
        path.closeSubpath()
    elif marker == "cross":
        w = max(1.0, size / 4.0)
        path.addRect(QRectF(cx - r, cy - w / 2, size, w))
        path.addRect(QRectF(cx - w / 2, cy - r, w, size))
        path.setFillRule(Qt.FillRule.WindingFill)
    else:
        raise ValueError(f"unknown marker {marker!r}")
    return path


def _image_to_array(image: QImage) -> np.ndarray:
    width, height = image.width(), image.height()
    buffer = np.frombuffer(image.constBits(), dtype=np.uint32, count=image.bytesPerLine() * height // 4)
    return buffer.reshape(height, image.bytesPerLine() // 4)[:, :width].copy()


class PointRaster:
    """Rasterises one point layer; owns the per-point style codes.

    Parameters
    ----------
    x, y : arrays of float64
        Point positions in the display CRS.
    sprites : list of Sprite or None
        ``sprites[code]`` draws points whose code is ``code``; code 0 and ``None``
        entries are not drawn. Higher codes are drawn on top.
    """

    def __init__(self, x: np.ndarray, y: np.ndarray, sprites: list[Sprite | None]):
        x = np.asarray(x, dtype=np.float64)
        y = np.asarray(y, dtype=np.float64)
        self.origin = (float(np.nanmean(x)) if len(x) else 0.0, float(np.nanmean(y)) if len(y) else 0.0)
        self.dx = (x - self.origin[0]).astype(np.float32)
        self.dy = (y - self.origin[1]).astype(np.float32)
        self.codes = np.ones(len(x), dtype=np.uint8)
        self.sprites = list(sprites)
        self._buffer = np.zeros(0, dtype=np.uint32)

    def __len__(self) -> int:
        return len(self.dx)

    def set_codes(self, rows: np.ndarray, codes) -> None:
        """Restyle some points; costs a fancy assignment, nothing else."""
        self.codes[rows] = codes

    @property
    def reach(self) -> int:
        """Pixels a marker extends from its centre: points this far outside still show."""
        return max((s.radius for s in self.sprites if s is not None), default=4)

    def visible_winners(self, transform: tuple[float, float, float, float], width: int, height: int):
        """Rows drawn in a frame and their pixel positions.

        ``transform`` is (sx, tx, sy, ty) with pixel = s * coordinate + t.
        Returns (rows, px, py) sorted so that higher codes come last.
        """
        sx, tx, sy, ty = transform
        margin = self.reach
        # Fold the layer origin into the offsets so the hot loop is a float32 FMA.
        ox = np.float32(sx * self.origin[0] + tx)
        oy = np.float32(sy * self.origin[1] + ty)
        # Truncated pixel + (margin - 1), read as unsigned, is below width + 2 margin - 1
        # exactly when -margin < pixel < width + margin held for the float pixel; one
        # compare per axis, and NaN or huge values fall outside as they did before.
        ux = self._pixels(self.dx, sx, ox, margin)
        uy = self._pixels(self.dy, sy, oy, margin)
        inside = ux < np.uint32(width + 2 * margin - 1)
        inside &= uy < np.uint32(height + 2 * margin - 1)
        if int(self.codes.min(initial=1)) == 0:
            inside &= self.codes > 0
        cols = (width + 2 * margin) // CELL_PX + 1
        if inside.all():  # the whole layer in view (a full-extent frame): no gathers needed
            rows = None
            codes = self.codes
        else:
            rows = np.flatnonzero(inside).astype(np.int32)
            if len(rows) == 0:
                return rows, rows, rows
            ux, uy, codes = ux[rows], uy[rows], self.codes[rows]
        # cell of (pixel + margin) // CELL_PX per axis; pixel + margin = u + 1 > 0, so a shift
        shift = CELL_PX.bit_length() - 1
        # intp cells: NumPy would convert narrower index arrays on every scatter.
        cell = np.add(uy, 1, dtype=np.intp)
        np.right_shift(cell, shift, out=cell)
        cell *= cols
        cx = np.add(ux, 1, dtype=np.intp)
        np.right_shift(cx, shift, out=cx)
        cell += cx
        del cx
        n_cells = cols * ((height + 2 * margin) // CELL_PX + 1)
        winner = np.full(n_cells, -1, dtype=np.int32)  # row positions fit: half the memory traffic
        base = int(codes.min())
        important = np.flatnonzero(codes != base)
        if len(important) > len(codes) // 4:
            order = np.argsort(codes, kind="stable").astype(np.int32)  # many styles: sort all of them
            winner[cell[order]] = order
        else:
            winner[cell] = self._positions(len(codes))  # calm points first, in any order
            if len(important):
                important = important[np.argsort(codes[important], kind="stable")]
                winner[cell[important]] = important
        chosen = winner[winner >= 0]
        chosen = chosen[np.argsort(codes[chosen], kind="stable")]
        bias = np.int32(margin - 1)
        px = ux[chosen].view(np.int32) - bias
        py = uy[chosen].view(np.int32) - bias
        return (chosen if rows is None else rows[chosen]), px, py

    @staticmethod
    def _pixels(offsets: np.ndarray, scale: float, shift: np.float32, margin: int) -> np.ndarray:
        """Truncated pixel positions plus (margin - 1), as uint32 (see ``visible_winners``)."""
        pixels = offsets * np.float32(scale)
        pixels += shift
        with np.errstate(invalid="ignore"):  # NaN and huge values: any int lands outside the frame
            ints = pixels.astype(np.int32)
        del pixels
        ints += np.int32(margin - 1)
        return ints.view(np.uint32)

    def _positions(self, n: int) -> np.ndarray:
        """0..n-1 as int32, kept between frames."""
        cached = getattr(self, "_arange", None)
        if cached is None or len(cached) != n:
            cached = self._arange = np.arange(n, dtype=np.int32)
        return cached

    def render(self, transform, width: int, height: int, blink_off: dict[int, int] | None = None):
        """Stamp every visible marker; returns (pixels, pad).

        ``pixels`` is ARGB32-premultiplied, (height + 2 pad) x (width + 2 pad); the
        frame is the part inside the ``pad``-pixel margin (markers overhang into it).

        ``blink_off`` maps a code to the code whose sprite is shown instead in the
        "off" half of a blink (0 hides it).
        """
        pad = 2 * self.reach + 1
        stride = width + 2 * pad
        size = stride * (height + 2 * pad)
        if len(self._buffer) != size:
            self._buffer = np.zeros(size, dtype=np.uint32)
        else:
            self._buffer.fill(0)
        rows, px, py = self.visible_winners(transform, width, height)
        if len(rows):
            codes = self.codes[rows]
            if blink_off:
                codes = codes.copy()
                for on, off in blink_off.items():
                    codes[codes == on] = off
            base_index = (py.astype(np.int64) + pad) * stride + (px.astype(np.int64) + pad)
            boundaries = np.flatnonzero(np.diff(codes)) + 1
            starts = np.concatenate(([0], boundaries))
            ends = np.concatenate((boundaries, [len(codes)]))
            for start, end in zip(starts, ends, strict=True):
                sprite = self.sprites[codes[start]] if codes[start] < len(self.sprites) else None
                if sprite is None:
                    continue
                targets = base_index[start:end]
                shifted = np.empty_like(targets)  # reused: no allocation per sprite pixel
                offsets = sprite.dy * stride + sprite.dx
                for offset, colour in zip(offsets.tolist(), sprite.colours.tolist(), strict=True):
                    np.add(targets, offset, out=shifted)
                    self._buffer[shifted] = colour
        return self._buffer.reshape(height + 2 * pad, stride), pad

    def nearest(self, x: float, y: float, radius: float) -> int | None:
        """Row of the drawn point nearest (x, y) within ``radius`` display units, or None."""
        if len(self.dx) == 0:
            return None
        index = self._grid_index(radius)
        return index.nearest(x - self.origin[0], y - self.origin[1], radius, self.codes)

    def _grid_index(self, radius: float) -> GridIndex:
        index = getattr(self, "_index", None)
        if index is None or index.cell < radius:
            index = self._index = GridIndex(self.dx, self.dy, cell=max(radius * 4, 1.0))
        return index


class GridIndex:
    """A uniform grid over points: the rows of each cell stored contiguously."""

    def __init__(self, x: np.ndarray, y: np.ndarray, cell: float):
        self.cell = float(cell)
        self.x, self.y = x, y
        gx = np.floor(x / self.cell).astype(np.int64)
        gy = np.floor(y / self.cell).astype(np.int64)
        key = gx * 2_000_003 + gy
        self.order = np.argsort(key, kind="stable")
        self.keys = key[self.order]

    def nearest(self, x: float, y: float, radius: float, codes: np.ndarray) -> int | None:
        gx, gy = int(np.floor(x / self.cell)), int(np.floor(y / self.cell))
        candidates = []
        for cx in (gx - 1, gx, gx + 1):
            for cy in (gy - 1, gy, gy + 1):
                key = cx * 2_000_003 + cy
                lo, hi = np.searchsorted(self.keys, [key, key + 1])
                candidates.append(self.order[lo:hi])
        rows = np.concatenate(candidates)
        rows = rows[codes[rows] > 0]
        if len(rows) == 0:
            return None
        distance = np.hypot(self.x[rows] - x, self.y[rows] - y)
        best = int(np.argmin(distance))
        return int(rows[best]) if distance[best] <= radius else None


def array_to_qimage(pixels: np.ndarray) -> QImage:
    """Wrap a C-contiguous (height, width) uint32 ARGB32-premultiplied array as a QImage.

    No copy: the caller keeps ``pixels`` alive while the image is used.
    """
    height, width = pixels.shape
    return QImage(pixels.data, width, height, width * 4, QImage.Format.Format_ARGB32_Premultiplied)
