"""Map snapshots and the state a briefing shows.

``render_snapshot`` draws the map with title, time, legend, scale bar and north
arrow (File ▸ Save map snapshot, ``console open --snapshot``). The rest builds a
``Briefing`` (``console.ui.briefing``) from where the state comes from: the
window's current view, a recorded feed at a moment, or a journal's open alarms.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from PySide6.QtCore import QCoreApplication, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QImage, QPainter, QPixmap

from console.model.levels import DISPLAY_ZONE
from console.ui.briefing.legend import sensor_state_rows
from console.ui.i18n import layer_title
from console.ui.layer_tree import SWATCH, swatch_icon
from console.ui.map.decorations import draw_north_arrow, draw_scale_bar
from console.ui.map.renderer import MapRenderer
from console.ui.map.view import BACKGROUND, ViewState

TITLE_HEIGHT = 56


def render_snapshot(renderer: MapRenderer, width: int, height: int,
                    extent: tuple[float, float, float, float] | None = None,
                    title: str = "", when: datetime | None = None, zone: str = DISPLAY_ZONE,
                    decorations=()) -> QImage:
    """Render a briefing image.

    ``decorations`` are extra painters ``paint(painter, view)`` drawn over the map area
    in its pixel coordinates (below the title bar), e.g. ``console.ui.drill.paint_drill_banner``.
    """
    image = QImage(width, height, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(QColor(BACKGROUND))
    extent = extent or renderer.full_extent() or (-1000.0, -1000.0, 1000.0, 1000.0)
    map_height = height - TITLE_HEIGHT
    view = ViewState.fit(_padded(extent, 0.03), width, map_height)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    painter.translate(0, TITLE_HEIGHT)
    painter.setClipRect(QRectF(0, 0, width, map_height))
    renderer.render(painter, view)
    draw_scale_bar(painter, view, renderer.font_family)
    draw_north_arrow(painter, view, renderer.font_family)
    _draw_legend(painter, renderer, width, map_height)
    for decorate in decorations:
        # Map-area pixels, as for MapCanvas.foreground_painters: a drill banner sits under the title.
        painter.save()
        decorate(painter, view)
        painter.restore()
    painter.resetTransform()
    painter.setClipping(False)
    _draw_title(painter, renderer.font_family, width, title, when or datetime.now(ZoneInfo(zone)), zone)
    painter.end()
    return image


def _padded(extent, fraction):
    minx, miny, maxx, maxy = extent
    dx, dy = (maxx - minx) * fraction, (maxy - miny) * fraction
    return (minx - dx, miny - dy, maxx + dx, maxy + dy)


def _draw_title(painter: QPainter, family: str, width: int, title: str, when: datetime, zone: str) -> None:
    painter.fillRect(QRectF(0, 0, width, TITLE_HEIGHT), QColor("#1F2A36"))
    font = QFont(family)
    font.setPixelSize(22)
    font.setBold(True)
    painter.setFont(font)
    painter.setPen(QColor("#FFFFFF"))
    painter.drawText(QRectF(18, 0, width * 0.65, TITLE_HEIGHT), Qt.AlignmentFlag.AlignVCenter, title)
    font.setPixelSize(14)
    font.setBold(False)
    painter.setFont(font)
    painter.setPen(QColor("#D0D8E0"))
    stamp = f"{when.astimezone(ZoneInfo(zone)):%Y-%m-%d %H:%M:%S} ({zone})"
    painter.drawText(QRectF(width * 0.5, 0, width * 0.5 - 18, TITLE_HEIGHT),
                     Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight, stamp)


def _draw_legend(painter: QPainter, renderer: MapRenderer, width: int, map_height: int) -> None:
    rows = legend_rows(renderer)
    if not rows:
        return
    font = QFont(renderer.font_family)
    font.setPixelSize(13)
    painter.setFont(font)
    row = SWATCH + 4
    box_width = 210
    box_height = 30 + row * len(rows)
    box = QRectF(width - box_width - 14, map_height - box_height - 14, box_width, box_height)
    painter.setPen(QColor("#B8B8B8"))
    painter.setBrush(QColor(255, 255, 255, 225))
    painter.drawRoundedRect(box, 4, 4)
    painter.setPen(QColor("#202020"))
    bold = QFont(font)
    bold.setBold(True)
    painter.setFont(bold)
    painter.drawText(QRectF(box.left() + 10, box.top() + 4, box_width - 20, 22), Qt.AlignmentFlag.AlignVCenter,
                     QCoreApplication.translate("Snapshot", "Legend"))
    painter.setFont(font)
    y = box.top() + 28
    metrics = QFontMetricsF(font)
    text_width = box_width - SWATCH - 26
    for pixmap, title in rows:
        painter.drawPixmap(int(box.left() + 10), int(y), pixmap)
        text = metrics.elidedText(title, Qt.TextElideMode.ElideMiddle, text_width)
        painter.drawText(QRectF(box.left() + 16 + SWATCH, y, text_width, SWATCH), Qt.AlignmentFlag.AlignVCenter, text)
        y += row


def legend_rows(renderer: MapRenderer) -> list[tuple[QPixmap, str]]:
    """(swatch, text) per visible layer, top first; with live sensors shown, their states too."""
    layers = [layer for layer in reversed(renderer.layers) if layer.visible and len(layer)]
    rows = [(swatch_icon(layer).pixmap(SWATCH, SWATCH), layer_title(layer)) for layer in layers]
    if any(layer.is_sensor_layer for layer in layers):
        rows += sensor_state_rows()
    return rows


# --- the state a briefing shows ------------------------------------------------------------------


def state_source_kind(kind: str) -> str:
    """A data source's kind as the briefing's note names it."""
    translate = QCoreApplication.translate
    return {
        "feed": translate("Briefing", "recorded feed"),
        "drill": translate("Briefing", "recorded feed, drill"),
        "journal": translate("Briefing", "journal"),
        "drill_journal": translate("Briefing", "drill journal"),
    }.get(kind, kind)


def briefing_from_replay(renderer: MapRenderer, replay, title: str, *, extent=None, names=None,
                         zone: str = DISPLAY_ZONE, subtitle: str | None = None):
    """The briefing of a replay (a recorded feed at its clock): always marked as a drill.

    The renderer's sensor layers are restyled from the replay's table.
    """
    from console.ui.briefing import Briefing, SourceNote, StatePainter, default_subtitle
    from console.ui.briefing.content import latest_reading_ms

    StatePainter(renderer, replay.table).paint()
    source = SourceNote(replay.source, state_source_kind("drill"), latest_reading_ms(replay.table))
    briefing = Briefing(renderer, title, int(replay.now_ms), extent=extent, zone=zone, drill=True,
                        subtitle=default_subtitle(True) if subtitle is None else subtitle, sources=[source])
    return briefing.with_state(replay.table, replay.book, names)


def briefing_from_journal(renderer: MapRenderer, path, table, title: str, *, extent=None,
                          zone: str = DISPLAY_ZONE, subtitle: str | None = None):
    """The briefing of a journal: its open alarms and the sensor states it holds, at its last entry.

    A drill journal (``meta`` drill = 1) gives a drill briefing.

    Raises
    ------
    InputError
        The file is not a journal the console can read (``JournalError`` names it).
    """
    from pathlib import Path

    from console.model.journal.queries import journal_meta
    from console.model.journal.restore import restore_book
    from console.model.journal.schema import connect_reader
    from console.model.journal.states import restore_states
    from console.ui.briefing import Briefing, SourceNote, StatePainter, default_subtitle
    from console.ui.briefing.content import latest_reading_ms

    path = Path(path)
    db = connect_reader(path)
    try:
        meta = journal_meta(db)
        restore_states(db, table)
        book = restore_book(db, table)
        clock = db.execute(
            'SELECT max(coalesce((SELECT max(t_ms) FROM "transition"), 0), '
            "coalesce((SELECT max(t_ms) FROM action), 0))").fetchone()[0]
    finally:
        db.close()
    drill = meta.get("drill") == "1"
    latest = latest_reading_ms(table)
    when_ms = max(int(clock or 0), latest or 0)
    if drill and meta.get("ended_at_feed_ms"):
        when_ms = int(meta["ended_at_feed_ms"])
    if when_ms <= 0:
        when_ms = int(datetime.now(ZoneInfo(zone)).timestamp() * 1000)
    StatePainter(renderer, table).paint()
    kind = state_source_kind("drill_journal" if drill else "journal")
    sources = [SourceNote(path.name, kind, latest if latest is not None else (clock or None))]
    briefing = Briefing(renderer, title, when_ms, extent=extent, zone=zone, drill=drill,
                        subtitle=default_subtitle(drill) if subtitle is None else subtitle, sources=sources)
    return briefing.with_state(table, book)


def briefing_of_window(window, title: str | None = None):
    """The briefing of what the window shows now: its view, its state (a drill's or the live one), its sources."""
    from console.ui.briefing import Briefing, SourceNote, default_subtitle
    from console.ui.briefing.content import latest_reading_ms

    renderer = window.canvas.renderer
    title = title or (layer_title(window.catalog) if window.catalog else QCoreApplication.translate("Snapshot", "Map"))
    drill = window.drill
    table, book = window.live.table, window.live.book
    sources: list[SourceNote] = []
    if drill is not None:
        when_ms = int(drill.now_ms)
        sources.append(SourceNote(drill.replay.source, state_source_kind("drill"), latest_reading_ms(table)))
    else:
        when_ms = int(window.session.now_ms())
        link = window.engine_link
        for figures in (link.mirror.sources if link is not None else []):
            age_s = figures.get("last_message_age_s")
            latest = None if age_s is None else when_ms - int(age_s * 1000)
            sources.append(SourceNote(str(figures.get("name", "")), str(figures.get("kind", "")), latest))
        journal = window.session.journal
        if not sources and journal is not None:
            sources.append(SourceNote(journal.path.name, state_source_kind("journal"), latest_reading_ms(table)))
    briefing = Briefing(renderer, title, when_ms, extent=window.canvas.extent(), drill=drill is not None,
                        subtitle=default_subtitle(drill is not None), sources=sources)
    return briefing.with_state(table, book, window.live.names)
