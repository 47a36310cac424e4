"""Adapters from source configs, through the feed registry (no Qt).

Passwords are looked up here, when the adapter is built: from the environment
variable the source names, else from the system keyring when the ``keyring``
package is importable (service ``duty-console``, user: the source's name). They
go straight into the adapter, which never shows them.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Iterable, Mapping

from console.errors import InputError
from console.feeds.base import FeedAdapter, create_adapter
from console.sources.config import MqttSource, ReplaySource, SourceConfig

KEYRING_SERVICE = "duty-console"
# Source kind -> (registered adapter kind, module that registers it).
ADAPTER_KINDS = {"mqtt": ("mqtt", "console.feeds.mqtt"), "replay": ("recorded", "console.feeds.recorded")}


def build_adapters(sources: Iterable[SourceConfig], *, known_sensors: Iterable[str] | None = None,
                   environ: Mapping[str, str] | None = None) -> list[FeedAdapter]:
    """One adapter per source, in order; none started. InputError naming the source when one cannot be built."""
    known = None if known_sensors is None else frozenset(known_sensors)
    return [build_adapter(source, known_sensors=known, environ=environ) for source in sources]


def build_adapter(source: SourceConfig, *, known_sensors: Iterable[str] | None = None,
                  environ: Mapping[str, str] | None = None) -> FeedAdapter:
    """The adapter of one source (not started)."""
    kind, module = ADAPTER_KINDS[source.kind]
    importlib.import_module(module)  # registers the kind
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
