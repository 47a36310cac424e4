"""CAP warnings from a file, a watched folder, an Atom/RSS feed over HTTP (httpx) or an MQTT topic (no Qt).

Every document is checked by the console's safe CAP parser before it leaves the
adapter: a refused one (not CAP, hostile XML, a missing element) is counted with
the parser's reason and never stops the source. What is delivered is a
``CapWarning`` with the document's text as received, so a recording of the
source replays the same warnings. A file or a folder is looked at every
``poll_s``; a file is read again when its size or modification time changes. A
feed is fetched every ``poll_s``; each entry's CAP document is fetched once (per
entry id and update time). A feed that cannot be fetched turns the source
``failed`` and is asked again with a growing wait; the entries already taken
are not fetched again. An MQTT topic (``url = "mqtt://HOST:PORT/TOPIC"``, wildcards
allowed) delivers one CAP document per message; the subscription is a persistent
session with QoS 1, so what the broker kept while the console was away arrives
when it connects again.
"""

from __future__ import annotations

import logging
import re
import socket
import threading
from collections import Counter, deque
from dataclasses import dataclass, field, fields
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from console.cap.atom import parse_index
from console.cap.parse import parse_alerts
from console.cap.xmlsafe import MAX_DOCUMENT_BYTES
from console.errors import InputError
from console.feeds.base import CapWarning, FeedAdapter, FeedHealth, FeedStatus, register_adapter

log = logging.getLogger(__name__)

DEFAULT_POLL_S = 60.0
RECENT_REJECTED = 50
# The wait after failures grows from poll_s up to this (or poll_s, when that is longer).
RETRY_MAX_S = 600.0
_DECLARED = re.compile(rb'^\s*<\?xml[^>]*?encoding\s*=\s*["\']([A-Za-z0-9._-]+)["\']')


class Rejected:
    """Reasons a document is not delivered (what the Sources pane groups by)."""

    REFUSED = "refused"  # the CAP parser refused it: its message says why
    UNREADABLE = "unreadable"  # a file that cannot be read
    FETCH_FAILED = "fetch_failed"  # an entry's CAP document could not be fetched
    NO_LINK = "no_link"  # a feed entry without a link to its CAP document


@dataclass(frozen=True)
class CapRejection:
    """One refused document: ``reason`` (``Rejected``), ``topic`` (file or URL) and the parser's ``detail``."""

    reason: str
    topic: str
    detail: str


@dataclass(frozen=True)
class CapHealth(FeedHealth):
    """``FeedHealth`` plus the figures of a CAP source.

    Attributes
    ----------
    path, url : str
        What the source reads ("" for the other).
    polls : int
        Looks at the file, folder or feed.
    received : int
        Documents read (refused ones included).
    accepted : int
        CAP warnings delivered.
    rejected_by_reason : dict of str to int
    recent_rejected : tuple of CapRejection
        The last 50, oldest first.
    failures : dict of str to int
        Failed looks at the feed or folder, by kind (``unreachable``, ``timeout``,
        ``http_error``, ``bad_feed``, ``missing``).
    last_error : str
    """

    path: str = ""
    url: str = ""
    polls: int = 0
    received: int = 0
    accepted: int = 0
    rejected_by_reason: dict = field(default_factory=dict)
    recent_rejected: tuple = ()
    failures: dict = field(default_factory=dict)
    last_error: str = ""


def mqtt_address(url: str) -> tuple[str, int, str]:
    """(host, port, topic filter) of ``mqtt://HOST[:PORT]/TOPIC``; ValueError saying what is missing."""
    parts = urlsplit(url)
    # "#" would start a URL fragment; in an MQTT address it is the multi-level wildcard.
    topic = unquote(parts.path.lstrip("/")) + (f"#{parts.fragment}" if "#" in url else "")
    if parts.scheme != "mqtt" or not parts.hostname or not topic:
        raise ValueError(f"{url!r} is not mqtt://HOST:PORT/TOPIC")
    return parts.hostname, parts.port or 1883, topic


class _LookFailed(Exception):
    """The feed or the folder could not be looked at; ``kind`` is what is counted."""

    def __init__(self, kind: str, message: str):
        super().__init__(message)
        self.kind = kind


def document_text(data: bytes) -> str:
    """The text of an XML document already parsed from ``data``: by its BOM, its declaration, else UTF-8."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data.decode("utf-8-sig")
    declared = _DECLARED.match(data)
    try:
        return data.decode(declared.group(1).decode("ascii") if declared else "utf-8")
    except (LookupError, UnicodeDecodeError):
        return data.decode("utf-8", errors="replace")


@register_adapter("cap", label="CAP warnings", priority=4)
class CapFeedAdapter(FeedAdapter):
    """CAP 1.2 warnings from a file, a folder of ``.xml`` files, or an Atom/RSS index feed.

    Parameters
    ----------
    name : str
    path : str or Path, optional
        A CAP file, or a folder watched for new and changed ``.xml`` files.
    url : str, optional
        An Atom or RSS feed whose entries link to CAP documents, or ``mqtt://HOST:PORT/TOPIC``
        whose messages are CAP documents (exactly one of ``path`` and ``url``).
    poll_s : float
        How often the file, folder or feed is looked at.
    timeout_s : float
        Per HTTP request.
    lonlat_circles : bool
        Read circle centres as "lon,lat" (for sources known to write them so).
    transport : httpx transport, optional
        For tests that answer without a network.
    **options
        Passed to ``FeedAdapter`` (``stale_after_s``, ``clock``).
    """

    def __init__(self, name: str = "", *, path=None, url: str | None = None, poll_s: float = DEFAULT_POLL_S,
                 timeout_s: float = 10.0, lonlat_circles: bool = False, transport=None, **options):
        options.setdefault("stale_after_s", 86400.0)  # warnings are rare: silence is not staleness
        super().__init__(name or "cap", **options)
        self.source = f"source {self.name!r}"
        if (path is None) == (url is None):
            raise InputError(self.source, "a CAP source needs either a path or a url")
        if not poll_s > 0 or not timeout_s > 0:
            raise InputError(self.source, "poll_s and timeout_s must be positive")
        self.path = None if path is None else Path(path)
        self.url = url
        self.mqtt = None
        if url is not None and url.startswith("mqtt:"):
            try:
                self.mqtt = mqtt_address(url)
            except ValueError as exc:
                raise InputError(self.source, str(exc)) from None
        self.poll_s, self.timeout_s = float(poll_s), float(timeout_s)
        self.lonlat_circles = bool(lonlat_circles)
        self._transport = transport
        self._files: dict[Path, tuple[int, int]] = {}  # what was read: (mtime_ns, size)
        self._entries: set[tuple[str, int | None]] = set()  # feed entries taken: (id, updated)
        self._figures = threading.Lock()
        self._polls = self._received = self._accepted = 0
        self._by_reason: Counter = Counter()
        self._failures: Counter = Counter()
        self._recent: deque = deque(maxlen=RECENT_REJECTED)
        self._last_error = ""

    def health(self) -> CapHealth:
        """The base figures plus the CAP ones (see ``CapHealth``)."""
        base = super().health()
        with self._figures:
            return CapHealth(
                **{f.name: getattr(base, f.name) for f in fields(FeedHealth)},
                path="" if self.path is None else str(self.path), url=self.url or "", polls=self._polls,
                received=self._received, accepted=self._accepted, rejected_by_reason=dict(self._by_reason),
                recent_rejected=tuple(self._recent), failures=dict(self._failures), last_error=self._last_error,
            )

    # --- the worker -------------------------------------------------------------
    def _run(self) -> None:
        if self.mqtt is not None:
            self._run_mqtt()
            return
        what = f"polling {self.url}" if self.url else f"watching {self.path}"
        self._set_state(FeedStatus.CONNECTING, f"{self.source}: {what}")
        client = None
        if self.url is not None:
            import httpx

            client = httpx.Client(timeout=self.timeout_s, follow_redirects=True, transport=self._transport,
                                  headers={"Accept": "application/atom+xml, application/rss+xml, application/xml"})
        failures = 0
        try:
            while not self._stopping.is_set():
                with self._figures:
                    self._polls += 1
                try:
                    self._look_at_feed(client) if client is not None else self._look_at_path()
                except _LookFailed as exc:
                    failures += 1
                    with self._figures:
                        self._failures[exc.kind] += 1
                        self._last_error = str(exc)
                    self._set_state(FeedStatus.FAILED, f"{exc}; retrying")
                except Exception as exc:  # nothing may escape the worker: the source shows failed and retries
                    failures += 1
                    log.exception("CAP source %s", self.name)
                    with self._figures:
                        self._failures["internal"] += 1
                    self._set_state(FeedStatus.FAILED, f"{self.source}: internal error: {type(exc).__name__}: {exc}")
                else:
                    failures = 0
                    if self._status is not FeedStatus.LIVE and self._status is not FeedStatus.STALE:
                        self._set_state(FeedStatus.LIVE, f"{self.source}: {what} every {self.poll_s:g} s")
                wait = self.poll_s if not failures else \
                    min(self.poll_s * 2 ** min(failures - 1, 30), max(self.poll_s, RETRY_MAX_S))
                self._stopping.wait(wait)
        finally:
            if client is not None:
                client.close()
        self._set_state(FeedStatus.IDLE, "stopped")

    def _set_state(self, status: FeedStatus, message: str) -> None:
        """A status change, logged once when it happens (not at every failed look)."""
        if status is self._status and message == self._message:
            return
        log.log(logging.WARNING if status is FeedStatus.FAILED else logging.INFO, "%s", message)
        self._set_status(status, message)

    # --- files and folders ----------------------------------------------------------
    def _look_at_path(self) -> None:
        path = self.path
        if path.is_dir():
            candidates = sorted(p for p in path.iterdir() if p.suffix.lower() == ".xml" and p.is_file())
        elif path.is_file():
            candidates = [path]
        else:
            raise _LookFailed("missing", f"{self.source}: no such file or folder: {path}")
        for file in candidates:
            if self._stopping.is_set():
                return
            try:
                stat = file.stat()
            except OSError:
                continue  # gone between the listing and now
            mark = (stat.st_mtime_ns, stat.st_size)
            if self._files.get(file) == mark:
                continue
            self._files[file] = mark
            try:
                data = file.read_bytes()
            except OSError as exc:
                self._refuse(Rejected.UNREADABLE, str(file), f"cannot read: {exc}")
                continue
            self._offer(data, str(file))

    # --- feeds over HTTP --------------------------------------------------------------
    def _look_at_feed(self, client) -> None:
        data = self._fetch(client, self.url)
        try:
            entries = parse_index(data, f"{self.source}: {self.url}", lonlat_circles=self.lonlat_circles)
        except InputError as exc:
            raise _LookFailed("bad_feed", str(exc)) from None
        for entry in entries:
            if self._stopping.is_set():
                return
            key = (entry.id, entry.updated_ms)
            if key in self._entries:
                continue
            if not entry.link:
                self._entries.add(key)
                self._refuse(Rejected.NO_LINK, self.url, f"entry {entry.id!r} has no link to a CAP document")
                continue
            link = urljoin(self.url, entry.link)
            try:
                document = self._fetch(client, link)
            except _LookFailed as exc:
                if exc.kind == "http_error":
                    self._entries.add(key)  # the server answered: asking again would answer the same
                self._refuse(Rejected.FETCH_FAILED, link, str(exc))
                if exc.kind in ("unreachable", "timeout"):
                    raise  # the server went away: the feed is down, the rest of the entries wait
                continue
            self._entries.add(key)
            self._offer(document, link)

    def _fetch(self, client, url: str) -> bytes:
        """The body at ``url``, at most MAX_DOCUMENT_BYTES + 1 bytes (the parser refuses more)."""
        import httpx

        try:
            with client.stream("GET", url) as response:
                if response.status_code >= 400:
                    raise _LookFailed("http_error", f"{self.source}: {url}: HTTP {response.status_code} "
                                                    f"{response.reason_phrase}")
                body = bytearray()
                for chunk in response.iter_bytes():
                    body += chunk
                    if len(body) > MAX_DOCUMENT_BYTES:
                        break
                return bytes(body)
        except httpx.TimeoutException:
            raise _LookFailed("timeout", f"{self.source}: {url}: no answer within {self.timeout_s:g} s") from None
        except httpx.HTTPError as exc:
            raise _LookFailed("unreachable", f"{self.source}: {url}: cannot be reached "
                                             f"({type(exc).__name__}: {exc})") from None

    # --- an MQTT topic ----------------------------------------------------------------
    def _run_mqtt(self) -> None:
        """Subscribe and offer each message's payload; paho's own thread connects and reconnects."""
        import paho.mqtt.client as paho
        from paho.mqtt.enums import CallbackAPIVersion

        host, port, topic = self.mqtt
        address = f"mqtt://{host}:{port}"
        arrived: deque = deque()
        woken = threading.Event()
        client = paho.Client(CallbackAPIVersion.VERSION2, client_id=f"console-cap-{self.name}-{socket.gethostname()}",
                             clean_session=False)
        client.reconnect_delay_set(1, int(max(self.poll_s, RETRY_MAX_S)))

        def on_connect(client, userdata, flags, reason_code, properties):
            if reason_code.is_failure:
                self._set_state(FeedStatus.FAILED, f"{self.source}: {address} refused the connection: {reason_code}")
                return
            client.subscribe(topic, qos=1)
            self._set_state(FeedStatus.LIVE, f"{self.source}: subscribed to {topic} at {address}")

        def on_disconnect(client, userdata, flags, reason_code, properties):
            if not self._stopping.is_set():
                with self._figures:
                    self._failures["unreachable"] += 1
                    self._last_error = f"{self.source}: connection to {address} lost ({reason_code})"
                self._set_state(FeedStatus.FAILED, f"{self.source}: connection to {address} lost; reconnecting")

        def on_connect_fail(client, userdata):
            with self._figures:
                self._failures["unreachable"] += 1
                self._last_error = f"{self.source}: cannot reach {address}"
            self._set_state(FeedStatus.FAILED, f"{self.source}: cannot reach {address}; retrying")

        def on_message(client, userdata, message):  # paho's thread: queue only, the worker parses
            arrived.append((message.topic, bytes(message.payload)))
            woken.set()

        client.on_connect, client.on_disconnect = on_connect, on_disconnect
        client.on_connect_fail, client.on_message = on_connect_fail, on_message
        self._set_state(FeedStatus.CONNECTING, f"{self.source}: connecting to {address}")
        client.connect_async(host, port, keepalive=30)
        client.loop_start()
        try:
            while not self._stopping.is_set():
                woken.wait(0.5)
                woken.clear()
                while arrived:
                    message_topic, payload = arrived.popleft()
                    with self._figures:
                        self._polls += 1
                    self._offer(payload, f"{address}/{message_topic}")
        finally:
            client.disconnect()
            client.loop_stop()
        self._set_state(FeedStatus.IDLE, "stopped")

    # --- documents ------------------------------------------------------------------
    def _offer(self, data: bytes, where: str) -> None:
        """Check one document with the safe parser; deliver it as a CapWarning, or count why not."""
        with self._figures:
            self._received += 1
        try:
            alerts = parse_alerts(data, where, lonlat_circles=self.lonlat_circles)
        except InputError as exc:
            self._refuse(Rejected.REFUSED, where, str(exc))
            return
        warning = CapWarning(max(alert.sent_ms for alert in alerts), document_text(data))
        if self._deliver(warning):
            with self._figures:
                self._accepted += 1

    def _refuse(self, reason: str, where: str, detail: str) -> None:
        with self._figures:
            self._by_reason[reason] += 1
            self._recent.append(CapRejection(reason, where, detail))
        self._reject(0, f"{reason}: {detail}")

    def __repr__(self) -> str:
        return f"<CapFeedAdapter {self.name!r} {self.url or self.path} {self._status}>"
