"""Impact analysis on the demo city: radius and facilities, isolation trace, nearest units by road.

Targets (issue 11): impact (radius, facilities, people) <= 100 ms; isolation trace
<= 200 ms; nearest resources by road <= 200 ms; indexes and graphs built once, their
building time printed apart. Each figure is the median and the worst over many sensors.

References measured in the same run, so the figures read as ratios:
- facilities: the distance from the sensor to every facility without the STRtree;
- trace: the same isolation section found by networkx (when installed) on the same
  shut-valve graph, against the labels ``scipy.sparse.csgraph`` computes once;
- roads: one Dijkstra from the incident with networkx on the same road graph.

Run: .venv/bin/python bench/bench_impact.py
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np
import shapely

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from console.geo.catalog import load_catalog  # noqa: E402
from console.impact import ImpactContext  # noqa: E402
from console.impact.ground import scale  # noqa: E402

CATALOG = Path(__file__).resolve().parents[1] / "layers" / "demo" / "catalog.toml"
SENSORS = 300
TARGETS_MS = {"radius_facilities": 100.0, "trace": 200.0, "resources": 200.0}


def stats(values) -> str:
    values = np.asarray(values)
    return f"median {np.median(values):7.2f} ms   p95 {np.percentile(values, 95):7.2f} ms   max {values.max():7.2f} ms"


def main() -> int:
    started = time.perf_counter()
    layers = load_catalog(CATALOG).load_layers()
    print(f"demo catalog read: {len(layers)} layers in {time.perf_counter() - started:.2f} s")
    context = ImpactContext(layers)
    started = time.perf_counter()
    parts = context.build()
    print(f"indexes and graphs built once: {(time.perf_counter() - started) * 1000:.0f} ms")
    for name, ms in parts.items():
        print(f"  {name:28s} {ms:8.1f} ms")
    gas_net = context.pipes("gas")[0]
    water_net = context.pipes("water_supply")[0]
    roads = context.roads()[0]
    print(f"  gas: {len(gas_net.segments)} segments, {len(gas_net.valve_points)} valves, "
          f"{gas_net.n_pieces} pieces; water: {len(water_net.segments)} segments; "
          f"roads: {roads.n_nodes} nodes, {len(roads.length_m)} stretches")

    ids = context.sensors.column_values("id")
    categories = context.sensors.column_values("category")
    rng = np.random.default_rng(11)
    chosen = []
    for category, share in (("gas", 0.5), ("water_supply", 0.3), ("hazmat", 0.1), ("rainfall", 0.1)):
        rows = np.flatnonzero(categories == category)
        chosen += list(rng.choice(rows, int(SENSORS * share), replace=False))
    timings = {key: [] for key in TARGETS_MS}
    total = []
    for row in chosen:
        t0 = time.perf_counter()
        result = context.analyse(str(ids[row]), night=False)
        total.append((time.perf_counter() - t0) * 1000.0)
        for key, value in result.timings_ms.items():
            timings[key].append(value)
    print(f"\n{len(chosen)} sensors (gas, water, hazmat, rainfall), the machine shared and loaded:")
    for key, target in TARGETS_MS.items():
        values = timings[key]
        verdict = "ok" if np.max(values) <= target else "OVER"
        print(f"  {key:18s} {stats(values)}   target {target:.0f} ms: {verdict}")
    print(f"  {'whole analysis':18s} {stats(total)}")

    # --- references -----------------------------------------------------------------------
    places, _ = context.facilities()
    x, y = context.sensors.xy
    sample = [int(r) for r in chosen[:50]]
    t0 = time.perf_counter()
    for row in sample:
        centre = shapely.Point(x[row], y[row])
        k = float(scale(y[row]))
        d = shapely.distance(places.geometry, centre) * k
        np.flatnonzero(d <= 300.0)
    brute = (time.perf_counter() - t0) * 1000.0 / len(sample)
    indexed = np.median(timings["radius_facilities"])
    print(f"\nfacilities without the STRtree (distance to all {len(places.geometry)}): {brute:.2f} ms a sensor; "
          f"with it (whole radius step): {indexed:.2f} ms (x{brute / max(indexed, 1e-9):.1f})")

    try:
        import networkx as nx
    except ImportError:
        print("networkx not installed: no library comparison for the graphs")
        return 0
    a, b = gas_net._shut_edges
    graph = nx.Graph()
    graph.add_edges_from(zip(a.tolist(), b.tolist(), strict=True))
    gas_rows = [r for r in chosen if categories[r] == "gas"][:50]
    t0 = time.perf_counter()
    for row in gas_rows:
        seg, _ = gas_net.nearest_segment(shapely.Point(x[row], y[row]))
        nodes = nx.node_connected_component(graph, int(a[seg]))
        assert len(nodes) >= 2
    nx_ms = (time.perf_counter() - t0) * 1000.0 / len(gas_rows)
    t0 = time.perf_counter()
    for row in gas_rows:
        seg, _ = gas_net.nearest_segment(shapely.Point(x[row], y[row]))
        assert len(gas_net.section_segments(int(gas_net.section_of[seg]))) >= 1
    sp_ms = (time.perf_counter() - t0) * 1000.0 / len(gas_rows)
    print(f"isolation section (nearest segment + its section): networkx BFS per trace {nx_ms:.3f} ms, "
          f"the scipy labels made once {sp_ms:.3f} ms (x{nx_ms / max(sp_ms, 1e-9):.1f}); the whole trace step "
          f"(valves, what else goes dry, facilities) {np.median(timings['trace']):.2f} ms")
    road_graph = nx.Graph()
    for u, v, w in zip(roads.start.tolist(), roads.end.tolist(), roads.length_m.tolist(), strict=True):
        road_graph.add_edge(u, v, weight=w)
    t0 = time.perf_counter()
    for row in gas_rows[:20]:
        origin = roads.access([shapely.Point(x[row], y[row])])[0]
        nx.single_source_dijkstra_path_length(road_graph, int(roads.start[origin.stretch]))
    nx_road = (time.perf_counter() - t0) * 1000.0 / 20
    print(f"road distances by networkx Dijkstra (one source): {nx_road:.2f} ms; the whole scipy resources step: "
          f"{np.median(timings['resources']):.2f} ms (x{nx_road / max(np.median(timings['resources']), 1e-9):.1f})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
