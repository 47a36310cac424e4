"""Hypothesis fuzzes the CAP parser: any input gives alerts or an InputError, nothing else."""

from __future__ import annotations

import contextlib

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from console.cap import parse_alerts, parse_feed
from console.cap.parse import ENUMERATIONS
from console.errors import InputError
from tests.cap.helpers import alert_xml, info_xml

FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def outcome(data):
    try:
        return parse_alerts(data, "fuzz")
    except InputError as exc:
        assert str(exc).startswith("fuzz")
        return None


@FUZZ
@given(st.binary(max_size=400))
def test_random_bytes_never_raise_anything_but_input_error(data):
    outcome(data)


@FUZZ
@given(st.text(max_size=300))
def test_random_text_never_raises_anything_but_input_error(text):
    outcome(text)
    with contextlib.suppress(InputError):
        parse_feed(text, "fuzz")


@FUZZ
@given(cut=st.integers(min_value=0, max_value=2000), insert=st.text(max_size=8))
def test_a_mutilated_alert_is_read_or_refused(cut, insert):
    doc = alert_xml()
    cut %= len(doc)
    outcome(doc[:cut] + insert + doc[cut + 1:])


@FUZZ
@given(
    fields=st.fixed_dictionaries({name: st.sampled_from(values + ("bogus",))
                                  for name, values in ENUMERATIONS.items() if name in ("status", "msgType", "scope")}),
    info=st.fixed_dictionaries({name: st.sampled_from(ENUMERATIONS[name]) for name in
                                ("category", "urgency", "severity", "certainty")}),
    event=st.text(min_size=1, max_size=20).filter(lambda s: s.strip() == s and s.isprintable()),
    polygon=st.lists(st.tuples(st.floats(-90, 90), st.floats(-180, 180)), min_size=3, max_size=8),
)
def test_generated_alerts_round_trip_or_name_the_bad_enumeration(fields, info, event, polygon):
    ring = " ".join(f"{lat!r},{lon!r}" for lat, lon in [*polygon, polygon[0]])
    area = f"<area><areaDesc>a</areaDesc><polygon>{ring}</polygon></area>"
    doc = alert_xml(info_xml(area=area, event=event, **info), **fields)
    bad = [name for name, value in fields.items() if value == "bogus"]
    try:
        [alert] = parse_alerts(doc, "gen")
    except InputError as exc:
        assert bad, str(exc)
        assert all(f"{name} 'bogus' is not one of" in str(exc) for name in bad)
        return
    assert not bad
    assert (alert.status, alert.msg_type, alert.scope) == (fields["status"], fields["msgType"], fields["scope"])
    assert (alert.event, alert.severity, alert.urgency) == (event, info["severity"], info["urgency"])
    assert len(alert.areas[0].geometries) == 1
