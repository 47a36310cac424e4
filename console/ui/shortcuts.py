"""Help ▸ Keyboard shortcuts: every action of the window that has a key, read from the actions themselves.

The list is built each time the dialog opens from the window's ``QAction``
objects (menus, panes, toolbars), so it cannot fall behind the menus.
"""

from __future__ import annotations

import re

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QMenu,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)


def action_text(action: QAction) -> str:
    """An action's menu text without its mnemonic (``&File``, ``文件(&F)``) and trailing ellipsis."""
    text = re.sub(r"\s*\(&[^)&]\)", "", action.text())  # the Chinese form: the key in brackets after the word
    text = text.replace("&&", "\0").replace("&", "").replace("\0", "&")
    return text.rstrip("…").rstrip(".").strip()


def menu_of(action: QAction) -> str:
    """The title of the first menu the action is in ("" for actions only in panes or toolbars)."""
    for widget in action.associatedObjects():
        if isinstance(widget, QMenu) and widget.title():
            return action_text(widget.menuAction())
    return ""


def shortcut_rows(window) -> list[tuple[str, str, str]]:
    """(menu, action, keys) for every action of ``window`` with a shortcut, in menu order."""
    rows, seen = [], set()
    menus = [action_text(menu_action) for menu_action in window.menuBar().actions()]
    for action in window.findChildren(QAction):
        sequences = [seq for seq in action.shortcuts() if not seq.isEmpty()]
        if not sequences or not action.text():
            continue
        keys = ", ".join(seq.toString(QKeySequence.SequenceFormat.NativeText) for seq in sequences)
        row = (menu_of(action), action_text(action), keys)
        if row not in seen:
            seen.add(row)
            rows.append(row)
    order = {title: index for index, title in enumerate(menus)}
    rows.sort(key=lambda row: (order.get(row[0], len(order)), row[0]))
    return rows


class ShortcutsDialog(QDialog):
    """A table of the window's keyboard shortcuts: menu, action, keys."""

    def __init__(self, window):
        super().__init__(window)
        self.setWindowTitle(self.tr("Keyboard shortcuts"))
        rows = shortcut_rows(window)
        self.table = QTableWidget(len(rows), 3)
        self.table.setHorizontalHeaderLabels([self.tr("Menu"), self.tr("Action"), self.tr("Keys")])
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        for row, texts in enumerate(rows):
            for column, text in enumerate(texts):
                item = QTableWidgetItem(text)
                if column == 2:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                self.table.setItem(row, column, item)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(self.tr("Keys that work anywhere in the console window:")))
        layout.addWidget(self.table)
        layout.addWidget(buttons)
        self.resize(560, 520)

    def rows(self) -> list[tuple[str, str, str]]:
        return [tuple(self.table.item(r, c).text() for c in range(3)) for r in range(self.table.rowCount())]
