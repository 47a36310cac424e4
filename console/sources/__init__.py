"""Sources: the TOML file naming the feeds a console listens to, and the adapters built from it (no Qt).

- ``config``: the typed, frozen source configs (``MqttSource``, ``ReplaySource``).
- ``file``: reading and validating a sources file (``load_sources``, ``parse_sources``).
- ``build``: adapters from configs through the feed registry (``build_adapters``).

The format is documented in ``docs/sources.md``.
"""

from console.sources.build import build_adapter, build_adapters
from console.sources.config import MqttSource, ReplaySource, SourceConfig
from console.sources.file import load_sources, parse_sources

__all__ = ["MqttSource", "ReplaySource", "SourceConfig", "build_adapter", "build_adapters", "load_sources",
           "parse_sources"]
