"""HTTP to a SensorThings service: one JSON document, or a collection page by page (httpx, no Qt).

Every failure becomes a ``ServiceError`` whose message names the source and the
URL and says what went wrong in words: the service cannot be reached, it timed
out, it answered with an HTTP error, its answer is not JSON or not a
SensorThings collection, or its ``@iot.nextLink`` pages run in a loop. The
``kind`` of the error is what the adapter counts.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from enum import StrEnum
from urllib.parse import urljoin, urlsplit

import httpx

from console.errors import InputError

DEFAULT_TIMEOUT_S = 10.0
# A walk follows at most this many nextLinks unless told otherwise: a service that
# pages forever must not hold the adapter.
DEFAULT_MAX_PAGES = 10_000
_BODY_SHOWN = 160


class Failure(StrEnum):
    """What went wrong talking to the service (the adapter counts each kind)."""

    UNREACHABLE = "unreachable"
    TIMEOUT = "timeout"
    HTTP_ERROR = "http_error"
    BAD_JSON = "bad_json"
    NOT_A_COLLECTION = "not_a_collection"
    PAGING_LOOP = "paging_loop"


class ServiceError(InputError):
    """A SensorThings request failed; ``kind`` says how, ``url`` where, ``status`` the HTTP status if any."""

    def __init__(self, source: str, url: str, kind: Failure, problem: str, status: int | None = None):
        super().__init__(source, f"{url}: {problem}")
        self.url = url
        self.kind = kind
        self.status = status

    @property
    def retryable(self) -> bool:
        """Whether asking again later may work (an outage or a server error, not a refused query)."""
        if self.kind in (Failure.UNREACHABLE, Failure.TIMEOUT):
            return True
        return self.kind is Failure.HTTP_ERROR and (self.status is None or self.status >= 500 or self.status == 429)


@dataclass(frozen=True)
class Page:
    """One page of a collection: its URL, its entities and the link to the next page (None at the end)."""

    url: str
    values: list
    next_link: str | None
    count: int | None


def service_root(url: str, source: str = "sensorthings") -> str:
    """The service root without a trailing slash; InputError when ``url`` is not an http(s) URL."""
    text = str(url).strip()
    if text.startswith("sensorthings+"):
        text = text[len("sensorthings+"):]
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise InputError(source, f"not an http:// or https:// URL: {url!r}")
    if parts.query or parts.fragment:
        raise InputError(source, f"a service root URL has no query or fragment: {url!r}")
    return text.rstrip("/")


class ServiceClient:
    """GETs JSON from one SensorThings service.

    Parameters
    ----------
    root : str
        The service root, e.g. ``http://host/FROST-Server/v1.1``.
    source : str
        How messages name the source (``source 'water-dept'``).
    timeout_s : float
        Connect and read timeout of each request.
    transport : httpx.BaseTransport, optional
        For tests and benchmarks that need another transport; the network by default.
    """

    def __init__(self, root: str, source: str = "sensorthings", *, timeout_s: float = DEFAULT_TIMEOUT_S,
                 transport: httpx.BaseTransport | None = None):
        self.root = service_root(root, source)
        self.source = source
        self._http = httpx.Client(timeout=httpx.Timeout(float(timeout_s)), transport=transport,
                                  headers={"Accept": "application/json"}, follow_redirects=True)

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> ServiceClient:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def url(self, path: str) -> str:
        """An absolute URL: ``path`` relative to the service root (absolute URLs pass unchanged)."""
        if urlsplit(path).scheme:
            return path
        return f"{self.root}/{path.lstrip('/')}" if path.strip("/") else self.root

    def get(self, path: str, params: Mapping[str, str] | None = None) -> object:
        """The JSON document at ``path`` (relative to the root, or absolute); ServiceError on any failure."""
        url = self.url(path)
        shown = url if not params else str(httpx.URL(url, params=dict(params)))
        try:
            response = self._http.get(url, params=dict(params) if params else None)
        except httpx.TimeoutException:
            raise ServiceError(self.source, shown, Failure.TIMEOUT, "the service did not answer in time") from None
        except httpx.HTTPError as exc:
            raise ServiceError(self.source, shown, Failure.UNREACHABLE,
                               f"cannot reach the service: {_plain(exc)}") from None
        if response.status_code >= 400:
            body = " ".join(response.text.split())[:_BODY_SHOWN]
            raise ServiceError(self.source, shown, Failure.HTTP_ERROR,
                               f"HTTP {response.status_code} {response.reason_phrase}" + (f": {body}" if body else ""),
                               status=response.status_code)
        try:
            return json.loads(response.content)
        except (ValueError, UnicodeDecodeError) as exc:
            raise ServiceError(self.source, shown, Failure.BAD_JSON, f"the answer is not JSON ({exc})") from None

    def page(self, path: str, params: Mapping[str, str] | None = None) -> Page:
        """One page of a collection (``{"value": [...], "@iot.nextLink": ...}``)."""
        url = self.url(path)
        document = self.get(url, params)
        shown = url if not params else str(httpx.URL(url, params=dict(params)))
        return collection_page(document, shown, self.source)

    def pages(self, path: str, params: Mapping[str, str] | None = None, *,
              max_pages: int = DEFAULT_MAX_PAGES) -> Iterator[Page]:
        """The pages of a collection, following ``@iot.nextLink``.

        A nextLink seen before in the same walk is a paging loop (ServiceError);
        so is a walk longer than ``max_pages``.
        """
        page = self.page(path, params)
        seen = {page.url}
        yield page
        walked = 1
        while page.next_link is not None:
            link = page.next_link
            if link in seen:
                raise ServiceError(self.source, link, Failure.PAGING_LOOP,
                                   "the service's @iot.nextLink leads back to a page already read (a paging loop)")
            if walked >= max_pages:
                raise ServiceError(self.source, link, Failure.PAGING_LOOP,
                                   f"more than {max_pages} pages: the walk is stopped")
            seen.add(link)
            page = self.page(link)
            walked += 1
            yield page


def collection_page(document: object, url: str, source: str) -> Page:
    """Check a decoded answer is a collection page and take it apart; ServiceError otherwise."""
    if not isinstance(document, dict) or not isinstance(document.get("value"), list):
        raise ServiceError(source, url, Failure.NOT_A_COLLECTION,
                           "the answer is not a SensorThings collection (no \"value\" list)")
    link = document.get("@iot.nextLink")
    if link is not None and (not isinstance(link, str) or not link.strip()):
        raise ServiceError(source, url, Failure.NOT_A_COLLECTION, f"@iot.nextLink is not a URL: {link!r}")
    if link is not None:
        link = urljoin(url, link.strip())
        if urlsplit(link).scheme not in ("http", "https"):
            raise ServiceError(source, url, Failure.NOT_A_COLLECTION, f"@iot.nextLink is not an http(s) URL: {link!r}")
    count = document.get("@iot.count")
    return Page(url, document["value"], link, count if type(count) is int else None)


def _plain(exc: BaseException) -> str:
    """An httpx error in words: the innermost cause is usually the one that says what happened."""
    inner = exc
    while inner.__cause__ is not None or inner.__context__ is not None:
        inner = inner.__cause__ or inner.__context__
    text = getattr(inner, "strerror", None) or str(inner) or str(exc)
    return str(text) or type(exc).__name__
