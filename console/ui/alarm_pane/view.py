"""The warning list's view: whole-row selection, keys to open incident lines, lines painted from row looks."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QPointF, Qt, Signal
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPalette, QStaticText
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView

from console.alarm_list import Column
from console.ui import theme
from console.ui.alarm_pane.table_model import FontKind, RowLook

ROW_HEIGHT_PX = 22


class AlarmRowPainter:
    """Paints lines of the alarm list from the model's ready-made row looks, texts laid out once.

    Qt's own table paint asks the model for seven roles per cell and lays each text
    out anew; with the list repainted several times a second in an alarm flood that
    was most of a frame. This reads one ``RowLook`` per line and keeps each text's
    layout (``QStaticText``, elided to its column) until the text changes. It draws
    what Qt draws: alternate line colours, the selection or each cell's background,
    and the text in the line's font and colour, centred in the level and incident
    columns (the same pixels, in a fifth of the time). ``AlarmTableView.paintEvent``
    paints the exposed lines with it in one call: one call into Python per repaint,
    not one per cell (each such call waits for the interpreter lock when a worker
    thread, the journal writer say, holds it).
    """

    TEXT_MARGIN_PX = 3  # each side, as the style leaves (its focus frame margin and one)
    MAX_TEXTS = 4000  # laid-out texts kept (a screenful is ~100; more means the list has moved on)

    def __init__(self):
        self._texts: dict[tuple, tuple[QStaticText, float]] = {}
        self._fonts: dict[FontKind, tuple[QFont, QFontMetricsF]] = {}  # per kind
        self._base_font: QFont | None = None

    def set_font(self, base: QFont) -> None:
        """The view's font: lines are drawn in it, bold or italic (texts are laid out again)."""
        self._base_font = QFont(base)
        self._fonts.clear()
        self._texts.clear()

    def font(self, kind: FontKind, base: QFont) -> tuple[QFont, QFontMetricsF]:
        known = self._fonts.get(kind)
        if known is None:
            if self._base_font is None:
                self._base_font = QFont(base)
            font = QFont(self._base_font)
            font.setBold(kind == FontKind.BOLD)
            font.setItalic(kind == FontKind.ITALIC)
            known = self._fonts[kind] = (font, QFontMetricsF(font))
        return known

    def laid_out(self, text: str, kind: FontKind, metrics: QFontMetricsF, width: int) -> tuple[QStaticText, float]:
        key = (text, kind, width)
        laid = self._texts.get(key)
        if laid is None:
            advance = metrics.horizontalAdvance(text)
            if advance > width:
                text = metrics.elidedText(text, Qt.TextElideMode.ElideRight, width)
                advance = metrics.horizontalAdvance(text)
            static = QStaticText(text)
            static.setTextFormat(Qt.TextFormat.PlainText)  # laid out when first drawn
            if len(self._texts) >= self.MAX_TEXTS:
                self._texts.clear()
            laid = self._texts[key] = (static, advance)
        return laid

    def paint_cells(self, painter: QPainter, look: RowLook, cells, y: int, height: int, selected: bool,
                    palette: QPalette, base_font: QFont) -> None:
        """The cells ``(column, x, width)`` of one line at ``y``; the line's ground is painted already."""
        highlighted = palette.color(QPalette.ColorRole.HighlightedText)
        text_colour = palette.color(QPalette.ColorRole.Text)
        kind = look.font
        font, metrics = self.font(kind, base_font)
        painter.setFont(font)
        top = y + (height - metrics.height()) / 2
        margin = self.TEXT_MARGIN_PX
        for column, x, width in cells:
            level_column = column == Column.LEVEL
            overdue = look.overdue if column == Column.OWNER else None
            if overdue is not None:  # an overdue dispatch stands out, in a selected line too
                painter.fillRect(x, y, width, height, overdue[0])
                colour = overdue[1].color()
            elif selected:
                colour = highlighted
            else:
                fill = look.level_fill if level_column else look.fill
                if fill is not None:
                    painter.fillRect(x, y, width, height, fill)
                pen = look.level_pen if level_column else look.pen
                colour = pen.color() if pen is not None else text_colour
            text = look.texts[column]
            room = width - 2 * margin
            if not text or room <= 0:
                continue
            static, advance = self.laid_out(text, kind, metrics, room)
            left = x + margin
            if level_column or column == Column.INCIDENT:
                left += (room - advance) / 2
            painter.setPen(colour)
            painter.drawStaticText(QPointF(left, top), static)

    def paint_lines(self, painter: QPainter, view: QTableView, exposed) -> None:
        """Every line of ``view`` that meets the ``exposed`` rectangle of its viewport."""
        model = view.model()
        first = view.rowAt(exposed.top())
        if first < 0:
            return
        last = view.rowAt(exposed.bottom())
        if last < 0:
            last = model.rowCount() - 1
        cells = []
        for column in range(model.columnCount()):
            if view.isColumnHidden(column):
                continue
            x, width = view.columnViewportPosition(column), view.columnWidth(column)
            if x + width > exposed.left() and x <= exposed.right():
                cells.append((column, x, width))
        palette = view.palette()
        alternate = palette.brush(QPalette.ColorRole.AlternateBase)
        highlight = palette.brush(QPalette.ColorRole.Highlight)
        selection = view.selectionModel()
        root = view.rootIndex()
        left, right = exposed.left(), exposed.right() + 1
        font = view.font()
        alternating = view.alternatingRowColors()
        for row in range(first, last + 1):
            if view.isRowHidden(row):
                continue
            y, height = view.rowViewportPosition(row), view.rowHeight(row)
            selected = selection.isRowSelected(row, root)
            if selected:
                painter.fillRect(left, y, right - left, height, highlight)
            elif alternating and row % 2:
                painter.fillRect(left, y, right - left, height, alternate)
            self.paint_cells(painter, model.row_look(row), cells, y, height, selected, palette, font)


class AlarmTableView(QTableView):
    """The list itself: whole-row selection, fixed row height, keys to expand incident lines."""

    toggle_requested = Signal(int)  # a row whose incident line should open or close

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setAlternatingRowColors(True)
        self.setSortingEnabled(True)
        self.setWordWrap(False)
        self.setShowGrid(False)
        self.setCornerButtonEnabled(False)
        self.verticalHeader().setVisible(False)
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.verticalHeader().setDefaultSectionSize(ROW_HEIGHT_PX)
        self.row_painter = AlarmRowPainter()
        header = self.horizontalHeader()
        header.setHighlightSections(False)
        header.setStretchLastSection(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        # Colours through the palette, not a style sheet: a style sheet on the list slows every cell's paint.
        palette = self.palette()
        palette.setColor(QPalette.ColorRole.Highlight, QColor("#2F5D8A"))
        palette.setColor(QPalette.ColorRole.HighlightedText, QColor("#FFFFFF"))
        self.setPalette(palette)
        self.follow_theme(theme.current())
        header.setStyleSheet(
            "QHeaderView::section { background: #2B3440; color: #F0F0F0; padding: 3px 6px; border: none;"
            " border-right: 1px solid #3E4957; font-weight: bold; }"
        )

    def follow_theme(self, colours) -> None:
        """Lines in the theme's base and alternate colours (console/ui/theme.py calls this on a switch)."""
        palette = self.palette()
        palette.setColor(QPalette.ColorRole.Base, QColor(colours.base))
        palette.setColor(QPalette.ColorRole.AlternateBase, QColor(colours.alternate_base))
        self.setPalette(palette)

    def changeEvent(self, event) -> None:  # noqa: N802 (Qt override)
        if event.type() == QEvent.Type.FontChange:
            self.row_painter.set_font(self.font())
        super().changeEvent(event)

    def paintEvent(self, event) -> None:  # noqa: N802 (Qt override)
        painter = QPainter(self.viewport())
        self.row_painter.paint_lines(painter, self, event.rect())
        painter.end()

    def keyPressEvent(self, event) -> None:  # noqa: N802 (Qt override)
        model = self.model()
        current = self.currentIndex()
        if current.isValid() and model.is_incident_line(current.row()):
            expanded = -model.key(current.row()) in model.expanded
            if event.key() in (Qt.Key.Key_Right, Qt.Key.Key_Plus) and not expanded:
                self.toggle_requested.emit(current.row())
                return
            if event.key() in (Qt.Key.Key_Left, Qt.Key.Key_Minus) and expanded:
                self.toggle_requested.emit(current.row())
                return
        super().keyPressEvent(event)

    def mousePressEvent(self, event) -> None:  # noqa: N802 (Qt override)
        index = self.indexAt(event.position().toPoint())
        if (index.isValid() and index.column() == Column.LEVEL and self.model().is_incident_line(index.row())
                and event.button() == Qt.MouseButton.LeftButton):
            self.toggle_requested.emit(index.row())
        super().mousePressEvent(event)

