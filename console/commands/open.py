"""``console open [FILE...]``: the console window (with no screen: a snapshot PNG instead)."""

from __future__ import annotations

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
DEMO_CATALOG = REPO / "layers" / "demo" / "catalog.toml"
DEMO_FEED = REPO / "assets" / "feeds" / "demo_rainstorm_gasleak.jsonl.gz"


def add_arguments(parser) -> None:
    parser.add_argument("files", nargs="*", help="GIS files or catalog TOML files to open")
    parser.add_argument("--catalog", action="append", default=[], help="a layer catalog TOML")
    parser.add_argument("--demo", action="store_true", help="open the bundled demo city")
    parser.add_argument("--encoding", help="attribute encoding for Shapefile/CSV, e.g. GBK")
    parser.add_argument("--lang", choices=["zh_CN", "en"],
                        help="UI language (default: the one chosen in the window last time, else the system locale)")
    parser.add_argument("--snapshot", metavar="PNG", help="render the window's map to PNG and exit")
    parser.add_argument("--theme", choices=["light", "dark"],
                        help="light (desk, print) or dark (video wall); default: the one chosen last time")
    parser.add_argument("--wall", action="store_true", help="start in wall mode: full screen, large type (Esc leaves)")
    parser.add_argument("--operator", metavar="NAME", help="the operator on duty (skips the shift-start question)")
    parser.add_argument("--journal", metavar="DB",
                        help="journal file, created when absent (default: journal.sqlite in the user's data "
                             "folder, or in $CONSOLE_DATA_DIR); or postgresql://USER@HOST:PORT/DB: a console on "
                             "the shared alarm state of an alarm service (docs/several-consoles.md)")
    parser.add_argument("--console", metavar="NAME",
                        help="this console's name on the shared state (default: the host name)")
    parser.add_argument("--sources", metavar="S", action="append", default=[],
                        help="sources file (TOML, docs/sources.md): live sources feed the map through the engine "
                             "process; may be given more than once")
    parser.add_argument("--rules", metavar="TOML", help="alarm rules (default: assets/rules/default_rules.toml)")
    parser.add_argument("--drill", metavar="FEED", nargs="?", const=str(DEMO_FEED),
                        help="replay a recorded feed as a drill (default with --demo: the bundled "
                             "rainstorm and gas-leak feed)")
    parser.add_argument("--drill-at", metavar="TIME",
                        help="start the drill at this feed time (RFC 3339, or +H:MM after the feed's start); "
                             "without a screen the default is the moment with the most new alarms")
    parser.add_argument("--speed", type=float, default=0.0,
                        help="play the drill at this speed (1..3600); 0 leaves it paused")


def run(args) -> int:
    from console.model.rules import RuleSet

    rules = RuleSet.load(args.rules) if args.rules else None  # a bad rules file stops here, before any window
    from console.ui.app import application, has_display

    app = application(args.lang, args.theme)
    from console.ui.main_window import MainWindow
    from console.ui.shift import ask_operator, default_journal_path

    window = MainWindow(rules=rules)
    snapshot = args.snapshot
    if snapshot is None and not has_display():
        snapshot = str(Path("out") / "console-demo.png" if args.demo else Path("out") / "console.png")
        print("console: no display found; rendering the map offscreen instead", file=sys.stderr)
    from console.shared import is_postgres_url

    shared = bool(args.journal) and is_postgres_url(args.journal)
    if not shared and (args.journal or not snapshot):
        # Before the sensor layers: the alarm book is restored from the journal.
        window.open_journal(args.journal or default_journal_path())
    if args.operator:
        window.set_operator(args.operator)
    paths = ([str(DEMO_CATALOG)] if args.demo else []) + args.catalog + args.files
    if args.sources and not paths and not sources_supply_sensors(args.sources):
        paths = [str(DEMO_CATALOG)]  # live sources with no sensors of their own watch the demo city
    window.open_paths(paths, encoding=args.encoding)
    window.canvas.zoom_full()
    link = open_shared(window, args) if shared else None
    for sources in args.sources:
        if not window.open_sources(sources):
            print(f"console: {window.errors[-1]}", file=sys.stderr)
            return 2
    if args.sources and snapshot:
        wait_for_sources(app, window)
    if link is not None and snapshot:
        wait_for_shared(app, link)
    if args.drill:
        drill = window.start_drill(args.drill)
        if drill is None:
            print(f"console: {window.errors[-1]}", file=sys.stderr)
            return 2
        moment = drill_moment(args.drill_at, drill.replay, busiest=bool(snapshot))
        if moment is None:
            print(f"console: --drill-at {args.drill_at!r} is not a time in the feed "
                  "(RFC 3339 like 2026-07-01T14:00:00+08:00, or +H:MM after its start)", file=sys.stderr)
            return 2
        window.replay_panel.controller.seek(moment)
        if args.speed > 0 and not snapshot:
            window.replay_panel.controller.set_speed(args.speed)
            window.replay_panel.controller.play()
    if snapshot:
        Path(snapshot).parent.mkdir(parents=True, exist_ok=True)
        path = window.save_snapshot(snapshot)
        print(path.resolve())
        window.leave_drill()
        if link is not None:
            link.stop()
        window.stop_sources()
        window.session.close()
        return 2 if window.errors else 0
    if not args.operator:
        operator = ask_operator(window)
        if operator:
            window.set_operator(operator)
    window.show()
    if args.wall:
        window.ergonomics.set_wall_mode(True)
    code = app.exec()
    if link is not None:
        link.stop()
    window.session.close()
    return code


def wait_for_shared(app, link, timeout_s: float = 10.0) -> None:
    """Until the console has read the shared state once (or said why it cannot): a picture made
    headless shows the service's alarms, not the empty map of the first instant."""
    import time

    from console.shared.client import LIVE, STARTING

    deadline = time.monotonic() + timeout_s
    console = link.console
    while time.monotonic() < deadline and console.reads == 0 and console.status.state in (STARTING, LIVE):
        app.processEvents()
        time.sleep(0.02)
    link.pump()
    link.window.refresh_live()  # the map and the pane now, not at their next tick
    if console.reads == 0:
        print(f"console: {link.banner_text(console.status)}", file=sys.stderr)


def open_shared(window, args):
    """The window as a console on the shared state (``console.ui.shared_link``); its outbox beside the journal."""
    import socket

    from console.ui.shared_link import SharedLink
    from console.ui.shift import default_journal_path

    name = args.console or socket.gethostname()
    return SharedLink(window, args.journal, name, default_journal_path().with_name(f"outbox-{name}.sqlite"))


def wait_for_sources(app, window, timeout_s: float = 20.0) -> None:
    """Without a screen: let the engine start and report its sources once before the picture is taken."""
    import time

    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        app.processEvents()
        link = window.engine_link  # None while the services are asked for their sensors
        if link is not None and (link.end_message is not None or
                                 (link.running and link.mirror.sources and link.mirror.updates > 1)):
            break
        if link is None and window.errors:
            break
        time.sleep(0.05)
    window.canvas.zoom_full()
    app.processEvents()


def sources_supply_sensors(paths) -> bool:
    """Whether any of the sources files has a source that supplies its own sensors (SensorThings)."""
    from console.sources import load_sources
    from console.ui.live_sources import supplies_sensors

    return any(supplies_sensors(load_sources(path)) for path in paths)


def drill_moment(text: str | None, replay, busiest: bool) -> int | None:
    """Feed time (epoch ms) to start a drill at; None when ``text`` is not a time."""
    if text is None:
        if not busiest:
            return replay.start_ms
        replay.build_index()  # the alarm density of the whole feed
        density = replay.alarm_density(72)
        totals = density.counts.sum(axis=0)
        return int(density.edges_ms[int(totals.argmax()) + 1]) if totals.any() else replay.end_ms
    if text.startswith("+"):
        hours, _, minutes = text[1:].partition(":")
        if not hours.isdigit() or (minutes and not minutes.isdigit()):
            return None
        return replay.start_ms + (int(hours) * 60 + int(minutes or 0)) * 60_000
    from console.feeds.timefmt import parse_time_value

    return parse_time_value(text)
