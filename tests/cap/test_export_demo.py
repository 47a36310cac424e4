"""An exported CAP alert of a demo-city incident parses back to the same level, area and times."""

from __future__ import annotations

import numpy as np
import pytest
import shapely
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from console.cap import parse_alert
from console.cap.export import ExportOptions, export_message, footprint
from console.cap.story import SensorSite, alarm_subject, incident_subject, sites_of_table
from console.cli import main
from console.model.journal import Journal
from console.model.pipeline import Pipeline
from tests.cap.cap12_rules import problems
from tests.model.helpers import MINUTE, T0, batch


@pytest.fixture(scope="module")
def demo_table():
    from console.commands.process import load_sensor_layers
    from console.model.sensors import SensorTable

    try:
        return SensorTable.from_layers(load_sensor_layers(None, None))
    except Exception as exc:  # the demo city is generated (make city)
        pytest.skip(f"demo city not available: {exc}")


def test_a_demo_city_incident_exported_by_the_command_reads_back_the_same(demo_table, tmp_path, capsys):
    depth = np.flatnonzero(demo_table.quantity == "depth")
    first = depth[0]
    # The depth sensors nearest the first: one incident of the flood family.
    distance = np.hypot(demo_table.x[depth] - demo_table.x[first], demo_table.y[depth] - demo_table.y[first])
    rows = depth[np.argsort(distance)[:3]]
    ids = [str(demo_table.ids[r]) for r in rows]
    journal = tmp_path / "demo.sqlite"
    from console.model.rule_file import RuleSet

    pipeline = Pipeline(demo_table.fresh_copy(), RuleSet.load(),
                        journal=Journal(journal, synchronous="NORMAL", commit_interval_s=0))
    # The shipped rules confirm a level by its second reading.
    for number, (sensor, value) in enumerate(zip(ids, (45.0, 30.0, 55.0), strict=True)):
        for minute in (2 * number, 2 * number + 1):
            pipeline.process(batch([(sensor, T0 + minute * MINUTE, value)]), "demo.jsonl")
    book = pipeline.book
    pipeline.close()
    # The incident with the most alarms (those of sensors within the incident distance of each other).
    incident = max({a.incident_id for a in book.alarms.values()},
                   key=lambda i: sum(a.incident_id == i for a in book.alarms.values()))
    members = [a for a in book.alarms.values() if a.incident_id == incident]
    assert len(members) >= 2
    ids = [a.sensor_id for a in members]
    out = tmp_path / "incident.xml"
    assert main(["cap", "export", "--journal", str(journal), "--incident", str(incident), "--out", str(out)]) == 0
    capsys.readouterr()
    assert problems(out.read_bytes()) == []
    alert = parse_alert(out.read_bytes())
    raised = sorted(a.raised_ms for a in book.alarms.values() if a.incident_id == incident)
    assert alert.level == min(a.peak_level for a in members)
    assert (alert.sent_ms, alert.onset_ms) == (raised[-1], raised[0])
    sites = sites_of_table(demo_table)
    expected = footprint([sites[s] for s in ids], 0.5)
    [polygon] = alert.areas[0].geometries
    assert shapely.symmetric_difference(polygon, expected).area < 0.005 * expected.area



@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(levels=st.lists(st.integers(0, 4), min_size=1, max_size=6), lon=st.floats(73, 135), lat=st.floats(18, 53),
       spread=st.floats(0.0, 0.2), count=st.integers(1, 5), radius=st.floats(0.01, 50))
def test_any_alarm_story_exports_valid_cap_that_reads_back(levels, lon, lat, spread, count, radius):
    steps, level, t = [], 0, T0
    for value in [1, *levels]:
        if value != level:
            steps.append((t, level, value, 10.0 * value, 5.0))
            level = value
        t += 61_000
    row = {"alarm_id": 3, "sensor_id": "S0", "category": "drainage", "family": "flood", "district": "江汉区",
           "owner": "排水公司", "raised_ms": T0, "closed_ms": None, "incident_id": 1}
    sites = {f"S{i}": SensorSite(lon + spread * ((i * 7) % 5 - 2) / 2, lat + spread * ((i * 3) % 5 - 2) / 2)
             for i in range(count)}
    options = ExportOptions(sender="fuzz", radius_km=radius, buffer_km=radius)
    alarm = export_message(alarm_subject(row, steps, stamp="F", drill=False), sites, options)
    rows = [dict(row, alarm_id=i + 1, sensor_id=f"S{i}") for i in range(count)]
    steps_of = {i + 1: [(T0 + i * 1000 + s[0] - T0, *s[1:]) for s in steps] for i in range(count)}
    incident = export_message(incident_subject(1, rows, steps_of, stamp="F", drill=True), sites, options)
    for message in (alarm, incident):
        assert problems(message.xml) == []
        back = parse_alert(message.data())
        assert back.level == message.revision.level
        assert back.sent_ms == message.revision.t_ms // 1000 * 1000
