"""Regenerate assets/sounds/alarm.wav: the cue for a new level I or II alarm.

Two falling tones, repeated (about 1.2 s): the high-low pattern of a warning
chime, distinct from any system notification sound. 16-bit mono at 22,050 Hz,
with short fades so the speaker does not click. Needs only NumPy.

    python scripts/make_alarm_sound.py
"""

from __future__ import annotations

import sys
import wave
from pathlib import Path

import numpy as np

OUT = Path(__file__).resolve().parents[1] / "assets" / "sounds" / "alarm.wav"
RATE_HZ = 22_050
TONES = ((988.0, 0.22), (740.0, 0.22), (0.0, 0.08), (988.0, 0.22), (740.0, 0.30))  # B5, F#5; Hz, s


def tone(frequency_hz: float, seconds: float) -> np.ndarray:
    t = np.arange(int(RATE_HZ * seconds)) / RATE_HZ
    if frequency_hz == 0:
        return np.zeros_like(t)
    # A little of the octave above makes it carry over a room's noise.
    wave_ = np.sin(2 * np.pi * frequency_hz * t) + 0.3 * np.sin(4 * np.pi * frequency_hz * t)
    fade = np.minimum(1.0, np.minimum(t, seconds - t) / 0.012)
    return wave_ * fade


def main() -> int:
    samples = np.concatenate([tone(f, s) for f, s in TONES])
    samples = 0.6 * samples / np.abs(samples).max()
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with wave.open(str(OUT), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(RATE_HZ)
        out.writeframes((samples * 32767).astype("<i2").tobytes())
    print(f"{OUT}: {len(samples) / RATE_HZ:.2f} s, {OUT.stat().st_size / 1000:.0f} kB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
