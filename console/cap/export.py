"""CAP 1.2 out: the console's own graded warnings as CAP alerts other departments' systems can take (no Qt).

One message per revision of an alarm or an incident (``console.cap.story``).
The identifier is stable: the journal's stamp, the alarm (``A17``) or incident
(``I5``) and the revision number, so the same journal always gives the same
messages and a later one ``references`` every earlier one. ``status`` is
``Actual``, or ``Exercise`` for a drill journal (and the headline says 演练 /
DRILL). Urgency, severity and certainty follow the level; the zh-CN info block
names the warning colour (红色 for level I ... 蓝色 for IV), which is also how
the console's own parser reads the level back. The area of an alarm is a circle
around its sensor; that of an incident its footprint, the convex hull of its
sensors buffered by ``buffer_km``, written as a closed CAP polygon.

The document is checked by the console's own parser before it is returned: a
message the console itself would refuse is never published.
"""

from __future__ import annotations

import math
import re
import socket
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import numpy as np
import shapely
from shapely.geometry import MultiPoint

from console.cap.geometry import EARTH_RADIUS_M
from console.cap.story import CANCEL, Revision, SensorSite, Subject
from console.errors import InputError
from console.model.levels import DISPLAY_ZONE, level_name
from console.reports.labels import labels

__all__ = ["CAP_NS", "ExportOptions", "Message", "cap_time", "default_sender", "export_message", "export_messages",
           "footprint"]

CAP_NS = "urn:oasis:names:tc:emergency:cap:1.2"
_T = "{" + CAP_NS + "}"
# level -> (urgency, severity, certainty). Sensors measure what they report: Observed.
LEVEL_CAP = {1: ("Immediate", "Extreme", "Observed"), 2: ("Immediate", "Severe", "Observed"),
             3: ("Expected", "Moderate", "Observed"), 4: ("Expected", "Minor", "Observed")}
COLOUR_ZH = {1: "红色", 2: "橙色", 3: "黄色", 4: "蓝色"}
COLOUR_EN = {1: "red", 2: "orange", 3: "yellow", 4: "blue"}
FAMILY_CATEGORY = {"lifeline": "Infra", "flood": "Met", "hazmat": "CBRNE"}
# Characters CAP forbids in sender and identifier (with white space).
_RESTRICTED = re.compile(r"[\s,<&]")
# Digits kept of a coordinate: 1e-5 degrees is about a metre.
COORDINATE_DIGITS = 5


@dataclass(frozen=True)
class ExportOptions:
    """How messages are written.

    Attributes
    ----------
    sender : str
        CAP ``sender`` (no spaces, commas, ``<`` or ``&``); by default ``console@<host>``.
    sender_name : str
        ``senderName`` in both info blocks ("" leaves it out).
    radius_km : float
        Circle around an alarm's sensor.
    buffer_km : float
        Buffer around an incident's sensors (the footprint).
    zone : str
        The offset written in times (CAP wants ``+08:00``, never ``Z``).
    """

    sender: str = ""
    sender_name: str = ""
    radius_km: float = 0.5
    buffer_km: float = 0.5
    zone: str = DISPLAY_ZONE


@dataclass(frozen=True)
class Message:
    """One exported CAP alert: its identifier, type, the revision it writes and the XML text."""

    identifier: str
    sender: str
    msg_type: str
    revision: Revision
    xml: str

    def data(self) -> bytes:
        return self.xml.encode("utf-8")


def default_sender() -> str:
    """``console@<host name>``, with what CAP forbids in a sender taken out."""
    host = _RESTRICTED.sub("", socket.gethostname()) or "localhost"
    return f"console@{host}"


def cap_time(ms: int, zone: str = DISPLAY_ZONE) -> str:
    """Epoch ms as a CAP time: seconds, with the zone's offset (``2026-07-21T03:15:00+08:00``)."""
    moment = datetime.fromtimestamp(ms // 1000, UTC).astimezone(ZoneInfo(zone))
    return moment.isoformat(timespec="seconds")


def _to_plane(lon, lat, lon0: float, lat0: float):
    scale = EARTH_RADIUS_M * max(math.cos(math.radians(lat0)), 1e-6)
    return np.radians(np.asarray(lon) - lon0) * scale, np.radians(np.asarray(lat) - lat0) * EARTH_RADIUS_M


def _from_plane(x, y, lon0: float, lat0: float):
    scale = EARTH_RADIUS_M * max(math.cos(math.radians(lat0)), 1e-6)
    return lon0 + np.degrees(np.asarray(x) / scale), lat0 + np.degrees(np.asarray(y) / EARTH_RADIUS_M)


def footprint(sites: list[SensorSite], buffer_km: float):
    """The convex hull of the sites buffered by ``buffer_km``, as a lon/lat polygon.

    The buffer is in metres on a local plane around the sites' mean position
    (the same approximation the parser uses for CAP circles).
    """
    lon = np.array([s.lon for s in sites])
    lat = np.array([s.lat for s in sites])
    lon0, lat0 = float(lon.mean()), float(lat.mean())
    x, y = _to_plane(lon, lat, lon0, lat0)
    hull = MultiPoint(np.column_stack([x, y])).convex_hull.buffer(max(buffer_km, 0.001) * 1000.0, quad_segs=4)
    ring = np.asarray(hull.exterior.coords)
    out_lon, out_lat = _from_plane(ring[:, 0], ring[:, 1], lon0, lat0)
    return shapely.Polygon(np.column_stack([out_lon, out_lat]))


def _pair(lat: float, lon: float) -> str:
    return f"{lat:.{COORDINATE_DIGITS}f},{lon:.{COORDINATE_DIGITS}f}"


def polygon_text(polygon) -> str:
    """A lon/lat polygon as CAP ``lat,lon`` pairs, closed (first pair repeated last)."""
    pairs = [_pair(lat, lon) for lon, lat in np.asarray(polygon.exterior.coords)[:-1]]
    # Rounding may fold neighbours together; a repeated pair adds nothing to a ring.
    kept = [p for i, p in enumerate(pairs) if i == 0 or p != pairs[i - 1]]
    return " ".join([*kept, kept[0]])


def _clock(ms: int, zone: str) -> str:
    return datetime.fromtimestamp(ms / 1000, UTC).astimezone(ZoneInfo(zone)).strftime("%Y-%m-%d %H:%M")


def _identifier(subject: Subject, number: int) -> str:
    letter = "A" if subject.kind == "alarm" else "I"
    return f"{subject.stamp}-{letter}{subject.key}-{number}"


def _sub(parent: ET.Element, name: str, text: str | None = None) -> ET.Element:
    element = ET.SubElement(parent, _T + name)
    if text is not None:
        element.text = text
    return element


def _sites(subject: Subject, revision: Revision, sites: dict[str, SensorSite]) -> list[SensorSite]:
    found = [sites[s] for s in revision.sensors if s in sites]
    missing = [s for s in revision.sensors if s not in sites]
    if missing:
        what = f"{subject.kind} {subject.key}"
        raise InputError(what, f"sensor {missing[0]} is not in the sensor layers, so its position is not known "
                               "(give the catalog or sensor files the journal was written with)")
    return found


def _texts(subject: Subject, revision: Revision, sites: dict[str, SensorSite], language: str,
           zone: str) -> dict[str, str]:
    """Event, headline, description, instruction and area description in one language."""
    words = labels("zh_CN" if language == "zh-CN" else "en")
    zh = language == "zh-CN"
    rows = [r for r in subject.alarms if r["sensor_id"] in revision.sensors] or list(subject.alarms)
    first = rows[0]
    category = words.name("category", first["category"])
    districts = sorted({r["district"] for r in rows if r.get("district")})
    place = "、".join(districts) if zh else ", ".join(districts)
    level, roman = revision.level, level_name(revision.level)
    when = _clock(revision.t_ms, zone)
    drill_zh, drill_en = ("【演练】", "DRILL: ") if subject.drill else ("", "")
    owners = sorted({r["owner"] for r in rows if r.get("owner")})
    cancel = revision.msg_type == CANCEL
    raised = subject.revisions[0]
    if subject.kind == "alarm":
        site = sites.get(first["sensor_id"])
        sensor = f"{first['sensor_id']}" + (f" {site.name}" if site is not None and site.name else "")
        unit = site.unit if site is not None else ""
        # A Cancel tells of the last level in force, with the value that reached it.
        shown = next((r for r in reversed(subject.revisions[: revision.number]) if r.msg_type != CANCEL), revision)
        value = "" if shown.value is None else f"{shown.value:g}{(' ' + unit) if unit else ''}"
        threshold = "" if shown.threshold is None else f"{shown.threshold:g}"
        when_level = _clock(shown.t_ms, zone)
    if zh:
        event = f"{category}{COLOUR_ZH[level]}预警"
        if subject.kind == "alarm":
            headline = f"{drill_zh}{place}{category}{COLOUR_ZH[level]}预警（{roman}级）：{first['sensor_id']}"
            description = (f"监测点 {sensor}（{category}，{place or '未知区'}）于 {when_level} 达到{roman}级"
                           + (f"，测值 {value}" if value else "") + (f"，阈值 {threshold}" if threshold else "") + "。")
        else:
            headline = f"{drill_zh}{place}{category}{COLOUR_ZH[level]}预警（{roman}级）：事件 {subject.key}"
            description = (f"事件 {subject.key}：{len(revision.sensors)} 个监测点报警（{'、'.join(revision.sensors)}），"
                           f"{when} 最高为{roman}级。")
        if cancel:
            headline = f"{drill_zh}解除：" + headline.removeprefix(drill_zh)
            description += f"{when} 已恢复正常，预警解除（{_clock(raised.t_ms, zone)} 发布）。"
        instruction = ("请 " + "、".join(owners) + " 按预案处置。") if owners else "请责任单位按预案处置。"
        area = f"{place or '监测区域'}：" + ("监测点 " + first["sensor_id"] + " 周边" if subject.kind == "alarm"
                                           else f"事件 {subject.key} 范围")
    else:
        event = f"{category} warning ({COLOUR_EN[level]}, level {roman})"
        if subject.kind == "alarm":
            headline = f"{drill_en}{category} level {roman} ({COLOUR_EN[level]}) in {place or 'the city'}: {first['sensor_id']}"
            description = (f"Sensor {sensor} ({category}, {place or 'unknown district'}) reached level {roman} "
                           f"at {when_level}"
                           + (f", value {value}" if value else "") + (f", threshold {threshold}" if threshold else "") + ".")
        else:
            headline = (f"{drill_en}{category} level {roman} ({COLOUR_EN[level]}) in {place or 'the city'}: "
                        f"incident {subject.key}")
            description = (f"Incident {subject.key}: {len(revision.sensors)} sensor(s) in alarm "
                           f"({', '.join(revision.sensors)}); most severe level {roman} at {when}.")
        if cancel:
            headline = f"{drill_en}Ended: " + headline.removeprefix(drill_en)
            description += (f" Back to normal at {when}; the warning issued at {_clock(raised.t_ms, zone)} "
                             "is withdrawn.")
        instruction = (f"Responsible unit: {', '.join(owners)}. Act by the contingency plan." if owners
                       else "The responsible unit acts by the contingency plan.")
        area = f"{place or 'Monitored area'}: " + (f"around sensor {first['sensor_id']}" if subject.kind == "alarm"
                                                   else f"extent of incident {subject.key}")
    return {"event": event, "headline": headline, "description": description, "instruction": instruction,
            "area": area}


def _message(subject: Subject, revision: Revision, sites: dict[str, SensorSite], options: ExportOptions) -> Message:
    sender = options.sender or default_sender()
    if _RESTRICTED.search(sender):
        raise InputError("sender", f"{sender!r}: a CAP sender may hold no spaces, commas, '<' or '&'")
    identifier = _identifier(subject, revision.number)
    zone = options.zone
    alert = ET.Element(_T + "alert")
    _sub(alert, "identifier", identifier)
    _sub(alert, "sender", sender)
    _sub(alert, "sent", cap_time(revision.t_ms, zone))
    _sub(alert, "status", "Exercise" if subject.drill else "Actual")
    _sub(alert, "msgType", revision.msg_type)
    _sub(alert, "scope", "Public")
    if subject.drill:
        _sub(alert, "note", "演练，非真实事件 / Drill: an exercise, not a real event")
    earlier = subject.revisions[: revision.number - 1]
    if earlier:
        _sub(alert, "references", " ".join(f"{sender},{_identifier(subject, r.number)},{cap_time(r.t_ms, zone)}"
                                           for r in earlier))
    if subject.incident_id:
        _sub(alert, "incidents", f"{subject.stamp}-I{subject.incident_id}")
    found = _sites(subject, revision, sites)
    if subject.kind == "alarm":
        site = found[0]
        circle = f"{_pair(site.lat, site.lon)} {options.radius_km:g}"
        polygon = None
    else:
        circle, polygon = None, polygon_text(footprint(found, options.buffer_km))
    urgency, severity, certainty = LEVEL_CAP[revision.level]
    if revision.msg_type == CANCEL:
        urgency = "Past"
    family = subject.alarms[0].get("family", "")
    for language in ("zh-CN", "en-US"):
        texts = _texts(subject, revision, sites, language, zone)
        info = _sub(alert, "info")
        _sub(info, "language", language)
        _sub(info, "category", FAMILY_CATEGORY.get(family, "Other"))
        _sub(info, "event", texts["event"])
        _sub(info, "responseType", "AllClear" if revision.msg_type == CANCEL else "Monitor")
        _sub(info, "urgency", urgency)
        _sub(info, "severity", severity)
        _sub(info, "certainty", certainty)
        _sub(info, "effective", cap_time(revision.t_ms, zone))
        _sub(info, "onset", cap_time(subject.raised_ms, zone))
        if options.sender_name:
            _sub(info, "senderName", options.sender_name)
        _sub(info, "headline", texts["headline"])
        _sub(info, "description", texts["description"])
        _sub(info, "instruction", texts["instruction"])
        parameter = _sub(info, "parameter")
        _sub(parameter, "valueName", "level")
        _sub(parameter, "value", level_name(revision.level))
        area = _sub(info, "area")
        _sub(area, "areaDesc", texts["area"])
        if polygon is not None:
            _sub(area, "polygon", polygon)
        if circle is not None:
            _sub(area, "circle", circle)
    ET.indent(alert, space="  ")
    xml = '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(alert, encoding="unicode",
                                                                  default_namespace=CAP_NS) + "\n"
    return Message(identifier, sender, revision.msg_type, revision, xml)


def export_messages(subject: Subject, sites: dict[str, SensorSite], options: ExportOptions = ExportOptions()) -> list[Message]:
    """Every message of the subject, first to latest, each checked by the console's own parser.

    Raises
    ------
    InputError
        A sensor without a known position, a bad sender, or (never expected) a
        message the console's parser refuses, with the parser's reason.
    """
    from console.cap.parse import parse_alert

    messages = [_message(subject, revision, sites, options) for revision in subject.revisions]
    for message in messages:
        alert = parse_alert(message.data(), f"exported CAP {message.identifier}")
        if alert.level != message.revision.level or alert.warnings:
            raise InputError(f"exported CAP {message.identifier}",
                             f"reads back as level {alert.level} with notes {list(alert.warnings)}")
    return messages


def export_message(subject: Subject, sites: dict[str, SensorSite], options: ExportOptions = ExportOptions()) -> Message:
    """The latest message of the subject: what its state is now (``references`` name the earlier ones)."""
    return export_messages(subject, sites, options)[-1]
