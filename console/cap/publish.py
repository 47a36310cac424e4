"""Where exported CAP alerts go: a file (written whole or not at all), a folder, an MQTT topic (no Qt).

A file is written to a temporary name beside it and renamed into place, so a
reader (another department's watched folder, the console's own ``cap`` source)
never sees half a document: the temporary name ends in ``.part``, which a
folder watcher looking for ``.xml`` passes over. An MQTT target publishes the
document as one message with QoS 1 and waits for the broker's acknowledgement.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from console.errors import InputError

__all__ = ["Target", "parse_target", "publish", "write_atomic"]

MQTT_TIMEOUT_S = 10.0


@dataclass(frozen=True)
class Target:
    """A publishing target: ``kind`` "folder" (``path``) or "mqtt" (``host``, ``port``, ``topic``)."""

    kind: str
    text: str
    path: Path | None = None
    host: str = ""
    port: int = 1883
    topic: str = ""


def parse_target(text: str) -> Target:
    """``folder:PATH`` or ``mqtt://HOST[:PORT]/TOPIC``; InputError naming the target otherwise."""
    where = f"target {text!r}"
    if text.startswith("folder:"):
        folder = Path(text[len("folder:"):]).expanduser()
        if not str(folder) or text == "folder:":
            raise InputError(where, "names no folder (folder:PATH)")
        return Target("folder", text, path=folder)
    parts = urlsplit(text)
    if parts.scheme == "mqtt":
        # A "#" starts a URL fragment: put it back, it belongs to the topic (and is refused below).
        topic = unquote(parts.path.lstrip("/")) + (f"#{parts.fragment}" if "#" in text else "")
        if not parts.hostname or not topic:
            raise InputError(where, "needs a host and a topic: mqtt://HOST:PORT/TOPIC")
        if "+" in topic or "#" in topic:
            raise InputError(where, f"topic {topic!r} holds a wildcard: one publishes to a plain topic")
        try:
            port = parts.port or 1883
        except ValueError:
            raise InputError(where, "the port is not a number from 1 to 65535") from None
        return Target("mqtt", text, host=parts.hostname, port=port, topic=topic)
    raise InputError(where, "is neither folder:PATH nor mqtt://HOST:PORT/TOPIC")


def write_atomic(path, data: bytes) -> Path:
    """Write ``data`` to ``path`` through a temporary file in the same folder and a rename."""
    path = Path(path)
    folder = path.parent
    if not folder.is_dir():
        raise InputError(path, f"cannot write: the folder {folder} does not exist")
    if path.is_dir():
        raise InputError(path, "cannot write: it is a folder")
    try:
        handle, temporary = tempfile.mkstemp(dir=folder, prefix=f".{path.stem}-", suffix=".part")
    except OSError as exc:
        raise InputError(path, f"cannot write in {folder}: {exc.strerror or exc}") from None
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except OSError as exc:
        Path(temporary).unlink(missing_ok=True)
        raise InputError(path, f"cannot write: {exc.strerror or exc}") from None
    return path


def _publish_mqtt(target: Target, data: bytes, timeout_s: float) -> None:
    import paho.mqtt.client as paho
    from paho.mqtt.enums import CallbackAPIVersion

    where = f"target {target.text}"
    client = paho.Client(CallbackAPIVersion.VERSION2, client_id="", protocol=paho.MQTTv311)
    try:
        client.connect(target.host, target.port, keepalive=30)
    except (OSError, ValueError) as exc:
        raise InputError(where, f"cannot reach the broker {target.host}:{target.port}: "
                                f"{getattr(exc, 'strerror', None) or exc}") from None
    client.loop_start()
    try:
        info = client.publish(target.topic, data, qos=1)
        info.wait_for_publish(timeout_s)
        if not info.is_published():
            raise InputError(where, f"the broker did not acknowledge the message within {timeout_s:g} s")
    except (RuntimeError, ValueError) as exc:
        raise InputError(where, f"not published: {exc}") from None
    finally:
        client.disconnect()
        client.loop_stop()


def publish(target: Target, name: str, data: bytes, *, timeout_s: float = MQTT_TIMEOUT_S) -> str:
    """Publish one document (``name``: its identifier, the file name in a folder); returns where it went."""
    if target.kind == "folder":
        if not target.path.is_dir():
            raise InputError(f"target {target.text}", "the folder does not exist")
        return str(write_atomic(target.path / f"{name}.xml", data))
    _publish_mqtt(target, data, timeout_s)
    return f"mqtt://{target.host}:{target.port}/{target.topic}"
