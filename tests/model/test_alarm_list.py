"""The warning list without Qt: filter, sort, incident lines, expansion and selection mapping, as rows.

A real alarm book is fed through the real pipeline; the list's rows are row keys
(an alarm id, or minus an incident id for an incident line).
"""

from __future__ import annotations

import numpy as np
import pytest

from console.alarm_list import AlarmList, Column
from console.model.alarms import AlarmState
from console.model.pipeline import Pipeline
from tests.model.helpers import MINUTE, T0, batch, make_table, rules

RULES = """
[quantity.gas_lel]
direction = "high"
levels = [5, 10, 25, 50]
delay_on_s = 0
delay_off_s = 0
[quantity.depth]
direction = "high"
levels = [15, 27, 40, 50]
delay_on_s = 0
delay_off_s = 0
[quantity.rain_1h]
direction = "high"
levels = [20, 30, 50, 70]
delay_on_s = 0
delay_off_s = 0
"""

# Gas sensors in three districts (an incident each); three waterlogging sensors of one district (one
# incident); a rain gauge in another district (its own).
SENSORS = [
    ("G1", "gas_lel", 0.0, 0.0, "North"),
    ("G2", "gas_lel", 2_000.0, 0.0, "South"),
    ("G3", "gas_lel", 4_000.0, 0.0, "West"),
    ("W1", "depth", 10_000.0, 0.0, "East"),
    ("W2", "depth", 10_050.0, 0.0, "East"),
    ("W3", "depth", 10_100.0, 0.0, "East"),
    ("R1", "rain_1h", 20_000.0, 0.0, "Harbour"),
]


@pytest.fixture
def pipeline():
    pipe = Pipeline(make_table(SENSORS), rules(RULES))
    # T0: G1 level II, G2 level IV, W1 level II; a minute later: G3 level I, W2 IV, W3 III, R1 IV.
    pipe.process(batch([("G1", T0, 30.0), ("G2", T0, 6.0), ("W1", T0, 45.0)]), "test", T0)
    pipe.process(batch([("G3", T0 + MINUTE, 60.0), ("W2", T0 + MINUTE, 20.0), ("W3", T0 + MINUTE, 30.0),
                        ("R1", T0 + MINUTE, 25.0)]), "test", T0 + MINUTE)
    yield pipe
    pipe.close()


@pytest.fixture
def alarm_list(pipeline):
    rows = AlarmList(category_label={"gas": "Gas", "waterlogging": "Waterlogging", "rainfall": "Rainfall"}.get)
    rows.bind(pipeline.book, pipeline.table)
    count, _keys = rows.pull()
    assert count == 7
    return rows


def ids(pipeline) -> dict[str, int]:
    return {alarm.sensor_id: alarm.alarm_id for alarm in pipeline.book.open_alarms()}


def incident(pipeline) -> int:
    """Minus the id of the waterlogging incident: the key of its line."""
    return -pipeline.book.alarms[ids(pipeline)["W1"]].incident_id


def names(pipeline, keys) -> list[str]:
    by_id = {alarm_id: sensor for sensor, alarm_id in ids(pipeline).items()}
    return [by_id[key] if key > 0 else "incident" for key in np.asarray(keys).tolist()]


def test_alarms_come_in_by_level_then_newest_and_one_incident_is_one_line(alarm_list, pipeline):
    a = ids(pipeline)
    assert a["G1"] < a["G2"] < a["W1"] < a["G3"] < a["W2"] < a["W3"] < a["R1"]  # ids in the order raised
    keys, is_child, _ = alarm_list.layout()
    # I: G3; II: G1 and W1 at the same time, lower id first; W1 heads its incident's line; then IV newest first.
    assert names(pipeline, keys) == ["G3", "G1", "incident", "R1", "G2"]
    assert keys[2] == incident(pipeline)
    assert not is_child.any()
    assert alarm_list.alarm_ids_of_key(incident(pipeline)) == [a["W1"], a["W3"], a["W2"]]  # in display order


def test_expanding_an_incident_line_shows_its_members_beneath_it_and_closing_hides_them(alarm_list, pipeline):
    alarm_list.set_expanded(-incident(pipeline), True)
    keys, is_child, _ = alarm_list.layout()
    assert names(pipeline, keys) == ["G3", "G1", "incident", "W1", "W3", "W2", "R1", "G2"]
    assert is_child.tolist() == [False, False, False, True, True, True, False, False]
    alarm_list.set_expanded(-incident(pipeline), False)
    assert names(pipeline, alarm_list.layout().keys) == ["G3", "G1", "incident", "R1", "G2"]


def test_an_incident_with_one_member_passing_the_filter_is_a_plain_row(alarm_list, pipeline):
    alarm_list.set_filter(levels={3, 4})
    keys, is_child, _ = alarm_list.layout()
    assert names(pipeline, keys) == ["incident", "R1", "G2"]  # W3 (III) and W2 (IV) still make a line
    alarm_list.set_filter(levels={1, 3})
    keys, is_child, _ = alarm_list.layout()
    assert names(pipeline, keys) == ["G3", "W3"]
    assert not is_child.any()


@pytest.mark.parametrize(("settings", "expected"), [
    ({"levels": {1, 2}}, ["G3", "G1", "W1"]),
    ({"levels": {4}}, ["W2", "R1", "G2"]),  # W2 alone of its incident: a plain row
    ({"family": "flood"}, ["incident", "R1"]),
    ({"family": "lifeline"}, ["G3", "G1", "G2"]),
    ({"category": "rainfall"}, ["R1"]),
    ({"district": "North"}, ["G1"]),
    ({"text": "g2"}, ["G2"]),
    ({"text": "WATERLOG"}, ["incident"]),  # the category's label is searched too
    ({"text": "south"}, ["G2"]),
    ({"text": "nothing like it"}, []),
])
def test_filter_by_level_family_category_district_and_text(alarm_list, pipeline, settings, expected):
    alarm_list.set_filter(**settings)
    assert names(pipeline, alarm_list.layout().keys) == expected


def test_filter_by_state_and_unknown_settings_refused(alarm_list, pipeline):
    book, a = pipeline.book, ids(pipeline)
    book.acknowledge([a["G1"], a["G2"]], "op", T0 + 2 * MINUTE)
    book.shelve([a["R1"]], "maintenance", T0 + 60 * MINUTE, "op", T0 + 2 * MINUTE)
    assert alarm_list.pull()[0] == 3
    assert names(pipeline, alarm_list.layout().keys) == ["G3", "G1", "incident", "G2"]  # shelved hidden
    alarm_list.set_filter(state="needs_ack")
    assert names(pipeline, alarm_list.layout().keys) == ["G3", "incident"]
    alarm_list.set_filter(state="ack")
    assert names(pipeline, alarm_list.layout().keys) == ["G1", "G2"]
    alarm_list.set_filter(state="shelved")
    assert names(pipeline, alarm_list.layout().keys) == ["R1"]
    alarm_list.set_filter(state="all")
    assert names(pipeline, alarm_list.layout().keys) == ["G3", "G1", "incident", "R1", "G2"]
    with pytest.raises(AttributeError):
        alarm_list.set_filter(colour="red")


# Expected order of the plain alarms (incident expanded) per column, ascending; ties newest first, then by id.
SORTED = {
    Column.LEVEL: ["G3", "G1", "W1", "W3", "W2", "R1", "G2"],
    Column.TIME: ["G1", "G2", "W1", "G3", "W2", "W3", "R1"],  # oldest first; same time by id
    Column.SENSOR: ["G1", "G2", "G3", "R1", "W1", "W2", "W3"],
    Column.CATEGORY: ["G3", "G1", "G2", "R1", "W2", "W3", "W1"],  # Gas < Rainfall < Waterlogging
    Column.DISTRICT: ["W2", "W3", "W1", "R1", "G1", "G2", "G3"],  # East < Harbour < North < South < West
    # How far beyond its threshold, (value - threshold) / threshold: W3 3/27, W1 5/40, G3 10/50, G1 5/25,
    # G2 1/5 (a tie at 0.2: newest first, then by id), R1 5/20, W2 5/15
    Column.VALUE: ["W3", "W1", "G3", "G1", "G2", "R1", "W2"],
    Column.STATE: ["G3", "W2", "W3", "R1", "G1", "G2", "W1"],  # all unacknowledged: newest first, then id
    Column.OWNER: ["G3", "G1", "G2", "R1", "W2", "W3", "W1"],  # gas company < rainfall … < waterlogging …
    Column.INCIDENT: None,  # by incident id: checked below
}


@pytest.mark.parametrize("column", list(Column))
def test_sort_by_every_column_both_ways_is_stable(alarm_list, pipeline, column):
    book = pipeline.book
    alarm_list.set_filter(levels={1, 2, 3, 4})
    alarm_list.set_expanded(-incident(pipeline), True)
    alarm_list.set_sort(column)
    ascending = [name for name in names(pipeline, alarm_list.layout().keys) if name != "incident"]
    alarm_list.set_sort(column, descending=True)
    descending = [name for name in names(pipeline, alarm_list.layout().keys) if name != "incident"]
    expected = SORTED[column]
    if expected is None:
        a = ids(pipeline)
        expected = sorted(a, key=lambda s: (book.alarms[a[s]].incident_id, -book.alarms[a[s]].raised_ms, a[s]))
    # Members stay together under their line: the expected order with W1..W3 gathered at the first of them.
    assert ascending == gathered(expected)
    # Descending reverses the key, not the tie-break (newest first, then id, still).
    a = ids(pipeline)
    key = {name: i for i, name in enumerate(expected)}
    ranks = {}
    for name in expected:
        ranks.setdefault(tie_group(column, name, book, a, key), []).append(name)
    reversed_expected = [name for group in sorted(ranks, reverse=True) for name in ranks[group]]
    assert descending == gathered(reversed_expected)


def gathered(order: list[str]) -> list[str]:
    """``order`` with the incident's members moved to where its first member is."""
    members = [name for name in order if name.startswith("W")]
    out = []
    for name in order:
        if name.startswith("W"):
            if name == members[0]:
                out += members
            continue
        out.append(name)
    return out


def tie_group(column, name, book, a, position):
    """The sort key of ``name``'s alarm for ``column`` as a comparable value (equal keys tie)."""
    alarm = book.alarms[a[name]]
    if column == Column.LEVEL:
        return alarm.level
    if column == Column.TIME:
        return alarm.raised_ms
    if column == Column.STATE:
        return 0
    if column == Column.INCIDENT:
        return alarm.incident_id
    if column == Column.DISTRICT:
        return alarm.district
    if column == Column.CATEGORY:
        return alarm.category
    if column == Column.OWNER:
        return alarm.owner
    if column == Column.VALUE:
        return (alarm.value - alarm.threshold) / alarm.threshold
    return position[name]  # sensor ids: no ties


def test_selection_maps_rows_to_alarm_ids_sensor_rows_and_acknowledgement(alarm_list, pipeline):
    table, a = pipeline.table, ids(pipeline)
    keys = alarm_list.layout().keys
    line = incident(pipeline)
    assert alarm_list.alarm_ids_of_key(a["G3"]) == [a["G3"]]
    assert table.ids[alarm_list.sensor_rows_of_key(a["G3"])].tolist() == ["G3"]
    assert table.ids[alarm_list.sensor_rows_of_key(line)].tolist() == ["W1", "W3", "W2"]
    assert alarm_list.needs_ack(keys).tolist() == [True] * 5
    pipeline.book.acknowledge([a["W1"], a["W2"], a["G3"]], "op", T0 + 2 * MINUTE)
    alarm_list.pull()
    keys = alarm_list.layout().keys
    assert alarm_list.needs_ack(keys).tolist() == [False, True, True, True, True]  # W3 still waits
    # A filter narrows what an incident line stands for.
    alarm_list.set_filter(levels={2})
    assert names(pipeline, alarm_list.layout().keys) == ["G1", "W1"]
    alarm_list.set_filter(levels={2, 3})
    alarm_list.layout()
    assert alarm_list.alarm_ids_of_key(line) == [a["W1"], a["W3"]]
    summary = alarm_list.incident_summary(-line)
    assert (summary["count"], summary["level"], summary["unack"]) == (2, 2, 1)
    assert summary["states"] == sorted({int(AlarmState.ACK), int(AlarmState.UNACK)})


def test_closed_alarms_leave_and_counts_follow(alarm_list, pipeline):
    book, a = pipeline.book, ids(pipeline)
    assert alarm_list.summary() == {"levels": {1: 1, 2: 2, 3: 1, 4: 3}, "unack": 7, "shelved": 0, "open": 7,
                                    "faults": 0, "faults_unack": 0}
    book.close(a["G2"], "false_alarm", "", "op", T0 + 2 * MINUTE)
    count, changed = alarm_list.pull()
    assert count == 1
    assert a["G2"] in changed.tolist()
    assert names(pipeline, alarm_list.layout().keys) == ["G3", "G1", "incident", "R1"]
    assert alarm_list.summary()["open"] == 6
    assert alarm_list.pull() == (0, None)  # nothing new
