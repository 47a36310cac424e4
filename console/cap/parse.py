"""CAP 1.2 messages to ``CapAlert``: required elements, enumerations, times, areas, the level.

Every problem found in a message is collected and reported at once, naming the
element (``info 1: severity 'Huge' is not one of ...``). What is accepted but not
quite right (a ``Z`` time zone, CAP 1.1, an Update without ``references``) goes
into ``CapAlert.warnings`` instead.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import datetime

from console.cap.alert import CapAlert, CapArea, Reference
from console.cap.geometry import parse_circle, parse_polygon
from console.cap.xmlsafe import local_name, namespace, parse_xml
from console.errors import InputError

__all__ = ["CAP_NAMESPACES", "ENUMERATIONS", "alert_from_element", "alerts_from_warning", "parse_alert",
           "parse_alerts", "parse_time_ms"]

CAP_NAMESPACES = {
    "urn:oasis:names:tc:emergency:cap:1.2": "1.2",
    "urn:oasis:names:tc:emergency:cap:1.1": "1.1",
}
ALERT_REQUIRED = ("identifier", "sender", "sent", "status", "msgType", "scope")
INFO_REQUIRED = ("category", "event", "urgency", "severity", "certainty")
ENUMERATIONS = {
    "status": ("Actual", "Exercise", "System", "Test", "Draft"),
    "msgType": ("Alert", "Update", "Cancel", "Ack", "Error"),
    "scope": ("Public", "Restricted", "Private"),
    "category": ("Geo", "Met", "Safety", "Security", "Rescue", "Fire", "Health", "Env", "Transport",
                 "Infra", "CBRNE", "Other"),
    "urgency": ("Immediate", "Expected", "Future", "Past", "Unknown"),
    "severity": ("Extreme", "Severe", "Moderate", "Minor", "Unknown"),
    "certainty": ("Observed", "Likely", "Possible", "Unlikely", "Unknown"),
}
# CAP 1.1 also allowed "Very Likely" (CAP 1.2 folds it into Likely).
_CERTAINTY_1_1 = ("Very Likely",)
SEVERITY_LEVEL = {"Extreme": 1, "Severe": 2, "Moderate": 3, "Minor": 4}
# Chinese warning colours (simplified and traditional): red I, orange II, yellow III, blue IV.
# Only "<colour>色" counts, so place names such as 红河 or 蓝田 do not.
_COLOUR_RE = re.compile("([红紅橙黄黃蓝藍])色")
_COLOUR_LEVEL = {"红": 1, "紅": 1, "橙": 2, "黄": 3, "黃": 3, "蓝": 4, "藍": 4}
_TIME_RE = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[+-]\d{2}:\d{2}|Z)\Z")
# Languages preferred for the one info block the console shows.
PREFERRED_LANGUAGES = ("zh-cn", "en")


def parse_time_ms(text: str) -> tuple[int, bool]:
    """A CAP date-time as UTC epoch ms, and whether it used the ``Z`` CAP forbids.

    Raises ValueError with the text when it is not ``YYYY-MM-DDThh:mm:ss±hh:mm``.
    """
    if not _TIME_RE.match(text):
        raise ValueError(f"'{text}' is not a CAP time like 2026-07-21T03:15:00+08:00")
    zulu = text.endswith("Z")
    try:
        moment = datetime.fromisoformat(text[:-1] + "+00:00" if zulu else text)
    except ValueError:
        raise ValueError(f"'{text}' is not a valid date and time") from None
    return int(moment.timestamp() * 1000), zulu


class _Message:
    """Problems and warnings found while reading one alert element."""

    def __init__(self, ns: str):
        self.ns = ns
        self.prefix = "{" + ns + "}" if ns else ""
        self.errors: list[str] = []
        self.warnings: list[str] = []
        self._zulu_noted = False

    def children(self, element: ET.Element) -> dict[str, list[ET.Element]]:
        """Child elements in the CAP namespace by local name (signatures and extensions skipped)."""
        found: dict[str, list[ET.Element]] = {}
        prefix, cut = self.prefix, len(self.prefix)
        for child in element:
            tag = child.tag
            if isinstance(tag, str) and tag.startswith(prefix) and "}" not in tag[cut:]:
                found.setdefault(tag[cut:], []).append(child)
        return found

    def text(self, found: dict, name: str) -> str:
        elements = found.get(name)
        return (elements[0].text or "").strip() if elements else ""

    def enum(self, found: dict, name: str, where: str, extra: tuple[str, ...] = ()) -> str:
        value = self.text(found, name)
        allowed = ENUMERATIONS[name]
        if value and value not in allowed and value not in extra:
            self.errors.append(f"{where}{name} '{value}' is not one of {', '.join(allowed)}")
        return value

    def time(self, found: dict, name: str, where: str) -> int | None:
        value = self.text(found, name)
        if not value:
            return None
        try:
            ms, zulu = parse_time_ms(value)
        except ValueError as exc:
            self.errors.append(f"{where}{name}: {exc}")
            return None
        if zulu and not self._zulu_noted:
            self._zulu_noted = True
            self.warnings.append(f"{where}{name} uses 'Z', which CAP forbids; read as UTC")
        return ms

    def missing(self, found: dict, required: tuple[str, ...], where: str) -> None:
        absent = [name for name in required if not self.text(found, name)]
        if absent:
            self.errors.append(f"{where}missing required element{'s' if len(absent) > 1 else ''}: "
                               + ", ".join(absent))


def _references(text: str, msg: _Message) -> tuple[Reference, ...]:
    refs = []
    for entry in text.split():
        parts = entry.split(",")
        if len(parts) != 3 or not all(parts):
            msg.errors.append(f"references: '{entry}' is not sender,identifier,sent")
            continue
        refs.append(Reference(*parts))
    return tuple(refs)


def _choose_info(infos: list[ET.Element], msg: _Message) -> tuple[int, ET.Element, str]:
    """The info block shown: zh-CN, else the first English one, else the first."""
    languages = [(msg.text(msg.children(info), "language") or "en-US") for info in infos]
    lowered = [lang.lower() for lang in languages]
    for preferred in PREFERRED_LANGUAGES:
        for index, lang in enumerate(lowered):
            if lang == preferred or lang.startswith(preferred + "-"):
                return index, infos[index], languages[index]
    return 0, infos[0], languages[0]


def _level(event: str, headline: str, parameters: list[tuple[str, str]], severity: str) -> tuple[int | None, str]:
    """The level and where it came from: a colour word first, then the CAP severity."""
    for where, text in (("event", event), ("headline", headline)):
        colours = _COLOUR_RE.findall(text)
        if colours:
            # An upgraded warning names both colours; the most severe one is in force.
            return min(_COLOUR_LEVEL[c] for c in colours), f"colour word in {where}"
    for name, value in parameters:
        colours = _COLOUR_RE.findall(value)
        if colours:
            return min(_COLOUR_LEVEL[c] for c in colours), f"parameter {name}"
    if severity in SEVERITY_LEVEL:
        return SEVERITY_LEVEL[severity], "severity"
    return None, "none"


def _areas(info_found: dict, msg: _Message, where: str, lonlat_circles: bool) -> tuple[CapArea, ...]:
    areas = []
    for number, area in enumerate(info_found.get("area", ()), start=1):
        found = msg.children(area)
        here = f"{where}area {number}: "
        description = msg.text(found, "areaDesc")
        if not description:
            msg.errors.append(f"{here}missing required element: areaDesc")
        geometries = []
        for shape in ("polygon", "circle"):
            empty = [e for e in found.get(shape, ()) if not (e.text or "").strip()]
            if empty:  # NWS writes an empty <polygon/> when the area is given by geocodes
                msg.warnings.append(f"{here}empty {shape} ignored")
        for element in found.get("polygon", ()):
            if not (element.text or "").strip():
                continue
            try:
                geometries.append(parse_polygon(element.text or ""))
            except ValueError as exc:
                msg.errors.append(f"{here}polygon: {exc}")
        for element in found.get("circle", ()):
            if not (element.text or "").strip():
                continue
            try:
                geometries.append(parse_circle(element.text or "", lonlat=lonlat_circles))
            except ValueError as exc:
                msg.errors.append(f"{here}circle: {exc}")
        geocodes = []
        for element in found.get("geocode", ()):
            pair = msg.children(element)
            geocodes.append((msg.text(pair, "valueName"), msg.text(pair, "value")))
        areas.append(CapArea(description, tuple(geometries), tuple(geocodes)))
    return tuple(areas)


def alert_from_element(root: ET.Element, source: str, *, lonlat_circles: bool = False) -> CapAlert:
    """Validate and normalise one ``alert`` element.

    Raises
    ------
    InputError
        Naming ``source``, the alert's identifier when it has one, and every problem found.
    """
    ns = namespace(root.tag)
    msg = _Message(ns)
    version = CAP_NAMESPACES.get(ns)
    if local_name(root.tag) != "alert":
        raise InputError(source, f"root element is <{local_name(root.tag)}>, not a CAP <alert>")
    if version is None:
        raise InputError(source, f"<alert> in namespace '{ns or 'none'}' is not CAP 1.2 (or 1.1)")
    if version == "1.1":
        msg.warnings.append("CAP 1.1 namespace: read with the CAP 1.2 rules")
    found = msg.children(root)
    msg.missing(found, ALERT_REQUIRED, "")
    identifier = msg.text(found, "identifier")
    status = msg.enum(found, "status", "")
    msg_type = msg.enum(found, "msgType", "")
    scope = msg.enum(found, "scope", "")
    sent_ms = msg.time(found, "sent", "")
    references = _references(msg.text(found, "references"), msg)
    if msg_type in ("Update", "Cancel") and not references:
        msg.warnings.append(f"{msg_type} without references: it replaces or removes nothing")
    infos = found.get("info", [])
    fields: dict = {}
    if infos:
        index, info, language = _choose_info(infos, msg)
        where = f"info {index + 1}: " if len(infos) > 1 else "info: "
        info_found = msg.children(info)
        msg.missing(info_found, INFO_REQUIRED, where)
        for element in info_found.get("category", ()):
            value = (element.text or "").strip()
            if value and value not in ENUMERATIONS["category"]:
                msg.errors.append(f"{where}category '{value}' is not one of {', '.join(ENUMERATIONS['category'])}")
        extra = _CERTAINTY_1_1 if version == "1.1" else ()
        severity = msg.enum(info_found, "severity", where)
        parameters = [(msg.text(p, "valueName"), msg.text(p, "value"))
                      for p in map(msg.children, info_found.get("parameter", ()))]
        event, headline = msg.text(info_found, "event"), msg.text(info_found, "headline")
        level, level_source = _level(event, headline, parameters, severity)
        areas = _areas(info_found, msg, where, lonlat_circles)
        fields = dict(
            info_index=index, language=language, event=event, headline=headline,
            description=msg.text(info_found, "description"), instruction=msg.text(info_found, "instruction"),
            urgency=msg.enum(info_found, "urgency", where), severity=severity,
            certainty=msg.enum(info_found, "certainty", where, extra),
            effective_ms=msg.time(info_found, "effective", where), onset_ms=msg.time(info_found, "onset", where),
            expires_ms=msg.time(info_found, "expires", where), level=level, level_source=level_source,
            areas=areas, geocodes=tuple(pair for area in areas for pair in area.geocodes),
        )
    elif msg_type not in ("Cancel", "Ack", "Error"):
        msg.warnings.append(f"{msg_type or 'alert'} without info: no event, level or area")
    if msg.errors:
        name = f"alert '{identifier}'" if identifier else "alert"
        raise InputError(source, "; ".join(msg.errors), key=name)
    if fields.get("effective_ms") is None:
        fields["effective_ms"] = sent_ms  # CAP: effective defaults to sent
    return CapAlert(identifier=identifier, sender=msg.text(found, "sender"), sent_ms=sent_ms, status=status,
                    msg_type=msg_type, scope=scope, references=references, version=version,
                    warnings=tuple(msg.warnings), info_count=len(infos), **fields)


def parse_alerts(data: str | bytes, source: str = "CAP message", *, lonlat_circles: bool = False) -> list[CapAlert]:
    """Every alert in a CAP document: one ``<alert>``, or a wrapper element holding several.

    A wrapper (SMHI's ``<alerts>``) is read when its children are CAP alerts; one
    bad alert refuses the whole document, naming the alert.
    """
    root = parse_xml(data, source)
    if local_name(root.tag) == "alert":
        return [alert_from_element(root, source, lonlat_circles=lonlat_circles)]
    inner = [child for child in root if isinstance(child.tag, str) and local_name(child.tag) == "alert"]
    if not inner:
        raise InputError(source, f"root element is <{local_name(root.tag)}>, not a CAP <alert>")
    return [alert_from_element(child, f"{source}: alert {n}", lonlat_circles=lonlat_circles)
            for n, child in enumerate(inner, start=1)]


def parse_alert(data: str | bytes, source: str = "CAP message", *, lonlat_circles: bool = False) -> CapAlert:
    """The one alert of a CAP document (a wrapper with several is refused)."""
    alerts = parse_alerts(data, source, lonlat_circles=lonlat_circles)
    if len(alerts) != 1:
        raise InputError(source, f"holds {len(alerts)} alerts where one was expected")
    return alerts[0]


def alerts_from_warning(warning, source: str = "feed", *, lonlat_circles: bool = False) -> list[CapAlert]:
    """The alerts of a ``console.feeds.events.CapWarning``, errors naming ``source`` and its line."""
    where = f"{source}:{warning.line}" if warning.line else source
    return parse_alerts(warning.xml, where, lonlat_circles=lonlat_circles)
