"""Whole-process start-up: a cold ``console snapshot`` as a user waits for it.

Jobs, each a fresh process, run in turn (A B C ... A B C ...), median of ``RUNS``:

- ``python -c pass`` and ``python -c "import PySide6.QtGui"``: same-run references
  (the interpreter alone, and the Qt the snapshot cannot do without);
- ``console snapshot`` of the demo city from its catalog, 1600x1000;
- ``console snapshot --open`` a GeoPackage of 1,000,000 points (written by
  ``bench/bench_readers.py`` to /tmp; written here when missing).

For each: wall seconds and the peak RSS of the process (``getrusage(RUSAGE_CHILDREN)``
after each run). Then a ``-X importtime`` breakdown of the demo-city snapshot:
the slowest top-level packages by cumulative import time.

Targets (issue 13): cold demo-city snapshot <= 2 s; 1,000,000 points <= 300 MB.

Run: .venv/bin/python bench/bench_startup.py
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
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


def jobs() -> dict[str, list[str]]:
    console = [sys.executable, "-m", "console"]
    return {
        "python -c pass": [sys.executable, "-c", "pass"],
        "import PySide6.QtGui": [sys.executable, "-c", "import PySide6.QtGui"],
        "snapshot demo city": console + ["snapshot", "--out", str(OUT / "city.png")],
        "snapshot 1,000,000 points": console + ["snapshot", "--open", str(BIG), "--out", str(OUT / "big.png")],
    }


def run_once(command: list[str]) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of one child process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.perf_counter()
    done = subprocess.run(command, cwd=REPO, env=_env(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{done.stderr.decode(errors='replace')}")
    # RUSAGE_CHILDREN holds the largest child so far; run_peak measures each alone.
    after = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return elapsed, max(after, before) / 1024.0


def run_peak(command: list[str]) -> float:
    """Peak RSS (MB) of one run, measured in a fresh helper so earlier children do not mask it."""
    probe = (
        "import resource, subprocess, sys; subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, check=True); "
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
    )
    done = subprocess.run([sys.executable, "-c", probe, *command], cwd=REPO, env=_env(),
                          capture_output=True, text=True, check=True)
    return int(done.stdout.strip()) / 1024.0


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
    for command in commands.values():  # one warm-up each: the file cache, not the process
        subprocess.run(command, cwd=REPO, env=_env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(RUNS):
        for name, command in commands.items():
            times[name].append(run_once(command)[0])
    peaks = {name: run_peak(command) for name, command in commands.items()}
    print(f"whole processes in turn, median of {RUNS}")
    print(f"{'job':28s} {'wall s':>8s} {'peak MB':>9s}")
    for name in commands:
        print(f"{name:28s} {statistics.median(times[name]):8.2f} {peaks[name]:9.0f}")
    city = statistics.median(times["snapshot demo city"])
    big_mb = peaks["snapshot 1,000,000 points"]
    print(f"cold demo-city snapshot {city:.2f} s (target <= {CITY_TARGET_S:.1f} s): "
          f"{'met' if city <= CITY_TARGET_S else 'NOT met'}")
    print(f"1,000,000-point snapshot peak {big_mb:.0f} MB (target <= {BIG_TARGET_MB:.0f} MB): "
          f"{'met' if big_mb <= BIG_TARGET_MB else 'NOT met'}")
    print("\n-X importtime of the demo-city snapshot, seconds per top-level package (own modules):")
    for package, seconds in importtime_breakdown(commands["snapshot demo city"]):
        print(f"  {package:24s} {seconds:6.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
