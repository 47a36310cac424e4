"""Payload parsing of MQTT messages: columns or rejections, never an exception."""

from __future__ import annotations

import json
import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from console.feeds.payloads import (
    ANY_TOPIC,
    PayloadSpec,
    Reason,
    TemplateError,
    TopicTemplate,
    check_topic_filter,
    parse_messages,
)
from console.model.readings import Quality

TEMPLATE = TopicTemplate.parse("city/{category}/{sensor}/reading")
JSON = PayloadSpec(TEMPLATE, "json", 1024)
T0 = 1_784_000_000_000  # 2026-07-14 UTC


def parse(messages, spec=JSON):
    return parse_messages([(topic, payload, T0 + 5) for topic, payload in messages], spec)


def test_single_readings_take_the_sensor_from_the_topic():
    parsed = parse([
        ("city/gas/GAS-1/reading", b'{"t": 1784000000000, "value": 12.5}'),
        ("city/rain/RG-7/reading", json.dumps({"t": "2026-07-14T11:33:20.250+08:00", "value": 3,
                                               "quality": "suspect"}).encode()),
    ])
    assert parsed.rejected == []
    assert parsed.batch.sensor.tolist() == ["GAS-1", "RG-7"]
    assert parsed.batch.t_ms.tolist() == [T0, T0 + 250]
    assert parsed.batch.value.tolist() == [12.5, 3.0]
    assert parsed.batch.quality.tolist() == [Quality.GOOD, Quality.SUSPECT]
    assert parsed.topic.tolist() == ["city/gas/GAS-1/reading", "city/rain/RG-7/reading"]


def test_a_gateway_batch_names_its_sensors_and_needs_no_sensor_in_the_topic():
    payload = json.dumps({"readings": [{"sensor": f"WL-{i}", "t": T0 + i, "value": i / 2} for i in range(100)]})
    parsed = parse_messages([("gw/7/batch", payload.encode(), T0)], PayloadSpec(ANY_TOPIC))
    assert parsed.rejected == []
    assert parsed.batch.sensor.tolist() == [f"WL-{i}" for i in range(100)]
    assert parsed.batch.t_ms.tolist() == [T0 + i for i in range(100)]
    assert np.array_equal(parsed.batch.value, np.arange(100) / 2)


def test_a_bad_reading_inside_a_batch_rejects_only_that_reading():
    payload = {"readings": [{"sensor": "A", "t": T0, "value": 1}, {"sensor": "B", "t": T0, "value": "high"},
                            {"sensor": "C", "t": "yesterday", "value": 2}, {"sensor": "D", "t": T0, "value": 3}]}
    parsed = parse_messages([("gw/batch", json.dumps(payload).encode(), T0)], PayloadSpec(ANY_TOPIC))
    assert parsed.batch.sensor.tolist() == ["A", "D"]
    assert [(r.reason, r.topic) for r in parsed.rejected] == [(Reason.WRONG_TYPE, "gw/batch"),
                                                              (Reason.BAD_TIME, "gw/batch")]
    assert "B: value is a string" in parsed.rejected[0].detail


@pytest.mark.parametrize(("payload", "reason"), [
    (b"{not json", Reason.MALFORMED),
    (b"\xff\xfe\x00garbage", Reason.MALFORMED),
    (b'{"t": 1784000000000, "value": "12"}', Reason.WRONG_TYPE),
    (b'{"t": 1784000000000, "value": true}', Reason.WRONG_TYPE),
    (b'{"t": 1784000000000, "value": null}', Reason.WRONG_TYPE),
    (b'{"t": 1784000000000, "value": NaN}', Reason.WRONG_TYPE),
    (b'{"t": 1784000000000, "value": 1e999}', Reason.WRONG_TYPE),
    (b'{"t": 1784000000000}', Reason.MISSING_FIELD),
    (b'{"value": 1}', Reason.MISSING_FIELD),
    (b'{"t": "2026-07-14T11:33:20", "value": 1}', Reason.BAD_TIME),
    (b'{"t": 1e300, "value": 1}', Reason.BAD_TIME),
    (b'{"t": [1], "value": 1}', Reason.WRONG_TYPE),
    (b'{"t": 1784000000000, "value": 1, "quality": "great"}', Reason.BAD_QUALITY),
    (b'{"t": 1784000000000, "value": 1, "quality": 7}', Reason.BAD_QUALITY),
    (b'{"t": 1784000000000, "value": 1, "sensor": "OTHER"}', Reason.TOPIC_MISMATCH),
    (b'{"readings": {"sensor": "A"}}', Reason.WRONG_TYPE),
    (b"[1, 2, 3]", Reason.WRONG_TYPE),
    (b"x" * 1025, Reason.OVERSIZED),
])
def test_unusable_payloads_are_rejected_with_their_reason(payload, reason):
    parsed = parse([("city/gas/GAS-1/reading", payload)])
    assert len(parsed.batch) == 0
    assert [(r.reason, r.topic) for r in parsed.rejected] == [(reason, "city/gas/GAS-1/reading")]


def test_a_topic_that_does_not_fit_the_template_is_rejected():
    parsed = parse([("city/gas/reading", b'{"t": 1, "value": 1}'), ("city/gas//reading", b'{"t": 1, "value": 1}'),
                    ("town/gas/G/reading", b'{"t": 1, "value": 1}')])
    assert [r.reason for r in parsed.rejected] == [Reason.TOPIC_MISMATCH] * 3


def test_bare_numbers_are_timed_on_arrival():
    spec = PayloadSpec(TEMPLATE, "number")
    parsed = parse([("city/gas/G1/reading", b" 12.5\n"), ("city/gas/G2/reading", b"-3e2"),
                    ("city/gas/G3/reading", b"1_000"), ("city/gas/G4/reading", b"nan"),
                    ("city/gas/G5/reading", b"")], spec)
    assert parsed.batch.sensor.tolist() == ["G1", "G2"]
    assert parsed.batch.value.tolist() == [12.5, -300.0]
    assert parsed.batch.t_ms.tolist() == [T0 + 5, T0 + 5]
    assert [r.reason for r in parsed.rejected] == [Reason.MALFORMED] * 3


@pytest.mark.parametrize(("template", "problem"), [
    ("", "empty"),
    ("city/+/{sensor}", "wildcards"),
    ("city/x{sensor}/reading", "neither literal nor one whole"),
    ("city/{sensor}/{sensor}", "more than once"),
    ("city/{sen sor}", "neither literal"),
])
def test_bad_templates_say_what_is_wrong(template, problem):
    with pytest.raises(TemplateError, match=problem):
        TopicTemplate.parse(template)


def test_a_template_must_fit_the_subscriptions():
    TEMPLATE.check_subscriptions(["city/+/+/reading", "city/#", "#", "city/gas/+/reading"])
    with pytest.raises(TemplateError, match=re.escape("fits no topic of the subscription 'city/+/reading'")):
        TEMPLATE.check_subscriptions(["city/+/reading"])
    with pytest.raises(TemplateError, match="fits no topic"):
        TEMPLATE.check_subscriptions(["town/+/+/reading"])


@pytest.mark.parametrize("topic", ["", "city/#/x", "city/a+", "city/#x"])
def test_bad_subscription_filters_are_refused(topic):
    with pytest.raises(TemplateError):
        check_topic_filter(topic)


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=30),
    lambda children: st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=8), children, max_size=5),
    max_leaves=20,
)
READING_LIKE = st.fixed_dictionaries(
    {"t": st.integers() | st.floats() | st.text(max_size=30) | st.none(),
     "value": st.integers() | st.floats() | st.text(max_size=5) | st.booleans()},
    optional={"quality": JSON_VALUES, "sensor": JSON_VALUES},
)


def _check_result(parsed, n_messages: int):
    batch = parsed.batch
    assert batch.t_ms.dtype == np.int64 and batch.value.dtype == np.float64 and batch.quality.dtype == np.uint8
    assert np.isfinite(batch.value).all()
    assert all(isinstance(s, str) and s for s in batch.sensor.tolist())
    assert len(parsed.topic) == len(batch)
    assert all(isinstance(r.reason, Reason) for r in parsed.rejected)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.binary(max_size=200), max_size=10))
def test_arbitrary_bytes_give_columns_or_rejections(payloads):
    for spec in (JSON, PayloadSpec(TEMPLATE, "number"), PayloadSpec(ANY_TOPIC)):
        parsed = parse([("city/gas/G/reading", p) for p in payloads], spec)
        _check_result(parsed, len(payloads))
        assert len(parsed.batch) + len(parsed.rejected) == len(payloads)


@settings(max_examples=150, deadline=None)
@given(st.lists(JSON_VALUES | READING_LIKE | st.fixed_dictionaries({"readings": st.lists(READING_LIKE, max_size=5)}),
                max_size=6))
def test_arbitrary_json_gives_columns_or_rejections(documents):
    payloads = [json.dumps(d).encode() for d in documents]
    for spec in (PayloadSpec(TEMPLATE, "json", 1 << 20), PayloadSpec(ANY_TOPIC, "json", 1 << 20)):
        parsed = parse([("city/gas/G/reading", p) for p in payloads], spec)
        _check_result(parsed, len(payloads))
        # Every reading is either in the batch or rejected: a batch of n readings accounts for n.
        expected = sum(len(d["readings"]) if isinstance(d, dict) and isinstance(d.get("readings"), list) else 1
                       for d in documents)
        assert len(parsed.batch) + len(parsed.rejected) == expected
