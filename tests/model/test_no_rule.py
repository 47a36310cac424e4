"""A sensor layer whose quantity has no rule loads: watched for silence, no levels, a warning naming it."""

from __future__ import annotations

from console.model.pipeline import Pipeline
from console.model.rule_file import NO_RULE_PREFIX
from console.model.sensors import SensorStatus
from tests.model.helpers import GAS_RULES, MINUTE, T0, batch, make_table, rules


def test_sensors_of_a_quantity_without_a_rule_are_watched_for_silence_only():
    table = make_table([("GAS-1", "gas_lel"), ("WP-1", "water_pressure"), ("WP-2", "water_pressure")])
    pipeline = Pipeline(table, rules(GAS_RULES))
    (warning,) = pipeline.engine.warnings
    assert "no rule for the quantity 'water_pressure' of 2 sensor(s) in test sensors" in warning
    assert "[quantity.water_pressure]" in warning and warning.startswith("test_rules.toml: ")
    assert table.rule.tolist() == ["quantity:gas_lel", NO_RULE_PREFIX + "water_pressure", NO_RULE_PREFIX + "water_pressure"]
    # Any value: no level; the gas sensor beside them alarms as before.
    pipeline.process(batch([("GAS-1", T0, 30.0), ("WP-1", T0, 0.0), ("WP-2", T0, 99.0)]))
    assert table.level.tolist() == [2, 0, 0]
    assert [a.sensor_id for a in pipeline.book.open_alarms()] == ["GAS-1"]
    assert table.value[1] == 0.0 and table.value[2] == 99.0  # the live value is kept and shown
    # WP-2 keeps reporting, WP-1 falls silent: after the default stale time (15 min) only WP-1 is stale.
    pipeline.process(batch([("GAS-1", T0 + 14 * MINUTE, 30.0), ("WP-2", T0 + 14 * MINUTE, 98.0)]))
    pipeline.tick(T0 + 16 * MINUTE)
    assert table.status[1] == SensorStatus.STALE and table.status[2] != SensorStatus.STALE
    pipeline.close()


def test_a_quantity_rule_in_defaults_gives_its_stale_time_to_sensors_without_a_rule():
    text = "[defaults]\nstale_after_s = 120\n" + GAS_RULES
    table = make_table([("GAS-1", "gas_lel"), ("WP-1", "water_pressure")])
    pipeline = Pipeline(table, rules(text))
    pipeline.process(batch([("GAS-1", T0, 1.0), ("WP-1", T0, 0.3)]))
    pipeline.tick(T0 + 3 * MINUTE)
    assert table.status[1] == SensorStatus.STALE
    pipeline.close()


def test_console_process_runs_a_layer_with_a_quantity_without_a_rule_and_says_so(tmp_path, capsys):
    import json

    from console.model.rule_file import DEFAULT_RULES_PATH
    from tests.model.test_process_command import FEED_LINES, run, write_sensors

    # The default rules without the river level's: WL-00001 reads 4.2 m, raises nothing, and the run goes on.
    text = DEFAULT_RULES_PATH.read_text(encoding="utf-8")
    start = text.index("[quantity.river_level]")
    end = text.index("\n[", start + 1)
    rules_path = tmp_path / "no_river_rule.toml"
    rules_path.write_text(text[:start] + text[end + 1:], encoding="utf-8")
    feed = tmp_path / "night.jsonl"
    feed.write_text("\n".join(FEED_LINES) + "\n", encoding="utf-8")
    assert run([feed, "--journal", tmp_path / "j.sqlite", "--sensors", write_sensors(tmp_path), "--rules", rules_path,
                "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert any("no rule for the quantity 'river_level' of 1 sensor(s)" in w for w in summary["warnings"])
    assert "water_level" not in summary["alarms_by_category"]
