"""An impact result as files: CSV (one row per item) and GeoJSON (longitude/latitude, RFC 7946)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np

from console.impact.ground import lonlat, scale
from console.impact.result import ImpactResult

__all__ = ["CSV_COLUMNS", "geojson", "write_csv", "write_geojson"]

CSV_COLUMNS = ["item", "id", "kind", "name", "distance_m", "people", "capacity", "road_m", "minutes",
               "cut_off", "lon", "lat"]


def _lonlat(x, y) -> tuple[float, float]:
    lon, lat = lonlat(x, y)
    return round(float(lon), 7), round(float(lat), 7)


def _rows(result: ImpactResult) -> list[dict]:
    def r1(value):
        return "" if value is None else round(float(value), 1)

    lon, lat = _lonlat(result.x, result.y)
    rows = [{"item": "sensor", "id": result.sensor, "kind": result.category, "name": result.sensor_name,
             "distance_m": r1(result.radius_m), "people": result.people, "lon": lon, "lat": lat}]
    for f in result.facilities:
        rows.append({"item": "facility", "id": f.id, "kind": f.kind, "name": f.name, "distance_m": r1(f.distance_m),
                     "people": f.people, "cut_off": int(f.cut_off), **dict(zip(("lon", "lat"), _lonlat(f.x, f.y),
                                                                             strict=True))})
    for v in result.valves:
        rows.append({"item": "valve", "id": v.id, "kind": result.network, "distance_m": r1(v.distance_m),
                     **dict(zip(("lon", "lat"), _lonlat(v.x, v.y), strict=True))})
    for s in result.segments:
        mid = s.xy[len(s.xy) // 2]
        rows.append({"item": "segment" if s.in_section else "segment_beyond", "id": s.pipe_id, "kind": result.network,
                     "name": s.road, "distance_m": r1(s.length_m), "cut_off": 1,
                     **dict(zip(("lon", "lat"), _lonlat(*mid), strict=True))})
    for f in result.cut_off_facilities:
        rows.append({"item": "cut_off_facility", "id": f.id, "kind": f.kind, "name": f.name,
                     "distance_m": r1(f.distance_m), "people": f.people, "cut_off": 1,
                     **dict(zip(("lon", "lat"), _lonlat(f.x, f.y), strict=True))})
    for r in result.resources:
        rows.append({"item": "resource", "id": r.id, "kind": r.kind, "name": r.name, "distance_m": r1(r.straight_m),
                     "capacity": r1(r.capacity), "road_m": r1(r.road_m), "minutes": r1(r.minutes),
                     **dict(zip(("lon", "lat"), _lonlat(r.x, r.y), strict=True))})
    for n in result.notes:
        rows.append({"item": "note", "id": n.code, "name": n.en})
    return rows


def write_csv(result: ImpactResult, path) -> Path:
    """UTF-8 with a byte-order mark, so a spreadsheet opens the Chinese names right."""
    path = Path(path)
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=CSV_COLUMNS, extrasaction="ignore")
        writer.writeheader()
        for row in _rows(result):
            writer.writerow({k: row.get(k, "") for k in CSV_COLUMNS})
    return path


def _circle(x: float, y: float, radius_m: float, n: int = 72) -> list:
    r = radius_m / float(scale(y))
    t = np.linspace(0.0, 2.0 * np.pi, n + 1)
    lon, lat = lonlat(x + r * np.cos(t), y + r * np.sin(t))
    ring = [[round(float(a), 7), round(float(b), 7)] for a, b in zip(lon, lat, strict=True)]
    ring[-1] = ring[0]
    return ring


def _line(xy: np.ndarray) -> list:
    lon, lat = lonlat(xy[:, 0], xy[:, 1])
    return [[round(float(a), 7), round(float(b), 7)] for a, b in zip(lon, lat, strict=True)]


def geojson(result: ImpactResult) -> dict:
    """The result as a GeoJSON FeatureCollection; ``properties.item`` says what each feature is."""
    features = [{"type": "Feature", "geometry": {"type": "Polygon", "coordinates": [_circle(result.x, result.y,
                                                                                           result.radius_m)]},
                 "properties": {"item": "radius", "sensor": result.sensor, "radius_m": result.radius_m,
                                "source": result.radius_source, "people": result.people}}]
    if result.isolation_m:
        features.append({"type": "Feature", "geometry": {"type": "Polygon", "coordinates": [
            _circle(result.x, result.y, result.isolation_m)]},
            "properties": {"item": "isolation", "radius_m": result.isolation_m, "substance": result.substance}})
    for row in _rows(result):
        if row["item"] in ("segment", "segment_beyond", "note"):
            continue
        props = {k: v for k, v in row.items() if k not in ("lon", "lat") and v != ""}
        features.append({"type": "Feature", "geometry": {"type": "Point", "coordinates": [row["lon"], row["lat"]]},
                         "properties": props})
    for s in result.segments:
        features.append({"type": "Feature", "geometry": {"type": "LineString", "coordinates": _line(s.xy)},
                         "properties": {"item": "segment" if s.in_section else "segment_beyond", "id": s.pipe_id,
                                        "road": s.road, "length_m": round(s.length_m, 1)}})
    for r in result.resources:
        if r.route is not None:
            features.append({"type": "Feature", "geometry": {"type": "LineString", "coordinates": _line(r.route)},
                             "properties": {"item": "route", "id": r.id, "kind": r.kind, "name": r.name,
                                            "road_m": round(r.road_m, 1), "minutes": round(r.minutes, 1)}})
    return {"type": "FeatureCollection", "features": features,
            "notes": [{"code": n.code, "en": n.en, "zh": n.zh} for n in result.notes]}


def write_geojson(result: ImpactResult, path) -> Path:
    path = Path(path)
    path.write_text(json.dumps(geojson(result), ensure_ascii=False, indent=1), encoding="utf-8")
    return path

