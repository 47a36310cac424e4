"""Typed, frozen configs of the sources a sources file names (no Qt, no network)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from console.feeds.sensorthings.mapping import SensorMapping


@dataclass(frozen=True)
class MqttSource:
    """An MQTT broker and the topics read from it (``kind = "mqtt"``).

    Attributes
    ----------
    name : str
    host : str
    port : int
    topics : tuple of str
        Subscription filters.
    sensor : str or None
        Topic template naming the sensor level; None when payloads name their sensors.
    payload : str
        ``"json"`` or ``"number"``.
    qos : int
    client_id : str
        "" lets the adapter derive one from the name and the host name.
    protocol : str
        ``"3.1.1"`` or ``"5"``.
    session_expiry_s : int
    keepalive_s : float
    username : str or None
    password_env : str or None
        Name of the environment variable holding the password (the password itself is never stored).
    tls_ca, tls_cert, tls_key : Path or None
    max_payload_bytes, max_queued_messages : int
    reconnect_min_s, reconnect_max_s, stale_after_s : float
    origin : Path or None
        The sources file it came from, for messages.
    """

    kind: ClassVar[str] = "mqtt"

    name: str
    topics: tuple[str, ...]
    host: str = "127.0.0.1"
    port: int = 1883
    sensor: str | None = None
    payload: str = "json"
    qos: int = 1
    client_id: str = ""
    protocol: str = "3.1.1"
    session_expiry_s: int = 7 * 86400
    keepalive_s: float = 30.0
    username: str | None = None
    password_env: str | None = None
    tls_ca: Path | None = None
    tls_cert: Path | None = None
    tls_key: Path | None = None
    max_payload_bytes: int = 64 * 1024
    max_queued_messages: int = 200_000
    reconnect_min_s: float = 0.5
    reconnect_max_s: float = 30.0
    stale_after_s: float = 300.0
    origin: Path | None = None


@dataclass(frozen=True)
class ReplaySource:
    """A recorded feed file played as a source (``kind = "replay"``).

    Attributes
    ----------
    name : str
    path : Path
    speed : float or None
        Feed seconds per wall-clock second; None plays as fast as the consumer takes it.
    retime : bool
        Shift the feed's times so that it starts now.
    reorder_window_s : float
    stale_after_s : float
    origin : Path or None
    """

    kind: ClassVar[str] = "replay"

    name: str
    path: Path
    speed: float | None = None
    retime: bool = False
    reorder_window_s: float = 300.0
    stale_after_s: float = 300.0
    origin: Path | None = None


@dataclass(frozen=True)
class SensorThingsSource:
    """An OGC SensorThings API 1.1 service, polled for Observations (``kind = "sensorthings"``).

    Attributes
    ----------
    name : str
    url : str
        The service root, ``http://host/FROST-Server/v1.1``.
    poll_s : float
        Wait between walks over new Observations.
    id : str
        Sensor id template (``{id}``: the Datastream's ``@iot.id``; also ``{name}``,
        ``{thing}``, ``{thing_id}``, ``{property}``, ``{sensor}``).
    page_size : int
        ``$top`` of each page.
    since : str or None
        RFC 3339 time to start from; None starts ``backfill_s`` before now.
    backfill_s, timeout_s, retry_max_s, stale_after_s : float
    mapping : SensorMapping
        Category, quantity, unit, owner and district for the sensors the service supplies.
    origin : Path or None
    """

    kind: ClassVar[str] = "sensorthings"

    name: str
    url: str
    poll_s: float = 30.0
    id: str = "{id}"
    page_size: int = 1000
    since: str | None = None
    backfill_s: float = 3600.0
    timeout_s: float = 10.0
    retry_max_s: float = 60.0
    stale_after_s: float = 300.0
    mapping: SensorMapping = SensorMapping()
    origin: Path | None = None


@dataclass(frozen=True)
class CapSource:
    """CAP 1.2 warnings from a file, a watched folder, an Atom/RSS feed over HTTP or an MQTT topic (``kind = "cap"``).

    Exactly one of ``path`` and ``url`` is set.

    Attributes
    ----------
    name : str
    path : Path or None
        A CAP file, or a folder whose ``.xml`` files are read as they appear or change.
    url : str or None
        An Atom or RSS feed listing CAP alerts (each entry's CAP document is fetched once),
        or ``mqtt://HOST:PORT/TOPIC`` whose messages are CAP documents.
    poll_s : float
        How often the file, folder or feed is looked at again.
    timeout_s : float
        Per HTTP request.
    lonlat_circles : bool
        The source writes circle centres as "lon,lat" (CAP says "lat,lon").
    stale_after_s : float
    origin : Path or None
    """

    kind: ClassVar[str] = "cap"

    name: str
    path: Path | None = None
    url: str | None = None
    poll_s: float = 60.0
    timeout_s: float = 10.0
    lonlat_circles: bool = False
    stale_after_s: float = 86400.0
    origin: Path | None = None


SourceConfig = MqttSource | ReplaySource | SensorThingsSource | CapSource
