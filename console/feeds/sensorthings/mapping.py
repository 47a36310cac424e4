"""A SensorThings source's naming rules: the sensor id template and the mapping table (no I/O, no Qt).

Kept apart from the HTTP modules so that reading a sources file needs no HTTP library.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass

from console.feeds.sensorthings.entities import Datastream

ID_FIELDS = ("id", "name", "thing", "thing_id", "property", "sensor")
MAPPING_KEYS = ("category", "quantity", "unit", "owner", "district")
THING_KEYS = ("category", "owner", "district")  # read from a Thing's properties
Pairs = tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class SensorMapping:
    """A source's mapping table: attributes for every sensor, by ObservedProperty name, by Thing name.

    Each holds (key, value) pairs with keys from ``MAPPING_KEYS``.
    """

    default: Pairs = ()
    properties: tuple[tuple[str, Pairs], ...] = ()
    things: tuple[tuple[str, Pairs], ...] = ()

    def attributes(self, datastream: Datastream) -> dict[str, str]:
        """The attributes this mapping and the Thing's properties give a Datastream's sensor."""
        attributes = dict(self.default)
        for key in THING_KEYS:
            value = datastream.thing_properties.get(key)
            if isinstance(value, str) and value.strip():
                attributes[key] = value.strip()
        attributes.update(dict(self.properties).get(datastream.property, ()))
        attributes.update(dict(self.things).get(datastream.thing, ()))
        return attributes


def check_id_template(template: str) -> None:
    """ValueError saying what is wrong unless ``template`` names only fields of ``ID_FIELDS``."""
    try:
        parts = list(string.Formatter().parse(template))
    except ValueError as exc:
        raise ValueError(f"not a template: {exc}") from None
    names = [name for _, name, spec, conversion in parts if name is not None]
    for _, name, spec, conversion in parts:
        if name is not None and (name not in ID_FIELDS or spec or conversion):
            raise ValueError(f"{{{name}}} is not one of {', '.join('{' + f + '}' for f in ID_FIELDS)}")
    if not names:
        raise ValueError("names no field: every sensor would get the same id")


def sensor_id(datastream: Datastream, template: str = "{id}") -> str:
    """The sensor id a Datastream gets from the template."""
    return template.format(id=datastream.key, name=datastream.name, thing=datastream.thing,
                           thing_id=datastream.thing_key, property=datastream.property, sensor=datastream.sensor)


def quantity_name(observed_property: str) -> str:
    """An ObservedProperty's name as a quantity: lower case, words joined by ``_`` ("Water Level" -> water_level)."""
    return re.sub(r"\W+", "_", observed_property.strip().lower()).strip("_")
