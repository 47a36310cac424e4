"""Shared pieces of the live-console UI tests: a small real sensor layer and reading batches."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import shapely

from console.model.layer import GeometryKind, VectorLayer
from console.model.readings import ReadingBatch

T0 = 1_784_592_000_000  # 2026-07-21T00:00:00Z
MINUTE = 60_000
ORIGIN = (12_720_000.0, 3_570_000.0)  # Web Mercator, central China

# Gas sensors in a row 2 km apart, each in its own district (each its own incident); waterlogging
# sensors in a 200 m cluster of one district (one incident).
GAS_IDS = [f"GAS-{i:05d}" for i in range(1, 7)]
FLOOD_IDS = [f"WLG-{i:05d}" for i in range(1, 6)]
DISTRICTS = ["江北区", "滨江区", "西城区", "东湖区", "南湖区", "北湖区"]


def sensor_layer() -> VectorLayer:
    x0, y0 = ORIGIN
    xy = [(x0 + 2_000 * i, y0) for i in range(len(GAS_IDS))]
    xy += [(x0 + 4_000 + 50 * i, y0 + 3_000 + 30 * (i % 2)) for i in range(len(FLOOD_IDS))]
    n_gas, n_flood = len(GAS_IDS), len(FLOOD_IDS)
    frame = gpd.GeoDataFrame(
        {
            "id": GAS_IDS + FLOOD_IDS,
            "name": [f"燃气井{i}" for i in range(1, n_gas + 1)] + [f"下穿通道{i}" for i in range(1, n_flood + 1)],
            "name_en": [f"Gas pit {i}" for i in range(1, n_gas + 1)] + [f"Underpass {i}" for i in range(1, n_flood + 1)],
            "category": ["gas"] * n_gas + ["waterlogging"] * n_flood,
            "quantity": ["gas_lel"] * n_gas + ["depth"] * n_flood,
            "unit": ["%LEL"] * n_gas + ["cm"] * n_flood,
            "district": DISTRICTS + ["金桥区"] * n_flood,
            "owner": ["市燃气集团"] * n_gas + ["金桥区排水所"] * n_flood,
        },
        geometry=shapely.points(np.array(xy)),
        crs="EPSG:3857",
    )
    return VectorLayer("sensors", GeometryKind.POINT, frame, "sensors.test", "EPSG:3857", title="Sensors",
                       title_zh="监测点", is_sensor_layer=True)


CONFIRM_BEFORE_MS = 30_000


def confirmed(pairs, t_ms: int = T0) -> ReadingBatch:
    """``pairs`` read at ``t_ms`` and 30 s before: the default rules raise a level at its second reading."""
    return ReadingBatch.concat([readings(pairs, t_ms - CONFIRM_BEFORE_MS), readings(pairs, t_ms)])


def readings(pairs, t_ms: int = T0) -> ReadingBatch:
    """``pairs``: (sensor id, value) all read at ``t_ms``."""
    n = len(pairs)
    return ReadingBatch(
        sensor=np.array([p[0] for p in pairs], dtype=object),
        t_ms=np.full(n, t_ms, dtype=np.int64),
        value=np.array([p[1] for p in pairs], dtype=np.float64),
        quality=np.zeros(n, dtype=np.uint8),
    )


def live_window(qtbot, tmp_path, size=(1200, 800)):
    """A shown window on the test sensor layer, live, with its journal and an operator on duty."""
    from console.ui.main_window import MainWindow

    window = MainWindow()
    qtbot.addWidget(window)
    window.resize(*size)
    window.open_journal(tmp_path / "live.sqlite")
    window.set_operator("王敏")
    window.canvas.renderer.add_layer(sensor_layer())
    window.start_live()
    window.show()
    return window
