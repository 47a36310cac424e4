"""Sources: the TOML file naming the feeds a console listens to, and the adapters built from it (no Qt).

- ``config``: the typed, frozen source configs (``MqttSource``, ``ReplaySource``, ``SensorThingsSource``,
  ``CapSource``).
- ``file``: reading and validating a sources file (``load_sources``, ``parse_sources``).
- ``build``: adapters from configs through the feed registry (``build_adapters``), and the sensor
  layers sources supply themselves (``supplied_sensor_layers``).

The format is documented in ``docs/sources.md``.
"""

from console.sources.build import SuppliedLayers, build_adapter, build_adapters, supplied_sensor_layers
from console.sources.config import CapSource, MqttSource, ReplaySource, SensorThingsSource, SourceConfig
from console.sources.file import load_sources, parse_sources

__all__ = ["CapSource", "MqttSource", "ReplaySource", "SensorThingsSource", "SourceConfig", "SuppliedLayers", "build_adapter",
           "build_adapters", "load_sources", "parse_sources", "supplied_sensor_layers"]
