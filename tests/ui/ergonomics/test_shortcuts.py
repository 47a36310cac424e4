"""Help ▸ Keyboard shortcuts lists every action with a key, read from the actions themselves."""

from __future__ import annotations

from PySide6.QtGui import QAction, QKeySequence

from console.ui.shortcuts import shortcut_rows


def test_the_dialog_lists_every_action_with_a_shortcut_and_cannot_go_stale(window, qtbot):
    expected = {}
    for action in window.findChildren(QAction):
        keys = [s for s in action.shortcuts() if not s.isEmpty()]
        if keys and action.text():
            expected[action.text().replace("&", "").rstrip("…")] = keys[0].toString(
                QKeySequence.SequenceFormat.NativeText)
    dialog = window.ergonomics.show_shortcuts()
    qtbot.addWidget(dialog)
    rows = dialog.rows()
    shown = {action: keys for _menu, action, keys in rows}
    for text, keys in expected.items():
        assert keys in shown[text], text
    assert shown["Wall mode (full screen, large type)"] == "F11"
    assert shown["Leave wall mode"] == "Esc"
    assert shown["Open layers"] == QKeySequence(QKeySequence.StandardKey.Open).toString(
        QKeySequence.SequenceFormat.NativeText)
    menus = {action: menu for menu, action, _keys in rows}
    assert menus["Zoom to full extent"] == "View" and menus["Keyboard shortcuts"] == "Help"
    # Rows follow the menu bar's order: File first.
    assert rows[0][0] == "File"
    # An action added later, anywhere in the window, is in the next dialog.
    late = QAction("Centre on the incident", window)
    late.setShortcut(QKeySequence("Ctrl+Alt+C"))
    window.addAction(late)
    assert ("", "Centre on the incident", QKeySequence("Ctrl+Alt+C").toString(
        QKeySequence.SequenceFormat.NativeText)) in shortcut_rows(window)
    dialog.close()


def test_mnemonics_are_left_out_in_both_languages(qapp):
    from console.ui.shortcuts import action_text

    assert action_text(QAction("&Open layers…")) == "Open layers"
    assert action_text(QAction("打开图层(&O)…")) == "打开图层"
    assert action_text(QAction("Save && close")) == "Save & close"
