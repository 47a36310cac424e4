"""CSV feed blocks: the vectorised parse of rows, and the careful one-row parse."""

from __future__ import annotations

import math

import numpy as np

from console.feeds.codec.cursor import (
    _COLUMNS,
    _DIGIT,
    _MINUS,
    _QUOTE,
    LineProblem,
    ParsedRows,
    _expect,
    _finish,
    _parse_epoch_ms,
    _parse_numbers,
    _parse_time_tokens,
    _quality,
    _quality_codes,
    _scan,
    _window,
)
from console.feeds.timefmt import parse_time_value

# --- CSV -----------------------------------------------------------------------------------

CSV_COLUMNS = ("t", "sensor", "value", "quality")


def parse_time_fields(buf: np.ndarray, pos: np.ndarray, t_len: np.ndarray, ok: np.ndarray) -> np.ndarray:
    """Times of the fields at ``pos`` (``t_len`` bytes each) as epoch ms; clears ``ok`` where one does not parse."""
    n = len(pos)
    t_first = buf[np.minimum(pos, len(buf) - 1)]
    # Epoch milliseconds are all digits; anything else must be RFC 3339.
    is_epoch = (t_len <= 16) & (_DIGIT[t_first] | (t_first == _MINUS))
    if is_epoch.any():
        window = _window(buf, pos, 16)
        body = (_DIGIT[window] | (_COLUMNS[:16] >= t_len[:, None]))
        body[:, 0] |= t_first == _MINUS
        is_epoch &= body.all(axis=1)
    t_ms = np.zeros(n, dtype=np.int64)
    rows = np.flatnonzero(ok & is_epoch)
    if len(rows):
        t_ms[rows], ok[rows] = _parse_epoch_ms(buf, pos[rows], t_len[rows], ok[rows])
    rows = np.flatnonzero(ok & ~is_epoch)
    if len(rows):
        t_ms[rows], ok[rows] = _parse_time_tokens(buf, pos[rows], t_len[rows], ok[rows])
    return t_ms


def parse_csv_block(buf: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> ParsedRows:
    """Parse unquoted CSV rows ``t,sensor,value[,quality]``; other rows get ok = False."""
    n = len(starts)
    end = ends
    pos = starts.copy()
    first = buf[np.minimum(pos, len(buf) - 1)]
    ok = (first != _QUOTE) & (end > pos)
    t_len, found = _scan(buf, pos, end, b",")
    ok &= found
    t_ms = parse_time_fields(buf, pos, t_len, ok)
    pos = pos + t_len
    ok &= _expect(buf, pos, end, b",")
    id_start = pos + 1
    id_len, found = _scan(buf, id_start, end, b',"')
    ok &= found & (id_len > 0)
    pos = id_start + id_len
    ok &= _expect(buf, pos, end, b",")
    pos = pos + 1
    value_len, found = _scan(buf, pos, end, b',"')
    value, ok = _parse_numbers(buf, pos, value_len, ok & found)
    pos = pos + value_len
    quality = np.zeros(n, dtype=np.uint8)
    with_quality = np.flatnonzero(ok & (pos < end))
    if len(with_quality):
        q_pos = pos[with_quality]
        q_ok = _expect(buf, q_pos, end[with_quality], b",")
        q_len, found = _scan(buf, q_pos + 1, end[with_quality], b',"')
        q_ok &= found & (q_pos + 1 + q_len == end[with_quality])
        empty = q_ok & (q_len == 0)
        codes, named_ok = _quality_codes(buf, q_pos + 1, q_len, q_ok & ~empty)
        quality[with_quality] = codes
        ok[with_quality] = named_ok | empty
        pos[with_quality] = end[with_quality]
    ok &= pos == end
    return _finish(ok, buf, id_start, id_len, t_ms, value, quality)


def parse_csv_row(fields: list[str]):
    """Careful parse of one CSV row (already split); returns ``("reading", ...)`` like ``parse_json_line``."""
    if not any(f.strip() for f in fields):
        return None
    if len(fields) not in (3, 4):
        raise LineProblem(f"{len(fields)} fields, want 3 or 4 (t,sensor,value[,quality])")
    t_text, sensor, value_text = (f.strip() for f in fields[:3])
    t_value = int(t_text) if t_text.lstrip("-").isdigit() else t_text
    t_ms = parse_time_value(t_value)
    if t_ms is None:
        raise LineProblem(f"bad time {t_text!r}: want RFC 3339 with an offset or epoch milliseconds")
    if not sensor:
        raise LineProblem("empty sensor id")
    try:
        value = float(value_text)
    except ValueError:
        raise LineProblem(f"value is not a number: {value_text!r}") from None
    if not math.isfinite(value):
        raise LineProblem(f"value is not finite: {value_text!r}")
    quality = _quality(fields[3].strip() if len(fields) == 4 else "")
    return ("reading", t_ms, sensor, value, quality)
