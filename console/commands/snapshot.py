"""``console snapshot``: render the map offscreen to a PNG for a briefing."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from console.errors import InputError


def add_arguments(parser) -> None:
    parser.add_argument("--out", required=True, help="PNG file to write")
    parser.add_argument("--catalog", action="append", default=[], help="a layer catalog TOML (default: demo city)")
    parser.add_argument("--open", nargs="+", default=[], metavar="FILE", help="more GIS files to draw")
    parser.add_argument("--encoding", help="attribute encoding for Shapefile/CSV")
    parser.add_argument("--size", default="1600x1000", help="WIDTHxHEIGHT in pixels")
    parser.add_argument("--extent", help="minx,miny,maxx,maxy in longitude/latitude (EPSG:4326)")
    parser.add_argument("--title", help="title printed above the map")
    parser.add_argument("--lang", choices=["zh_CN", "en"], help="language of the furniture")


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


def run(args) -> int:
    width, height = parse_size(args.size)
    extent = parse_extent(args.extent) if args.extent else None
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from console.commands.open import DEMO_CATALOG
    from console.geo.catalog import load_catalog
    from console.geo.readers import read_layers
    from console.model.autostyle import auto_style
    from console.ui.app import application

    application(args.lang)
    from console.ui.i18n import layer_title
    from console.ui.map.basemap import open_basemaps
    from console.ui.map.renderer import MapRenderer
    from console.ui.snapshot import render_snapshot

    renderer = MapRenderer()
    catalogs = [load_catalog(path) for path in (args.catalog or ([] if args.open else [DEMO_CATALOG]))]
    for catalog in catalogs:
        for layer in catalog.load_layers():
            renderer.add_layer(layer)
        for basemap in open_basemaps(catalog):
            renderer.add_basemap(basemap)
    for path in args.open:
        for layer in read_layers(path, encoding=args.encoding):
            layer.style = auto_style(layer, len(renderer.layers))
            renderer.add_layer(layer)
    if not renderer.layers:
        raise InputError(args.out, "nothing to draw: no layers were opened")
    title = args.title or (layer_title(catalogs[0]) if catalogs else Path(args.open[0]).stem)
    image = render_snapshot(renderer, width, height, extent, title)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    if not image.save(str(out)):
        raise InputError(out, "cannot write the PNG (is the folder writable?)")
    print(out.resolve(), file=sys.stdout)
    return 0
