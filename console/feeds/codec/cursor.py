"""The vectorised parsing cursor: lines, literals, scans, numbers and times over a block of bytes."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from console.feeds.timefmt import parse_rfc3339_matrix
from console.model.readings import QUALITY_BY_NAME, Quality

_COLUMNS = np.arange(4096, dtype=np.int64)
_SCAN_WIDTHS = (16, 48, 256, 4096)
_QUOTE, _COMMA, _SPACE, _TAB, _MINUS = (ord(c) for c in '", \t-')

# Bytes that may appear in a JSON number.
_NUMBER_BYTES = np.zeros(256, dtype=bool)
_NUMBER_BYTES[[ord(c) for c in "0123456789+-.eE"]] = True
_NUMBER_FIRST = np.zeros(256, dtype=bool)
_NUMBER_FIRST[[ord(c) for c in "0123456789-"]] = True
_DIGIT = np.zeros(256, dtype=bool)
_DIGIT[[ord(c) for c in "0123456789"]] = True

_QUALITY_CODES = {name.encode(): int(q) for name, q in QUALITY_BY_NAME.items()}


# --- line splitting -----------------------------------------------------------------


def split_lines(buf: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Start and end (exclusive, without ``\\r\\n``) of each line of a block that ends with ``\\n``."""
    newlines = np.flatnonzero(buf == 10)
    starts = np.empty(len(newlines), dtype=np.int64)
    if len(newlines):
        starts[0] = 0
        starts[1:] = newlines[:-1] + 1
    ends = newlines.astype(np.int64)
    carriage = (ends > starts) & (buf[np.maximum(ends - 1, 0)] == 13)
    ends[carriage] -= 1
    return starts, ends


# --- vectorised cursor primitives ----------------------------------------------------


def _window(buf: np.ndarray, pos: np.ndarray, width: int) -> np.ndarray:
    """The ``width`` bytes from each position (clipped at the buffer end)."""
    if len(pos) == 0:
        return np.zeros((0, width), dtype=np.uint8)
    if int(pos.max()) + width <= len(buf) and int(pos.min()) >= 0:
        # Rows of a strided view copy whole runs; much faster than an index matrix.
        return sliding_window_view(buf, width)[pos]
    index = pos[:, None] + _COLUMNS[:width]
    np.minimum(index, len(buf) - 1, out=index)
    return buf[index]


def _expect(buf: np.ndarray, pos: np.ndarray, end: np.ndarray, literal: bytes) -> np.ndarray:
    """Rows whose text at ``pos`` is ``literal``."""
    if len(pos) == 0:
        return np.zeros(0, dtype=bool)
    want = np.frombuffer(literal, dtype=np.uint8)
    return (_window(buf, pos, len(literal)) == want).all(axis=1) & (pos + len(literal) <= end)


def _scan(buf: np.ndarray, pos: np.ndarray, end: np.ndarray, stops: bytes) -> tuple[np.ndarray, np.ndarray]:
    """Length from ``pos`` up to the first byte in ``stops`` or the line end; (length, found)."""
    n = len(pos)
    length = np.zeros(n, dtype=np.int64)
    found = np.zeros(n, dtype=bool)
    todo = np.arange(n)
    for width in _SCAN_WIDTHS:
        if len(todo) == 0:
            break
        p = pos[todo]
        window = _window(buf, p, width)
        hit = _COLUMNS[:width] >= (end[todo] - p)[:, None]
        for stop in stops:
            hit |= window == stop
        first = hit.argmax(axis=1)
        any_hit = hit[np.arange(len(todo)), first]
        length[todo[any_hit]] = first[any_hit]
        found[todo[any_hit]] = True
        todo = todo[~any_hit]
    return length, found


def _gather(buf: np.ndarray, start: np.ndarray, length: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Byte fields as a zero-padded matrix (n x max length) and its mask."""
    width = max(1, int(length.max())) if len(length) else 1
    mask = _COLUMNS[:width] < length[:, None]
    chars = _window(buf, start, width)
    chars *= mask
    return chars, mask


def _skip_blanks(buf: np.ndarray, pos: np.ndarray, end: np.ndarray) -> np.ndarray:
    """Advance past blanks (at most a few, which is all a pretty-printer writes)."""
    for _ in range(4):
        at = buf[np.minimum(pos, len(buf) - 1)]
        blank = ((at == _SPACE) | (at == _TAB)) & (pos < end)
        if not blank.any():
            break
        pos = pos + blank
    return pos


def _no_blanks(buf: np.ndarray, pos: np.ndarray, end: np.ndarray) -> np.ndarray:
    return pos


def as_fixed_strings(chars: np.ndarray) -> np.ndarray:
    """A zero-padded byte matrix as a NumPy ``S<width>`` array (one string per row)."""
    chars = np.ascontiguousarray(chars)
    return chars.view(f"S{chars.shape[1]}").reshape(len(chars))


def _parse_numbers(buf, start, length, ok) -> tuple[np.ndarray, np.ndarray]:
    """JSON-number tokens to float64; rows that are not plain numbers get ok = False."""
    values = np.full(len(start), np.nan)
    ok = ok & (length > 0) & (length <= 32)
    rows = np.flatnonzero(ok)
    if len(rows) == 0:
        return values, ok
    chars, mask = _gather(buf, start[rows], length[rows])
    good = ~((~_NUMBER_BYTES[chars]) & mask).any(axis=1) & _NUMBER_FIRST[chars[:, 0]]
    ok[rows[~good]] = False
    rows, chars, mask = rows[good], chars[good], mask[good]
    exact, plain = _plain_decimals(chars, mask)
    values[rows[plain]] = exact[plain]
    rows, chars = rows[~plain], chars[~plain]
    if len(rows):
        texts = as_fixed_strings(chars)
        try:
            values[rows] = texts.astype(np.float64)
        except ValueError:  # some token like "1-2": convert row by row to find which
            for row, text in zip(rows, texts, strict=True):
                try:
                    values[row] = float(text)
                except ValueError:
                    ok[row] = False
    ok &= np.isfinite(values)
    return values, ok


_POWERS_OF_TEN = 10.0 ** np.arange(23)


def _plain_decimals(chars: np.ndarray, mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Exact float64 of plain decimals (``-12.345``: at most 15 digits, no exponent), and which rows are plain.

    A decimal of at most 15 digits is an integer below 2**53 over a power of ten up
    to 10**22, both exact in float64, and IEEE division rounds correctly: the
    quotient is the very float ``float(text)`` gives, at a fraction of the cost.
    """
    n, width = chars.shape
    digit = (chars >= 48) & (chars <= 57) & mask
    dot = (chars == 46) & mask
    minus = chars[:, 0] == _MINUS
    digits = digit.sum(axis=1)
    dots = dot.sum(axis=1)
    length = mask.sum(axis=1)
    plain = (digits >= 1) & (digits <= 15) & (dots <= 1) & (digits + dots + minus == length)
    mantissa = np.zeros(n, dtype=np.int64)
    for column in range(width):
        d = digit[:, column]
        mantissa = np.where(d, mantissa * 10 + (chars[:, column].astype(np.int64) - 48), mantissa)
    dot_at = np.where(dots > 0, dot.argmax(axis=1), length - 1)
    decimals = np.where(plain, length - 1 - dot_at, 0)
    value = mantissa / _POWERS_OF_TEN[decimals]
    return np.where(minus, -value, value), plain


def _parse_epoch_ms(buf, start, length, ok) -> tuple[np.ndarray, np.ndarray]:
    """Integer tokens (epoch milliseconds) to int64."""
    t_ms = np.zeros(len(start), dtype=np.int64)
    ok = ok & (length > 0) & (length <= 16)
    rows = np.flatnonzero(ok)
    if len(rows) == 0:
        return t_ms, ok
    chars, mask = _gather(buf, start[rows], length[rows])
    negative = chars[:, 0] == _MINUS
    digit_ok = _DIGIT[chars] | ~mask
    digit_ok[:, 0] |= negative
    good = digit_ok.all(axis=1) & (length[rows] > negative)
    value = np.zeros(len(rows), dtype=np.int64)
    for column in range(chars.shape[1]):
        is_digit = mask[:, column] & _DIGIT[chars[:, column]]
        value = np.where(is_digit, value * 10 + (chars[:, column].astype(np.int64) - 48), value)
    t_ms[rows] = np.where(negative, -value, value)
    ok[rows[~good]] = False
    return t_ms, ok


def _parse_time_tokens(buf, start, length, ok) -> tuple[np.ndarray, np.ndarray]:
    t_ms = np.zeros(len(start), dtype=np.int64)
    ok = ok & (length >= 20) & (length <= 40)
    rows = np.flatnonzero(ok)
    if len(rows):
        chars, _ = _gather(buf, start[rows], length[rows])
        parsed, parsed_ok = parse_rfc3339_matrix(chars, length[rows])
        t_ms[rows] = parsed
        ok[rows] = parsed_ok
    return t_ms, ok


@dataclass
class ParsedRows:
    """Readings the vectorised path took from a block, one row per line it accepted.

    Attributes
    ----------
    ok : ndarray of bool
        Per input line: True when the line was a reading the fast path parsed.
    sensor : ndarray of ``S<width>``
        Sensor ids (bytes) of the accepted lines, in line order.
    t_ms, value, quality : ndarrays
        Columns of the accepted lines.
    """

    ok: np.ndarray
    sensor_words: np.ndarray
    t_ms: np.ndarray
    value: np.ndarray
    quality: np.ndarray

    @property
    def sensor(self) -> np.ndarray:
        """Sensor ids as ``S<width>`` bytes (a view of ``sensor_words``)."""
        return self.sensor_words.view(f"S{8 * self.sensor_words.shape[1]}").reshape(len(self.sensor_words))


def _id_words(buf: np.ndarray, start: np.ndarray, length: np.ndarray) -> np.ndarray:
    """Text fields as zero-padded 8-byte words (n x ceil(longest / 8)), the form sensor ids are looked up in."""
    n = len(start)
    count = max(1, -(-int(length.max()) // 8)) if n else 1
    if n and count <= 8 and len(buf) >= int((start + 8 * count).max()) + 8:
        words = _words_at(buf)
        out = np.empty((n, count), dtype=np.uint64)
        for k in range(count):
            out[:, k] = words[start + 8 * k] & _LOW_BYTES[np.clip(length - 8 * k, 0, 8)]
        return out
    chars = np.zeros((n, 8 * count), dtype=np.uint8)
    if n:
        gathered, _ = _gather(buf, start, length)
        chars[:, : gathered.shape[1]] = gathered
    return chars.view(np.uint64)


def _finish(ok, buf, id_start, id_len, t_ms, value, quality) -> ParsedRows:
    rows = np.flatnonzero(ok)
    words = _id_words(buf, id_start[rows], id_len[rows])
    return ParsedRows(ok, words, t_ms[rows], value[rows], quality[rows].astype(np.uint8))


def _quality_codes(buf, start, length, ok) -> tuple[np.ndarray, np.ndarray]:
    codes = np.zeros(len(start), dtype=np.uint8)
    rows = np.flatnonzero(ok & (length > 0) & (length <= 16))
    unknown = ok & ~((length > 0) & (length <= 16))
    if len(rows):
        texts = as_fixed_strings(_gather(buf, start[rows], length[rows])[0])
        names, inverse = np.unique(texts, return_inverse=True)
        table = np.array([_QUALITY_CODES.get(bytes(name), 255) for name in names], dtype=np.int64)
        mapped = table[inverse.reshape(-1)]
        codes[rows] = np.where(mapped == 255, 0, mapped)
        unknown[rows] = mapped == 255
    return codes, ok & ~unknown



class LineProblem(ValueError):
    """A line the reader cannot use; the message says why."""



def _quality(name) -> int:
    if name is None or name == "":
        return int(Quality.GOOD)
    if not isinstance(name, str) or name.lower() not in QUALITY_BY_NAME:
        raise LineProblem(f"unknown quality {name!r} (want good, suspect or bad)")
    return int(QUALITY_BY_NAME[name.lower()])



def _word(text: bytes) -> int:
    return int.from_bytes(text.ljust(8, b"\0"), "little")


_LOW_BYTES = np.array([(1 << (8 * k)) - 1 for k in range(8)] + [2**64 - 1], dtype=np.uint64)


def _words_at(buf: np.ndarray) -> np.ndarray:
    """A view of ``buf`` giving the 8 bytes from every position as one little-endian uint64."""
    return np.ndarray(shape=(len(buf) - 7,), dtype="<u8", buffer=buf, strides=(1,))
