"""Chips of the warning pane: a level's count in its colour, a toggle for its alarms; the sensor-fault chip."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QToolButton

from console.model.sensors import level_name
from console.ui.alarm_pane.labels import LEVEL_TEXT_COLOURS
from console.ui.live import level_label
from console.ui.map.sensor_style import LEVEL_COLOURS


class LevelChip(QToolButton):
    """A level's count in its colour; unchecked hides that level from the list."""

    def __init__(self, level: int, parent=None):
        super().__init__(parent)
        self.level = level
        self.count = 0
        self.setCheckable(True)
        self.setChecked(True)
        self.setMinimumWidth(64)
        colour, text = LEVEL_COLOURS[level], LEVEL_TEXT_COLOURS[level]
        self.setStyleSheet(
            f"QToolButton {{ background: {colour}; color: {text}; border: 1px solid #202020; border-radius: 3px;"
            f" padding: 2px 8px; font-weight: bold; }}"
            f"QToolButton:!checked {{ background: #D8D8D8; color: #707070; border: 1px dashed #909090; }}"
        )
        self.setToolTip(QCoreApplication.translate("AlarmPane", "Show or hide {level} alarms").format(
            level=level_label(level)))
        self.set_count(0)

    def set_count(self, count: int) -> None:
        self.count = int(count)
        self.setText(f"{level_name(self.level)}  {self.count}")



FAULT_COLOUR, FAULT_TEXT = "#5B4B8A", "#FFFFFF"  # apart from every level colour: not a process alarm


class FaultChip(QToolButton):
    """Open sensor-fault items (stuck, chattering sensors); checked, the list shows them instead of the alarms."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.count = 0
        self.unack = 0
        self.setCheckable(True)
        self.setChecked(False)
        self.setStyleSheet(
            f"QToolButton {{ background: #EEEAF6; color: {FAULT_COLOUR}; border: 1px solid {FAULT_COLOUR};"
            f" border-radius: 3px; padding: 2px 8px; }}"
            f"QToolButton:checked {{ background: {FAULT_COLOUR}; color: {FAULT_TEXT}; font-weight: bold; }}"
        )
        self.setToolTip(QCoreApplication.translate(
            "AlarmPane", "Sensor faults (stuck or chattering sensors) for their maintenance units: not process "
            "alarms, not in the level counts or the alarm rate. Check to list them instead of the alarms"))
        self.set_count(0, 0)

    def set_count(self, count: int, unack: int) -> None:
        self.count, self.unack = int(count), int(unack)
        text = QCoreApplication.translate("AlarmPane", "Sensor faults: {n}").format(n=self.count)
        if self.unack:
            text += " " + QCoreApplication.translate("AlarmPane", "({n} new)").format(n=self.unack)
        self.setText(text)
