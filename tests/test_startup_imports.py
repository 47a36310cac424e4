"""Start-up stays light: what the CLI imports before, and while, a command runs.

Each case runs in a fresh interpreter (modules already imported by the test
session would hide the cost) and counts the modules the command added.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import geopandas as gpd
import pytest
import shapely

REPO = Path(__file__).resolve().parents[1]
HEAVY = ("numpy", "pandas", "geopandas", "shapely", "pyproj", "pyogrio", "pyarrow", "PySide6", "pyqtgraph")
# Budgets in modules added to a bare interpreter; today's figures leave about 10 % headroom.
PARSER_BUDGET = 40
INFO_BUDGET = 800
SNAPSHOT_BUDGET = 400  # a GeoPackage read through SQLite: no pandas, geopandas, pyogrio, pyarrow

PROBE = """
import contextlib, io, json, sys
before = set(sys.modules)
from console.cli import build_parser, main
argv = json.loads(sys.argv[1])
with contextlib.redirect_stdout(io.StringIO()):
    code = main(argv) if argv else (build_parser(), 0)[1]
print(json.dumps({"code": code, "added": sorted(set(sys.modules) - before)}))
"""


def _imports(argv: list[str]) -> tuple[int, list[str]]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(REPO))
    done = subprocess.run([sys.executable, "-c", PROBE, json.dumps(argv)], cwd=REPO, env=env,
                          capture_output=True, text=True, check=True, timeout=120)
    result = json.loads(done.stdout.strip().splitlines()[-1])
    return result["code"], result["added"]


def _packages(modules: list[str]) -> set[str]:
    return {name.split(".")[0] for name in modules}


def _points(tmp_path) -> Path:
    path = tmp_path / "points.gpkg"
    gpd.GeoDataFrame({"name": ["甲", "乙"]}, geometry=shapely.points([114.1, 114.2], [30.5, 30.6]),
                     crs="EPSG:4326").to_file(path, engine="pyogrio")
    return path


def test_building_the_parser_imports_no_heavy_package():
    code, added = _imports([])
    assert code == 0
    assert not _packages(added) & set(HEAVY)
    assert len(added) <= PARSER_BUDGET, added


def test_console_info_imports_no_qt(tmp_path):
    code, added = _imports(["info", str(_points(tmp_path))])
    assert code == 0
    assert "PySide6" not in _packages(added) and "pyqtgraph" not in _packages(added)
    assert len(added) <= INFO_BUDGET, len(added)


def test_console_snapshot_imports_no_window_toolkit_beyond_what_it_draws_with(tmp_path):
    code, added = _imports(["snapshot", "--open", str(_points(tmp_path)), "--out", str(tmp_path / "p.png")])
    assert code == 0 and (tmp_path / "p.png").stat().st_size > 0
    assert "pyqtgraph" not in _packages(added)
    assert not {"PySide6.QtOpenGL", "PySide6.QtSvg", "PySide6.QtNetwork", "PySide6.QtCharts"} & set(added)
    assert len(added) <= SNAPSHOT_BUDGET, len(added)


@pytest.mark.parametrize("catalog", [False, True], ids=["geopackage points", "demo city"])
def test_console_snapshot_of_a_geopackage_imports_no_frame_library(tmp_path, catalog):
    """GeoPackages are read through SQLite: neither GDAL's Python side nor pandas nor geopandas."""
    source = [] if catalog else ["--open", str(_points(tmp_path))]
    code, added = _imports(["snapshot", *source, "--out", str(tmp_path / "p.png")])
    assert code == 0 and (tmp_path / "p.png").stat().st_size > 0
    assert not {"pandas", "geopandas", "pyogrio", "pyarrow"} & _packages(added)
    assert len(added) <= SNAPSHOT_BUDGET, len(added)
