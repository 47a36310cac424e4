"""Readings from an OGC SensorThings API 1.1 service, polled off the GUI thread (httpx, no Qt).

The worker first discovers the service's Datastreams (``catalog.discover``) to
know which sensor each one feeds, then every ``poll_s`` walks the Observations
newer than the last one taken (``polling.ObservationCursor``), one
``$top`` page at a time along ``@iot.nextLink``, and delivers each page as one
``ReadingBatch``. An outage, an HTTP error, an answer that is not JSON or a
paging loop is counted by kind, shown as the source's status (``failed``, with
the source, URL and reason) and retried with a growing wait; the adapter keeps
running and resumes where it stopped, without losing or repeating an
observation.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass, field, fields

import numpy as np

from console.errors import InputError
from console.feeds.base import FeedAdapter, FeedHealth, FeedStatus, register_adapter
from console.feeds.sensorthings.catalog import Discovery, discover, sensor_ids
from console.feeds.sensorthings.client import DEFAULT_MAX_PAGES, ServiceClient, ServiceError, service_root
from console.feeds.sensorthings.entities import ObservationColumns, Reason, parse_observations
from console.feeds.sensorthings.mapping import check_id_template
from console.feeds.sensorthings.polling import ObservationCursor, odata_time
from console.model.readings import ReadingBatch

log = logging.getLogger(__name__)

RECENT_REJECTED = 50
DEFAULT_POLL_S = 30.0
DEFAULT_PAGE_SIZE = 1000
DEFAULT_BACKFILL_S = 3600.0


def wall_clock_ms() -> int:
    return int(time.time() * 1000)


@dataclass(frozen=True)
class SensorThingsHealth(FeedHealth):
    """``FeedHealth`` plus the figures of a SensorThings source.

    Attributes
    ----------
    url : str
        The service root.
    polls, pages : int
        Walks over the Observations begun, pages read.
    received : int
        New observations received (refused ones included, repeats not).
    repeats : int
        Observations the service sent again that had been taken already (each walk
        starts at the latest time taken, inclusive).
    accepted : int
        Readings delivered.
    rejected : int
        Observations refused; ``rejected_by_reason`` splits it.
    rejected_by_reason : dict of str to int
    recent_rejected : tuple of (reason, detail)
        The last 50, oldest first.
    failures : dict of str to int
        Failed requests by kind (``unreachable``, ``timeout``, ``http_error``,
        ``bad_json``, ``not_a_collection``, ``paging_loop``, ``internal``).
    last_error : str
    datastreams : int
        Datastreams found by the last discovery.
    discovery_problems : tuple of str
    since : str
        The resume point: the latest phenomenonTime taken (RFC 3339, UTC).
    """

    url: str = ""
    polls: int = 0
    pages: int = 0
    received: int = 0
    repeats: int = 0
    accepted: int = 0
    rejected: int = 0
    rejected_by_reason: dict = field(default_factory=dict)
    recent_rejected: tuple = ()
    failures: dict = field(default_factory=dict)
    last_error: str = ""
    datastreams: int = 0
    discovery_problems: tuple = ()
    since: str = ""


@register_adapter("sensorthings", label="OGC SensorThings API", priority=5)
class SensorThingsFeedAdapter(FeedAdapter):
    """Observations of a SensorThings service as readings.

    Parameters
    ----------
    name : str
        The source's name; messages start with it.
    url : str
        The service root (``http://host/FROST-Server/v1.1``).
    poll_s : float
        Wait between walks over new Observations.
    id_template : str
        Sensor id of a Datastream (``catalog.ID_FIELDS``); default its ``@iot.id``.
    page_size : int
        ``$top`` of each page.
    since_ms : int, optional
        Start from observations at or after this time; default ``backfill_s`` before now.
    backfill_s : float
    timeout_s : float
        Per request.
    retry_max_s : float
        The wait after a failure doubles from ``poll_s`` up to this.
    max_pages_per_poll : int
        A walk stops after this many pages and goes on at once, so that stop() is never held up long.
    rediscover_s : float
        Observations of a Datastream not discovered yet make the adapter discover
        again, at most this often.
    known_sensors : iterable of str, optional
        When given, readings of other sensors are refused (``unknown_sensor``).
    discovery : Discovery, optional
        Datastreams already discovered (by ``console serve``, for the sensor layer).
    wall_clock_ms : callable
        "Now" in UTC epoch ms, for the default starting point.
    **options
        Passed to ``FeedAdapter`` (``stale_after_s``, ``clock``, ``max_pending_readings``).
    """

    def __init__(self, name: str = "", *, url: str, poll_s: float = DEFAULT_POLL_S, id_template: str = "{id}",
                 page_size: int = DEFAULT_PAGE_SIZE, since_ms: int | None = None,
                 backfill_s: float = DEFAULT_BACKFILL_S, timeout_s: float = 10.0, retry_max_s: float = 60.0,
                 max_pages_per_poll: int = 100, rediscover_s: float = 600.0, known_sensors=None,
                 discovery: Discovery | None = None, wall_clock_ms: Callable[[], int] = wall_clock_ms, **options):
        super().__init__(name or "sensorthings", **options)
        source = f"source {self.name!r}"
        self.root = service_root(url, source)
        try:
            check_id_template(id_template)
        except ValueError as exc:
            raise InputError(source, f"id template {id_template!r}: {exc}") from None
        if not poll_s > 0 or not page_size >= 1:
            raise InputError(source, "poll_s must be positive and page_size at least 1")
        self.poll_s, self.page_size = float(poll_s), int(page_size)
        self.id_template = id_template
        self.timeout_s, self.retry_max_s = float(timeout_s), max(float(retry_max_s), float(poll_s))
        self.max_pages_per_poll, self.rediscover_s = int(max_pages_per_poll), float(rediscover_s)
        self.known_sensors = None if known_sensors is None else frozenset(known_sensors)
        start = since_ms if since_ms is not None else wall_clock_ms() - int(float(backfill_s) * 1000)
        self.cursor = ObservationCursor(start)
        self._discovery = discovery
        self._ids: dict[str, str] | None = None if discovery is None else sensor_ids(discovery, id_template)
        self._discovered_at: float | None = None if discovery is None else self._clock()
        self._figures = threading.Lock()
        self._polls = self._pages = self._received = self._repeats = self._accepted = self._rejected_count = 0
        self._by_reason: Counter = Counter()
        self._failures: Counter = Counter()
        self._recent_rejected: deque = deque(maxlen=RECENT_REJECTED)
        self._last_error = ""
        self.source = source

    def health(self) -> SensorThingsHealth:
        """The base figures plus the SensorThings ones (see ``SensorThingsHealth``)."""
        base = super().health()
        with self._figures:
            discovery = self._discovery
            return SensorThingsHealth(
                **{f.name: getattr(base, f.name) for f in fields(FeedHealth)},
                url=self.root, polls=self._polls, pages=self._pages, received=self._received,
                repeats=self._repeats, accepted=self._accepted, rejected=self._rejected_count,
                rejected_by_reason=dict(self._by_reason),
                recent_rejected=tuple(self._recent_rejected), failures=dict(self._failures),
                last_error=self._last_error, datastreams=0 if discovery is None else len(discovery.datastreams),
                discovery_problems=() if discovery is None else discovery.problems,
                since=odata_time(self.cursor.since_ms),
            )

    # --- the worker -------------------------------------------------------------
    def _run(self) -> None:
        self._set_state(FeedStatus.CONNECTING, f"{self.source}: connecting to {self.root}")
        failures = 0
        with ServiceClient(self.root, self.source, timeout_s=self.timeout_s) as client:
            while not self._stopping.is_set():
                try:
                    if self._ids is None:
                        self._discover(client)
                    more = self._walk(client)
                except ServiceError as exc:
                    failures += 1
                    self._failed(exc.kind.value, str(exc))
                    more = False
                except Exception as exc:  # nothing may escape the worker: the source shows failed and retries
                    failures += 1
                    log.exception("SensorThings source %s", self.name)
                    self._failed("internal", f"{self.source}: internal error: {type(exc).__name__}: {exc}")
                    more = False
                else:
                    failures = 0
                    if self._status in (FeedStatus.CONNECTING, FeedStatus.FAILED):
                        self._set_state(FeedStatus.LIVE, f"{self.source}: polling {self.root} every {self.poll_s:g} s")
                if failures:
                    wait = min(self.poll_s * 2 ** min(failures - 1, 30), self.retry_max_s)
                else:
                    wait = 0.0 if more else self.poll_s
                if wait:
                    self._stopping.wait(wait)
        self._set_state(FeedStatus.IDLE, "stopped")

    def _failed(self, kind: str, message: str) -> None:
        with self._figures:
            self._failures[kind] += 1
            self._last_error = message
        self._set_state(FeedStatus.FAILED, f"{message}; retrying")

    def _set_state(self, status: FeedStatus, message: str) -> None:
        """A status change, logged once when it happens (not at every failed poll)."""
        if status is self._status and message == self._message:
            return
        log.log(logging.WARNING if status is FeedStatus.FAILED else logging.INFO, "%s", message)
        self._set_status(status, message)

    def _discover(self, client: ServiceClient) -> None:
        discovery = discover(client)
        ids = sensor_ids(discovery, self.id_template)
        with self._figures:
            self._discovery = discovery
        self._ids = ids
        self._discovered_at = self._clock()
        if discovery.problems:
            log.warning("%s: %d Datastream(s) of %s with problems, first: %s", self.source,
                        len(discovery.problems), self.root, discovery.problems[0])

    def _walk(self, client: ServiceClient) -> bool:
        """One walk over new Observations; True when it stopped at the page limit with more to come."""
        with self._figures:
            self._polls += 1
        try:
            for number, page in enumerate(client.pages("Observations", self.cursor.query(self.page_size),
                                                       max_pages=DEFAULT_MAX_PAGES), start=1):
                columns = parse_observations(page.values)
                with self._figures:
                    self._pages += 1
                self._take(client, columns)
                if self._stopping.is_set():
                    return False
                if number >= self.max_pages_per_poll and page.next_link is not None:
                    return True
        finally:
            self.cursor.end_walk()
        return False

    def _take(self, client: ServiceClient, columns: ObservationColumns) -> None:
        """The new observations of one page -> one ReadingBatch; the unusable ones counted with their reason."""
        usable = columns.usable
        # Before the cursor moves: a failed discovery must leave the page to be asked for again.
        sensors = self._sensors_of(client, columns.datastream, usable)
        fresh = self.cursor.fresh(columns)
        rejected = [(reason, detail) for _, reason, detail in columns.rejected]
        new = int(fresh.sum())
        with self._figures:
            self._received += new + len(rejected)
            self._repeats += len(fresh) - new
        rejected += columns.problem[fresh & ~usable].tolist()
        keep = fresh & usable
        unknown = keep & np.equal(sensors, None)
        for key in columns.datastream[unknown].tolist():
            rejected.append((Reason.UNKNOWN_DATASTREAM, f"Datastream {key} is not one of the service's "
                                                        "Datastreams discovered"))
        keep &= ~unknown
        if self.known_sensors is not None and keep.any():
            listed = np.fromiter((s in self.known_sensors for s in sensors.tolist()), dtype=bool, count=len(sensors))
            strangers = keep & ~listed
            for sensor in sensors[strangers].tolist():
                rejected.append((Reason.UNKNOWN_SENSOR, f"sensor {sensor!r} is not known"))
            keep &= listed
        self._count_rejected(rejected)
        if not keep.any():
            return
        rows = np.flatnonzero(keep)
        batch = ReadingBatch(sensors[rows], columns.t_ms[rows], columns.value[rows], columns.quality[rows])
        if self._deliver(batch):
            with self._figures:
                self._accepted += len(batch)

    def _sensors_of(self, client: ServiceClient, datastreams: np.ndarray, usable: np.ndarray) -> np.ndarray:
        """Sensor id of each Datastream key (None where unknown); discovers again when a usable row's is new."""
        ids = self._ids or {}
        sensors = np.array([ids.get(key) for key in datastreams.tolist()], dtype=object)
        if (np.equal(sensors, None) & usable).any() and self._may_rediscover():
            self._discover(client)
            ids = self._ids
            sensors = np.array([ids.get(key) for key in datastreams.tolist()], dtype=object)
        return sensors

    def _may_rediscover(self) -> bool:
        return self._discovered_at is None or self._clock() - self._discovered_at >= self.rediscover_s

    def _count_rejected(self, rejected: list) -> None:
        if not rejected:
            return
        with self._figures:
            self._rejected_count += len(rejected)
            for reason, _ in rejected:
                self._by_reason[str(reason)] += 1
            self._recent_rejected.extend((str(reason), detail) for reason, detail in rejected[-RECENT_REJECTED:])
        for reason, detail in rejected[-self.RECENT_REJECTIONS:]:
            self._reject(0, f"{reason}: {detail}")
        # The base keeps only the last few; its count must still be the whole.
        with self._lock:
            self._rejected += max(0, len(rejected) - self.RECENT_REJECTIONS)

    def __repr__(self) -> str:
        return f"<SensorThingsFeedAdapter {self.name!r} {self.root} {self._status}>"
