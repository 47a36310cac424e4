"""CAP validation and normalisation: required elements, enumerations, times, areas, info, level."""

from __future__ import annotations

import json

import pytest
from shapely.geometry import Point

from console.cap import CapAlert, parse_alert, parse_alerts
from console.errors import InputError
from tests.cap.helpers import alert_xml, info_xml

T_SENT = 1_784_574_900_000  # 2026-07-21T03:15:00+08:00


def refused(xml: str) -> str:
    with pytest.raises(InputError) as caught:
        parse_alert(xml, "w.xml")
    return str(caught.value)


def test_a_complete_alert_is_normalised():
    alert = parse_alert(alert_xml(), "w.xml")
    assert isinstance(alert, CapAlert)
    assert (alert.identifier, alert.sender, alert.status, alert.msg_type, alert.scope) == (
        "WH-2026-0721-001", "warning@wuhan.example.cn", "Actual", "Alert", "Public")
    assert alert.sent_ms == T_SENT
    assert alert.effective_ms == T_SENT and alert.expires_ms == T_SENT + 12 * 3600_000 and alert.onset_ms is None
    assert (alert.language, alert.event, alert.severity) == ("zh-CN", "暴雨", "Severe")
    assert (alert.level, alert.level_source) == (2, "colour word in headline")
    [area] = alert.areas
    assert area.description == "江岸区"
    assert area.geometries[0].bounds == pytest.approx((114.2, 30.6, 114.3, 30.7))
    assert alert.warnings == () and alert.version == "1.2"


def test_missing_required_elements_are_all_named():
    message = refused(alert_xml(sender=None, scope=None))
    assert message.startswith("w.xml: alert 'WH-2026-0721-001': ")
    assert "missing required elements: sender, scope" in message
    message = refused(alert_xml(info_xml(urgency=None, certainty=None)))
    assert "info: missing required elements: urgency, certainty" in message
    assert "info: area 1: missing required element: areaDesc" in refused(
        alert_xml(info_xml(area="<area><polygon>1,1 1,2 2,2 1,1</polygon></area>")))


@pytest.mark.parametrize(("field", "value", "where"), [
    ("status", "Real", "status 'Real' is not one of Actual, Exercise, System, Test, Draft"),
    ("msgType", "Warning", "msgType 'Warning' is not one of Alert, Update, Cancel, Ack, Error"),
    ("scope", "Everyone", "scope 'Everyone' is not one of Public, Restricted, Private"),
])
def test_alert_enumerations_are_checked_with_the_element_named(field, value, where):
    assert where in refused(alert_xml(**{field: value}))


@pytest.mark.parametrize(("field", "value"), [
    ("urgency", "Now"), ("severity", "Huge"), ("certainty", "Sure"), ("category", "Weather")])
def test_info_enumerations_are_checked(field, value):
    assert f"info: {field} '{value}' is not one of" in refused(alert_xml(info_xml(**{field: value})))


def test_times_z_is_accepted_with_a_note_and_bad_times_are_refused():
    alert = parse_alert(alert_xml(sent="2026-07-20T19:15:00Z"), "w.xml")
    assert alert.sent_ms == T_SENT
    assert alert.warnings == ("sent uses 'Z', which CAP forbids; read as UTC",)
    assert "sent: '2026-07-21 03:15' is not a CAP time" in refused(alert_xml(sent="2026-07-21 03:15"))
    assert "info: expires: '2026-13-40T00:00:00+08:00' is not a valid date" in refused(
        alert_xml(info_xml(expires="2026-13-40T00:00:00+08:00")))


def test_update_and_cancel_references_are_parsed_and_their_absence_is_a_warning():
    refs = "a@x,ID-1,2026-07-21T01:00:00+08:00 a@x,ID-2,2026-07-21T02:00:00+08:00"
    alert = parse_alert(alert_xml(msgType="Update", references=refs), "w.xml")
    assert [(r.sender, r.identifier, r.sent) for r in alert.references] == [
        ("a@x", "ID-1", "2026-07-21T01:00:00+08:00"), ("a@x", "ID-2", "2026-07-21T02:00:00+08:00")]
    alert = parse_alert(alert_xml(msgType="Cancel"), "w.xml")
    assert alert.warnings == ("Cancel without references: it replaces or removes nothing",)
    assert "references: 'a@x;ID-1' is not sender,identifier,sent" in refused(
        alert_xml(msgType="Update", references="a@x;ID-1"))


def test_info_prefers_zh_cn_then_english_then_the_first():
    fr, en, zh = (info_xml(language="fr-FR", event="Orage"), info_xml(language="en-US", event="Storm"),
                  info_xml(language="zh-CN", event="雷暴"))
    assert parse_alert(alert_xml(fr, en, zh), "w").event == "雷暴"
    chosen = parse_alert(alert_xml(fr, en), "w")
    assert (chosen.event, chosen.language, chosen.info_index, chosen.info_count) == ("Storm", "en-US", 1, 2)
    assert parse_alert(alert_xml(fr, info_xml(language="de-DE")), "w").event == "Orage"
    # CAP: an info without language is en-US.
    assert parse_alert(alert_xml(fr, info_xml(language=None, event="Default")), "w").language == "en-US"


@pytest.mark.parametrize(("overrides", "extra", "level", "source"), [
    ({"event": "暴雨红色预警", "headline": "橙色"}, "", 1, "colour word in event"),
    ({"headline": "暴雨黄色预警升级为橙色预警"}, "", 2, "colour word in headline"),
    ({"headline": "大风蓝色预警"}, "", 4, "colour word in headline"),
    ({"headline": "寒潮", "severity": "Minor"},
     "<parameter><valueName>alert_color</valueName><value>紅色</value></parameter>", 1, "parameter alert_color"),
    ({"headline": "红河州暴雨", "severity": "Moderate"}, "", 3, "severity"),  # 红河 is a place, not a colour
    ({"headline": "", "severity": "Extreme"}, "", 1, "severity"),
    ({"headline": "", "severity": "Unknown"}, "", None, "none"),
])
def test_level_from_colour_words_else_from_severity_and_says_which(overrides, extra, level, source):
    alert = parse_alert(alert_xml(info_xml(extra=extra, **overrides)), "w")
    assert (alert.level, alert.level_source) == (level, source)


def test_circles_are_buffered_in_metres_and_geocodes_kept_as_pairs():
    area = ("<area><areaDesc>Yerong Creek</areaDesc><circle>-35.3888,147.0598 25.0</circle>"
            "<circle>30.0,114.0 0</circle><geocode><valueName>adcode</valueName><value>420102</value></geocode>"
            "<geocode><valueName>name</valueName><value>江岸区</value></geocode></area>")
    alert = parse_alert(alert_xml(info_xml(area=area)), "w")
    circle, point = alert.areas[0].geometries
    assert circle.centroid.x == pytest.approx(147.0598, abs=1e-6)
    assert circle.centroid.y == pytest.approx(-35.3888, abs=1e-3)
    # 25 km north-south is 25000 / 111195 degrees of latitude either side.
    assert (circle.bounds[3] - circle.bounds[1]) / 2 == pytest.approx(25_000 / 111_195, rel=1e-3)
    assert point == Point(114.0, 30.0)
    assert alert.geocodes == (("adcode", "420102"), ("name", "江岸区"))


@pytest.mark.parametrize(("shape", "problem"), [
    ("<polygon>30,114 31,114 30,114</polygon>", "polygon: 3 points; a CAP polygon needs at least 4"),
    ("<polygon>30,114 31,114 31,115 30,115</polygon>", "polygon: ring is not closed"),
    ("<polygon>30,114 31,114 31,195 30,114</polygon>", "'31,195' is outside latitude"),
    ("<circle>30,114</circle>", "circle: '30,114' is not 'lat,lon radius_km'"),
    ("<circle>30,114 -5</circle>", "circle: radius -5 km is outside"),
])
def test_bad_shapes_are_refused_naming_the_area(shape, problem):
    message = refused(alert_xml(info_xml(area=f"<area><areaDesc>x</areaDesc>{shape}</area>")))
    assert "info: area 1: " in message and problem in message


def test_cap_1_1_is_accepted_and_said_other_namespaces_refused():
    alert = parse_alert(alert_xml(ns="urn:oasis:names:tc:emergency:cap:1.1"), "w")
    assert alert.version == "1.1" and "CAP 1.1 namespace: read with the CAP 1.2 rules" in alert.warnings
    assert "namespace 'urn:example' is not CAP 1.2" in refused(alert_xml(ns="urn:example"))
    assert "root element is <html>, not a CAP <alert>" in refused("<html><body/></html>")


def test_an_alert_converts_to_json():
    data = json.loads(json.dumps(parse_alert(alert_xml(), "w").to_json(), ensure_ascii=False))
    assert data["sent"] == "2026-07-20T19:15:00Z" and data["sent_ms"] == T_SENT
    assert data["level"] == 2 and data["level_source"] == "colour word in headline"
    assert data["areas"][0]["geometries"][0]["type"] == "Polygon"
    assert data["references"] == [] and data["onset"] is None


def test_parse_alerts_reads_a_wrapper_and_parse_alert_wants_one():
    one = alert_xml().split("?>", 1)[1]
    wrapper = f'<alerts xmlns="urn:oasis:names:tc:emergency:cap:1.2">{one}{one.replace("-001", "-002")}</alerts>'
    assert [a.identifier for a in parse_alerts(wrapper, "w")] == ["WH-2026-0721-001", "WH-2026-0721-002"]
    with pytest.raises(InputError, match="holds 2 alerts where one was expected"):
        parse_alert(wrapper, "w")
    bad = alert_xml(identifier="X", sender=None).split("?>", 1)[1]
    with pytest.raises(InputError, match=r"^w: alert 2: alert 'X': missing required element: sender$"):
        parse_alerts(f'<alerts xmlns="urn:oasis:names:tc:emergency:cap:1.2">{one}{bad}</alerts>', "w")
