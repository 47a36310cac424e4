"""Replay clips: a span of a drill as an animated GIF or WebP, one frame per step.

Each frame is the map at a feed time, with the feed clock and the drill mark
burnt in (a clip is always of a recorded feed: it is always a drill), the
alarms per level, scale and north arrow. Frames come from a replay of their own
(``ClipMaker`` plays a ``Replay`` forward, step by step) on a renderer of their
own, so a clip can be made on a worker thread while the window's drill goes on
(``console.ui.clip_dialog``), or headless (``console clip``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QImage, QPainter

from console.errors import InputError
from console.model.levels import DISPLAY_ZONE, LEVEL_ROMAN, LEVELS
from console.ui.briefing.state import StatePainter
from console.ui.briefing.style import LEVEL_TEXT, level_colour, page_font
from console.ui.drill import DRILL_COLOUR, paint_drill_banner
from console.ui.map.decorations import draw_north_arrow, draw_scale_bar
from console.ui.map.renderer import MapRenderer
from console.ui.map.view import ViewState
from console.ui.painting import painting

SUFFIXES = {".gif": "GIF", ".webp": "WEBP"}
DEFAULT_SIZE = (960, 600)
DEFAULT_FRAME_MS = 500  # each frame's time on screen: a 6-hour drill in 5-minute steps plays in 36 s
MAX_FRAMES = 2000  # a clip longer than this is a mistake in --step, not a clip anyone will watch
CLOCK_BOX = QRectF(14, 14, 246, 100)


@dataclass(frozen=True)
class ClipSpan:
    """Feed times of a clip's frames: ``start_ms``, then every ``step_ms`` up to ``end_ms``."""

    start_ms: int
    end_ms: int
    step_ms: int

    @property
    def times(self) -> list[int]:
        return list(range(self.start_ms, self.end_ms + 1, self.step_ms))


def check_span(start_ms: int, end_ms: int, step_ms: int, feed_start_ms: int, feed_end_ms: int,
               feed: str = "the feed") -> ClipSpan:
    """The span of a clip, checked against the feed: inside it, not empty, not absurdly many frames.

    Raises
    ------
    InputError
        Naming the option that is wrong and what would be right.
    """
    from console.feeds.timefmt import format_time

    if step_ms <= 0:
        raise InputError("--step", "the step must be longer than zero")
    if start_ms >= end_ms:
        raise InputError("--from", f"{format_time(start_ms)} is not before --to {format_time(end_ms)}: "
                                   "the range is empty")
    for option, t_ms in (("--from", start_ms), ("--to", end_ms)):
        if not feed_start_ms <= t_ms <= feed_end_ms:
            raise InputError(option, f"{format_time(t_ms)} is outside {feed}: it runs from "
                                     f"{format_time(feed_start_ms)} to {format_time(feed_end_ms)}")
    span = ClipSpan(int(start_ms), int(end_ms), int(step_ms))
    frames = len(span.times)
    if frames < 2:
        raise InputError("--step", "the step is longer than the range: the clip would have one frame")
    if frames > MAX_FRAMES:
        raise InputError("--step", f"{frames} frames: more than {MAX_FRAMES}; choose a longer step")
    return span


def clip_renderer(layers, basemaps=()) -> MapRenderer:
    """A renderer of its own for ``layers`` (the window's stays with the window)."""
    renderer = MapRenderer()
    for layer in layers:
        renderer.add_layer(layer)
    for basemap in basemaps:
        renderer.basemaps.append(basemap)
    return renderer


class ClipMaker:
    """Frames of a replay: ``frames(span)`` plays it forward and renders one image per step.

    Parameters
    ----------
    replay : Replay
        Played forward only; it must not be ahead of the span's start.
    renderer : MapRenderer
        Its sensor layers are restyled from the replay's table at every frame.
    title : str
        Shown above the feed clock.
    extent : tuple or None
        The view (display coordinates); None: everything.
    size : (width, height)
    """

    def __init__(self, replay, renderer: MapRenderer, title: str = "", extent=None,
                 size: tuple[int, int] = DEFAULT_SIZE, zone: str = DISPLAY_ZONE):
        self.replay = replay
        self.renderer = renderer
        self.title = title
        self.size = size
        self.zone = zone
        self.state = StatePainter(renderer, replay.table)
        self.footprints = self.state.add_footprints(replay.book)  # incidents as areas at city scale
        extent = extent or renderer.full_extent() or (-1000.0, -1000.0, 1000.0, 1000.0)
        self.view = ViewState.fit(extent, *size)

    def frame(self, t_ms: int) -> QImage:
        """The map at feed time ``t_ms`` (the replay is played forward to it)."""
        if t_ms < self.replay.now_ms:
            raise ValueError("a clip plays forward: the replay is past this frame's time")
        self.replay.advance_to(t_ms)
        self.state.paint()
        self.footprints.refresh(self.replay.book)
        width, height = self.size
        image = QImage(width, height, QImage.Format.Format_RGB32)
        image.fill(QColor("#F2EFE9"))
        with painting(image) as painter:
            painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
            painter.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)
            self.renderer.render(painter, self.view)
            paint_drill_banner(painter, self.view)
            family = self.renderer.font_family
            draw_north_arrow(painter, self.view, family, centre=QPointF(width - 40, 40))
            draw_scale_bar(painter, self.view, family, origin=QPointF(24, height - 24))
            _paint_clock(painter, self.title, self.replay.now_ms, self.zone)
            _paint_counts(painter, self.replay.book.counts_by_level(include_shelved=True), width, height)
        return image

    def frames(self, span: ClipSpan, on_frame: Callable[[int, int], None] | None = None,
               cancel: Callable[[], bool] | None = None) -> list:
        """Pillow images of every frame of ``span``; ``on_frame(done, total)`` after each. [] when cancelled."""
        times = span.times
        images = []
        for index, t_ms in enumerate(times):
            if cancel is not None and cancel():
                return []
            images.append(to_pillow(self.frame(t_ms)))
            if on_frame is not None:
                on_frame(index + 1, len(times))
        return images


def _paint_clock(painter: QPainter, title: str, t_ms: int, zone: str) -> None:
    from console.ui.briefing.page import zone_text

    local = datetime.fromtimestamp(t_ms / 1000, UTC).astimezone(ZoneInfo(zone))
    box = CLOCK_BOX
    painter.save()
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor(DRILL_COLOUR))
    painter.drawRoundedRect(box, 6, 6)
    painter.setPen(QColor("#FFFFFF"))
    inner = box.adjusted(12, 6, -12, -6)
    painter.setFont(page_font(13, bold=True))
    painter.drawText(QRectF(inner.left(), inner.top(), inner.width(), 18), Qt.AlignmentFlag.AlignVCenter,
                     f"{title}  ·  {local:%Y-%m-%d} {weekday_text(local.weekday())}" if title else
                     f"{local:%Y-%m-%d} {weekday_text(local.weekday())}")
    time_font = page_font(38, bold=True)
    time_font.setFeature(QFont.Tag("tnum"), 1)  # even digits: the clock does not wobble from frame to frame
    painter.setFont(time_font)
    painter.drawText(QRectF(inner.left(), inner.top() + 18, inner.width(), 48), Qt.AlignmentFlag.AlignVCenter,
                     f"{local:%H:%M:%S}")
    painter.setFont(page_font(12))
    painter.setPen(QColor(255, 255, 255, 220))
    painter.drawText(QRectF(inner.left(), inner.top() + 66, inner.width(), 16), Qt.AlignmentFlag.AlignVCenter,
                     zone_text(zone, local))
    painter.restore()


def weekday_text(day: int) -> str:
    """Short weekday name, Monday = 0 (the feed clock's words)."""
    from PySide6.QtCore import QCoreApplication

    names = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
    return QCoreApplication.translate("FeedClock", names[day])


def _paint_counts(painter: QPainter, counts: dict[int, int], width: int, height: int) -> None:
    """Active alarms per level, bottom right: the level's colour and numeral, then the count."""
    painter.save()
    font = page_font(15, bold=True)
    painter.setFont(font)
    metrics = QFontMetricsF(font)
    texts = {level: f"{LEVEL_ROMAN[level]}  {counts.get(level, 0)}" for level in LEVELS}
    chip_w = max(metrics.horizontalAdvance(text) for text in texts.values()) + 22
    chip_h, gap = 28.0, 6.0
    x = width - 20 - 4 * chip_w - 3 * gap
    y = height - 20 - chip_h
    for level in LEVELS:
        chip = QRectF(x, y, chip_w, chip_h)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(level_colour(level))
        painter.drawRoundedRect(chip, 4, 4)
        painter.setPen(LEVEL_TEXT[level])
        painter.drawText(chip, Qt.AlignmentFlag.AlignCenter, texts[level])
        x += chip_w + gap
    painter.restore()


def to_pillow(image: QImage):
    """A QImage as a Pillow RGB image (copied: the QImage may go)."""
    from PIL import Image

    rgb = image.convertToFormat(QImage.Format.Format_RGB888)
    data = bytes(rgb.constBits())
    return Image.frombuffer("RGB", (rgb.width(), rgb.height()), data, "raw", "RGB", rgb.bytesPerLine(), 1).copy()


def check_clip_path(path) -> Path:
    path = Path(path)
    if path.suffix.lower() not in SUFFIXES:
        raise InputError(path, f"unknown clip format {path.suffix or '(no suffix)'!r}: use .gif or .webp")
    return path


def save_clip(frames: list, path, frame_ms: int = DEFAULT_FRAME_MS) -> Path:
    """Write ``frames`` (Pillow images) as an animated GIF or WebP by the suffix, whole or not at all."""
    from console.reports.files import replace_atomically

    path = check_clip_path(path)
    if not frames:
        raise InputError(path, "no frames to write")
    kind = SUFFIXES[path.suffix.lower()]

    def write(temporary: Path) -> None:
        if kind == "GIF":
            # One palette per frame, found fast: the four level colours and the violet stay true.
            from PIL import Image

            shown = [frame.quantize(colors=255, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE)
                     for frame in frames]
            shown[0].save(temporary, format="GIF", save_all=True, append_images=shown[1:], duration=frame_ms,
                          loop=0, disposal=1)
        else:
            frames[0].save(temporary, format="WEBP", save_all=True, append_images=frames[1:], duration=frame_ms,
                           loop=0, quality=80, method=4)

    replace_atomically(path, write)
    return path
