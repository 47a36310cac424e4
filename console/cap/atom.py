"""Atom index feeds of CAP alerts: the entries, their links and any CAP elements they carry.

An index feed (NWS, Krisinformation.se) lists alerts with a link to each full
CAP document, and often repeats a few CAP elements (``cap:event``,
``cap:severity``, ``cap:area``) inside the entry. These are read as given, not
validated as an alert: the full document behind the link is.
"""

from __future__ import annotations

from dataclasses import dataclass

from console.cap.alert import CapArea
from console.cap.geometry import parse_circle, parse_polygon
from console.cap.parse import CAP_NAMESPACES, parse_time_ms
from console.cap.xmlsafe import local_name, namespace, parse_xml
from console.errors import InputError

__all__ = ["ATOM_NAMESPACE", "FeedEntry", "parse_feed", "parse_index"]

ATOM_NAMESPACE = "http://www.w3.org/2005/Atom"
_A = "{" + ATOM_NAMESPACE + "}"


@dataclass(frozen=True)
class FeedEntry:
    """One entry of a CAP Atom feed.

    Attributes
    ----------
    id, title, link, summary : str
        ``link`` is the ``alternate`` link (else the first), the full CAP document.
    updated_ms : int or None
    cap : tuple of (name, text)
        The simple CAP elements in the entry (``event``, ``severity``, ...), in order.
    areas : tuple of CapArea
        ``cap:area`` elements read as CAP areas.
    warnings : tuple of str
    """

    id: str
    title: str
    link: str
    summary: str = ""
    updated_ms: int | None = None
    cap: tuple[tuple[str, str], ...] = ()
    areas: tuple[CapArea, ...] = ()
    warnings: tuple[str, ...] = ()

    def cap_value(self, name: str) -> str:
        """The first CAP element ``name`` of the entry, "" when absent."""
        return next((text for key, text in self.cap if key == name), "")

    def to_json(self) -> dict:
        from shapely.geometry import mapping

        return {"id": self.id, "title": self.title, "link": self.link, "summary": self.summary,
                "updated_ms": self.updated_ms, "cap": dict(self.cap),
                "areas": [{"description": a.description, "geometries": [mapping(g) for g in a.geometries]}
                          for a in self.areas],
                "warnings": list(self.warnings)}


def _text(element, tag: str) -> str:
    found = element.find(tag)
    return (found.text or "").strip() if found is not None else ""


def _area(element, ns: str, source: str, lonlat_circles: bool) -> CapArea:
    tag = "{" + ns + "}"
    geometries = []
    for name, read in (("polygon", parse_polygon), ("circle", parse_circle)):
        for shape in element.findall(tag + name):
            text = (shape.text or "").strip()
            if not text:
                continue
            try:
                geometries.append(read(text, lonlat=lonlat_circles) if name == "circle" else read(text))
            except ValueError as exc:
                raise InputError(source, f"cap:area {name}: {exc}") from None
    geocodes = tuple((_text(g, tag + "valueName"), _text(g, tag + "value")) for g in element.findall(tag + "geocode"))
    return CapArea(_text(element, tag + "areaDesc"), tuple(geometries), geocodes)


def parse_feed(data: str | bytes, source: str = "Atom feed", *, lonlat_circles: bool = False) -> list[FeedEntry]:
    """The entries of an Atom feed of CAP alerts.

    ``lonlat_circles=True`` reads ``cap:circle`` centres as "lon,lat", as
    Krisinformation.se writes them (CAP says "lat,lon"; the order cannot be told
    from the numbers, so the caller who knows the source says so).

    Raises
    ------
    InputError
        For XML refused by ``parse_xml``, a root that is not an Atom feed, or a bad area.
    """
    return _atom_entries(parse_xml(data, source), source, lonlat_circles)


def parse_index(data: str | bytes, source: str = "CAP feed", *, lonlat_circles: bool = False) -> list[FeedEntry]:
    """The entries of an index feed of CAP alerts: Atom (``parse_feed``) or RSS 2.0 ``<item>``s.

    An RSS item's ``guid`` (else its link) is its id, ``pubDate`` its updated time.
    """
    root = parse_xml(data, source)
    if local_name(root.tag) != "rss":
        return _atom_entries(root, source, lonlat_circles)
    from email.utils import parsedate_to_datetime

    entries = []
    for number, item in enumerate(root.iter("item"), start=1):
        link = _text(item, "link")
        entry_id = _text(item, "guid") or link
        if not entry_id:
            raise InputError(f"{source}: item {number}", "missing required element: guid or link")
        updated_ms, warnings = None, []
        published = _text(item, "pubDate")
        if published:
            try:
                updated_ms = int(parsedate_to_datetime(published).timestamp() * 1000)
            except (TypeError, ValueError):
                warnings.append(f"pubDate {published!r} is not an RFC 822 date")
        entries.append(FeedEntry(entry_id, _text(item, "title"), link, _text(item, "description"), updated_ms,
                                 warnings=tuple(warnings)))
    return entries


def _atom_entries(root, source: str, lonlat_circles: bool) -> list[FeedEntry]:
    if root.tag != _A + "feed":
        raise InputError(source, f"root element is <{local_name(root.tag)}>, not an Atom <feed>")
    entries = []
    for number, entry in enumerate(root.findall(_A + "entry"), start=1):
        where = f"{source}: entry {number}"
        warnings = []
        links = entry.findall(_A + "link")
        alternate = [link for link in links if link.get("rel", "alternate") == "alternate"]
        link = (alternate or links)[0].get("href", "") if links else ""
        updated_ms = None
        updated = _text(entry, _A + "updated")
        if updated:
            try:
                updated_ms, _ = parse_time_ms(updated)
            except ValueError as exc:
                warnings.append(f"updated: {exc}")
        cap, areas = [], []
        for child in entry:
            ns = namespace(child.tag) if isinstance(child.tag, str) else ""
            if ns not in CAP_NAMESPACES:
                continue
            if local_name(child.tag) == "area":
                areas.append(_area(child, ns, where, lonlat_circles))
            elif len(child) == 0:
                cap.append((local_name(child.tag), (child.text or "").strip()))
        entry_id = _text(entry, _A + "id")
        if not entry_id:
            raise InputError(where, "missing required element: id")
        entries.append(FeedEntry(entry_id, _text(entry, _A + "title"), link, _text(entry, _A + "summary"),
                                 updated_ms, tuple(cap), tuple(areas), tuple(warnings)))
    return entries
