"""The time series of the sensor detail: readings against threshold bands, and the alarms' handling.

One value plot per quantity (sensors measuring the same thing share an axis,
others are stacked under it, all linked in time), and above them a strip with
one lane per step of an alarm's handling (raised, acknowledged, dispatched, the
unit's steps, closed). The dispatch loop's steps (the unit acknowledged, on site,
its feedback, the escalation of an overdue step) share the unit's lane, told
apart by their symbols; a legend names those present, and every marker's tooltip
says what it is, when, and by whom. Times are seconds since the epoch on a ``DateAxisItem`` shown in the
display zone; the mouse zooms and pans in time only, the value axis is fitted
to the readings and the thresholds so the bands stay in sight.
"""

from __future__ import annotations

import contextlib
import math
from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QCoreApplication, QRectF, Qt
from PySide6.QtGui import QBrush, QColor

from console.model.journal.queries import ALARM_EVENT_KINDS, DISPATCH_STEP_EVENTS
from console.model.levels import DISPLAY_ZONE, level_name
from console.ui import theme
from console.ui.locale_format import LocaleDateAxisItem
from console.ui.map.sensor_style import LEVEL_COLOURS

BAND_ALPHA = 46  # of 255: the level's colour behind the readings, the line stays readable on yellow
# Series colours of up to four sensors on one axis: none of them a level colour or the drill violet.
SERIES_COLOURS = ("#1F2A36", "#00897B", "#C2185B", "#6D4C41")
EVENT_SYMBOLS = {"raise": "t1", "acknowledge": "o", "dispatch": "s", "unit_ack": "p", "on_site": "star",
                 "feedback": "h", "escalation": "x", "close": "d"}
# None of them a level colour: an escalation is a deep rust, read as "attention" beside the level chips.
EVENT_COLOURS = {"acknowledge": "#37474F", "dispatch": "#00695C", "unit_ack": "#00838F", "on_site": "#004D40",
                 "feedback": "#6D4C41", "escalation": "#A1420A", "close": "#2E7D32"}
# The strip's lanes, top to bottom, and the lane of each event.
LANES = ("raise", "acknowledge", "dispatch", "unit", "close")
LANE_OF = {"raise": 0, "acknowledge": 1, "dispatch": 2, "unit_ack": 3, "on_site": 3, "feedback": 3,
           "escalation": 3, "close": 4}
GAP_MIN_MS = 10 * 60_000  # a silence this long (or five usual intervals) breaks the line
LEFT_AXIS_PX = 104  # the same for every plot, so their times line up; room for the lane names
MAX_EVENT_LINES = 300  # vertical lines through the value plots; beyond that only the strip's symbols


def display_utc_offset_s(at_ms: int) -> int:
    """The display zone's offset as pyqtgraph's ``DateAxisItem`` takes it: seconds west of UTC."""
    offset = datetime.fromtimestamp(at_ms / 1000, UTC).astimezone(ZoneInfo(DISPLAY_ZONE)).utcoffset()
    return -int(offset.total_seconds())


def threshold_bands(levels, sign: float) -> list[tuple[int, float, float]]:
    """(level, low edge, high edge) per threshold in force; ``levels`` are IV..I as ``SensorTable.levels``.

    Rising quantities (sign +1): level IV from its threshold up to III's, level I
    from its threshold up. Falling ones (sign -1) mirror it downwards. A NaN
    threshold (a rule with fewer levels) has no band.
    """
    steps = [(4 - i, float(v)) for i, v in enumerate(levels) if np.isfinite(v)]
    bands = []
    for k, (level, threshold) in enumerate(steps):
        beyond = steps[k + 1][1] if k + 1 < len(steps) else math.copysign(math.inf, sign)
        bands.append((level, threshold, beyond) if sign > 0 else (level, beyond, threshold))
    return bands


def with_gaps(t_ms: np.ndarray, value: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Seconds and values with a NaN in each long silence, so the line does not bridge it."""
    t_s = t_ms / 1000.0
    if len(t_ms) < 3:
        return t_s, value
    dt = np.diff(t_ms)
    limit = max(GAP_MIN_MS, 5 * float(np.median(dt)))
    gaps = np.flatnonzero(dt > limit) + 1
    if gaps.size == 0:
        return t_s, value
    return np.insert(t_s, gaps, np.nan), np.insert(value, gaps, np.nan)


class BandItem(pg.GraphicsObject):
    """A horizontal band from ``low`` to ``high`` (either may be infinite) across the whole view."""

    def __init__(self, level: int, low: float, high: float):
        super().__init__()
        self.level, self.low, self.high = level, low, high
        colour = QColor(LEVEL_COLOURS[level])
        colour.setAlpha(BAND_ALPHA)
        self._brush = QBrush(colour)
        self.setZValue(-20)

    def boundingRect(self) -> QRectF:  # noqa: N802 (Qt override)
        view = self.viewRect()
        if view is None:
            return QRectF()
        bottom, top = max(self.low, view.top()), min(self.high, view.bottom())
        if not top > bottom:
            return QRectF()
        return QRectF(view.left(), bottom, view.width(), top - bottom)

    def viewRangeChanged(self) -> None:  # noqa: N802 (pyqtgraph hook)
        self.prepareGeometryChange()
        self.update()

    def viewTransformChanged(self) -> None:  # noqa: N802 (pyqtgraph hook)
        self.prepareGeometryChange()
        super().viewTransformChanged()

    def paint(self, painter, *args) -> None:
        painter.fillRect(self.boundingRect(), self._brush)


@dataclass
class Series:
    """One sensor's line: readings (UTC epoch ms, values) as drawn, before gaps are cut in."""

    sensor_id: str
    label: str
    colour: str
    t_ms: np.ndarray
    value: np.ndarray
    item: pg.PlotDataItem
    newest: pg.PlotDataItem  # a dot on the newest reading: the live value, even before there is a line


@dataclass
class Marker:
    """One step of an alarm's handling as plotted; ``operator`` and ``detail`` as the journal gives them."""

    event: str
    t_ms: int
    alarm_id: int
    sensor_id: str
    level: int | None
    operator: str | None = None
    detail: str = ""


def event_label(event: str) -> str:
    translate = QCoreApplication.translate
    return {
        "raise": translate("SensorDetail", "Raised"),
        "acknowledge": translate("SensorDetail", "Acknowledged"),
        "dispatch": translate("SensorDetail", "Dispatched"),
        "unit_ack": translate("SensorDetail", "Unit acknowledged"),
        "on_site": translate("SensorDetail", "Unit on site"),
        "feedback": translate("SensorDetail", "Unit feedback"),
        "escalation": translate("SensorDetail", "Escalated (overdue)"),
        "close": translate("SensorDetail", "Closed"),
    }[event]


def lane_label(lane: str) -> str:
    if lane == "unit":
        return QCoreApplication.translate("SensorDetail", "Unit")
    return event_label(lane)


def step_label(step: str) -> str:
    """A dispatch deadline's step, as an escalation's tooltip names it."""
    translate = QCoreApplication.translate
    return {"unit_ack": translate("SensorDetail", "the unit's acknowledgement"),
            "on_site": translate("SensorDetail", "arrival on site"),
            "handled": translate("SensorDetail", "handling (closure)")}.get(step, step)


def marker_tip(marker: Marker) -> str:
    """The tooltip of a marker: what, when (display zone), which alarm, who, and its note or unit."""
    translate = QCoreApplication.translate
    when = datetime.fromtimestamp(marker.t_ms / 1000, ZoneInfo(DISPLAY_ZONE)).strftime("%m-%d %H:%M:%S")
    lines = [f"{event_label(marker.event)} · {when}",
             translate("SensorDetail", "{sensor}, alarm {alarm}").format(sensor=marker.sensor_id,
                                                                         alarm=marker.alarm_id)]
    if marker.event == "raise" and marker.level:
        lines[0] += f" · {level_name(marker.level)}"
    detail = marker.detail
    if marker.event == "escalation":
        detail = translate("SensorDetail", "Deadline missed: {step}").format(step=step_label(detail))
    elif marker.event == "dispatch" and detail:
        detail = translate("SensorDetail", "To: {unit}").format(unit=detail)
    elif marker.event == "close" and detail:
        from console.ui.alarm_pane.labels import classification_label

        with contextlib.suppress(KeyError):  # a classification this console does not know: shown as recorded
            detail = classification_label(detail)
    if detail:
        lines.append(detail)
    if marker.operator and marker.event != "escalation":
        lines.append(translate("SensorDetail", "Recorded by {operator}").format(operator=marker.operator))
    return "\n".join(lines)


class SensorPlot(pg.GraphicsLayoutWidget):
    """The event strip and the stacked value plots of up to four sensors.

    ``show_groups`` draws everything anew; ``set_series_data`` changes one line.

    Attributes
    ----------
    value_plots : list of PlotItem
        One per group of sensors sharing a quantity, top to bottom.
    series : dict of str to Series
        The lines, by sensor id.
    bands : list of list of BandItem
        The threshold bands of each value plot.
    markers : list of Marker
        The alarm events drawn, in time order.
    """

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setBackground(theme.current().plot_background)
        self.ci.layout.setSpacing(2)
        self.value_plots: list[pg.PlotItem] = []
        self.series: dict[str, Series] = {}
        self.bands: list[list[BandItem]] = []
        self.markers: list[Marker] = []
        self._thresholds: list[list[float]] = []
        self._event_lines: list[pg.InfiniteLine] = []
        self._utc_offset_s = display_utc_offset_s(0)
        self._pool: list[pg.PlotItem] = []  # value plots made so far: a new PlotItem costs ~40 ms, reuse is free
        self.events_plot = self._make_events_plot()

    # --- building -------------------------------------------------------------------------------
    def show_groups(self, groups, at_ms: int) -> None:
        """Plots for ``groups``: lists of (sensor id, label, unit, bands) sharing a quantity."""
        if self.step_legend in self.ci.items:
            self.ci.removeItem(self.step_legend)  # back under the new plots with the next markers
        for plot in self.value_plots:
            self.ci.removeItem(plot)
            plot.clear()  # lines, bands, threshold and event lines
        self._utc_offset_s = display_utc_offset_s(at_ms)
        for plot in [self.events_plot, *self._pool]:
            plot.getAxis("bottom").utcOffset = self._utc_offset_s
        self.value_plots, self.series, self.bands, self.markers, self._thresholds = [], {}, [], [], []
        self._event_lines = []
        self.event_points.setData([])
        colours = iter(SERIES_COLOURS)
        for index, group in enumerate(groups):
            plot = self._value_plot(index)
            self.ci.addItem(plot, row=index + 1, col=0)
            unit = group[0][2]
            plot.setLabel("left", unit or None)
            if len(group) > 1:
                if plot.legend is None:
                    plot.addLegend(offset=(-8, 4), labelTextSize="9pt", brush=QColor(255, 255, 255, 200))
                plot.legend.clear()
                plot.legend.show()
            elif plot.legend is not None:
                plot.legend.clear()
                plot.legend.hide()
            bands, thresholds = [], []
            rising = _rising(group[0][3])
            for level, low, high in group[0][3]:
                band = BandItem(level, low, high)
                plot.addItem(band, ignoreBounds=True)
                bands.append(band)
                threshold = low if rising else high
                thresholds.append(threshold)
                line = pg.InfiniteLine(pos=threshold, angle=0,
                                       pen=pg.mkPen(LEVEL_COLOURS[level], width=1, style=Qt.PenStyle.DashLine),
                                       label=level_name(level),
                                       labelOpts={"position": 0.015, "color": "#333333", "anchors": [(0, 1), (0, 1)]})
                line.setZValue(-10)
                plot.addItem(line, ignoreBounds=True)
            self.bands.append(bands)
            self._thresholds.append(thresholds)
            for sensor_id, label, _unit, _bands in group:
                colour = theme.ink(next(colours), minimum=3.0)  # lightened on the dark theme
                item = plot.plot([], [], pen=pg.mkPen(colour, width=1.6), name=label, connect="finite")
                newest = pg.PlotDataItem([], [], pen=None, symbol="o", symbolSize=7, symbolBrush=colour,
                                         symbolPen="w")
                plot.addItem(newest)
                self.series[sensor_id] = Series(sensor_id, label, colour, np.empty(0, np.int64), np.empty(0), item,
                                                newest)
            self.value_plots.append(plot)
        last = len(self.value_plots)
        for index, plot in enumerate(self.value_plots):
            plot.getAxis("bottom").setStyle(showValues=index == last - 1)
        self.ci.layout.setRowStretchFactor(0, 1)
        for row in range(1, last + 1):
            self.ci.layout.setRowStretchFactor(row, 4)
        theme.theme_plot(self)  # new axes in the theme's colours

    def _value_plot(self, index: int) -> pg.PlotItem:
        while len(self._pool) <= index:
            plot = pg.PlotItem(axisItems={"bottom": self._date_axis()})
            plot.setXLink(self.events_plot)
            plot.disableAutoRange()  # time follows the range chosen, values are fitted in _fit_values
            plot.showGrid(x=True, y=True, alpha=0.25)
            plot.setMouseEnabled(x=True, y=False)
            plot.hideButtons()
            plot.setMenuEnabled(False)
            plot.getAxis("left").setWidth(LEFT_AXIS_PX)
            # Set on the plot: it imposes its own on every line added (a week is 10,080 points a sensor).
            plot.setClipToView(True)
            plot.setDownsampling(auto=True, mode="peak")
            self._pool.append(plot)
        return self._pool[index]

    def _date_axis(self) -> pg.DateAxisItem:
        # Day and month names in the UI's language (pyqtgraph's own axis writes them in English).
        return LocaleDateAxisItem(orientation="bottom", utcOffset=self._utc_offset_s)

    def _make_events_plot(self) -> pg.PlotItem:
        lanes = [(i, lane_label(lane)) for i, lane in enumerate(LANES)]
        plot = self.addPlot(row=0, col=0, axisItems={"bottom": self._date_axis()})
        plot.disableAutoRange()
        plot.setMouseEnabled(x=True, y=False)
        plot.hideButtons()
        plot.setMenuEnabled(False)
        plot.setYRange(-0.6, len(lanes) - 0.4, padding=0)
        plot.getAxis("left").setTicks([lanes])
        plot.getAxis("left").setStyle(textFillLimits=[(0, 1.0)])  # every lane named, however low the strip
        plot.getAxis("left").setWidth(LEFT_AXIS_PX)
        plot.getAxis("bottom").setStyle(showValues=False)
        plot.getViewBox().invertY(True)
        plot.showGrid(x=True, y=False, alpha=0.25)
        plot.setMaximumHeight(104)
        plot.setMinimumHeight(92)
        # Hoverable: a few dozen markers at most, and the tooltip is how a step's note is read.
        self.event_points = pg.ScatterPlotItem(size=10, pxMode=True, hoverable=True,
                                               tip=lambda x, y, data: marker_tip(data))
        plot.addItem(self.event_points)
        # The dispatch loop's symbols, named for the kinds present: a row of its own under the plots,
        # so that it hides no marker; in the layout only while there is something to name.
        self.step_legend = StepLegend()
        return plot

    def _show_step_legend(self) -> None:
        """The legend of the unit lane's symbols present, in the loop's order; out of the layout when none."""
        legend = self.step_legend
        present = {m.event for m in self.markers}
        legend.set_events([event for event in DISPATCH_STEP_EVENTS if event in present])
        placed = legend in self.ci.items
        if legend.entries and not placed:
            self.ci.addItem(legend, row=len(self.value_plots) + 1, col=0)
            self.ci.layout.setRowStretchFactor(len(self.value_plots) + 1, 0)
        elif placed and not legend.entries:
            self.ci.removeItem(legend)
        legend.setVisible(bool(legend.entries))

    # --- data -----------------------------------------------------------------------------------
    def set_series_data(self, sensor_id: str, t_ms: np.ndarray, value: np.ndarray) -> None:
        series = self.series[sensor_id]
        series.t_ms, series.value = t_ms, value
        series.item.setData(*with_gaps(t_ms, value))
        series.newest.setData(t_ms[-1:] / 1000.0, value[-1:])
        self._fit_values()

    def _fit_values(self) -> None:
        """Each value plot spans its readings and its thresholds (the bands are the point of it)."""
        for plot, thresholds in zip(self.value_plots, self._thresholds, strict=True):
            values = [s.value for s in self.series.values() if s.item in plot.listDataItems() and len(s.value)]
            finite = [v[np.isfinite(v)] for v in values]
            low = min([float(v.min()) for v in finite if v.size] + thresholds, default=0.0)
            high = max([float(v.max()) for v in finite if v.size] + thresholds, default=1.0)
            if high <= low:
                low, high = low - 1.0, high + 1.0
            # Headroom above the top threshold for its level's name, drawn just over the line.
            plot.setYRange(low, high + 0.08 * (high - low), padding=0.04)

    def set_markers(self, markers: list[Marker]) -> None:
        """The alarm events: symbols in their lanes, thin lines through the value plots."""
        self.markers = sorted(markers, key=lambda m: (m.t_ms, ALARM_EVENT_KINDS.index(m.event)))
        spots = []
        colour_of = {s.sensor_id: s.colour for s in self.series.values()}
        for marker in self.markers:
            fill = LEVEL_COLOURS.get(marker.level or 0, EVENT_COLOURS.get(marker.event, "#37474F"))
            if marker.event in DISPATCH_STEP_EVENTS:
                fill = EVENT_COLOURS[marker.event]  # the level is the dispatch's; the step is the news
            spots.append({"pos": (marker.t_ms / 1000.0, LANE_OF[marker.event]),
                          "symbol": EVENT_SYMBOLS[marker.event], "brush": fill,
                          "pen": pg.mkPen(colour_of.get(marker.sensor_id, "#000000"), width=1.2),
                          "data": marker})
        self.event_points.setData(spots)
        self._show_step_legend()
        for plot in self.value_plots:
            for line in self._event_lines:
                if line.scene() is not None and line in plot.items:
                    plot.removeItem(line)
        self._event_lines = []
        if len(self.markers) > MAX_EVENT_LINES:
            return
        for marker in self.markers:
            pen = pg.mkPen(LEVEL_COLOURS.get(marker.level or 0, EVENT_COLOURS.get(marker.event)), width=1,
                           style=Qt.PenStyle.DotLine)
            for plot in self.value_plots:
                line = pg.InfiniteLine(pos=marker.t_ms / 1000.0, angle=90, pen=pen)
                line.setZValue(-5)
                plot.addItem(line, ignoreBounds=True)
                self._event_lines.append(line)

    def set_time_range(self, start_ms: int, end_ms: int) -> None:
        self.events_plot.setXRange(start_ms / 1000.0, end_ms / 1000.0, padding=0.01)

    def time_range_ms(self) -> tuple[int, int]:
        (start, end), _ = self.events_plot.viewRange()
        return round(start * 1000), round(end * 1000)

    def set_time_limits(self, start_ms: int, end_ms: int) -> None:
        span = max(end_ms - start_ms, 60_000) / 1000.0
        for plot in [self.events_plot, *self.value_plots]:
            plot.setLimits(xMin=start_ms / 1000.0 - 0.02 * span, xMax=end_ms / 1000.0 + 0.05 * span,
                           minXRange=120.0)


class StepLegend(pg.GraphicsWidget):
    """One line under the plots naming the unit lane's symbols: ``entries`` are (event, text) as drawn.

    Drawn here rather than with pyqtgraph's ``LegendItem``, which sets its own geometry
    whenever its entries change and so leaves the place the layout gives it.
    """

    HEIGHT_PX = 22

    def __init__(self):
        super().__init__()
        self.entries: list[tuple[str, str]] = []
        self.setMinimumHeight(self.HEIGHT_PX)
        self.setMaximumHeight(self.HEIGHT_PX)

    def set_events(self, events: list[str]) -> None:
        entries = [(event, event_label(event)) for event in events]
        if entries != self.entries:
            self.entries = entries
            self.update()

    def paint(self, painter, *args) -> None:
        from pyqtgraph.graphicsItems.ScatterPlotItem import drawSymbol

        painter.setRenderHint(painter.RenderHint.Antialiasing, True)
        metrics = painter.fontMetrics()
        x, middle = float(LEFT_AXIS_PX), self.size().height() / 2
        for event, text in self.entries:
            painter.save()
            painter.translate(x + 6, middle)
            drawSymbol(painter, EVENT_SYMBOLS[event], 10, pg.mkPen("#000000", width=1),
                       pg.mkBrush(EVENT_COLOURS[event]))
            painter.restore()
            painter.setPen(QColor(theme.ink("#30353B", minimum=4.5)))
            painter.drawText(QRectF(x + 16, 0, metrics.horizontalAdvance(text) + 4, self.size().height()),
                             Qt.AlignmentFlag.AlignVCenter, text)
            x += 16 + metrics.horizontalAdvance(text) + 18


def _rising(bands) -> bool:
    """Whether bands (``threshold_bands``) belong to a rising quantity: the last, level I, is open upwards."""
    return not bands or bands[-1][2] == math.inf
