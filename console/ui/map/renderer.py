"""The map renderer: draws basemaps, layers and labels for one view, with QPainter only.

It is used both by the interactive canvas (which caches the static part) and by
offscreen snapshots, so what a briefing shows is what the operator saw.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QPainter

from console.model.layer import GeometryKind, VectorLayer
from console.ui.fonts import map_font_family
from console.ui.map.labels import LabelImages, LabelPlacer, label_anchors
from console.ui.map.points import MarkerStyle, PointRaster, Sprite, array_to_qimage
from console.ui.map.sensor_style import BLINK_OFF, COMPACT_FROM_M, sensor_sprites
from console.ui.map.vectors import VectorPainter, class_rows
from console.ui.map.view import ViewState


def marker_style(symbol) -> MarkerStyle:
    return MarkerStyle(symbol.marker, round(symbol.size), symbol.fill, symbol.stroke,
                       symbol.width if symbol.stroke else 0.0)


class PointPainter:
    """Draws a point layer through a PointRaster; codes come from the layer's classes.

    A sensor layer's codes are rewritten by the live state (``console.ui.map.sensor_style``).
    """

    def __init__(self, layer: VectorLayer, sprites: list[Sprite | None] | None = None,
                 compact_sprites: list[Sprite | None] | None = None, compact_from_m: float = float("inf")):
        self.layer = layer
        x, y = layer.xy
        self.raster = PointRaster(x, y, sprites or [None])
        self.sprites = self.raster.sprites
        # Optional smaller look for views coarser than ``compact_from_m`` metres per pixel.
        self.compact_sprites = compact_sprites
        self.compact_from_m = compact_from_m
        self.blink_off: dict[int, int] = {}
        # Features not drawn in views coarser than ``hidden_from_m`` (sensors an incident footprint stands for).
        self.hidden_features = np.empty(0, dtype=np.int64)
        self.hidden_from_m = float("inf")
        if sprites is None:
            self.restyle()

    def restyle(self) -> None:
        if self.layer.is_sensor_layer:
            return  # a sensor's look is its live state, not a catalog class
        groups = class_rows(self.layer)
        self.raster.sprites = self.sprites = [None] + [Sprite(marker_style(symbol)) for symbol, _ in groups]
        for code, (_, rows) in enumerate(groups, start=1):
            self.raster.codes[rows] = code

    def paint(self, painter: QPainter, view: ViewState, blink_on: bool = True) -> None:
        compact = self.compact_sprites is not None and view.resolution_m > self.compact_from_m
        self.raster.sprites = self.compact_sprites if compact else self.sprites
        hidden = self.hidden_features if view.resolution_m > self.hidden_from_m else None
        codes = self.raster.codes
        kept = None
        if hidden is not None and hidden.size:
            kept = codes[hidden].copy()  # the live codes stay as they are: only this frame leaves them out
            codes[hidden] = 0
        try:
            pixels, pad = self.raster.render(view.as_tuple, view.width, view.height,
                                             None if blink_on else self.blink_off)
        finally:
            if kept is not None:
                codes[hidden] = kept
        image = array_to_qimage(pixels)
        painter.save()
        painter.setOpacity(self.layer.opacity)
        painter.drawImage(QRectF(0, 0, view.width, view.height), image,
                          QRectF(pad, pad, view.width, view.height))
        painter.restore()

    def hit(self, x: float, y: float, tolerance_m: float) -> int | None:
        return self.raster.nearest(x, y, tolerance_m)


AREA_LABEL_FROM_M = 100.0  # labels shown this coarse name areas an operator locates by (districts)


def label_order(layers: list[VectorLayer]) -> list[VectorLayer]:
    """Which layers claim label space first.

    Area names shown at city scale (districts) come first, then named points
    (hazmat sites, facilities: each label belongs to a marker), then the rest
    from the top layer down, so a road name wins over a block behind it.
    """
    def rank(layer: VectorLayer) -> int:
        limit = layer.style.label_max_resolution_m
        if layer.kind is GeometryKind.POLYGON and (limit is None or limit >= AREA_LABEL_FROM_M):
            return 0
        return 1 if layer.kind is GeometryKind.POINT else 2

    return sorted(reversed(layers), key=rank)  # stable: top-down order within a rank


class MapRenderer:
    """Holds the layers in drawing order (bottom first) and paints them.

    Painting methods expect the painter to map pixels of the map area (identity on
    the canvas, shifted below the title in a snapshot); layers add the view's
    map-to-pixel transform themselves.

    ``on_changed`` callbacks are called when anything that changes the picture
    happens (a layer added, hidden, restyled, reordered).
    """

    def __init__(self):
        self.layers: list[VectorLayer] = []
        self.painters: dict[int, VectorPainter | PointPainter] = {}
        self.basemaps: list = []
        self.font_family = map_font_family()
        self._labels: dict[int, tuple] = {}
        self._label_images = LabelImages()
        self._listeners: list[Callable[[], None]] = []
        # Drawn above the layers every frame (live, like the sensors), below the labels: incident footprints.
        self.overlays: list[Callable[[QPainter, ViewState], None]] = []
        self.overlays_above: list[Callable[[QPainter, ViewState], None]] = []  # above the labels too: badges
        self.legend_extras: list[Callable[[], list]] = []  # (QPixmap, text) rows an overlay adds to a legend

    # --- layer list ---------------------------------------------------
    def on_changed(self, callback: Callable[[], None]) -> None:
        self._listeners.append(callback)

    def changed(self) -> None:
        for callback in self._listeners:
            callback()

    def add_layer(self, layer: VectorLayer, painter=None) -> None:
        if layer.kind is GeometryKind.POINT and layer.is_sensor_layer:
            # Sensors start calm (NORMAL); the live state rewrites their codes.
            painter = painter or PointPainter(layer, sensor_sprites(), sensor_sprites(compact=True), COMPACT_FROM_M)
            painter.blink_off = BLINK_OFF
            self.painters[id(layer)] = painter
        elif layer.kind is GeometryKind.POINT:
            self.painters[id(layer)] = painter or PointPainter(layer)
        else:
            self.painters[id(layer)] = painter or VectorPainter(layer)
        self.layers.append(layer)
        for event in ("visible", "opacity"):
            layer.on(event, lambda _layer: self.changed())
        layer.on("style", self._on_layer_style)
        self.changed()

    def remove_layer(self, layer: VectorLayer) -> None:
        self.layers.remove(layer)
        self.painters.pop(id(layer), None)
        self._labels.pop(id(layer), None)
        self.changed()

    def move_layer(self, layer: VectorLayer, index: int) -> None:
        self.layers.remove(layer)
        self.layers.insert(index, layer)
        self.changed()

    def painter_for(self, layer: VectorLayer):
        return self.painters[id(layer)]

    def _on_layer_style(self, layer: VectorLayer) -> None:
        self.painters[id(layer)].restyle()
        self._labels.pop(id(layer), None)
        self.changed()

    # --- geometry -----------------------------------------------------
    def full_extent(self) -> tuple[float, float, float, float] | None:
        bounds = [layer.bounds for layer in self.layers if len(layer)]
        if not bounds:
            return None
        array = np.array(bounds)
        return (array[:, 0].min(), array[:, 1].min(), array[:, 2].max(), array[:, 3].max())

    # --- painting -----------------------------------------------------
    def add_basemap(self, basemap) -> None:
        """A ``console.ui.map.basemap.BasemapLayer``; drawn under every layer."""
        self.basemaps.append(basemap)
        # Queued: the signal comes from the tile thread; repaint requests belong on the GUI thread.
        basemap.notifier.tile_ready.connect(self.changed, Qt.ConnectionType.QueuedConnection)
        self.changed()

    def paint_basemaps(self, painter: QPainter, view: ViewState, wait: bool = False) -> None:
        for basemap in self.basemaps:
            if basemap.visible:
                basemap.paint(painter, view, wait=wait)

    def paint_layers(self, painter: QPainter, view: ViewState, layers=None, blink_on: bool = True) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        for layer in self.layers if layers is None else layers:
            if not layer.visible or len(layer) == 0:
                continue
            layer_painter = self.painters.get(id(layer))
            if layer_painter is None:
                continue  # removed while a background picture was drawn; that picture is discarded
            if isinstance(layer_painter, PointPainter):
                layer_painter.paint(painter, view, blink_on)
            else:
                layer_painter.paint(painter, view)

    def paint_overlays(self, painter: QPainter, view: ViewState, above: bool = False) -> None:
        for paint in self.overlays_above if above else self.overlays:
            painter.save()
            paint(painter, view)
            painter.restore()

    def paint_labels(self, painter: QPainter, view: ViewState, layers=None) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)
        placer = LabelPlacer(painter, self.font_family, self._label_images)
        for layer in label_order(self.layers if layers is None else layers):
            style = layer.style
            if not layer.visible or not style.label or style.label not in layer.columns:
                continue
            if style.label_max_resolution_m is not None and view.resolution_m > style.label_max_resolution_m:
                continue
            anchors = self._labels.get(id(layer))
            if anchors is None:
                anchors = label_anchors(layer)
                if id(layer) in self.painters:  # not for a layer removed meanwhile: its id may be reused
                    self._labels[id(layer)] = anchors
            placer.place(layer, view, anchors)

    def render(self, painter: QPainter, view: ViewState, blink_on: bool = True) -> None:
        """Everything, bottom to top: basemaps (waiting for their tiles), layers, labels."""
        self.paint_basemaps(painter, view, wait=True)
        self.paint_layers(painter, view, blink_on=blink_on)
        self.paint_overlays(painter, view)
        self.paint_labels(painter, view)
        self.paint_overlays(painter, view, above=True)

    def hit(self, x: float, y: float, tolerance_m: float) -> tuple[VectorLayer, int] | None:
        """The topmost visible feature at (x, y)."""
        for layer in reversed(self.layers):
            if layer.visible and len(layer):
                row = self.painters[id(layer)].hit(x, y, tolerance_m)
                if row is not None:
                    return layer, row
        return None
