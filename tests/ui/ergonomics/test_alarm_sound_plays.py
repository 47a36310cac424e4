"""The alarm chime really reaches an audio device: a PulseAudio server with a null sink, recorded back.

The server runs in a child of the test on a socket in the test's folder; the
console plays in a child process of its own (QtMultimedia connects to the sound
server once per process), and ``parec`` records what the sink received.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
import time
import wave

import numpy as np
import pytest

from console.ui.cue import SOUND

REPO = SOUND.parents[2]
RATE_HZ = 22_050

PLAY = textwrap.dedent("""
    import json, time
    from PySide6.QtWidgets import QApplication
    app = QApplication([])
    from console.ui.cue import AlarmSound
    sound = AlarmSound()
    played = sound.play()
    seen, deadline = [], time.monotonic() + 10
    while played and time.monotonic() < deadline:
        app.processEvents()
        state = sound.effect.isPlaying()
        if not seen or seen[-1] != state:
            seen.append(state)
        if seen[-2:] == [True, False]:
            break
        time.sleep(0.01)
    print(json.dumps({"played": played, "error": sound.error, "playing": seen}))
""")


@pytest.fixture
def pulse_server(tmp_path):
    if not (shutil.which("pulseaudio") and shutil.which("parec")):
        pytest.skip("pulseaudio and parec (Debian: pulseaudio, pulseaudio-utils) are not installed")
    runtime = tmp_path / "run"
    runtime.mkdir(mode=0o700)
    socket = runtime / "native"
    env = {**os.environ, "XDG_RUNTIME_DIR": str(runtime)}
    server = subprocess.Popen(
        ["pulseaudio", "-n", "--daemonize=no", "--exit-idle-time=-1", "--disable-shm=yes",
         "--load=module-null-sink sink_name=console_test rate=22050 channels=1",
         f"--load=module-native-protocol-unix socket={socket} auth-anonymous=1"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 20
    while not socket.exists():
        if server.poll() is not None or time.monotonic() > deadline:
            server.kill()
            pytest.fail(f"pulseaudio did not start: {server.stderr.read().decode(errors='replace')[-500:]}")
        time.sleep(0.05)
    yield f"unix:{socket}"
    server.terminate()
    server.wait(10)


def test_the_chime_is_heard_on_a_sound_server(pulse_server, tmp_path):
    recorded = tmp_path / "recorded.raw"
    with open(recorded, "wb") as out:
        recorder = subprocess.Popen(["parec", f"--server={pulse_server}", "-d", "console_test.monitor", "--raw",
                                     "--format=s16le", f"--rate={RATE_HZ}", "--channels=1"], stdout=out)
        try:
            env = {**os.environ, "PULSE_SERVER": pulse_server, "QT_QPA_PLATFORM": "offscreen",
                   "PYTHONPATH": str(REPO)}
            done = subprocess.run([sys.executable, "-c", PLAY], env=env, cwd=REPO, capture_output=True, text=True,
                                  timeout=120)
        finally:
            recorder.terminate()
            recorder.wait(10)
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["error"] is None and result["played"] is True
    assert result["playing"][-2:] == [True, False]  # it played and finished
    samples = np.fromfile(recorded, dtype="<i2").astype(np.float64)
    with wave.open(str(SOUND)) as chime:
        chime_s = chime.getnframes() / chime.getframerate()
    loud_s = np.count_nonzero(np.abs(samples) > 1000) / RATE_HZ
    assert np.abs(samples).max() > 10_000  # the chime's level, not the silence of an idle sink
    assert 0.5 * chime_s < loud_s < 1.5 * chime_s
