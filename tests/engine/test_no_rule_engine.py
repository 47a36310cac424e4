"""The engine process runs sensors whose quantity has no rule and tells the window (its Hello) so."""

from __future__ import annotations

from console.engine.protocol import EngineSpec
from console.model.rule_file import NO_RULE_PREFIX
from console.model.sensors import SensorTable
from tests.engine.test_engine_process import MINUTE, T0, Running, replay_sources


def test_the_window_hears_of_a_quantity_without_a_rule_and_its_sensors_raise_nothing(tmp_path):
    table = SensorTable(["GAS-1", "UT-H2S-1"], ["gas_lel", "tunnel_h2s"], ["gas", "utility_tunnel"],
                        owners=["市燃气集团", "管廊公司"], districts=["江北区"] * 2, x=[0.0, 500.0], y=[0.0, 0.0])
    rows = [(T0, "GAS-1", 0.5), (T0, "UT-H2S-1", 400.0), (T0 + MINUTE, "UT-H2S-1", 450.0)]
    run = Running(EngineSpec(table=table, rules=None, journal_path=None, sources=replay_sources(tmp_path, rows)))
    try:
        run.until(lambda: run.mirror.sign is not None, what="the engine's hello")
        (warning,) = run.mirror.rule_warnings
        assert "no rule for the quantity 'tunnel_h2s' of 1 sensor(s)" in warning
        assert run.table.rule.tolist() == ["quantity:gas_lel", NO_RULE_PREFIX + "tunnel_h2s"]
        run.until(lambda: run.table.t_ms[1] == T0 + MINUTE, what="the last reading")
        assert run.table.value[1] == 450.0 and run.table.level[1] == 0
        assert run.mirror.book.open_alarms() == []
    finally:
        run.client.stop()
