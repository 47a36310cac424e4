"""Adapters from source configs, through the feed registry, and the sensors sources supply (no Qt).

Passwords are looked up here, when the adapter is built: from the environment
variable the source names, else from the system keyring when the ``keyring``
package is importable (service ``duty-console``, user: the source's name). They
go straight into the adapter, which never shows them.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from console.errors import InputError
from console.feeds.base import FeedAdapter, create_adapter
from console.feeds.timefmt import parse_time_value
from console.sources.config import CapSource, MqttSource, ReplaySource, SensorThingsSource, SourceConfig

KEYRING_SERVICE = "duty-console"
# Source kind -> (registered adapter kind, module that registers it).
ADAPTER_KINDS = {"mqtt": ("mqtt", "console.feeds.mqtt"), "replay": ("recorded", "console.feeds.recorded"),
                 "sensorthings": ("sensorthings", "console.feeds.sensorthings.adapter"),
                 "cap": ("cap", "console.feeds.cap_adapter")}


@dataclass
class SuppliedLayers:
    """The sensor layers that sources supply themselves, and what was left out.

    Attributes
    ----------
    layers : list of VectorLayer
        One point layer per source that supplies sensors (a SensorThings service).
    discoveries : dict of str to Discovery
        Per source name: what its service offered (handed to its adapter, so it is not asked twice).
    problems : list of str
        Datastreams left out, each message naming the source and the service URL.
    """

    layers: list = field(default_factory=list)
    discoveries: dict = field(default_factory=dict)
    problems: list = field(default_factory=list)


def supplied_sensor_layers(sources: Iterable[SourceConfig]) -> SuppliedLayers:
    """Ask every source that can supply its own sensors (SensorThings) for them.

    Raises
    ------
    InputError
        A service cannot be asked (unreachable, HTTP error, not JSON, ...): the
        message names the source and the URL.
    """
    supplied = SuppliedLayers()
    for source in sources:
        if not isinstance(source, SensorThingsSource):
            continue
        from console.feeds.sensorthings.catalog import discover, sensor_layer, supplied_sensors
        from console.feeds.sensorthings.client import ServiceClient

        where = _where(source)
        with ServiceClient(source.url, where, timeout_s=source.timeout_s) as client:
            discovery = discover(client)
        sensors = supplied_sensors(discovery, source.id, source.mapping)
        supplied.discoveries[source.name] = discovery
        supplied.problems += [f"{where}: {source.url}: {problem}" for problem in sensors.problems]
        layer = sensor_layer(sensors, source.name, source.url)
        if layer is not None:
            supplied.layers.append(layer)
    return supplied


def build_adapters(sources: Iterable[SourceConfig], *, known_sensors: Iterable[str] | None = None,
                   environ: Mapping[str, str] | None = None, discoveries: Mapping | None = None) -> list[FeedAdapter]:
    """One adapter per source, in order; none started. InputError naming the source when one cannot be built.

    ``discoveries`` (from ``supplied_sensor_layers``) spares SensorThings adapters asking their service again.
    """
    known = None if known_sensors is None else frozenset(known_sensors)
    return [build_adapter(source, known_sensors=known, environ=environ,
                          discovery=(discoveries or {}).get(source.name)) for source in sources]


def build_adapter(source: SourceConfig, *, known_sensors: Iterable[str] | None = None,
                  environ: Mapping[str, str] | None = None, discovery=None) -> FeedAdapter:
    """The adapter of one source (not started)."""
    kind, module = ADAPTER_KINDS[source.kind]
    importlib.import_module(module)  # registers the kind
    if isinstance(source, SensorThingsSource):
        return create_adapter(
            kind, source.name, url=source.url, poll_s=source.poll_s, id_template=source.id,
            page_size=source.page_size, since_ms=None if source.since is None else parse_time_value(source.since),
            backfill_s=source.backfill_s, timeout_s=source.timeout_s, retry_max_s=source.retry_max_s,
            stale_after_s=source.stale_after_s, known_sensors=known_sensors, discovery=discovery,
        )
    if isinstance(source, MqttSource):
        return create_adapter(
            kind, source.name, host=source.host, port=source.port, topics=source.topics, sensor=source.sensor,
            payload=source.payload, qos=source.qos, client_id=source.client_id, protocol=source.protocol,
            session_expiry_s=source.session_expiry_s, keepalive_s=source.keepalive_s, username=source.username,
            password=_password(source, os.environ if environ is None else environ),
            tls_ca=_text_path(source.tls_ca), tls_cert=_text_path(source.tls_cert),
            tls_key=_text_path(source.tls_key), max_payload_bytes=source.max_payload_bytes,
            max_queued_messages=source.max_queued_messages, reconnect_min_s=source.reconnect_min_s,
            reconnect_max_s=source.reconnect_max_s, stale_after_s=source.stale_after_s,
            known_sensors=known_sensors,
        )
    if isinstance(source, CapSource):
        return create_adapter(kind, source.name, path=source.path, url=source.url, poll_s=source.poll_s,
                              timeout_s=source.timeout_s, lonlat_circles=source.lonlat_circles,
                              stale_after_s=source.stale_after_s)
    if isinstance(source, ReplaySource):
        return create_adapter(kind, source.path, speed=source.speed, reorder_window_s=source.reorder_window_s,
                              name=source.name, stale_after_s=source.stale_after_s, retime=source.retime)
    raise TypeError(f"not a source config: {type(source).__name__}")


def _password(source: MqttSource, environ: Mapping[str, str]) -> str | None:
    if source.password_env is None:
        return None
    password = environ.get(source.password_env)
    if password is not None:
        return password
    try:
        keyring = importlib.import_module("keyring")
    except ImportError:
        keyring = None
    if keyring is not None:
        try:
            password = keyring.get_password(KEYRING_SERVICE, source.name)
        except Exception:  # noqa: BLE001 - no usable keyring backend is the same as no entry
            password = None
        if password is not None:
            return password
    where = " or the system keyring" if keyring is not None else ""
    raise InputError(_where(source), f"no password: the environment variable {source.password_env!r}{where} "
                                     "holds none", key="password_env")


def _text_path(path) -> str | None:
    return None if path is None else str(path)


def _where(source: SourceConfig) -> str:
    return f"{source.origin}: source {source.name!r}" if source.origin else f"source {source.name!r}"
