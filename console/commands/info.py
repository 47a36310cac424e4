"""``console info FILE``: describe the layers of a GIS file (no window, no Qt)."""

from __future__ import annotations

import argparse


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", metavar="FILE", help="GeoJSON, GeoPackage, Shapefile, FlatGeobuf or CSV file")
    parser.add_argument("--encoding", metavar="E", help="text encoding of a Shapefile .dbf or a CSV (e.g. GBK)")
    parser.add_argument("--layer", metavar="L", help="describe only this layer (GeoPackage)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of text")


def run(args: argparse.Namespace) -> int:
    import json

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
