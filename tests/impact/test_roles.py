"""Catalog roles: role and network keys are checked when the catalog loads and reach the layers."""

from __future__ import annotations

import pytest

from console.errors import InputError
from console.geo.catalog import load_catalog
from tests.impact import handmade


def _catalog(tmp_path, extra: str):
    handmade.write_city(tmp_path)
    path = tmp_path / "roles.toml"
    path.write_text(f'[[layers]]\nname = "pipes"\nsource = "city.gpkg"\nlayer = "gas_pipes"\n{extra}\n',
                    encoding="utf-8")
    return path


def test_roles_and_networks_reach_the_loaded_layers(tmp_path):
    layers = {layer.name: layer for layer in load_catalog(handmade.write_city(tmp_path)).load_layers()}
    assert (layers["gas_pipes"].role, layers["gas_pipes"].network) == ("pipes", "gas")
    assert (layers["gas_valves"].role, layers["gas_valves"].network) == ("valves", "gas")
    assert layers["resources"].role == "resources" and layers["resources"].network == ""
    assert layers["tanks"].role == ""


@pytest.mark.parametrize(("extra", "message"), [
    ('role = "pipe"', "layers[0].role: unknown role 'pipe' (known: pipes, valves, roads, facilities, resources)"),
    ('role = "pipes"', "layers[0].network: a pipes layer names its network (one of gas, water_supply, drainage, "
                       "heating)"),
    ('role = "pipes"\nnetwork = "oil"', "layers[0].network: unknown network 'oil'"),
    ('role = "roads"\nnetwork = "gas"', "layers[0].network: only pipes and valves layers take a network"),
    ("role = 3", "layers[0].role: expected a string, got int 3"),
])
def test_bad_roles_name_the_key(tmp_path, extra, message):
    with pytest.raises(InputError) as info:
        load_catalog(_catalog(tmp_path, extra))
    assert message in str(info.value) and "roles.toml" in str(info.value)
