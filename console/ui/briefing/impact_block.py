"""The impact summary of a briefing: the impact analysis shown in the window, in a few lines of the sidebar.

The page carries what a shift leader forwards: the alarm's sensor, the radius and
where it comes from, the facilities inside with the people in them and the nearest
few by distance, the valves to close and what goes dry, and the nearest unit of
each kind with its road distance and time. The full lists stay in the Impact dock
and its CSV; the map of the page shows the overlay itself.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication, QRectF, Qt
from PySide6.QtGui import QColor, QFontMetricsF, QPainter, QPen

from console.ui.briefing.style import INK, MUTED, page_font

TOP_FACILITIES = 3  # the nearest few; the rest are counted
ACCENT = QColor("#6A1B9A")  # the overlay's radius purple (console.ui.impact.overlay.RADIUS)
NOTE_INK = QColor("#8A5A00")  # the Impact dock's note colour: "attention", not a warning level
MAX_NOTES = 3
WRAPPED = ("source", "note")
TITLE_PX = 24
ROW_PX = 18
SOURCE_FONT_PX = 11
GAP_PX = 4


@dataclass(frozen=True)
class ImpactRow:
    """One line of the block: ``style`` is ``head`` (a section), ``item`` (columns), ``text``, or ``source`` and
    ``note`` (small, wrapped: where the radius comes from, what the analysis could not answer).

    An item has a left column (distance, or a unit's kind) of ``left_px``, its name, and a right column.
    """

    style: str
    text: str
    left: str = ""
    right: str = ""
    left_px: float = 0.0


def distance_text(metres) -> str:
    if metres is None:
        return "-"
    return f"{metres / 1000:.2f} km" if metres >= 1000 else f"{metres:.0f} m"


def kind_text(kind: str) -> str:
    """A facility's or unit's kind as the Impact dock names it (the same translations)."""
    names = {"school": "school", "hospital": "hospital", "metro": "metro station", "residential": "residential",
             "elderly_care": "elderly care", "fire_rescue": "fire and rescue", "gas_repair": "gas repair",
             "water_repair": "water repair", "medical": "medical (120)", "shelter": "shelter",
             "material_store": "material store"}
    return QCoreApplication.translate("ImpactPanel", names[kind]) if kind in names else kind


def _chinese() -> bool:
    from console.ui.i18n import current_language

    return current_language().startswith("zh")


def block_title(result) -> str:
    return QCoreApplication.translate("Briefing", "Impact of {sensor} {name}").format(
        sensor=result.sensor, name=result.sensor_name).strip()


def impact_rows(result) -> list[ImpactRow]:
    """The block's lines for ``result`` (an ``console.impact.ImpactResult``), top to bottom."""
    translate = QCoreApplication.translate
    rows = []
    radius = translate("Briefing", "Radius {radius}").format(radius=distance_text(result.radius_m))
    if result.isolation_m:
        radius += translate("Briefing", ", initial isolation {isolation}").format(
            isolation=distance_text(result.isolation_m))
    if result.substance:
        period = translate("ImpactPanel", "night") if result.period == "night" else translate("ImpactPanel", "day")
        radius += f" · {result.substance} ({period})"
    rows.append(ImpactRow("text", radius))
    source = result.radius_source_zh if _chinese() and result.radius_source_zh else result.radius_source
    if source:
        rows.append(ImpactRow("source", translate("Briefing", "Source: {source}").format(source=source)))
    # What could not be answered (a layer missing, a sensor on no pipe): a page must not read as "nothing there".
    notes = [n.zh if _chinese() else n.en for n in result.notes]
    rows += [ImpactRow("note", "• " + text) for text in notes[:MAX_NOTES]]
    if len(notes) > MAX_NOTES:
        rows.append(ImpactRow("note", translate("Briefing", "… and {n} more").format(n=len(notes) - MAX_NOTES)))
    rows.append(ImpactRow("head", translate("Briefing", "Facilities inside: {count}").format(
        count=len(result.facilities)), right=translate("Briefing", "{people} people").format(
        people=f"{result.people:,}")))
    for facility in result.facilities[:TOP_FACILITIES]:
        rows.append(ImpactRow("item", translate("Briefing", "{name} ({kind})").format(
            name=facility.name, kind=kind_text(facility.kind)),
                              left=distance_text(facility.distance_m), right=f"{facility.people:,}", left_px=64))
    if len(result.facilities) > TOP_FACILITIES:
        rows.append(ImpactRow("item", translate("Briefing", "… and {n} more").format(
            n=len(result.facilities) - TOP_FACILITIES), left_px=64))
    if result.network:
        valves = translate("Briefing", "Valves to close: {count}").format(count=len(result.valves))
        cut = ""
        if result.segments:
            cut = translate("Briefing", "pipes cut off {length}").format(
                length=distance_text(sum(s.length_m for s in result.segments)))
        rows.append(ImpactRow("head", valves, right=cut))
        if result.cut_off_facilities:
            rows.append(ImpactRow("text", translate("Briefing", "Supply cut off: {count} facilities, {people} people")
                                  .format(count=len(result.cut_off_facilities),
                                          people=f"{result.cut_off_people:,}")))
    nearest = {}
    for unit in result.resources:
        nearest.setdefault(unit.kind, unit)  # the first of a kind is its nearest by road
    if nearest:
        rows.append(ImpactRow("head", translate("Briefing", "Nearest units by road")))
        for unit in nearest.values():
            if unit.road_m is None:
                way = translate("ImpactPanel", "no road way")
            else:
                way = translate("Briefing", "{distance} · {minutes} min").format(
                    distance=distance_text(unit.road_m), minutes=f"{unit.minutes:.0f}")
            rows.append(ImpactRow("item", unit.name, left=kind_text(unit.kind), right=way, left_px=112))
    return rows


class ImpactBlock:
    """The impact summary laid out for a sidebar ``width`` wide: ``height`` first, then ``paint``."""

    def __init__(self, result, width: float):
        self.result = result
        self.width = width
        self.rows = impact_rows(result)
        self._source_height = {}
        metrics = QFontMetricsF(page_font(SOURCE_FONT_PX))
        for index, row in enumerate(self.rows):
            if row.style in WRAPPED:
                bound = metrics.boundingRect(QRectF(0, 0, width, 10_000), int(Qt.TextFlag.TextWordWrap), row.text)
                self._source_height[index] = min(bound.height(), 3 * metrics.lineSpacing()) + 2
        self.height = TITLE_PX + GAP_PX + sum(self._row_height(i) for i in range(len(self.rows)))

    def _row_height(self, index: int) -> float:
        row = self.rows[index]
        if row.style in WRAPPED:
            return self._source_height[index]
        return ROW_PX + (GAP_PX if row.style == "head" else 0)

    def paint(self, painter: QPainter, left: float, top: float) -> None:
        painter.save()
        width = self.width
        painter.setPen(QPen(ACCENT, 3))
        painter.drawLine(int(left + 1), int(top + 3), int(left + 1), int(top + TITLE_PX - 3))
        painter.setPen(INK)
        title_font = page_font(15, bold=True)
        painter.setFont(title_font)
        title = QFontMetricsF(title_font).elidedText(block_title(self.result), Qt.TextElideMode.ElideRight, width - 10)
        painter.drawText(QRectF(left + 10, top, width - 10, TITLE_PX - 4), Qt.AlignmentFlag.AlignVCenter, title)
        y = top + TITLE_PX + GAP_PX
        for index, row in enumerate(self.rows):
            height = self._row_height(index)
            if row.style in WRAPPED:
                painter.setFont(page_font(SOURCE_FONT_PX))
                painter.setPen(NOTE_INK if row.style == "note" else MUTED)
                painter.save()
                painter.setClipRect(QRectF(left, y, width, height))  # three lines at most
                painter.drawText(QRectF(left, y, width, height), int(Qt.TextFlag.TextWordWrap), row.text)
                painter.restore()
            elif row.style == "item":
                self._paint_item(painter, QRectF(left, y, width, ROW_PX), row)
            else:
                bold = row.style == "head"
                top_pad = GAP_PX if bold else 0
                self._paint_line(painter, QRectF(left, y + top_pad, width, ROW_PX), row.text, row.right, bold)
            y += height
        painter.restore()

    @staticmethod
    def _paint_line(painter: QPainter, rect: QRectF, text: str, right: str, bold: bool) -> None:
        font = page_font(12.5 if bold else 12, bold=bold)
        metrics = QFontMetricsF(font)
        painter.setFont(font)
        painter.setPen(INK)
        right_w = metrics.horizontalAdvance(right) + 4 if right else 0.0
        shown = metrics.elidedText(text, Qt.TextElideMode.ElideRight, rect.width() - right_w - 6)
        painter.drawText(QRectF(rect.left(), rect.top(), rect.width() - right_w, rect.height()),
                         Qt.AlignmentFlag.AlignVCenter, shown)
        if right:
            painter.setFont(page_font(12))
            painter.drawText(rect, Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight, right)

    @staticmethod
    def _paint_item(painter: QPainter, rect: QRectF, row: ImpactRow) -> None:
        font = page_font(12)
        metrics = QFontMetricsF(font)
        painter.setFont(font)
        indent = 12.0
        left_rect = QRectF(rect.left() + indent, rect.top(), row.left_px - 6, rect.height())
        painter.setPen(MUTED)
        painter.drawText(left_rect, Qt.AlignmentFlag.AlignVCenter,
                         metrics.elidedText(row.left, Qt.TextElideMode.ElideRight, left_rect.width()))
        right_w = metrics.horizontalAdvance(row.right) + 6 if row.right else 0.0
        name_left = rect.left() + indent + row.left_px
        name_w = rect.right() - name_left - right_w
        painter.setPen(INK)
        painter.drawText(QRectF(name_left, rect.top(), name_w, rect.height()), Qt.AlignmentFlag.AlignVCenter,
                         metrics.elidedText(row.text, Qt.TextElideMode.ElideRight, name_w))
        if row.right:
            painter.drawText(rect, Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight, row.right)
