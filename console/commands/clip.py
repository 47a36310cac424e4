"""``console clip --feed F --from T --to T --step 5min --out FILE.gif``: a drill's span as an animation.

The recorded feed is played through the rules (as a drill) and one frame is drawn
per step, with the feed clock and the drill mark burnt in; the file is an animated
GIF or WebP by its suffix, written whole or not at all.
"""

from __future__ import annotations

import os
import sys

from console.errors import InputError


def add_arguments(parser) -> None:
    parser.add_argument("--feed", metavar="F", required=True, help="the recorded feed of the drill")
    parser.add_argument("--from", dest="start", metavar="T", required=True,
                        help="first frame: RFC 3339 (e.g. 2026-07-21T01:00:00+08:00) or +H:MM after the feed's start")
    parser.add_argument("--to", dest="end", metavar="T", required=True, help="last frame (same forms)")
    parser.add_argument("--step", default="5min", help="feed time between frames, e.g. 5min, 30s, 1h (default 5min)")
    parser.add_argument("--out", metavar="FILE", required=True, help="the clip: .gif or .webp")
    parser.add_argument("--size", default="960x600", help="WIDTHxHEIGHT of the frames (default 960x600)")
    parser.add_argument("--frame-ms", type=int, default=500, help="how long each frame shows (default 500 ms)")
    parser.add_argument("--catalog", action="append", default=[], help="a layer catalog TOML (default: demo city)")
    parser.add_argument("--extent", help="minx,miny,maxx,maxy in longitude/latitude (EPSG:4326)")
    parser.add_argument("--title", help="title above the feed clock (default: the catalog's)")
    parser.add_argument("--lang", help="language of the frames: zh_CN or en (default: system locale)")
    parser.add_argument("--rules", metavar="TOML", help="alarm rules (default: the shipped rules)")


def feed_time(text: str, option: str, replay) -> int:
    from console.commands.open import drill_moment

    moment = drill_moment(text, replay, busiest=False)
    if moment is None:
        raise InputError(option, f"{text!r} is not a time (RFC 3339 like 2026-07-21T03:00:00+08:00, "
                                 "or +H:MM after the feed's start)")
    return moment


def run(args) -> int:
    from pathlib import Path

    from console.commands.report import parse_duration
    from console.commands.snapshot import check_language, parse_extent, parse_size

    language = check_language(args.lang)
    width, height = parse_size(args.size)
    step_ms = parse_duration(args.step, "--step")
    if not 20 <= args.frame_ms <= 60_000:
        raise InputError("--frame-ms", f"{args.frame_ms}: a frame shows for 20..60000 ms")
    extent = parse_extent(args.extent) if args.extent else None
    out = Path(args.out)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from console.ui.clip import check_clip_path

    check_clip_path(out)
    if not out.parent.is_dir():
        raise InputError(out, f"the folder {out.parent} does not exist")
    from console.model.rules import RuleSet

    rules = RuleSet.load(args.rules) if args.rules else None
    from console.ui.app import application

    application(language)
    from console.commands.snapshot import _renderer, _sensor_table
    from console.feeds.replay import Replay
    from console.ui.clip import ClipMaker, check_span, save_clip

    args.open, args.encoding = [], None
    renderer, title = _renderer(args)
    table, _ = _sensor_table(renderer.layers, "--feed")
    replay = Replay(args.feed, table, rules)
    try:
        span = check_span(feed_time(args.start, "--from", replay), feed_time(args.end, "--to", replay), step_ms,
                          replay.start_ms, replay.end_ms, f"the feed {replay.source}")
        maker = ClipMaker(replay, renderer, title, extent, (width, height))
        frames = maker.frames(span, on_frame=_progress if sys.stderr.isatty() else None)
    finally:
        replay.close()
    save_clip(frames, out, args.frame_ms)
    print(out.resolve(), file=sys.stdout)
    return 0


def _progress(done: int, total: int) -> None:
    print(f"\rframe {done}/{total}", end="" if done < total else "\n", file=sys.stderr, flush=True)
