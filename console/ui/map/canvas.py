"""The interactive map canvas: pyqtgraph's ViewBox for pan and zoom, our renderer for pixels.

The static part of the map (basemaps and every layer below the first sensor
layer) and the labels are cached as images; live sensor layers and anything
above them are drawn every frame, which is what blinking alarms need.

While the operator pans or zooms, frames show the cached static picture moved
and scaled to the new view (a few milliseconds), with live sensors drawn
exactly; once the view has been still for ``SETTLE_MS`` the static part is
redrawn in full detail on a worker thread (QPainter on a QImage; PySide
releases the interpreter lock while Qt rasterises), so a big city never
freezes the alarm display. A change of content (a layer shown, hidden or
restyled) is redrawn at once on the GUI thread.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import pyqtgraph as pg
import shiboken6
from PySide6.QtCore import QCoreApplication, QObject, QPointF, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QImage, QPainter, QTransform

from console.model.layer import VectorLayer
from console.ui.map.decorations import (
    draw_north_arrow,
    draw_scale_bar,
    ground_resolution_m,
    mercator_to_lonlat,
)
from console.ui.map.renderer import MapRenderer
from console.ui.map.view import BACKGROUND, ViewState
from console.ui.painting import painting

log = logging.getLogger(__name__)

SETTLE_MS = 150  # a view still this long gets its full-detail static picture
BLINK_INTERVAL_MS = 500  # about one blink per second (ISA-101 style), slow enough not to distract
WORLD = 2.0037508e7  # half the Web Mercator world width, metres
# The scale bar and the north arrow are drawn into small images kept per look: their text
# (shaped anew by every drawText) cost about half a millisecond of every frame.
SCALE_BAR_BOX = (240, 36)  # px: room for the widest bar (160 px) and its label
SCALE_BAR_ORIGIN = QPointF(8, 24)  # the bar's origin inside its box
NORTH_ARROW_BOX = 50
DECORATION_CACHE_SIZE = 8


@dataclass
class StaticPicture:
    """The static part of the map and its labels, drawn for one view."""

    view: ViewState
    split: int
    generation: int  # MapItem content generation it was drawn from
    static: QImage
    labels: QImage
    seconds: float = 0.0  # how long drawing it took


def draw_static_picture(renderer: MapRenderer, view: ViewState, layers, split: int, generation: int) -> StaticPicture:
    """Basemaps, the given layers and every label, into two new images (any thread)."""
    start = time.perf_counter()
    size = (view.width, view.height)
    static = QImage(*size, QImage.Format.Format_ARGB32_Premultiplied)
    static.fill(QColor(BACKGROUND))
    with painting(static) as painter:
        renderer.paint_basemaps(painter, view)
        renderer.paint_layers(painter, view, layers[:split])
    labels = QImage(*size, QImage.Format.Format_ARGB32_Premultiplied)
    labels.fill(0)
    with painting(labels) as painter:
        renderer.paint_labels(painter, view, layers)
    return StaticPicture(view, split, generation, static, labels, time.perf_counter() - start)


class StaticPictureWorker(QObject):
    """Draws static pictures on a thread; only the latest request is drawn.

    A picture that fails to draw is logged and reported by ``failed`` (its
    generation); the thread lives on for the next request, so one bad layer
    never leaves the map without its background redraws.
    """

    done = Signal(object)  # StaticPicture
    failed = Signal(int)  # generation of the request that could not be drawn

    def __init__(self, renderer: MapRenderer):
        super().__init__()
        self.renderer = renderer
        self._wake = threading.Condition()
        self._request: tuple | None = None
        self._stopping = False
        self._thread: threading.Thread | None = None

    def request(self, view: ViewState, layers: list, split: int, generation: int) -> None:
        with self._wake:
            self._request = (view, list(layers), split, generation)
            self._wake.notify()
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="map-static", daemon=True)
            self._thread.start()

    def _run(self) -> None:
        while True:
            with self._wake:
                while self._request is None and not self._stopping:
                    self._wake.wait()
                if self._stopping:
                    return
                request, self._request = self._request, None
            try:
                picture = draw_static_picture(self.renderer, *request)
            except Exception:
                log.exception("the map's background picture (generation %d) could not be drawn", request[-1])
                self.failed.emit(request[-1])
                continue
            self.done.emit(picture)

    def stop(self) -> None:
        with self._wake:
            self._stopping = True
            self._wake.notify()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None


class MapItem(pg.GraphicsObject):
    """The one graphics item that paints the whole map for the view it is shown in."""

    def __init__(self, renderer: MapRenderer):
        super().__init__()
        self.renderer = renderer
        self.blink_on = True
        self._static_key = None  # (view, split) the cached pictures show
        self._static_image: QImage | None = None
        self._labels_image: QImage | None = None
        self._content_changed = True  # the cached pictures show an outdated map, not just another view
        self._generation = 0  # grows with every change of content
        self._settle_now = False
        self._view: ViewState | None = None  # of the last frame
        self._requested = None  # (view, split, generation) being drawn in the background
        self.background = True  # settled views are drawn on the worker thread
        self.worker = StaticPictureWorker(renderer)
        self.worker.done.connect(self._on_picture, Qt.ConnectionType.QueuedConnection)
        self.worker.failed.connect(self._on_picture_failed, Qt.ConnectionType.QueuedConnection)
        self.settle_timer = QTimer()
        self.settle_timer.setSingleShot(True)
        self.settle_timer.setInterval(SETTLE_MS)
        self.settle_timer.timeout.connect(self._on_settle_timeout)
        renderer.on_changed(self.invalidate)

    def boundingRect(self) -> QRectF:  # noqa: N802 (Qt override)
        return QRectF(-WORLD, -WORLD, 2 * WORLD, 2 * WORLD)

    def invalidate(self) -> None:
        self._content_changed = True
        self._generation += 1
        self.update()

    def _on_settle_timeout(self) -> None:
        if not self.background or self._view is None:
            self.settle()
            return
        split = self._split()
        request = (self._view, split, self._generation)
        if request != self._requested and (self._view, split) != self._static_key:
            self._requested = request
            self.worker.request(self._view, self.renderer.layers, split, self._generation)

    def _on_picture(self, picture: StaticPicture) -> None:
        """A picture drawn in the background: shown unless the map changed meanwhile."""
        if picture.generation != self._generation or picture.split != self._split() or self._content_changed:
            return
        self._static_image, self._labels_image = picture.static, picture.labels
        self._static_key = (picture.view, picture.split)
        self.last_background_seconds = picture.seconds
        self.update()

    def _on_picture_failed(self, generation: int) -> None:
        """Forget the failed request, so the next change of view asks again (the moved picture stays)."""
        if self._requested is not None and self._requested[2] == generation:
            self._requested = None

    def settle(self) -> None:
        """Draw the full-detail picture now instead of after the settle delay."""
        self.settle_timer.stop()
        self._settle_now = True
        self.update()

    def _split(self) -> int:
        """Index of the first layer drawn every frame (the first sensor layer)."""
        for index, layer in enumerate(self.renderer.layers):
            if layer.is_sensor_layer:
                return index
        return len(self.renderer.layers)

    def paint(self, painter: QPainter, option, widget=None) -> None:
        device = painter.device()
        view = ViewState.from_transform(painter.transform(), device.width(), device.height())
        if view.width <= 0 or view.height <= 0 or view.sx == 0:
            return
        self._view = view
        split = self._split()
        key = (view, split)
        moving = (
            key != self._static_key
            and not self._content_changed
            and not self._settle_now
            and self._static_key is not None
            and self._static_key[1] == split
            and (view.width, view.height) == (self._static_key[0].width, self._static_key[0].height)
        )
        if moving:
            if (view, split, self._generation) != self._requested:
                self.settle_timer.start()  # restarts while the view keeps changing
        else:
            if key != self._static_key or self._content_changed:
                self._render_static(view, split)
                self._static_key = key
                self._content_changed = False
            self._settle_now = False
        painter.save()
        painter.resetTransform()
        if moving:
            painter.fillRect(0, 0, view.width, view.height, QColor(BACKGROUND))
            painter.setTransform(_moved(self._static_key[0], view))
            painter.drawImage(0, 0, self._static_image)
            painter.resetTransform()
        else:
            painter.drawImage(0, 0, self._static_image)
        self.renderer.paint_layers(painter, view, self.renderer.layers[split:], blink_on=self.blink_on)
        painter.resetTransform()
        self.renderer.paint_overlays(painter, view)
        if moving:
            painter.setTransform(_moved(self._static_key[0], view))
        painter.drawImage(0, 0, self._labels_image)
        painter.resetTransform()
        self.renderer.paint_overlays(painter, view, above=True)
        painter.restore()

    def _render_static(self, view: ViewState, split: int) -> None:
        picture = draw_static_picture(self.renderer, view, self.renderer.layers, split, self._generation)
        self._static_image, self._labels_image = picture.static, picture.labels

    def stop(self) -> None:
        self.settle_timer.stop()
        self.worker.stop()


def _moved(old: ViewState, new: ViewState) -> QTransform:
    """Pixels of a picture drawn for ``old`` to where they belong in ``new``."""
    kx, ky = new.sx / old.sx, new.sy / old.sy
    return QTransform(kx, 0, 0, ky, new.tx - kx * old.tx, new.ty - ky * old.ty)


class MapCanvas(pg.GraphicsView):
    """Map widget.

    Signals
    -------
    cursor_moved(float, float): longitude and latitude under the mouse.
    feature_clicked(object, int): the layer and row clicked (layer None: empty map).
    view_changed(): the visible extent changed.
    """

    cursor_moved = Signal(float, float)
    feature_clicked = Signal(object, int)
    view_changed = Signal()

    def __init__(self, renderer: MapRenderer | None = None, parent=None):
        super().__init__(parent, background=BACKGROUND)
        self.renderer = renderer or MapRenderer()
        self.viewbox = pg.ViewBox(lockAspect=1.0, enableMenu=False, defaultPadding=0.02)
        self.viewbox.setLimits(xMin=-WORLD, xMax=WORLD, yMin=-WORLD, yMax=WORLD, minXRange=20, minYRange=20)
        self.setCentralItem(self.viewbox)
        self.map_item = MapItem(self.renderer)
        self.viewbox.addItem(self.map_item, ignoreBounds=True)
        self.foreground_painters: list[Callable[[QPainter, ViewState], None]] = []
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMouseTracking(True)
        self.scene().sigMouseMoved.connect(self._on_mouse_moved)
        self.scene().sigMouseClicked.connect(self._on_mouse_clicked)
        self.viewbox.sigRangeChanged.connect(lambda *_: self.view_changed.emit())
        self._blink = QTimer(self)
        self._blink.setInterval(BLINK_INTERVAL_MS)
        self._blink.timeout.connect(self._on_blink)
        self._blink.start()
        self._decorations: dict[tuple, QImage] = {}

    # --- view -----------------------------------------------------------
    def view_state(self) -> ViewState:
        """The current mapping from map metres to viewport pixels."""
        transform = self.map_item.deviceTransform(self.viewportTransform())
        viewport = self.viewport()
        return ViewState.from_transform(transform, viewport.width(), viewport.height())

    def set_extent(self, extent: tuple[float, float, float, float], padding: float = 0.02) -> None:
        minx, miny, maxx, maxy = extent
        if maxx - minx < 50:  # a single point: show 1 km around it
            minx, maxx = minx - 500, maxx + 500
        if maxy - miny < 50:
            miny, maxy = miny - 500, maxy + 500
        self.viewbox.setRange(xRange=(minx, maxx), yRange=(miny, maxy), padding=padding)

    def zoom_full(self) -> None:
        extent = self.renderer.full_extent()
        if extent is not None:
            self.set_extent(extent)

    def zoom_to_layer(self, layer: VectorLayer) -> None:
        if len(layer):
            self.set_extent(layer.bounds)

    def zoom_by(self, factor: float) -> None:
        self.viewbox.scaleBy((factor, factor))

    def pan_by(self, fraction_x: float, fraction_y: float) -> None:
        (x0, x1), (y0, y1) = self.viewbox.viewRange()
        self.viewbox.translateBy(x=(x1 - x0) * fraction_x, y=(y1 - y0) * fraction_y)

    def extent(self) -> tuple[float, float, float, float]:
        (x0, x1), (y0, y1) = self.viewbox.viewRange()
        return (x0, y0, x1, y1)

    # --- events ---------------------------------------------------------
    def keyPressEvent(self, event) -> None:  # noqa: N802 (Qt override)
        key = event.key()
        steps = {
            Qt.Key.Key_Left: (-0.2, 0), Qt.Key.Key_Right: (0.2, 0),
            Qt.Key.Key_Up: (0, 0.2), Qt.Key.Key_Down: (0, -0.2),
        }
        if key in steps:
            self.pan_by(*steps[key])
        elif key in (Qt.Key.Key_Plus, Qt.Key.Key_Equal):
            self.zoom_by(0.5)
        elif key == Qt.Key.Key_Minus:
            self.zoom_by(2.0)
        elif key == Qt.Key.Key_Home:
            self.zoom_full()
        else:
            super().keyPressEvent(event)

    def _on_mouse_moved(self, scene_pos: QPointF) -> None:
        point = self.viewbox.mapSceneToView(scene_pos)
        lon, lat = mercator_to_lonlat(point.x(), point.y())
        self.cursor_moved.emit(lon, lat)

    def _on_mouse_clicked(self, event) -> None:
        if event.button() != Qt.MouseButton.LeftButton or event.double():
            return
        self.identify_at(self.viewbox.mapSceneToView(event.scenePos()))

    def identify_at(self, point: QPointF) -> tuple[VectorLayer, int] | None:
        """Find the feature at a map point (5 pixels of tolerance) and emit ``feature_clicked``."""
        tolerance = 5 * self.view_state().resolution_m
        found = self.renderer.hit(point.x(), point.y(), tolerance)
        if found is None:
            self.feature_clicked.emit(None, -1)
        else:
            self.feature_clicked.emit(found[0], found[1])
        return found

    def _on_blink(self) -> None:
        if not shiboken6.isValid(self.map_item):  # the scene was cleared when the view closed
            self._blink.stop()
            return
        self.map_item.blink_on = not self.map_item.blink_on
        self.map_item.update()

    def settle(self) -> None:
        """Show the full-detail map for the current view now (snapshots, tests)."""
        self.map_item.settle()

    def close(self) -> bool:
        self._blink.stop()
        self.map_item.stop()
        for basemap in self.renderer.basemaps:
            basemap.stop()
        return super().close()

    def drawForeground(self, painter: QPainter, rect) -> None:  # noqa: N802 (Qt override)
        view = self.view_state()
        if view.sx == 0:
            return
        painter.save()
        painter.resetTransform()
        ratio = self.viewport().devicePixelRatioF()
        family = self.renderer.font_family
        bar = self._decoration(("scale", ground_resolution_m(view), family, ratio), SCALE_BAR_BOX, ratio,
                               lambda p: draw_scale_bar(p, view, family, origin=SCALE_BAR_ORIGIN))
        painter.drawImage(QPointF(16 - SCALE_BAR_ORIGIN.x(), view.height - 22 - SCALE_BAR_ORIGIN.y()), bar)
        half = NORTH_ARROW_BOX / 2
        arrow = self._decoration(("north", QCoreApplication.translate("NorthArrow", "N"), family, ratio),
                                 (NORTH_ARROW_BOX, NORTH_ARROW_BOX), ratio,
                                 lambda p: draw_north_arrow(p, view, family, centre=QPointF(half, half)))
        painter.drawImage(QPointF(view.width - 36 - half, 48 - half), arrow)
        for paint in self.foreground_painters:
            paint(painter, view)
        painter.restore()

    def _decoration(self, key: tuple, size: tuple[int, int], ratio: float, draw) -> QImage:
        """A decoration drawn by ``draw`` into a transparent image of ``size``, kept per ``key``."""
        image = self._decorations.get(key)
        if image is None:
            image = QImage(round(size[0] * ratio), round(size[1] * ratio), QImage.Format.Format_ARGB32_Premultiplied)
            image.setDevicePixelRatio(ratio)
            image.fill(0)
            with painting(image) as painter:
                draw(painter)
            if len(self._decorations) >= DECORATION_CACHE_SIZE:  # zooming makes new scale bars
                self._decorations.pop(next(iter(self._decorations)))
            self._decorations[key] = image
        return image
