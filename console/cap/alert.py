"""The normalised CAP alert: what the console keeps of a CAP message, and its JSON form."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from shapely.geometry import mapping
from shapely.geometry.base import BaseGeometry

__all__ = ["CapAlert", "CapArea", "Reference", "iso_utc"]


@dataclass(frozen=True)
class Reference:
    """An earlier message this one updates or cancels (CAP ``references``: sender,identifier,sent)."""

    sender: str
    identifier: str
    sent: str

    @property
    def key(self) -> tuple[str, str]:
        return (self.sender, self.identifier)


@dataclass(frozen=True)
class CapArea:
    """One CAP ``area``: its description, its shapes in lon/lat and its geocodes.

    Attributes
    ----------
    description : str
        ``areaDesc``.
    geometries : tuple of shapely geometries
        Polygons as given; circles as polygons buffered in metres around the centre
        (a point for radius 0). Coordinates are (lon, lat) degrees.
    geocodes : tuple of (valueName, value)
        Kept as given; matching them against a district layer is a later step.
    """

    description: str
    geometries: tuple[BaseGeometry, ...] = ()
    geocodes: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class CapAlert:
    """A validated CAP alert with one chosen ``info`` block, times in UTC epoch ms.

    Attributes
    ----------
    identifier, sender, status, msg_type, scope : str
        As in the message (``msg_type`` is CAP ``msgType``).
    sent_ms : int
    references : tuple of Reference
    language : str
        Language of the chosen ``info`` ("" for a message without info, e.g. a Cancel).
    event, headline, description, instruction, urgency, severity, certainty : str
    effective_ms, onset_ms, expires_ms : int or None
        ``effective`` defaults to ``sent`` as CAP says; the others are None when absent.
    level : int or None
        1..4 (I..IV), None when neither a colour word nor the severity gives one.
    level_source : str
        Where the level came from: "colour word in headline", "parameter alert_color",
        "severity", or "none".
    areas : tuple of CapArea
    geocodes : tuple of (valueName, value)
        Every geocode of every area, in order.
    version : str
        "1.2", or "1.1" for the older namespace (accepted with a warning).
    warnings : tuple of str
        What was accepted although not quite right (a "Z" time, a missing ``references``).
    info_count : int
        How many ``info`` blocks the message had.
    info_index : int
        Which of them was chosen (0-based).
    """

    identifier: str
    sender: str
    sent_ms: int
    status: str
    msg_type: str
    scope: str
    references: tuple[Reference, ...] = ()
    language: str = ""
    event: str = ""
    headline: str = ""
    description: str = ""
    instruction: str = ""
    urgency: str = ""
    severity: str = ""
    certainty: str = ""
    effective_ms: int | None = None
    onset_ms: int | None = None
    expires_ms: int | None = None
    level: int | None = None
    level_source: str = "none"
    areas: tuple[CapArea, ...] = ()
    geocodes: tuple[tuple[str, str], ...] = ()
    version: str = "1.2"
    warnings: tuple[str, ...] = field(default=())
    info_count: int = 0
    info_index: int = 0

    @property
    def key(self) -> tuple[str, str]:
        """(sender, identifier): what a later message's ``references`` names."""
        return (self.sender, self.identifier)

    def to_json(self) -> dict:
        """A JSON-ready dict: times as epoch ms and ISO UTC, geometries as GeoJSON."""
        times = {name: getattr(self, f"{name}_ms") for name in ("sent", "effective", "onset", "expires")}
        out: dict = {
            "identifier": self.identifier,
            "sender": self.sender,
            "status": self.status,
            "msg_type": self.msg_type,
            "scope": self.scope,
            "version": self.version,
            "references": [[r.sender, r.identifier, r.sent] for r in self.references],
        }
        for name, ms in times.items():
            out[f"{name}_ms"] = ms
            out[name] = None if ms is None else iso_utc(ms)
        out.update(
            info_count=self.info_count, info_index=self.info_index, language=self.language, event=self.event, headline=self.headline,
            description=self.description, instruction=self.instruction, urgency=self.urgency,
            severity=self.severity, certainty=self.certainty, level=self.level,
            level_source=self.level_source,
            areas=[{"description": a.description,
                    "geometries": [mapping(g) for g in a.geometries],
                    "geocodes": [list(pair) for pair in a.geocodes]} for a in self.areas],
            geocodes=[list(pair) for pair in self.geocodes],
            warnings=list(self.warnings),
        )
        return out


def iso_utc(ms: int) -> str:
    """Epoch milliseconds as ISO 8601 UTC (``2026-07-21T03:15:00Z``)."""
    return datetime.fromtimestamp(ms / 1000, UTC).isoformat().replace("+00:00", "Z")
