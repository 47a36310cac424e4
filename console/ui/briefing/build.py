"""Briefings built from where the state comes from: the window's view, a replay at its clock, a journal.

Each builder fills the same ``Briefing`` fields (title, time, drill or not, the
alarm table, the sources with their latest data) and restyles the renderer's
sensor layers from the state where the window does not already do it.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from PySide6.QtCore import QCoreApplication

from console.model.levels import DISPLAY_ZONE
from console.ui.briefing.content import Briefing, SourceNote, default_subtitle, latest_reading_ms
from console.ui.briefing.state import StatePainter
from console.ui.i18n import layer_title
from console.ui.map.renderer import MapRenderer


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
    state = StatePainter(renderer, replay.table)
    state.paint()
    state.add_footprints(replay.book)
    source = SourceNote(replay.source, state_source_kind("drill"), latest_reading_ms(replay.table))
    briefing = Briefing(renderer, title, int(replay.now_ms), extent=extent, zone=zone, drill=True,
                        subtitle=default_subtitle(True) if subtitle is None else subtitle, sources=[source])
    return briefing.with_state(replay.table, replay.book, names)


def briefing_from_journal(renderer: MapRenderer, path, table, title: str, *, extent=None, names=None,
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
    state = StatePainter(renderer, table)
    state.paint()
    state.add_footprints(book)
    kind = state_source_kind("drill_journal" if drill else "journal")
    sources = [SourceNote(path.name, kind, latest if latest is not None else (clock or None))]
    briefing = Briefing(renderer, title, when_ms, extent=extent, zone=zone, drill=drill,
                        subtitle=default_subtitle(drill) if subtitle is None else subtitle, sources=sources)
    return briefing.with_state(table, book, names)


def briefing_of_window(window, title: str | None = None):
    """The briefing of what the window shows now: its view, its state (a drill's or the live one), its sources."""
    from console.ui.sources_pane import kind_label


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
            sources.append(SourceNote(str(figures.get("name", "")), kind_label(str(figures.get("kind", ""))), latest))
        journal = window.session.journal
        if not sources and journal is not None:
            sources.append(SourceNote(journal.path.name, state_source_kind("journal"), latest_reading_ms(table)))
    briefing = Briefing(renderer, title, when_ms, extent=window.canvas.extent(), drill=drill is not None,
                        subtitle=default_subtitle(drill is not None), sources=sources, impact=shown_impact(window))
    return briefing.with_state(table, book, window.live.names)


def shown_impact(window):
    """The impact result the window shows (listed in the dock and drawn on the map), else None."""
    impact = getattr(window, "impact", None)
    if impact is None or impact.panel.result is None:
        return None
    if not any(layer in window.canvas.renderer.layers for layer in impact.overlay.layers):
        return None
    return impact.panel.result
