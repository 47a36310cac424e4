"""Storm-scale incidents: alarms group by family and area (district or warning area) and time.

A hand-made set of alarms across districts goes through the real pipeline; the
incident lines of the warning list are read without Qt. The bundled storm's
peak must read as a few lines per district.
"""

from __future__ import annotations

import pytest

from console.alarm_list import AlarmList
from console.model.alarms.incidents import TREND_WINDOW_MS, incident_trend
from console.model.journal import Journal
from console.model.pipeline import Pipeline
from tests.conftest import DEMO_CATALOG, REPO
from tests.model.helpers import FLOOD_RULES, MINUTE, T0, batch, make_table, rules

# Two districts 10 km across; sensors of one district far apart from each other.
SENSORS = [
    ("WLG-N1", "depth", 0, 0, "North"),
    ("WLG-N2", "depth", 4_000, 0, "North"),  # 4 km from N1: no neighbourhood, one district
    ("RG-N3", "rain_1h", 2_000, 3_000, "North"),  # rainfall is flood family too
    ("GAS-N4", "gas_lel", 100, 0, "North"),  # lifeline: its own incident
    ("WLG-S1", "depth", 0, 10_000, "South"),
    ("WLG-S2", "depth", 6_000, 10_000, "South"),
    ("WLG-X", "depth", 300, 0, ""),  # no district: the neighbourhood rule
]


def read(pipeline, sensor, minute, value):
    pipeline.process(batch([(sensor, T0 + minute * MINUTE, value)]))


def incident_of(pipeline) -> dict[str, int]:
    return {a.sensor_id: a.incident_id for a in pipeline.book.alarms.values()}


@pytest.fixture
def storm():
    pipeline = Pipeline(make_table(SENSORS), rules(FLOOD_RULES))
    for sensor, minute, value in [("WLG-N1", 0, 20.0), ("WLG-S1", 1, 20.0), ("WLG-N2", 2, 45.0),
                                  ("GAS-N4", 3, 12.0), ("RG-N3", 4, 35.0), ("WLG-S2", 5, 30.0),
                                  ("WLG-X", 6, 20.0)]:
        read(pipeline, sensor, minute, value)
    yield pipeline
    pipeline.close()


def test_alarms_group_by_family_and_district_not_by_distance(storm):
    assert incident_of(storm) == {"WLG-N1": 1, "WLG-S1": 2, "WLG-N2": 1, "GAS-N4": 3, "RG-N3": 1, "WLG-S2": 2,
                                  "WLG-X": 4}
    north = storm.book.incidents[1]
    assert north.area == "district:North" and north.districts == ["North"]
    assert north.peak_level == 2 and north.last_ms == T0 + 4 * MINUTE
    # N1 (IV: 1), N2 (II: 3), N3 (III: 2) are active
    assert north.score == 1 + 3 + 2
    assert storm.book.incidents[4].area == ""  # WLG-X has no district


def test_an_incident_with_active_members_keeps_its_district_for_hours_and_a_quiet_one_ends(storm):
    read(storm, "WLG-N1", 40, 20.0)  # still level IV long after the window: nothing new
    table = storm.table
    table_row = table.row_of("WLG-N2")
    assert table.alarm_id[table_row] > 0
    # 50 minutes on, S2 returns, S1 returns: the South incident is quiet; a new South alarm 20 minutes later
    # opens a new incident, while a new North alarm joins North (its members are still active).
    read(storm, "WLG-S1", 50, 0.0)
    read(storm, "WLG-S2", 50, 0.0)
    storm.book.close([storm.table.alarm_id[storm.table.row_of("WLG-S1")]], "handled", "", "op", T0 + 51 * MINUTE)
    storm.book.close([storm.table.alarm_id[storm.table.row_of("WLG-S2")]], "handled", "", "op", T0 + 51 * MINUTE)
    assert storm.book.incidents[2].score == 0
    read(storm, "WLG-S1", 70, 20.0)
    read(storm, "RG-N3", 70, 0.0)
    read(storm, "RG-N3", 71, 60.0)  # a new level on an open alarm (reactivated): same alarm, same incident
    newest = {a.sensor_id: a.incident_id for a in storm.book.alarms.values() if a.closed_ms is None}
    assert newest["WLG-S1"] == 5 and newest["RG-N3"] == 1 and newest["WLG-N2"] == 1
    # More than ACTIVE_JOIN_MS (2 h) after North's last alarm, still active: a new alarm opens a new incident.
    storm.book.close([storm.table.alarm_id[storm.table.row_of("RG-N3")]], "handled", "", "op", T0 + 72 * MINUTE)
    read(storm, "RG-N3", 200, 35.0)
    assert storm.book.incidents[1].score > 0
    assert storm.book.alarms[storm.table.alarm_id[storm.table.row_of("RG-N3")]].incident_id == 6


def test_trend_rises_with_new_and_worse_alarms_falls_as_they_return_and_is_steady_when_nothing_moves(storm):
    book = storm.book
    north = book.incidents[1]
    assert incident_trend(north, T0 + 5 * MINUTE) == "rising"
    read(storm, "WLG-N2", 30, 0.0)  # back to normal
    read(storm, "RG-N3", 31, 0.0)
    assert incident_trend(north, T0 + 31 * MINUTE) == "falling"
    assert incident_trend(north, T0 + 31 * MINUTE + TREND_WINDOW_MS) == "steady"
    read(storm, "WLG-N1", 60, 45.0)  # IV -> II: worse
    assert incident_trend(north, T0 + 60 * MINUTE) == "rising"


def test_incident_lines_say_how_many_sensors_which_districts_the_peak_and_the_trend(storm):
    rows = AlarmList()
    rows.bind(storm.book, storm.table)
    rows.pull()
    layout = rows.layout()
    lines = [-key for key in layout.keys.tolist() if key < 0]
    assert sorted(lines) == [1, 2]  # GAS-N4 and WLG-X stand alone: plain rows
    assert len(layout.keys) == 4
    north = rows.incident_summary(1)
    assert (north["sensors"], north["districts"], north["peak"], north["trend"]) == (3, ["North"], 2, "rising")
    south = rows.incident_summary(2)
    assert (south["sensors"], south["districts"], south["peak"]) == (2, ["South"], 3)


def test_an_active_warning_area_groups_sensors_of_several_districts():
    pipeline = Pipeline(make_table(SENSORS), rules(FLOOD_RULES))
    # The warning's area holds N1 and S1 (as the engine works it out from the CAP areas).
    inside = {"WLG-N1": "rainstorm-red", "WLG-S1": "rainstorm-red"}
    pipeline.book.set_incident_areas([inside.get(sensor_id, "") for sensor_id in pipeline.table.ids.tolist()])
    for sensor, minute, value in [("WLG-N1", 0, 20.0), ("WLG-S1", 1, 20.0), ("WLG-N2", 2, 20.0)]:
        read(pipeline, sensor, minute, value)
    assert incident_of(pipeline) == {"WLG-N1": 1, "WLG-S1": 1, "WLG-N2": 2}
    incident = pipeline.book.incidents[1]
    assert incident.area == "warning:rainstorm-red" and incident.districts == ["North", "South"]
    pipeline.close()


def test_incident_ids_and_grouping_survive_a_checkpoint_and_a_journal_restore(tmp_path, storm):
    # A checkpoint: the loaded book goes on grouping as the saved one did.
    saved = storm.book.save_state()
    read(storm, "WLG-S2", 10, 0.0)
    storm.book.load_state(saved)
    assert storm.book.incidents[1].score == 6 and storm.book.incidents[1].area == "district:North"

    # The journal: a restarted console's book puts the next North alarm into incident 1.
    path = tmp_path / "journal.sqlite"
    pipeline = Pipeline(make_table(SENSORS), rules(FLOOD_RULES),
                        journal=Journal(path, synchronous="NORMAL", commit_interval_s=0))
    for sensor, minute, value in [("WLG-N1", 0, 20.0), ("WLG-S1", 1, 20.0), ("WLG-N2", 2, 45.0)]:
        read(pipeline, sensor, minute, value)
    pipeline.close()
    restored = Pipeline(make_table(SENSORS), rules(FLOOD_RULES),
                        journal=Journal(path, synchronous="NORMAL", commit_interval_s=0))
    book = restored.book
    assert {i: (inc.area, inc.score) for i, inc in book.incidents.items()} == {
        1: ("district:North", 1 + 3), 2: ("district:South", 1)}
    assert incident_trend(book.incidents[1], T0 + 2 * MINUTE) == "rising"
    read(restored, "RG-N3", 30, 35.0)  # 28 minutes after the last North alarm, but North is still active
    read(restored, "WLG-X", 30, 20.0)
    assert incident_of(restored)["RG-N3"] == 1 and incident_of(restored)["WLG-X"] == 3
    restored.close()


def test_the_bundled_storm_peak_reads_as_at_most_thirty_lines():
    from console.commands.open import DEMO_FEED
    from console.commands.process import load_sensor_layers
    from console.feeds.replay import Replay
    from console.model.sensors import SensorTable

    if not DEMO_CATALOG.is_file():
        pytest.skip("the demo city is not built")
    assert DEMO_FEED.parent == REPO / "assets" / "feeds"
    table = SensorTable.from_layers(load_sensor_layers(str(DEMO_CATALOG), None))
    replay = Replay(DEMO_FEED, table)
    try:
        replay.build_index()
        density = replay.alarm_density(72)
        totals = density.counts.sum(axis=0)
        peak = int(density.edges_ms[int(totals.argmax()) + 1])  # as `console open --demo --drill` finds it
        for moment in (peak, peak + 3_600_000):
            replay.seek(moment)
            rows = AlarmList()
            rows.bind(replay.book, replay.table)
            rows.pull()
            layout = rows.layout()
            open_alarms = len(replay.book.open_alarms())
            assert open_alarms > 1_000
            assert len(layout.keys) <= 30, (moment, len(layout.keys), open_alarms)
            lines = [-key for key in layout.keys.tolist() if key < 0]
            # Each incident line is one district (no warning areas in a drill) and one family.
            for incident_id in lines:
                summary = rows.incident_summary(incident_id)
                assert len(summary["districts"]) == 1 and summary["sensors"] >= 2
    finally:
        replay.close()
