"""A small sensor layer for feed tests: every quantity of docs/sensors.md, on a few assets."""

from __future__ import annotations

import numpy as np

# (prefix, category, quantity, unit, count, assets)
KINDS = [
    ("GAS", "gas", "gas_lel", "%LEL", 12, ("GM-001", "GM-002")),
    ("GP", "gas", "gas_pressure", "MPa", 4, ("GM-001", "GM-002")),
    ("WP", "water_supply", "water_pressure", "MPa", 4, ("WM-001",)),
    ("DR", "drainage", "pipe_fill", "%", 6, ("DL-001", "DL-002")),
    ("BS", "bridge", "strain", "µε", 3, ("BR-01",)),
    ("BD", "bridge", "deflection", "mm", 2, ("BR-01",)),
    ("HT", "heating", "heating_pressure", "MPa", 3, ("HM-001",)),
    ("PW", "power", "cable_temperature", "°C", 3, ("PC-001",)),
    ("UT", "utility_tunnel", "tunnel_ch4", "%LEL", 3, ("UT-01",)),
    ("UO", "utility_tunnel", "tunnel_o2", "%vol", 3, ("UT-01",)),
    ("RG", "rainfall", "rain_1h", "mm", 6, ("",)),
    ("WL", "water_level", "river_level", "m", 3, ("RV-01",)),
    ("WLG", "waterlogging", "depth", "cm", 5, ("",)),
    ("HZT", "hazmat", "tank_temperature", "°C", 3, ("TK-01", "TK-02", "TK-03")),
    ("HZP", "hazmat", "tank_pressure", "MPa", 3, ("TK-01", "TK-02", "TK-03")),
    ("HZG", "hazmat", "hazmat_lel", "%LEL", 2, ("SITE-1",)),
]


def sensor_frame(seed: int = 5, scale: float = 1.0):
    """A GeoDataFrame (EPSG:4326) of about 70 sensors (times ``scale``) in a 10 km x 8 km city near 114.3E 30.6N."""
    import geopandas as gpd

    rng = np.random.default_rng(seed)
    rows = []
    for prefix, category, quantity, unit, count, assets in KINDS:
        for i in range(max(1, round(count * scale))):
            asset = assets[i % len(assets)]
            if quantity in ("gas_lel", "gas_pressure"):
                # Sensors along two east-west gas mains, 150-250 m apart.
                main = int(asset[-1]) - 1
                lon = 114.26 + 0.0018 * (i // 2) + rng.uniform(0, 0.0003)
                lat = 30.58 + 0.02 * main + rng.uniform(-0.0002, 0.0002)
            elif category == "hazmat":
                lon, lat = 114.33 + 0.0008 * (i % 3), 30.62 + 0.0005 * (i % 2)
            elif category == "bridge":
                lon, lat = 114.30 + 0.0004 * i, 30.60
            else:
                lon, lat = rng.uniform(114.25, 114.35), rng.uniform(30.56, 30.63)
            record = {
                "id": f"{prefix}-{i + 1:05d}", "name": f"{quantity} {i + 1}", "name_en": f"{quantity} {i + 1}",
                "category": category, "quantity": quantity, "unit": unit, "district": "Centre",
                "owner": "City utility", "asset": asset, "lon": lon, "lat": lat,
                "th_iv": np.nan, "th_iii": np.nan, "th_ii": np.nan, "th_i": np.nan,
            }
            if quantity == "river_level":
                warning = 24.0 + i
                record.update(th_iv=warning - 0.5, th_iii=warning, th_ii=warning + 1.2, th_i=warning + 1.5)
            rows.append(record)
    frame = gpd.GeoDataFrame(rows, geometry=gpd.points_from_xy([r["lon"] for r in rows], [r["lat"] for r in rows]),
                             crs="EPSG:4326")
    return frame.drop(columns=["lon", "lat"])
