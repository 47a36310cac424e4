"""The live console: the sensor pipeline of the open sensor layers, and its picture on the map.

``LiveSession`` owns the chain SensorTable -> rules -> AlarmBook -> Journal for the
sensor layers on the map, the operator on duty and the clock that operator
actions carry. Feeds (and tests) hand it ``ReadingBatch`` objects.

``LiveMapBinding`` paints a table's state onto the canvas's sensor layers: ten
times a second it asks the table which rows changed style since its last look,
turns those rows into style codes in one vectorised pass, writes them into the
layers' point rasters and repaints once. It can be pointed at another table and
book at any time (a drill replay has its own) and back; nothing is kept per
sensor apart from NumPy arrays.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np
from PySide6.QtCore import QCoreApplication, QObject, QPoint, QPointF, QTimer, Signal
from PySide6.QtWidgets import QToolTip

from console.model.alarms import AlarmBook, AlarmState
from console.model.layer import GeometryKind, VectorLayer
from console.model.readings import Quality, ReadingBatch
from console.model.rule_file import NO_RULE_PREFIX
from console.model.sensors import NO_TIME, SensorStatus, SensorTable, level_name
from console.ui.crossing import GuiCrossing
from console.ui.i18n import current_language
from console.ui.map.sensor_style import SensorCode, codes_for_states

REFRESH_INTERVAL_MS = 100  # 10 Hz: alarms look instant to a person, the GUI thread stays free
TICK_INTERVAL_MS = 1000  # stale sensors, calmed chattering and ended shelves need no finer clock
HOVER_TOLERANCE_PX = 6

STATE_CODES = {
    "unack": int(AlarmState.UNACK),
    "ack": int(AlarmState.ACK),
    "rtn_unack": int(AlarmState.RTN_UNACK),
    "shelved": int(AlarmState.SHELVED),
    "out_of_service": int(AlarmState.OUT_OF_SERVICE),
}


def wall_clock_ms() -> int:
    return int(time.time() * 1000)


def style_codes(table: SensorTable, rows: np.ndarray) -> np.ndarray:
    """Map style codes (``SensorCode``) of the sensors at ``rows``, from the table's columns."""
    state = np.where(table.out_of_service[rows], np.uint8(AlarmState.OUT_OF_SERVICE), table.alarm_state[rows])
    status = table.status[rows]
    # A sensor not heard from since the console started is drawn calm; its hover says "no data".
    silent = (status == SensorStatus.STALE) | (status == SensorStatus.OFFLINE)
    return codes_for_states(table.level[rows], state, silent, STATE_CODES)


def sensor_layers(layers) -> list[VectorLayer]:
    """The point layers among ``layers`` that carry live sensors."""
    return [layer for layer in layers if layer.is_sensor_layer and layer.kind is GeometryKind.POINT]


def layer_ids(layer: VectorLayer) -> np.ndarray:
    """The sensor ids of a layer's features as an object array of stripped strings."""
    if "id" not in layer.frame.columns:
        return np.full(len(layer), "", dtype=object)
    return np.asarray(layer.frame["id"].astype(str).str.strip(), dtype=object)


def display_names(table: SensorTable, layers: list[VectorLayer]) -> np.ndarray:
    """Sensor names per table row in the UI's language (layers may carry ``name_en``)."""
    names = table.name.copy()
    if current_language() == "zh_CN":
        return names
    for layer in layers:
        if "name_en" not in layer.frame.columns:
            continue
        rows = table.rows_of(layer_ids(layer))
        english = np.asarray(layer.frame["name_en"].fillna("").astype(str), dtype=object)
        known = (rows >= 0) & (english != "")
        names[rows[known]] = english[known]
    return names


def format_age(age_ms: int) -> str:
    """A short, translated duration: 45 s, 12 min, 3 h 05 min, 2 d 4 h."""
    seconds = max(0, int(age_ms // 1000))
    translate = QCoreApplication.translate
    if seconds < 60:
        return translate("LiveMapBinding", "{n} s").format(n=seconds)
    minutes = seconds // 60
    if minutes < 60:
        return translate("LiveMapBinding", "{n} min").format(n=minutes)
    hours, minutes = divmod(minutes, 60)
    if hours < 48:
        return translate("LiveMapBinding", "{h} h {m:02d} min").format(h=hours, m=minutes)
    days, hours = divmod(hours, 24)
    return translate("LiveMapBinding", "{d} d {h} h").format(d=days, h=hours)


def format_value(value: float) -> str:
    """A reading as an operator reads it: at most four significant digits, no exponent for usual sizes."""
    if not np.isfinite(value):
        return "—"
    if value != 0 and (abs(value) >= 1e6 or abs(value) < 1e-3):
        return f"{value:.3g}"
    return f"{value:.4g}" if abs(value) >= 1 else f"{value:.3f}".rstrip("0").rstrip(".")


def per_language(build: Callable[[], dict]) -> Callable[[], dict]:
    """Labels made once per UI language: lists ask for them for every visible cell on every paint."""
    made: dict[str, dict] = {}

    def labels() -> dict:
        language = current_language()
        if language not in made:
            made[language] = build()
        return made[language]

    return labels


@per_language
def _state_labels() -> dict:
    translate = QCoreApplication.translate
    return {
        AlarmState.NORMAL: translate("AlarmState", "Cleared"),
        AlarmState.UNACK: translate("AlarmState", "Unacknowledged"),
        AlarmState.ACK: translate("AlarmState", "Acknowledged"),
        AlarmState.RTN_UNACK: translate("AlarmState", "Returned, unacknowledged"),
        AlarmState.SHELVED: translate("AlarmState", "Shelved"),
        AlarmState.OUT_OF_SERVICE: translate("AlarmState", "Out of service"),
    }


def alarm_state_label(state: AlarmState) -> str:
    return _state_labels()[AlarmState(state)]


def level_label(level: int) -> str:
    """Roman numeral and meaning of a level (1 = I … 4 = IV)."""
    translate = QCoreApplication.translate
    meaning = {
        1: translate("AlarmLevel", "particularly serious"),
        2: translate("AlarmLevel", "serious"),
        3: translate("AlarmLevel", "relatively serious"),
        4: translate("AlarmLevel", "general"),
    }[int(level)]
    return translate("AlarmLevel", "Level {roman} ({meaning})").format(roman=level_name(level), meaning=meaning)


class LiveSession(QObject):
    """The live pipeline of the console window, the operator on duty and the clock.

    Parameters
    ----------
    rules : RuleSet, path or None
        None: the shipped default rules.
    clock : callable, optional
        Wall clock in UTC epoch ms (tests pass their own).

    Attributes
    ----------
    pipeline : Pipeline or None
        Built by ``start`` for the sensor table of the open sensor layers.
    journal : Journal or None
        Set with ``use_journal`` before ``start``.
    operator : str or None
        The operator on duty; operator actions are refused without one.
    feed_clock_ms : int or None
        The newest feed time handed to ``process``; when set it is "now" for
        operator actions and ticks (a replayed feed runs on its own clock).
    crossing : GuiCrossing
        Carries what ``process`` pushes (``processed``) onto the GUI thread.

    Signals
    -------
    started(): a new pipeline (table and book) is in place.
    operator_changed(str): a new shift started.
    processed(object): a batch went through; carries its ``BatchReport``. Emitted on the
        GUI thread with the crossing's next batch, whichever thread called ``process``.
    """

    started = Signal()
    operator_changed = Signal(str)
    processed = Signal(object)

    def __init__(self, rules=None, clock: Callable[[], int] = wall_clock_ms, parent=None):
        super().__init__(parent)
        self.rules = rules
        self.clock = clock
        self.pipeline = None
        self.journal = None
        self.operator: str | None = None
        self._shift_handover: tuple[str, str, int] | None = None  # waiting for a pipeline to journal it
        self.feed_clock_ms: int | None = None
        self.names: np.ndarray | None = None
        self._attached_book = None  # the engine's book when live sources run in the engine process
        self.crossing = GuiCrossing(parent=self)
        self.ticker = QTimer(self)
        self.ticker.setInterval(TICK_INTERVAL_MS)
        self.ticker.timeout.connect(self.tick)

    # --- set-up ---------------------------------------------------------
    def use_journal(self, journal) -> None:
        """Journal every batch and operator action from the next ``start`` on."""
        self.journal = journal

    def start(self, table: SensorTable, layers: list[VectorLayer] | None = None):
        """Run the rules over ``table`` (restoring from the journal); replaces any running pipeline.

        Raises
        ------
        InputError
            The rules do not fit the sensors (from ``RuleEngine``).
        """
        from console.model.pipeline import Pipeline

        old = self.pipeline
        if self.journal is not None:
            self.journal.flush(timeout=5.0)  # a rebuilt pipeline restores what was written so far
        pipeline = Pipeline(table, self.rules, journal=self.journal)
        if old is not None and self.journal is None:
            from console.model.carry import carry_over

            carry_over(old, pipeline)  # more sensor layers: the alarm book and the sensors' state stay
        self.pipeline = pipeline
        self.names = display_names(table, layers or [])
        self._journal_shift()
        self.ticker.start()
        self.started.emit()
        return self.pipeline

    @property
    def table(self) -> SensorTable | None:
        return self.pipeline.table if self.pipeline is not None else None

    @property
    def book(self) -> AlarmBook | None:
        return self.pipeline.book if self.pipeline is not None else self._attached_book

    def attach_book(self, book) -> None:
        """Journal shift handovers through ``book`` (the engine's) while the window runs no pipeline."""
        self._attached_book = book
        self._journal_shift()

    def set_operator(self, name: str) -> None:
        """``name`` is on duty from now on; the handover goes to the journal (once a pipeline runs)."""
        name = (name or "").strip()
        if not name:
            raise ValueError("the operator on duty needs a name")
        if name != self.operator:
            self._shift_handover = (name, self.operator or "", self.now_ms())
            self._journal_shift()
        self.operator = name
        self.operator_changed.emit(name)

    def _journal_shift(self) -> None:
        handover = self._shift_handover
        if handover is None or self.book is None:
            return
        name, previous, at_ms = handover
        self.book.record_action("shift_start", name, at_ms, previous=previous)
        self._shift_handover = None

    # --- running --------------------------------------------------------
    def now_ms(self) -> int:
        """The time operator actions carry: the feed's clock when a feed sets one, else the wall clock."""
        return self.feed_clock_ms if self.feed_clock_ms is not None else int(self.clock())

    def process(self, batch: ReadingBatch, source: str = "", now_ms: int | None = None):
        """Push a batch of readings through the live pipeline; returns its ``BatchReport``.

        ``now_ms`` is the feed's clock at the end of the batch (it also runs the
        time-based checks); the map and the alarm pane pick the changes up on
        their next refresh.
        """
        if self.pipeline is None:
            raise RuntimeError("no sensor layers are open: nothing to feed")
        if now_ms is not None:
            self.feed_clock_ms = int(now_ms)
        report = self.pipeline.process(batch, source, now_ms)
        self.crossing.post(self.processed.emit, report)
        return report

    def tick(self) -> None:
        """Let time pass: stale sensors, calmed chattering, ended shelves."""
        if self.pipeline is not None:
            self.pipeline.tick(self.now_ms())

    def close(self) -> None:
        self.ticker.stop()
        if self.pipeline is not None:
            self.pipeline.close()
        elif self.journal is not None:
            self.journal.close()
        self.pipeline = None
        self.journal = None


class LiveMapBinding(QObject):
    """Draws a SensorTable's live state on the canvas's sensor layers.

    Table rows are matched to layer features by sensor id, so any table whose ids
    the layers carry can be bound (the live one, a drill replay's). ``refresh``
    runs ten times a second and costs nothing when nothing changed.

    Parameters
    ----------
    canvas : MapCanvas
    interval_ms : int
        Refresh period; 0 leaves refreshing to the caller.

    Attributes
    ----------
    table, book : the bound table and alarm book (None when unbound)
    names : ndarray or None
        Display name per table row (defaults to ``table.name``).
    now_ms : callable
        "Now" for the age of a silent sensor's last reading.
    hover_row : int or None
        Table row under the mouse, ``hover_text`` its tooltip.

    Signals
    -------
    refreshed(int): a refresh restyled this many sensors (not emitted for none).
    """

    refreshed = Signal(int)

    def __init__(self, canvas, interval_ms: int = REFRESH_INTERVAL_MS, parent=None):
        super().__init__(parent or canvas)
        self.canvas = canvas
        self.table: SensorTable | None = None
        self.book: AlarmBook | None = None
        self.names: np.ndarray | None = None
        self.now_ms: Callable[[], int] = wall_clock_ms
        self.hover_row: int | None = None
        self.hover_text = ""
        self._version = 0
        self._layers: list[VectorLayer] = []
        self._layer_key: tuple = ()
        self._layer_of_row = np.empty(0, dtype=np.int32)  # index into _layers, -1: on no layer
        self._feature_of_row = np.empty(0, dtype=np.int64)
        self._row_of_feature: dict[int, np.ndarray] = {}  # id(layer) -> table row per feature (-1: unknown)
        self._asked_at = -float("inf")  # when a refresh was last asked for (not by the timer)
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self._on_timer)
        if interval_ms > 0:
            self.timer.start()
        canvas.scene().sigMouseMoved.connect(self._on_mouse_moved)

    # --- binding ----------------------------------------------------------
    def bind(self, table: SensorTable | None, book: AlarmBook | None = None, *, names=None,
             now_ms: Callable[[], int] | None = None) -> None:
        """Show ``table`` (and its ``book``) on the map from now on; the previous table is left as it was."""
        self.table, self.book = table, book
        self.names = names
        if now_ms is not None:
            self.now_ms = now_ms
        self._layer_key = ()  # forces a full repaint of every sensor on the next refresh
        self.hover_row = None
        self.refresh()

    def unbind(self) -> None:
        """Draw every sensor calm again (no table)."""
        self.bind(None)

    def _current_layers(self) -> list[VectorLayer]:
        renderer = self.canvas.renderer
        return [layer for layer in sensor_layers(renderer.layers) if id(layer) in renderer.painters]

    def _map_layers(self, layers: list[VectorLayer]) -> None:
        """Match table rows to layer features by id and draw every feature afresh."""
        table = self.table
        n = len(table) if table is not None else 0
        self._layers = layers
        self._layer_key = tuple((id(layer), id(self.canvas.renderer.painter_for(layer))) for layer in layers)
        self._layer_of_row = np.full(n, -1, dtype=np.int32)
        self._feature_of_row = np.full(n, -1, dtype=np.int64)
        self._row_of_feature = {}
        for index, layer in enumerate(layers):
            raster = self.canvas.renderer.painter_for(layer).raster
            raster.codes[:] = SensorCode.NORMAL
            if table is None:
                self._row_of_feature[id(layer)] = np.full(len(layer), -1, dtype=np.int64)
                continue
            rows = table.rows_of(layer_ids(layer))
            self._row_of_feature[id(layer)] = rows
            known = np.flatnonzero(rows >= 0)
            self._layer_of_row[rows[known]] = index
            self._feature_of_row[rows[known]] = known
        if table is not None:
            self._write(np.arange(n))
            self._version = table.version

    # --- refreshing -------------------------------------------------------
    def refresh(self) -> int:
        """Restyle the sensors whose state changed since the last refresh; repaint once. Returns how many."""
        self._asked_at = time.monotonic()
        return self._refresh()

    def _refresh(self) -> int:
        layers = self._current_layers()
        # A new painter (layer re-added, renderer rebuilt) starts calm: redraw everything then.
        key = tuple((id(layer), id(self.canvas.renderer.painter_for(layer))) for layer in layers)
        if key != self._layer_key:
            self._map_layers(layers)
            count = len(self.table) if self.table is not None else 0
            self.canvas.map_item.update()
            self.refreshed.emit(count)
            return count
        if self.table is None:
            return 0
        rows = self.table.changed_since(self._version, style_only=True)
        self._version = self.table.version
        if rows.size == 0:
            return 0
        count = self._write(rows)
        if count:
            self.canvas.map_item.update()
            self.refreshed.emit(count)
        return count

    def _on_timer(self) -> None:
        # A refresh asked for meanwhile (a drill's clock, an operator action) already did the timer's job.
        if time.monotonic() - self._asked_at >= self.timer.interval() / 1000:
            self._refresh()

    def _write(self, rows: np.ndarray) -> int:
        rows = rows[self._layer_of_row[rows] >= 0]
        if rows.size == 0:
            return 0
        codes = style_codes(self.table, rows)
        layer_index = self._layer_of_row[rows]
        renderer = self.canvas.renderer
        if len(self._layers) == 1:
            renderer.painter_for(self._layers[0]).raster.set_codes(self._feature_of_row[rows], codes)
        else:
            for index, layer in enumerate(self._layers):
                mine = layer_index == index
                if mine.any():
                    renderer.painter_for(layer).raster.set_codes(self._feature_of_row[rows[mine]], codes[mine])
        return int(rows.size)

    # --- lookup -----------------------------------------------------------
    def features_of_rows(self, rows: np.ndarray) -> list[tuple[VectorLayer, np.ndarray]]:
        """Each bound sensor layer with the features of ``rows`` (table rows) on it (maybe none)."""
        rows = np.asarray(rows, dtype=np.int64)
        rows = rows[(rows >= 0) & (rows < len(self._layer_of_row))]
        rows = rows[self._layer_of_row[rows] >= 0]
        index = self._layer_of_row[rows]
        return [(layer, self._feature_of_row[rows[index == i]]) for i, layer in enumerate(self._layers)]

    def row_of_feature(self, layer: VectorLayer, feature: int) -> int | None:
        """Table row of a layer feature, or None when the bound table does not know it."""
        rows = self._row_of_feature.get(id(layer))
        if rows is None or feature < 0 or feature >= len(rows) or rows[feature] < 0:
            return None
        return int(rows[feature])

    def sensor_at(self, x: float, y: float, tolerance_m: float) -> int | None:
        """Table row of the drawn sensor nearest the map point (x, y), topmost layer first."""
        renderer = self.canvas.renderer
        for layer in reversed(renderer.layers):
            if id(layer) not in self._row_of_feature or not layer.visible or not len(layer):
                continue
            feature = renderer.painter_for(layer).hit(x, y, tolerance_m)
            if feature is not None:
                return self.row_of_feature(layer, feature)
        return None

    def describe(self, row: int) -> str:
        """The hover text of one sensor: id and name, value, level, alarm state, age when silent."""
        table = self.table
        name = self.names[row] if self.names is not None else table.name[row]
        lines = [f"{table.ids[row]}  {name}".strip()]
        t_ms = int(table.t_ms[row])
        if t_ms == NO_TIME:
            lines.append(self.tr("No reading since the console started"))
        else:
            value = f"{format_value(float(table.value[row]))} {table.unit[row]}".strip()
            quality = int(table.quality[row])
            if quality == Quality.SUSPECT:
                value += "  " + self.tr("(suspect)")
            elif quality == Quality.BAD:
                value += "  " + self.tr("(bad quality)")
            lines.append(self.tr("Value: {value}").format(value=value))
        level = int(table.level[row])
        if str(table.rule[row]).startswith(NO_RULE_PREFIX):
            lines.append(self.tr("No rule for {quantity}: watched for silence only").format(
                quantity=table.quantity[row]))
        else:
            lines.append(level_label(level) if level else self.tr("No alarm level"))
        alarm_id = int(table.alarm_id[row])
        if self.book is not None and alarm_id >= 0 and alarm_id in self.book.alarms:
            alarm = self.book.alarms[alarm_id]
            state = alarm_state_label(alarm.state)
            if alarm.chattering:
                state += " · " + self.tr("chattering")
            lines.append(self.tr("Alarm {alarm}: {state}").format(alarm=alarm_id, state=state))
        if table.out_of_service[row]:
            lines.append(self.tr("Out of service"))
        status = int(table.status[row])
        if status in (SensorStatus.STALE, SensorStatus.OFFLINE):
            heading = self.tr("Stale") if status == SensorStatus.STALE else self.tr("Offline")
            if t_ms == NO_TIME:
                lines.append(heading)
            else:
                age = format_age(int(self.now_ms()) - t_ms)
                lines.append(self.tr("{status}: last reading {age} ago").format(status=heading, age=age))
        return "\n".join(lines)

    # --- hover ------------------------------------------------------------
    def hover_at(self, point: QPointF, global_pos: QPoint | None = None) -> str:
        """Show (or hide) the tooltip for the sensor at a map point; returns its text ('' for none)."""
        if self.table is None:
            return ""
        tolerance = HOVER_TOLERANCE_PX * self.canvas.view_state().resolution_m
        row = self.sensor_at(point.x(), point.y(), tolerance)
        if row is None:
            if self.hover_row is not None:
                QToolTip.hideText()
            self.hover_row, self.hover_text = None, ""
            return ""
        self.hover_row, self.hover_text = row, self.describe(row)
        if global_pos is not None:
            QToolTip.showText(global_pos, self.hover_text, self.canvas)
        return self.hover_text

    def _on_mouse_moved(self, scene_pos: QPointF) -> None:
        point = self.canvas.viewbox.mapSceneToView(scene_pos)
        global_pos = self.canvas.viewport().mapToGlobal(self.canvas.mapFromScene(scene_pos))
        self.hover_at(point, global_pos)
