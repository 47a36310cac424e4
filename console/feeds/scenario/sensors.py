"""The sensors a scenario drives: columns taken from a sensor layer, plus what is normal for each quantity.

Thresholds and normal ranges follow docs/sensors.md; a layer's ``th_iv..th_i``
fields override the thresholds per sensor (river gauges carry their own).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from console.errors import InputError

THRESHOLD_FIELDS = ("th_iv", "th_iii", "th_ii", "th_i")


@dataclass(frozen=True)
class QuantitySpec:
    """How a quantity behaves when nothing happens, and where its levels start.

    ``base`` is the range a sensor's own steady value is drawn from; ``diurnal``
    the amplitude of the daily swing (peaking at ``peak_hour`` local time);
    ``noise_sd`` the measurement noise; values are clipped at ``floor``.
    """

    direction: str
    levels: tuple[float, float, float, float]  # IV, III, II, I
    base: tuple[float, float]
    diurnal: float
    peak_hour: float
    noise_sd: float
    decimals: int
    floor: float = -np.inf


NAN4 = (np.nan, np.nan, np.nan, np.nan)

QUANTITIES: dict[str, QuantitySpec] = {
    "gas_lel": QuantitySpec("high", (5, 10, 25, 50), (0.1, 0.6), 0.0, 0, 0.12, 1, 0.0),
    "gas_pressure": QuantitySpec("low", (0.25, 0.22, 0.18, 0.15), (0.295, 0.305), -0.004, 19, 0.0015, 3),
    "water_pressure": QuantitySpec("low", (0.25, 0.20, 0.16, 0.12), (0.315, 0.33), -0.012, 8, 0.003, 3),
    "pipe_fill": QuantitySpec("high", (85, 95, 100, 120), (30, 48), 6.0, 8, 1.5, 0, 0.0),
    "strain": QuantitySpec("high", (600, 800, 1000, 1200), (150, 240), 25.0, 18, 12.0, 0),
    "deflection": QuantitySpec("high", (30, 45, 60, 80), (2, 6), 1.5, 18, 0.4, 1, 0.0),
    "heating_pressure": QuantitySpec("low", (0.65, 0.55, 0.45, 0.35), (0.79, 0.81), -0.01, 7, 0.004, 3),
    "cable_temperature": QuantitySpec("high", (70, 80, 90, 105), (38, 44), 4.0, 20, 0.3, 1),
    "tunnel_ch4": QuantitySpec("high", (10, 15, 20, 25), (0.05, 0.5), 0.0, 0, 0.1, 1, 0.0),
    "tunnel_o2": QuantitySpec("low", (19.5, 19.0, 18.0, 17.0), (20.85, 20.95), 0.0, 0, 0.04, 1),
    "rain_1h": QuantitySpec("high", (20, 30, 50, 70), (0, 0), 0.0, 0, 0.0, 1, 0.0),
    "river_level": QuantitySpec("high", NAN4, (0, 0), 0.0, 0, 0.01, 2),
    "depth": QuantitySpec("high", (15, 27, 40, 50), (0, 0), 0.0, 0, 0.0, 1, 0.0),
    "tank_temperature": QuantitySpec("high", (40, 50, 60, 70), (23, 27), 2.0, 15, 0.15, 1),
    "tank_pressure": QuantitySpec("high", (0.65, 0.75, 0.85, 0.95), (0.49, 0.51), 0.006, 15, 0.003, 3),
    "hazmat_lel": QuantitySpec("high", (10, 20, 25, 50), (0.05, 0.5), 0.0, 0, 0.1, 1, 0.0),
}

# Sensors whose readings rain gauges style come every 5 minutes instead of every minute.
FIVE_MINUTE_QUANTITIES = ("rain_1h",)


@dataclass
class SensorSet:
    """Sensors as columns.

    Attributes
    ----------
    ids, quantity, category, asset, district : ndarray of str (object)
    x_m, y_m : ndarray of float64
        Ground coordinates in metres (a local frame: distances are true distances).
    levels : ndarray of float64, shape (n, 4)
        Thresholds IV..I per sensor (NaN: none).
    high : ndarray of bool
        Direction: True when a rising value is the danger.
    """

    ids: np.ndarray
    quantity: np.ndarray
    category: np.ndarray
    asset: np.ndarray
    district: np.ndarray
    x_m: np.ndarray
    y_m: np.ndarray
    levels: np.ndarray
    high: np.ndarray

    def __len__(self) -> int:
        return len(self.ids)

    def rows(self, *quantities: str) -> np.ndarray:
        """Row indices of sensors measuring any of ``quantities``."""
        return np.flatnonzero(np.isin(self.quantity, quantities))

    def distance_m(self, row: int, rows: np.ndarray) -> np.ndarray:
        return np.hypot(self.x_m[rows] - self.x_m[row], self.y_m[rows] - self.y_m[row])

    @classmethod
    def from_frame(cls, frame, source: str = "sensors") -> SensorSet:
        """From a GeoDataFrame of sensor points (any CRS) with the docs/sensors.md fields."""
        for name in ("id", "category", "quantity"):
            if name not in frame.columns:
                raise InputError(source, f"sensor layer lacks the field {name!r}")
        if frame.crs is None:
            raise InputError(source, "sensor layer has no CRS; cannot measure distances")
        n = len(frame)
        if frame.crs.is_geographic or frame.crs.to_epsg() != 3857:
            frame = frame.to_crs(3857)
        x = frame.geometry.x.to_numpy(dtype=np.float64)
        y = frame.geometry.y.to_numpy(dtype=np.float64)
        # Web Mercator stretches lengths by 1/cos(latitude): shrink back to ground metres.
        lat = np.degrees(2 * np.arctan(np.exp(np.nanmean(y) / 6378137.0)) - np.pi / 2) if n else 0.0
        scale = np.cos(np.radians(lat))

        def text(name: str) -> np.ndarray:
            if name not in frame.columns:
                return np.full(n, "", dtype=object)
            return np.array(["" if v is None or (isinstance(v, float) and np.isnan(v)) else str(v)
                             for v in frame[name].tolist()], dtype=object)

        quantity = text("quantity")
        levels = np.full((n, 4), np.nan)
        high = np.ones(n, dtype=bool)
        for q, spec in QUANTITIES.items():
            rows = quantity == q
            levels[rows] = spec.levels
            high[rows] = spec.direction == "high"
        for k, name in enumerate(THRESHOLD_FIELDS):
            if name in frame.columns:
                override = np.asarray(frame[name].to_numpy(), dtype=np.float64)
                levels[:, k] = np.where(np.isfinite(override), override, levels[:, k])
        return cls(
            ids=text("id"), quantity=quantity, category=text("category"), asset=text("asset"),
            district=text("district"), x_m=x * scale, y_m=y * scale, levels=levels, high=high,
        )

    @classmethod
    def from_layers(cls, layers) -> SensorSet:
        """From the sensor layers (``is_sensor_layer``) of a loaded catalog."""
        import pandas as pd

        frames = [layer.frame for layer in layers if getattr(layer, "is_sensor_layer", False)]
        if not frames:
            raise InputError("catalog", "the catalog has no sensor layer (a layer with sensors = true)")
        frame = frames[0] if len(frames) == 1 else pd.concat(frames, ignore_index=True)
        return cls.from_frame(frame, "catalog")


def load_sensors(catalog: str | Path | None = None, sensor_files: list[str | Path] | None = None) -> SensorSet:
    """Sensors from a layer catalog (its sensor layers) or from sensor layer files."""
    if sensor_files:
        import geopandas as gpd
        import pandas as pd

        frames = []
        for path in sensor_files:
            if not Path(path).is_file():
                raise InputError(path, "no such sensor layer file")
            frames.append(gpd.read_file(path))
        frame = frames[0] if len(frames) == 1 else gpd.GeoDataFrame(pd.concat(frames, ignore_index=True))
        return SensorSet.from_frame(frame, str(sensor_files[0]))
    if catalog is None:
        raise InputError("scenario", "give a catalog (--catalog) or sensor layer files (--sensors)")
    if not Path(catalog).is_file():
        raise InputError(catalog, "no such catalog file")
    from console.geo.catalog import load_catalog

    return SensorSet.from_layers(load_catalog(catalog).load_layers())
