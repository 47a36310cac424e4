"""The active alarms of a briefing: counts per level, then the most severe and oldest first.

The table takes the height the page leaves it and lists as many rows as fit; what
does not fit is counted on its last line, never cut off silently. A filled level
chip is an alarm not yet acknowledged; an outlined one has been acknowledged
(the map draws the same difference).
"""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from PySide6.QtCore import QCoreApplication, QRectF, Qt
from PySide6.QtGui import QFontMetricsF, QPainter, QPen

from console.model.alarms import AlarmState
from console.model.levels import LEVEL_ROMAN, LEVELS
from console.ui.briefing.content import Briefing
from console.ui.briefing.style import INK, LEVEL_TEXT, MUTED, RULE, level_colour, page_font

TITLE_PX = 26
CHIPS_PX = 30
HEADER_PX = 20
ROW_PX = 20
NEEDS_ACK = (AlarmState.UNACK, AlarmState.RTN_UNACK)


def table_title() -> str:
    return QCoreApplication.translate("Briefing", "Active alarms")


def level_chip_text(level: int, count: int) -> str:
    return QCoreApplication.translate("Briefing", "{level}: {count}").format(
        level=QCoreApplication.translate("Briefing", "Level {roman}").format(roman=LEVEL_ROMAN[level]), count=count)


def paint_alarm_table(painter: QPainter, rect: QRectF, briefing: Briefing) -> int:
    """Draw the table into ``rect``; returns how many alarm rows were listed."""
    translate = QCoreApplication.translate
    painter.save()
    left, width, y = rect.left(), rect.width(), rect.top()
    painter.setPen(INK)
    painter.setFont(page_font(15, bold=True))
    total = sum(briefing.counts.values())
    painter.drawText(QRectF(left, y, width, TITLE_PX - 4), Qt.AlignmentFlag.AlignVCenter,
                     f"{table_title()} ({total})")
    y += TITLE_PX
    chip_font = page_font(12, bold=True)
    chip_width = (width - 3 * 6) / 4
    for index, level in enumerate(LEVELS):
        chip = QRectF(left + index * (chip_width + 6), y, chip_width, CHIPS_PX - 6)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(level_colour(level))
        painter.drawRoundedRect(chip, 3, 3)
        painter.setPen(LEVEL_TEXT[level])
        painter.setFont(chip_font)
        painter.drawText(chip, Qt.AlignmentFlag.AlignCenter, level_chip_text(level, briefing.counts.get(level, 0)))
    y += CHIPS_PX
    if not briefing.alarms:
        painter.setPen(MUTED)
        painter.setFont(page_font(13))
        painter.drawText(QRectF(left, y, width, ROW_PX * 1.5), Qt.AlignmentFlag.AlignVCenter,
                         translate("Briefing", "No active alarms"))
        painter.restore()
        return 0
    header_metrics = QFontMetricsF(page_font(12, bold=True))
    level_w = max(40.0, header_metrics.horizontalAdvance(translate("AlarmListModel", "Level")) + 10)
    since_title = translate("Briefing", "Since")
    since_w = max(50.0, header_metrics.horizontalAdvance(since_title) + 10)
    district_w = max(60.0, (width - level_w - since_w) * 0.3)
    sensor_w = width - level_w - since_w - district_w
    columns = [(level_w, translate("AlarmListModel", "Level")), (sensor_w, translate("AlarmListModel", "Sensor")),
               (district_w, translate("AlarmListModel", "District")), (since_w, since_title)]
    painter.setFont(page_font(12, bold=True))
    painter.setPen(MUTED)
    x = left
    for column_width, title in columns:
        painter.drawText(QRectF(x + 3, y, column_width - 6, HEADER_PX), Qt.AlignmentFlag.AlignVCenter, title)
        x += column_width
    y += HEADER_PX
    painter.setPen(QPen(RULE, 1))
    painter.drawLine(int(left), int(y), int(left + width), int(y))
    fits = int((rect.bottom() - y) // ROW_PX)
    rows = briefing.alarms
    more = briefing.more
    if len(rows) > fits:
        shown = max(0, fits - 1)  # the last line counts the rest
        more += len(rows) - shown
        rows = rows[:shown]
    body = page_font(12)
    metrics = QFontMetricsF(body)
    zone = ZoneInfo(briefing.zone)
    for row in rows:
        x = left
        chip = QRectF(x + 3, y + 3, level_w - 10, ROW_PX - 6)
        colour = level_colour(row.level)
        if row.state in NEEDS_ACK:
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(colour)
        else:
            painter.setPen(QPen(colour, 2))
            painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRoundedRect(chip, 2, 2)
        painter.setFont(page_font(11, bold=True))
        painter.setPen(LEVEL_TEXT[row.level] if row.state in NEEDS_ACK else INK)
        painter.drawText(chip, Qt.AlignmentFlag.AlignCenter, LEVEL_ROMAN[row.level])
        painter.setFont(body)
        painter.setPen(INK)
        x += level_w
        since = datetime.fromtimestamp(row.raised_ms / 1000, UTC).astimezone(zone)
        for column_width, text in ((sensor_w, row.sensor), (district_w, row.district), (since_w, f"{since:%H:%M}")):
            shown = metrics.elidedText(text, Qt.TextElideMode.ElideRight, column_width - 6)
            painter.drawText(QRectF(x + 3, y, column_width - 6, ROW_PX), Qt.AlignmentFlag.AlignVCenter, shown)
            x += column_width
        y += ROW_PX
    if more:
        painter.setPen(MUTED)
        painter.drawText(QRectF(left + 3, y, width - 6, ROW_PX), Qt.AlignmentFlag.AlignVCenter,
                         translate("Briefing", "… and {n} more").format(n=more))
    painter.restore()
    return len(rows)
