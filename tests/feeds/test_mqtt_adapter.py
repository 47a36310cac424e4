"""The MQTT adapter without a broker: its checks, its redelivery memory, its secrecy."""

from __future__ import annotations

import numpy as np
import pytest

from console.errors import InputError
from console.feeds.base import FeedStatus, adapter_class
from console.feeds.mqtt import Link, MqttFeedAdapter, _RecentKeys


def ids(*names):
    return np.array(names, dtype=object)


def test_redeliveries_are_recognised_within_the_memory_and_forgotten_beyond_it():
    keys = _RecentKeys(capacity=4)
    assert keys.fresh(ids("A", "B", "A"), np.array([1, 1, 1])).tolist() == [True, True, False]
    assert keys.fresh(ids("A", "A"), np.array([1, 2])).tolist() == [False, True]
    for t in range(10, 14):
        assert keys.fresh(ids("C"), np.array([t])).tolist() == [True]
    assert keys.fresh(ids("C", "A"), np.array([13, 1])).tolist() == [False, True]  # A@1 was forgotten


@pytest.mark.parametrize(("options", "problem"), [
    ({"protocol": "4"}, "protocol must be one of 3.1.1, 5"),
    ({"payload": "xml"}, "payload must be one of json, number"),
    ({"qos": 3}, "qos must be 0, 1 or 2"),
    ({"topics": []}, "no topics"),
    ({"topics": ["city/#/x"]}, "# must be a whole level"),
    ({"sensor": "city/{sensor}"}, "fits no topic of the subscription 'city/+/+/reading'"),
    ({"sensor": None, "payload": "number"}, "needs {sensor}"),
])
def test_a_source_that_cannot_work_is_refused_naming_it(options, problem):
    options = {"topics": ["city/+/+/reading"], "sensor": "city/{category}/{sensor}/reading", **options}
    with pytest.raises(InputError, match=r"^source 'city-iot': .*") as caught:
        MqttFeedAdapter("city-iot", **options)
    assert problem in str(caught.value)


def test_the_adapter_is_registered_and_keeps_its_password_to_itself():
    assert adapter_class("mqtt") is MqttFeedAdapter
    adapter = MqttFeedAdapter("city-iot", topics=["#"], username="duty", password="right-horse")
    assert adapter.status is FeedStatus.IDLE and adapter.link is Link.CONNECTING
    assert "right-horse" not in repr(adapter) + repr(vars(adapter)) + repr(adapter.health())
