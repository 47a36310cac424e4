"""The window as a console on the shared alarm state (``console open --journal postgresql://...``).

``SharedLink`` starts a ``SharedConsole`` (its reader and listener threads do all
the database work; the GUI thread never waits on PostgreSQL), builds the mirror
table from the sensor layers on the map and points the map, the warning pane and
the sensor detail at it. Ten times a second it takes what the reader brought
(``SharedView.pump``) and shows the link's state in a banner at the top of the
window: red while the database or the alarm service is missing, with the number
of actions waiting in the outbox.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QLabel

from console.shared.client import LIVE, NO_DATABASE, NO_SERVICE, NOT_SET_UP, REFUSED, SharedConsole
from console.shared.view import SharedView
from console.ui.live import display_names, sensor_layers

PUMP_INTERVAL_MS = 100
BANNER_ALERT = "background: #B3261E; color: white; font-weight: bold; padding: 4px;"
BANNER_CALM = "background: #E8F0E8; color: #1B5E20; padding: 2px;"


class SharedLink(QObject):
    """The window's link to the shared state at ``url`` as console ``name``.

    Signals
    -------
    changed(int): a pump changed table rows (how many).
    status_changed(): the banner's state changed.
    """

    changed = Signal(int)
    status_changed = Signal()

    def __init__(self, window, url: str, name: str, outbox, parent=None):
        super().__init__(parent or window)
        from console.model.rules import RuleEngine, RuleSet
        from console.model.sensors import SensorTable

        self.window = window
        layers = sensor_layers(window.canvas.renderer.layers)
        if not layers:
            raise ValueError(self.tr("A console on the shared state needs the sensor layers of the city on the map."))
        table = SensorTable.from_layers(layers)
        rules = window.session.rules
        # Rule directions and thresholds for the views (the service judges; the window only draws).
        engine = RuleEngine(rules if isinstance(rules, RuleSet) else RuleSet.load(rules), table)
        self.sign = engine.sign
        self.console = SharedConsole(url, name, outbox)
        self.view = SharedView(table, self.console)
        self.view.book.refused.connect(
            lambda method, reason: window.show_error(reason, self.tr("Action not done")))
        self.banner = QLabel()
        self.banner.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.banner.setObjectName("sharedBanner")
        window.statusBar().insertWidget(0, self.banner, 1)
        from console.shared.url import shown_url

        # The service journals; this window records nothing of its own (its outbox only queues).
        window.journal_label.setText(self.tr("Shared state: {url}").format(url=shown_url(url)))
        window.journal_label.setToolTip(self.tr("Console {name}; actions queued in {outbox} until answered").format(
            name=name, outbox=outbox))
        self._shown = None
        names = display_names(table, layers)
        window.session.names = names
        window.shared_link = self  # the window's live state from now on (show_live_state after a drill)
        window.show_state(table, self.view.book, names, self.sign)
        window.session.attach_book(self.view.book)  # shift handovers go to the shared state too
        self.console.start()
        self.timer = QTimer(self)
        self.timer.setInterval(PUMP_INTERVAL_MS)
        self.timer.timeout.connect(self.pump)
        self.timer.start()
        self.pump()

    @property
    def table(self):
        return self.view.table

    @property
    def book(self):
        return self.view.book

    def pump(self) -> int:
        rows = self.view.pump()
        if rows:
            self.changed.emit(rows)
        status = self.view.status
        shown = (status.state, status.queued, status.message)
        if shown != self._shown:
            self._shown = shown
            self.banner.setText(self.banner_text(status))
            self.banner.setStyleSheet(BANNER_CALM if status.state == LIVE else BANNER_ALERT)
            self.banner.setToolTip(status.message)
            self.status_changed.emit()
        return rows

    def banner_text(self, status) -> str:
        queued = self.tr("{n} action(s) waiting to be sent").format(n=status.queued) if status.queued else ""
        if status.state == LIVE:
            text = self.tr("Shared alarm state: live, console {name}").format(name=self.console.console)
        elif status.state == NO_DATABASE:
            text = self.tr("The shared database cannot be reached: showing the last state known")
        elif status.state == NO_SERVICE:
            text = self.tr("No alarm service is running: the alarms do not change")
        elif status.state == NOT_SET_UP:
            text = self.tr("No alarm service has set up this database yet")
        elif status.state == REFUSED:
            text = self.tr("The shared database was refused: {message}").format(message=status.message)
        else:
            text = self.tr("Connecting to the shared alarm state…")
        return f"{text}  ·  {queued}" if queued else text

    def stop(self) -> None:
        self.timer.stop()
        self.console.stop()
