"""A journal with an alarm and an incident made by the real pipeline, and the sensor layer file to go with it.

The sensors stand in Wuhan (lon/lat below, the table in the display CRS as the
console keeps it). Levels (FLOOD_RULES): depth IV 15 / III 27 / II 40 / I 50.

    alarm 1  WLG-1  IV at 03:00, escalated to II at 03:10, returned at 03:40 (Alert, Update, Cancel)
    alarm 2  WLG-2  III at 03:05 (joins WLG-1's incident: 300 m away), still active
    alarm 3  WLG-3  IV at 03:06 (same incident), still active
    alarm 4  GAS-1  II at 03:20, alone in its incident, still active
"""

from __future__ import annotations

import json

from console.geo.crs import to_display
from console.model.journal import Journal
from console.model.pipeline import Pipeline
from console.model.sensors import SensorTable
from tests.model.helpers import FLOOD_RULES, MINUTE, T0, batch, rules

T3 = T0 - 5 * 60 * MINUTE  # 2026-07-21 03:00 in Shanghai (T0 is 08:00 there)
# The waterlogging sites share a district: incidents group by family and district.
SITES = {  # id: (quantity, category, lon, lat, district, name, unit)
    "WLG-1": ("depth", "waterlogging", 114.3000, 30.6000, "江岸区", "解放大道积水点", "cm"),
    "WLG-2": ("depth", "waterlogging", 114.3030, 30.6010, "江岸区", "黄浦路积水点", "cm"),
    "WLG-3": ("depth", "waterlogging", 114.3010, 30.6030, "江岸区", "新华路积水点", "cm"),
    "GAS-1": ("gas_lel", "gas", 114.2000, 30.5500, "武昌区", "中北路燃气井", "%LEL"),
}


def at(minute: float) -> int:
    return T3 + round(minute * MINUTE)


def sensor_table() -> SensorTable:
    ids = list(SITES)
    x, y = to_display([s[2] for s in SITES.values()], [s[3] for s in SITES.values()], "EPSG:4326")
    return SensorTable(ids, [s[0] for s in SITES.values()], [s[1] for s in SITES.values()],
                       names=[s[5] for s in SITES.values()], units=[s[6] for s in SITES.values()],
                       districts=[s[4] for s in SITES.values()],
                       owners=["排水公司" if s[1] != "gas" else "燃气公司" for s in SITES.values()],
                       x=x, y=y, source="cap export sensors")


def write_sensor_file(path) -> None:
    """The same sensors as a GeoJSON point layer (what --sensors reads)."""
    features = [{"type": "Feature", "geometry": {"type": "Point", "coordinates": [lon, lat]},
                 "properties": {"id": sensor, "name": name, "category": category, "quantity": quantity, "unit": unit,
                                "district": district, "owner": "排水公司" if category != "gas" else "燃气公司"}}
                for sensor, (quantity, category, lon, lat, district, name, unit) in SITES.items()]
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False),
                    encoding="utf-8")


def make_journal(path, *, drill: bool = False):
    """The journal described above; returns the pipeline's book (closed) for its ids."""
    journal = Journal(path, synchronous="NORMAL", commit_interval_s=0)
    if drill:
        journal.set_meta(drill="1")
    pipeline = Pipeline(sensor_table(), rules(FLOOD_RULES), journal=journal)

    def readings(*items):
        pipeline.process(batch([(sensor, at(minute), value) for sensor, minute, value in items]), "cap.jsonl")

    readings(("WLG-1", 0, 20.0))
    readings(("WLG-2", 5, 30.0))
    readings(("WLG-3", 6, 16.0))
    readings(("WLG-1", 10, 45.0))
    readings(("GAS-1", 20, 30.0))
    readings(("WLG-1", 40, 5.0))
    book = pipeline.book
    pipeline.close()
    return book
