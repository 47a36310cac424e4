"""Layer reading: GeoPackages through SQLite, pyogrio through Arrow and pyogrio
feature by feature, in one run.

Two sources, each read whole with ``read_layers`` (reprojection and the split by
geometry kind included, as the console opens them) the three ways, alternating,
best of a few rounds, in this process (imports warmed first: ``bench_startup.py``
measures what the imports cost a fresh process):

- the demo city ``layers/demo/city.gpkg``, every layer;
- a generated GeoPackage of 1,000,000 points with Chinese text attributes, written
  once to /tmp (kept between runs; delete it to write it again).

Prints seconds for each way and the ratios (Arrow / SQLite, feature by feature / Arrow).

Run: .venv/bin/python bench/bench_readers.py
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import console.geo.gdal_layers as gdal_layers  # noqa: E402
import console.geo.geopackage as geopackage  # noqa: E402
from console.geo.readers import read_layers  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
CITY = REPO / "layers" / "demo" / "city.gpkg"
POINTS = 1_000_000
BIG = Path(tempfile.gettempdir()) / f"console-bench-{POINTS}-points.gpkg"
ROUNDS = {CITY: 3, BIG: 2}


def write_points(path: Path) -> None:
    import geopandas as gpd
    import shapely

    rng = np.random.default_rng(11)
    districts = np.array(["江岸区", "江汉区", "硚口区", "汉阳区", "武昌区", "青山区", "洪山区"])
    frame = gpd.GeoDataFrame(
        {
            "id": np.char.add("GAS-", np.arange(POINTS).astype(str)),
            "district": districts[rng.integers(0, len(districts), POINTS)],
            "owner": "燃气集团",
            "value": rng.normal(10, 3, POINTS),
        },
        geometry=shapely.points(rng.uniform(113.7, 115.1, POINTS), rng.uniform(29.9, 31.4, POINTS)),
        crs="EPSG:4490",
    )
    partial = path.with_suffix(".partial.gpkg")
    frame.to_file(partial, layer="sensors", engine="pyogrio")
    partial.rename(path)


# way -> (gdal_layers.USE_ARROW, geopackage.READ_DIRECTLY)
WAYS = {"feature by feature": (False, False), "Arrow": (True, False), "SQLite": (True, True)}


def timed_read(path: Path, way: str) -> tuple[float, int]:
    gdal_layers.USE_ARROW, geopackage.READ_DIRECTLY = WAYS[way]
    started = time.perf_counter()
    layers = read_layers(path)
    return time.perf_counter() - started, sum(len(layer) for layer in layers)


def main() -> int:
    if not BIG.exists():
        print(f"writing {POINTS:,} points to {BIG} ...", flush=True)
        write_points(BIG)
    for way in WAYS:  # warm imports, the PROJ database and the file cache
        timed_read(CITY, way)
    for path in (CITY, BIG):
        best = dict.fromkeys(WAYS, float("inf"))
        counts = set()
        for _ in range(ROUNDS[path]):
            for way in WAYS:
                seconds, features = timed_read(path, way)
                best[way] = min(best[way], seconds)
                counts.add(features)
        assert len(counts) == 1, f"the ways read different feature counts: {counts}"
        figures = ", ".join(f"{way} {seconds:.2f} s" for way, seconds in best.items())
        print(f"{path.name}: {counts.pop():,} features; {figures}; Arrow / SQLite "
              f"{best['Arrow'] / best['SQLite']:.2f}x, feature by feature / Arrow "
              f"{best['feature by feature'] / best['Arrow']:.2f}x (best of {ROUNDS[path]})", flush=True)
    gdal_layers.USE_ARROW, geopackage.READ_DIRECTLY = WAYS["SQLite"]
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
