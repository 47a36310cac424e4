"""The engine: live sources feeding the sensor table, rules, alarm book and journal (no Qt).

``Engine`` owns the running adapters and one ``Pipeline`` and turns what the
adapters deliver into pipeline batches on one loop. ``console serve`` runs it in
the foreground until told to stop; the window is a client of the same engine.
"""

from console.engine.engine import Engine
from console.engine.health import SourceHealth

__all__ = ["Engine", "SourceHealth"]
