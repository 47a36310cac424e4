"""The warning pane's action dialogs: shelve, note, dispatch, feedback and close the selected alarms."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
)

from console.model.alarms import CLASSIFICATIONS
from console.ui.alarm_pane.labels import classification_label

SHELVE_DURATIONS_MIN = (15, 30, 60, 120, 240, 480, 720, 1440)


class _Dialog(QDialog):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.form = QFormLayout()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(420)


class ShelveDialog(_Dialog):
    """Reason and duration of a shelf."""

    def __init__(self, count: int, chattering: bool, parent=None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Shelve {n} alarm(s)").format(n=count))
        self.reason = QComboBox()
        self.reason.setEditable(True)
        self.reason.addItems([self.tr("Chattering sensor"), self.tr("Maintenance work"),
                              self.tr("Known fault, repair ordered"), self.tr("Sensor test")])
        self.reason.setCurrentIndex(0 if chattering else -1)
        self.reason.lineEdit().setPlaceholderText(self.tr("Why the alarm is hidden (required)"))
        self.duration = QComboBox()
        for minutes in SHELVE_DURATIONS_MIN:
            text = self.tr("{n} min").format(n=minutes) if minutes < 60 else self.tr("{n} h").format(n=minutes // 60)
            self.duration.addItem(text, minutes * 60)
        self.duration.setCurrentIndex(SHELVE_DURATIONS_MIN.index(60))
        self.form.addRow(self.tr("Reason:"), self.reason)
        self.form.addRow(self.tr("For:"), self.duration)
        self.reason.currentTextChanged.connect(self._check)
        self._check()

    def _check(self) -> None:
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(bool(self.reason.currentText().strip()))

    def values(self) -> tuple[str, int]:
        return self.reason.currentText().strip(), int(self.duration.currentData())


class NoteDialog(_Dialog):
    def __init__(self, count: int, parent=None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Note on {n} alarm(s)").format(n=count))
        self.text = QPlainTextEdit()
        self.text.setPlaceholderText(self.tr("What you saw or did"))
        self.text.setFixedHeight(90)
        self.form.addRow(self.tr("Note:"), self.text)

    def values(self) -> str:
        return self.text.toPlainText().strip()


class DispatchDialog(_Dialog):
    """The unit (the sensors' owners offered, any other may be typed), a note, and the deadlines it will get.

    ``deadlines``: (step label, minutes, due time text) rows of the most severe selected alarm's level.
    """

    def __init__(self, count: int, units: list[str], deadlines=(), level_text: str = "", parent=None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Dispatch {n} alarm(s)").format(n=count))
        self.unit = QComboBox()
        self.unit.setEditable(True)
        self.unit.addItems(units)
        self.unit.lineEdit().setPlaceholderText(self.tr("The unit that handles it (required)"))
        self.note = QLineEdit()
        self.note.setPlaceholderText(self.tr("What the unit is asked to do (optional)"))
        self.form.addRow(self.tr("Responsible unit:"), self.unit)
        self.form.addRow(self.tr("Note:"), self.note)
        self.deadline_labels = []
        if deadlines:
            self.form.addRow(QLabel(self.tr("Response deadlines ({level}):").format(level=level_text)))
            for step, minutes, due in deadlines:
                label = QLabel(self.tr("within {minutes} min, by {time}").format(minutes=f"{minutes:g}", time=due))
                self.deadline_labels.append(label)
                self.form.addRow(f"    {step}:", label)
        self.unit.currentTextChanged.connect(self._check)
        self._check()

    def _check(self) -> None:
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(bool(self.unit.currentText().strip()))

    def values(self) -> tuple[str, str]:
        return self.unit.currentText().strip(), self.note.text().strip()


class FeedbackDialog(_Dialog):
    """The unit's feedback on a dispatch: what it found, what it did."""

    def __init__(self, count: int, parent=None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Feedback on {n} alarm(s)").format(n=count))
        self.text = QPlainTextEdit()
        self.text.setPlaceholderText(self.tr("What the unit reports"))
        self.text.setFixedHeight(90)
        self.form.addRow(self.tr("Feedback:"), self.text)
        self.text.textChanged.connect(self._check)
        self._check()

    def _check(self) -> None:
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(bool(self.text.toPlainText().strip()))

    def values(self) -> str:
        return self.text.toPlainText().strip()


class CloseDialog(_Dialog):
    def __init__(self, count: int, parent=None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Close {n} alarm(s)").format(n=count))
        self.classification = QComboBox()
        for key in CLASSIFICATIONS:
            self.classification.addItem(classification_label(key), key)
        self.note = QPlainTextEdit()
        self.note.setPlaceholderText(self.tr("How it ended"))
        self.note.setFixedHeight(70)
        self.form.addRow(self.tr("Classification:"), self.classification)
        self.form.addRow(self.tr("Note:"), self.note)

    def values(self) -> tuple[str, str]:
        return str(self.classification.currentData()), self.note.toPlainText().strip()

