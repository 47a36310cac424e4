"""Map furniture drawn in pixel space: scale bar, north arrow, coordinate readout.

The painter passed in must already map pixels of the map area (no world transform).
"""

from __future__ import annotations

import math

from PySide6.QtCore import QCoreApplication, QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPen, QPolygonF

from console.ui.map.view import ViewState

EARTH_RADIUS_M = 6378137.0


def mercator_to_lonlat(x: float, y: float) -> tuple[float, float]:
    """Inverse spherical Mercator (EPSG:3857 → degrees; WGS84 and CGCS2000 agree to centimetres)."""
    lon = math.degrees(x / EARTH_RADIUS_M)
    lat = math.degrees(math.atan(math.sinh(y / EARTH_RADIUS_M)))
    return lon, lat


def ground_resolution_m(view: ViewState) -> float:
    """Metres on the ground per pixel at the view centre (Mercator stretches by 1/cos(lat))."""
    _, cy = view.to_map(view.width / 2, view.height / 2)
    _, lat = mercator_to_lonlat(0.0, cy)
    return view.resolution_m * math.cos(math.radians(lat))


def nice_length(max_m: float) -> float:
    """The largest 1, 2 or 5 × 10^n metres not above ``max_m``."""
    exponent = math.floor(math.log10(max_m))
    for mantissa in (5, 2, 1):
        if mantissa * 10**exponent <= max_m:
            return mantissa * 10**exponent
    return 10**exponent


def format_distance(metres: float) -> str:
    if metres >= 1000:
        km = metres / 1000
        return f"{km:g} km"
    return f"{metres:g} m"


def _font(family: str, pixel_size: int, bold: bool = False) -> QFont:
    font = QFont(family)
    font.setPixelSize(pixel_size)
    font.setBold(bold)
    return font


def draw_scale_bar(painter: QPainter, view: ViewState, font_family: str, origin: QPointF | None = None) -> None:
    """A two-tone bar of a round ground length, bottom left unless ``origin`` is given."""
    metres = nice_length(ground_resolution_m(view) * 160)
    length_px = metres / ground_resolution_m(view)
    origin = origin or QPointF(16, view.height - 22)
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    panel = QRectF(origin.x() - 8, origin.y() - 24, length_px + 16 + 60, 36)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor(255, 255, 255, 215))
    painter.drawRoundedRect(panel, 4, 4)
    half = length_px / 2
    painter.setBrush(QColor("#2B2B2B"))
    painter.drawRect(QRectF(origin.x(), origin.y() - 6, half, 6))
    painter.setBrush(QColor("#FFFFFF"))
    painter.setPen(QPen(QColor("#2B2B2B"), 1))
    painter.drawRect(QRectF(origin.x() + half, origin.y() - 6, half, 6))
    painter.setFont(_font(font_family, 12))
    painter.setPen(QColor("#202020"))
    painter.drawText(QPointF(origin.x(), origin.y() - 10), "0")
    painter.drawText(QPointF(origin.x() + length_px - 4, origin.y() - 10), format_distance(metres))
    painter.restore()


def draw_north_arrow(painter: QPainter, view: ViewState, font_family: str, centre: QPointF | None = None) -> None:
    """A north arrow; the display CRS has grid north up."""
    centre = centre or QPointF(view.width - 36, 48)
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor(255, 255, 255, 215))
    painter.drawEllipse(centre, 24, 24)
    left = QPolygonF([centre + QPointF(0, -18), centre + QPointF(-9, 12), centre + QPointF(0, 6)])
    right = QPolygonF([centre + QPointF(0, -18), centre + QPointF(9, 12), centre + QPointF(0, 6)])
    painter.setPen(QPen(QColor("#2B2B2B"), 1))
    painter.setBrush(QColor("#2B2B2B"))
    painter.drawPolygon(left)
    painter.setBrush(QColor("#FFFFFF"))
    painter.drawPolygon(right)
    painter.setPen(QColor("#2B2B2B"))
    painter.setFont(_font(font_family, 11, bold=True))
    painter.drawText(QRectF(centre.x() - 10, centre.y() + 9, 20, 14), Qt.AlignmentFlag.AlignCenter,
                     QCoreApplication.translate("NorthArrow", "N"))
    painter.restore()


def format_lonlat(lon: float, lat: float) -> str:
    """E.g. "114.30000°E  30.60000°N" (Chinese: "东经114.30000°  北纬30.60000°")."""
    translate = QCoreApplication.translate
    east = translate("MapDecorations", "{value}°E") if lon >= 0 else translate("MapDecorations", "{value}°W")
    north = translate("MapDecorations", "{value}°N") if lat >= 0 else translate("MapDecorations", "{value}°S")
    return f"{east.format(value=f'{abs(lon):.5f}')}  {north.format(value=f'{abs(lat):.5f}')}"
