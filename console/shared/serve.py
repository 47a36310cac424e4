"""``console serve --journal postgresql://...``: the alarm service on the shared journal, until SIGTERM or SIGINT.

The database is checked before anything starts (a wrong address, refused
credentials, another program's database or a newer schema end it with the
reason, exit 2); after that a lost database is waited for, not fatal. Each
change of state (standby, active, lost the database) is a line on stderr; at
the end a short summary is printed (``--json``: as JSON).
"""

from __future__ import annotations

import json
import signal
import sys
import threading

from console.model.rules import RuleEngine
from console.shared.service import AlarmService, Parts

__all__ = ["serve_shared"]


def serve_shared(args, table, ruleset, build_adapters) -> int:
    """Run the service on ``table``'s sensors with ``ruleset``; ``build_adapters()`` gives unstarted adapters."""

    def build() -> Parts:
        fresh = table.fresh_copy()
        return Parts(fresh, RuleEngine(ruleset, fresh), build_adapters())

    def say(line: str) -> None:
        print(f"console serve: {line}", file=sys.stderr, flush=True)

    service = AlarmService(args.journal, build, on_state=say)
    service.check()
    stop = threading.Event()

    def on_signal(signum, frame) -> None:
        stop.set()

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        service.run(stop, args.duration)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    summary = {"journal": service.where, "sensors": len(table), "terms": service.terms,
               "commands_applied": service.commands_applied, "last_seq": service.last_seq,
               "last_error": service.last_error}
    if args.json:
        print(json.dumps(summary, ensure_ascii=False, indent=2))
    else:
        print("\n".join(f"{key}: {value}" for key, value in summary.items() if value is not None))
    return 0
