"""The cue for a new level I or II alarm: once per new alarm, silenced while muted, un-muted by itself."""

from __future__ import annotations

import logging

import pytest

from console.ui.cue import AlarmSound
from tests.ui.live_fixtures import T0, confirmed


class Clock:
    """Seconds that move only when the test says."""

    def __init__(self):
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def cue(window):
    cue = window.ergonomics.cue
    cue.clock = Clock()
    return cue


def feed(window, pairs, t_ms=T0):
    window.feed(confirmed(pairs, t_ms), "live", now_ms=t_ms)
    window.ergonomics.cue.tick()


def test_a_new_level_one_alarm_cues_once_and_a_level_three_does_not(window, cue):
    feed(window, [("GAS-00001", 12.0)])  # level III
    assert cue.cues == 0 and not cue.banner.isVisible()
    feed(window, [("GAS-00002", 60.0)])  # level I
    assert cue.cues == 1 and cue.sounds_asked == 1
    assert cue.banner.isVisible()
    assert "GAS-00002" in cue.banner.text() and "I" in cue.banner.text()
    assert "#D7263D" in cue.banner.styleSheet()  # the level's colour
    feed(window, [("GAS-00002", 62.0)], T0 + 60_000)  # the same alarm again: nothing new
    assert cue.cues == 1
    feed(window, [("GAS-00001", 30.0)], T0 + 120_000)  # the level III one escalates to II: new and severe
    assert cue.cues == 2 and cue.sounds_asked == 2
    # The banner blinks, then stays, then goes after a minute.
    cue.clock.now += 0.3
    cue.tick()
    assert not cue.banner.isVisible()
    cue.clock.now += 15
    cue.tick()
    assert cue.banner.isVisible()
    cue.clock.now += 60
    cue.tick()
    assert not cue.banner.isVisible()


def test_a_muted_console_stays_silent_shows_the_time_left_and_unmutes_itself(window, cue):
    window.ergonomics.mute_actions[5].trigger()
    assert cue.muted and window.ergonomics.unmute_action.isEnabled()
    assert cue.mute_label.isVisible() and "5:00" in cue.mute_label.text()
    feed(window, [("GAS-00003", 60.0)])
    assert cue.cues == 1 and cue.sounds_asked == 0  # seen, not heard
    assert cue.banner.isVisible()
    cue.clock.now += 4 * 60 + 30
    cue.tick()
    assert cue.muted and "0:30" in cue.mute_label.text()
    cue.clock.now += 31
    cue.tick()
    assert not cue.muted and not cue.mute_label.isVisible()
    assert not window.ergonomics.unmute_action.isEnabled()
    feed(window, [("GAS-00004", 30.0)], T0 + 60_000)  # level II after the mute ran out: heard
    assert cue.cues == 2 and cue.sounds_asked == 1


def test_alarms_present_when_a_book_is_bound_are_not_new(window, cue):
    feed(window, [("GAS-00005", 60.0)])
    assert cue.cues == 1
    window.show_live_state()  # bound again (as after a seek): what is there is not new
    cue.tick()
    assert cue.cues == 1


def test_without_an_audio_device_the_cue_is_visual_and_says_so_once(caplog, qapp, tmp_path):
    sound = AlarmSound()
    with caplog.at_level(logging.WARNING, logger="console.ui.cue"):
        first = sound.play()
        second = sound.play()
    if sound.error is None:
        pytest.skip("this machine has an audio output: the sound really plays")
    assert first is False and second is False
    records = [r for r in caplog.records if r.name == "console.ui.cue"]
    assert len(records) == 1
    assert "visual only" in records[0].getMessage()
    missing = AlarmSound(tmp_path / "none.wav")
    assert missing.play() is False and "none.wav is missing" in missing.error


def test_the_bundled_sound_is_a_short_small_wav():
    import wave

    from console.ui.cue import SOUND

    with wave.open(str(SOUND)) as sound:
        seconds = sound.getnframes() / sound.getframerate()
        assert sound.getnchannels() == 1 and sound.getsampwidth() == 2
    assert 0.3 < seconds < 2.0
    assert SOUND.stat().st_size < 100_000


def test_the_sound_is_prepared_once_the_window_is_up_not_at_the_first_alarm(window, cue, qtbot):
    sound = cue.sound
    # Loading the audio backend takes tens of milliseconds: it is done before any alarm comes.
    qtbot.waitUntil(lambda: sound.effect is not None or sound.error is not None, timeout=10_000)
    assert cue.cues == 0
