"""A sensor table's state drawn onto a renderer's sensor layers, without a canvas.

The window's ``LiveMapBinding`` does this ten times a second for the canvas;
``console snapshot`` and the replay clip have no canvas, only a renderer, and
restyle every sensor once per picture.
"""

from __future__ import annotations

import numpy as np

from console.model.sensors import SensorTable
from console.ui.live import layer_ids, sensor_layers, style_codes
from console.ui.map.renderer import MapRenderer
from console.ui.map.sensor_style import SensorCode


class StatePainter:
    """Matches a table's rows to the renderer's sensor features by id once, then restyles them on ``paint``."""

    def __init__(self, renderer: MapRenderer, table: SensorTable):
        self.renderer = renderer
        self.table = table
        self._parts = []  # (layer, raster, feature indices, table rows)
        for layer in sensor_layers(renderer.layers):
            rows = table.rows_of(layer_ids(layer))
            known = np.flatnonzero(rows >= 0)
            raster = renderer.painter_for(layer).raster
            raster.codes[:] = SensorCode.NORMAL
            self._parts.append((layer, raster, known, rows[known]))

    def paint(self) -> None:
        """Write every sensor's current style code (a few milliseconds for 20,000 sensors)."""
        for _, raster, features, rows in self._parts:
            if rows.size:
                raster.set_codes(features, style_codes(self.table, rows))

    def features_of_rows(self, rows) -> list:
        """Each sensor layer with its features that stand for these table rows."""
        rows = np.asarray(rows, dtype=np.int64)
        return [(layer, features[np.isin(known_rows, rows)]) for layer, _, features, known_rows in self._parts]

    def add_footprints(self, book):
        """Incidents drawn as their footprints at city scale, as the window draws them (``PageFootprints``)."""
        from console.ui.map.footprints import PageFootprints

        return PageFootprints(self.renderer, self.table, book, self.features_of_rows)
