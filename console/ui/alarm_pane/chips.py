"""Level chips of the warning pane: a level's count in its colour, a toggle for its alarms."""

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

