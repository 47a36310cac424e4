"""The Sources pane: how each live source is doing, what it refused, and who delivers their data.

One line per source (state, messages per second, age of the last message,
counters); below, the last 50 rejected messages of the selected source with
their reason; and the on-time delivery share per responsible unit or per
district over the last hour, worst first (``console.engine.delivery``), which is
where field studies find these platforms fail first.
"""

from __future__ import annotations

import time

from PySide6.QtCore import QCoreApplication, Qt, QTimer
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHeaderView,
    QLabel,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from console.engine.delivery import delivery_by
from console.ui import theme

DELIVERY_INTERVAL_MS = 5000
STATE_COLOURS = {
    "live": "#1B7F3B", "finished": "#555555", "connecting": "#8A6D00", "reconnecting": "#B35C00",
    "stale": "#B35C00", "down": "#B3261E", "failed": "#B3261E", "refused": "#B3261E", "stopped": "#555555",
    "idle": "#555555",
}


def state_key(source: dict) -> str:
    """The state the pane names: the MQTT link where there is one, else the adapter status."""
    return source.get("link") or source["status"]


def state_label(key: str) -> str:
    translate = QCoreApplication.translate
    return {
        "idle": translate("SourceState", "idle"),
        "connecting": translate("SourceState", "connecting"),
        "live": translate("SourceState", "live"),
        "reconnecting": translate("SourceState", "reconnecting"),
        "down": translate("SourceState", "down"),
        "refused": translate("SourceState", "refused"),
        "stale": translate("SourceState", "no messages"),
        "failed": translate("SourceState", "failed"),
        "finished": translate("SourceState", "finished"),
        "stopped": translate("SourceState", "stopped"),
    }.get(key, key)


def kind_label(kind: str) -> str:
    translate = QCoreApplication.translate
    return {
        "recorded": translate("SourceKind", "recorded feed"),
        "mqtt": "MQTT",
        "sensorthings": "SensorThings",
        "cap": translate("SourceKind", "CAP warnings"),
    }.get(kind, kind)


def reason_label(reason: str) -> str:
    translate = QCoreApplication.translate
    return {
        "oversized": translate("RejectReason", "oversized"),
        "malformed": translate("RejectReason", "malformed"),
        "wrong_type": translate("RejectReason", "wrong type"),
        "missing_field": translate("RejectReason", "missing field"),
        "bad_time": translate("RejectReason", "bad time"),
        "bad_quality": translate("RejectReason", "bad quality"),
        "topic_mismatch": translate("RejectReason", "topic does not fit"),
        "unknown_sensor": translate("RejectReason", "unknown sensor"),
        "refused": translate("RejectReason", "refused by the CAP parser"),
        "unreadable": translate("RejectReason", "unreadable file"),
        "fetch_failed": translate("RejectReason", "fetch failed"),
        "no_link": translate("RejectReason", "entry without a link"),
    }.get(reason, reason)


def _age(seconds: float | None) -> str:
    from console.ui.live import format_age

    return "—" if seconds is None else format_age(int(seconds * 1000))


def _table(headers: list[str]) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.verticalHeader().setVisible(False)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    # Not ResizeToContents: it measures every row again on every cell change (seconds for a full ranking).
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    table.horizontalHeader().setStretchLastSection(True)
    return table


class _Filling:
    """Fill a table without a relayout per cell; columns fit their contents when the row count changed."""

    def __init__(self, table: QTableWidget, rows: int, fit: bool = False):
        self.table, self.rows, self.fit = table, rows, fit

    def __enter__(self):
        self.resize = self.fit or self.table.rowCount() != self.rows
        self.table.setUpdatesEnabled(False)
        self.table.setRowCount(self.rows)
        return self.table

    def __exit__(self, *exc):
        if self.resize:
            self.table.resizeColumnsToContents()
        self.table.setUpdatesEnabled(True)


def _fill_row(table: QTableWidget, row: int, texts: list[str], colour: str | None = None, numeric_from: int = 99):
    for column, text in enumerate(texts):
        item = table.item(row, column)
        if item is None:
            item = QTableWidgetItem()
            table.setItem(row, column, item)
        if item.text() != text:
            item.setText(text)
        if column >= numeric_from:
            item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if colour is not None and column == 2:
            item.setForeground(QBrush(QColor(theme.ink(colour))))  # lightened on the dark theme


class SourcesPane(QWidget):
    """Per-source state and counters, rejections, and the data-delivery ranking.

    ``show_sources(figures, unknown)`` takes the engine's per-source figures;
    ``bind(table)`` gives the table the delivery ranking is computed from.
    """

    def __init__(self, parent=None):
        super().__init__(parent)
        self.figures: list[dict] = []
        self.unknown: dict[str, dict[str, int]] = {}
        self.table = None
        self.now_ms = lambda: int(time.time() * 1000)
        self.heading = QLabel(self.tr("No live sources. Sources ▸ Add sources file… connects them."))
        self.heading.setWordWrap(True)
        self.sources = _table([self.tr("Source"), self.tr("Kind"), self.tr("State"), self.tr("Messages/s"),
                               self.tr("Last message"), self.tr("Received"), self.tr("Accepted"),
                               self.tr("Rejected"), self.tr("Unknown ids"), self.tr("Reconnects"),
                               self.tr("Time down")])
        self.sources.itemSelectionChanged.connect(self._show_rejections)
        self.rejections_title = QLabel()
        self.rejections = _table([self.tr("Reason"), self.tr("Where"), self.tr("Detail")])
        self.delivery_choice = QComboBox()
        self.delivery_choice.addItem(self.tr("On time in the last hour, by responsible unit"), "owner")
        self.delivery_choice.addItem(self.tr("On time in the last hour, by district"), "district")
        self.delivery_choice.currentIndexChanged.connect(self.update_delivery)
        self.delivery = _table([self.tr("Group"), self.tr("Sensors"), self.tr("On time"), self.tr("Share")])

        rejections_page, delivery_page = QWidget(), QWidget()
        rejections_layout, delivery_layout = QVBoxLayout(rejections_page), QVBoxLayout(delivery_page)
        for page_layout in (rejections_layout, delivery_layout):
            page_layout.setContentsMargins(2, 2, 2, 2)
        self.rejections_title.setWordWrap(True)
        rejections_layout.addWidget(self.rejections_title)
        rejections_layout.addWidget(self.rejections, 1)
        delivery_layout.addWidget(self.delivery_choice)
        delivery_layout.addWidget(self.delivery, 1)
        self.tabs = QTabWidget()
        self.tabs.addTab(rejections_page, self.tr("Rejected messages"))
        self.tabs.addTab(delivery_page, self.tr("Data delivery"))
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.sources)
        splitter.addWidget(self.tabs)
        splitter.setSizes([140, 360])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.heading)
        layout.addWidget(splitter, 1)
        self.delivery_timer = QTimer(self)
        self.delivery_timer.setInterval(DELIVERY_INTERVAL_MS)
        self.delivery_timer.timeout.connect(self.update_delivery)
        self._show_rejections()

    # --- input --------------------------------------------------------------
    def bind(self, table, heading: str = "") -> None:
        """Rank data delivery over ``table`` (None: no live sources)."""
        self.table = table
        if heading:
            self.heading.setText(heading)
        if table is None:
            self.delivery_timer.stop()
            self.delivery.setRowCount(0)
        else:
            self.delivery_timer.start()
            self.update_delivery()

    def show_sources(self, figures: list[dict], unknown: dict[str, dict[str, int]] | None = None) -> None:
        self.figures = list(figures)
        self.unknown = dict(unknown or {})
        selected = self._selected_row()
        with _Filling(self.sources, len(self.figures), fit=True):  # a few lines whose counts grow
            self._fill_sources()
        if self.figures and selected is None:
            self.sources.selectRow(0)
        self._show_rejections()

    def _fill_sources(self) -> None:
        for row, source in enumerate(self.figures):
            key = state_key(source)
            # Unknown ids the adapter refused (it knew the sensor list) and those the table did not know.
            unknown = source["unknown"] + (source.get("rejected_by_reason") or {}).get("unknown_sensor", 0)
            texts = [source["name"], kind_label(source["kind"]), state_label(key), f"{source['readings_per_s']:.0f}",
                     _age(source.get("last_message_age_s")), f"{source['received']:,}", f"{source['accepted']:,}",
                     f"{source['rejected']:,}", f"{unknown:,}", f"{source['reconnects']}",
                     _age(source["time_down_s"]) if source["time_down_s"] else "—"]
            _fill_row(self.sources, row, texts, STATE_COLOURS.get(key, "#555555"), numeric_from=3)
            message = source.get("message") or ""
            self.sources.item(row, 2).setToolTip(message)
            self.sources.item(row, 0).setToolTip(message)

    def _selected_row(self) -> int | None:
        rows = self.sources.selectionModel().selectedRows()
        return rows[0].row() if rows else None

    def _show_rejections(self) -> None:
        row = self._selected_row()
        if row is None or row >= len(self.figures):
            self.rejections_title.setText(self.tr("Rejected messages"))
            self.rejections.setRowCount(0)
            return
        source = self.figures[row]
        rejections = list(reversed(source.get("rejections") or []))  # newest first
        by_reason = source.get("rejected_by_reason") or {}
        counts = ", ".join(f"{reason_label(reason)} {n:,}" for reason, n in sorted(by_reason.items()))
        title = self.tr("Rejected messages of {source} (last {n})").format(source=source["name"], n=len(rejections))
        if counts:
            title += " — " + counts
        unknown = self.unknown.get(source["name"]) or {}
        if unknown:
            title += "\n" + self.tr("Unknown sensor ids: {ids}").format(
                ids=", ".join(f"{sensor} ({n})" for sensor, n in list(unknown.items())[:8]))
        if source.get("overflow"):
            title += "\n" + self.tr("Dropped because the console fell behind: {n}").format(n=source["overflow"])
        self.rejections_title.setText(title)
        with _Filling(self.rejections, len(rejections)):
            for i, item in enumerate(rejections):
                _fill_row(self.rejections, i, [reason_label(item["reason"]), item["where"], item["detail"]])

    def update_delivery(self, *_) -> None:
        if self.table is None:
            return
        column = self.delivery_choice.currentData() or "owner"
        shares = delivery_by(self.table, column, int(self.now_ms()))
        with _Filling(self.delivery, len(shares)):
            for row, share in enumerate(shares):
                texts = [share.group or self.tr("(none)"), f"{share.sensors:,}", f"{share.on_time:,}",
                         f"{share.share:.0%}"]
                _fill_row(self.delivery, row, texts, numeric_from=1)
                late = share.share < 0.8
                self.delivery.item(row, 3).setForeground(
                    QBrush(QColor(theme.ink("#B3261E") if late else theme.current().text)))

    # --- summary ---------------------------------------------------------------
    def summary(self) -> tuple[str, bool]:
        """The status bar's line: how many sources are live and how many are down; True when any is down."""
        keys = [state_key(source) for source in self.figures]
        down = sum(key in ("down", "failed", "refused", "reconnecting", "connecting", "stale") for key in keys)
        live = sum(key == "live" for key in keys)
        text = self.tr("Sources: {live} live, {down} not delivering").format(live=live, down=down)
        return text, down > 0
