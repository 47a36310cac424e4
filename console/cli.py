"""Command line: ``console [FILE...]`` opens the window; subcommands work headless.

Each subcommand lives in ``console/commands/<name>.py`` with ``add_arguments(parser)``
and ``run(args) -> int``; modules are imported only when their command runs, so
``console info`` never loads Qt.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import sys

from console import __version__
from console.errors import InputError

# name -> one-line help; the module console.commands.<name> implements it.
COMMANDS = {
    "open": "open the console window with these files (the default command)",
    "info": "describe the layers of a GIS file",
    "snapshot": "render the map offscreen to a PNG, or a briefing page (PNG or PDF)",
    "clip": "export a span of a drill (a recorded feed) as an animated GIF or WebP",
    "process": "run a recorded feed through the rules into a journal",
    "serve": "run the live engine headless: sources -> rules -> alarms -> journal",
    "scenario": "generate a drill scenario feed and its ground truth",
    "evaluate": "measure alarm quality of a feed against its ground truth",
    "cap": "read CAP warnings (alerts or Atom feeds) and print them normalised",
    "report": "write the shift report of a journal (PDF, CSV or Markdown)",
    "impact": "impact of an alarm at a sensor: radius, facilities, valves to close, nearest units by road",
    "alarms": "list the alarms of a journal with their state, dispatch and deadlines",
    "act": "apply one operator action (acknowledge, dispatch, on-site, close...) to a journal",
}


def available_commands() -> dict[str, str]:
    return {name: text for name, text in COMMANDS.items()
            if importlib.util.find_spec(f"console.commands.{name}") is not None}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="console", description="One-map duty console")
    parser.add_argument("--version", action="version", version=f"console {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, help_text in available_commands().items():
        module = importlib.import_module(f"console.commands.{name}")
        module.add_arguments(sub.add_parser(name, help=help_text, description=help_text))
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    # `console FILE...` and a bare `console` mean `console open ...`.
    if not argv or (argv[0] not in available_commands() and not argv[0].startswith("-")):
        argv.insert(0, "open")
    args = build_parser().parse_args(argv)
    module = importlib.import_module(f"console.commands.{args.command}")
    try:
        return module.run(args)
    except InputError as exc:
        print(f"console {args.command}: {exc}", file=sys.stderr)
        return 2
