"""`console snapshot` and `console open` render real PNGs and report bad input by name."""

from __future__ import annotations

import geopandas as gpd
import shapely
from PySide6.QtGui import QImage

from console.cli import main
from tests.conftest import DEMO_CATALOG


def test_snapshot_of_a_file_writes_a_png_of_the_requested_size(tmp_path, capsys, qapp):
    source = tmp_path / "zone.geojson"
    gpd.GeoDataFrame({"name": ["东湖区"]}, geometry=[shapely.box(114.3, 30.5, 114.4, 30.6)],
                     crs="EPSG:4326").to_file(source, driver="GeoJSON")
    out = tmp_path / "out" / "zone.png"
    code = main(["snapshot", "--out", str(out), "--open", str(source), "--size", "640x480", "--title", "测试"])
    assert code == 0
    assert str(out) in capsys.readouterr().out
    image = QImage(str(out))
    assert (image.width(), image.height()) == (640, 480)
    assert image.pixelColor(5, 5).name().upper() == "#1F2A36"  # the title bar


def test_snapshot_reports_a_bad_size_and_a_missing_file(tmp_path, capsys, qapp):
    assert main(["snapshot", "--out", str(tmp_path / "a.png"), "--size", "huge"]) == 2
    assert "--size" in capsys.readouterr().err
    missing = tmp_path / "nowhere.gpkg"
    assert main(["snapshot", "--out", str(tmp_path / "b.png"), "--open", str(missing)]) == 2
    err = capsys.readouterr().err
    assert "nowhere.gpkg" in err
    assert not (tmp_path / "b.png").exists()


def test_demo_city_snapshot_shows_districts_sensors_and_chinese_title(tmp_path, capsys, qapp):
    out = tmp_path / "demo.png"
    assert main(["snapshot", "--out", str(out), "--catalog", str(DEMO_CATALOG), "--size", "1200x800"]) == 0
    image = QImage(str(out))
    assert (image.width(), image.height()) == (1200, 800)
    # Left of the legend (which explains the warning colours): the map itself.
    colours = {image.pixelColor(x, y).name().upper() for x in range(0, 950, 5) for y in range(60, 800, 5)}
    # Sensors in their calm colour are on the map, and no warning colour shows without alarms.
    assert "#3A7D7C" in colours or any(c.startswith("#3A7D") for c in colours)
    assert "#D7263D" not in colours


def test_console_open_without_a_screen_renders_offscreen_instead_of_aborting(tmp_path):
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k not in ("QT_QPA_PLATFORM", "DISPLAY", "WAYLAND_DISPLAY")}
    env["CONSOLE_DATA_DIR"] = str(tmp_path / "data")
    source = tmp_path / "zone.geojson"
    gpd.GeoDataFrame({"name": ["东湖区"]}, geometry=[shapely.box(114.3, 30.5, 114.4, 30.6)],
                     crs="EPSG:4326").to_file(source, driver="GeoJSON")
    result = subprocess.run([sys.executable, "-m", "console", "open", str(source), "--lang", "en"], cwd=tmp_path,
                            env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "no display" in result.stderr
    written = tmp_path / "out" / "console.png"
    assert str(written.resolve()) in result.stdout and QImage(str(written)).width() > 0
