"""The impact panel: asks for an analysis off the GUI thread, lists the answer, exports it.

The indexes and graphs (``console.impact.ImpactContext``) are built on the worker at the
first request and kept; a request overtaken by a newer one is dropped by its token.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from console.errors import InputError

NOTE_COLOUR = "#8A5A00"  # the notes' text: amber-brown, read as "attention", not as a warning level


@dataclass
class ImpactRequest:
    token: int
    sensor: str
    substance: str | None
    night: bool | None


class _Job(QRunnable):
    def __init__(self, runner: ImpactRunner, context_of, request: ImpactRequest):
        super().__init__()
        self.runner, self.context_of, self.request = runner, context_of, request

    def run(self) -> None:
        request = self.request
        try:
            context = self.context_of()
            result = context.analyse(request.sensor, substance=request.substance, night=request.night)
            answer = (request.token, result, None)
        except InputError as exc:
            answer = (request.token, None, str(exc))
        except Exception as exc:  # noqa: BLE001 - a layer the analysis cannot read must not leave the dock waiting
            answer = (request.token, None, f"{type(exc).__name__}: {exc}")
        with contextlib.suppress(RuntimeError):  # the window closed while the analysis ran
            self.runner.finished.emit(answer)


class ImpactRunner(QObject):
    """One worker thread for analyses; ``finished((token, result or None, error or None))`` on the GUI thread."""

    finished = Signal(object)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(1)

    def request(self, context_of, request: ImpactRequest) -> None:
        self.pool.start(_Job(self, context_of, request))

    def wait(self, timeout_ms: int = 30_000) -> bool:
        return self.pool.waitForDone(timeout_ms)


def _m(value) -> str:
    if value is None:
        return "-"
    return f"{value / 1000:.2f} km" if value >= 1000 else f"{value:.0f} m"


class ImpactPanel(QWidget):
    """Header (sensor, radius and its source), notes, a tree of the answer, export buttons.

    Signals
    -------
    shown(object)
        An ``ImpactResult`` arrived and is listed (the window draws it on the map).
    cleared()
    """

    shown = Signal(object)
    cleared = Signal()

    def __init__(self, context_of=None, parent=None):
        super().__init__(parent)
        self.context_of = context_of  # () -> ImpactContext, called on the worker
        self.runner = ImpactRunner(self)
        self.runner.finished.connect(self._on_finished)
        self.result = None
        self.error: str | None = None
        self._token = 0
        self._build()

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        row = QHBoxLayout()
        self.substance = QComboBox()
        self.substance.setEditable(True)
        self.substance.setToolTip(self.tr("Substance of a hazardous-chemical alarm (empty: the tank's own)"))
        self.substance.addItem("")
        self.night = QCheckBox(self.tr("Night"))
        self.night.setToolTip(self.tr("Night-time protective-action distances (default: by the clock)"))
        self.run_button = QPushButton(self.tr("Analyse again"))
        self.run_button.clicked.connect(self.rerun)
        row.addWidget(QLabel(self.tr("Substance")))
        row.addWidget(self.substance, 1)
        row.addWidget(self.night)
        row.addWidget(self.run_button)
        layout.addLayout(row)
        self.header = QLabel(self.tr("Select a warning or a sensor, then Alarms ▸ Impact analysis."))
        self.header.setWordWrap(True)
        self.header.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.header)
        self.notes = QLabel()
        self.notes.setWordWrap(True)
        self.notes.setStyleSheet(f"color: {NOTE_COLOUR};")
        self.notes.hide()
        layout.addWidget(self.notes)
        self.tree = QTreeWidget()
        self.tree.setColumnCount(4)
        self.tree.setHeaderLabels([self.tr("Item"), self.tr("Distance"), self.tr("People / capacity"),
                                   self.tr("By road")])
        self.tree.setRootIsDecorated(True)
        layout.addWidget(self.tree, 1)
        buttons = QHBoxLayout()
        self.csv_button = QPushButton(self.tr("Export CSV…"))
        self.geojson_button = QPushButton(self.tr("Export GeoJSON…"))
        self.clear_button = QPushButton(self.tr("Clear from map"))
        self.csv_button.clicked.connect(self.ask_csv)
        self.geojson_button.clicked.connect(self.ask_geojson)
        self.clear_button.clicked.connect(self.clear)
        for button in (self.csv_button, self.geojson_button, self.clear_button):
            button.setEnabled(False)
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self._sensor: str | None = None

    def set_substances(self, names: list[str]) -> None:
        self.substance.clear()
        self.substance.addItems(["", *names])

    # --- asking ------------------------------------------------------------------------
    def analyse(self, sensor_id: str) -> int:
        """Ask for the impact at ``sensor_id``; returns the request's token."""
        self._sensor = sensor_id
        self._token += 1
        text = self.substance.currentText().strip()
        night = True if self.night.isChecked() else None
        self.header.setText(self.tr("Analysing the impact of {sensor}…").format(sensor=sensor_id))
        self.run_button.setEnabled(False)
        self.runner.request(self.context_of, ImpactRequest(self._token, sensor_id, text or None, night))
        return self._token

    def rerun(self) -> None:
        if self._sensor:
            self.analyse(self._sensor)

    def _on_finished(self, answer) -> None:
        token, result, error = answer
        if token != self._token:
            return  # overtaken by a newer request
        self.run_button.setEnabled(True)
        self.error = error
        if error is not None:
            self.header.setText(self.tr("No impact analysis: {problem}").format(problem=error))
            return
        self.show_result(result)

    # --- showing -----------------------------------------------------------------------
    def show_result(self, result) -> None:
        self.result = result
        head = self.tr("{sensor} {name}: radius {radius}").format(sensor=result.sensor, name=result.sensor_name,
                                                                 radius=_m(result.radius_m))
        if result.isolation_m:
            head += self.tr(", initial isolation {isolation}").format(isolation=_m(result.isolation_m))
        zh = self._chinese()
        source = result.radius_source_zh if zh and result.radius_source_zh else result.radius_source
        head += "\n" + self.tr("Source: {source}").format(source=source)
        if result.substance:
            head += "\n" + self.tr("Substance: {substance} ({period})").format(
                substance=result.substance, period=self.tr("night") if result.period == "night" else self.tr("day"))
        self.header.setText(head)
        self.notes.setText("\n".join("• " + (n.zh if zh else n.en) for n in result.notes))
        self.notes.setVisible(bool(result.notes))
        self.tree.clear()
        self._fill(result)
        for button in (self.csv_button, self.geojson_button, self.clear_button):
            button.setEnabled(True)
        self.shown.emit(result)

    def _chinese(self) -> bool:
        from console.ui.i18n import current_language

        return current_language().startswith("zh")

    def _section(self, title: str, count_text: str) -> QTreeWidgetItem:
        item = QTreeWidgetItem(self.tree, [title, "", count_text, ""])
        font = item.font(0)
        font.setBold(True)
        item.setFont(0, font)
        item.setExpanded(True)
        return item

    def _fill(self, result) -> None:
        people = self._section(self.tr("Facilities inside ({count})").format(count=len(result.facilities)),
                               self.tr("{people} people").format(people=result.people))
        for f in result.facilities:
            item = QTreeWidgetItem(people, [f"{f.name}  ({self._kind(f.kind)})", _m(f.distance_m), str(f.people), ""])
            if f.cut_off:
                item.setToolTip(0, self.tr("Its supply is cut off by the isolation"))
                item.setForeground(0, QBrush(QColor("#AD1457")))
        if result.network:
            valves = self._section(self.tr("Valves to close ({count})").format(count=len(result.valves)), "")
            for v in result.valves:
                QTreeWidgetItem(valves, [v.id, _m(v.distance_m), "", ""])
            section = [s for s in result.segments if s.in_section]
            beyond = [s for s in result.segments if not s.in_section]
            pipes = self._section(self.tr("Pipes cut off ({count})").format(count=len(result.segments)),
                                  _m(sum(s.length_m for s in result.segments)))
            for s in section + beyond:
                label = f"{s.pipe_id}  {s.road}" + ("" if s.in_section else "  " + self.tr("(beyond the valves)"))
                QTreeWidgetItem(pipes, [label, _m(s.length_m), "", ""])
            pipes.setExpanded(False)  # the map shows them; the units below matter more at first sight
            cut = self._section(self.tr("Facilities cut off ({count})").format(count=len(result.cut_off_facilities)),
                                self.tr("{people} people").format(people=result.cut_off_people))
            for f in result.cut_off_facilities:
                QTreeWidgetItem(cut, [f"{f.name}  ({self._kind(f.kind)})", _m(f.distance_m), str(f.people), ""])
        units = self._section(self.tr("Nearest resources by road"), "")
        for r in result.resources:
            road = self.tr("{distance}, {minutes:.0f} min").format(distance=_m(r.road_m), minutes=r.minutes) \
                if r.road_m is not None else self.tr("no road way")
            capacity = "" if r.capacity is None else f"{r.capacity:g}"
            QTreeWidgetItem(units, [f"{r.name}  ({self._kind(r.kind)})", _m(r.straight_m), capacity, road])
        for column in range(4):
            self.tree.resizeColumnToContents(column)

    def _kind(self, kind: str) -> str:
        names = {
            "school": self.tr("school"), "hospital": self.tr("hospital"), "metro": self.tr("metro station"),
            "residential": self.tr("residential"), "elderly_care": self.tr("elderly care"),
            "fire_rescue": self.tr("fire and rescue"), "gas_repair": self.tr("gas repair"),
            "water_repair": self.tr("water repair"), "medical": self.tr("medical (120)"),
            "shelter": self.tr("shelter"), "material_store": self.tr("material store"),
        }
        return names.get(kind, kind)

    def clear(self) -> None:
        self.result = None
        self.tree.clear()
        self.notes.hide()
        self.header.setText(self.tr("Select a warning or a sensor, then Alarms ▸ Impact analysis."))
        for button in (self.csv_button, self.geojson_button, self.clear_button):
            button.setEnabled(False)
        self.cleared.emit()

    # --- export ------------------------------------------------------------------------
    def export_csv(self, path):
        from console.impact import write_csv

        return write_csv(self.result, path)

    def export_geojson(self, path):
        from console.impact import write_geojson

        return write_geojson(self.result, path)

    def ask_csv(self) -> None:
        if self.result is None:
            return
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Export impact as CSV"),
                                              f"impact-{self.result.sensor}.csv", "CSV (*.csv)")
        if path:
            self.export_csv(path)

    def ask_geojson(self) -> None:
        if self.result is None:
            return
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Export impact as GeoJSON"),
                                              f"impact-{self.result.sensor}.geojson", "GeoJSON (*.geojson)")
        if path:
            self.export_geojson(path)
