"""What a SensorThings service offers, and the sensor layer it supplies (no Qt).

``discover`` walks the service's Datastreams with their Thing (and its
Locations), ObservedProperty and Sensor expanded. ``sensor_ids`` names each
Datastream's sensor with the source's id template; ``sensor_layer`` turns the
located, classified ones into a point layer with the fields of a sensor
catalog (docs/sensors.md), ready for ``SensorTable.from_layers`` and the map.

Where a sensor's attributes come from, later ones winning: the mapping's
defaults, the Thing's ``properties`` (``category``, ``owner``, ``district``),
the mapping for its ObservedProperty's name, the mapping for its Thing's name.
The quantity defaults to the ObservedProperty's name (lower case, words joined
by ``_``), the unit to the ``unitOfMeasurement`` symbol.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from console.feeds.sensorthings.client import DEFAULT_MAX_PAGES, ServiceClient
from console.feeds.sensorthings.entities import Datastream, parse_datastream
from console.feeds.sensorthings.mapping import SensorMapping, quantity_name, sensor_id

DATASTREAM_EXPAND = "Thing($expand=Locations),ObservedProperty,Sensor"
DISCOVERY_PAGE = 200


@dataclass(frozen=True)
class Discovery:
    """What the walk over a service's Datastreams found.

    Attributes
    ----------
    root : str
    datastreams : tuple of Datastream
    problems : tuple of str
        Datastreams refused or without a position, one message each.
    """

    root: str
    datastreams: tuple[Datastream, ...]
    problems: tuple[str, ...] = ()
    by_key: dict = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self):
        self.by_key.update({d.key: d for d in self.datastreams})


def discover(client: ServiceClient, *, page_size: int = DISCOVERY_PAGE, max_pages: int = DEFAULT_MAX_PAGES) -> Discovery:
    """Every Datastream of the service with its Thing, Locations, ObservedProperty and Sensor (ServiceError on failure)."""
    datastreams: list[Datastream] = []
    problems: list[str] = []
    seen: set[str] = set()
    params = {"$expand": DATASTREAM_EXPAND, "$top": str(page_size), "$orderby": "id asc"}
    for page in client.pages("Datastreams", params, max_pages=max_pages):
        for entity in page.values:
            datastream, problem = parse_datastream(entity)
            if datastream is None:
                problems.append(problem)
                continue
            if datastream.key in seen:
                continue  # a page boundary that moved while walking: the first copy stands
            seen.add(datastream.key)
            datastreams.append(datastream)
            if problem is not None:
                problems.append(f"Datastream {datastream.key} {datastream.name!r}: {problem}")
    return Discovery(client.root, tuple(datastreams), tuple(problems))


def sensor_ids(discovery: Discovery, template: str = "{id}") -> dict[str, str]:
    """Datastream key -> sensor id, for every Datastream (located or not)."""
    return {d.key: sensor_id(d, template) for d in discovery.datastreams}


@dataclass(frozen=True)
class SuppliedSensors:
    """The sensors a service supplies, as a sensor catalog's columns, and the Datastreams left out.

    Attributes
    ----------
    columns : dict of str to list
        ``id``, ``name``, ``category``, ``quantity``, ``unit``, ``district``, ``owner``,
        ``datastream``, ``thing``, ``lon``, ``lat``: one entry per sensor.
    problems : tuple of str
        Why each left-out Datastream was left out.
    """

    columns: dict
    problems: tuple[str, ...]

    def __len__(self) -> int:
        return len(self.columns["id"])


def supplied_sensors(discovery: Discovery, template: str = "{id}",
                     mapping: SensorMapping | None = None) -> SuppliedSensors:
    """The sensors of the located Datastreams whose category is known (from the Thing or the mapping)."""
    from console.model.sensors import CATEGORIES

    mapping = mapping or SensorMapping()
    names = ("id", "name", "category", "quantity", "unit", "district", "owner", "datastream", "thing", "lon", "lat")
    columns: dict[str, list] = {name: [] for name in names}
    problems: list[str] = []
    taken: dict[str, str] = {}
    for datastream in discovery.datastreams:
        where = f"Datastream {datastream.key} {datastream.name!r}"
        if not datastream.located_by:
            problems.append(f"{where}: left out: no position (its Thing has no point Location and its "
                            "observedArea is not a point)")
            continue
        attributes = mapping.attributes(datastream)
        category = attributes.get("category", "")
        if category not in CATEGORIES:
            said = f"category {category!r} is not one of {', '.join(CATEGORIES)}" if category else \
                "no category (neither its Thing's properties nor the source's mapping give one)"
            problems.append(f"{where}: left out: {said}")
            continue
        quantity = attributes.get("quantity") or quantity_name(datastream.property)
        if not quantity:
            problems.append(f"{where}: left out: no quantity (no ObservedProperty name, none in the mapping)")
            continue
        ident = sensor_id(datastream, template)
        if ident in taken:
            problems.append(f"{where}: left out: the id template gives it the id {ident!r} of Datastream "
                            f"{taken[ident]}")
            continue
        taken[ident] = datastream.key
        for name, value in (("id", ident), ("name", datastream.name or datastream.thing or ident),
                            ("category", category), ("quantity", quantity),
                            ("unit", attributes.get("unit") or datastream.unit),
                            ("district", attributes.get("district", "")), ("owner", attributes.get("owner", "")),
                            ("datastream", datastream.key), ("thing", datastream.thing),
                            ("lon", datastream.lon), ("lat", datastream.lat)):
            columns[name].append(value)
    return SuppliedSensors(columns, tuple(problems))


def sensor_layer(sensors: SuppliedSensors, name: str, source: str):
    """A point layer (display CRS) of the supplied sensors, flagged as a sensor layer; None when there are none."""
    import pandas as pd

    from console.geo.crs import to_display
    from console.model.layer import GeometryKind, VectorLayer

    if not len(sensors):
        return None
    x, y = to_display(np.array(sensors.columns["lon"]), np.array(sensors.columns["lat"]), "EPSG:4326", source=source)
    attributes = pd.DataFrame({key: values for key, values in sensors.columns.items() if key not in ("lon", "lat")})
    return VectorLayer(name, GeometryKind.POINT, None, source, "EPSG:4326", title=name, group="SensorThings",
                       is_sensor_layer=True, xy=(x, y), table=attributes)


COUNTED = ("Things", "Locations", "Datastreams", "Observations")


def describe_service(client: ServiceClient) -> dict:
    """What a service offers, as plain data (``console info sensorthings+URL``); ServiceError on failure.

    The root document's collections and conformance classes, the number of
    entities of each counted collection (``$count``), and every Datastream with
    its Thing, ObservedProperty, unit, position and time span.
    """
    root = client.get("")
    if not isinstance(root, dict) or not isinstance(root.get("value"), list):
        from console.feeds.sensorthings.client import Failure, ServiceError

        raise ServiceError(client.source, client.root, Failure.NOT_A_COLLECTION,
                           "the service root is not a SensorThings root document (no \"value\" list)")
    collections = [item.get("name") for item in root["value"] if isinstance(item, dict) and item.get("name")]
    settings = root.get("serverSettings") if isinstance(root.get("serverSettings"), dict) else {}
    counts = {}
    for name in COUNTED:
        if name in collections:
            counts[name] = client.page(name, {"$count": "true", "$top": "0"}).count
    discovery = discover(client)
    return {
        "url": client.root,
        "collections": collections,
        "conformance": [c for c in settings.get("conformance", []) if isinstance(c, str)],
        "counts": counts,
        "datastreams": [
            {"id": d.key, "name": d.name, "thing": d.thing, "property": d.property, "unit": d.unit,
             "sensor": d.sensor, "lon": d.lon, "lat": d.lat, "located_by": d.located_by,
             "category": d.thing_properties.get("category", ""), "phenomenon_time": d.phenomenon_time}
            for d in discovery.datastreams
        ],
        "problems": list(discovery.problems),
    }
