"""Reading a sources file: TOML ``[[source]]`` tables to typed, frozen configs, every key checked.

An error names the file, the source (its name and position) and the key, and
says what is wrong; an unknown key or kind is an error, never ignored.
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

from console.errors import InputError
from console.feeds.payloads import PAYLOAD_KINDS, TemplateError, TopicTemplate, check_topic_filter
from console.feeds.sensorthings.mapping import MAPPING_KEYS, SensorMapping, check_id_template
from console.feeds.timefmt import parse_time_value
from console.sources.config import CapSource, MqttSource, ReplaySource, SensorThingsSource, SourceConfig

PROTOCOLS = ("3.1.1", "5")


class _Bad(ValueError):
    """A key's value is wrong; the message says how (``key``: which one, when the check spans several)."""

    def __init__(self, problem: str, key: str | None = None):
        super().__init__(problem)
        self.key = key


# --- value checks: each returns the value as the config holds it, or raises _Bad ---------------


def _text(value, folder: Path) -> str:
    if not isinstance(value, str) or not value.strip():
        raise _Bad(f"must be a non-empty string, not {_shown(value)}")
    return value


def _port(value, folder: Path) -> int:
    if type(value) is not int or not 1 <= value <= 65535:
        raise _Bad(f"must be a whole number from 1 to 65535, not {_shown(value)}")
    return value


def _whole(low: int) -> Callable:
    def check(value, folder: Path) -> int:
        if type(value) is not int or value < low:
            raise _Bad(f"must be a whole number of at least {low}, not {_shown(value)}")
        return value

    return check


def _positive(value, folder: Path) -> float:
    if type(value) not in (int, float) or not math.isfinite(value) or value <= 0:
        raise _Bad(f"must be a positive number, not {_shown(value)}")
    return float(value)


def _not_negative(value, folder: Path) -> float:
    if type(value) not in (int, float) or not math.isfinite(value) or value < 0:
        raise _Bad(f"must be a number of at least 0, not {_shown(value)}")
    return float(value)


def _boolean(value, folder: Path) -> bool:
    if type(value) is not bool:
        raise _Bad(f"must be true or false, not {_shown(value)}")
    return value


def _one_of(*choices) -> Callable:
    def check(value, folder: Path):
        if value not in choices or type(value) is not type(choices[0]):
            raise _Bad(f"must be one of {', '.join(repr(c) for c in choices)}, not {_shown(value)}")
        return value

    return check


def _topics(value, folder: Path) -> tuple[str, ...]:
    if not isinstance(value, list) or not value:
        raise _Bad(f"must be a non-empty list of topic filters, not {_shown(value)}")
    for topic in value:
        if not isinstance(topic, str):
            raise _Bad(f"must list topic filters as strings, not {_shown(topic)}")
        try:
            check_topic_filter(topic)
        except TemplateError as exc:
            raise _Bad(str(exc)) from None
    return tuple(value)


def _template(value, folder: Path) -> str:
    try:
        TopicTemplate.parse(value)
    except TemplateError as exc:
        raise _Bad(str(exc)) from None
    return value


def _existing_file(value, folder: Path) -> Path:
    path = Path(_text(value, folder)).expanduser()
    path = path if path.is_absolute() else folder / path
    if not path.is_file():
        raise _Bad(f"no such file: {path}")
    return path


def _existing_path(value, folder: Path) -> Path:
    path = Path(_text(value, folder)).expanduser()
    path = path if path.is_absolute() else folder / path
    if not path.exists():
        raise _Bad(f"no such file or folder: {path}")
    return path


def _feed_url(value, folder: Path) -> str:
    text = _text(value, folder).strip()
    parts = urlsplit(text)
    if parts.scheme == "mqtt" and parts.netloc and (parts.path.strip("/") or "#" in text):
        return text  # CAP documents as MQTT messages
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise _Bad(f"must be an http:// or https:// URL (or mqtt://HOST:PORT/TOPIC), not {_shown(text)}")
    return text


def _env_name(value, folder: Path) -> str:
    text = _text(value, folder)
    if "=" in text or any(c.isspace() for c in text):
        raise _Bad(f"must name an environment variable, not {_shown(text)}")
    return text


def _http_url(value, folder: Path) -> str:
    text = _text(value, folder).strip()
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise _Bad(f"must be an http:// or https:// URL, not {_shown(text)}")
    if parts.query or parts.fragment:
        raise _Bad(f"must be the service root, without a query or fragment, not {_shown(text)}")
    return text.rstrip("/")


def _id_template(value, folder: Path) -> str:
    text = _text(value, folder)
    try:
        check_id_template(text)
    except ValueError as exc:
        raise _Bad(f"{_shown(text)}: {exc}") from None
    return text


def _rfc3339(value, folder: Path) -> str:
    if not isinstance(value, str) or parse_time_value(value) is None:
        raise _Bad(f"must be an RFC 3339 time with an offset (2026-07-21T03:15:00+08:00), not {_shown(value)}")
    return value


def _mapping(value, folder: Path) -> SensorMapping:
    """``[source.mapping]``: defaults, then ``property."NAME"`` and ``thing."NAME"`` tables of the same keys."""
    if not isinstance(value, dict):
        raise _Bad(f"must be a table, not {_shown(value)}")
    default = _mapping_pairs(value, "mapping", nested=("property", "thing"))
    by = {}
    for part in ("property", "thing"):
        tables = value.get(part, {})
        if not isinstance(tables, dict) or not all(isinstance(t, dict) for t in tables.values()):
            raise _Bad(f'must hold tables, one per name ([source.mapping.{part}."NAME"])', key=f"mapping.{part}")
        by[part] = tuple((name, _mapping_pairs(table, f"mapping.{part}.{name!r}")) for name, table in tables.items())
    return SensorMapping(default, by["property"], by["thing"])


def _mapping_pairs(table: dict, where: str, nested: tuple[str, ...] = ()) -> tuple[tuple[str, str], ...]:
    from console.model.sensors import CATEGORIES

    pairs = []
    for key, value in table.items():
        if key in nested:
            continue
        if key not in MAPPING_KEYS:
            known = ", ".join((*MAPPING_KEYS, *nested))
            raise _Bad(f"unknown key {key!r} (known: {known})", key=f"{where}.{key}")
        if not isinstance(value, str) or not value.strip():
            raise _Bad(f"must be a non-empty string, not {_shown(value)}", key=f"{where}.{key}")
        if key == "category" and value not in CATEGORIES:
            raise _Bad(f"{_shown(value)} is not one of {', '.join(CATEGORIES)}", key=f"{where}.{key}")
        pairs.append((key, value.strip()))
    return tuple(pairs)


def _shown(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return repr(value[:60])
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a table"
    return repr(value)


_COMMON = {"kind": _text, "name": _text}
_MQTT = {
    **_COMMON, "host": _text, "port": _port, "topics": _topics, "sensor": _template,
    "payload": _one_of(*PAYLOAD_KINDS), "qos": _one_of(0, 1, 2), "client_id": _text, "protocol": _one_of(*PROTOCOLS),
    "session_expiry_s": _whole(0), "keepalive_s": _positive, "username": _text, "password_env": _env_name,
    "tls_ca": _existing_file, "tls_cert": _existing_file, "tls_key": _existing_file,
    "max_payload_bytes": _whole(1), "max_queued_messages": _whole(1), "reconnect_min_s": _positive,
    "reconnect_max_s": _positive, "stale_after_s": _positive,
}
_REPLAY = {**_COMMON, "path": _existing_file, "speed": _positive, "retime": _boolean,
           "reorder_window_s": _not_negative, "stale_after_s": _positive}
_SENSORTHINGS = {**_COMMON, "url": _http_url, "poll_s": _positive, "id": _id_template, "page_size": _whole(1),
                 "since": _rfc3339, "backfill_s": _not_negative, "timeout_s": _positive, "retry_max_s": _positive,
                 "stale_after_s": _positive, "mapping": _mapping}
_CAP = {**_COMMON, "path": _existing_path, "url": _feed_url, "poll_s": _positive, "timeout_s": _positive,
        "lonlat_circles": _boolean, "stale_after_s": _positive}
_KINDS: dict[str, tuple[dict[str, Callable], tuple[str, ...], type]] = {
    "mqtt": (_MQTT, ("topics",), MqttSource),
    "replay": (_REPLAY, ("path",), ReplaySource),
    "sensorthings": (_SENSORTHINGS, ("url",), SensorThingsSource),
    "cap": (_CAP, (), CapSource),
}


def load_sources(path: str | Path) -> tuple[SourceConfig, ...]:
    """Read and check a sources file; InputError naming the file, source and key on any problem."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(path, f"cannot read the sources file: {exc}") from None
    return parse_sources(text, path)


def parse_sources(text: str, origin: str | Path = "sources.toml") -> tuple[SourceConfig, ...]:
    """Check the text of a sources file; relative paths in it are relative to ``origin``'s folder."""
    origin = Path(origin)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(origin, f"not valid TOML: {exc}") from None
    unknown = sorted(set(data) - {"source"})
    if unknown:
        raise InputError(origin, f"unknown key {unknown[0]!r} (a sources file holds [[source]] tables only)",
                         key=unknown[0])
    tables = data.get("source", [])
    if not isinstance(tables, list) or not all(isinstance(t, dict) for t in tables):
        raise InputError(origin, "sources are [[source]] tables", key="source")
    sources = []
    names: set[str] = set()
    for number, table in enumerate(tables, start=1):
        source = _source(table, number, origin)
        if source.name in names:
            raise InputError(origin, f"a second source named {source.name!r}; names must be unique",
                             key=f"source #{number}")
        names.add(source.name)
        sources.append(source)
    return tuple(sources)


def _source(table: dict, number: int, origin: Path) -> SourceConfig:
    name = table.get("name")
    where = f"source #{number}" + (f" {name!r}" if isinstance(name, str) and name else "")
    kind = table.get("kind")
    if kind is None:
        raise InputError(origin, f"no 'kind' (one of {', '.join(_KINDS)})", key=where)
    if kind not in _KINDS:
        raise InputError(origin, f"unknown kind {_shown(kind)} (known: {', '.join(_KINDS)})", key=f"{where}.kind")
    checks, required, config_type = _KINDS[kind]
    if "password" in table:
        raise InputError(origin, "passwords are never written in the sources file; name an environment "
                                 "variable with password_env", key=f"{where}.password")
    for key in table:
        if key not in checks:
            raise InputError(origin, f"unknown key {key!r} for kind {kind!r} (known: {', '.join(sorted(checks))})",
                             key=f"{where}.{key}")
    for key in ("name", *required):
        if key not in table:
            raise InputError(origin, f"{key!r} is required for kind {kind!r}", key=where)
    values = {}
    for key, value in table.items():
        try:
            values[key] = checks[key](value, origin.parent)
        except _Bad as exc:
            raise InputError(origin, str(exc), key=f"{where}.{exc.key or key}") from None
    del values["kind"]
    try:
        _check_together(kind, values)
    except _Bad as exc:
        raise InputError(origin, str(exc), key=f"{where}.{exc.key}" if exc.key else where) from None
    return config_type(**values, origin=origin)


def _check_together(kind: str, values: dict) -> None:
    """Checks that involve several keys of one source."""
    if kind == "cap" and ("path" in values) == ("url" in values):
        raise _Bad("a CAP source needs either 'path' (a file or folder) or 'url' (an Atom/RSS feed), not "
                   + ("both" if "path" in values else "neither"))
    if kind != "mqtt":
        return
    if "sensor" in values:
        try:
            TopicTemplate.parse(values["sensor"]).check_subscriptions(values["topics"])
        except TemplateError as exc:
            raise _Bad(str(exc), key="sensor") from None
    if values.get("payload") == "number" and "{sensor}" not in values.get("sensor", "").split("/"):
        raise _Bad("payload = \"number\" needs a sensor template with {sensor}: a bare number names no sensor")
    if "tls_key" in values and "tls_cert" not in values:
        raise _Bad("tls_key needs tls_cert (the client certificate it belongs to)")
    if "password_env" in values and "username" not in values:
        raise _Bad("password_env needs a username")
    if values.get("reconnect_min_s", 0.5) > values.get("reconnect_max_s", 30.0):
        raise _Bad("reconnect_min_s is larger than reconnect_max_s")
