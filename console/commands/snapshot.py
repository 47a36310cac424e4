"""``console snapshot``: render the map offscreen, as a plain map PNG or a briefing page (PNG or PDF).

Without ``--feed``, ``--journal``, ``--layout`` or a ``.pdf`` output it draws the
map picture of old (title bar, legend, scale, north arrow). With any of them it
draws a briefing page (``console.ui.briefing``): the state of a recorded feed at
``--at`` through the rules (a drill, marked as one), or the open alarms of a
journal, with legend, inset, alarm table and the data-source note.
``--impact-sensor ID`` adds the impact analysis of an alarm at that sensor: its
overlay on the map (which then shows the impact's area) and its summary in the
sidebar, as the window's page does when the Impact dock shows a result.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from console.errors import InputError

LANGUAGES = ("zh_CN", "en")
LAYOUT_NAMES = ("a4", "a3", "screen")


def add_arguments(parser) -> None:
    parser.add_argument("--out", required=True, help="file to write: .png, or .pdf for a briefing page")
    parser.add_argument("--catalog", action="append", default=[], help="a layer catalog TOML (default: demo city)")
    parser.add_argument("--open", nargs="+", default=[], metavar="FILE", help="more GIS files to draw")
    parser.add_argument("--encoding", help="attribute encoding for Shapefile/CSV")
    parser.add_argument("--size", help="WIDTHxHEIGHT in pixels of a PNG (default 1600x1000; a briefing: its layout's)")
    parser.add_argument("--extent", help="minx,miny,maxx,maxy in longitude/latitude (EPSG:4326)")
    parser.add_argument("--title", help="title printed above the map")
    parser.add_argument("--subtitle", help="subtitle of a briefing page")
    # Checked by run(), not by argparse: the message then names the option and lists the choices.
    parser.add_argument("--lang", help="language of the page: zh_CN or en (default: system locale)")
    parser.add_argument("--layout", help="a briefing page: a4 or a3 (landscape paper), or screen (16:9)")
    parser.add_argument("--feed", metavar="F", help="a recorded feed: the state at --at through the rules (a drill)")
    parser.add_argument("--at", metavar="T", help="feed time (RFC 3339, or +H:MM after the feed's start; "
                                                  "default: the end of the feed)")
    parser.add_argument("--journal", metavar="J", help="a journal: its open alarms and sensor states")
    parser.add_argument("--rules", metavar="TOML", help="alarm rules for --feed (default: the shipped rules)")
    parser.add_argument("--impact-sensor", metavar="ID",
                        help="a briefing page with the impact analysis of an alarm at this sensor "
                             "(needs the catalog's role layers, see console impact)")


def parse_size(text: str) -> tuple[int, int]:
    try:
        width, height = (int(part) for part in text.lower().split("x"))
    except ValueError:
        raise InputError("--size", f"{text!r} is not WIDTHxHEIGHT, e.g. 1600x1000") from None
    if not (64 <= width <= 16000 and 64 <= height <= 16000):
        raise InputError("--size", f"{text!r}: width and height must be 64..16000 pixels")
    return width, height


def parse_extent(text: str) -> tuple[float, float, float, float]:
    from console.geo.crs import to_display

    try:
        minx, miny, maxx, maxy = (float(part) for part in text.split(","))
    except ValueError:
        raise InputError("--extent", f"{text!r} is not minx,miny,maxx,maxy") from None
    if not (-180 <= minx < maxx <= 180 and -85 <= miny < maxy <= 85):
        raise InputError("--extent", f"{text!r} is not a longitude/latitude box (min before max)")
    xs, ys = to_display([minx, maxx], [miny, maxy], "EPSG:4326")
    return (float(xs[0]), float(ys[0]), float(xs[1]), float(ys[1]))


def check_language(text: str | None) -> str | None:
    if text is not None and text not in LANGUAGES:
        raise InputError("--lang", f"unknown language {text!r}: use zh_CN or en")
    return text


def feed_moment(text: str | None, replay) -> int:
    """``--at`` as feed time (epoch ms), inside the feed; the feed's end when not given."""
    from console.commands.open import drill_moment
    from console.feeds.timefmt import format_time

    if text is None:
        return replay.end_ms
    moment = drill_moment(text, replay, busiest=False)
    if moment is None:
        raise InputError("--at", f"{text!r} is not a time (RFC 3339 like 2026-07-21T03:00:00+08:00, "
                                 "or +H:MM after the feed's start)")
    if not replay.start_ms <= moment <= replay.end_ms:
        raise InputError("--at", f"{text} is outside the feed {replay.source}: it runs from "
                                 f"{format_time(replay.start_ms)} to {format_time(replay.end_ms)}")
    return moment


def wants_briefing(args) -> bool:
    return bool(args.feed or args.journal or args.layout or args.subtitle or args.impact_sensor
                or Path(args.out).suffix.lower() == ".pdf")


def run(args) -> int:
    language = check_language(args.lang)
    if args.feed and args.journal:
        raise InputError("--journal", "give --feed or --journal, not both")
    if args.at and not args.feed:
        raise InputError("--at", "a time is a moment of a recorded feed: give --feed F with --at")
    briefing = wants_briefing(args)
    if briefing:
        from console.ui.briefing import check_output

        out, layout = check_output(args.out, args.layout)
    else:
        out, layout = Path(args.out), None
        if out.suffix.lower() != ".png":
            raise InputError(out, f"unknown snapshot format {out.suffix or '(no suffix)'!r}: use .png or .pdf")
    size = parse_size(args.size) if args.size else (None if briefing else (1600, 1000))
    extent = parse_extent(args.extent) if args.extent else None
    _make_folder(out)
    rules = None
    if args.feed:
        from console.model.rules import RuleSet

        rules = RuleSet.load(args.rules) if args.rules else None  # a bad rules file fails before the feed is read
    loaded = _load_layers(args)
    feed, sensor_layers = None, []
    if args.feed:
        table, sensor_layers = _sensor_table(loaded[0], "--feed")
        feed = FeedAtMoment(args.feed, table, rules, args.at)  # read and played while Qt starts
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from console.ui.app import application

    application(language)
    renderer, title = _renderer(args, loaded)
    if not renderer.layers:
        raise InputError(args.out, "nothing to draw: no layers were opened")
    if not briefing:
        from console.ui.snapshot import render_snapshot

        _save_png(render_snapshot(renderer, *size, extent, title), out)
    else:
        from console.ui.briefing import write_briefing

        page = _briefing(args, renderer, title, extent, feed, sensor_layers)
        if args.impact_sensor:
            _add_impact(page, args.impact_sensor, keep_extent=extent is not None)
        write_briefing(page, out, layout, size)
    print(out.resolve(), file=sys.stdout)
    return 0


def _save_png(image, out: Path) -> None:
    """Save beside ``out`` and rename: a failed write leaves no half a PNG (nor harms an older one)."""
    import contextlib
    import tempfile

    try:
        handle, name = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".part", dir=out.parent)
    except OSError as exc:
        raise InputError(out, f"cannot write here: {exc.strerror}") from None
    os.close(handle)
    temporary = Path(name)
    try:
        if not image.save(str(temporary), "PNG"):
            raise InputError(out, "cannot write the PNG (is the disk full?)")
        os.chmod(temporary, 0o644)
        os.replace(temporary, out)
    finally:
        with contextlib.suppress(FileNotFoundError):
            temporary.unlink()


def _make_folder(out: Path) -> None:
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(out, f"cannot make the folder {out.parent}: {exc.strerror or exc}") from None


def _load_layers(args):
    """The catalogs' and files' layers (no Qt yet), their basemaps' catalogs, and the page title."""
    from console.commands.open import DEMO_CATALOG
    from console.geo.catalog import load_catalog
    from console.geo.readers import read_layers
    from console.model.autostyle import auto_style

    catalogs = [load_catalog(path) for path in (args.catalog or ([] if args.open else [DEMO_CATALOG]))]
    layers = [layer for catalog in catalogs for layer in catalog.load_layers()]
    for path in args.open:
        for layer in read_layers(path, encoding=args.encoding):
            layer.style = auto_style(layer, len(layers))
            layers.append(layer)
    return layers, catalogs


def _renderer(args, loaded=None):
    from console.ui.i18n import layer_title
    from console.ui.map.basemap import open_basemaps
    from console.ui.map.renderer import MapRenderer

    layers, catalogs = loaded or _load_layers(args)
    renderer = MapRenderer()
    for layer in layers:
        renderer.add_layer(layer)
    for catalog in catalogs:
        for basemap in open_basemaps(catalog):
            renderer.add_basemap(basemap)
    title = args.title or (layer_title(catalogs[0]) if catalogs else Path(args.open[0]).stem if args.open else "")
    return renderer, title


def _sensor_table(layers, option: str):
    from console.model.layer import GeometryKind
    from console.model.sensors import SensorTable

    layers = [layer for layer in layers if layer.is_sensor_layer and layer.kind is GeometryKind.POINT]
    if not layers:
        raise InputError(option, "the map has no sensor layers to show this state on")
    return SensorTable.from_layers(layers), layers


class FeedAtMoment:
    """A recorded feed played through the rules to ``--at`` on a worker thread.

    Reading the feed waits mostly on the reading child process, so the command
    starts Qt and builds the renderer meanwhile; ``result`` gives the replay or
    raises what went wrong.
    """

    def __init__(self, feed, table, rules, at: str | None):
        import threading

        self.replay = None
        self.error: BaseException | None = None
        self._args = (feed, table, rules, at)
        self.thread = threading.Thread(target=self._run, name="snapshot-feed", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        from console.feeds.replay import Replay

        feed, table, rules, at = self._args
        try:
            replay = Replay(feed, table, rules)
            self.replay = replay
            replay.advance_to(feed_moment(at, replay))
        except BaseException as exc:  # handed to the main thread by result()
            self.error = exc

    def result(self):
        self.thread.join()
        if self.error is not None:
            if self.replay is not None:
                self.replay.close()
            raise self.error
        return self.replay


def _briefing(args, renderer, title, extent, feed: FeedAtMoment | None, layers):
    from console.ui.briefing import Briefing, default_subtitle
    from console.ui.briefing.build import briefing_from_journal, briefing_from_replay
    from console.ui.live import display_names

    if feed is not None:
        replay = feed.result()
        try:
            return briefing_from_replay(renderer, replay, title, extent=extent, subtitle=args.subtitle,
                                        names=display_names(replay.table, layers))
        finally:
            replay.close()
    if args.journal:
        table, layers = _sensor_table(renderer.layers, "--journal")
        return briefing_from_journal(renderer, args.journal, table, title, extent=extent, subtitle=args.subtitle,
                                     names=display_names(table, layers))
    from datetime import datetime

    now_ms = int(datetime.now().timestamp() * 1000)
    subtitle = default_subtitle(False) if args.subtitle is None else args.subtitle
    return Briefing(renderer, title, now_ms, extent=extent, subtitle=subtitle)


def _add_impact(briefing, sensor_id: str, keep_extent: bool) -> None:
    """The impact of an alarm at ``sensor_id`` on the page: the overlay on its map, the summary in its sidebar.

    Day or night distances follow the page's time (a drill's feed clock). Without
    ``--extent`` the map shows the impact's area, as the window zooms to it.
    """
    from console.impact import ImpactContext
    from console.impact.ground import scale
    from console.ui.impact.overlay import ImpactOverlay
    from console.ui.impact.window import overlay_titles

    renderer = briefing.renderer
    context = ImpactContext([layer for layer in renderer.layers if layer.role or layer.is_sensor_layer])
    try:
        result = context.analyse(sensor_id, when=briefing.when)
    except InputError as exc:
        raise InputError("--impact-sensor", str(exc)) from None
    overlay = ImpactOverlay(renderer, overlay_titles())
    overlay.show(result)
    if not keep_extent:
        minx, miny, maxx, maxy = overlay.extent(result)
        pad = 0.08 * max(maxx - minx, maxy - miny, 200.0 / float(scale(result.y)))
        briefing.extent = (minx - pad, miny - pad, maxx + pad, maxy + pad)
    briefing.impact = result
