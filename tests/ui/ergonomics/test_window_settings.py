"""What a window keeps for the next one (QSettings): dock layout, theme, language, recent files."""

from __future__ import annotations

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication

from console.ui import theme
from console.ui.main_window import MainWindow
from console.ui.settings import WindowSettings


def test_layout_theme_language_and_recent_files_come_back_in_a_new_window(window, qtbot, tmp_path, _fresh_settings):
    layer_file = tmp_path / "roads.geojson"
    layer_file.write_text('{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"name": "x"},'
                          ' "geometry": {"type": "LineString", "coordinates": [[121.4, 31.2], [121.5, 31.3]]}}]}',
                          encoding="utf-8")
    assert window.open_paths([str(layer_file)])
    ergonomics = window.ergonomics
    ergonomics.set_theme("dark")
    ergonomics.language_actions["en"].trigger()
    window.layers_dock.hide()
    window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, window.alarms_dock)  # warnings moved to the right
    assert window.dockWidgetArea(window.alarms_dock) == Qt.DockWidgetArea.RightDockWidgetArea
    window.close()
    # Written where the test's isolated settings live, not in the user's files.
    assert list((_fresh_settings / ".config").rglob("*.conf"))

    QApplication.instance().setPalette(QPalette())  # a fresh start: nothing applied yet
    del QApplication.instance().console_theme
    from console.ui.app import application

    application("en")  # as `console open` starts: the remembered theme is applied
    assert theme.current().name == "dark"
    assert QApplication.instance().palette().color(QPalette.ColorRole.Base).name().upper() == theme.DARK.base
    second = MainWindow()
    qtbot.addWidget(second)
    second.show()
    assert second.ergonomics.theme_actions["dark"].isChecked()
    assert not second.layers_dock.isVisible()
    assert second.dockWidgetArea(second.alarms_dock) == Qt.DockWidgetArea.RightDockWidgetArea
    recent = second.ergonomics.recent_menu.actions()
    assert recent[0].text() == "roads.geojson" and recent[0].data() == str(layer_file.resolve())
    assert WindowSettings().language == "en"
    # The recent entry opens the file again.
    before = len(second.canvas.renderer.layers)
    recent[0].trigger()
    assert len(second.canvas.renderer.layers) == before + 1
    second.session.close()


def test_values_from_another_version_are_ignored_not_trusted(qapp, tmp_path):
    store = QSettings(str(tmp_path / "odd.ini"), QSettings.Format.IniFormat)
    store.setValue("window/theme", "neon")
    store.setValue("window/language", "fr")
    store.setValue("window/recent_files", "/only/one.gpkg")
    settings = WindowSettings(store)
    assert settings.theme is None and settings.language is None
    assert settings.recent_files == ["/only/one.gpkg"]
    for path in range(15):
        settings.add_recent(tmp_path / f"{path}.geojson")
    assert len(settings.recent_files) == 10 and settings.recent_files[0].endswith("14.geojson")
    import pytest

    with pytest.raises(ValueError, match="unknown theme"):
        settings.theme = "neon"


def test_the_language_chosen_last_time_is_the_one_the_console_starts_in(qapp, monkeypatch):
    from console.ui.app import application
    from console.ui.i18n import current_language

    monkeypatch.delenv("CONSOLE_LANG", raising=False)
    WindowSettings().language = "zh_CN"
    try:
        application()
        assert current_language() == "zh_CN"
        assert QApplication.translate("MainWindow", "&File") == "文件(&F)"
        application("en")  # --lang wins over what was remembered
        assert current_language() == "en"
        monkeypatch.setenv("CONSOLE_LANG", "en")  # and so does CONSOLE_LANG
        application()
        assert current_language() == "en"
    finally:
        application("en")
