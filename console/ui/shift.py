"""Shifts: who is on duty, asked for at shift start; the journal file the console writes.

Every operator action carries the name of the operator on duty. The console
asks for it when it opens (``console open --operator NAME`` skips the question)
and whenever the shift changes.

The journal is opened before the sensor layers so that the alarm book can be
restored from it. A journal that cannot be opened is reported; the operator may
start a fresh one beside it (the old file is never touched) or go on without.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from PySide6.QtCore import QStandardPaths, Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from console.model.journal import Journal, JournalError

JOURNAL_NAME = "journal.sqlite"


def default_journal_path() -> Path:
    """``$CONSOLE_DATA_DIR/journal.sqlite``, else the journal in the user's application data folder."""
    folder = os.environ.get("CONSOLE_DATA_DIR") or QStandardPaths.writableLocation(
        QStandardPaths.StandardLocation.AppDataLocation
    )
    return Path(folder) / JOURNAL_NAME


class ShiftDialog(QDialog):
    """Asks for the name of the operator taking the shift."""

    def __init__(self, current: str | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Start of shift"))
        intro = QLabel(self.tr("Every acknowledgement, note and dispatch is journaled with the name of the "
                               "operator on duty."))
        intro.setWordWrap(True)
        self.name = QLineEdit()
        self.name.setPlaceholderText(self.tr("Your name"))
        self.name.setMinimumWidth(260)
        form = QFormLayout()
        if current:
            form.addRow(self.tr("Handing over:"), QLabel(current))
        form.addRow(self.tr("Operator on duty:"), self.name)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Start shift"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.name.textChanged.connect(self._check)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        self._check()

    def _check(self) -> None:
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(bool(self.operator()))

    def operator(self) -> str:
        return self.name.text().strip()


def ask_operator(parent: QWidget | None = None, current: str | None = None) -> str | None:
    """Ask (modally) who is on duty; None when the operator cancels."""
    dialog = ShiftDialog(current, parent)
    if dialog.exec() == QDialog.DialogCode.Accepted and dialog.operator():
        return dialog.operator()
    return None


class JournalProblemBox(QMessageBox):
    """Tells the operator a journal cannot be opened and offers a fresh one beside it."""

    def __init__(self, error: JournalError, parent: QWidget | None = None):
        super().__init__(QMessageBox.Icon.Warning, self.tr("Journal cannot be opened"), "", parent=parent)
        self.setText(self.tr("The journal cannot be opened:\n{error}").format(error=error))
        self.setInformativeText(self.tr("A fresh journal can be started beside it; the old file is kept as it is. "
                                        "Without a journal nothing the console sees or does is recorded."))
        self.fresh_button = self.addButton(self.tr("Start a fresh journal"), QMessageBox.ButtonRole.AcceptRole)
        self.without_button = self.addButton(self.tr("Continue without a journal"),
                                             QMessageBox.ButtonRole.RejectRole)
        self.setDefaultButton(self.fresh_button)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)


def open_journal(path, parent: QWidget | None = None, ask=None, **options) -> tuple[Journal | None, str | None]:
    """Open (or create) the journal at ``path``; on failure offer a fresh one beside it.

    ``ask(error) -> bool`` decides whether to start a fresh journal (default: a
    modal ``JournalProblemBox``). Returns the journal (None: go on without one)
    and the message of the failure, if any.
    """
    path = Path(path)
    with contextlib.suppress(OSError):  # Journal names a folder it cannot use in its error
        path.parent.mkdir(parents=True, exist_ok=True)
    try:
        return Journal(path, **options), None
    except JournalError as error:
        if ask is None:
            box = JournalProblemBox(error, parent)
            box.exec()
            fresh = box.clickedButton() is box.fresh_button
        else:
            fresh = ask(error)
        if not fresh:
            return None, str(error)
        try:
            return Journal.start_fresh_beside(path, **options), str(error)
        except JournalError as second:
            return None, f"{error}\n{second}"
