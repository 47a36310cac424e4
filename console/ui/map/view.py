"""The mapping between display-CRS coordinates and pixels for one frame."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QTransform

BACKGROUND = "#F4F1EA"  # map paper: calm behind pastel districts, never mistaken for a warning colour


@dataclass(frozen=True)
class ViewState:
    """pixel_x = sx * x + tx, pixel_y = sy * y + ty (sy < 0: north is up)."""

    sx: float
    tx: float
    sy: float
    ty: float
    width: int
    height: int

    @classmethod
    def from_transform(cls, transform: QTransform, width: int, height: int) -> ViewState:
        return cls(transform.m11(), transform.m31(), transform.m22(), transform.m32(), width, height)

    @classmethod
    def fit(cls, extent: tuple[float, float, float, float], width: int, height: int) -> ViewState:
        """The view that shows ``extent`` (minx, miny, maxx, maxy) whole and centred."""
        minx, miny, maxx, maxy = extent
        span_x = max(maxx - minx, 1e-9)
        span_y = max(maxy - miny, 1e-9)
        scale = min(width / span_x, height / span_y)
        cx, cy = (minx + maxx) / 2, (miny + maxy) / 2
        return cls(scale, width / 2 - scale * cx, -scale, height / 2 + scale * cy, width, height)

    @property
    def transform(self) -> QTransform:
        return QTransform(self.sx, 0, 0, self.sy, self.tx, self.ty)

    @property
    def as_tuple(self) -> tuple[float, float, float, float]:
        return (self.sx, self.tx, self.sy, self.ty)

    @property
    def resolution_m(self) -> float:
        """Display-CRS metres covered by one pixel."""
        return 1.0 / abs(self.sx)

    @property
    def extent(self) -> tuple[float, float, float, float]:
        x0, y0 = self.to_map(0, self.height)
        x1, y1 = self.to_map(self.width, 0)
        return (x0, y0, x1, y1)

    @property
    def extent_rect(self) -> QRectF:
        x0, y0, x1, y1 = self.extent
        return QRectF(QPointF(x0, y0), QPointF(x1, y1))

    def to_pixel(self, x, y):
        return self.sx * x + self.tx, self.sy * y + self.ty

    def to_map(self, px, py):
        return (px - self.tx) / self.sx, (py - self.ty) / self.sy
