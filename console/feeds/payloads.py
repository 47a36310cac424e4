"""Message payloads to reading columns: pure functions, no network, no threads (no Qt).

A live source hands over raw messages, ``(topic, payload bytes, arrival ms)``, a
whole batch at a time; ``parse_messages`` turns them into one ``ReadingBatch`` and
a list of rejections. It never raises on what a message contains: anything it
cannot use is a ``Rejected`` record with a reason and the topic.

Payload kinds
-------------
``json``
    One reading, ``{"t": ..., "value": ..., "quality": ...}`` (``quality``
    optional; ``sensor`` optional when the topic names the sensor), or a gateway's
    batch ``{"readings": [{"sensor": ..., "t": ..., "value": ...}, ...]}``.
    ``t`` is RFC 3339 with an offset or epoch milliseconds; other keys are ignored.
``number``
    A bare decimal number, timed on arrival; the topic names the sensor.

Topic templates
---------------
``city/{category}/{sensor}/reading``: literal levels must match; each
``{name}`` takes one whole level; ``{sensor}`` (optional) is the sensor id.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from enum import StrEnum

import numpy as np

from console.feeds.timefmt import parse_rfc3339
from console.model.readings import QUALITY_BY_NAME, ReadingBatch

PAYLOAD_KINDS = ("json", "number")
DEFAULT_MAX_PAYLOAD_BYTES = 64 * 1024
MAX_SENSOR_ID_CHARS = 200
# Epoch milliseconds of 0001-01-01 and 10000-01-01: the times RFC 3339 can write.
_T_MIN_MS, _T_MAX_MS = -62135596800000, 253402300800000
_NUMBER = re.compile(rb"\s*-?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?\s*")
_PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")


class Reason(StrEnum):
    """Why a message or a reading was not accepted."""

    OVERSIZED = "oversized"  # payload larger than the source's max_payload_bytes
    MALFORMED = "malformed"  # not JSON / not a number
    WRONG_TYPE = "wrong_type"  # a field of the wrong JSON type, or a value that is not finite
    MISSING_FIELD = "missing_field"
    BAD_TIME = "bad_time"  # a time that is not RFC 3339 with an offset, or out of range
    BAD_QUALITY = "bad_quality"
    TOPIC_MISMATCH = "topic_mismatch"  # the topic does not fit the sensor template
    UNKNOWN_SENSOR = "unknown_sensor"  # the adapter knows its sensors and this is not one


@dataclass(frozen=True)
class Rejected:
    """One rejected message or reading: the reason, the topic and a short detail (never the payload)."""

    reason: Reason
    topic: str
    detail: str = ""


class TemplateError(ValueError):
    """A topic template or subscription that cannot work; the message says why."""


@dataclass(frozen=True)
class TopicTemplate:
    """Where the sensor id sits in a topic, e.g. ``city/{category}/{sensor}/reading``.

    Parameters
    ----------
    text : str
        The template; ``TopicTemplate.parse`` checks it.
    levels : tuple of str
        Its levels; a placeholder level is ``{name}``.
    sensor_level : int or None
        Index of the ``{sensor}`` level, None when topics carry no sensor.
    """

    text: str
    levels: tuple[str, ...]
    sensor_level: int | None

    @classmethod
    def parse(cls, text: str) -> TopicTemplate:
        """Check a template and compile it; TemplateError says what is wrong."""
        if not isinstance(text, str) or not text:
            raise TemplateError("the sensor template is empty")
        if "+" in text or "#" in text:
            raise TemplateError(f"{text!r}: a sensor template names levels with {{...}}; "
                                f"the wildcards + and # belong in topics")
        levels = tuple(text.split("/"))
        names: list[str] = []
        for level in levels:
            match = _PLACEHOLDER.fullmatch(level)
            if match:
                names.append(match.group(1))
            elif "{" in level or "}" in level:
                raise TemplateError(f"{text!r}: the level {level!r} is neither literal nor one whole {{name}}")
        duplicated = sorted({name for name in names if names.count(name) > 1})
        if duplicated:
            raise TemplateError(f"{text!r}: {{{duplicated[0]}}} appears more than once")
        sensor_level = levels.index("{sensor}") if "sensor" in names else None
        return cls(text, levels, sensor_level)

    def check_subscriptions(self, topics) -> None:
        """TemplateError unless every subscription is a valid filter and can deliver topics the template fits."""
        for topic in topics:
            check_topic_filter(topic)
            if not self._can_match(topic.split("/")):
                raise TemplateError(f"the sensor template {self.text!r} fits no topic of the subscription {topic!r}")

    def _can_match(self, filter_levels: list[str]) -> bool:
        for index, level in enumerate(filter_levels):
            if level == "#":
                return True
            if index >= len(self.levels):
                return False
            mine = self.levels[index]
            if level != "+" and not mine.startswith("{") and mine != level:
                return False
        return len(filter_levels) == len(self.levels)

    def sensor_of(self, topic: str) -> str | None:
        """The sensor id in ``topic`` ("" when the template names none); None when the topic does not fit."""
        if not self.levels:  # ANY_TOPIC
            return ""
        parts = topic.split("/")
        levels = self.levels
        if len(parts) != len(levels):
            return None
        for part, level in zip(parts, levels, strict=True):
            if part != level and not (level.startswith("{") and part):
                return None
        return "" if self.sensor_level is None else parts[self.sensor_level]


ANY_TOPIC = TopicTemplate("", (), None)  # no template: any topic; payloads name their sensors


def check_topic_filter(topic: str) -> None:
    """TemplateError unless ``topic`` is a valid MQTT subscription filter."""
    if not isinstance(topic, str) or not topic:
        raise TemplateError("a subscription topic is empty")
    levels = topic.split("/")
    for index, level in enumerate(levels):
        if "#" in level and (level != "#" or index != len(levels) - 1):
            raise TemplateError(f"{topic!r}: # must be a whole level and the last one")
        if "+" in level and level != "+":
            raise TemplateError(f"{topic!r}: + must be a whole level")


@dataclass(frozen=True)
class PayloadSpec:
    """How one source's messages are read: topic template, payload kind, size limit."""

    template: TopicTemplate
    kind: str = "json"
    max_payload_bytes: int = DEFAULT_MAX_PAYLOAD_BYTES


@dataclass
class ParsedMessages:
    """What ``parse_messages`` made of a batch of messages.

    Attributes
    ----------
    batch : ReadingBatch
        The usable readings, in message order (``line`` is 0).
    topic : ndarray of str (object)
        The topic each reading of ``batch`` came on.
    rejected : list of Rejected
        One per rejected message, or per rejected reading inside a gateway batch.
    """

    batch: ReadingBatch
    topic: np.ndarray
    rejected: list[Rejected]


class _Columns:
    """Reading columns being filled (plain lists; turned into arrays once per batch)."""

    __slots__ = ("sensor", "t", "value", "quality", "topic", "text_times")

    def __init__(self):
        self.sensor: list[str] = []
        self.t: list[int] = []
        self.value: list[float] = []
        self.quality: list[int] = []
        self.topic: list[str] = []
        self.text_times: list[tuple[int, str]] = []  # (row, RFC 3339 text), parsed together at the end


def _reading(entry, sensor: str, topic: str, out: _Columns, rejected: list[Rejected]) -> None:
    """Append one JSON reading object to ``out``, or one rejection to ``rejected``."""
    if not isinstance(entry, dict):
        rejected.append(Rejected(Reason.WRONG_TYPE, topic, f"a reading is a JSON {type(entry).__name__}, not an object"))
        return
    given = entry.get("sensor")
    if given is not None:
        if not isinstance(given, str) or not given or len(given) > MAX_SENSOR_ID_CHARS:
            rejected.append(Rejected(Reason.WRONG_TYPE, topic, "sensor is not a non-empty string of at most "
                                                                f"{MAX_SENSOR_ID_CHARS} characters"))
            return
        if sensor and given != sensor:
            rejected.append(Rejected(Reason.TOPIC_MISMATCH, topic, f"sensor {given!r} in the payload, "
                                                                    f"{sensor!r} in the topic"))
            return
        sensor = given
    if not sensor:
        rejected.append(Rejected(Reason.MISSING_FIELD, topic, "no sensor in the topic or the reading"))
        return
    if "t" not in entry or "value" not in entry:
        missing = "t" if "t" not in entry else "value"
        rejected.append(Rejected(Reason.MISSING_FIELD, topic, f"{sensor}: no {missing!r}"))
        return
    value = entry["value"]
    if type(value) is not float and type(value) is not int:
        rejected.append(Rejected(Reason.WRONG_TYPE, topic, f"{sensor}: value is a {_json_type(value)}, not a number"))
        return
    try:
        value = float(value)
    except OverflowError:  # an integer beyond any float
        value = math.inf
    if not math.isfinite(value):
        rejected.append(Rejected(Reason.WRONG_TYPE, topic, f"{sensor}: value is not finite"))
        return
    quality = entry.get("quality", 0)
    if type(quality) is str:
        code = QUALITY_BY_NAME.get(quality)
        if code is None:
            rejected.append(Rejected(Reason.BAD_QUALITY, topic, f"{sensor}: quality {quality[:40]!r}"))
            return
        quality = int(code)
    elif type(quality) is not int or not 0 <= quality <= 2:
        rejected.append(Rejected(Reason.BAD_QUALITY, topic, f"{sensor}: quality is not good, suspect, bad or 0..2"))
        return
    t = entry["t"]
    if type(t) is int or type(t) is float:
        if not _T_MIN_MS <= t < _T_MAX_MS:  # NaN fails this too
            rejected.append(Rejected(Reason.BAD_TIME, topic, f"{sensor}: t out of range"))
            return
        t = int(t)
    elif type(t) is str:
        out.text_times.append((len(out.t), t))
        t = 0
    else:
        rejected.append(Rejected(Reason.WRONG_TYPE, topic, f"{sensor}: t is a {_json_type(t)}"))
        return
    out.sensor.append(sensor)
    out.t.append(t)
    out.value.append(value)
    out.quality.append(quality)
    out.topic.append(topic)


def _json_type(value) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, str):
        return "string"
    return "list" if isinstance(value, list) else "object"


def parse_messages(messages, spec: PayloadSpec) -> ParsedMessages:
    """Turn raw messages into reading columns and rejections; never raises on message content.

    Parameters
    ----------
    messages : iterable of (str, bytes, int)
        Topic, payload and arrival time (UTC epoch ms), in arrival order.
    spec : PayloadSpec
    """
    out = _Columns()
    rejected: list[Rejected] = []
    template, limit, is_json = spec.template, spec.max_payload_bytes, spec.kind == "json"
    sensor_of = template.sensor_of
    loads = json.loads
    for topic, payload, arrival_ms in messages:
        if len(payload) > limit:
            rejected.append(Rejected(Reason.OVERSIZED, topic, f"{len(payload)} bytes, at most {limit} accepted"))
            continue
        sensor = sensor_of(topic)
        if sensor is None:
            rejected.append(Rejected(Reason.TOPIC_MISMATCH, topic, f"does not fit {template.text!r}"))
            continue
        if not is_json:
            _number(topic, payload, sensor, arrival_ms, out, rejected)
            continue
        try:
            document = loads(payload)
        except (ValueError, RecursionError):  # UnicodeDecodeError is a ValueError
            rejected.append(Rejected(Reason.MALFORMED, topic, "not JSON"))
            continue
        if type(document) is dict and "readings" in document:
            readings = document["readings"]
            if type(readings) is not list:
                rejected.append(Rejected(Reason.WRONG_TYPE, topic, "readings is not a list"))
                continue
            if sensor or not _plain_batch(readings, topic, out):
                for entry in readings:
                    _reading(entry, sensor, topic, out, rejected)
        else:
            _reading(document, sensor, topic, out, rejected)
    return _finish(out, rejected)


def _plain_batch(readings: list, topic: str, out: _Columns) -> bool:
    """A gateway batch in one pass per column when every reading is plain (else False, nothing added).

    Plain: sensor a short string, ``t`` integer epoch ms in range, ``value`` a finite
    number, ``quality`` absent or 0..2. Anything else goes reading by reading, with reasons.
    """
    try:
        sensors = [entry["sensor"] for entry in readings]
        times = [entry["t"] for entry in readings]
        values = [entry["value"] for entry in readings]
        qualities = [entry.get("quality", 0) for entry in readings]
    except (KeyError, TypeError, AttributeError):
        return False
    if not readings:
        return True
    # Type checks with map() over builtins: C loops, no Python step per reading.
    if not (set(map(type, sensors)) == {str} and set(map(type, times)) == {int}
            and set(map(type, values)) <= {float, int} and set(map(type, qualities)) == {int}):
        return False
    lengths = list(map(len, sensors))
    if min(lengths) == 0 or max(lengths) > MAX_SENSOR_ID_CHARS or min(qualities) < 0 or max(qualities) > 2:
        return False
    try:
        t_ms = np.array(times, dtype=np.int64)
        value = np.array(values, dtype=np.float64)
    except OverflowError:
        return False
    if t_ms.min() < _T_MIN_MS or t_ms.max() >= _T_MAX_MS or not np.isfinite(value).all():
        return False
    out.sensor.extend(sensors)
    out.t.extend(times)
    out.value.extend(value.tolist())
    out.quality.extend(qualities)
    out.topic.extend([topic] * len(sensors))
    return True


def _number(topic: str, payload: bytes, sensor: str, arrival_ms: int, out: _Columns,
            rejected: list[Rejected]) -> None:
    if not sensor:
        rejected.append(Rejected(Reason.MISSING_FIELD, topic, "a bare number needs the sensor in the topic"))
        return
    if not _NUMBER.fullmatch(payload):
        rejected.append(Rejected(Reason.MALFORMED, topic, "not a decimal number"))
        return
    value = float(payload)
    if not math.isfinite(value):
        rejected.append(Rejected(Reason.WRONG_TYPE, topic, f"{sensor}: value is not finite"))
        return
    out.sensor.append(sensor)
    out.t.append(int(arrival_ms))
    out.value.append(value)
    out.quality.append(0)
    out.topic.append(topic)


def _finish(out: _Columns, rejected: list[Rejected]) -> ParsedMessages:
    """The columns as arrays; readings whose RFC 3339 time does not parse are moved to ``rejected``."""
    t_ms = np.array(out.t, dtype=np.int64)
    keep = None
    if out.text_times:
        rows = np.array([row for row, _ in out.text_times], dtype=np.int64)
        parsed, ok = parse_rfc3339([text for _, text in out.text_times])
        t_ms[rows[ok]] = parsed[ok]
        if not ok.all():
            keep = np.ones(len(t_ms), dtype=bool)
            keep[rows[~ok]] = False
            for row in rows[~ok].tolist():
                rejected.append(Rejected(Reason.BAD_TIME, out.topic[row],
                                         f"{out.sensor[row]}: t is not RFC 3339 with an offset"))
    sensor = np.empty(len(out.sensor), dtype=object)
    sensor[:] = out.sensor
    topic = np.empty(len(out.topic), dtype=object)
    topic[:] = out.topic
    batch = ReadingBatch(sensor=sensor, t_ms=t_ms, value=np.array(out.value, dtype=np.float64),
                         quality=np.array(out.quality, dtype=np.uint8))
    if keep is not None:
        batch, topic = batch.take(keep), topic[keep]
    return ParsedMessages(batch, topic, rejected)
