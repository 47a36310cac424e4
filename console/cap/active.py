"""A warning in force as plain data: what the engine reports and the window shows (no Qt, picklable)."""

from __future__ import annotations

from dataclasses import dataclass

import shapely
from shapely.geometry.base import BaseGeometry

from console.cap.alert import CapAlert, iso_utc

__all__ = ["ActiveWarning", "active_warning", "area_of"]


@dataclass(frozen=True)
class ActiveWarning:
    """One CAP warning in force, as the Warnings pane and the map need it.

    Attributes
    ----------
    id : str
        "sender,identifier": what a later Update or Cancel references.
    identifier, sender, source : str
        ``source``: the console source it came through.
    level : int or None
        1..4 (I..IV); None when the message gives none.
    level_source, event, headline, description, instruction, area_desc, severity, urgency, msg_type : str
    sent_ms, effective_ms : int
    onset_ms, expires_ms : int or None
    area_wkb : bytes or None
        The union of the warning's polygons (lon/lat, WKB); None when it has no polygon or circle.
    bounds : tuple of float or None
        (min_lon, min_lat, max_lon, max_lat) of the area.
    geocodes : tuple of (valueName, value)
    """

    id: str
    identifier: str
    sender: str
    source: str
    level: int | None
    level_source: str
    event: str
    headline: str
    description: str
    instruction: str
    area_desc: str
    severity: str
    urgency: str
    msg_type: str
    sent_ms: int
    effective_ms: int
    onset_ms: int | None
    expires_ms: int | None
    area_wkb: bytes | None
    bounds: tuple[float, float, float, float] | None
    geocodes: tuple[tuple[str, str], ...] = ()

    def area(self) -> BaseGeometry | None:
        """The area as a shapely geometry in lon/lat (None without one)."""
        return None if self.area_wkb is None else shapely.from_wkb(self.area_wkb)

    def to_json(self) -> dict:
        times = {name: getattr(self, f"{name}_ms") for name in ("sent", "effective", "onset", "expires")}
        return {"id": self.id, "level": self.level, "level_source": self.level_source, "event": self.event,
                "headline": self.headline, "area": self.area_desc, "sender": self.sender, "source": self.source,
                **{name: None if ms is None else iso_utc(ms) for name, ms in times.items()},
                "bounds": None if self.bounds is None else list(self.bounds)}


def area_of(alert: CapAlert) -> BaseGeometry | None:
    """The union of an alert's polygons and circles (points of zero-radius circles left out)."""
    shapes = [g for area in alert.areas for g in area.geometries if g.geom_type in ("Polygon", "MultiPolygon")]
    if not shapes:
        return None
    return shapely.union_all(shapes) if len(shapes) > 1 else shapes[0]


def active_warning(alert: CapAlert, source: str) -> ActiveWarning:
    """The plain-data form of a warning in force."""
    area = area_of(alert)
    return ActiveWarning(
        id=f"{alert.sender},{alert.identifier}", identifier=alert.identifier, sender=alert.sender, source=source,
        level=alert.level, level_source=alert.level_source, event=alert.event, headline=alert.headline,
        description=alert.description, instruction=alert.instruction,
        area_desc="; ".join(a.description for a in alert.areas if a.description), severity=alert.severity,
        urgency=alert.urgency, msg_type=alert.msg_type, sent_ms=alert.sent_ms,
        effective_ms=alert.effective_ms if alert.effective_ms is not None else alert.sent_ms,
        onset_ms=alert.onset_ms, expires_ms=alert.expires_ms,
        area_wkb=None if area is None or area.is_empty else shapely.to_wkb(area),
        bounds=None if area is None or area.is_empty else tuple(float(v) for v in area.bounds),
        geocodes=alert.geocodes,
    )
