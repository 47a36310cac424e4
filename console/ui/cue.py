"""The cue for a new level I or II alarm: a sound and a flashing banner; the sound can be muted for a while.

The cue watches the book the warning pane shows (live, engine mirror or drill)
by version, as the views do: an alarm that reaches level II or I (raised there,
or escalated to it) cues once. Alarms already in the book when it is bound do
not: after a start or a seek nothing is new.

Muting silences the sound for a bounded time (5, 15 or 30 minutes), shown in
the status bar with the time left; it ends by itself. The banner still shows
while muted: an operator who muted the horn must still see what came in.

With no audio output (a machine without a sound card, the offscreen test
platform) or without QtMultimedia, the cue is visual only and says why once in
the log.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, QtMsgType, QUrl, Signal, qInstallMessageHandler
from PySide6.QtWidgets import QApplication, QLabel

from console.model.levels import level_name
from console.ui.map.sensor_style import LEVEL_COLOURS

log = logging.getLogger(__name__)

SOUND = Path(__file__).resolve().parents[2] / "assets" / "sounds" / "alarm.wav"
SEVERE_LEVELS = (1, 2)
MUTE_MINUTES = (5, 15, 30)
FLASH_S = 10.0  # the banner blinks this long, then stays until the next minute is up
BANNER_S = 60.0
TICK_MS = 250


class AlarmSound:
    """The bundled WAV through QSoundEffect, made at the first cue; ``error`` says why it cannot play."""

    def __init__(self, path: Path = SOUND):
        self.path = path
        self.effect = None
        self.error: str | None = None
        self.played = 0  # times sent to the audio output

    def prepare(self) -> str | None:
        """Load the audio backend and the sound now (once); the reason it cannot play, or None.

        Loading takes tens of milliseconds; done at the first cue it would hold the
        GUI thread just as the first level I alarm comes in.
        """
        if self.error is None and self.effect is None:
            self.error = self._load()
            if self.error is not None:
                log.warning("alarm sound off: %s; the alarm cue is visual only", self.error)
        return self.error

    def play(self) -> bool:
        if self.prepare() is not None:
            return False
        self.effect.play()
        self.played += 1
        return True

    def _load(self) -> str | None:
        if not self.path.is_file():
            return f"{self.path} is missing"
        def probe():
            try:
                from PySide6.QtMultimedia import QMediaDevices, QSoundEffect
            except ImportError as exc:  # PySide6-Addons absent, or its audio libraries (libpulse0)
                return None, f"QtMultimedia cannot be loaded ({exc})"
            if not QMediaDevices.audioOutputs():
                return None, "no audio output device"
            effect = QSoundEffect()
            effect.setSource(QUrl.fromLocalFile(str(self.path)))
            effect.setVolume(1.0)
            return effect, None

        (effect, problem), complaints = _collecting_qt_messages(probe)
        if problem is not None:
            said = [text for text in complaints if "symbols" not in text and "library" not in text]
            return problem + (f" ({said[0]})" if said else "")
        self.effect = effect
        return None


def _collecting_qt_messages(call):
    """Run ``call`` with Qt's messages collected instead of printed (the audio probe's complaints).

    Without a sound server Qt's audio backend warns on its first use; that is
    reported once, by ``AlarmSound``, in words the operator can act on.
    """
    messages: list[str] = []

    def collect(kind, _context, text) -> None:
        if kind != QtMsgType.QtInfoMsg and kind != QtMsgType.QtDebugMsg:
            messages.append(text)

    previous = qInstallMessageHandler(collect)
    try:
        return call(), messages
    finally:
        qInstallMessageHandler(previous)


class AlarmCue(QObject):
    """Watch a book for new level I/II alarms; flash ``banner``, play the sound unless muted.

    Parameters
    ----------
    clock : callable, optional
        Seconds, monotonic (tests inject one); the mute and the banner are timed by it.
    sound : AlarmSound, optional

    Attributes
    ----------
    banner : QLabel
        The visual cue (in the status bar); hidden when nothing new.
    mute_label : QLabel
        "Sound muted: 12:34 left" while muted.
    cues : int
        New severe alarms cued (a burst within one check is one cue).
    sounds_asked : int
        Cues that asked for the sound (not muted).

    Signals
    -------
    cued(alarm_id, level), mute_changed(bool)
    """

    cued = Signal(int, int)
    mute_changed = Signal(bool)

    def __init__(self, clock=time.monotonic, sound: AlarmSound | None = None, parent=None):
        super().__init__(parent)
        self.clock = clock
        self.sound = sound or AlarmSound()
        self.book = None
        self.names = None  # display names by sensor row (the views' ``names``)
        self._version = -1
        self._severe: set[int] = set()  # alarm ids already cued or present when bound
        self._muted_until: float | None = None
        self._cued_at: float | None = None
        self.cues = 0
        self.sounds_asked = 0
        self.banner = QLabel()
        self.banner.setObjectName("AlarmCueBanner")
        self.banner.setVisible(False)
        self.mute_label = QLabel()
        self.mute_label.setVisible(False)
        self.timer = QTimer(self)
        self.timer.setInterval(TICK_MS)
        self.timer.timeout.connect(self.tick)
        self.timer.start()
        self._banner_look = None  # (background, ink) the banner's style sheet was last set for
        QTimer.singleShot(0, self, self.sound.prepare)  # once the window is up, not at the first alarm

    # --- what is watched ---------------------------------------------------------------
    def watch(self, book, names=None) -> None:
        """Watch ``book`` from now on; what it holds now is not new."""
        self.book, self.names = book, names
        self._version = getattr(book, "version", -1) if book is not None else -1
        self._severe = set()
        if book is not None:
            self._severe = {alarm_id for alarm_id, alarm in book.alarms.items() if self._is_severe(alarm)}

    @staticmethod
    def _is_severe(alarm) -> bool:
        return bool(alarm.active) and not getattr(alarm, "is_fault", False) and alarm.level in SEVERE_LEVELS

    def check(self) -> int:
        """Look for new severe alarms since the last check; cue once for them. Returns how many."""
        book = self.book
        if book is None or book.version == self._version:
            return 0
        changes = book.changes_since(self._version)
        self._version = changes.version
        new = [alarm for alarm in changes.alarms if self._is_severe(alarm) and alarm.alarm_id not in self._severe]
        if not new:
            return 0
        self._severe.update(alarm.alarm_id for alarm in new)
        worst = min(new, key=lambda alarm: (alarm.level, -alarm.raised_ms))
        self._cue(worst, len(new))
        return len(new)

    def _cue(self, alarm, count: int) -> None:
        self.cues += 1
        self._cued_at = self.clock()
        names, row = self.names, alarm.sensor_row
        name = str(names[row]) if names is not None and 0 <= row < len(names) else ""
        sensor = f"{alarm.sensor_id} {name}".strip()
        text = self.tr("New level {level} alarm: {sensor}").format(level=level_name(alarm.level), sensor=sensor)
        if count > 1:
            text += " " + self.tr("(+{n} more)").format(n=count - 1)
        colour = LEVEL_COLOURS[alarm.level]
        ink = "#FFFFFF" if alarm.level == 1 else "#1A1A1A"
        self.banner.setText(text)
        if self._banner_look != (colour, ink):  # a new style sheet re-polishes the status bar: only on a change
            self._banner_look = (colour, ink)
            self.banner.setStyleSheet(f"QLabel#AlarmCueBanner {{ background: {colour}; color: {ink};"
                                      " font-weight: bold; padding: 1px 8px; border-radius: 3px; }")
        self.banner.setVisible(True)
        window = self.banner.window()
        if window is not None and window is not self.banner:
            QApplication.alert(window)  # the task bar marks the window when it is not in front
        if not self.muted:
            self.sounds_asked += 1
            self.sound.play()
        self.cued.emit(alarm.alarm_id, alarm.level)

    # --- mute --------------------------------------------------------------------------
    @property
    def muted(self) -> bool:
        return self.mute_left_s() > 0

    def mute_left_s(self) -> float:
        if self._muted_until is None:
            return 0.0
        return max(0.0, self._muted_until - self.clock())

    def mute(self, minutes: float) -> None:
        """Silence the sound for ``minutes`` (it comes back by itself)."""
        if minutes <= 0:
            raise ValueError("a mute lasts a positive number of minutes")
        self._muted_until = self.clock() + minutes * 60
        self._show_mute()
        self.mute_changed.emit(True)

    def unmute(self) -> None:
        was = self._muted_until is not None
        self._muted_until = None
        self._show_mute()
        if was:
            self.mute_changed.emit(False)

    def _show_mute(self) -> None:
        left = self.mute_left_s()
        if left <= 0:
            self.mute_label.setVisible(False)
            return
        minutes, seconds = divmod(int(left + 0.999), 60)
        self.mute_label.setText(self.tr("Alarm sound muted: {time} left").format(time=f"{minutes}:{seconds:02d}"))
        self.mute_label.setStyleSheet("font-weight: bold;")
        self.mute_label.setVisible(True)

    # --- the clock -----------------------------------------------------------------------
    def tick(self) -> None:
        """Check the book, end an expired mute, blink and retire the banner."""
        self.check()
        if self._muted_until is not None and self.mute_left_s() <= 0:
            self.unmute()
        elif self._muted_until is not None:
            self._show_mute()
        if self._cued_at is not None:
            age = self.clock() - self._cued_at
            if age >= BANNER_S:
                self.banner.setVisible(False)
                self._cued_at = None
            elif age < FLASH_S:
                # Blink at 2 Hz: a steady colour in a status bar is missed at 3 a.m.
                self.banner.setVisible(int(age * 4) % 2 == 0)
            else:
                self.banner.setVisible(True)

    def dismiss(self) -> None:
        self.banner.setVisible(False)
        self._cued_at = None
