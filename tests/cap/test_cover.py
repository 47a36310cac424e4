"""Which sensors lie inside which warning areas, and the warning in force as plain data."""

from __future__ import annotations

import pickle

import numpy as np
import shapely

from console.cap import active_warning, parse_alert
from console.cap.cover import WarningCover, display_area
from console.geo.crs import to_display
from tests.cap.helpers import alert_xml, info_xml

SQUARE = "<area><areaDesc>江岸区</areaDesc><polygon>30.6,114.2 30.6,114.3 30.7,114.3 30.7,114.2 30.6,114.2</polygon></area>"
CIRCLE = "<area><areaDesc>汉口站周边</areaDesc><circle>30.62,114.25 2</circle></area>"


def warning(identifier: str, area: str, **info):
    return active_warning(parse_alert(alert_xml(info_xml(area=area, **info), identifier=identifier)), "met")


def test_an_active_warning_is_plain_picklable_data_with_its_area():
    w = warning("A", SQUARE + CIRCLE)
    assert pickle.loads(pickle.dumps(w)) == w
    assert (w.id, w.level, w.area_desc, w.source) == ("warning@wuhan.example.cn,A", 2, "江岸区; 汉口站周边", "met")
    assert w.bounds[0] == 114.2 and w.bounds[2] == 114.3
    assert w.area().contains(shapely.Point(114.25, 30.65))
    json = w.to_json()
    assert json["expires"] == "2026-07-21T07:15:00Z" and json["level"] == 2
    assert active_warning(parse_alert(alert_xml(info_xml(area="<area><areaDesc>全市</areaDesc></area>"))),
                          "met").area_wkb is None


def test_the_cover_finds_the_sensors_inside_each_area():
    square, circle = warning("SQ", SQUARE), warning("CI", CIRCLE, headline="暴雨红色预警")
    lon = np.array([114.25, 114.25, 114.35, 114.21])
    lat = np.array([30.65, 30.62, 30.65, 30.61])
    x, y = to_display(lon, lat, "EPSG:4326")
    ids = np.array(["IN-BOTH", "IN-BOTH-2", "OUT", "IN-SQUARE"], dtype=object)
    cover = WarningCover([circle, square], ids, x, y)
    assert cover.inside[square.id].tolist() == [True, True, False, True]
    assert cover.inside[circle.id].tolist() == [False, True, False, False]
    assert [w.identifier for w in cover.warnings_of("IN-BOTH-2")] == ["CI", "SQ"]
    assert cover.warnings_of("OUT") == [] and cover.warnings_of("NOBODY") == []
    assert cover.count_inside(square.id, ["IN-BOTH", "OUT", "IN-SQUARE", "NOBODY"]) == 2
    # Areas are compared in the display CRS: the square's corners land where the sensors' projection puts them.
    minx, miny, maxx, maxy = display_area(square).bounds
    assert np.allclose([minx, maxx], to_display(np.array([114.2, 114.3]), np.array([30.6, 30.6]), "EPSG:4326")[0])
