"""Alarms inside an active CAP warning's area group by that area, across districts (the engine sets the areas)."""

from __future__ import annotations

import numpy as np

from console.engine import Engine
from console.feeds.cap_adapter import CapFeedAdapter
from console.geo.crs import to_display
from console.model.pipeline import Pipeline
from console.model.readings import ReadingBatch
from console.model.sensors import SensorTable
from tests.engine.test_engine import wait_until
from tests.engine.test_engine_warnings import T_SENT, Clock, warning

# Lon/lat: two waterlogging sensors of two districts inside the warning's triangle (114.2-114.3 E,
# 30.6-30.7 N), one outside it in the first district.
SENSORS = [("WLG-1", 114.22, 30.66, "江岸区"), ("WLG-2", 114.23, 30.69, "江汉区"), ("WLG-3", 114.60, 30.65, "江岸区")]


def table() -> SensorTable:
    lon = np.array([s[1] for s in SENSORS])
    lat = np.array([s[2] for s in SENSORS])
    x, y = to_display(lon, lat, "EPSG:4326")
    n = len(SENSORS)
    return SensorTable([s[0] for s in SENSORS], ["depth"] * n, ["waterlogging"] * n,
                       districts=[s[3] for s in SENSORS], owners=["排水公司"] * n, x=x, y=y)


def reading(sensors, t_ms, value) -> ReadingBatch:
    n = len(sensors)
    return ReadingBatch(np.array(sensors, dtype=object), np.full(n, t_ms, np.int64), np.full(n, value),
                        np.zeros(n, np.uint8))


def test_alarms_inside_an_active_warning_form_one_incident_across_districts(tmp_path):
    folder = tmp_path / "cap"
    folder.mkdir()
    clock = Clock(T_SENT + 60_000)
    pipeline = Pipeline(table(), None)
    engine = Engine(pipeline, [CapFeedAdapter("met", path=folder, poll_s=0.02)], clock_ms=clock)
    engine.start()
    try:
        (folder / "1.xml").write_text(warning("A-1", T_SENT), encoding="utf-8")

        def stepped():
            engine.step()
            return len(engine.warnings.active) == 1
        wait_until(stepped)
        sensors = [s[0] for s in SENSORS]
        t = T_SENT + 120_000
        for at in (t - 30_000, t):  # the default rules confirm a level at its second reading
            pipeline.process(reading(sensors, at, 45.0), "test", at)
        incident = {a.sensor_id: a.incident_id for a in pipeline.book.alarms.values()}
        assert incident["WLG-1"] == incident["WLG-2"] != incident["WLG-3"]
        inside = pipeline.book.incidents[incident["WLG-1"]]
        assert inside.area == "warning:" + engine.warnings.active[0].id
        assert inside.districts == ["江岸区", "江汉区"]
        assert pipeline.book.incidents[incident["WLG-3"]].area == "district:江岸区"
    finally:
        engine.stop()
