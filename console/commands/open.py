"""``console open [FILE...]``: the console window (with no screen: a snapshot PNG instead)."""

from __future__ import annotations

import sys
from pathlib import Path

DEMO_CATALOG = Path(__file__).resolve().parents[2] / "layers" / "demo" / "catalog.toml"


def add_arguments(parser) -> None:
    parser.add_argument("files", nargs="*", help="GIS files or catalog TOML files to open")
    parser.add_argument("--catalog", action="append", default=[], help="a layer catalog TOML")
    parser.add_argument("--demo", action="store_true", help="open the bundled demo city")
    parser.add_argument("--encoding", help="attribute encoding for Shapefile/CSV, e.g. GBK")
    parser.add_argument("--lang", choices=["zh_CN", "en"], help="UI language (default: system locale)")
    parser.add_argument("--snapshot", metavar="PNG", help="render the window's map to PNG and exit")
    parser.add_argument("--operator", metavar="NAME", help="the operator on duty (skips the shift-start question)")
    parser.add_argument("--journal", metavar="DB",
                        help="journal file, created when absent (default: journal.sqlite in the user's data "
                             "folder, or in $CONSOLE_DATA_DIR)")
    parser.add_argument("--rules", metavar="TOML", help="alarm rules (default: assets/rules/default_rules.toml)")


def run(args) -> int:
    from console.model.rules import RuleSet

    rules = RuleSet.load(args.rules) if args.rules else None  # a bad rules file stops here, before any window
    from console.ui.app import application, has_display

    app = application(args.lang)
    from console.ui.main_window import MainWindow
    from console.ui.shift import ask_operator, default_journal_path

    window = MainWindow(rules=rules)
    snapshot = args.snapshot
    if snapshot is None and not has_display():
        snapshot = str(Path("out") / "console-demo.png" if args.demo else Path("out") / "console.png")
        print("console: no display found; rendering the map offscreen instead", file=sys.stderr)
    if args.journal or not snapshot:
        # Before the sensor layers: the alarm book is restored from the journal.
        window.open_journal(args.journal or default_journal_path())
    if args.operator:
        window.set_operator(args.operator)
    paths = ([str(DEMO_CATALOG)] if args.demo else []) + args.catalog + args.files
    window.open_paths(paths, encoding=args.encoding)
    window.canvas.zoom_full()
    if snapshot:
        Path(snapshot).parent.mkdir(parents=True, exist_ok=True)
        path = window.save_snapshot(snapshot)
        print(path.resolve())
        window.session.close()
        return 2 if window.errors else 0
    if not args.operator:
        operator = ask_operator(window)
        if operator:
            window.set_operator(operator)
    window.show()
    code = app.exec()
    window.session.close()
    return code
