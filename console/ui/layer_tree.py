"""The layer tree dock: groups, visibility, opacity, order, legend swatches, counts."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor, QIcon, QPainter, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QInputDialog,
    QMenu,
    QTreeWidget,
    QTreeWidgetItem,
)

from console.model.layer import GeometryKind, VectorLayer
from console.ui.i18n import layer_title
from console.ui.map.points import marker_path
from console.ui.map.renderer import MapRenderer
from console.ui.map.vectors import class_rows, make_brush, make_pen

LAYER_ROLE = Qt.ItemDataRole.UserRole + 1
SWATCH = 18


def swatch_icon(layer: VectorLayer, symbol=None) -> QIcon:
    """A small legend picture of a layer's (or one class's) symbol."""
    symbol = symbol or layer.style.symbol
    pixmap = QPixmap(SWATCH, SWATCH)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    pen = make_pen(symbol)
    if layer.kind is GeometryKind.POLYGON:
        painter.setPen(pen)
        painter.setBrush(make_brush(symbol))
        painter.drawRect(QRectF(2, 4, SWATCH - 4, SWATCH - 8))
    elif layer.kind is GeometryKind.LINE:
        pen.setWidthF(max(1.5, min(symbol.width, 5.0)))
        painter.setPen(pen)
        painter.drawLine(QPointF(2, SWATCH - 5), QPointF(SWATCH - 2, 5))
    else:
        painter.setPen(pen)
        painter.setBrush(make_brush(symbol) if symbol.fill else QBrush(QColor(0, 0, 0, 0)))
        painter.drawPath(marker_path(symbol.marker, SWATCH / 2, SWATCH / 2, min(symbol.size + 2, SWATCH - 4)))
    painter.end()
    return QIcon(pixmap)


class LayerTree(QTreeWidget):
    """Lists the renderer's layers by group, top of the list drawn on top.

    Signals
    -------
    zoom_requested(object): the user asked to zoom to a layer.
    """

    zoom_requested = Signal(object)

    def __init__(self, renderer: MapRenderer, parent=None):
        super().__init__(parent)
        self.renderer = renderer
        self.group_titles: dict[str, str] = {}
        self.setColumnCount(2)
        self.setHeaderLabels([self.tr("Layer"), self.tr("Features")])
        self.setIconSize(QSize(SWATCH, SWATCH))
        self.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.customContextMenuRequested.connect(self._on_context_menu)
        self.itemChanged.connect(self._on_item_changed)
        self.itemDoubleClicked.connect(self._on_double_clicked)
        self.header().setStretchLastSection(False)
        self.header().resizeSection(0, 220)
        # Rebuild later, never inside a signal of one of our own items (it would delete it mid-call).
        self._refresh_timer = QTimer(self)
        self._refresh_timer.setSingleShot(True)
        self._refresh_timer.setInterval(0)
        self._refresh_timer.timeout.connect(self.refresh)
        renderer.on_changed(self._refresh_timer.start)
        self._refreshing = False
        self.refresh()

    def set_groups(self, groups) -> None:
        """Group ids to titles, in tree order (``console.geo.catalog.Group`` objects)."""
        self.group_titles = {group.id: layer_title(group) for group in groups}
        self.refresh()

    def layer_items(self) -> list[QTreeWidgetItem]:
        items = []
        for i in range(self.topLevelItemCount()):
            top = self.topLevelItem(i)
            if top.data(0, LAYER_ROLE) is not None:
                items.append(top)
            for j in range(top.childCount()):
                items.append(top.child(j))
        return items

    def refresh(self) -> None:
        """Rebuild the rows from the renderer (cheap: a few dozen layers)."""
        if self._refreshing:
            return
        self._refreshing = True
        self.blockSignals(True)
        expanded = {self.topLevelItem(i).text(0): self.topLevelItem(i).isExpanded()
                    for i in range(self.topLevelItemCount())}
        self.clear()
        groups: dict[str, QTreeWidgetItem] = {}
        order = list(self.group_titles)
        layers = list(reversed(self.renderer.layers))
        layers.sort(key=lambda layer: order.index(layer.group) if layer.group in order else len(order))
        for layer in layers:
            parent = self.invisibleRootItem()
            if layer.group:
                if layer.group not in groups:
                    title = self.group_titles.get(layer.group, layer.group)
                    group_item = QTreeWidgetItem([title])
                    group_item.setFlags(Qt.ItemFlag.ItemIsEnabled)
                    self.addTopLevelItem(group_item)
                    group_item.setExpanded(expanded.get(title, True))
                    groups[layer.group] = group_item
                parent = groups[layer.group]
            item = QTreeWidgetItem([layer_title(layer), f"{len(layer):,}"])
            item.setData(0, LAYER_ROLE, layer)
            item.setIcon(0, swatch_icon(layer))
            item.setTextAlignment(1, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
                          | Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsDragEnabled)
            item.setCheckState(0, Qt.CheckState.Checked if layer.visible else Qt.CheckState.Unchecked)
            item.setToolTip(0, f"{layer.source}\n{layer.source_crs} · {layer.kind.value}")
            if isinstance(parent, QTreeWidgetItem) and parent is not self.invisibleRootItem():
                parent.addChild(item)
            else:
                self.addTopLevelItem(item)
            self._add_class_rows(item, layer)
        self.blockSignals(False)
        self._refreshing = False

    def _add_class_rows(self, item: QTreeWidgetItem, layer: VectorLayer) -> None:
        groups = class_rows(layer)
        if len(groups) <= 1:
            return
        for symbol, rows in groups:
            value = next((v for v, s in layer.style.classes.items() if s is symbol), self.tr("other"))
            child = QTreeWidgetItem([str(value), f"{len(rows):,}"])
            child.setIcon(0, swatch_icon(layer, symbol))
            child.setFlags(Qt.ItemFlag.ItemIsEnabled)
            child.setTextAlignment(1, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            item.addChild(child)

    def _on_item_changed(self, item: QTreeWidgetItem, column: int) -> None:
        layer = item.data(0, LAYER_ROLE)
        if layer is not None and column == 0:
            layer.visible = item.checkState(0) == Qt.CheckState.Checked

    def _on_double_clicked(self, item: QTreeWidgetItem, _column: int) -> None:
        layer = item.data(0, LAYER_ROLE)
        if layer is not None:
            self.zoom_requested.emit(layer)

    def dropEvent(self, event) -> None:  # noqa: N802 (Qt override)
        super().dropEvent(event)
        # The tree lists top layers first; the renderer draws its list bottom first.
        order = [item.data(0, LAYER_ROLE) for item in self.layer_items()]
        order = [layer for layer in order if layer is not None]
        self.renderer.layers[:] = list(reversed(order))
        self.renderer.changed()

    def selected_layer(self) -> VectorLayer | None:
        items = self.selectedItems()
        return items[0].data(0, LAYER_ROLE) if items else None

    def _on_context_menu(self, position) -> None:
        item = self.itemAt(position)
        layer = item.data(0, LAYER_ROLE) if item else None
        if layer is None:
            return
        menu = QMenu(self)
        menu.addAction(self.tr("Zoom to layer"), lambda: self.zoom_requested.emit(layer))
        menu.addAction(self.tr("Opacity…"), lambda: self.ask_opacity(layer))
        menu.addSeparator()
        menu.addAction(self.tr("Remove layer"), lambda: self.renderer.remove_layer(layer))
        menu.popup(self.viewport().mapToGlobal(position))

    def ask_opacity(self, layer: VectorLayer) -> None:
        value, ok = QInputDialog.getInt(self, self.tr("Layer opacity"), self.tr("Opacity (%):"),
                                        round(layer.opacity * 100), 0, 100, 5)
        if ok:
            layer.opacity = value / 100
