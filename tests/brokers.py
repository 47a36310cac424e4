"""A real mosquitto broker for tests and benchmarks: started on a free loopback port, killed, restarted.

The broker persists its state in its own folder and saves after every change,
so a persistent session (and the messages queued for it) survives a SIGKILL.
"""

from __future__ import annotations

import getpass
import os
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

MOSQUITTO = shutil.which("mosquitto") or "/usr/sbin/mosquitto"


def mosquitto_available() -> bool:
    return os.access(MOSQUITTO, os.X_OK)


def wait_until(condition: Callable[[], object], timeout: float = 10.0, interval: float = 0.01,
               message: str = "condition") -> object:
    """Poll ``condition`` until it returns something true; AssertionError after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        result = condition()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:g} s waiting for {message}")
        time.sleep(interval)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Mosquitto:
    """One mosquitto process on 127.0.0.1 with its config, persistence and log in ``folder``.

    Parameters
    ----------
    folder : Path
    port : int, optional
        A free port is picked when not given; restarts keep it.
    extra_config : str
        Lines appended to the config (e.g. ``allow_anonymous false``).
    save_every_change : bool
        Persist after every change (so state survives SIGKILL); off for benchmarks, where
        rewriting the database per message would be what is measured.
    """

    def __init__(self, folder: Path, port: int | None = None, extra_config: str = "",
                 save_every_change: bool = True):
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.port = port or free_port()
        self.config = self.folder / "mosquitto.conf"
        self.log = self.folder / "mosquitto.log"
        anonymous = "" if "allow_anonymous" in extra_config else "allow_anonymous true\n"
        autosave = "autosave_interval 1\nautosave_on_changes true\n" if save_every_change else ""
        self.config.write_text(
            f"listener {self.port} 127.0.0.1\n{anonymous}"
            f"persistence true\npersistence_location {self.folder}/\n{autosave}"
            "max_queued_messages 2000000\nmax_inflight_messages 1000\n"
            f"log_dest file {self.log}\nlog_type error\nlog_type warning\nlog_type notice\n"
            # Run as root, mosquitto would switch to its own user, who may not write to our folder.
            f"user {getpass.getuser()}\n{extra_config}"
        )
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = 10.0) -> Mosquitto:
        """Start the broker and wait until it accepts connections."""
        self.process = subprocess.Popen([MOSQUITTO, "-c", str(self.config)], stdout=subprocess.DEVNULL,
                                        stderr=subprocess.PIPE)
        deadline = time.monotonic() + timeout
        while True:
            if self.process.poll() is not None:
                error = self.process.stderr.read().decode(errors="replace")
                log = self.log.read_text(errors="replace") if self.log.exists() else ""
                raise RuntimeError(f"mosquitto exited with {self.process.returncode}: {error}{log}")
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return self
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"mosquitto did not listen on port {self.port} within {timeout} s") from None
                time.sleep(0.02)

    def kill(self) -> None:
        """SIGKILL: the broker dies without saving or saying goodbye to its clients."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(10)
        self._close()

    def stop(self) -> None:
        """SIGTERM and wait (the broker saves its state)."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)
        self._close()

    def _close(self) -> None:
        if self.process is not None and self.process.stderr is not None:
            self.process.stderr.close()
        self.process = None

    def restart(self) -> Mosquitto:
        self.kill()
        return self.start()

    def __enter__(self) -> Mosquitto:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


class Publisher:
    """A real paho client publishing with QoS 1 (its own network thread, reconnecting by itself)."""

    def __init__(self, port: int, client_id: str = "test-publisher"):
        import paho.mqtt.client as paho
        from paho.mqtt.enums import CallbackAPIVersion

        self.client = paho.Client(CallbackAPIVersion.VERSION2, client_id=client_id, clean_session=False)
        self.client.max_inflight_messages_set(0)  # no window (paho rescans it on every acknowledgement)
        self.client.max_queued_messages_set(0)
        self.client.reconnect_delay_set(0.05, 0.5)
        self.client.on_publish = self._on_publish
        self._acknowledged: set[int] = set()
        self._mids: list[int] = []
        self.client.connect("127.0.0.1", port)
        self.client.loop_start()

    def _on_publish(self, client, userdata, mid, reason_code, properties) -> None:
        self._acknowledged.add(mid)

    def publish(self, topic: str, payload, qos: int = 1) -> None:
        """Publish (queued by paho while the broker is away)."""
        self._mids.append(self.client.publish(topic, payload, qos=qos).mid)

    def all_acknowledged(self) -> bool:
        return self._acknowledged.issuperset(self._mids)

    def close(self) -> None:
        self.client.disconnect()
        self.client.loop_stop()


def mqtt_sources(port: int, client_id: str, **extra) -> str:
    """A sources file of one MQTT source ``city-iot`` on the test broker (topics ``city/CATEGORY/SENSOR/reading``)."""
    lines = ["[[source]]", 'kind = "mqtt"', 'name = "city-iot"', f"port = {port}",
             'topics = ["city/+/+/reading"]', 'sensor = "city/{category}/{sensor}/reading"', f'client_id = "{client_id}"']
    lines += [f"{key} = {value!r}" for key, value in extra.items()]
    return "\n".join(lines) + "\n"
