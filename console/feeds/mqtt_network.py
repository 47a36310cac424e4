"""The network side of an MQTT source: paho's client on a buffered socket, and one step of its loop (no Qt).

paho's stock ``loop()`` reads one packet per ``select`` and makes a system call
for every few bytes and for every QoS 1 acknowledgement; at tens of thousands of
messages a second those calls are the cost. ``network_step`` reads a whole
socket buffer per wake-up and sends a burst's acknowledgements together.
"""

from __future__ import annotations

import select
import ssl

import paho.mqtt.client as paho
from paho.mqtt.enums import MQTTErrorCode


class _BufferedSocket:
    """The broker's socket with reads and writes gathered: few system calls per burst of messages.

    paho reads every packet with three or more ``recv`` calls (command byte, length
    bytes one by one, body) and sends each QoS 1 acknowledgement with its own
    ``send``. Here a ``recv`` is served from a 64 KiB buffer and a ``send`` is queued;
    the network loop flushes the queue once per burst (``flush``).
    """

    __slots__ = ("_sock", "_buffer", "_at", "_out", "_error")

    def __init__(self, sock):
        self._sock = sock
        self._buffer = b""
        self._at = 0
        self._out: list[bytes] = []
        self._error: OSError | None = None

    def recv(self, size: int) -> bytes:
        if self._error is not None:
            raise self._error
        if self._at >= len(self._buffer):
            data = self._sock.recv(max(size, 1 << 16))  # BlockingIOError and TLS want-read pass through
            if len(data) <= size:
                return data
            self._buffer, self._at = data, 0
        start = self._at
        self._at = start + size
        return self._buffer[start:self._at]

    def pending(self) -> int:
        """Bytes received and not yet handed to paho."""
        inner = self._sock.pending() if hasattr(self._sock, "pending") else 0
        return max(0, len(self._buffer) - self._at) + inner

    def send(self, data) -> int:
        if self._error is not None:
            raise self._error
        self._out.append(bytes(data))
        return len(data)

    @property
    def outgoing(self) -> bool:
        return bool(self._out)

    def flush(self) -> None:
        """Send what was queued, as far as the socket takes it now; an error shows on the next recv."""
        if not self._out:
            return
        data = b"".join(self._out)
        self._out = []
        try:
            sent = self._sock.send(data)
        except (BlockingIOError, ssl.SSLWantWriteError, ssl.SSLWantReadError):
            sent = 0
        except OSError as exc:
            self._error = exc
            return
        if sent < len(data):
            self._out = [data[sent:]]

    def close(self) -> None:
        self.flush()  # paho closes right after queueing DISCONNECT
        self._sock.close()

    def __getattr__(self, name):  # setblocking, fileno, ... as the socket has them
        return getattr(self._sock, name)


class BufferedClient(paho.Client):
    """paho's client on a ``_BufferedSocket``; run its network with ``network_step``, not ``loop()``."""

    def _create_socket(self):
        return _BufferedSocket(super()._create_socket())


def network_step(client: BufferedClient, timeout_s: float) -> MQTTErrorCode:
    """Wait for the socket (at most ``timeout_s``), read every packet it has, send what is queued, keep alive.

    paho's own ``loop()`` handles one packet per ``select``; this reads a whole
    buffer of them per wake-up, which is what keeps up with tens of thousands of
    messages a second. Call it from one thread only, as paho's loop.
    """
    sock = client.socket()
    if not isinstance(sock, _BufferedSocket):
        return MQTTErrorCode.MQTT_ERR_NO_CONN
    sock.flush()
    readable = sock.pending() > 0
    if not readable:
        want_write = [sock] if sock.outgoing or client.want_write() else []
        try:
            ready, _, _ = select.select([sock], want_write, [], timeout_s)
        except (OSError, ValueError):
            return MQTTErrorCode.MQTT_ERR_CONN_LOST
        readable = bool(ready)
    if readable:
        rc = client.loop_read()
        while rc == MQTTErrorCode.MQTT_ERR_SUCCESS and client.socket() is sock and sock.pending() > 0:
            rc = client.loop_read()
        if rc != MQTTErrorCode.MQTT_ERR_SUCCESS:
            return rc
    if client.socket() is not sock:
        return MQTTErrorCode.MQTT_ERR_CONN_LOST
    if client.want_write():
        rc = client.loop_write()
        if rc != MQTTErrorCode.MQTT_ERR_SUCCESS:
            return rc
    sock.flush()
    return client.loop_misc()
