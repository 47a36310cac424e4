"""Recording feed events to a JSON Lines file that reads back as the same feed (``FeedRecorder``)."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import numpy as np

from console.feeds import codec
from console.feeds.events import CapWarning, SensorStatusEvent
from console.feeds.timefmt import format_time
from console.model.readings import ReadingBatch


class FeedRecorder:
    """Writes feed events to a JSON Lines file (gzip when the name ends in ``.gz``).

    What is written reads back (``read_feed``) as the same readings, status events
    and CAP warnings in the same order. Adapter status events are not part of a feed
    and are skipped; so are readings whose value is not finite (JSON has no NaN),
    counted in ``skipped_non_finite``.

    Parameters
    ----------
    path : path-like
    utc_offset_minutes : int
        Offset the times are written in (480: ``+08:00``, China Standard Time).
    compresslevel : int
        Gzip level (1 fastest .. 9 smallest).
    """

    def __init__(self, path: str | Path, *, utc_offset_minutes: int = 480, compresslevel: int = 6):
        self.path = Path(path)
        self.utc_offset_minutes = int(utc_offset_minutes)
        if self.path.name.lower().endswith(".gz"):
            # mtime=0 and no file name in the header: the same events give the same bytes.
            raw = open(self.path, "wb")  # noqa: SIM115 - held open across write() calls, closed in close()
            self._handle = gzip.GzipFile(filename="", mode="wb", fileobj=raw, compresslevel=compresslevel, mtime=0)
            self._raw = raw
        else:
            self._handle = open(self.path, "wb")  # noqa: SIM115 - as above
            self._raw = None
        self._escaped: dict[str, bytes] = {}
        self.readings_written = 0
        self.events_written = 0
        self.skipped_non_finite = 0

    def write(self, events) -> None:
        """Write one event or an iterable of events."""
        if isinstance(events, ReadingBatch | SensorStatusEvent | CapWarning) or not hasattr(events, "__iter__"):
            events = [events]
        for event in events:
            if isinstance(event, ReadingBatch):
                self._write_readings(event)
            elif isinstance(event, SensorStatusEvent):
                self._write_json({"t": format_time(event.t_ms, self.utc_offset_minutes), "status": event.status,
                                  "sensor": event.sensor})
            elif isinstance(event, CapWarning):
                self._write_json({"t": format_time(event.t_ms, self.utc_offset_minutes), "cap": event.xml})

    def _write_json(self, record: dict) -> None:
        self._handle.write(json.dumps(record, ensure_ascii=False, separators=(",", ":")).encode("utf-8") + b"\n")
        self.events_written += 1

    def _id_bytes(self, sensor: str) -> bytes:
        escaped = self._escaped.get(sensor)
        if escaped is None:
            escaped = self._escaped[sensor] = json.dumps(str(sensor), ensure_ascii=False)[1:-1].encode("utf-8")
        return escaped

    def _write_readings(self, batch: ReadingBatch) -> None:
        finite = np.isfinite(batch.value)
        if not finite.all():
            self.skipped_non_finite += int((~finite).sum())
            batch = batch.take(finite)
        if len(batch) == 0:
            return
        names, inverse = np.unique(batch.sensor.astype(str), return_inverse=True)
        chars, mask = codec.text_field([self._id_bytes(name) for name in names.tolist()])
        inverse = inverse.reshape(-1)
        self._handle.write(codec.encode_json_readings(
            (chars[inverse], mask[inverse]), batch.t_ms, codec.format_shortest(batch.value), batch.quality,
            self.utc_offset_minutes,
        ))
        self.readings_written += len(batch)

    def close(self) -> None:
        self._handle.close()
        if self._raw is not None:
            self._raw.close()

    def __enter__(self) -> FeedRecorder:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
