"""``console process``: a hand-made feed through the rules into a journal, and its summary."""

from __future__ import annotations

import argparse
import gzip
import json
import sqlite3

import pytest

from console.commands import process
from console.errors import InputError
from tests.conftest import DEMO_CATALOG

# Positions: two underpasses 190 m apart, one 9.6 km away, a gauge and two gas sensors elsewhere.
SENSORS = [
    ("WLG-00001", "waterlogging", "depth", "cm", 121.470, 31.230, {}),
    ("WLG-00002", "waterlogging", "depth", "cm", 121.472, 31.230, {}),
    ("WLG-00003", "waterlogging", "depth", "cm", 121.570, 31.230, {}),
    ("WL-00001", "water_level", "river_level", "m", 121.470, 31.280, {"th_iv": 3.5, "th_iii": 4.0, "th_ii": 4.7, "th_i": 5.0}),
    ("GAS-00001", "gas", "gas_lel", "%LEL", 121.400, 31.200, {}),
    ("GAS-00002", "gas", "gas_lel", "%LEL", 121.401, 31.200, {}),
]

FEED_LINES = [
    '{"t": "2026-07-21T03:00:00+08:00", "sensor": "WLG-00001", "value": 5}',
    '{"t": "2026-07-21T03:00:00+08:00", "sensor": "WLG-00002", "value": 3}',
    '{"t": "2026-07-21T03:00:00+08:00", "sensor": "GAS-00001", "value": 0.5}',
    '{"t": "2026-07-21T03:01:00+08:00", "sensor": "GAS-00001", "value": "abc"}',
    "this line is not JSON",
    '{"t": "2026-07-21T03:02:00+08:00", "sensor": "NOPE-00001", "value": 1}',
    '{"t": "2026-07-21T03:05:00+08:00", "sensor": "WLG-00001", "value": 20}',
    '{"t": "2026-07-21T03:06:00+08:00", "sensor": "WLG-00002", "value": 30}',
    '{"t": "2026-07-21T03:07:00+08:00", "sensor": "WLG-00003", "value": 45}',
    '{"t": "2026-07-21T03:08:00+08:00", "sensor": "GAS-00001", "value": 12}',
    '{"t": "2026-07-21T03:08:00+08:00", "sensor": "GAS-00001", "value": 12}',
    '{"t": "2026-07-21T03:09:00+08:00", "status": "offline", "sensor": "GAS-00002"}',
    '{"t": "2026-07-21T03:09:00+08:00", "sensor": "NOPE-00001", "value": 2}',
    '{"t": 1784574600000, "sensor": "WL-00001", "value": 4.2}',
]


def write_sensors(folder):
    features = []
    for sensor_id, category, quantity, unit, lon, lat, thresholds in SENSORS:
        properties = {
            "id": sensor_id,
            "name": f"{category} {sensor_id}",
            "name_en": sensor_id,
            "category": category,
            "quantity": quantity,
            "unit": unit,
            "district": "Huangpu" if lon < 121.5 else "Pudong",
            "owner": f"{category} authority",
        }
        properties.update({key: thresholds.get(key) for key in ("th_iv", "th_iii", "th_ii", "th_i")})
        features.append(
            {"type": "Feature", "geometry": {"type": "Point", "coordinates": [lon, lat]}, "properties": properties}
        )
    path = folder / "sensors.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}), encoding="utf-8")
    return path


def single_reading_rules(folder):
    """The default rules with every level raised at its first reading: these feeds send one reading per step."""
    from console.model.rule_file import DEFAULT_RULES_PATH

    text = DEFAULT_RULES_PATH.read_text(encoding="utf-8")
    assert "\nconfirm_count = 2\n" in text
    path = folder / "single_reading_rules.toml"
    path.write_text(text.replace("\nconfirm_count = 2\n", "\nconfirm_count = 1\n"), encoding="utf-8")
    return path


def run(argv) -> int:
    parser = argparse.ArgumentParser()
    process.add_arguments(parser)
    return process.run(parser.parse_args([str(a) for a in argv]))


def test_summary_of_a_small_feed(tmp_path, capsys):
    sensors = write_sensors(tmp_path)
    feed = tmp_path / "night.jsonl"
    feed.write_text("\n".join(FEED_LINES) + "\n", encoding="utf-8")
    journal = tmp_path / "journal.sqlite"
    assert run([feed, "--journal", journal, "--sensors", sensors, "--rules", single_reading_rules(tmp_path),
                "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["sensors"] == 6
    assert summary["alarms"] == 5
    assert summary["alarms_by_level"] == {"I": 0, "II": 1, "III": 3, "IV": 1}
    assert summary["alarms_by_category"] == {
        "gas": {"I": 0, "II": 0, "III": 1, "IV": 0},
        "water_level": {"I": 0, "II": 0, "III": 1, "IV": 0},
        "waterlogging": {"I": 0, "II": 1, "III": 1, "IV": 1},
    }
    incidents = {i["first_sensor"]: (i["alarms"], i["first_time"], i["family"]) for i in summary["incidents"]}
    assert incidents == {
        # the river gauge is in Huangpu too: its alarm joins the district's flood incident
        "WLG-00001": (3, "2026-07-21T03:05:00+08:00", "flood"),
        "WLG-00003": (1, "2026-07-21T03:07:00+08:00", "flood"),
        "GAS-00001": (1, "2026-07-21T03:08:00+08:00", "lifeline"),
    }
    assert summary["unknown_sensors"] == {"readings": 2, "ids": {"NOPE-00001": 2}}
    assert [(r["line"], r["reason"]) for r in summary["rejected"]] == [
        (4, "value is not a number: 'abc'"),
        (5, "broken JSON: Expecting value (column 1)"),
    ]
    assert summary["rejected_lines"] == 2
    assert summary["duplicates"] == 1 and summary["offline_events"] == 1

    with sqlite3.connect(journal) as db:
        assert db.execute("SELECT count(*) FROM alarm").fetchone()[0] == 5
        assert db.execute("SELECT count(*) FROM reading").fetchone()[0] == 8
        status = db.execute(
            "SELECT st.status FROM sensor_state st JOIN sensor s USING (sensor_key) WHERE s.sensor_id = 'GAS-00002'"
        ).fetchone()[0]
        assert status == 3  # offline
        rule = db.execute("SELECT rule, threshold FROM alarm WHERE sensor_id = 'WL-00001'").fetchone()
        assert rule == ("sensor:WL-00001", 4.0)


def test_text_summary_lists_rejected_lines_and_continues_a_journal(tmp_path, capsys):
    sensors = write_sensors(tmp_path)
    feed = tmp_path / "night.csv.gz"
    rows = ["t,sensor,value", "2026-07-21T03:00:00+08:00,WLG-00001,5", "2026-07-21T03:01:00+08:00,WLG-00001,oops"]
    rows += ["2026-07-21T03:05:00+08:00,WLG-00001,41", "2026-07-21T03:06:00+08:00,GHOST-1,3"]
    with gzip.open(feed, "wt", encoding="utf-8") as handle:
        handle.write("\n".join(rows) + "\n")
    journal = tmp_path / "journal.sqlite"
    rules = single_reading_rules(tmp_path)
    assert run([feed, "--journal", journal, "--sensors", sensors, "--rules", rules]) == 0
    text = capsys.readouterr().out
    assert "alarms raised: 1  I: 0  II: 1  III: 0  IV: 0" in text
    assert "line 3: " in text and "rejected lines: 1" in text
    assert "GHOST-1: 1" in text
    assert "first 2026-07-21T03:05:00+08:00 at WLG-00001" in text
    # A second run continues the journal: the alarm is already open, nothing new is raised.
    later = tmp_path / "later.jsonl"
    later.write_text('{"t": "2026-07-21T03:20:00+08:00", "sensor": "WLG-00001", "value": 42}\n', encoding="utf-8")
    assert run([later, "--journal", journal, "--sensors", sensors, "--rules", rules, "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["alarms"] == 0 and summary["open_alarms"] == 1


def test_bad_rules_stop_before_the_journal_is_created(tmp_path):
    sensors = write_sensors(tmp_path)
    feed = tmp_path / "night.jsonl"
    feed.write_text(FEED_LINES[0] + "\n", encoding="utf-8")
    rules = tmp_path / "rules.toml"
    rules.write_text('[quantity.depth]\ndirection = "high"\nlevels = [15, 27, 40, 50]\ndelay_on = 30\n',
                     encoding="utf-8")
    journal = tmp_path / "journal.sqlite"
    with pytest.raises(InputError) as error:
        run([feed, "--journal", journal, "--sensors", sensors, "--rules", rules])
    assert error.value.source == str(rules) and error.value.key == "quantity.depth.delay_on"
    assert not journal.exists()


@pytest.mark.skipif(not DEMO_CATALOG.is_file(), reason="the demo city is not generated")
def test_without_sensor_options_the_demo_city_is_used(tmp_path, capsys):
    from console.geo.catalog import load_catalog

    layers = [layer for layer in load_catalog(DEMO_CATALOG).load_layers() if layer.is_sensor_layer]
    frame = layers[0].frame
    gas = frame[frame["quantity"] == "gas_lel"]["id"].iloc[0]
    feed = tmp_path / "demo.jsonl"
    # Two readings: the default rules confirm a level by a second one.
    feed.write_text(
        f'{{"t": "2026-07-21T03:00:00+08:00", "sensor": "{gas}", "value": 60}}\n'
        f'{{"t": "2026-07-21T03:01:00+08:00", "sensor": "{gas}", "value": 61}}\n', encoding="utf-8"
    )
    assert run([feed, "--journal", tmp_path / "journal.sqlite", "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["sensors"] == sum(len(layer) for layer in layers)
    assert summary["alarms_by_level"]["I"] == 1
    assert summary["incidents"][0]["first_sensor"] == gas
