"""CAP warnings in the window: a CAP folder source through the engine process lists its warnings in the
Warnings pane in level colour, draws their areas translucent beneath the sensors, zooms to one on a click,
and drops them when they are cancelled."""

from __future__ import annotations

import os
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage, QPainter

from console.geo.crs import from_display
from console.ui.main_window import MainWindow
from console.ui.map.sensor_style import LEVEL_COLOURS
from console.ui.map.view import ViewState
from console.ui.map.warning_areas import AREA_ALPHA, LAYER_NAME
from tests.cap.helpers import alert_xml, info_xml
from tests.ui.live_fixtures import ORIGIN, live_window, sensor_layer

SENDER = "warning@wuhan.example.cn"
HOUR = 3_600_000
# The red area: a 4 km x 4 km box around the waterlogging cluster (x0 + 4 km, y0 + 3 km).
RED_BOX = (ORIGIN[0] + 2_000, ORIGIN[1] + 1_000, ORIGIN[0] + 6_000, ORIGIN[1] + 5_000)
YELLOW_BOX = (ORIGIN[0] - 3_000, ORIGIN[1] - 6_000, ORIGIN[0] + 9_000, ORIGIN[1] - 2_000)


def cap_time(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000, UTC).isoformat(timespec="seconds")


def cap_polygon(box) -> str:
    x0, y0, x1, y1 = box
    lon, lat = from_display([x0, x1, x1, x0, x0], [y0, y0, y1, y1, y0], "EPSG:4326")
    return " ".join(f"{la:.6f},{lo:.6f}" for lo, la in zip(lon, lat, strict=True))


def warning(identifier: str, box, colour_word: str, event: str, sent_ms: int, hours: float = 6) -> str:
    info = info_xml(area=f"<area><areaDesc>金桥区</areaDesc><polygon>{cap_polygon(box)}</polygon></area>",
                    event=event, headline=f"武汉市气象台发布{event}{colour_word}色预警信号",
                    description=f"预计未来3小时金桥区将出现{event}。", instruction="注意防范，减少外出。",
                    effective=cap_time(sent_ms), expires=cap_time(sent_ms + int(hours * HOUR)))
    return alert_xml(info, identifier=identifier, sent=cap_time(sent_ms))


@pytest.fixture
def window(qtbot, tmp_path):
    window = live_window(qtbot, tmp_path, size=(1400, 900))
    yield window
    window.stop_sources()
    window.session.close()


def connect_cap(window, qtbot, tmp_path, folder, readings=()):
    """Connect a CAP folder source, and a recorded feed of ``readings`` (t_ms, sensor, value) when given."""
    import json

    text = f'[[source]]\nkind = "cap"\nname = "met"\npath = "{folder}"\npoll_s = 0.1\n'
    if readings:
        feed = tmp_path / "feed.jsonl"
        feed.write_text("".join(json.dumps({"t": t, "sensor": s, "value": v}) + "\n" for t, s, v in readings),
                        encoding="utf-8")
        text += f'\n[[source]]\nkind = "replay"\nname = "recorded"\npath = "{feed}"\n'
    path = tmp_path / "sources.toml"
    path.write_text(text, encoding="utf-8")
    assert window.open_sources(path)
    return window.engine_link


def flood_alarm_rows(now: int):
    """WLG-00001 (inside the red area) and GAS-00002 (outside it) each alarm, confirmed by a second reading."""
    return [(now - 60_000, "WLG-00001", 45.0), (now - 60_000, "GAS-00002", 30.0),
            (now - 30_000, "WLG-00001", 45.0), (now - 30_000, "GAS-00002", 30.0)]


def render(renderer, view: ViewState) -> QImage:
    image = QImage(view.width, view.height, QImage.Format.Format_ARGB32)
    image.fill(QColor("#FFFFFF"))
    painter = QPainter(image)
    renderer.render(painter, view)
    painter.end()
    return image


def blended(colour: str, alpha_hex: str) -> tuple[int, int, int]:
    """``colour`` at ``alpha`` over white."""
    alpha = int(alpha_hex, 16) / 255
    c = QColor(colour)
    return tuple(round(255 * (1 - alpha) + v * alpha) for v in (c.red(), c.green(), c.blue()))


def test_warnings_come_into_the_pane_and_onto_the_map_and_leave_when_cancelled(window, qtbot, tmp_path):
    folder = tmp_path / "cap"
    folder.mkdir()
    now = int(time.time() * 1000)
    (folder / "rain.xml").write_text(warning("RAIN-1", RED_BOX, "红", "暴雨", now - HOUR), encoding="utf-8")
    (folder / "wind.xml").write_text(warning("WIND-1", YELLOW_BOX, "黄", "大风", now - HOUR, hours=2),
                                     encoding="utf-8")
    connect_cap(window, qtbot, tmp_path, folder)
    pane = window.sources.warnings_pane
    qtbot.waitUntil(lambda: pane.table.rowCount() == 2, timeout=30_000)

    # Most severe first, the level cell in the level colour, times in Beijing time.
    rain, wind = pane.row_texts(0), pane.row_texts(1)
    assert rain[:4] == ["Red (level I)", "暴雨", "金桥区", SENDER]
    assert wind[:2] == ["Yellow (level III)", "大风"]
    assert rain[7:] == ["0", "met"]  # no alarm inside the area yet
    assert rain[6] in ("4 h 59 min", "5 h 00 min") and wind[6] in ("59 min", "1 h 00 min")
    level_item = pane.table.item(0, 0)
    assert level_item.background().color().name().upper() == LEVEL_COLOURS[1]
    assert pane.table.item(1, 0).background().color().name().upper() == LEVEL_COLOURS[3]
    assert window.sources.warnings_dock.isVisible()

    # The areas: one translucent polygon layer beneath the sensor layer.
    renderer = window.canvas.renderer
    [areas] = [layer for layer in renderer.layers if layer.name == LAYER_NAME]
    names = [layer.name for layer in renderer.layers]
    assert names.index(LAYER_NAME) < names.index("sensors")
    view = ViewState.fit((ORIGIN[0] - 4_000, ORIGIN[1] - 8_000, ORIGIN[0] + 12_000, ORIGIN[1] + 8_000), 800, 800)
    image = render(renderer, view)
    inside_red = view.to_pixel(RED_BOX[0] + 500, RED_BOX[3] - 500)  # no sensor there
    inside_yellow = view.to_pixel(YELLOW_BOX[0] + 1_000, YELLOW_BOX[1] + 1_000)
    outside = view.to_pixel(ORIGIN[0] - 3_500, ORIGIN[1] + 7_000)
    for (x, y), colour in ((inside_red, LEVEL_COLOURS[1]), (inside_yellow, LEVEL_COLOURS[3])):
        pixel = image.pixelColor(int(x), int(y))
        expected = blended(colour, AREA_ALPHA)
        assert max(abs(a - b) for a, b in zip((pixel.red(), pixel.green(), pixel.blue()), expected,
                                                strict=True)) <= 3, (pixel.name(), expected)
    assert image.pixelColor(int(outside[0]), int(outside[1])).name().upper() == "#FFFFFF"

    # A click on the red warning shows its full text and zooms to its area.
    window.canvas.set_extent((ORIGIN[0] - 50_000, ORIGIN[1] - 50_000, ORIGIN[0] + 50_000, ORIGIN[1] + 50_000))
    rect = pane.table.visualItemRect(pane.table.item(0, 1))
    qtbot.mouseClick(pane.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert "预计未来3小时金桥区将出现暴雨。" in pane.text.toPlainText()
    assert "注意防范，减少外出。" in pane.text.toPlainText()
    x0, y0, x1, y1 = window.canvas.extent()
    assert x0 <= RED_BOX[0] and y0 <= RED_BOX[1] and x1 >= RED_BOX[2] and y1 >= RED_BOX[3]
    assert x1 - x0 < 12_000 or y1 - y0 < 12_000  # zoomed in on it, not the 100 km view

    if os.environ.get("CONSOLE_GRAB"):
        window.grab().save(os.environ["CONSOLE_GRAB"])

    # A Cancel of the red warning: it leaves the pane and the map.
    (folder / "cancel.xml").write_text(alert_xml(identifier="RAIN-2", sent=cap_time(now), msgType="Cancel",
                                                 references=f"{SENDER},RAIN-1,{cap_time(now - HOUR)}"),
                                       encoding="utf-8")
    qtbot.waitUntil(lambda: pane.table.rowCount() == 1, timeout=30_000)
    assert pane.row_texts(0)[1] == "大风"
    [areas] = [layer for layer in renderer.layers if layer.name == LAYER_NAME]
    assert len(areas) == 1
    image = render(renderer, view)
    pixel = image.pixelColor(int(inside_red[0]), int(inside_red[1]))
    assert pixel.name().upper() == "#FFFFFF"

    window.stop_sources()
    assert pane.table.rowCount() == 0
    assert LAYER_NAME not in [layer.name for layer in renderer.layers]


def test_a_window_grab_in_chinese_shows_the_warning(qtbot, tmp_path):
    from console.ui.app import application

    application("zh_CN")
    try:
        window = MainWindow()
        qtbot.addWidget(window)
        window.resize(1400, 900)
        window.open_journal(tmp_path / "live.sqlite")
        window.canvas.renderer.add_layer(sensor_layer())
        window.start_live()
        window.show()
        folder = tmp_path / "cap"
        folder.mkdir()
        now = int(time.time() * 1000)
        (folder / "rain.xml").write_text(warning("RAIN-1", RED_BOX, "红", "暴雨", now - HOUR), encoding="utf-8")
        link = connect_cap(window, qtbot, tmp_path, folder, flood_alarm_rows(now))
        pane = window.sources.warnings_pane
        qtbot.waitUntil(lambda: pane.table.rowCount() == 1, timeout=30_000)
        qtbot.waitUntil(lambda: pane.row_texts(0)[pane.COLUMNS.index("alarms")] == "1", timeout=30_000)
        assert pane.row_texts(0)[0] == "红色（I级）"
        assert pane.table.horizontalHeaderItem(pane.COLUMNS.index("alarms")).text() == "区域内报警"
        assert window.sources.warnings_dock.windowTitle() == "CAP预警"
        assert pane.title.text() == "生效中的CAP预警：1 条"
        qtbot.waitUntil(lambda: link.mirror.sources and link.mirror.sources[0]["status"] == "live", timeout=30_000)
        assert window.sources_pane.sources.item(0, 1).text() == "CAP预警"
        window.canvas.set_extent((ORIGIN[0] - 4_000, ORIGIN[1] - 4_000, ORIGIN[0] + 14_000, ORIGIN[1] + 8_000))
        pane.table.selectRow(0)
        qtbot.wait(300)  # let the canvas paint its first frame after the extent change
        out = Path(os.environ.get("CONSOLE_GRAB_ZH", tmp_path / "window_zh.png"))
        assert window.grab().save(str(out))
        grab = QImage(str(out))
        assert grab.width() > 0
        window.stop_sources()
        window.session.close()
    finally:
        application("en")


def test_alarms_inside_a_warning_area_are_counted_and_named_in_their_tooltip(window, qtbot, tmp_path):
    folder = tmp_path / "cap"
    folder.mkdir()
    now = int(time.time() * 1000)
    (folder / "rain.xml").write_text(warning("RAIN-1", RED_BOX, "红", "暴雨", now - HOUR), encoding="utf-8")
    link = connect_cap(window, qtbot, tmp_path, folder, flood_alarm_rows(now))
    pane = window.sources.warnings_pane
    qtbot.waitUntil(lambda: pane.table.rowCount() == 1 and len(link.book.open_alarms()) == 2, timeout=30_000)
    column = pane.COLUMNS.index("alarms")
    qtbot.waitUntil(lambda: pane.row_texts(0)[column] == "1", timeout=10_000)

    model = window.alarm_pane.model

    def tooltips():
        tips = {}
        for row in range(model.rowCount()):
            if model.key(row) > 0:  # an alarm's row, not an incident line
                alarm = link.book.alarms[model.key(row)]
                tips[alarm.sensor_id] = model.data(model.index(row, 0), Qt.ItemDataRole.ToolTipRole)
        return tips

    qtbot.waitUntil(lambda: {"WLG-00001", "GAS-00002"} <= set(tooltips()), timeout=10_000)
    tips = tooltips()
    assert "Inside CAP warning: 武汉市气象台发布暴雨红色预警信号 (Red (level I))" in tips["WLG-00001"]
    assert "Inside CAP warning" not in tips["GAS-00002"]
