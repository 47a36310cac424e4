"""The sensor detail: who a sensor is, where, and its last days against its thresholds (up to four sensors).

``SensorDetailPanel`` is bound like the map and the warning pane, to a table and
a book (the live ones, or a drill's), plus where their past is: a journal path
(read through its own read-only connection, never the writer's) and, for a drill,
the feed's readings. Opening a sensor reads seven days of its history on a
worker thread ("loading…" meanwhile); from then on the live values of the bound
table are added as they come, and every few seconds what the journal committed
since is read in the background. Markers come from the journal and from the
book (an action just taken is shown before the journal has written it).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QCompleter,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from console.model.levels import DISPLAY_ZONE
from console.model.sensors import NO_TIME
from console.ui.alarm_pane.labels import category_label
from console.ui.live import alarm_state_label, format_value, level_label
from console.ui.map.decorations import format_lonlat, mercator_to_lonlat
from console.ui.sensor_detail.history import HistoryLoader, HistoryRequest, HistoryResult
from console.ui.sensor_detail.plot import SERIES_COLOURS, Marker, SensorPlot, threshold_bands

MAX_SENSORS = 4
HOUR_MS = 3_600_000
HISTORY_MS = 7 * 24 * HOUR_MS  # what opening a sensor reads; the range buttons only zoom within it
RANGES_MS = (HOUR_MS, 6 * HOUR_MS, 24 * HOUR_MS, HISTORY_MS)
DEFAULT_RANGE_MS = 24 * HOUR_MS
LIVE_INTERVAL_MS = 1000  # live values and the clock: once a second is what a trend needs
CATCH_UP_TICKS = 5  # every this many ticks, what the journal committed since is read
ERROR_STYLE = "color: #B3261E;"


class SensorDetailPanel(QWidget):
    """Metadata and time series of one to four sensors of the bound table.

    Attributes
    ----------
    sensor_ids : list of str
        The sensors shown, first opened first; ``current`` is the one whose metadata is shown.
    plot : SensorPlot
    fields : dict of str to QLabel
        The metadata values by key (id, name, category, quantity, owner, contact, asset,
        district, coordinates, value, level, rule).
    loading : bool
        A full history read is under way ("loading…" shows).
    message : str
        The last message shown under the plot ('' for none).
    attributes_of : callable
        ``attributes_of(sensor_id) -> dict``: the sensor's feature attributes on the map
        (contact and asset are not in the sensor table).

    Signals
    -------
    loaded(object): a history read was taken in (its ``HistoryResult``).
    refused(str): a sensor could not be added; the message says why.
    """

    loaded = Signal(object)
    refused = Signal(str)

    def __init__(self, parent=None, interval_ms: int = LIVE_INTERVAL_MS):
        super().__init__(parent)
        self.table = self.book = None
        self.names = self.sign = None
        self.journal_path: Path | None = None
        self.readings = None
        self.now_ms: Callable[[], int] = lambda: 0
        self.drill = False
        self.sensor_ids: list[str] = []
        self.current: str | None = None
        self.loading = False
        self.message = ""
        self.attributes_of: Callable[[str], dict] = lambda sensor_id: {}
        self.range_ms = DEFAULT_RANGE_MS
        self._token = 0  # grows with every binding: answers for an earlier one are dropped
        self._pending: set[str] = set()  # sensors whose full history is being read
        self._catching_up = False
        self._error = ""
        self._rows: dict[str, int] = {}
        self._ticks = 0
        self._history: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        self._tail: dict[str, list[tuple[int, float]]] = {}
        self._events: dict[str, list[tuple]] = {}
        self._window_end_ms = 0
        self._follow_now = True
        self._setting_range = False
        self.loader = HistoryLoader(self)
        self.loader.loaded.connect(self._on_loaded)
        self._build()
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.tick)
        if interval_ms > 0:
            self.timer.start()
        self._show_metadata()
        self.plot.events_plot.sigXRangeChanged.connect(self._on_user_range)

    # --- construction -----------------------------------------------------------------------------
    def _build(self) -> None:
        self.chips_row = QHBoxLayout()
        self.chips_row.setSpacing(4)
        self.chip_group = QButtonGroup(self)
        self.chip_group.setExclusive(True)
        self.chip_group.idClicked.connect(self._on_chip_clicked)
        self.add_edit = QLineEdit()
        self.add_edit.setPlaceholderText(self.tr("Add a sensor by id"))
        self.add_edit.setToolTip(self.tr("Up to four sensors are shown together; Ctrl+click on the map adds one too"))
        self.add_edit.setMinimumWidth(150)
        self.add_edit.setMaximumWidth(220)
        self.add_edit.returnPressed.connect(self._on_add_entered)
        self.remove_button = QPushButton(self.tr("Remove"))
        self.remove_button.setToolTip(self.tr("Take the selected sensor off the plot"))
        self.remove_button.clicked.connect(lambda: self.current and self.remove_sensor(self.current))
        top = QHBoxLayout()
        top.addLayout(self.chips_row)
        top.addStretch(1)

        keys = [("id", self.tr("Id")), ("name", self.tr("Name")), ("category", self.tr("Category")),
                ("quantity", self.tr("Quantity")), ("owner", self.tr("Owner")), ("contact", self.tr("Contact")),
                ("asset", self.tr("Asset")), ("district", self.tr("District")),
                ("coordinates", self.tr("Coordinates")), ("rule", self.tr("Rule")),
                ("value", self.tr("Value")), ("level", self.tr("Level"))]
        grid = QGridLayout()
        grid.setHorizontalSpacing(10)
        grid.setVerticalSpacing(2)
        self.fields: dict[str, QLabel] = {}
        for i, (key, title) in enumerate(keys):
            row, column = divmod(i, 2)
            name = QLabel(title)
            name.setStyleSheet("color: #5F6B76;")
            value = QLabel()
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            grid.addWidget(name, row, 2 * column, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
            grid.addWidget(value, row, 2 * column + 1)
            self.fields[key] = value
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(3, 1)

        ranges = QHBoxLayout()
        ranges.addWidget(QLabel(self.tr("Show:")))
        self.range_group = QButtonGroup(self)
        labels = (self.tr("1 h"), self.tr("6 h"), self.tr("24 h"), self.tr("7 d"))
        for index, (span, text) in enumerate(zip(RANGES_MS, labels, strict=True)):
            button = QToolButton()
            button.setText(text)
            button.setCheckable(True)
            button.setChecked(span == self.range_ms)
            self.range_group.addButton(button, index)
            ranges.addWidget(button)
        self.range_group.idClicked.connect(lambda index: self.set_range(RANGES_MS[index]))
        ranges.addSpacing(12)
        self.status_label = QLabel()
        self.status_label.setWordWrap(True)
        ranges.addWidget(self.status_label, 1)
        ranges.addWidget(self.add_edit)
        ranges.addWidget(self.remove_button)

        self.plot = SensorPlot()
        self.plot.setMinimumHeight(220)
        self.empty_label = QLabel(self.tr("Click a sensor on the map, or choose “Show sensor detail” on a warning."))
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.setSpacing(4)
        layout.addLayout(top)
        layout.addLayout(grid)
        layout.addLayout(ranges)
        layout.addWidget(self.empty_label)
        layout.addWidget(self.plot, 1)
        self.plot.hide()

    # --- binding ----------------------------------------------------------------------------------
    def bind(self, table, book, journal, now_ms: Callable[[], int], *, names=None, sign=None,
             readings=None, drill: bool = False) -> None:
        """Show the sensors of ``table`` and ``book`` (a drill's, or the live ones) from now on.

        ``journal`` is the path of their journal (a ``Journal``'s path is taken; None:
        nothing is recorded); ``readings(sensor_id, start_ms, end_ms)`` replaces it as
        the source of readings (a drill's feed). ``now_ms`` is their clock (the feed's
        in a drill). The sensors shown stay, read again from the new source.
        """
        self.table, self.book, self.names, self.sign = table, book, names, sign
        path = getattr(journal, "path", journal)
        self.journal_path = Path(path) if path is not None else None
        self.readings, self.now_ms, self.drill = readings, now_ms, drill
        known = set(table.ids.tolist()) if table is not None else set()
        self.sensor_ids = [s for s in self.sensor_ids if s in known]
        if self.current not in self.sensor_ids:
            self.current = self.sensor_ids[0] if self.sensor_ids else None
        self._follow_now = True
        self._forget()
        self._rebuild()

    def _forget(self) -> None:
        """Drop what was read: a new binding reads everything from its own source."""
        self._token += 1
        self._history, self._tail, self._events = {}, {}, {}
        self._pending, self._catching_up, self._error = set(), False, ""
        self._rows: dict[str, int] = {}

    def _row(self, sensor_id: str) -> int:
        row = self._rows.get(sensor_id)
        if row is None:  # a lookup in the table's index costs ~1 ms: each tick asks for every sensor shown
            row = self._rows[sensor_id] = self.table.row_of(sensor_id)
        return row

    # --- choosing sensors -------------------------------------------------------------------------
    def show_sensor(self, row: int) -> None:
        """Show the sensor at ``row`` of the bound table alone."""
        sensor_id = str(self.table.ids[row])
        self.sensor_ids, self.current = [sensor_id], sensor_id
        self._follow_now = True
        self._rebuild()

    def add_sensor(self, row: int) -> bool:
        """Add the sensor at ``row`` to those shown; refused (with a message) beyond four."""
        sensor_id = str(self.table.ids[row])
        if sensor_id in self.sensor_ids:
            self.current = sensor_id
            self._show_chips()
            self._show_metadata()
            return True
        if len(self.sensor_ids) >= MAX_SENSORS:
            message = self.tr("At most {n} sensors are shown together: remove one before adding {sensor}.").format(
                n=MAX_SENSORS, sensor=sensor_id)
            self._say(message, error=True)
            self.refused.emit(message)
            return False
        self.sensor_ids.append(sensor_id)
        self.current = sensor_id
        self._rebuild()
        return True

    def remove_sensor(self, sensor_id: str) -> None:
        if sensor_id not in self.sensor_ids:
            return
        self.sensor_ids.remove(sensor_id)
        if self.current == sensor_id:
            self.current = self.sensor_ids[-1] if self.sensor_ids else None
        self._rebuild()

    def _on_add_entered(self) -> None:
        text = self.add_edit.text().strip()
        if not text or self.table is None:
            return
        try:
            row = self._row(text)
        except KeyError:
            self._say(self.tr("No sensor {sensor} in the sensor layers.").format(sensor=text), error=True)
            return
        if self.add_sensor(row):
            self.add_edit.clear()

    def _on_chip_clicked(self, index: int) -> None:
        if 0 <= index < len(self.sensor_ids):
            self.current = self.sensor_ids[index]
            self._show_metadata()

    # --- drawing ----------------------------------------------------------------------------------
    def _label(self, sensor_id: str) -> str:
        row = self._row(sensor_id)
        name = self.names[row] if self.names is not None else self.table.name[row]
        return f"{sensor_id} {name}".strip()

    def _rebuild(self) -> None:
        """New plots for the sensors shown; the history of those not read yet is asked for."""
        for cache in (self._history, self._tail, self._events):
            for sensor_id in [s for s in cache if s not in self.sensor_ids]:
                del cache[sensor_id]
        self._show_chips()
        self._show_metadata()
        has_sensors = bool(self.sensor_ids) and self.table is not None
        self.plot.setVisible(has_sensors)
        self.empty_label.setVisible(not has_sensors)
        self.remove_button.setEnabled(has_sensors)
        if self.table is not None:
            completer = QCompleter(self.table.ids.tolist(), self.add_edit)
            completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
            completer.setFilterMode(Qt.MatchFlag.MatchContains)
            self.add_edit.setCompleter(completer)
        if not has_sensors:
            self.loading = False
            self._say("")
            return
        now = int(self.now_ms())
        self._window_end_ms = now
        groups: dict[tuple[str, str], list] = {}
        for sensor_id in self.sensor_ids:
            row = self._row(sensor_id)
            sign = float(self.sign[row]) if self.sign is not None and row < len(self.sign) else 1.0
            key = (str(self.table.quantity[row]), str(self.table.unit[row]))
            groups.setdefault(key, []).append((sensor_id, self._label(sensor_id), key[1],
                                               threshold_bands(self.table.levels[row], sign)))
        self.plot.show_groups(list(groups.values()), now)
        self.plot.set_time_limits(now - HISTORY_MS, now)
        self._set_range_quietly(now - self.range_ms, now)
        for sensor_id in self.sensor_ids:
            self._draw(sensor_id)
        self._draw_markers()
        missing = tuple(s for s in self.sensor_ids if s not in self._history and s not in self._pending)
        if missing:
            self._pending.update(missing)
            self.loader.request(HistoryRequest(self._token, missing, now - HISTORY_MS, None,
                                               self.journal_path, self.readings))
        self._show_loading()

    def _show_loading(self) -> None:
        self.loading = any(s in self._pending for s in self.sensor_ids)
        if self.loading:
            self._say(self.tr("Loading…"))
        else:
            self._say(self._error, error=bool(self._error))

    def _show_chips(self) -> None:
        while self.chips_row.count():
            widget = self.chips_row.takeAt(0).widget()
            if widget is not None:
                self.chip_group.removeButton(widget)
                widget.hide()
                widget.deleteLater()
        if self.table is None:
            return
        colours = {series.sensor_id: series.colour for series in self.plot.series.values()}
        for index, sensor_id in enumerate(self.sensor_ids):
            chip = QToolButton()
            chip.setCheckable(True)
            chip.setChecked(sensor_id == self.current)
            chip.setText(self._label(sensor_id))
            colour = colours.get(sensor_id, SERIES_COLOURS[index % len(SERIES_COLOURS)])
            chip.setStyleSheet(f"QToolButton {{ border-left: 5px solid {colour}; padding: 2px 6px; }}"
                               "QToolButton:checked { font-weight: bold; }")
            self.chip_group.addButton(chip, index)
            self.chips_row.addWidget(chip)

    def _show_metadata(self) -> None:
        fields = self.fields
        if self.table is None or self.current is None:
            for label in fields.values():
                label.setText("—")
            return
        table, row = self.table, self._row(self.current)
        attributes = self.attributes_of(self.current) or {}
        unit = str(table.unit[row])
        fields["id"].setText(self.current)
        fields["name"].setText(str(self.names[row] if self.names is not None else table.name[row]) or "—")
        fields["category"].setText(category_label(str(table.category[row])))
        fields["quantity"].setText(f"{table.quantity[row]} ({unit})" if unit else str(table.quantity[row]))
        fields["owner"].setText(str(table.owner[row]) or "—")
        fields["contact"].setText(str(attributes.get("contact") or "—"))
        fields["asset"].setText(str(attributes.get("asset") or "—"))
        fields["district"].setText(str(table.district[row]) or "—")
        x, y = float(table.x[row]), float(table.y[row])
        fields["coordinates"].setText(format_lonlat(*mercator_to_lonlat(x, y)) if np.isfinite(x + y) else "—")
        fields["rule"].setText(str(table.rule[row]) or "—")
        self._show_live_fields(row)

    def _show_live_fields(self, row: int) -> None:
        table = self.table
        t_ms = int(table.t_ms[row])
        if t_ms == NO_TIME:
            self.fields["value"].setText(self.tr("No reading since the console started"))
        else:
            when = datetime.fromtimestamp(t_ms / 1000, ZoneInfo(DISPLAY_ZONE)).strftime("%m-%d %H:%M:%S")
            value = f"{format_value(float(table.value[row]))} {table.unit[row]}".strip()
            self.fields["value"].setText(self.tr("{value} at {time}").format(value=value, time=when))
        level = int(table.level[row])
        text = level_label(level) if level else self.tr("No alarm level")
        alarm_id = int(table.alarm_id[row])
        if self.book is not None and alarm_id >= 0 and alarm_id in self.book.alarms:
            text += " · " + self.tr("alarm {alarm}: {state}").format(
                alarm=alarm_id, state=alarm_state_label(self.book.alarms[alarm_id].state))
        self.fields["level"].setText(text)

    def _say(self, message: str, error: bool = False) -> None:
        self.message = message
        self.status_label.setText(message)
        self.status_label.setStyleSheet(ERROR_STYLE if error else "")

    def _draw(self, sensor_id: str) -> None:
        """History and live tail of one sensor, the tail being only what the journal has not yet."""
        t, v = self._history.get(sensor_id, (np.empty(0, np.int64), np.empty(0)))
        tail = [(ti, vi) for ti, vi in self._tail.get(sensor_id, []) if not len(t) or ti > t[-1]]
        self._tail[sensor_id] = tail
        if tail:
            t = np.concatenate([t, np.array([p[0] for p in tail], np.int64)])
            v = np.concatenate([v, np.array([p[1] for p in tail], np.float64)])
        self.plot.set_series_data(sensor_id, t, v)

    def _draw_markers(self) -> None:
        """The journal's events, and those of the live book it has not read back yet."""
        seen, markers = set(), []
        for sensor_id in self.sensor_ids:
            for t_ms, event, alarm_id, level, operator, detail in self._events.get(sensor_id, []):
                seen.add((event, alarm_id, t_ms))
                markers.append(Marker(event, int(t_ms), int(alarm_id), sensor_id, level, operator, detail or ""))
        for alarm in list(self.book.alarms.values()) if self.book is not None else []:
            if alarm.sensor_id not in self.sensor_ids:
                continue
            for event, t_ms, level, operator, detail in book_events(alarm):
                if (event, alarm.alarm_id, t_ms) not in seen:
                    markers.append(Marker(event, int(t_ms), alarm.alarm_id, alarm.sensor_id, level, operator, detail))
        self.plot.set_markers(markers)

    # --- reading and following --------------------------------------------------------------------
    def _on_loaded(self, result: HistoryResult) -> None:
        request = result.request
        if request.token != self._token:
            return  # read for an earlier binding
        incremental = request.catch_up
        if incremental:
            self._catching_up = False
        else:
            self._pending.difference_update(request.sensor_ids)
            self._error = result.error
        for sensor_id, history in result.sensors.items():
            if sensor_id not in self.sensor_ids or incremental and sensor_id not in self._history:
                continue
            if incremental:
                old_t, old_v = self._history.get(sensor_id, (np.empty(0, np.int64), np.empty(0)))
                keep = old_t < request.start_ms
                self._history[sensor_id] = (np.concatenate([old_t[keep], history.t_ms]),
                                            np.concatenate([old_v[keep], history.value]))
                self._events[sensor_id] = [e for e in self._events.get(sensor_id, []) if e[0] < request.start_ms]
                self._events[sensor_id] += history.events
            else:
                self._history[sensor_id] = (history.t_ms, history.value)
                self._events[sensor_id] = list(history.events)
            self._draw(sensor_id)
        self._draw_markers()
        if not incremental:
            self._show_loading()
        self.loaded.emit(result)

    def tick(self) -> None:
        """Take the bound table's live values; now and then read what the journal committed since."""
        if self.table is None or not self.sensor_ids:
            return
        for sensor_id in self.sensor_ids:
            row = self._row(sensor_id)
            t_ms = int(self.table.t_ms[row])
            if t_ms == NO_TIME:
                continue
            t, _ = self._history.get(sensor_id, (np.empty(0, np.int64), None))
            tail = self._tail.setdefault(sensor_id, [])
            newest = tail[-1][0] if tail else (int(t[-1]) if len(t) else NO_TIME)
            if t_ms > newest:
                tail.append((t_ms, float(self.table.value[row])))
                self._draw(sensor_id)
        self._draw_markers()
        if self.current is not None:
            self._show_live_fields(self._row(self.current))
        now = int(self.now_ms())
        if self._follow_now and now > self._window_end_ms:
            self.plot.set_time_limits(now - HISTORY_MS, now)
            self._set_range_quietly(now - self.range_ms, now)
            self._window_end_ms = now
        self._ticks += 1
        if self._ticks % CATCH_UP_TICKS == 0:
            self.catch_up()

    def catch_up(self) -> None:
        """Read in the background what the journal (or the drill's feed) has since the newest reading shown."""
        held = [s for s in self.sensor_ids if s in self._history]
        if self._catching_up or not held:
            return
        newest = [int(self._history[s][0][-1]) for s in held if len(self._history[s][0])]
        start = min(newest) + 1 if len(newest) == len(held) else int(self.now_ms()) - HISTORY_MS
        self._catching_up = True
        self.loader.request(HistoryRequest(self._token, tuple(held), start, None, self.journal_path,
                                           self.readings, catch_up=True))

    def set_range(self, span_ms: int) -> None:
        """Show the last ``span_ms`` up to now (and follow now again)."""
        self.range_ms = int(span_ms)
        button = self.range_group.button(RANGES_MS.index(span_ms)) if span_ms in RANGES_MS else None
        if button is not None:
            button.setChecked(True)
        self._follow_now = True
        if self.sensor_ids:
            end = max(self._window_end_ms, int(self.now_ms()))
            self._set_range_quietly(end - self.range_ms, end)

    def _set_range_quietly(self, start_ms: int, end_ms: int) -> None:
        self._setting_range = True
        try:
            self.plot.set_time_range(start_ms, end_ms)
        finally:
            self._setting_range = False

    def _on_user_range(self, *_) -> None:
        # A zoom or pan by the operator stops the view from following the clock until a range is chosen.
        if not self._setting_range:
            self._follow_now = False

    def close_reads(self) -> None:
        """Stop following and wait for reads in progress (before the window goes)."""
        self.timer.stop()
        self._forget()
        self.loader.wait()


def book_events(alarm) -> list[tuple]:
    """(event, t_ms, level, operator, detail) of an alarm as the book holds it, as ``sensor_alarm_events``
    reads them from the journal: the raise, the acknowledgement, the dispatch and its loop, the closure."""
    level = alarm.history[0].level_to if alarm.history else alarm.level
    events = [("raise", alarm.raised_ms, level, None, ""), ("acknowledge", alarm.acked_ms, None, alarm.acked_by, ""),
              ("dispatch", alarm.dispatched_ms, None, alarm.dispatched_by, alarm.dispatched_to or ""),
              ("unit_ack", alarm.unit_acked_ms, None, alarm.unit_acked_by, ""),
              ("on_site", alarm.on_site_ms, None, alarm.on_site_by, "")]
    events += [("feedback", note.t_ms, None, note.operator, note.text) for note in alarm.notes
               if note.kind == "feedback"]
    # An escalation is recorded at the deadline it passed (console.model.alarms.dispatch).
    events += [("escalation", getattr(alarm, f"due_{step}_ms"), None, "system", step)
               for step in filter(None, alarm.escalated.split(","))]
    events.append(("close", alarm.closed_ms, None, alarm.closed_by, alarm.classification or ""))
    return [(event, int(t_ms), level, operator, detail) for event, t_ms, level, operator, detail in events
            if t_ms is not None]
