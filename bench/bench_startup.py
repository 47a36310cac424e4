"""Whole-process start-up: a cold ``console snapshot`` as a user waits for it.

Jobs, each a fresh process, run in turn (A B C ... A B C ...), median of ``RUNS``:

- ``python -c pass`` and ``python -c "import PySide6.QtGui"``: same-run references
  (the interpreter alone, and the Qt the snapshot cannot do without), and
  ``import pyogrio.raw``: what GDAL's Python side costs before it reads anything;
- ``console snapshot`` of the demo city from its catalog, 1600x1000;
- ``console snapshot --open`` a GeoPackage of 1,000,000 points (written by
  ``bench/bench_readers.py`` to /tmp; written here when missing);
- both snapshots again through GDAL (pyogrio, which imports pandas and geopandas),
  the path GeoPackages took before they were read through SQLite
  (``console.geo.geopackage.READ_DIRECTLY = False``).

For each: wall seconds (median) and peak RSS (largest of the runs), both of the
snapshot process alone: a small helper process starts it and reads its
``getrusage(RUSAGE_CHILDREN)``. Then a ``-X importtime`` breakdown of the demo-city
snapshot: the slowest top-level packages by their own import time.

Targets (issue 13): cold demo-city snapshot <= 2 s; 1,000,000 points <= 300 MB.

Run: .venv/bin/python bench/bench_startup.py
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
RUNS = int(os.environ.get("BENCH_STARTUP_RUNS", "5"))
OUT = Path(tempfile.gettempdir()) / "console-bench-startup"
BIG = Path(tempfile.gettempdir()) / "console-bench-1000000-points.gpkg"
CITY_TARGET_S = 2.0
BIG_TARGET_MB = 300.0


def _env() -> dict[str, str]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    env["PYTHONPATH"] = str(REPO) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    return env


# The snapshot with GeoPackages left to GDAL, as before they were read through SQLite.
THROUGH_GDAL = ("import sys; import console.geo.geopackage as g; g.READ_DIRECTLY = False; "
                "from console.cli import main; sys.exit(main(sys.argv[1:]))")
CITY_JOB = "snapshot demo city"
BIG_JOB = "snapshot 1,000,000 points"
GDAL_SUFFIX = ", GDAL path"


def jobs() -> dict[str, list[str]]:
    console = [sys.executable, "-m", "console"]
    through_gdal = [sys.executable, "-c", THROUGH_GDAL]
    city = ["snapshot", "--out", str(OUT / "city.png")]
    big = ["snapshot", "--open", str(BIG), "--out", str(OUT / "big.png")]
    return {
        "python -c pass": [sys.executable, "-c", "pass"],
        "import PySide6.QtGui": [sys.executable, "-c", "import PySide6.QtGui"],
        # pyogrio's raw (Arrow) reader cannot be had alone: the package imports geopandas and pandas.
        "import pyogrio.raw": [sys.executable, "-c", "import pyogrio.raw"],
        CITY_JOB: console + city,
        CITY_JOB + GDAL_SUFFIX: through_gdal + city,
        BIG_JOB: console + big,
        BIG_JOB + GDAL_SUFFIX: through_gdal + big,
    }


# Starts one command and prints its wall seconds and peak RSS (kB), so that neither the
# benchmark's own memory nor an earlier child's peak is counted.
PROBE = (
    "import resource, subprocess, sys, time; started = time.perf_counter(); "
    "done = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE); "
    "elapsed = time.perf_counter() - started; sys.stderr.write(done.stderr.decode(errors='replace')); "
    "print(elapsed, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss); sys.exit(done.returncode)"
)


def run_once(command: list[str]) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of one child process."""
    done = subprocess.run([sys.executable, "-c", PROBE, *command], cwd=REPO, env=_env(),
                          capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{done.stderr}")
    elapsed, peak_kb = done.stdout.split()
    return float(elapsed), int(peak_kb) / 1024.0


def importtime_breakdown(command: list[str], top: int = 12) -> list[tuple[str, float]]:
    """Import seconds per top-level package (the self times of its modules), slowest first.

    Self times, not cumulative ones: heavy packages are imported lazily from inside
    the console's modules, so a cumulative figure would hide them under ``console``.
    """
    done = subprocess.run([command[0], "-X", "importtime", *command[1:]], cwd=REPO, env=_env(),
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, check=True)
    totals: dict[str, float] = {}
    for line in done.stderr.splitlines():
        if not line.startswith("import time:") or "|" not in line:
            continue
        own, _, name = line[len("import time:"):].split("|")
        if not own.strip().isdigit():
            continue
        package = name.strip().split(".")[0]
        totals[package] = totals.get(package, 0.0) + int(own) / 1e6
    return sorted(totals.items(), key=lambda item: -item[1])[:top]


def ensure_big() -> None:
    if not BIG.exists():
        sys.path.insert(0, str(REPO / "bench"))
        from bench_readers import write_points

        write_points(BIG)


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    ensure_big()
    commands = jobs()
    times: dict[str, list[float]] = {name: [] for name in commands}
    peaks: dict[str, list[float]] = {name: [] for name in commands}
    for command in commands.values():  # one warm-up each: the file cache, not the process
        subprocess.run(command, cwd=REPO, env=_env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(RUNS):
        for name, command in commands.items():
            seconds, peak_mb = run_once(command)
            times[name].append(seconds)
            peaks[name].append(peak_mb)
    wall = {name: statistics.median(values) for name, values in times.items()}
    peak = {name: max(values) for name, values in peaks.items()}
    print(f"whole processes in turn, median wall of {RUNS}, largest peak RSS")
    print(f"{'job':40s} {'wall s':>8s} {'peak MB':>9s}")
    for name in commands:
        print(f"{name:40s} {wall[name]:8.2f} {peak[name]:9.0f}")
    for job in (CITY_JOB, BIG_JOB):
        old = job + GDAL_SUFFIX
        print(f"{job}: SQLite / GDAL path, wall {wall[job] / wall[old]:.2f}x, peak {peak[job] / peak[old]:.2f}x")
    city = wall[CITY_JOB]
    big_mb = peak[BIG_JOB]
    print(f"cold demo-city snapshot {city:.2f} s (target <= {CITY_TARGET_S:.1f} s): "
          f"{'met' if city <= CITY_TARGET_S else 'NOT met'}")
    print(f"1,000,000-point snapshot peak {big_mb:.0f} MB (target <= {BIG_TARGET_MB:.0f} MB): "
          f"{'met' if big_mb <= BIG_TARGET_MB else 'NOT met'}")
    print("\n-X importtime of the demo-city snapshot, seconds per top-level package (own modules):")
    for package, seconds in importtime_breakdown(commands[CITY_JOB]):
        print(f"  {package:24s} {seconds:6.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
