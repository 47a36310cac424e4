"""The dispatch loop in the warning pane: the unit's steps, the countdowns and the overdue notice.

The pane's ``Dispatch…`` sends the selection to a unit with the deadlines of the
table (shown in the dialog); these actions record what the unit reports back
(acknowledged, on site, feedback). Once a second the countdowns in the unit
column move on and the notice above the list names the most overdue dispatch.
The actions go to whatever book the pane shows: the book itself in a drill, the
engine's mirror (commands to the engine process) with live sources.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QLabel, QMenu, QToolButton

from console.model.alarms import next_deadline
from console.ui.alarm_pane.countdown import NOTICE_STYLE, notice_text
from console.ui.alarm_pane.dialogs import FeedbackDialog

COUNTDOWN_INTERVAL_MS = 1000  # countdowns show seconds


class DispatchControls(QObject):
    """Step actions, feedback dialog, countdown timer and overdue notice of one ``AlarmPane``.

    Attributes
    ----------
    notice : QLabel
        Above the list while a dispatch is overdue: alarm, sensor, unit, step and how long ago.
    menu_button : QToolButton
        The toolbar's "Unit report" button with the three step actions.
    overdue : list of (Alarm, Deadline)
        The open dispatches past a deadline at the last tick, most overdue first.

    Signals
    -------
    overdue_changed(list): the ids of the overdue alarms changed (the window may flash its status bar).
    """

    overdue_changed = Signal(list)

    def __init__(self, pane, interval_ms: int = COUNTDOWN_INTERVAL_MS):
        super().__init__(pane)
        self.pane = pane
        self.overdue: list = []
        self.notice = QLabel()
        self.notice.setStyleSheet(NOTICE_STYLE)
        self.notice.setWordWrap(True)
        self.notice.hide()
        self.unit_ack_action = self._action(self.tr("Unit acknowledged"), self.unit_acknowledged_selected,
                                            self.tr("The responsible unit has acknowledged the dispatch"))
        self.on_site_action = self._action(self.tr("On site"), self.on_site_selected,
                                           self.tr("The responsible unit is on site"))
        self.feedback_action = self._action(self.tr("Feedback…"), self.ask_feedback,
                                            self.tr("Record the unit's feedback on the dispatch"))
        self.actions = [self.unit_ack_action, self.on_site_action, self.feedback_action]
        # One toolbar button for the unit's reports: the pane's toolbar has no room for three more.
        self.menu = QMenu(pane)
        self.menu.addActions(self.actions)
        self.menu_button = QToolButton()
        self.menu_button.setText(self.tr("Unit report"))
        self.menu_button.setToolTip(self.tr("Record what the dispatched unit reports: acknowledged, on site, feedback"))
        self.menu_button.setMenu(self.menu)
        self.menu_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        # Enabled with its actions (the pane enables them while a line is selected).
        self.unit_ack_action.changed.connect(lambda: self.menu_button.setEnabled(self.unit_ack_action.isEnabled()))
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.tick)
        if interval_ms > 0:
            self.timer.start()

    def _action(self, text, slot, tip) -> QAction:
        act = QAction(text, self.pane)
        act.setToolTip(tip)
        act.triggered.connect(slot)
        self.pane.addAction(act)
        return act

    # --- the unit's steps --------------------------------------------------------
    def _step(self, method: str, *args) -> list[int]:
        pane = self.pane
        ids = pane._ready()
        if not ids:
            return []
        try:
            getattr(pane.model.book, method)(ids, *args, pane.operator, pane.clock())
        except (ValueError, KeyError) as exc:
            pane.error.emit(str(exc))
            return []
        pane._done()
        self.tick()
        return ids

    def unit_acknowledged_selected(self) -> list[int]:
        return self._step("unit_acknowledged")

    def on_site_selected(self) -> list[int]:
        return self._step("on_site")

    def feedback_selected(self, text: str) -> list[int]:
        return self._step("feedback", text)

    def ask_feedback(self):
        ids = self.pane._selection_for_dialog()
        if not ids:
            return None
        return self.pane._open_dialog(FeedbackDialog(len(ids), self.pane),
                                      lambda d: self.feedback_selected(d.values()))

    # --- countdowns and the notice ----------------------------------------------------
    def tick(self) -> None:
        """Move the countdowns on and show or hide the overdue notice."""
        pane = self.pane
        pane.model.tick_countdowns()
        book = pane.model.book
        overdue = []
        if book is not None:
            now = int(pane.clock())
            for alarm in book.alarms.values():
                if alarm.dispatched_ms is None or alarm.closed_ms is not None:
                    continue
                deadline = next_deadline(alarm)
                if deadline is not None and deadline.due_ms <= now:
                    overdue.append((alarm, deadline))
            overdue.sort(key=lambda pair: (pair[1].due_ms, pair[0].alarm_id))
        before = [alarm.alarm_id for alarm, _ in self.overdue]
        self.overdue = overdue
        if overdue:
            self.notice.setText(notice_text(overdue, now))
        self.notice.setVisible(bool(overdue))
        ids = [alarm.alarm_id for alarm, _ in overdue]
        if sorted(ids) != sorted(before):
            self.overdue_changed.emit(ids)
