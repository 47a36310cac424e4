"""Impact analysis of an alarm: radius, facilities and people, isolation trace, nearest units by road.

Qt-free. ``ImpactContext`` (context.py) holds the city's layers by catalog role and the
indexes and graphs built once on them; ``ImpactContext.analyse`` gives an
``ImpactResult`` (result.py), which ``export`` writes as CSV or GeoJSON. The tables it
reads (radii, substances, speeds) are in tables.py and the TOML files beside it.
"""

from console.impact.context import TRACED_NETWORKS, ImpactContext
from console.impact.export import write_csv, write_geojson
from console.impact.result import ImpactResult
from console.impact.tables import ImpactTables, load_tables

__all__ = ["TRACED_NETWORKS", "ImpactContext", "ImpactResult", "ImpactTables", "load_tables", "write_csv",
           "write_geojson"]
