"""The replay timeline under the map: the feed's span, alarms per time bin by level, the cursor.

A pyqtgraph plot with a local-time axis (the display zone, Asia/Shanghai by
default), one stacked bar series per warning level in the level colours (I at
the bottom, where the most severe alarms are easiest to compare), the played
part shaded and a cursor at the feed clock. A click or a drag anywhere on it
asks to seek there; the timeline itself never touches the replay.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QCoreApplication, QPointF, QSize, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont

from console.model.levels import DISPLAY_ZONE, LEVEL_ROMAN, LEVELS
from console.ui import theme
from console.ui.fonts import map_font_family
from console.ui.map.sensor_style import LEVEL_COLOURS

BACKGROUND = "#FBFBFA"
AXIS_COLOUR = "#5A6470"
CURSOR_COLOUR = "#1F2A36"
PLAYED_BRUSH = (31, 42, 54, 22)  # the part already played, a faint slate shade
UNKNOWN_HATCH = (120, 128, 138, 110)
BIN_PX = 5  # about one histogram bin per 5 pixels of width
BAR_FILL = 0.86  # share of a bin its bar covers: thin gaps keep neighbouring bins apart
# Tick spacings the axis picks from, seconds; all divide a day so ticks fall on round local times.
TICK_STEPS_S = (1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400)
BIN_STEPS_S = (60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400)
LABEL_PX = 70  # room one "HH:MM" label needs, with a gap


class LocalTimeAxis(pg.AxisItem):
    """A bottom axis for UTC epoch seconds, labelled in a time zone's local time.

    Labels read ``HH:MM`` (``HH:MM:SS`` below a minute's spacing) and ``MM-DD`` at local midnight.
    """

    def __init__(self, zone: str = DISPLAY_ZONE, **kwargs):
        super().__init__("bottom", **kwargs)
        self.zone = ZoneInfo(zone)
        self.enableAutoSIPrefix(False)

    def _offset_s(self, t_s: float) -> float:
        return datetime.fromtimestamp(t_s, self.zone).utcoffset().total_seconds()

    def tickValues(self, minVal: float, maxVal: float, size: float):  # noqa: N802 (pyqtgraph override)
        if not (math.isfinite(minVal) and math.isfinite(maxVal)) or maxVal <= minVal or size <= 0:
            return []
        seconds_per_px = (maxVal - minVal) / size
        major = next((s for s in TICK_STEPS_S if s / seconds_per_px >= LABEL_PX), TICK_STEPS_S[-1])
        minor = next((s for s in TICK_STEPS_S if major % s == 0 and s / seconds_per_px >= 12), major)
        offset = self._offset_s(minVal)
        levels = [(major, self._ticks(minVal, maxVal, major, offset))]
        if minor < major:
            levels.append((minor, self._ticks(minVal, maxVal, minor, offset)))
        return levels

    @staticmethod
    def _ticks(low: float, high: float, step: float, offset: float) -> list[float]:
        first = math.ceil((low + offset) / step) * step - offset
        return list(np.arange(first, high + step * 1e-6, step))

    def tickStrings(self, values, scale, spacing):  # noqa: N802 (pyqtgraph override)
        labels = []
        for value in values:
            local = datetime.fromtimestamp(value, self.zone)
            if spacing >= 60 and local.hour == 0 and local.minute == 0 and local.second == 0:
                labels.append(f"{local:%m-%d}")
            elif spacing < 60:
                labels.append(f"{local:%H:%M:%S}")
            else:
                labels.append(f"{local:%H:%M}")
        return labels


class _SeekViewBox(pg.ViewBox):
    """A fixed view (no pan, zoom or menu) where a click or a drag means "go to this time"."""

    def __init__(self, timeline: TimelineBar):
        super().__init__(enableMenu=False, defaultPadding=0.0)
        self.setMouseEnabled(x=False, y=False)
        self._timeline = timeline

    def mouseClickEvent(self, event) -> None:  # noqa: N802 (pyqtgraph override)
        if event.button() != Qt.MouseButton.LeftButton:
            event.ignore()
            return
        event.accept()
        self._timeline._request_seek(self.mapSceneToView(event.scenePos()).x())

    def mouseDragEvent(self, event, axis=None) -> None:  # noqa: N802 (pyqtgraph override)
        if event.button() != Qt.MouseButton.LeftButton:
            event.ignore()
            return
        event.accept()
        t_s = self.mapSceneToView(event.scenePos()).x()
        if event.isFinish():
            self._timeline._request_seek(t_s)
        else:
            self._timeline._preview(t_s)

    def wheelEvent(self, event, axis=None) -> None:  # noqa: N802 (pyqtgraph override)
        event.ignore()


class TimelineBar(pg.PlotWidget):
    """The replay timeline.

    Signals
    -------
    seek_requested(object): the operator clicked or dragged to a time (UTC epoch ms, inside the span).
    """

    seek_requested = Signal(object)

    def __init__(self, zone: str = DISPLAY_ZONE, parent=None):
        self.viewbox = _SeekViewBox(self)
        self.axis = LocalTimeAxis(zone)
        super().__init__(parent, background=BACKGROUND, viewBox=self.viewbox, axisItems={"bottom": self.axis})
        self.zone = zone
        self.start_ms = 0
        self.end_ms = 1
        self.now_ms = 0
        self.edges_ms = np.zeros(0)
        self.counts = np.zeros((4, 0))
        self._dragging = False
        plot = self.getPlotItem()
        plot.hideButtons()
        plot.setMenuEnabled(False)
        plot.hideAxis("left")
        plot.layout.setContentsMargins(6, 4, 10, 0)
        font = QFont(map_font_family())
        font.setPixelSize(11)
        self.axis.setTickFont(font)
        self.axis.setTextPen(pg.mkPen(AXIS_COLOUR))
        self.axis.setPen(pg.mkPen("#B9C0C8"))
        self.axis.setStyle(tickLength=-4, tickTextOffset=3)
        self.axis.setHeight(20)
        self.bars = {}
        for level in LEVELS:
            bars = pg.BarGraphItem(x0=[], x1=[], y0=[], y1=[], pen=pg.mkPen(None),
                                   brush=pg.mkBrush(LEVEL_COLOURS[level]))
            self.bars[level] = bars
            plot.addItem(bars)
        self.played = pg.LinearRegionItem(values=(0, 0), movable=False, brush=pg.mkBrush(*PLAYED_BRUSH),
                                          pen=pg.mkPen(None))
        self.played.setZValue(-10)
        plot.addItem(self.played, ignoreBounds=True)
        # The part of the span whose alarms the replay has not read yet: hatched, not shown as calm.
        self.unknown = pg.LinearRegionItem(values=(0, 0), movable=False, pen=pg.mkPen(None),
                                           brush=QBrush(QColor(*UNKNOWN_HATCH), Qt.BrushStyle.BDiagPattern))
        self.unknown.setZValue(-5)
        self.unknown.setVisible(False)
        plot.addItem(self.unknown, ignoreBounds=True)
        self.indexed_until_ms: int | None = None
        self.cursor = pg.InfiniteLine(angle=90, movable=False, pen=pg.mkPen(CURSOR_COLOUR, width=2))
        self.cursor.addMarker("v", position=0.97, size=11)
        self.cursor.addMarker("^", position=0.03, size=11)
        self.cursor.setZValue(20)
        plot.addItem(self.cursor, ignoreBounds=True)
        # Over the cursor, on a light ground: readable wherever the cursor stands.
        self.peak_label = pg.TextItem(color=AXIS_COLOUR, anchor=(0, 0), fill=pg.mkBrush(251, 251, 250, 225))
        self.peak_label.setFont(font)
        self.peak_label.setParentItem(self.viewbox)
        self.peak_label.setZValue(30)
        self.peak_label.setPos(4, 2)
        self.setMouseTracking(True)
        self.scene().sigMouseMoved.connect(self._on_mouse_moved)
        self.setMinimumHeight(64)
        if theme.current().name != "light":
            self.follow_theme(theme.current())

    def follow_theme(self, colours) -> None:
        """The bar's ground and axis in a dark theme's colours; the light theme keeps the print colours above."""
        light = colours.name == "light"
        self.setBackground(BACKGROUND if light else colours.plot_background)
        self.axis.setTextPen(pg.mkPen(AXIS_COLOUR if light else colours.plot_foreground))
        self.set_span(0, 3_600_000)

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt override)
        return QSize(800, 86)

    # --- data -----------------------------------------------------------
    def preferred_bins(self) -> int:
        """How many histogram bins suit the width: bins of a round duration, about BIN_PX pixels each."""
        width = self.viewbox.width() or self.width()
        most = max(12, width // BIN_PX)
        span_s = (self.end_ms - self.start_ms) / 1000
        seconds = next((s for s in BIN_STEPS_S if span_s / s <= most), BIN_STEPS_S[-1])
        return int(min(2000, max(1, math.ceil(span_s / seconds - 1e-9))))

    def set_span(self, start_ms: int, end_ms: int) -> None:
        self.start_ms, self.end_ms = int(start_ms), int(max(end_ms, start_ms + 1))
        self.viewbox.setLimits(xMin=None, xMax=None)
        self.viewbox.setXRange(self.start_ms / 1000, self.end_ms / 1000, padding=0)
        self.set_time(self.now_ms if self.start_ms <= self.now_ms <= self.end_ms else self.start_ms)

    def set_density(self, edges_ms: np.ndarray, counts: np.ndarray, indexed_until_ms: int | None = None) -> None:
        """Alarms per bin: ``edges_ms`` (n + 1 edges), ``counts`` shape (4, n), rows for levels I..IV.

        ``indexed_until_ms``: the alarms are known only up to then (the replay is
        still reading the feed); the rest of the span is hatched.
        """
        edges_ms = np.asarray(edges_ms, dtype=np.float64)
        counts = np.asarray(counts, dtype=np.float64)
        if (indexed_until_ms == self.indexed_until_ms and np.array_equal(edges_ms, self.edges_ms)
                and np.array_equal(counts, self.counts)):
            return  # the same histogram (asked for every 2 s while playing): no rebuild, no repaint
        self.edges_ms, self.counts = edges_ms, counts
        left = self.edges_ms[:-1] / 1000
        right = left + np.diff(self.edges_ms) / 1000 * BAR_FILL
        base = np.zeros(len(left))
        for row, level in enumerate(LEVELS):
            top = base + self.counts[row]
            shown = self.counts[row] > 0
            self.bars[level].setOpts(x0=left[shown], x1=right[shown], y0=base[shown], y1=top[shown])
            base = top
        peak = float(base.max()) if len(base) else 0.0
        self.viewbox.setYRange(0, max(peak, 1.0) * 1.18, padding=0)
        self.indexed_until_ms = indexed_until_ms
        unknown = indexed_until_ms is not None and indexed_until_ms < self.end_ms
        self.unknown.setVisible(unknown)
        if unknown:
            self.unknown.setRegion((max(indexed_until_ms, self.start_ms) / 1000, self.end_ms / 1000))
            share = (indexed_until_ms - self.start_ms) / max(1, self.end_ms - self.start_ms)
            self.peak_label.setText(QCoreApplication.translate("Timeline", "Reading the feed: {percent} %").format(
                percent=int(max(0.0, share) * 100)))
        elif peak > 0:
            self.peak_label.setText(QCoreApplication.translate("Timeline", "peak {count} alarms per {minutes} min")
                                    .format(count=int(peak), minutes=_bin_minutes(self.edges_ms)))
        else:
            self.peak_label.setText(QCoreApplication.translate("Timeline", "No alarms in this feed"))

    def set_time(self, now_ms: int) -> None:
        """Move the cursor to the feed clock (ignored while the operator drags it)."""
        self.now_ms = int(now_ms)
        if not self._dragging:
            self._show_cursor(self.now_ms / 1000)

    def _show_cursor(self, t_s: float) -> None:
        self.cursor.setValue(t_s)
        self.played.setRegion((self.start_ms / 1000, t_s))

    def cursor_x(self, t_ms: float) -> float:
        """Widget x pixel of a time (tests and tools use it to aim a click)."""
        scene = self.viewbox.mapViewToScene(QPointF(t_ms / 1000, 0))
        return self.mapFromScene(scene).x()

    def time_at(self, x_px: float) -> float:
        """UTC epoch ms at a widget x pixel."""
        return self.viewbox.mapSceneToView(self.mapToScene(int(round(x_px)), 0)).x() * 1000

    # --- operator -------------------------------------------------------
    def _clamped_ms(self, t_s: float) -> int:
        return int(min(max(t_s * 1000, self.start_ms), self.end_ms))

    def _preview(self, t_s: float) -> None:
        self._dragging = True
        self._show_cursor(self._clamped_ms(t_s) / 1000)

    def _request_seek(self, t_s: float) -> None:
        self._dragging = False
        target = self._clamped_ms(t_s)
        self._show_cursor(target / 1000)
        self.seek_requested.emit(target)

    def _on_mouse_moved(self, scene_pos) -> None:
        if not len(self.edges_ms) or not self.viewbox.sceneBoundingRect().contains(scene_pos):
            self.setToolTip("")
            return
        t_ms = self.viewbox.mapSceneToView(scene_pos).x() * 1000
        index = int(np.searchsorted(self.edges_ms, t_ms, side="right")) - 1
        if not 0 <= index < self.counts.shape[1]:
            self.setToolTip("")
            return
        zone = ZoneInfo(self.zone)
        begin = datetime.fromtimestamp(self.edges_ms[index] / 1000, UTC).astimezone(zone)
        end = datetime.fromtimestamp(self.edges_ms[index + 1] / 1000, UTC).astimezone(zone)
        per_level = "   ".join(f"{LEVEL_ROMAN[level]}: {int(self.counts[row, index])}"
                               for row, level in enumerate(LEVELS))
        heading = QCoreApplication.translate("Timeline", "Alarms {begin}–{end}").format(
            begin=f"{begin:%H:%M:%S}", end=f"{end:%H:%M:%S}")
        hint = QCoreApplication.translate("Timeline", "Click or drag to jump to a moment")
        self.setToolTip(f"{heading}\n{per_level}\n{hint}")


def _bin_minutes(edges_ms: np.ndarray) -> str:
    if len(edges_ms) < 2:
        return "0"
    minutes = float(edges_ms[1] - edges_ms[0]) / 60_000
    return f"{minutes:.0f}" if minutes >= 10 else f"{minutes:.1f}".rstrip("0").rstrip(".")
