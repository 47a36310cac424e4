"""Offline raster basemaps drawn under the layers, tiles loaded off the GUI thread.

A worker thread reads tile bytes from the source (MBTiles, XYZ folder or an
intranet URL with a disk cache) and decodes them into QImages (QImage, unlike
QPixmap, is safe off the GUI thread). The GUI thread only draws tiles already
decoded; a missing tile is requested and the map repaints when it arrives.
"""

from __future__ import annotations

import queue
import threading
from collections import OrderedDict

from PySide6.QtCore import QObject, QRectF, Signal
from PySide6.QtGui import QImage, QPainter

from console.geo.tiles import TileSource, tile_bounds, tiles_covering, zoom_for_resolution
from console.ui.map.view import ViewState

CACHE_TILES = 768  # ~200 MB of decoded 256-px tiles at most


class _Notifier(QObject):
    tile_ready = Signal()


class BasemapLayer:
    """A tile source with a title, visibility and opacity, and a decoded-tile cache."""

    def __init__(self, source: TileSource, name: str, title: str = "", title_zh: str = "",
                 visible: bool = True, opacity: float = 1.0):
        self.source = source
        self.name = name
        self.title = title or name
        self.title_zh = title_zh or self.title
        self.visible = visible
        self.opacity = opacity
        self.notifier = _Notifier()
        self._cache: OrderedDict[tuple[int, int, int], QImage | None] = OrderedDict()
        self._lock = threading.Lock()
        self._requests: queue.Queue = queue.Queue()
        self._pending: set[tuple[int, int, int]] = set()
        self._worker: threading.Thread | None = None

    # --- loading --------------------------------------------------------
    def _load(self, key: tuple[int, int, int]) -> QImage | None:
        data = self.source.get_tile(*key)
        if not data:
            return None
        image = QImage.fromData(data)
        return None if image.isNull() else image

    def _store(self, key, image) -> None:
        with self._lock:
            self._cache[key] = image
            self._cache.move_to_end(key)
            while len(self._cache) > CACHE_TILES:
                self._cache.popitem(last=False)
            self._pending.discard(key)

    def _run(self) -> None:
        while True:
            key = self._requests.get()
            if key is None:
                return
            self._store(key, self._load(key))
            self.notifier.tile_ready.emit()  # queued to the GUI thread

    def _request(self, key) -> None:
        with self._lock:
            if key in self._pending:
                return
            self._pending.add(key)
        if self._worker is None:
            self._worker = threading.Thread(target=self._run, name=f"tiles-{self.name}", daemon=True)
            self._worker.start()
        self._requests.put(key)

    def stop(self) -> None:
        if self._worker is not None:
            self._requests.put(None)
            self._worker.join(timeout=2)
            self._worker = None
        self.source.close()

    # --- drawing --------------------------------------------------------
    def tiles_for(self, view: ViewState) -> list[tuple[int, int, int]]:
        z = zoom_for_resolution(view.resolution_m, min_zoom=self.source.min_zoom, max_zoom=self.source.max_zoom)
        return list(tiles_covering(view.extent, z))

    def paint(self, painter: QPainter, view: ViewState, wait: bool = False) -> int:
        """Draw the cached tiles of the view; request the others (``wait``: load them now).

        Returns how many tiles were drawn.
        """
        drawn = 0
        painter.save()
        painter.setOpacity(self.opacity)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, True)
        for key in self.tiles_for(view):
            with self._lock:
                cached = key in self._cache
                image = self._cache.get(key)
            if not cached:
                if wait:
                    image = self._load(key)
                    self._store(key, image)
                else:
                    self._request(key)
                    continue
            if image is None:
                continue
            minx, miny, maxx, maxy = tile_bounds(*key)
            dx, dy = self.source.offset_m(*key)
            x0, y0 = view.to_pixel(minx + dx, maxy + dy)
            x1, y1 = view.to_pixel(maxx + dx, miny + dy)
            painter.drawImage(QRectF(x0, y0, x1 - x0, y1 - y0), image)
            drawn += 1
        painter.restore()
        return drawn


def open_basemaps(catalog) -> list[BasemapLayer]:
    """The basemaps a catalog names, opened (a source that cannot be opened raises InputError)."""
    return [
        BasemapLayer(entry.open_source(), entry.name, entry.title, entry.title_zh, entry.visible, entry.opacity)
        for entry in catalog.basemaps
    ]
