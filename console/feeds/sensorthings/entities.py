"""SensorThings entities as the console needs them: pure parse functions, no I/O, no Qt.

``parse_datastream`` reads a Datastream with its Thing (and the Thing's
Locations), ObservedProperty and Sensor expanded; ``parse_observations`` reads a
page of Observations into NumPy columns, a page at a time, and says why each
unusable one was refused. Nothing here raises on bad content: a problem is
returned with the entity it belongs to.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np

from console.feeds.timefmt import parse_rfc3339
from console.model.readings import QUALITY_BY_NAME, Quality

GEOJSON_TYPES = ("application/geo+json", "application/vnd.geo+json", "application/geojson")


class Reason(StrEnum):
    """Why an observation was refused."""

    MALFORMED = "malformed"  # not a JSON object
    MISSING_FIELD = "missing_field"
    BAD_TIME = "bad_time"
    NOT_A_NUMBER = "not_a_number"
    UNKNOWN_DATASTREAM = "unknown_datastream"
    UNKNOWN_SENSOR = "unknown_sensor"


@dataclass(frozen=True)
class Datastream:
    """One Datastream of a service, with what its Thing, ObservedProperty and Sensor say.

    Attributes
    ----------
    key : str
        The Datastream's ``@iot.id`` as text (how observations name it).
    name, description : str
    thing_key, thing : str
        The Thing's ``@iot.id`` as text and its name ("" when not expanded).
    thing_properties : dict
    property, property_definition : str
        The ObservedProperty's name and definition.
    sensor : str
        The Sensor's name.
    unit : str
        ``unitOfMeasurement`` symbol, else its name.
    lon, lat : float or None
        WGS 84 position: the Thing's first point Location, else the Datastream's
        ``observedArea`` when it is a point.
    located_by : str
        ``"Location"``, ``"observedArea"`` or ``""`` (no position).
    phenomenon_time : str
        The Datastream's ``phenomenonTime`` (the span its observations cover), as given.
    """

    key: str
    name: str = ""
    description: str = ""
    thing_key: str = ""
    thing: str = ""
    thing_properties: dict = field(default_factory=dict, compare=False)
    property: str = ""
    property_definition: str = ""
    sensor: str = ""
    unit: str = ""
    lon: float | None = None
    lat: float | None = None
    located_by: str = ""
    phenomenon_time: str = ""


def entity_key(value) -> str | None:
    """An ``@iot.id`` as text (ids may be numbers or strings); None when it is neither."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, str) and value:
        return value
    return None


def parse_datastream(entity) -> tuple[Datastream | None, str | None]:
    """A Datastream entity (Thing, ObservedProperty, Sensor expanded or not) -> (Datastream, problem).

    The problem is None when all is well; a Datastream is still returned when only
    the position is missing (its ``located_by`` is then ``""``).
    """
    if not isinstance(entity, dict):
        return None, "a Datastream that is not a JSON object"
    key = entity_key(entity.get("@iot.id"))
    if key is None:
        return None, "a Datastream without an @iot.id"
    thing = entity.get("Thing") if isinstance(entity.get("Thing"), dict) else {}
    observed = entity.get("ObservedProperty") if isinstance(entity.get("ObservedProperty"), dict) else {}
    sensor = entity.get("Sensor") if isinstance(entity.get("Sensor"), dict) else {}
    unit = entity.get("unitOfMeasurement") if isinstance(entity.get("unitOfMeasurement"), dict) else {}
    lon = lat = None
    located_by = ""
    problem = None
    for location in thing.get("Locations") or ():
        point = _location_point(location)
        if point is not None:
            lon, lat = point
            located_by = "Location"
            break
    if located_by == "":
        point = _geojson_point(entity.get("observedArea"))
        if point is not None:
            lon, lat = point
            located_by = "observedArea"
        else:
            problem = "no position: its Thing has no point Location and its observedArea is not a point"
    properties = thing.get("properties")
    return Datastream(
        key=key,
        name=_str(entity.get("name")),
        description=_str(entity.get("description")),
        thing_key=entity_key(thing.get("@iot.id")) or "",
        thing=_str(thing.get("name")),
        thing_properties=dict(properties) if isinstance(properties, dict) else {},
        property=_str(observed.get("name")),
        property_definition=_str(observed.get("definition")),
        sensor=_str(sensor.get("name")),
        unit=_str(unit.get("symbol")) or _str(unit.get("name")),
        lon=lon,
        lat=lat,
        located_by=located_by,
        phenomenon_time=_str(entity.get("phenomenonTime")),
    ), problem


def _location_point(location) -> tuple[float, float] | None:
    if not isinstance(location, dict):
        return None
    encoding = location.get("encodingType")
    if isinstance(encoding, str) and encoding.lower() not in GEOJSON_TYPES:
        return None
    return _geojson_point(location.get("location"))


def _geojson_point(geometry) -> tuple[float, float] | None:
    """(lon, lat) of a GeoJSON Point (or a Feature holding one) within WGS 84 bounds; None otherwise."""
    if isinstance(geometry, dict) and geometry.get("type") == "Feature":
        geometry = geometry.get("geometry")
    if not isinstance(geometry, dict) or geometry.get("type") != "Point":
        return None
    coordinates = geometry.get("coordinates")
    if not isinstance(coordinates, list) or len(coordinates) < 2:
        return None
    lon, lat = coordinates[0], coordinates[1]
    if not all(type(v) in (int, float) and math.isfinite(v) for v in (lon, lat)):
        return None
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
        return None
    return float(lon), float(lat)


def _str(value) -> str:
    return value.strip() if isinstance(value, str) else ""


@dataclass
class ObservationColumns:
    """The observations of a page as columns, and the entities that could not be read at all.

    A row is any observation with an ``@iot.id`` and a readable ``phenomenonTime``,
    so that polling can tell it was seen; ``problem`` says why a row holds no
    usable reading (its result is not a number, its Datastream is unknown, ...).

    Attributes
    ----------
    ids : list
        Each observation's ``@iot.id`` (as the service gave it).
    datastream : ndarray of object
        The Datastream key (text) of each observation ("" when the page did not say).
    start_ms : ndarray of int64
        Start of ``phenomenonTime`` (the instant itself for an instant): what the service orders and filters by.
    t_ms : ndarray of int64
        The reading's time: the end of an interval, else the instant.
    value : ndarray of float64
        NaN where there is a problem.
    quality : ndarray of uint8
    problem : ndarray of object
        None, or (Reason, detail) for a row without a usable reading.
    rejected : list of (id, Reason, detail)
        Entities that make no row (no id, no readable time).
    """

    ids: list
    datastream: np.ndarray
    start_ms: np.ndarray
    t_ms: np.ndarray
    value: np.ndarray
    quality: np.ndarray
    problem: np.ndarray
    rejected: list

    def __len__(self) -> int:
        return len(self.ids)

    @property
    def usable(self) -> np.ndarray:
        """Rows that hold a reading."""
        return np.equal(self.problem, None)

    def take(self, keep: np.ndarray) -> ObservationColumns:
        """The rows where ``keep`` is true (``rejected`` stays)."""
        rows = np.flatnonzero(keep)
        return ObservationColumns([self.ids[i] for i in rows.tolist()], self.datastream[rows], self.start_ms[rows],
                                  self.t_ms[rows], self.value[rows], self.quality[rows], self.problem[rows],
                                  self.rejected)


_QUALITY_WORDS = {name: int(q) for name, q in QUALITY_BY_NAME.items()}


def parse_observations(values: list, datastream: str | None = None) -> ObservationColumns:
    """A page's Observation entities -> columns.

    An observation needs an ``@iot.id`` and a ``phenomenonTime`` (an RFC 3339
    instant or a ``start/end`` interval) to make a row. Its reading needs a finite
    numeric ``result`` and its Datastream: expanded (``Datastream: {"@iot.id":
    ...}``) or, when the page is one Datastream's Observations, given as
    ``datastream``. ``resultQuality`` of ``good``/``suspect``/``bad`` (a text, or the
    ``quality`` member of an object) sets the reading's quality; anything else is good.
    """
    ids: list = []
    streams: list = []
    starts: list = []
    ends: list = []
    results: list = []
    qualities: list = []
    problems: list = []
    rejected: list = []
    for entity in values:
        if not isinstance(entity, dict):
            rejected.append((None, Reason.MALFORMED, "an Observation that is not a JSON object"))
            continue
        oid = entity.get("@iot.id")
        if entity_key(oid) is None:
            rejected.append((None, Reason.MISSING_FIELD, "an Observation without an @iot.id"))
            continue
        when = entity.get("phenomenonTime")
        if not isinstance(when, str):
            rejected.append((oid, Reason.MISSING_FIELD, f"Observation {oid}: no phenomenonTime"))
            continue
        start, _, end = when.partition("/")
        stream = datastream
        expanded = entity.get("Datastream")
        if isinstance(expanded, dict):
            stream = entity_key(expanded.get("@iot.id"))
        result = entity.get("result")
        problem = None
        if stream is None:
            problem = (Reason.MISSING_FIELD, f"Observation {oid}: no Datastream @iot.id")
        elif type(result) not in (int, float) or not math.isfinite(result):
            problem = (Reason.NOT_A_NUMBER, f"Observation {oid}: result {_shown(result)} is not a number")
            result = math.nan
        ids.append(oid)
        streams.append(stream or "")
        starts.append(start)
        ends.append(end or start)
        results.append(result if problem is None else math.nan)
        qualities.append(_quality(entity.get("resultQuality")))
        problems.append(problem)
    start_ms, start_ok = parse_rfc3339(starts)
    end_ms, end_ok = parse_rfc3339(ends)
    problem_column = np.empty(len(problems), dtype=object)
    problem_column[:] = problems
    columns = ObservationColumns(ids, np.array(streams, dtype=object), start_ms, end_ms,
                                 np.array(results, dtype=np.float64), np.array(qualities, dtype=np.uint8),
                                 problem_column, rejected)
    ok = start_ok & end_ok
    if not ok.all():
        for row in np.flatnonzero(~ok).tolist():
            shown = starts[row] if not start_ok[row] else ends[row]
            rejected.append((ids[row], Reason.BAD_TIME, f"Observation {ids[row]}: phenomenonTime {_shown(shown)} "
                             "is not an RFC 3339 time with an offset"))
        columns = columns.take(ok)
    return columns


def _quality(value) -> int:
    if isinstance(value, dict):
        value = value.get("quality")
    if isinstance(value, str):
        return _QUALITY_WORDS.get(value.strip().lower(), int(Quality.GOOD))
    return int(Quality.GOOD)


def _shown(value) -> str:
    if isinstance(value, str):
        return repr(value[:40])
    if isinstance(value, dict | list):
        return "an object" if isinstance(value, dict) else "a list"
    return "null" if value is None else repr(value)
