"""The demo city carries the roles an impact analysis needs, and its networks are networks."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from console.geo.catalog import load_catalog
from console.impact import ImpactContext

DEMO = Path(__file__).resolve().parents[2] / "layers" / "demo" / "catalog.toml"


@pytest.fixture(scope="module")
def context():
    return ImpactContext(load_catalog(DEMO).load_layers())


def test_demo_catalog_names_every_role(context):
    roles = {(layer.name, layer.role, layer.network) for layer in context.layers if layer.role}
    assert roles == {("roads", "roads", ""), ("gas_mains", "pipes", "gas"), ("water_mains", "pipes", "water_supply"),
                     ("gas_valves", "valves", "gas"), ("water_valves", "valves", "water_supply"),
                     ("facilities", "facilities", ""), ("residential", "facilities", ""),
                     ("resources", "resources", "")}


def test_demo_facilities_carry_kind_and_people(context):
    places, notes = context.facilities()
    assert notes == []
    assert {"school", "hospital", "metro", "elderly_care", "residential"} <= set(places.kinds)
    assert (places.values > 0).all()


def test_demo_resources_are_units_of_every_kind_with_names_and_capacity(context):
    places, notes = context.resources()
    assert notes == []
    kinds = dict(zip(*np.unique(places.kinds, return_counts=True), strict=True))
    assert set(kinds) == {"fire_rescue", "gas_repair", "water_repair", "medical", "shelter", "material_store"}
    assert all(count >= 5 for count in kinds.values())
    assert all(name for name in places.names) and (places.values > 0).all()


def test_demo_roads_are_one_network(context):
    roads, _ = context.roads()
    sizes = np.bincount(roads.piece)
    assert sizes.max() / roads.n_nodes > 0.98


@pytest.mark.parametrize("network", ["gas", "water_supply"])
def test_demo_pipes_meet_and_every_valve_sits_on_a_pipe(context, network):
    net, notes, _ = context.pipes(network)
    assert [n.code for n in notes] == []
    assert net.shared_end_share > 0.8
    assert len(net.valves_on_no_pipe) == 0
    # a network north and one south of the river (pipes stop at the water), a few short spurs beside
    lengths = np.bincount(net.piece, weights=net.seg_length_m)
    assert np.sort(lengths)[-2:].sum() / lengths.sum() > 0.9
