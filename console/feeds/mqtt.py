"""MQTT feeds: readings from a broker, off the GUI thread (paho-mqtt 2.x, no Qt).

Two threads per source. The network thread runs paho's client
(``console.feeds.mqtt_network``), connects, subscribes and reconnects with
exponential backoff and jitter; for each message
it only appends ``(topic, payload, arrival ms)`` to a bounded queue (overflow is
counted, never silent) and goes back to the socket. The adapter's worker drains
that queue every ``parse_interval_s``, parses the whole batch into columns
(``console.feeds.payloads``), drops QoS 1 redeliveries (same sensor and time,
remembered in a bounded set) and readings of unknown sensors, and delivers one
``ReadingBatch``.

The session is persistent (MQTT 3.1.1 ``clean_session=False``; MQTT 5
``clean_start=False`` with a session expiry) so what the broker queued while the
console was away arrives when it returns.
"""

from __future__ import annotations

import contextlib
import logging
import random
import socket
import ssl
import threading
import time
from collections import Counter, deque
from dataclasses import dataclass, field, fields
from enum import StrEnum

import numpy as np
import paho.mqtt.client as paho
from paho.mqtt.enums import CallbackAPIVersion, MQTTErrorCode, MQTTProtocolVersion
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties

from console.errors import InputError
from console.feeds.base import FeedAdapter, FeedHealth, FeedStatus, register_adapter
from console.feeds.mqtt_network import BufferedClient, network_step
from console.feeds.payloads import (
    ANY_TOPIC,
    DEFAULT_MAX_PAYLOAD_BYTES,
    PAYLOAD_KINDS,
    PayloadSpec,
    Reason,
    Rejected,
    TemplateError,
    TopicTemplate,
    check_topic_filter,
    parse_messages,
)

log = logging.getLogger(__name__)

PROTOCOLS = {"3.1.1": MQTTProtocolVersion.MQTTv311, "5": MQTTProtocolVersion.MQTTv5}
RECENT_REJECTED = 50
# CONNACK reasons that retrying cannot cure: the operator has to change the source.
_FATAL_CONNACK = {"Unsupported protocol version", "Client identifier not valid", "Bad user name or password",
                  "Not authorized", "Banned", "Bad authentication method"}


class Link(StrEnum):
    """The connection to the broker, as the Sources pane words it."""

    CONNECTING = "connecting"  # first attempt
    LIVE = "live"
    RECONNECTING = "reconnecting"  # the connection was lost; trying again
    DOWN = "down"  # attempts fail (broker unreachable or refusing); still retrying
    REFUSED = "refused"  # credentials, TLS or protocol refused: retrying cannot help, the adapter ends
    STOPPED = "stopped"


_FEED_STATUS = {Link.CONNECTING: FeedStatus.CONNECTING, Link.LIVE: FeedStatus.LIVE,
                Link.RECONNECTING: FeedStatus.CONNECTING, Link.DOWN: FeedStatus.FAILED,
                Link.REFUSED: FeedStatus.FAILED, Link.STOPPED: FeedStatus.IDLE}


@dataclass(frozen=True)
class MqttHealth(FeedHealth):
    """``FeedHealth`` plus the figures of an MQTT source.

    Attributes
    ----------
    link : Link
    received : int
        Messages received from the broker (including those lost to overflow).
    accepted : int
        Readings delivered (after duplicates and unknown sensors were taken out).
    rejected : int
        Messages (or readings inside a gateway batch) rejected; ``rejected_by_reason`` splits it.
    rejected_by_reason : dict of str to int
    recent_rejected : tuple of Rejected
        The last 50, oldest first.
    overflow : int
        Messages dropped because the raw queue was full (the worker fell behind).
    reconnects : int
        Connections established again after one was lost or failed.
    down_s : float
        Total time without a connection after the first attempt failed or a connection was lost.
    unknown_sensors : int
        Readings of sensors not in the adapter's ``known_sensors``.
    """

    link: Link = Link.CONNECTING
    received: int = 0
    accepted: int = 0
    rejected: int = 0
    rejected_by_reason: dict = field(default_factory=dict)
    recent_rejected: tuple = ()
    overflow: int = 0
    reconnects: int = 0
    down_s: float = 0.0
    unknown_sensors: int = 0


class _Secret:
    """A password that never shows in a repr, a log line or an error."""

    __slots__ = ("_value",)

    def __init__(self, value: str):
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "<hidden>"

    __str__ = __repr__


class _RecentKeys:
    """The last ``capacity`` or so (sensor, time) keys delivered: a QoS 1 redelivery is recognised and dropped.

    Keys are kept in chunks (one per batch) so that forgetting the oldest is one
    set operation per chunk, not a Python step per key.
    """

    def __init__(self, capacity: int):
        self.capacity = int(capacity)
        self._seen: set = set()
        self._chunks: deque[list] = deque()
        self._size = 0

    def fresh(self, sensor: np.ndarray, t_ms: np.ndarray) -> np.ndarray:
        """Mask of readings not seen before (a repeat inside the batch counts as seen); remembers them."""
        keys = list(zip(sensor.tolist(), t_ms.tolist(), strict=True))
        batch_keys = set(keys)
        seen = self._seen
        if len(batch_keys) == len(keys) and seen.isdisjoint(batch_keys):  # the usual case: all new
            keep = np.ones(len(keys), dtype=bool)
            seen |= batch_keys
            added = keys
        else:
            keep = np.zeros(len(keys), dtype=bool)
            added = []
            for row, key in enumerate(keys):
                if key not in seen:
                    keep[row] = True
                    seen.add(key)
                    added.append(key)
        if added:
            self._chunks.append(added)
            self._size += len(added)
        while self._size > self.capacity and len(self._chunks) > 1:
            oldest = self._chunks.popleft()
            seen.difference_update(oldest)
            self._size -= len(oldest)
        return keep


@register_adapter("mqtt", label="MQTT broker", priority=5)
class MqttFeedAdapter(FeedAdapter):
    """Readings from topics of an MQTT broker.

    Parameters
    ----------
    name : str
        The source's name; every error and status message starts with it.
    host, port : str, int
    topics : sequence of str
        Subscription filters (``+`` and ``#`` allowed).
    sensor : str, optional
        Topic template naming the sensor's level (``city/{category}/{sensor}/reading``);
        None when payloads carry the sensor (gateway batches).
    payload : {"json", "number"}
        See ``console.feeds.payloads``.
    qos : {0, 1, 2}
    client_id : str
        Identifies the persistent session on the broker; default from name and host name.
    protocol : {"3.1.1", "5"}
    session_expiry_s : int
        MQTT 5: how long the broker keeps the session while the console is away.
    username : str, optional
    password : str, optional
        Kept hidden: never in a repr, a log or a message.
    tls_ca, tls_cert, tls_key : path, optional
        TLS is used when ``tls_ca`` is given; ``tls_cert``/``tls_key`` for a client certificate.
    max_payload_bytes : int
        Larger messages are rejected (``oversized``).
    max_queued_messages : int
        Bound of the raw queue between the network thread and the parser.
    dedup_keys : int
        How many recent (sensor, time) keys are remembered to drop redeliveries.
    known_sensors : iterable of str, optional
        When given, readings of other sensors are rejected (``unknown_sensor``).
    reconnect_min_s, reconnect_max_s : float
        Backoff between attempts: doubles from min to max, each wait drawn between half and all of it.
    keepalive_s, connect_timeout_s, parse_interval_s : float
    **options
        Passed to ``FeedAdapter`` (``stale_after_s``, ``max_pending_readings``).

    Events
    ------
    As ``FeedAdapter``; each change of ``link`` is one status change (and one log line).
    """

    def __init__(self, name: str = "", *, host: str = "127.0.0.1", port: int = 1883, topics=("#",),
                 sensor: str | None = None, payload: str = "json", qos: int = 1, client_id: str = "",
                 protocol: str = "3.1.1", session_expiry_s: int = 7 * 86400, username: str | None = None,
                 password: str | None = None, tls_ca=None, tls_cert=None, tls_key=None,
                 max_payload_bytes: int = DEFAULT_MAX_PAYLOAD_BYTES, max_queued_messages: int = 200_000,
                 dedup_keys: int = 200_000, known_sensors=None, reconnect_min_s: float = 0.5,
                 reconnect_max_s: float = 30.0, keepalive_s: float = 30.0, connect_timeout_s: float = 10.0,
                 parse_interval_s: float = 0.01, **options):
        super().__init__(name or "mqtt", **options)
        source = f"source {self.name!r}"
        if payload not in PAYLOAD_KINDS:
            raise InputError(source, f"payload must be one of {', '.join(PAYLOAD_KINDS)}, not {payload!r}")
        if protocol not in PROTOCOLS:
            raise InputError(source, f"protocol must be one of {', '.join(PROTOCOLS)}, not {protocol!r}")
        if qos not in (0, 1, 2):
            raise InputError(source, f"qos must be 0, 1 or 2, not {qos!r}")
        topics = tuple(topics)
        if not topics:
            raise InputError(source, "no topics to subscribe to")
        try:
            if sensor is None:
                template = ANY_TOPIC
                for topic in topics:
                    check_topic_filter(topic)
            else:
                template = TopicTemplate.parse(sensor)
                template.check_subscriptions(topics)
        except TemplateError as exc:
            raise InputError(source, str(exc)) from None
        if payload == "number" and template.sensor_level is None:
            raise InputError(source, "a bare-number payload needs {sensor} in the sensor template")
        self.host, self.port, self.topics, self.qos = str(host), int(port), topics, int(qos)
        self.payload_kind, self.protocol = payload, protocol
        self.client_id = client_id or f"console-{self.name}-{socket.gethostname()}"
        self.session_expiry_s = int(session_expiry_s)
        self.username = username
        self._password = None if password is None else _Secret(password)
        self.tls_ca, self.tls_cert, self.tls_key = tls_ca, tls_cert, tls_key
        self.spec = PayloadSpec(template, payload, int(max_payload_bytes))
        self.max_queued_messages = int(max_queued_messages)
        self.known_sensors = None if known_sensors is None else frozenset(known_sensors)
        self.reconnect_min_s, self.reconnect_max_s = float(reconnect_min_s), float(reconnect_max_s)
        self.keepalive_s, self.connect_timeout_s = float(keepalive_s), float(connect_timeout_s)
        self.parse_interval_s = float(parse_interval_s)
        self._raw: deque = deque()
        self._recent_keys = _RecentKeys(dedup_keys)
        self._figures = threading.Lock()
        self._received = self._overflow = 0  # written by the network thread only
        self._accepted = self._rejected_count = self._unknown = self._reconnects = 0
        self._by_reason: Counter = Counter()
        self._recent_rejected: deque[Rejected] = deque(maxlen=RECENT_REJECTED)
        self._link = Link.CONNECTING
        self._down_since: float | None = None
        self._down_total_s = 0.0
        self._fatal: str | None = None  # set when retrying cannot help; ends the adapter
        self._connack_refusal: str | None = None
        self._net_thread: threading.Thread | None = None
        self._closing = threading.Event()  # stop() asked: disconnect, then deliver what arrived

    @property
    def address(self) -> str:
        return f"{'mqtts' if self.tls_ca or self.tls_cert else 'mqtt'}://{self.host}:{self.port}"

    # --- consumer side ----------------------------------------------------------
    def stop(self, timeout_s: float = 5.0) -> None:
        """Disconnect, deliver what had arrived, then end the worker (waits at most ``timeout_s``)."""
        self._closing.set()
        if self._thread is not None:
            self._thread.join(timeout_s)
        super().stop(timeout_s)

    def health(self) -> MqttHealth:
        """The base figures plus the MQTT ones (see ``MqttHealth``)."""
        base = super().health()
        with self._figures:
            down_s = self._down_total_s
            if self._down_since is not None:
                down_s += time.monotonic() - self._down_since
            return MqttHealth(
                **{f.name: getattr(base, f.name) for f in fields(FeedHealth)},
                link=self._link, received=self._received, accepted=self._accepted,
                rejected=self._rejected_count, rejected_by_reason=dict(self._by_reason),
                recent_rejected=tuple(self._recent_rejected), overflow=self._overflow,
                reconnects=self._reconnects, down_s=down_s, unknown_sensors=self._unknown,
            )

    @property
    def link(self) -> Link:
        return self._link

    # --- the worker: parse and deliver --------------------------------------------
    def _run(self) -> None:
        client = self._make_client()
        self._set_status(FeedStatus.CONNECTING, f"connecting to {self.address}")
        self._net_thread = threading.Thread(target=self._network, args=(client,), daemon=True,
                                            name=f"mqtt-net-{self.name}")
        self._net_thread.start()
        try:
            while True:
                closing = self._closing.wait(self.parse_interval_s)
                self._parse_pending()
                if self._fatal is not None or closing:
                    break
        finally:
            self._closing.set()
            self._net_thread.join(5.0)
        # Messages received before the disconnect were acknowledged to the broker: deliver them too.
        self._parse_pending()
        if self._fatal is not None:
            self._set_link(Link.REFUSED, self._fatal)
        else:
            self._set_link(Link.STOPPED, "stopped")
            self._stopping.set()

    def _parse_pending(self) -> None:
        """Drain the raw queue, parse it into columns, drop repeats and unknown sensors, deliver."""
        raw = self._raw
        count = len(raw)
        if count == 0:
            return
        messages = [raw.popleft() for _ in range(count)]
        parsed = parse_messages(messages, self.spec)
        batch, rejected = parsed.batch, parsed.rejected
        unknown = 0
        if self.known_sensors is not None and len(batch):
            known = self.known_sensors
            is_known = np.fromiter((s in known for s in batch.sensor.tolist()), dtype=bool, count=len(batch))
            if not is_known.all():
                strangers = ~is_known
                for sensor, topic in zip(batch.sensor[strangers].tolist(), parsed.topic[strangers].tolist(),
                                         strict=True):
                    rejected.append(Rejected(Reason.UNKNOWN_SENSOR, topic, f"sensor {sensor!r} is not known"))
                unknown = int(strangers.sum())
                batch = batch.take(is_known)
        duplicates = 0
        if len(batch):
            fresh = self._recent_keys.fresh(batch.sensor, batch.t_ms)
            duplicates = len(batch) - int(fresh.sum())
            if duplicates:
                batch = batch.take(fresh)
        with self._figures:
            self._unknown += unknown
            self._rejected_count += len(rejected)
            for item in rejected:
                self._by_reason[item.reason.value] += 1
            self._recent_rejected.extend(rejected[-RECENT_REJECTED:])
        for item in rejected:
            self._reject(0, f"{item.topic}: {item.reason}: {item.detail}")
        if duplicates:
            self._count_duplicates(duplicates)
        if len(batch) and self._deliver(batch):
            with self._figures:
                self._accepted += len(batch)

    # --- the network thread ------------------------------------------------------------
    def _make_client(self) -> BufferedClient:
        """A paho client set up for this source; InputError when the TLS files cannot be used."""
        v5 = self.protocol == "5"
        client = BufferedClient(CallbackAPIVersion.VERSION2, client_id=self.client_id,
                             clean_session=None if v5 else False, protocol=PROTOCOLS[self.protocol])
        if self.username is not None:
            client.username_pw_set(self.username, None if self._password is None else self._password.reveal())
        if self.tls_ca or self.tls_cert:
            try:
                client.tls_set(ca_certs=self.tls_ca, certfile=self.tls_cert, keyfile=self.tls_key)
            except (OSError, ssl.SSLError, ValueError) as exc:
                raise InputError(f"source {self.name!r}", f"TLS files cannot be used: {_plain(exc)}") from None
        client.on_connect = self._on_connect
        client.on_message = self._on_message
        client.suppress_exceptions = False
        return client

    def _connect_once(self, client: paho.Client, first: bool) -> None:
        if self.protocol == "5":
            properties = Properties(PacketTypes.CONNECT)
            properties.SessionExpiryInterval = self.session_expiry_s
            if first:
                client.connect(self.host, self.port, int(self.keepalive_s), clean_start=False,
                               properties=properties)
            else:
                client.reconnect()
        elif first:
            client.connect(self.host, self.port, int(self.keepalive_s))
        else:
            client.reconnect()

    def _network(self, client: paho.Client) -> None:
        """Connect, run paho's loop, reconnect with backoff; ends on stop or a refusal retrying cannot cure."""
        attempt = 0
        first = True
        try:
            while not self._closing.is_set():
                self._connack_refusal = None
                problem = self._session(client, first)
                first = False
                if self._closing.is_set() or self._fatal is not None:
                    break
                self._mark_down()
                if self._link is Link.LIVE:
                    attempt = 0
                    self._set_link(Link.RECONNECTING, f"connection to {self.address} lost ({problem}); reconnecting")
                else:
                    attempt += 1
                    self._set_link(Link.DOWN, f"down: {problem}; retrying")
                delay = min(self.reconnect_max_s, self.reconnect_min_s * 2 ** min(attempt, 30))
                # Jitter: consoles that lost the same broker must not all come back in the same instant.
                self._closing.wait(random.uniform(delay / 2, delay))
        except Exception as exc:  # a crash on this thread must end the adapter visibly
            self._fatal = f"source {self.name!r}: internal error on the network thread: {type(exc).__name__}: {exc}"
            log.exception("MQTT network thread of %s", self.name)
        finally:
            with contextlib.suppress(Exception):  # the socket may already be gone
                client.disconnect()

    def _session(self, client: paho.Client, first: bool) -> str:
        """One connection: connect, loop until it ends; returns why it ended."""
        try:
            self._connect_once(client, first)
        except ssl.SSLError as exc:
            self._fatal = f"source {self.name!r}: TLS handshake with {self.address} failed: {_plain(exc)}"
            return self._fatal
        except ConnectionResetError as exc:
            if not self.tls_ca and not self.tls_cert:
                return f"cannot reach {self.address}: {_plain(exc)}"
            # A plain listener drops a TLS hello: retrying will not change that.
            self._fatal = (f"source {self.name!r}: TLS handshake with {self.address} failed: the broker closed "
                           "the connection (is this port a TLS listener?)")
            return self._fatal
        except (OSError, ValueError) as exc:
            return f"cannot reach {self.address}: {_plain(exc)}"
        started = time.monotonic()
        while not self._closing.is_set():
            rc = network_step(client, 0.1)
            if self._connack_refusal is not None:
                return self._connack_refusal
            if rc != MQTTErrorCode.MQTT_ERR_SUCCESS:
                if rc == MQTTErrorCode.MQTT_ERR_TLS:
                    self._fatal = f"source {self.name!r}: TLS failure talking to {self.address}"
                    return self._fatal
                return paho.error_string(rc).rstrip(".").lower()
            if self._link is not Link.LIVE and time.monotonic() - started > self.connect_timeout_s:
                return f"{self.address} accepted the connection but sent no CONNACK in {self.connect_timeout_s:g} s"
        return "stopped"

    def _on_connect(self, client, userdata, flags, reason_code, properties) -> None:
        if reason_code.is_failure:
            reason = str(reason_code)
            refusal = f"{self.address} refused the connection: {reason}"
            if reason in _FATAL_CONNACK:
                self._fatal = f"source {self.name!r}: {refusal}"
            self._connack_refusal = refusal
            return
        client.subscribe([(topic, self.qos) for topic in self.topics])
        with self._figures:
            if self._down_since is not None:
                self._down_total_s += time.monotonic() - self._down_since
                self._down_since = None
            if self._link is not Link.CONNECTING:
                self._reconnects += 1
        session = "session resumed" if flags.session_present else "new session"
        self._set_link(Link.LIVE, f"connected to {self.address} ({session})")

    def _on_message(self, client, userdata, message) -> None:
        # The hot path: no parsing here, the worker does that a batch at a time.
        self._received += 1
        if len(self._raw) >= self.max_queued_messages:
            self._overflow += 1
            return
        self._raw.append((message.topic, message.payload, time.time_ns() // 1_000_000))

    def _mark_down(self) -> None:
        with self._figures:
            if self._down_since is None:
                self._down_since = time.monotonic()

    def _set_link(self, link: Link, message: str) -> None:
        """Change the link state: one status change and one log line per change."""
        if link is self._link:
            return
        self._link = link
        level = logging.WARNING if link in (Link.DOWN, Link.REFUSED, Link.RECONNECTING) else logging.INFO
        log.log(level, "MQTT source %s: %s", self.name, message)
        self._set_status(_FEED_STATUS[link], message)

    def __repr__(self) -> str:
        return f"<MqttFeedAdapter {self.name!r} {self.address} {self._link}>"


def _plain(exc: BaseException) -> str:
    """An exception in words, without the class name noise of ssl and socket errors."""
    text = getattr(exc, "strerror", None) or getattr(exc, "reason", None) or str(exc)
    return str(text) or type(exc).__name__
