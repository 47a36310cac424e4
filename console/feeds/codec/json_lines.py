"""JSON Lines blocks: the fast paths for reading lines, and the careful one-line parse."""

from __future__ import annotations

import json
import math

import numpy as np

from console.feeds.codec.cursor import (
    _COMMA,
    _QUOTE,
    _SPACE,
    _TAB,
    LineProblem,
    ParsedRows,
    _expect,
    _finish,
    _no_blanks,
    _parse_epoch_ms,
    _parse_numbers,
    _parse_time_tokens,
    _quality,
    _quality_codes,
    _scan,
    _skip_blanks,
)
from console.feeds.codec.json_fast import (
    _json_as_written,
)
from console.feeds.timefmt import parse_time_value

# --- JSON Lines ----------------------------------------------------------------------------


def parse_json_block(buf: np.ndarray, starts: np.ndarray, ends: np.ndarray, blanks: bool | None = None) -> ParsedRows:
    """Parse the reading lines of a block that have the usual shape.

    The shape is ``{"t":T,"sensor":"ID","value":V}`` with an optional
    ``,"quality":"Q"`` before the closing brace, T an RFC 3339 string or epoch
    milliseconds, and optional blanks after ``:`` and ``,``. Every other
    line gets ``ok = False`` and is for the caller's careful parse. ``blanks``:
    whether the block may contain blanks at all (None: look).

    Lines exactly as the console writes them (no blanks, a quoted time) take a
    shorter road (``_json_as_written``); the others the general one.
    """
    n = len(starts)
    if n == 0:
        return _finish(np.zeros(0, dtype=bool), buf, starts, starts, starts, np.zeros(0), np.zeros(0))
    fields = _json_as_written(buf, starts, ends)
    other = np.flatnonzero(~fields[0])
    if len(other):
        if blanks is None and len(other) < 1000:  # a few odd lines: look for blanks in them only
            blanks = any(32 in buf[a:b] or 9 in buf[a:b] for a, b in zip(starts[other], ends[other], strict=True))
        general = _json_general(buf, starts[other], ends[other], blanks)
        for column, part in zip(fields, general, strict=True):
            column[other] = part
    return _finish(*fields[:1], buf, *fields[1:])


# Literal bytes as little-endian words, and masks for the first k bytes of a word.

def _json_general(buf: np.ndarray, starts: np.ndarray, ends: np.ndarray, blanks: bool | None):
    """Fields of lines of the usual shape, with blanks and epoch times allowed: (ok, id_start, id_len, t, v, q)."""
    n = len(starts)
    end = ends
    if blanks is None:
        blanks = bool(np.any(buf == _SPACE) or np.any(buf == _TAB))
    skip = _skip_blanks if blanks else _no_blanks
    pos = skip(buf, starts, end)
    ok = _expect(buf, pos, end, b'{"t":')
    pos = pos + 5
    pos = skip(buf, pos, end)
    first = buf[np.minimum(pos, len(buf) - 1)]
    quoted = first == _QUOTE
    t_ms = np.zeros(n, dtype=np.int64)
    # RFC 3339 string times
    rows = np.flatnonzero(ok & quoted)
    if len(rows):
        # Most times share one length (25 for "+08:00" without a fraction): try that first;
        # the time parser rejects any quote inside, so the guess cannot go wrong.
        length = np.full(len(rows), 25, dtype=np.int64)
        found = buf[np.minimum(pos[rows] + 26, len(buf) - 1)] == _QUOTE
        if not found.all():
            other = np.flatnonzero(~found)
            length[other], found[other] = _scan(buf, pos[rows[other]] + 1, end[rows[other]], b'"')
        closed = found & (buf[np.minimum(pos[rows] + 1 + length, len(buf) - 1)] == _QUOTE)
        parsed, parsed_ok = _parse_time_tokens(buf, pos[rows] + 1, length, closed)
        t_ms[rows] = parsed
        ok[rows] = parsed_ok
        pos[rows] += length + 2
    # epoch-millisecond times
    rows = np.flatnonzero(ok & ~quoted)
    if len(rows):
        length, found = _scan(buf, pos[rows], end[rows], b", ")
        parsed, parsed_ok = _parse_epoch_ms(buf, pos[rows], length, found)
        t_ms[rows] = parsed
        ok[rows] = parsed_ok
        pos[rows] += length
    pos = skip(buf, pos, end)
    ok &= _expect(buf, pos, end, b",")
    pos = skip(buf, pos + 1, end)
    ok &= _expect(buf, pos, end, b'"sensor":')
    pos = skip(buf, pos + 9, end)
    ok &= _expect(buf, pos, end, b'"')
    id_start = pos + 1
    id_len, found = _scan(buf, id_start, end, b'"\\')
    ok &= found & (id_len > 0)
    pos = id_start + id_len
    ok &= _expect(buf, pos, end, b'"')
    pos = skip(buf, pos + 1, end)
    ok &= _expect(buf, pos, end, b",")
    pos = skip(buf, pos + 1, end)
    ok &= _expect(buf, pos, end, b'"value":')
    pos = skip(buf, pos + 8, end)
    value_len, found = _scan(buf, pos, end, b",} \t")
    value, ok = _parse_numbers(buf, pos, value_len, ok & found)
    pos = skip(buf, pos + value_len, end)
    quality = np.zeros(n, dtype=np.uint8)
    after = buf[np.minimum(pos, len(buf) - 1)]
    with_quality = np.flatnonzero(ok & (after == _COMMA))
    if len(with_quality):
        q_pos = skip(buf, pos[with_quality] + 1, end[with_quality])
        q_end = end[with_quality]
        q_ok = _expect(buf, q_pos, q_end, b'"quality":')
        q_pos = skip(buf, q_pos + 10, q_end)
        q_ok &= _expect(buf, q_pos, q_end, b'"')
        q_len, found = _scan(buf, q_pos + 1, q_end, b'"\\')
        codes, q_ok = _quality_codes(buf, q_pos + 1, q_len, q_ok & found)
        q_pos = q_pos + 1 + q_len
        q_ok &= _expect(buf, q_pos, q_end, b'"')
        quality[with_quality] = codes
        ok[with_quality] = q_ok
        pos[with_quality] = skip(buf, q_pos + 1, q_end)
    ok &= _expect(buf, pos, end, b"}")
    pos = skip(buf, pos + 1, end)
    ok &= pos == end
    return [ok, id_start, id_len, t_ms, value, quality]



def parse_json_line(text: bytes):
    """Careful parse of one JSON line.

    Returns
    -------
    ``("reading", t_ms, sensor, value, quality)``, ``("status", t_ms, sensor, status)``,
    ``("cap", t_ms, xml)`` or None for a blank line.

    Raises
    ------
    LineProblem
        With the reason in plain words.
    """
    if not text.strip():
        return None
    try:
        record = json.loads(text)
    except UnicodeDecodeError:
        raise LineProblem("not UTF-8 text") from None
    except json.JSONDecodeError as exc:
        raise LineProblem(f"broken JSON: {exc.msg} (column {exc.colno})") from None
    if not isinstance(record, dict):
        raise LineProblem(f"not a JSON object but {type(record).__name__}")
    if "t" not in record:
        raise LineProblem("missing field 't'")
    t_ms = parse_time_value(record["t"])
    if t_ms is None:
        raise LineProblem(f"bad time {record['t']!r}: want RFC 3339 with an offset or epoch milliseconds")
    if "cap" in record:
        xml = record["cap"]
        if not isinstance(xml, str) or not xml.strip():
            raise LineProblem("field 'cap' must be the CAP message as XML text")
        return ("cap", t_ms, xml)
    sensor = record.get("sensor")
    if sensor is None:
        raise LineProblem("missing field 'sensor'")
    if not isinstance(sensor, str) or not sensor:
        raise LineProblem(f"field 'sensor' must be a non-empty string, not {sensor!r}")
    if "status" in record:
        status = record["status"]
        if status not in ("online", "offline"):
            raise LineProblem(f"unknown status {status!r} (want 'online' or 'offline')")
        return ("status", t_ms, sensor, status)
    if "value" not in record:
        raise LineProblem("missing field 'value'")
    value = record["value"]
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise LineProblem(f"value is not a number: {value!r}")
    if not math.isfinite(value):
        raise LineProblem(f"value is not finite: {value!r}")
    return ("reading", t_ms, sensor, float(value), _quality(record.get("quality", "good")))
