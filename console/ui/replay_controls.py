"""The replay panel's parts: the feed clock, the level legend and the replay toolbar (``console.ui.replay_panel``)."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from PySide6.QtCore import QCoreApplication, QSize, Qt
from PySide6.QtGui import QAction, QColor, QFont, QFontMetricsF, QIcon, QPainter, QPainterPath, QPixmap
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QStackedLayout,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from console.model.levels import DISPLAY_ZONE, LEVEL_ROMAN, LEVELS
from console.ui.drill import DRILL_COLOUR, DRILL_MARK
from console.ui.fonts import map_font_family
from console.ui.map.sensor_style import LEVEL_COLOURS
from console.ui.replay import SPEEDS

CLOCK_BACKGROUND = "#1F2A36"  # the slate of the snapshot title bar
CLOCK_WIDTH_PX = 270
DENSITY_REFRESH_MS = 2000  # while playing: the histogram follows alarms as the replay learns them
FREEZE_INTERVAL_MS = 1000  # while playing in a window: new objects kept out of full GC passes
ICON_PX = 20
LAG_SHOWN_BELOW = 0.95  # of the speed asked: the clock says the replay cannot keep up


def speed_text(speed: float) -> str:
    """"60×" in English, "60倍速" in Chinese."""
    return QCoreApplication.translate("ReplayPanel", "{speed}×").format(speed=f"{speed:g}")


def duration_text(seconds: int) -> str:
    """"1 h", "15 min", "10 s" (Chinese: "1小时", "15分钟", "10秒")."""
    if seconds >= 3600 and seconds % 3600 == 0:
        return QCoreApplication.translate("ReplayPanel", "{n} h").format(n=seconds // 3600)
    if seconds >= 60 and seconds % 60 == 0:
        return QCoreApplication.translate("ReplayPanel", "{n} min").format(n=seconds // 60)
    return QCoreApplication.translate("ReplayPanel", "{n} s").format(n=seconds)


def speed_hint(speed: float) -> str:
    """How much feed time one second of playback covers, e.g. "1 min per second"."""
    return QCoreApplication.translate("ReplayPanel", "{amount} per second").format(
        amount=duration_text(int(speed)))


def weekday_text(day: int) -> str:
    """Short weekday name, Monday = 0."""
    translate = QCoreApplication.translate
    return (translate("FeedClock", "Mon"), translate("FeedClock", "Tue"), translate("FeedClock", "Wed"),
            translate("FeedClock", "Thu"), translate("FeedClock", "Fri"), translate("FeedClock", "Sat"),
            translate("FeedClock", "Sun"))[day]


def zone_text(zone: str, when: datetime) -> str:
    offset = when.utcoffset().total_seconds() / 3600
    utc = f"UTC{offset:+g}"
    if zone == DISPLAY_ZONE:
        return QCoreApplication.translate("FeedClock", "China Standard Time {utc}").format(utc=utc)
    return f"{zone} {utc}"


class FeedClock(QFrame):
    """The feed clock, large: date, HH:MM:SS, the speed and whether it plays; drill mode in violet."""

    def __init__(self, zone: str = DISPLAY_ZONE, parent=None):
        super().__init__(parent)
        self.zone = zone
        self.drill = False
        self.setObjectName("FeedClock")
        family = map_font_family()
        self.drill_label = QLabel(DRILL_MARK)
        self.drill_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.drill_label.setFont(_font(family, 13, bold=True))
        self.drill_label.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.date_label = QLabel()
        self.date_label.setFont(_font(family, 13))
        self.time_label = QLabel("00:00:00")
        time_font = _font(family, 34, bold=True)
        time_font.setFeature(QFont.Tag("tnum"), 1)  # even digits: the clock does not wobble as it runs
        self.time_label.setFont(time_font)
        self.time_label.setMinimumWidth(int(QFontMetricsF(time_font).horizontalAdvance("00:00:00") + 8))
        self.state_label = QLabel()
        self.state_label.setFont(_font(family, 12))
        self.zone_label = QLabel()
        self.zone_label.setFont(_font(family, 11))
        self.lag_label = QLabel()  # in place of the zone while the replay cannot keep up
        self.lag_label.setFont(_font(family, 11, bold=True))
        self.lag_label.setObjectName("lag")
        self.lagging = False
        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(self.date_label)
        top.addStretch(1)
        top.addWidget(self.drill_label)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 6, 14, 6)
        layout.setSpacing(0)
        layout.addLayout(top)
        layout.addWidget(self.time_label)
        layout.addWidget(self.state_label)
        # The zone and the lag line share one line: switching between them never changes the
        # clock's height (a new height lays the window out again and resizes the map).
        bottom = QStackedLayout()
        bottom.addWidget(self.zone_label)
        bottom.addWidget(self.lag_label)
        self.bottom_line = bottom
        layout.addLayout(bottom)
        # A fixed width: a changing text never makes the panel lay itself out again (a
        # relayout resizes the timeline, which costs a frame).
        self.setFixedWidth(CLOCK_WIDTH_PX)
        self.now_ms = 0
        self.set_drill(False)
        self.set_time(0)
        self.set_state(False, 60.0)

    def set_drill(self, drill: bool) -> None:
        self.drill = drill
        self.drill_label.setVisible(drill)
        background = DRILL_COLOUR if drill else CLOCK_BACKGROUND
        self.setStyleSheet(
            f"#FeedClock {{ background: {background}; border-radius: 4px; }}"
            "#FeedClock QLabel { color: #FFFFFF; background: transparent; }"
            "#FeedClock QLabel#lag { color: #FFD166; }"
            f"#FeedClock QLabel#drill {{ color: {DRILL_COLOUR}; background: #FFFFFF; border-radius: 3px;"
            " padding: 1px 6px; }")
        self.drill_label.setObjectName("drill")
        self.setToolTip(self.tr("Drill: the clock of the recorded feed, not the real time") if drill
                        else self.tr("The clock of the recorded feed being replayed"))

    def set_time(self, t_ms: int) -> None:
        self.now_ms = int(t_ms)
        local = datetime.fromtimestamp(self.now_ms / 1000, UTC).astimezone(ZoneInfo(self.zone))
        self._set_text(self.date_label, f"{local:%Y-%m-%d}  {weekday_text(local.weekday())}")
        self.time_label.setText(f"{local:%H:%M:%S}")
        self._set_text(self.zone_label, zone_text(self.zone, local))

    def set_state(self, playing: bool, speed: float, at_end: bool = False, lagging: bool = False,
                  effective_speed: float = 0.0) -> None:
        if at_end and not playing:
            state = self.tr("■ End of feed")
        elif playing:
            state = self.tr("▶ Playing {speed}").format(speed=speed_text(speed))
        else:
            state = self.tr("❚❚ Paused ({speed})").format(speed=speed_text(speed))
        self._set_text(self.state_label, state)
        # Shown while the replay is behind and slower than asked (catching up a backlog it is not).
        self.lagging = playing and lagging and 0 < effective_speed < LAG_SHOWN_BELOW * speed
        if self.lagging:
            # Two significant digits: the figure should not flicker at every frame.
            rounded = float(f"{effective_speed:.2g}")
            self._set_text(self.lag_label, self.tr("⚠ Cannot keep up: about {speed}").format(
                speed=speed_text(rounded)))
        self.bottom_line.setCurrentWidget(self.lag_label if self.lagging else self.zone_label)

    @staticmethod
    def _set_text(label: QLabel, text: str) -> None:
        if label.text() != text:  # an unchanged text costs no relayout
            label.setText(text)


def _font(family: str, pixel_size: int, bold: bool = False) -> QFont:
    font = QFont(family)
    font.setPixelSize(pixel_size)
    font.setBold(bold)
    return font


def _media_icon(kind: str, colour: str = "#26323F") -> QIcon:
    """Crisp vector media icons in one style (the platform's standard ones vary and blur)."""
    size = 64
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor(colour))

    def triangle(x0: float, pointing_right: bool) -> None:
        path = QPainterPath()
        if pointing_right:
            path.moveTo(x0, 14)
            path.lineTo(x0 + 22, 32)
            path.lineTo(x0, 50)
        else:
            path.moveTo(x0 + 22, 14)
            path.lineTo(x0, 32)
            path.lineTo(x0 + 22, 50)
        path.closeSubpath()
        painter.drawPath(path)

    if kind == "play":
        path = QPainterPath()
        path.moveTo(18, 10)
        path.lineTo(52, 32)
        path.lineTo(18, 54)
        path.closeSubpath()
        painter.drawPath(path)
    elif kind == "pause":
        painter.drawRoundedRect(16, 12, 11, 40, 2, 2)
        painter.drawRoundedRect(37, 12, 11, 40, 2, 2)
    elif kind == "start":
        painter.drawRect(10, 14, 6, 36)
        triangle(16, False)
        triangle(36, False)
    elif kind == "end":
        triangle(6, True)
        triangle(26, True)
        painter.drawRect(48, 14, 6, 36)
    elif kind == "back":
        painter.drawRect(14, 14, 5, 36)
        triangle(21, False)
        painter.drawRect(45, 14, 5, 36)
    elif kind == "forward":
        painter.drawRect(14, 14, 5, 36)
        triangle(21, True)
        painter.drawRect(45, 14, 5, 36)
    painter.end()
    return QIcon(pixmap)


class LevelLegend(QWidget):
    """Coloured chips I..IV naming the histogram's levels."""

    def __init__(self, parent=None):
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 6, 0)
        layout.setSpacing(8)
        family = map_font_family()
        caption = QLabel(QCoreApplication.translate("ReplayPanel", "Alarms by level:"))
        caption.setFont(_font(family, 12))
        caption.setStyleSheet("color: #5A6470;")
        layout.addWidget(caption)
        names = {
            1: QCoreApplication.translate("ReplayPanel", "Level I (most severe)"),
            2: QCoreApplication.translate("ReplayPanel", "Level II"),
            3: QCoreApplication.translate("ReplayPanel", "Level III"),
            4: QCoreApplication.translate("ReplayPanel", "Level IV (general)"),
        }
        for level in LEVELS:
            chip = QLabel(LEVEL_ROMAN[level])
            chip.setFont(_font(family, 11, bold=True))
            chip.setAlignment(Qt.AlignmentFlag.AlignCenter)
            chip.setMinimumWidth(28)
            text = "#202020" if level == 3 else "#FFFFFF"  # dark on yellow, white on the others
            chip.setStyleSheet(f"background: {LEVEL_COLOURS[level]}; color: {text}; border-radius: 3px;"
                               " padding: 1px 4px;")
            chip.setToolTip(names[level])
            layout.addWidget(chip)


class ReplayToolBar(QToolBar):
    """Jump to start, step back, play/pause, step forward, jump to end, and the speed."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setIconSize(QSize(ICON_PX, ICON_PX))
        self.setMovable(False)
        self.setFloatable(False)
        self.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonIconOnly)
        self.play_icon, self.pause_icon = _media_icon("play"), _media_icon("pause")
        self.start_action = self._add(_media_icon("start"), self.tr("Jump to the start of the feed"))
        self.back_action = self._add(_media_icon("back"), self.tr("Step back"))
        self.play_action = self._add(self.play_icon, self.tr("Play"))
        self.forward_action = self._add(_media_icon("forward"), self.tr("Step forward"))
        self.end_action = self._add(_media_icon("end"), self.tr("Jump to the end of the feed"))
        self.addSeparator()
        label = QLabel(self.tr("Speed"))
        label.setContentsMargins(6, 0, 4, 0)
        self.addWidget(label)
        self.speed_box = QComboBox()
        self.speed_box.setToolTip(self.tr("Replay speed: feed time per second of playback"))
        for speed in SPEEDS:
            self.speed_box.addItem(f"{speed_text(speed)}  ({speed_hint(speed)})", speed)
        self.addWidget(self.speed_box)
        spacer = QWidget()
        spacer.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.addWidget(spacer)
        self.legend = LevelLegend()
        self.addWidget(self.legend)

    def _add(self, icon: QIcon, text: str) -> QAction:
        action = QAction(icon, text, self)
        action.setToolTip(text)
        self.addAction(action)
        return action

    def show_playing(self, playing: bool) -> None:
        self.play_action.setIcon(self.pause_icon if playing else self.play_icon)
        text = self.tr("Pause") if playing else self.tr("Play")
        self.play_action.setText(text)
        self.play_action.setToolTip(text)

    def show_speed(self, speed: float) -> None:
        index = self.speed_box.findData(speed)
        if index < 0:
            self.speed_box.addItem(f"{speed_text(speed)}  ({speed_hint(speed)})", speed)
            index = self.speed_box.count() - 1
        self.speed_box.blockSignals(True)
        self.speed_box.setCurrentIndex(index)
        self.speed_box.blockSignals(False)

    def show_step(self, step_ms: int) -> None:
        amount = duration_text(step_ms // 1000)
        self.back_action.setToolTip(self.tr("Step back {amount}").format(amount=amount))
        self.forward_action.setToolTip(self.tr("Step forward {amount}").format(amount=amount))
