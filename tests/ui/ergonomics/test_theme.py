"""Themes (light for print, dark for a video wall) and wall mode: what the panes show after a switch."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication

from console.ui import theme
from console.ui.alarm_pane.labels import LEVEL_TEXT_COLOURS
from console.ui.map.sensor_style import LEVEL_COLOURS
from tests.ui.ergonomics.conftest import pixel
from tests.ui.live_fixtures import T0, confirmed


def test_dark_theme_turns_panes_and_tables_dark_and_light_turns_them_back(window, qtbot):
    ergonomics = window.ergonomics
    window.feed(confirmed([("GAS-00001", 12.0)]), "live", now_ms=T0)  # a level III alarm in the list
    window.refresh_live()
    view = window.alarm_pane.view
    assert view.model().rowCount() == 1
    ergonomics.theme_actions["dark"].trigger()
    palette = QApplication.instance().palette()
    assert palette.color(QPalette.ColorRole.Base).name().upper() == theme.DARK.base
    assert palette.color(QPalette.ColorRole.Window).name().upper() == theme.DARK.window
    assert ergonomics.theme_actions["dark"].isChecked()
    # Below the one row of the warning list, the table's empty part; the layer tree beside the map.
    empty = pixel(view.viewport(), 40, view.viewport().height() - 5)
    assert empty.lightness() < 60
    tree = window.layer_tree
    assert pixel(tree, tree.width() // 2, tree.height() - 5).lightness() < 100
    # The row's text is drawn light on dark: the model's look is the dark theme's.
    assert window.alarm_pane.model.row_look(0).fill is None
    assert theme.current().name == "dark"

    ergonomics.theme_actions["light"].trigger()
    assert QApplication.instance().palette().color(QPalette.ColorRole.Base).name().upper() == theme.LIGHT.base
    assert pixel(view.viewport(), 40, view.viewport().height() - 5).lightness() > 200
    assert pixel(tree, tree.width() // 2, tree.height() - 5).lightness() > 200


def test_returned_alarm_rows_follow_the_theme(window, qtbot):
    model = window.alarm_pane.model
    window.ergonomics.set_theme("dark")
    window.feed(confirmed([("GAS-00002", 12.0)]), "live", now_ms=T0)
    for t_ms in (T0 + 120_000, T0 + 600_000):  # back to normal (after the rule's delay-off)
        window.feed(confirmed([("GAS-00002", 0.5)], t_ms), "live", now_ms=t_ms)
    qtbot.waitUntil(lambda: model.rowCount() == 1 and model.row_look(0).texts[0] == "(III)")
    look = model.row_look(0)
    assert look.level_fill.color().name().upper() == theme.DARK.returned_fill
    assert theme.contrast(theme.DARK.muted_text, theme.DARK.returned_fill) >= 3.0
    window.ergonomics.set_theme("light")
    look = model.row_look(0)
    assert look.level_fill.color().name().upper() == theme.LIGHT.returned_fill


@pytest.mark.parametrize("level", [1, 2, 3, 4])
def test_level_colours_stay_readable_on_both_themes(level):
    # Text on the level's fill (warning list, chips): WCAG's 4.5 for normal text.
    assert theme.contrast(LEVEL_COLOURS[level], LEVEL_TEXT_COLOURS[level]) >= 4.5
    # The fill itself stands apart from either theme's background (a cell, a marker, a band).
    for colours in (theme.LIGHT, theme.DARK):
        assert theme.contrast(LEVEL_COLOURS[level], colours.base) >= 1.5, colours.name
    # The themes' own text on their backgrounds.
    for colours in (theme.LIGHT, theme.DARK):
        assert theme.contrast(colours.text, colours.base) >= 7.0


def test_an_unknown_theme_is_refused_by_name(kept_look):
    with pytest.raises(ValueError, match="unknown theme 'neon'.*light, dark"):
        theme.apply_theme("neon")


def test_wall_mode_is_full_screen_with_large_type_and_escape_leaves(window, qtbot):
    app = QApplication.instance()
    ergonomics = window.ergonomics
    size = app.font().pointSize()
    row_height = window.alarm_pane.view.verticalHeader().defaultSectionSize()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(window, Qt.Key.Key_F11)
    assert ergonomics.wall_mode and ergonomics.wall_action.isChecked()
    assert window.windowState() & Qt.WindowState.WindowFullScreen
    assert app.font().pointSize() >= 18 > size
    assert window.alarm_pane.view.verticalHeader().defaultSectionSize() > row_height
    assert not window.layers_dock.isVisible() and window.alarms_dock.isVisible()  # map and warnings only
    qtbot.waitUntil(lambda: window.alarm_pane.font().pointSize() >= 18)  # panes take the large type
    from console.ui.alarm_pane.chips import LevelChip

    chip, header = window.alarm_pane.findChildren(LevelChip)[0], window.alarm_pane.view.horizontalHeader()
    assert chip.font().pointSize() >= 18 and header.font().pointSize() >= 18  # styled widgets too
    qtbot.keyClick(window, Qt.Key.Key_Escape)
    assert not ergonomics.wall_mode and not ergonomics.wall_action.isChecked()
    assert not window.windowState() & Qt.WindowState.WindowFullScreen
    assert app.font().pointSize() == size
    qtbot.waitUntil(lambda: window.alarm_pane.font().pointSize() == size)
    assert chip.font().pointSize() == size
    assert window.alarm_pane.view.verticalHeader().defaultSectionSize() == row_height
    assert window.layers_dock.isVisible()  # the desk's docks are back as they were


def test_plots_made_or_shown_in_the_dark_theme_are_dark_and_the_map_keeps_its_basemap(window, qtbot):
    from console.ui.sensor_detail.plot import SensorPlot
    from console.ui.timeline import TimelineBar

    map_before = window.canvas.backgroundBrush().color().name()
    timeline = TimelineBar()
    qtbot.addWidget(timeline)
    window.ergonomics.set_theme("dark")
    plot = SensorPlot()  # made after the switch
    qtbot.addWidget(plot)
    assert plot.backgroundBrush().color().name().upper() == theme.DARK.plot_background
    assert timeline.backgroundBrush().color().name().upper() == theme.DARK.plot_background  # made before
    assert window.canvas.backgroundBrush().color().name() == map_before
    window.ergonomics.set_theme("light")
    assert timeline.backgroundBrush().color().name().upper() == "#FBFBFA"  # its print colour again


def test_status_colours_are_lightened_to_read_on_the_dark_theme_and_kept_on_the_light():
    from console.ui.sources_pane import STATE_COLOURS

    for colour in {*STATE_COLOURS.values(), "#B3261E"}:
        assert theme.ink(colour, theme.LIGHT) == colour
        assert theme.contrast(theme.ink(colour, theme.DARK), theme.DARK.base) >= 4.5, colour
        assert theme.contrast(colour, theme.DARK.base) < 4.5 or theme.ink(colour, theme.DARK) == colour


def test_console_open_takes_a_theme_and_refuses_an_unknown_one(kept_look, tmp_path, capsys):
    from console.cli import main

    out = tmp_path / "dark.png"
    assert main(["open", "--demo", "--theme", "dark", "--snapshot", str(out), "--lang", "en"]) == 0
    assert out.exists() and theme.current().name == "dark"
    with pytest.raises(SystemExit) as leaving:
        main(["open", "--theme", "neon", "--snapshot", str(out)])
    assert leaving.value.code == 2
    assert "invalid choice: 'neon'" in capsys.readouterr().err
