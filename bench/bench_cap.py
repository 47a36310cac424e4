"""CAP alerts parsed and validated per second, against the bare XML parse of the same documents.

The documents are the 16 real CAP samples in ../shared/realdata/cap (the SMHI
wrapper counts as its 17 alerts), plus a generated Chinese alert with a polygon
and a circle; the figure is alerts per second through ``console.cap.parse_alerts``
(defusedxml, limits, validation, normalisation, shapely areas). The same-run
references: ``defusedxml.ElementTree.fromstring`` and the standard library's
``xml.etree.ElementTree.fromstring`` on the same bytes, which only build the tree.

Run: .venv/bin/python bench/bench_cap.py
"""

from __future__ import annotations

import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import defusedxml.ElementTree as DET

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from console.cap import parse_alerts  # noqa: E402
from tests.cap.helpers import alert_xml, info_xml  # noqa: E402

REALDATA = REPO.parent / "shared" / "realdata" / "cap"
ROUNDS = 60
TARGET_PER_S = 1000


def documents() -> list[bytes]:
    area = ("<area><areaDesc>江岸区</areaDesc><polygon>30.6,114.2 30.7,114.2 30.7,114.3 30.6,114.3 30.6,114.2"
            "</polygon><circle>30.6,114.3 5</circle><geocode><valueName>adcode</valueName><value>420102</value>"
            "</geocode></area>")
    docs = [alert_xml(info_xml(area=area)).encode()]
    if REALDATA.is_dir():
        docs += [p.read_bytes() for p in sorted(REALDATA.iterdir())]
    else:
        print(f"(no real samples at {REALDATA}: the generated alert only)")
    return docs


def rate(fn, docs, alerts_per_round: int) -> float:
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        for _ in range(ROUNDS):
            for doc in docs:
                fn(doc)
        best = min(best, time.perf_counter() - start)
    return alerts_per_round * ROUNDS / best


def main() -> int:
    docs = documents()
    alerts = sum(len(parse_alerts(d, "bench")) for d in docs)
    kb = sum(map(len, docs)) / 1024
    print(f"{len(docs)} documents, {alerts} alerts, {kb:.0f} KiB, {ROUNDS} rounds, best of 3")
    ours = rate(lambda d: parse_alerts(d, "bench"), docs, alerts)
    defused = rate(DET.fromstring, docs, alerts)
    stdlib = rate(ET.fromstring, docs, alerts)
    print(f"console.cap.parse_alerts (parse + validate + normalise): {ours:10,.0f} alerts/s")
    print(f"defusedxml.ElementTree.fromstring (tree only, reference): {defused:10,.0f} alerts/s")
    print(f"xml.etree.ElementTree.fromstring (tree only, reference):  {stdlib:10,.0f} alerts/s")
    print(f"cost over the bare defusedxml parse: x{defused / ours:.1f}; target >= {TARGET_PER_S:,} alerts/s: "
          f"{'met' if ours >= TARGET_PER_S else 'MISSED'}")
    return 0 if ours >= TARGET_PER_S else 1


if __name__ == "__main__":
    sys.exit(main())
