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


def run(args) -> int:
    from console.ui.app import application, has_display

    app = application(args.lang)
    from console.ui.main_window import MainWindow

    window = MainWindow()
    paths = ([str(DEMO_CATALOG)] if args.demo else []) + args.catalog + args.files
    window.open_paths(paths, encoding=args.encoding)
    window.canvas.zoom_full()
    snapshot = args.snapshot
    if snapshot is None and not has_display():
        snapshot = str(Path("out") / "console-demo.png" if args.demo else Path("out") / "console.png")
        print("console: no display found; rendering the map offscreen instead", file=sys.stderr)
    if snapshot:
        Path(snapshot).parent.mkdir(parents=True, exist_ok=True)
        path = window.save_snapshot(snapshot)
        print(path.resolve())
        return 2 if window.errors else 0
    window.show()
    return app.exec()
