"""Rules files: the shipped defaults, and errors that name the file, the key and the problem."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from console.errors import InputError
from console.model.rules import DEFAULT_RULES_PATH, RuleEngine, RuleSet
from tests.model.helpers import GAS_RULES, make_table, rules

SENSORS_DOC = Path(__file__).resolve().parents[2] / "docs" / "sensors.md"


def documented_quantities() -> dict[str, tuple[str, list[float] | None]]:
    """quantity -> (direction, [IV, III, II, I] or None) from the table in docs/sensors.md."""
    found = {}
    for line in SENSORS_DOC.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) < 10 or not re.fullmatch(r"[a-z_0-9]+", cells[2]) or cells[4] not in ("high", "low"):
            continue
        try:
            levels = [float(c) for c in cells[6:10]]
        except ValueError:
            levels = None  # "per gauge"
        found[cells[2]] = (cells[4], levels)
    return found


def test_default_rules_cover_every_documented_quantity_with_its_thresholds():
    documented = documented_quantities()
    assert len(documented) == 16
    defaults = RuleSet.load()
    assert set(defaults.quantities) == set(documented)
    for quantity, (direction, levels) in documented.items():
        rule = defaults.rule_for(quantity)
        assert rule.direction == direction, quantity
        if levels is None:
            assert np.isnan(rule.levels).all(), quantity
        else:
            assert list(rule.levels) == levels, quantity


def test_every_default_rule_has_a_comment_saying_where_it_comes_from():
    text = DEFAULT_RULES_PATH.read_text(encoding="utf-8")
    for quantity in documented_quantities():
        before = text.split(f"[quantity.{quantity}]")[0].rstrip().splitlines()
        assert before[-1].startswith("#"), f"{quantity} has no comment above it"


def test_sensor_overrides_from_the_layer_and_the_rules_file():
    thresholds = np.full((4, 4), np.nan)
    thresholds[1, 0] = 3.0  # only level IV from the layer
    thresholds[3] = [3.5, 4.0, 4.7, 5.0]  # a river gauge's own levels
    table = make_table(
        [("GAS-00001", "gas_lel"), ("GAS-00002", "gas_lel"), ("GAS-00003", "gas_lel"), ("WL-00001", "river_level")],
        thresholds=thresholds,
    )
    ruleset = rules(
        GAS_RULES
        + """
[quantity.river_level]
direction = "high"
[sensor."GAS-00003"]
levels = [2, 4, 6, 8]
delay_on_s = 30
[sensor."GAS-09999"]
deadband = 2
"""
    )
    engine = RuleEngine(ruleset, table)
    assert table.levels.tolist()[:3] == [[5, 10, 25, 50], [3, 10, 25, 50], [2, 4, 6, 8]]
    assert table.levels[3].tolist() == [3.5, 4.0, 4.7, 5.0]
    assert table.rule.tolist() == ["quantity:gas_lel", "sensor:GAS-00002", "sensor:GAS-00003", "sensor:WL-00001"]
    assert engine.delay_on_ms.tolist() == [0, 0, 30_000, 0]
    assert engine.warnings == ['test_rules.toml: [sensor."GAS-09999"] names no sensor of test sensors']


def test_sensors_without_any_threshold_are_reported():
    table = make_table([("WL-00001", "river_level")])
    engine = RuleEngine(rules('[quantity.river_level]\ndirection = "high"\n'), table)
    assert engine.warnings == [
        "1 sensor(s) of quantity river_level have no thresholds "
        "(give th_iv..th_i in the sensor layer or levels in test_rules.toml)"
    ]


RULE_ERRORS = [
    # (rules text, key named, words of the problem)
    ('[quantity.gas_lel]\ndirection = "high"\nlevels = [5, 10, 25, 50]\ndelay_on = 3\n', "quantity.gas_lel.delay_on", "did you mean 'delay_on_s'"),
    ('[quantity.gas_lel]\ndirection = "high"\nlevels = [5, 25, 10, 50]\n', "quantity.gas_lel.levels", "must rise from level IV to level I"),
    ('[quantity.gas_pressure]\ndirection = "low"\nlevels = [0.15, 0.18, 0.22, 0.25]\n', "quantity.gas_pressure.levels", "must fall"),
    ('[quantity.gas_lel]\ndirection = "high"\nlevels = [5, 10, "25", 50]\n', "quantity.gas_lel.levels", "must be a number, not '25'"),
    ('[quantity.gas_lel]\ndirection = "high"\nlevels = [5, 10, 25]\n', "quantity.gas_lel.levels", "list of four numbers"),
    ('[quantity.gas_lel]\ndirection = "up"\n', "quantity.gas_lel.direction", 'must be "high" or "low"'),
    ("[quantity.gas_lel]\nlevels = [5, 10, 25, 50]\n", "quantity.gas_lel.direction", "missing direction"),
    ('[quantity.gas_lel]\ndirection = "high"\ndeadband = -1\n', "quantity.gas_lel.deadband", "must not be negative"),
    ('[quantity.gas_lel]\ndirection = "high"\nstale_after_s = true\n', "quantity.gas_lel.stale_after_s", "must be a number, not True"),
    ('[quantity.gas_lel]\ndirection = "high"\nchatter_count = 1\n', "quantity.gas_lel.chatter_count", "at least 2"),
    ('[quantity.gas_lel]\ndirection = "high"\nrate_per_min = 2\n', "quantity.gas_lel.rate_level", "go together"),
    ('[quantity.gas_lel]\ndirection = "high"\nrate_per_min = 2\nrate_level = "V"\n', "quantity.gas_lel.rate_level", 'one of "I"'),
    ('[defaults]\ndelay_of_s = 3\n[quantity.gas_lel]\ndirection = "high"\n', "defaults.delay_of_s", "did you mean 'delay_off_s'"),
    ('[sensor."GAS-1"]\ndirection = "low"\n[quantity.gas_lel]\ndirection = "high"\n', 'sensor."GAS-1".direction', "unknown key"),
    ('[quantitys.gas_lel]\ndirection = "high"\n', "quantitys", "did you mean 'quantity'"),
    ("[defaults]\n", "quantity", "no [quantity.<name>] rules"),
]


@pytest.mark.parametrize(("text", "key", "problem"), RULE_ERRORS)
def test_rules_file_errors_name_file_key_and_problem(tmp_path, text, key, problem):
    path = tmp_path / "city_rules.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as error:
        RuleSet.load(path)
    assert error.value.source == str(path)
    assert error.value.key == key
    assert problem in error.value.problem


def test_broken_toml_and_missing_file_name_the_file(tmp_path):
    path = tmp_path / "city_rules.toml"
    path.write_text("[quantity.gas_lel\n", encoding="utf-8")
    with pytest.raises(InputError, match="city_rules.toml.*not valid TOML"):
        RuleSet.load(path)
    with pytest.raises(InputError, match="no such rules file"):
        RuleSet.load(tmp_path / "absent.toml")


def test_errors_against_the_sensor_table_come_before_anything_runs():
    # A quantity without a rule no longer stops the run (tests/model/test_no_rule.py): a warning names it.
    table = make_table([("GAS-00001", "gas_lel"), ("WP-00001", "water_pressure")])
    engine = RuleEngine(rules(GAS_RULES), table)
    assert any("no rule for the quantity 'water_pressure' of 1 sensor(s) in test sensors" in w for w in engine.warnings)

    typo = GAS_RULES + '[quantity.water_presure]\ndirection = "low"\nlevels = [0.25, 0.2, 0.16, 0.12]\n'
    with pytest.raises(InputError) as error:
        RuleEngine(rules(typo), make_table([("GAS-00001", "gas_lel")]))
    assert error.value.key == "quantity.water_presure"
    assert "unknown quantity" in error.value.problem and "did you mean 'water_pressure'" in error.value.problem

    override = GAS_RULES + '[sensor."GAS-00001"]\nlevels = [50, 25, 10, 5]\n'
    with pytest.raises(InputError) as error:
        RuleEngine(rules(override), make_table([("GAS-00001", "gas_lel")]))
    assert error.value.key == 'sensor."GAS-00001".levels'


def test_layer_thresholds_out_of_order_name_the_sensor():
    thresholds = np.full((1, 4), np.nan)
    thresholds[0, 0] = 30.0  # IV above the rule's III (10)
    table = make_table([("GAS-00001", "gas_lel")], thresholds=thresholds)
    with pytest.raises(InputError) as error:
        RuleEngine(rules(GAS_RULES), table)
    assert error.value.source == "test sensors"
    assert "sensor GAS-00001" in error.value.problem and "must rise" in error.value.problem
