"""Incident footprints on the map: at city scale an incident is its sensors' hull, not a heap of markers.

Coarser than ``FOOTPRINT_FROM_M`` metres per pixel, each incident with enough
sensors in alarm is drawn as the hull of its sensors (``console.alarm_list.footprints``),
tinted and outlined in the colour of its worst level, with its sensor count in a
badge; the markers of those sensors are left out of the frame. Zoomed in past
the threshold, the footprints go and the sensors show again. A returned
incident (its alarms back to normal, waiting for acknowledgement) is outlined
thinly in its peak level's colour, untinted, its badge white with the count.

The footprints are worked out again when the bound table's styles change (the
live binding's refresh), at most ``RECOMPUTE_S`` apart: a storm changes alarms
every tick of a fast drill, and an outline a few hundred milliseconds late is
still right for an operator looking at a whole city.
"""

from __future__ import annotations

import math
import time

import numpy as np
from PySide6.QtCore import QCoreApplication, QObject, QPointF, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetricsF, QImage, QPainter, QPen, QPixmap, QPolygonF

from console.alarm_list.footprints import Footprint, incident_footprints
from console.ui.map.sensor_style import COMPACT_FROM_M, LEVEL_COLOURS
from console.ui.map.view import ViewState
from console.ui.painting import painting

# The scale from which a whole district or more is on screen (as for the compact calm sensors).
FOOTPRINT_FROM_M = COMPACT_FROM_M
RECOMPUTE_S = 0.5
TINT_ALPHA = 70  # of 255: the streets and district names beneath stay readable
# Lifeline incidents are outlined solid, flood ones dashed, hazmat dash-dotted: two families in one
# district overlap and stay apart.
FAMILY_DASH = {"flood": Qt.PenStyle.DashLine, "hazmat": Qt.PenStyle.DashDotLine}
BADGE_TEXT = {1: "#FFFFFF", 2: "#FFFFFF", 3: "#1A1A1A", 4: "#FFFFFF"}  # yellow needs dark text


class IncidentFootprints(QObject):
    """Keeps the footprints of the bound book's incidents on a canvas.

    Parameters
    ----------
    canvas : MapCanvas
    binding : LiveMapBinding
        Whose table and book are shown, and which layer features their rows are.

    Attributes
    ----------
    footprints : list of Footprint
        As of the last ``update``, worst level last.

    Signals
    -------
    incident_clicked(int): a click at city scale fell inside a footprint; the id of one of its alarms
        (the warning pane selects that alarm's incident line).
    """

    incident_clicked = Signal(int)

    def __init__(self, canvas, binding, parent=None):
        super().__init__(parent or canvas)
        self.canvas = canvas
        self.binding = binding
        self._computed_at = -float("inf")
        self._later = QTimer(self)
        self._later.setSingleShot(True)
        self._later.timeout.connect(self.update)
        self._draw_on(canvas.renderer)
        binding.refreshed.connect(self._on_refreshed)
        canvas.scene().sigMouseClicked.connect(self._on_mouse_clicked)

    def _draw_on(self, renderer) -> None:
        """The drawing state, and the renderer's overlays and legend rows that draw it."""
        self.renderer = renderer
        self.footprints: list[Footprint] = []
        self.enabled = True
        self._version = 0  # grows with every update: the cached pictures below are of one version
        self._cached: dict[str, tuple] = {}  # "areas" -> (view, version, QImage)
        self._last_view: dict[str, tuple] = {}  # "areas" -> (view, version) of the last frame
        self._font = QFont(renderer.font_family)
        self._font.setPixelSize(13)
        self._font.setBold(True)
        renderer.overlays.append(self.paint)
        renderer.overlays_above.append(self.paint_badges)
        renderer.legend_extras.append(self.legend_rows)

    def _show(self, footprints: list[Footprint], features_of_rows) -> None:
        """Take these footprints and leave their sensors out of city-scale frames."""
        self._version += 1
        self.footprints = footprints
        rows = np.concatenate([f.rows for f in footprints]) if footprints else np.empty(0, dtype=np.int64)
        for layer, features in features_of_rows(rows):
            painter = self.renderer.painter_for(layer)
            painter.hidden_features = features
            painter.hidden_from_m = FOOTPRINT_FROM_M

    def _on_refreshed(self, _count: int) -> None:
        # Never inside the refresh: in a turn of the event loop of its own (it takes up to ~20 ms in a
        # storm), so the refresh and its repaint, then this, each hold the GUI thread briefly.
        if not self._later.isActive():
            wait_s = max(0.0, RECOMPUTE_S - (time.monotonic() - self._computed_at))
            self._later.start(math.ceil(wait_s * 1000))

    def update(self) -> None:
        """Work the footprints out from the bound book now and hide their sensors at city scale."""
        self._computed_at = time.monotonic()
        binding = self.binding
        book, table = binding.book, binding.table
        shown = [] if not self.enabled or book is None or table is None else incident_footprints(book, table)
        self._show(shown, binding.features_of_rows)
        self.canvas.map_item.update()

    def shown(self, view: ViewState) -> bool:
        return self.enabled and bool(self.footprints) and view.resolution_m > FOOTPRINT_FROM_M

    def paint(self, painter: QPainter, view: ViewState) -> None:
        self._paint_cached("areas", painter, view, self._paint_areas)

    def paint_badges(self, painter: QPainter, view: ViewState) -> None:
        """Each footprint's count, above the outlines and the map's labels: a count is never hidden."""
        if self.shown(view):
            painter.save()
            self._paint_badges(painter, view)
            painter.restore()

    def _paint_cached(self, name: str, painter: QPainter, view: ViewState, draw) -> None:
        """Draw through a picture kept while neither the view nor the footprints change.

        A drill plays with the view still: the translucent areas (a few ms to fill
        at city scale) are then one image blit a frame. A view seen for the first
        time (panning, zooming) is drawn directly: a picture pays only from the
        second frame of the same view on.
        """
        if not self.shown(view):
            return
        cached = self._cached.get(name)
        key = (view, self._version)
        if cached is None or cached[:2] != key:
            if self._last_view.get(name) != key:
                self._last_view[name] = key
                painter.save()
                draw(painter, view)
                painter.restore()
                return
            image = QImage(view.width, view.height, QImage.Format.Format_ARGB32_Premultiplied)
            image.fill(0)
            with painting(image) as inner:
                draw(inner, view)
            cached = self._cached[name] = (view, self._version, image)
        painter.drawImage(0, 0, cached[2])

    def _paint_areas(self, painter: QPainter, view: ViewState) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        sx, tx, sy, ty = view.as_tuple
        for footprint in self.footprints:
            colour = QColor(LEVEL_COLOURS.get(footprint.level, "#7A5C99"))
            tint = QColor(colour)
            tint.setAlpha(TINT_ALPHA)
            outline = footprint.outline
            polygon = QPolygonF([QPointF(x, y) for x, y in zip((outline[:, 0] * sx + tx).tolist(),
                                                                (outline[:, 1] * sy + ty).tolist(), strict=True)])
            # An incident still awaiting acknowledgement has the heavier outline; the family is the dash.
            pen = QPen(colour.darker(115), 1.5 if footprint.returned else 3.0 if footprint.unack else 2.0)
            pen.setStyle(FAMILY_DASH.get(footprint.family, Qt.PenStyle.SolidLine))
            if footprint.returned:  # back to normal: the outline alone, the map beneath untouched
                painter.setPen(pen)
                painter.setBrush(Qt.BrushStyle.NoBrush)
                painter.drawPolygon(polygon)
                continue
            # The tint unsmoothed (its edge lies under the outline) and the outline antialiased: the
            # large translucent fill is most of the cost, and antialiasing it costs about twice as much.
            painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QBrush(tint))
            painter.drawPolygon(polygon)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
            painter.setPen(pen)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawPolygon(polygon)

    def _paint_badges(self, painter: QPainter, view: ViewState) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        sx, tx, sy, ty = view.as_tuple
        badges = []
        for footprint in self.footprints:
            x, y = footprint.label_at
            badges.append((QPointF(x * sx + tx, y * sy + ty), footprint,
                           QColor(LEVEL_COLOURS.get(footprint.level, "#7A5C99"))))
        painter.setFont(self._font)
        metrics = QFontMetricsF(self._font)
        blink_on = self._blink_on()
        placed: list[QRectF] = []
        for centre, footprint, colour in reversed(badges):  # the worst first: it keeps its place
            text = str(footprint.count)
            width = max(metrics.horizontalAdvance(text) + 12, 24.0)
            box = QRectF(centre.x() - width / 2, centre.y() - 11, width, 22)
            for _ in range(8):  # step aside from badges already placed
                if not any(box.intersects(other) for other in placed):
                    break
                box.translate(0, 24)
            placed.append(box)
            if footprint.returned or (footprint.unack and not blink_on):
                # An incident with alarms awaiting acknowledgement blinks, as its sensors' markers would.
                painter.setPen(QPen(colour, 2.0))
                painter.setBrush(QBrush(QColor("#FFFFFF")))
                painter.drawRoundedRect(box, 11, 11)
                painter.setPen(colour.darker(130) if footprint.level == 3 else colour)
            else:
                painter.setPen(QPen(QColor("#FFFFFF"), 2.0))
                painter.setBrush(QBrush(colour))
                painter.drawRoundedRect(box, 11, 11)
                painter.setPen(QColor(BADGE_TEXT.get(footprint.level, "#FFFFFF")))
            painter.drawText(box, int(Qt.AlignmentFlag.AlignCenter), text)

    def _blink_on(self) -> bool:
        return getattr(self.canvas.map_item, "blink_on", True)

    def legend_rows(self, swatch: int = 18) -> list:
        """Legend rows for the footprints drawn (by family): an outlined, tinted area with its count."""
        if not self.enabled or not self.footprints:
            return []
        translate = QCoreApplication.translate
        texts = {"lifeline": translate("IncidentFootprints", "Lifeline incident area"),
                 "flood": translate("IncidentFootprints", "Flood incident area"),
                 "hazmat": translate("IncidentFootprints", "Hazmat incident area")}
        rows = []
        for family in ("lifeline", "flood", "hazmat"):
            levels = [f.level for f in self.footprints if f.family == family and not f.returned]
            if not levels:
                continue
            colour = QColor(LEVEL_COLOURS.get(min(levels), "#7A5C99"))
            tint = QColor(colour)
            tint.setAlpha(TINT_ALPHA)
            pen = QPen(colour.darker(115), 2.0)
            pen.setStyle(FAMILY_DASH.get(family, Qt.PenStyle.SolidLine))
            rows.append((_swatch(swatch, pen, QBrush(tint)), texts[family]))
        returned = [f.level for f in self.footprints if f.returned]
        if returned:
            pen = QPen(QColor(LEVEL_COLOURS.get(min(returned), "#7A5C99")).darker(115), 1.5)
            rows.append((_swatch(swatch, pen, QBrush(Qt.BrushStyle.NoBrush)),
                         translate("IncidentFootprints", "Returned incident area (to acknowledge)")))
        return rows

    def _on_mouse_clicked(self, event) -> None:
        if event.button() != Qt.MouseButton.LeftButton or event.double():
            return
        point = self.canvas.viewbox.mapSceneToView(event.scenePos())
        self.click_at(point.x(), point.y())

    def click_at(self, x: float, y: float) -> int | None:
        """At city scale, the alarm id a click at map point (x, y) stands for (``incident_clicked``), or None."""
        table = self.binding.table
        if table is None or not self.shown(self.canvas.view_state()):
            return None
        footprint = self.footprint_at(x, y)
        if footprint is None:
            return None
        alarm_ids = table.alarm_id[footprint.rows]
        alarm_ids = alarm_ids[alarm_ids >= 0]
        if alarm_ids.size == 0:
            return None
        self.incident_clicked.emit(int(alarm_ids[0]))
        return int(alarm_ids[0])

    def footprint_at(self, x: float, y: float) -> Footprint | None:
        """The topmost footprint whose outline holds the map point (x, y)."""
        import shapely

        for footprint in reversed(self.footprints):
            if shapely.contains_xy(shapely.Polygon(footprint.outline), x, y):
                return footprint
        return None


class PageFootprints(IncidentFootprints):
    """The footprints of one moment on a renderer with no canvas: a briefing page of a feed or a journal.

    Worked out once from ``book`` and ``table``; the renderer's sensor features of the
    footprints' rows (``features_of_rows(rows)`` -> (layer, features) pairs) are left out
    at city scale, as in the window. Nothing blinks on paper.
    """

    def __init__(self, renderer, table, book, features_of_rows):
        QObject.__init__(self)
        self.canvas = self.binding = None
        self.table, self._features_of_rows = table, features_of_rows
        self._draw_on(renderer)
        self.refresh(book)

    def refresh(self, book) -> None:
        """Work the footprints out again (a clip's next frame)."""
        self._show(incident_footprints(book, self.table), self._features_of_rows)

    def _blink_on(self) -> bool:
        return True


def _swatch(size: int, pen: QPen, brush: QBrush) -> QPixmap:
    """A legend swatch: a rounded square drawn with ``pen`` and filled with ``brush``."""
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    painter.setPen(pen)
    painter.setBrush(brush)
    painter.drawRoundedRect(QRectF(2, 2, size - 4, size - 4), 4, 4)
    painter.end()
    return pixmap
