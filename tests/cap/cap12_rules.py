"""The CAP 1.2 rules (OASIS CAP 1.2, section 3, the data dictionary and the XML schema), checked on their own.

A test-side check written from the standard, independent of the console's
parser: element order and cardinality of alert, info, resource and area;
the enumerations; the date-time form (offset required, no "Z"); sender and
identifier characters; references; closed polygons of at least four pairs and
circles. ``problems(xml)`` returns every rule broken, [] for a valid alert.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

NS = "urn:oasis:names:tc:emergency:cap:1.2"

# (name, min, max) in schema order; max None = unbounded.
ALERT = [("identifier", 1, 1), ("sender", 1, 1), ("sent", 1, 1), ("status", 1, 1), ("msgType", 1, 1),
         ("source", 0, 1), ("scope", 1, 1), ("restriction", 0, 1), ("addresses", 0, 1), ("code", 0, None),
         ("note", 0, 1), ("references", 0, 1), ("incidents", 0, 1), ("info", 0, None)]
INFO = [("language", 0, 1), ("category", 1, None), ("event", 1, 1), ("responseType", 0, None), ("urgency", 1, 1),
        ("severity", 1, 1), ("certainty", 1, 1), ("audience", 0, 1), ("eventCode", 0, None), ("effective", 0, 1),
        ("onset", 0, 1), ("expires", 0, 1), ("senderName", 0, 1), ("headline", 0, 1), ("description", 0, 1),
        ("instruction", 0, 1), ("web", 0, 1), ("contact", 0, 1), ("parameter", 0, None), ("resource", 0, None),
        ("area", 0, None)]
AREA = [("areaDesc", 1, 1), ("polygon", 0, None), ("circle", 0, None), ("geocode", 0, None), ("altitude", 0, 1),
        ("ceiling", 0, 1)]
PAIR = [("valueName", 1, 1), ("value", 1, 1)]
ENUMS = {
    "status": {"Actual", "Exercise", "System", "Test", "Draft"},
    "msgType": {"Alert", "Update", "Cancel", "Ack", "Error"},
    "scope": {"Public", "Restricted", "Private"},
    "category": {"Geo", "Met", "Safety", "Security", "Rescue", "Fire", "Health", "Env", "Transport", "Infra",
                 "CBRNE", "Other"},
    "responseType": {"Shelter", "Evacuate", "Prepare", "Execute", "Avoid", "Monitor", "Assess", "AllClear", "None"},
    "urgency": {"Immediate", "Expected", "Future", "Past", "Unknown"},
    "severity": {"Extreme", "Severe", "Moderate", "Minor", "Unknown"},
    "certainty": {"Observed", "Likely", "Possible", "Unlikely", "Unknown"},
}
TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d\Z")
RESTRICTED = re.compile(r"[\s,<&]")
NUMBER = r"-?\d+(?:\.\d+)?"
POINT = re.compile(rf"({NUMBER}),({NUMBER})\Z")


def _local(element) -> str:
    tag = element.tag
    if not tag.startswith("{" + NS + "}"):
        return "!" + tag
    return tag.split("}", 1)[1]


def _sequence(element, spec, where: str, out: list[str]) -> dict[str, list]:
    """Children against (name, min, max) in order; returns them by name."""
    names = [name for name, _, _ in spec]
    found: dict[str, list] = {}
    position = 0
    for child in element:
        name = _local(child)
        if name not in names:
            out.append(f"{where}: unexpected element <{name}>")
            continue
        index = names.index(name)
        if index < position:
            out.append(f"{where}: <{name}> out of order (after <{names[position]}>)")
        position = max(position, index)
        found.setdefault(name, []).append(child)
    for name, low, high in spec:
        count = len(found.get(name, []))
        if count < low:
            out.append(f"{where}: <{name}> required")
        if high is not None and count > high:
            out.append(f"{where}: <{name}> at most {high}, found {count}")
    return found


def _text(found, name) -> str:
    return (found[name][0].text or "") if name in found else ""


def _enum(found, name, where, out) -> None:
    for element in found.get(name, []):
        if (element.text or "") not in ENUMS[name]:
            out.append(f"{where}: {name} {element.text!r} not in the enumeration")


def _time(found, name, where, out) -> None:
    if name in found and not TIME.match(_text(found, name)):
        out.append(f"{where}: {name} {_text(found, name)!r} is not a CAP dateTime with an offset")


def _point(text: str, where: str, out: list[str]) -> None:
    match = POINT.match(text)
    if not match:
        out.append(f"{where}: {text!r} is not lat,lon")
        return
    lat, lon = float(match.group(1)), float(match.group(2))
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        out.append(f"{where}: {text!r} out of range")


def problems(xml: str | bytes) -> list[str]:
    """Every CAP 1.2 rule the document breaks."""
    out: list[str] = []
    root = ET.fromstring(xml)
    if root.tag != "{" + NS + "}alert":
        return [f"root is {root.tag}, not a CAP 1.2 alert"]
    found = _sequence(root, ALERT, "alert", out)
    for name in ("identifier", "sender"):
        if RESTRICTED.search(_text(found, name)):
            out.append(f"alert: {name} holds a space, comma, < or &")
    _time(found, "sent", "alert", out)
    for name in ("status", "msgType", "scope"):
        _enum(found, name, "alert", out)
    scope = _text(found, "scope")
    if scope == "Restricted" and "restriction" not in found:
        out.append("alert: a Restricted alert needs <restriction>")
    if scope == "Private" and "addresses" not in found:
        out.append("alert: a Private alert needs <addresses>")
    if _text(found, "msgType") in ("Update", "Cancel") and "references" not in found:
        out.append("alert: an Update or Cancel names the messages it refers to in <references>")
    for entry in _text(found, "references").split():
        parts = entry.split(",")
        if len(parts) != 3 or not all(parts) or not TIME.match(parts[2]):
            out.append(f"alert: reference {entry!r} is not sender,identifier,sent")
    for number, info in enumerate(found.get("info", []), start=1):
        where = f"info {number}"
        inner = _sequence(info, INFO, where, out)
        for name in ("category", "responseType", "urgency", "severity", "certainty"):
            _enum(inner, name, where, out)
        for name in ("effective", "onset", "expires"):
            _time(inner, name, where, out)
        for parameter in inner.get("parameter", []) + inner.get("eventCode", []):
            _sequence(parameter, PAIR, f"{where} {_local(parameter)}", out)
        for area_number, area in enumerate(inner.get("area", []), start=1):
            here = f"{where} area {area_number}"
            shapes = _sequence(area, AREA, here, out)
            for polygon in shapes.get("polygon", []):
                pairs = (polygon.text or "").split()
                if len(pairs) < 4:
                    out.append(f"{here}: polygon of {len(pairs)} pairs (at least 4)")
                elif pairs[0] != pairs[-1]:
                    out.append(f"{here}: polygon not closed")
                for pair in pairs:
                    _point(pair, f"{here} polygon", out)
            for circle in shapes.get("circle", []):
                parts = (circle.text or "").split()
                if len(parts) != 2 or not re.fullmatch(NUMBER, parts[1]) or float(parts[1]) < 0:
                    out.append(f"{here}: circle {circle.text!r} is not 'lat,lon radius'")
                else:
                    _point(parts[0], f"{here} circle", out)
            for geocode in shapes.get("geocode", []):
                _sequence(geocode, PAIR, f"{here} geocode", out)
            if "ceiling" in shapes and "altitude" not in shapes:
                out.append(f"{here}: ceiling without altitude")
    return out
