"""The console against QGIS on the same jobs: whole processes, in turn (A B A B).

Three jobs, each rendered to a 1600x1000 PNG by a fresh process, ``RUNS`` times
each, alternating console and QGIS:

- a GeoPackage of 100,000 points (written to /tmp on the first run);
- a GeoPackage of 1,000,000 points (``bench/bench_readers.py`` writes the same file);
- the demo city: the console from its catalog, QGIS every spatial layer of ``city.gpkg``.

QGIS runs a small script under the system Python (``python3-qgis``) that opens the
layers and renders them with ``QgsMapRendererParallelJob``. Printed: median wall
seconds, peak RSS and the ratio console/QGIS against the targets of issue 13.

QGIS is not a dependency: without ``python3-qgis`` this prints how to install it
and exits 0 (``apt-get install python3-qgis``; about 1.2 GB with its libraries).

Run: .venv/bin/python bench/bench_vs_qgis.py
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
RUNS = int(os.environ.get("BENCH_QGIS_RUNS", "7"))
TMP = Path(tempfile.gettempdir())
OUT = TMP / "console-bench-vs-qgis"
CITY = REPO / "layers" / "demo" / "city.gpkg"
SYSTEM_PYTHON = os.environ.get("QGIS_PYTHON", "/usr/bin/python3")
# job -> target for console seconds / QGIS seconds (issue 13)
TARGETS = {"100,000 points": 0.7, "1,000,000 points": 0.5, "demo city": 0.8}

QGIS_SCRIPT = """
import sys
from qgis.core import (QgsApplication, QgsCoordinateReferenceSystem, QgsMapRendererParallelJob,
                       QgsMapSettings, QgsVectorLayer)
from qgis.PyQt.QtCore import QSize

app = QgsApplication([], False)
app.initQgis()
out, specs = sys.argv[1], sys.argv[2:]
layers = []
for spec in specs:
    path, _, name = spec.partition("|")
    layer = QgsVectorLayer(f"{path}|layername={name}" if name else path, name or path, "ogr")
    if not layer.isValid():
        raise SystemExit(f"QGIS cannot open {spec}")
    layers.append(layer)
settings = QgsMapSettings()
settings.setLayers(list(reversed(layers)))  # QGIS draws the first layer on top
settings.setOutputSize(QSize(1600, 1000))
settings.setDestinationCrs(QgsCoordinateReferenceSystem("EPSG:3857"))
settings.setExtent(settings.fullExtent())
job = QgsMapRendererParallelJob(settings)
job.start()
job.waitForFinished()
if not job.renderedImage().save(out):
    raise SystemExit(f"cannot write {out}")
app.exitQgis()
# QGIS 3.22 on Debian segfaults in the interpreter's teardown after exitQgis; the picture is written by now.
import os
os._exit(0)
"""


def qgis_available() -> bool:
    if not shutil.which(SYSTEM_PYTHON) and not Path(SYSTEM_PYTHON).exists():
        return False
    probe = subprocess.run([SYSTEM_PYTHON, "-c", "import qgis.core"], capture_output=True)
    return probe.returncode == 0


def _env() -> dict[str, str]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    env["PYTHONPATH"] = str(REPO)
    return env


def points_file(n: int) -> Path:
    path = TMP / f"console-bench-{n}-points.gpkg"
    if not path.exists():
        sys.path.insert(0, str(REPO / "bench"))
        import bench_readers

        bench_readers.POINTS = n
        bench_readers.write_points(path)
    return path


def city_layers() -> list[str]:
    import pyogrio

    return [f"{CITY}|{name}" for name, geometry_type in pyogrio.list_layers(str(CITY)) if geometry_type]


def jobs() -> dict[str, tuple[list[str], list[str]]]:
    console = [sys.executable, "-m", "console", "snapshot", "--out"]
    qgis = [SYSTEM_PYTHON, "-c", QGIS_SCRIPT]
    found = {}
    for label, n in (("100,000 points", 100_000), ("1,000,000 points", 1_000_000)):
        path = points_file(n)
        found[label] = (console + [str(OUT / f"console-{n}.png"), "--open", str(path)],
                        qgis + [str(OUT / f"qgis-{n}.png"), f"{path}|sensors"])
    found["demo city"] = (console + [str(OUT / "console-city.png")], qgis + [str(OUT / "qgis-city.png"), *city_layers()])
    return found


def timed(command: list[str]) -> float:
    started = time.perf_counter()
    done = subprocess.run(command, cwd=REPO, env=_env(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"{command[:4]} failed:\n{done.stderr.decode(errors='replace')[-2000:]}")
    return elapsed


def peak_mb(command: list[str]) -> float:
    """Peak RSS of one run, in a fresh helper so that earlier children do not mask it."""
    probe = ("import resource, subprocess, sys; subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, "
             "stderr=subprocess.DEVNULL, check=True); print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
    done = subprocess.run([sys.executable, "-c", probe, *command], cwd=REPO, env=_env(),
                          capture_output=True, text=True, check=True)
    return int(done.stdout.strip()) / 1024.0


def main() -> int:
    if not qgis_available():
        print(f"skipped: QGIS's Python bindings are not importable by {SYSTEM_PYTHON}. To compare, install "
              "them (Debian: apt-get install python3-qgis, about 1.2 GB with its libraries) or point "
              "QGIS_PYTHON at a Python that has qgis.core.")
        return 0
    OUT.mkdir(parents=True, exist_ok=True)
    print(f"whole processes in turn (console, QGIS, ...), median of {RUNS}, 1600x1000 PNG")
    print(f"{'job':20s} {'console s':>10s} {'QGIS s':>8s} {'ratio':>7s} {'console MB':>11s} {'QGIS MB':>8s}  target")
    for label, (console, qgis) in jobs().items():
        timed(console), timed(qgis)  # warm the file cache for both
        times: dict[str, list[float]] = {"console": [], "qgis": []}
        for _ in range(RUNS):
            times["console"].append(timed(console))
            times["qgis"].append(timed(qgis))
        ours, theirs = statistics.median(times["console"]), statistics.median(times["qgis"])
        ratio = ours / theirs
        verdict = "met" if ratio <= TARGETS[label] else "NOT met"
        print(f"{label:20s} {ours:10.2f} {theirs:8.2f} {ratio:7.2f} {peak_mb(console):11.0f} {peak_mb(qgis):8.0f}"
              f"  <= {TARGETS[label]}: {verdict}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
