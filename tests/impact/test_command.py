"""``console impact`` on the hand-made city: text, JSON, files, and a refusal that says why."""

from __future__ import annotations

import json

import pytest

from console.cli import main
from tests.impact import handmade


@pytest.fixture(scope="module")
def catalog(tmp_path_factory):
    return str(handmade.write_city(tmp_path_factory.mktemp("handmade")))


def test_text_names_radius_facilities_valves_segments_and_units(catalog, capsys, tmp_path):
    out_csv, out_geo = tmp_path / "i.csv", tmp_path / "i.geojson"
    assert main(["impact", "--sensor", handmade.GAS_SENSOR, "--catalog", catalog, "--day",
                 "--csv", str(out_csv), "--geojson", str(out_geo)]) == 0
    text = capsys.readouterr().out
    assert "Radius 300 m: gas: planning default" in text
    assert "Facilities inside: 2, people 1100" in text and "东湖小学" in text
    assert "Valves to close (gas): 3" in text
    assert "Segments cut off: 3 between the valves (1.50 km), 1 fed only through them (500 m)" in text
    lines = text.splitlines()
    fire = [line for line in lines if "fire_rescue" in line]
    assert "东区消防站  road 1.76 km" in fire[0] and "北岸消防站  road 5.13 km" in fire[1]
    assert "medical" in text and "no road way" in text and "Note: 1 unit(s) cannot be reached by road" in text
    assert out_csv.read_text(encoding="utf-8-sig").startswith("item,id,kind")
    assert json.loads(out_geo.read_text(encoding="utf-8"))["type"] == "FeatureCollection"


def test_json_for_a_hazmat_sensor_at_night(catalog, capsys):
    assert main(["impact", "--sensor", handmade.HAZMAT_SENSOR, "--catalog", catalog, "--night", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["radius_m"] == 8000.0 and data["isolation_m"] == 600.0 and data["period"] == "night"
    assert data["substance"].startswith("chlorine") and "UN 1017" in data["radius_source"]
    assert "下风向防护 8000 米" in data["radius_source_zh"]


def test_an_unknown_sensor_is_refused_with_the_reason(catalog, capsys):
    assert main(["impact", "--sensor", "NOPE", "--catalog", catalog]) == 2
    assert "no sensor with id 'NOPE'" in capsys.readouterr().err
