"""SensorThings polling: observations/s from a local service into ReadingBatch columns, beside references.

The service (``tests/feeds/sta_service.py``, the one the tests use) runs in a child
process, its own interpreter as a real server would be, holding ``--observations``
observations over 1,000 Datastreams, several sharing each time. Measured in the same run:

1. reference: bare httpx GETs of the same query along ``@iot.nextLink`` with
   ``json.loads`` of each page and nothing else (what the HTTP and the service cost).
   The first walk has the service render every page; it keeps them, so the second
   walk and the adapter's measure the client side, not the test service's Python;
2. the adapter: from start until the last reading was drained from ``poll()``
   (discovery done beforehand, as ``console serve`` hands it over); pages of 1,000;
3. the page parser alone (``parse_observations`` + the resume cursor) on the same pages in memory.

    python bench/bench_sensorthings.py
    python bench/bench_sensorthings.py --observations 50000
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

DATASTREAMS = 1000
PAGE = 1000


def serve(observations: int) -> None:
    """The child: a service with the bench's content; prints its root URL, then serves until stdin closes."""
    from console.feeds.timefmt import format_time
    from tests.feeds.sta_service import StaService

    service = StaService(max_top=PAGE, cache_answers=True)
    for n in range(1, DATASTREAMS + 1):
        service.add_thing(n, f"Station {n}", 114.0 + n / 1000, 30.0, {"category": "rainfall"})
        service.add_datastream(n, n, f"RG-{n}", "rain_1h", "mm")
    t0 = 1_784_574_000_000
    seconds = observations // 200 + 1  # 200 observations share each second
    texts = [format_time(t0 + s * 1000, 0) for s in range(seconds)]
    service.add_observations((oid, oid % DATASTREAMS + 1, t0 + (oid // 200) * 1000, texts[oid // 200], oid * 0.01,
                              {"resultQuality": "good"}) for oid in range(observations))
    service.start()
    print(service.root, flush=True)
    sys.stdin.read()
    service.stop()


def raw_walk(root: str, since_ms: int) -> tuple[int, float, list]:
    """Reference: the same pages with bare httpx and json.loads; returns (observations, seconds, pages)."""
    import httpx

    from console.feeds.sensorthings.polling import ObservationCursor

    pages = []
    started = time.perf_counter()
    with httpx.Client() as client:
        response = client.get(f"{root}/Observations", params=ObservationCursor(since_ms).query(PAGE))
        while True:
            document = json.loads(response.content)
            pages.append(document["value"])
            link = document.get("@iot.nextLink")
            if link is None:
                break
            response = client.get(link)
    return sum(len(p) for p in pages), time.perf_counter() - started, pages


def adapter_run(root: str, since_ms: int, expected: int) -> tuple[int, float]:
    from console.feeds.sensorthings.adapter import SensorThingsFeedAdapter
    from console.feeds.sensorthings.catalog import discover
    from console.feeds.sensorthings.client import ServiceClient
    from console.model.readings import ReadingBatch

    with ServiceClient(root, "bench") as client:
        discovery = discover(client)
    adapter = SensorThingsFeedAdapter("bench", url=root, poll_s=0.05, page_size=PAGE, since_ms=since_ms,
                                      discovery=discovery, max_pages_per_poll=1000)
    drained = 0
    started = time.perf_counter()
    adapter.start()
    deadline = time.monotonic() + 600
    while drained < expected and time.monotonic() < deadline:
        for event in adapter.poll():
            if isinstance(event, ReadingBatch):
                drained += len(event)
        time.sleep(0.002)
    elapsed = time.perf_counter() - started
    adapter.stop()
    return drained, elapsed


def parse_only(pages: list, since_ms: int) -> tuple[int, float]:
    from console.feeds.sensorthings.entities import parse_observations
    from console.feeds.sensorthings.polling import ObservationCursor

    cursor = ObservationCursor(since_ms)
    cursor.query(PAGE)
    taken = 0
    started = time.perf_counter()
    for values in pages:
        columns = parse_observations(values)
        taken += int(cursor.fresh(columns).sum())
    return taken, time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--observations", type=int, default=200_000)
    parser.add_argument("--serve", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve is not None:
        serve(args.serve)
        return 0
    child = subprocess.Popen([sys.executable, __file__, "--serve", str(args.observations)], stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, text=True, cwd=REPO)
    try:
        root = child.stdout.readline().strip()
        if not root.startswith("http://"):
            print(f"the service did not start: {root!r}")
            return 1
        since_ms = 1_784_574_000_000
        n = args.observations
        print(f"{n:,} observations over {DATASTREAMS:,} Datastreams, pages of {PAGE:,}, service in a child process")
        count, seconds, pages = raw_walk(root, since_ms)
        print(f"first walk, the service rendering each page (bare httpx GET + json.loads): {count:,} in "
              f"{seconds:.2f} s = {count / seconds:,.0f} observations/s")
        count, seconds, pages = raw_walk(root, since_ms)
        print(f"reference, bare httpx GET + json.loads along @iot.nextLink, pages kept by the service: {count:,} in "
              f"{seconds:.2f} s = {count / seconds:,.0f} observations/s")
        drained, seconds = adapter_run(root, since_ms, n)
        print(f"adapter, start to last reading drained from poll(): {drained:,} in {seconds:.2f} s = "
              f"{drained / seconds:,.0f} observations/s (target >= 50,000)")
        taken, seconds = parse_only(pages, since_ms)
        print(f"page parser and resume cursor alone, same pages in memory: {taken:,} in {seconds:.2f} s = "
              f"{taken / seconds:,.0f} observations/s")
    finally:
        child.stdin.close()
        child.wait(30)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
