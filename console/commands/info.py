"""``console info FILE``: describe the layers of a GIS file, or what a SensorThings service offers (no Qt).

``console info sensorthings+http://HOST/PATH/v1.1`` lists the service's
collections with their counts and every Datastream with its Thing,
ObservedProperty, unit and position.
"""

from __future__ import annotations

import argparse

SENSORTHINGS_PREFIX = "sensorthings+"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", metavar="FILE", help="GeoJSON, GeoPackage, Shapefile, FlatGeobuf or CSV file, "
                                                     "or sensorthings+http://HOST/PATH/v1.1")
    parser.add_argument("--encoding", metavar="E", help="text encoding of a Shapefile .dbf or a CSV (e.g. GBK)")
    parser.add_argument("--layer", metavar="L", help="describe only this layer (GeoPackage)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of text")


def run(args: argparse.Namespace) -> int:
    import json

    if args.file.startswith(SENSORTHINGS_PREFIX):
        return run_sensorthings(args)
    from console.geo.readers import describe

    layers = describe(args.file, args.encoding, layer=args.layer)
    if args.json:
        print(json.dumps({"file": str(args.file), "layers": layers}, ensure_ascii=False, indent=2))
        return 0
    print(format_text(args.file, layers))
    return 0


def format_text(path, layers: list[dict]) -> str:
    """The human-readable report: one block per layer."""
    import json

    lines = [f"{path}: {len(layers)} layer(s)"]
    for layer in layers:
        lines += [
            "",
            f"layer:    {layer['name']}",
            f"driver:   {layer['driver']}",
            f"crs:      {layer['crs'] or '(none)'}",
            f"geometry: {layer['geometry_type'] or '(none)'}",
            f"features: {layer['feature_count']}",
            f"encoding: {layer['encoding'] or '(unknown)'}",
            f"fields:   {', '.join(layer['fields']) or '(none)'}",
        ]
        first = layer["first_feature"]
        if first is None:
            lines.append("first feature: (none)")
            continue
        lines.append("first feature:")
        width = max((len(key) for key in first), default=0)
        for key, value in first.items():
            shown = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
            lines.append(f"  {key.ljust(width)}  {shown}")
    return "\n".join(lines)


def run_sensorthings(args: argparse.Namespace) -> int:
    """``console info sensorthings+URL``: ask the service and print what it offers."""
    import json

    from console.feeds.sensorthings.catalog import describe_service
    from console.feeds.sensorthings.client import ServiceClient

    with ServiceClient(args.file, args.file) as client:
        offered = describe_service(client)
    if args.json:
        print(json.dumps(offered, ensure_ascii=False, indent=2))
    else:
        print(format_service(args.file, offered))
    return 0


def format_service(name: str, offered: dict) -> str:
    """The human-readable report of a SensorThings service."""
    counts = offered["counts"]
    lines = [
        f"{name}: SensorThings service",
        f"collections: {', '.join(offered['collections']) or '(none)'}",
        "counts:      " + ("   ".join(f"{key} {value if value is not None else '?'}" for key, value in counts.items())
                           or "(none)"),
        "",
        f"datastreams: {len(offered['datastreams'])}",
    ]
    for item in offered["datastreams"]:
        where = f"at {item['lon']:.5f}, {item['lat']:.5f} ({item['located_by']})" if item["located_by"] else \
            "no position"
        unit = f" ({item['unit']})" if item["unit"] else ""
        category = f"  category {item['category']}" if item["category"] else ""
        thing = f"  thing {item['thing']!r}" if item["thing"] else ""
        lines.append(f"  {item['id']:>6}  {item['name']!r}{thing}  {item['property'] or '?'}{unit}  {where}{category}")
    if offered["problems"]:
        lines += ["", f"problems: {len(offered['problems'])}"]
        lines += [f"  {problem}" for problem in offered["problems"]]
    return "\n".join(lines)
