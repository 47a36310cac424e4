"""Small CAP documents built in the tests, one element changed at a time."""

from __future__ import annotations

from xml.sax.saxutils import escape

CAP12 = "urn:oasis:names:tc:emergency:cap:1.2"

ALERT = {
    "identifier": "WH-2026-0721-001",
    "sender": "warning@wuhan.example.cn",
    "sent": "2026-07-21T03:15:00+08:00",
    "status": "Actual",
    "msgType": "Alert",
    "scope": "Public",
}
INFO = {
    "language": "zh-CN",
    "category": "Met",
    "event": "暴雨",
    "urgency": "Immediate",
    "severity": "Severe",
    "certainty": "Likely",
    "effective": "2026-07-21T03:15:00+08:00",
    "expires": "2026-07-21T15:15:00+08:00",
    "headline": "武汉市气象台发布暴雨橙色预警",
}
AREA = "<area><areaDesc>江岸区</areaDesc><polygon>30.6,114.2 30.7,114.2 30.7,114.3 30.6,114.2</polygon></area>"


def elements(values: dict) -> str:
    return "".join(f"<{k}>{escape(v)}</{k}>" for k, v in values.items() if v is not None)


def info_xml(area: str = AREA, extra: str = "", **overrides) -> str:
    return f"<info>{elements({**INFO, **overrides})}{extra}{area}</info>"


def alert_xml(*infos: str, ns: str = CAP12, references: str | None = None, **overrides) -> str:
    """An alert with ``ALERT`` fields (None drops one) and the given info blocks (default: one)."""
    if not infos:
        infos = (info_xml(),)
    fields = {**ALERT, **overrides}
    refs = f"<references>{references}</references>" if references is not None else ""
    head = elements({k: fields[k] for k in ("identifier", "sender", "sent", "status", "msgType")})
    tail = elements({"scope": fields["scope"]})
    return f'<?xml version="1.0" encoding="UTF-8"?><alert xmlns="{ns}">{head}{tail}{refs}{"".join(infos)}</alert>'
