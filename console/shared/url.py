"""The shared journal's address (``postgresql://USER@HOST:PORT/DB``) and connecting to it.

Every failure to connect becomes a ``SharedStateError`` that names the server
and says what was wrong (not reachable, credentials refused, no such database),
with the password never shown.
"""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

from console.errors import InputError

__all__ = ["SharedStateError", "connect", "is_postgres_url", "shown_url"]

CONNECT_TIMEOUT_S = 3  # a console must learn of an outage within seconds, not TCP's minutes
# TCP keepalive: a server gone without a word (a cut cable) is noticed within about 6 s.
_KEEPALIVE = {"keepalives": 1, "keepalives_idle": 2, "keepalives_interval": 1, "keepalives_count": 3}


class SharedStateError(InputError):
    """The shared journal cannot be used: the message names the server and the reason."""


def is_postgres_url(text) -> bool:
    return str(text).startswith(("postgresql://", "postgres://"))


def shown_url(url: str) -> str:
    """The URL with its password left out (for messages and logs)."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    netloc = f"{parts.username}@{host}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


def checked_url(url: str) -> str:
    """``url`` if it names a PostgreSQL database; ``SharedStateError`` saying what is missing otherwise."""
    if not is_postgres_url(url):
        raise SharedStateError(url, "not a PostgreSQL address (postgresql://USER@HOST:PORT/DB)")
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018  (raises on a port that is not a number)
    except ValueError as error:
        raise SharedStateError(shown_url(url), f"not a valid address: {error}") from None
    if not parts.path.strip("/"):
        raise SharedStateError(shown_url(url), "names no database (postgresql://USER@HOST:PORT/DB)")
    return url


def connect(url: str, *, autocommit: bool = False, application: str = "console"):
    """A psycopg connection to ``url``; ``SharedStateError`` with the reason when there is none."""
    import psycopg

    checked_url(url)
    try:
        return psycopg.connect(url, autocommit=autocommit, connect_timeout=CONNECT_TIMEOUT_S,
                               application_name=application, **_KEEPALIVE)
    except psycopg.OperationalError as error:
        raise SharedStateError(shown_url(url), explain(error)) from None


def explain(error) -> str:
    """What a connection error means for the operator, in one line."""
    text = str(error).strip()
    lowered = text.lower()
    if "password authentication failed" in lowered or "authentication failed" in lowered:
        return "PostgreSQL refused the credentials (wrong user or password)"
    if "role" in lowered and "does not exist" in lowered:
        return "PostgreSQL refused the credentials: no such user"
    if "database" in lowered and "does not exist" in lowered:
        return "no such database on that server"
    if "no password supplied" in lowered:
        return "PostgreSQL asks for a password and the address gives none"
    if "connection refused" in lowered or "could not connect" in lowered or "timeout" in lowered:
        return "cannot reach the PostgreSQL server (not running, or wrong host or port)"
    return f"cannot connect: {text.splitlines()[-1] if text else type(error).__name__}"
