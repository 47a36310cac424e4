"""The demo city: a seeded generator of a fictional river city's layers and sensors.

``python -m console.demo.city --out layers/demo`` writes ``city.gpkg`` and ``catalog.toml``.
Modules: ``terrain`` (outline, river, tributaries, lakes), ``roads``, ``districts``,
``networks`` (pipes, valves, cables, utility tunnels), ``places`` (blocks, facilities,
metro, hazardous-chemical sites, pumping stations), ``sensors``, ``cartography``
(the catalog and its styles), helpers ``shapes``, ``frame`` and ``names``.
"""
