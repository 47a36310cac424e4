"""CAP 1.2 out: alarms and incidents of a real journal written as CAP, checked by the rules and read back."""

from __future__ import annotations

import pytest
import shapely
from shapely.geometry import Point

from console.cap import WarningBook, parse_alert
from console.cap.export import ExportOptions, export_message, export_messages, footprint
from console.cap.story import SensorSite, alarm_subject, read_journal_subject, sites_of_table
from console.errors import InputError
from tests.cap.cap12_rules import problems
from tests.cap.export_helpers import SITES, at, make_journal, sensor_table

OPTIONS = ExportOptions(sender="ops.wuhan.example")


@pytest.fixture(scope="module")
def journal(tmp_path_factory):
    path = tmp_path_factory.mktemp("cap-out") / "journal.sqlite"
    make_journal(path)
    return path


@pytest.fixture(scope="module")
def sites():
    return sites_of_table(sensor_table())


def test_the_rules_check_passes_the_standards_own_examples_and_catches_broken_ones(realdata):
    for name in ("oasiscap__v1dot2_appendix_adot2.xml", "oasiscap__v1dot2_appendix_adot3.xml",
                 "oasiscap__v1dot2_appendix_adot4.xml"):
        assert problems((realdata / "cap" / name).read_bytes()) == [], name
    good = (realdata / "cap" / "oasiscap__v1dot2_appendix_adot2.xml").read_text(encoding="utf-8")
    assert any("dateTime" in p for p in problems(good.replace("-07:00</sent>", "Z</sent>", 1)))
    broken = good.replace("<status>Actual</status>", "<status>Real</status>")
    assert any("status 'Real'" in p for p in problems(broken))
    swapped = good.replace("<msgType>Alert</msgType>", "").replace("<scope>", "<msgType>Alert</msgType><scope>", 1)
    swapped = swapped.replace("<status>", "<scope>Public</scope><status>", 1)
    assert any("out of order" in p or "at most" in p for p in problems(swapped))


def test_an_alarm_is_an_alert_then_an_update_then_a_cancel_each_valid_and_referencing_the_earlier(journal, sites):
    subject = read_journal_subject(journal, alarm=1)
    messages = export_messages(subject, sites, OPTIONS)
    assert [m.msg_type for m in messages] == ["Alert", "Update", "Cancel"]
    for message in messages:
        assert problems(message.xml) == [], message.identifier
    alerts = [parse_alert(m.data(), m.identifier) for m in messages]
    assert [a.level for a in alerts] == [4, 2, 2]  # the Cancel tells of the last level in force
    assert [(a.severity, a.urgency, a.certainty) for a in alerts[:2]] == [("Minor", "Expected", "Observed"),
                                                                         ("Severe", "Immediate", "Observed")]
    assert alerts[2].urgency == "Past"
    assert alerts[0].references == ()
    assert [r.key for r in alerts[2].references] == [alerts[0].key, alerts[1].key]
    assert all(a.status == "Actual" and a.sender == "ops.wuhan.example" for a in alerts)
    assert alerts[0].sent_ms == at(0) and alerts[1].sent_ms == at(10) and alerts[2].sent_ms == at(40)
    assert all(a.onset_ms == at(0) for a in alerts)
    assert alerts[1].effective_ms == at(10)
    assert "+08:00</sent>" in messages[0].xml
    # Both languages; the console's parser shows the Chinese one and reads the level from its colour.
    assert (alerts[1].info_count, alerts[1].language) == (2, "zh-CN")
    assert (alerts[1].event, alerts[1].level_source) == ("内涝积水橙色预警", "colour word in event")
    assert "<language>en-US</language>" in messages[1].xml and "level II (orange)" in messages[1].xml
    # Exported twice, the same journal writes the same identifiers.
    again = export_messages(read_journal_subject(journal, alarm=1), sites, OPTIONS)
    assert [m.xml for m in again] == [m.xml for m in messages]


def test_an_alarm_area_is_a_circle_around_its_sensor(journal, sites):
    message = export_message(read_journal_subject(journal, alarm=4), sites, ExportOptions(sender="x", radius_km=2))
    assert "<circle>30.55000,114.20000 2</circle>" in message.xml
    alert = parse_alert(message.data())
    [circle] = alert.areas[0].geometries
    centre = circle.centroid
    assert (centre.x, centre.y) == pytest.approx((114.2, 30.55), abs=1e-4)
    # 2 km: about 0.018 degrees of latitude.
    assert (circle.bounds[3] - circle.bounds[1]) / 2 == pytest.approx(2000 / 111_195, rel=0.01)
    assert alert.level == 2 and alert.msg_type == "Alert"


def test_an_incident_area_is_its_buffered_footprint_and_reads_back_the_same(journal, sites):
    subject = read_journal_subject(journal, incident=1)
    messages = export_messages(subject, sites, OPTIONS)
    assert [m.msg_type for m in messages] == ["Alert", "Update", "Update", "Update", "Update"]
    assert [m.revision.level for m in messages] == [4, 3, 3, 2, 3]  # WLG-1 returned: WLG-2's III is in force
    assert messages[-1].revision.sensors == ("WLG-1", "WLG-2", "WLG-3")
    latest = messages[-1]
    assert problems(latest.xml) == []
    alert = parse_alert(latest.data())
    [area] = alert.areas
    [polygon] = area.geometries
    expected = footprint([sites[s] for s in ("WLG-1", "WLG-2", "WLG-3")], 0.5)
    # Coordinates are written to 1e-5 degrees (about a metre): the shapes differ by a thin seam only.
    assert shapely.symmetric_difference(polygon, expected).area < 0.005 * expected.area
    for sensor in ("WLG-1", "WLG-2", "WLG-3"):
        _, _, lon, lat, *_ = SITES[sensor]
        inside = Point(lon, lat)
        assert polygon.contains(inside)
        # The buffer: at least ~450 m (0.004 degrees of latitude) from each sensor to the edge.
        assert polygon.exterior.distance(inside) > 0.0040
    assert (alert.level, alert.sent_ms, alert.onset_ms) == (3, at(40), at(0))
    assert "江岸区" in alert.headline and "事件 1" in alert.headline
    assert alert.msg_type == "Update" and len(alert.references) == 4


def test_revisions_through_the_console_warning_book_alert_update_cancel(journal, sites):
    book = WarningBook()
    alerts = [parse_alert(m.data()) for m in export_messages(read_journal_subject(journal, alarm=1), sites, OPTIONS)]
    book.apply(alerts[0])
    assert [a.level for a in book.active(at(1))] == [4]
    book.apply(alerts[1])
    assert [(a.identifier, a.level) for a in book.active(at(11))] == [(alerts[1].identifier, 2)]
    book.apply(alerts[2])
    assert book.active(at(41)) == []


def test_a_drill_journal_writes_exercises_that_never_show_as_real_warnings(tmp_path, sites):
    path = tmp_path / "drill.sqlite"
    make_journal(path, drill=True)
    message = export_message(read_journal_subject(path, alarm=2), sites, OPTIONS)
    assert problems(message.xml) == []
    alert = parse_alert(message.data())
    assert alert.status == "Exercise"
    assert alert.headline.startswith("【演练】")
    assert "DRILL: " in message.xml and "<note>" in message.xml
    book = WarningBook()
    book.apply(alert)
    assert book.active(at(6)) == []


@pytest.mark.parametrize("level, severity, urgency, colour", [(1, "Extreme", "Immediate", "红色"),
                                                              (2, "Severe", "Immediate", "橙色"),
                                                              (3, "Moderate", "Expected", "黄色"),
                                                              (4, "Minor", "Expected", "蓝色")])
def test_each_level_maps_to_severity_urgency_and_colour(level, severity, urgency, colour):
    row = {"alarm_id": 9, "sensor_id": "S", "category": "gas", "family": "lifeline", "district": "江汉区",
           "owner": "燃气公司", "raised_ms": at(0), "closed_ms": None, "incident_id": 0}
    subject = alarm_subject(row, [(at(0), 0, level, 30.0, 25.0)], stamp="S1", drill=False)
    message = export_message(subject, {"S": SensorSite(114.25, 30.58, "井", "%LEL")}, OPTIONS)
    assert problems(message.xml) == []
    alert = parse_alert(message.data())
    assert (alert.level, alert.severity, alert.urgency) == (level, severity, urgency)
    assert colour in alert.event and "<category>Infra</category>" in message.xml
    assert message.identifier == "S1-A9-1"


def test_refusals_name_the_alarm_and_the_reason(journal, sites):
    with pytest.raises(InputError, match=r"no alarm 99 in this journal \(its alarms are 1\.\.4\)"):
        read_journal_subject(journal, alarm=99)
    with pytest.raises(InputError, match=r"no incident 7 in this journal \(its incidents are 1\.\.2\)"):
        read_journal_subject(journal, incident=7)
    with pytest.raises(InputError, match="sensor WLG-1 is not in the sensor layers"):
        export_message(read_journal_subject(journal, alarm=1), {}, OPTIONS)
    with pytest.raises(InputError, match="no spaces, commas"):
        export_message(read_journal_subject(journal, alarm=1), sites, ExportOptions(sender="duty room, Wuhan"))
    fault = {"alarm_id": 5, "sensor_id": "S", "kind": "fault", "raised_ms": 0}
    with pytest.raises(InputError, match="sensor-fault item"):
        alarm_subject(fault, [], stamp="S", drill=False)
