"""``console evaluate FEED --truth TRUTH.json``: how well the console's alarms matched what really happened."""

from __future__ import annotations

import argparse


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("feed", metavar="FEED", help="recorded feed: JSON Lines or CSV, plain or .gz")
    parser.add_argument("--truth", required=True, metavar="TRUTH.json", help="ground truth (as `console scenario` writes)")
    sensors = parser.add_mutually_exclusive_group()
    sensors.add_argument("--catalog", metavar="C", help="layer catalog whose sensor layers to use (default: demo city)")
    sensors.add_argument("--sensors", metavar="FILE", nargs="+", help="sensor layer file(s) instead of a catalog")
    parser.add_argument("--rules", metavar="R", help="rules TOML file (default: assets/rules/default_rules.toml)")
    parser.add_argument("--lead", type=float, default=120.0, metavar="S",
                        help="an alarm up to S seconds before a sensor's onset still belongs to it (default 120)")
    parser.add_argument("--grace", type=float, default=600.0, metavar="S",
                        help="... and up to S seconds after its end (default 600)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")


def run(args: argparse.Namespace) -> int:
    import json

    from console.commands.process import load_sensor_layers
    from console.feeds.evaluate import alarms_from_feed, evaluate, format_evaluation, load_truth

    truth = load_truth(args.truth)  # a broken truth file fails before the feed is read
    layers = load_sensor_layers(args.catalog, args.sensors)
    alarms, read = alarms_from_feed(args.feed, layers, args.rules)
    figures = evaluate(alarms, truth, lead_s=args.lead, grace_s=args.grace).as_dict()
    figures = {"feed": str(args.feed), "truth": str(args.truth), **read, **figures}
    if args.json:
        print(json.dumps(figures, ensure_ascii=False, indent=2))
    else:
        print(f"feed:  {args.feed} ({read['readings']} readings, {read['sensors']} sensors, "
              f"{read['rejected_lines']} rejected lines)")
        print(f"truth: {args.truth} ({truth.get('scenario', '?')}, seed {truth.get('seed', '?')})")
        print(format_evaluation(figures))
    return 0
