"""Recorded-feed lines to columns and back, a whole block of lines at a time.

Reading: the common line shapes (a reading line as the console writes it, with or
without blanks after ``:`` and ``,``, and a CSV row) are parsed by NumPy over a
block of bytes: a per-line cursor advances through fixed literals and scans for
the next delimiter, so no Python code runs per line. Lines that do not fit that
shape (status and CAP lines, other key orders, escapes, errors) are handed back
to the caller by line index for a careful one-line-at-a-time parse
(``parse_json_line`` / ``parse_csv_row``), which also words the problem when a
line is unusable.

Writing: ``assemble_lines`` scatters per-row byte fields into one buffer.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from console.feeds.timefmt import format_rfc3339, parse_rfc3339_matrix, parse_time_value
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
def _word(text: bytes) -> int:
    return int.from_bytes(text.ljust(8, b"\0"), "little")


_LOW_BYTES = np.array([(1 << (8 * k)) - 1 for k in range(8)] + [2**64 - 1], dtype=np.uint64)
_LINE_HEAD = np.uint64(_word(b'{"t":"'))
_SENSOR_HEAD = (np.uint64(_word(b'","senso')), np.uint64(_word(b'r":"')))
_VALUE_HEAD = (np.uint64(_word(b'","value')), np.uint64(_word(b'":')))
_QUALITY_HEAD = (np.uint64(_word(b',"qualit')), np.uint64(_word(b'y":"')))


def _words_at(buf: np.ndarray) -> np.ndarray:
    """A view of ``buf`` giving the 8 bytes from every position as one little-endian uint64."""
    return np.ndarray(shape=(len(buf) - 7,), dtype="<u8", buffer=buf, strides=(1,))


_ONES = np.uint64(0x0101010101010101)
_HIGHS = np.uint64(0x8080808080808080)
_QUALITY_TAILS = [(code, text, [np.uint64(_word(text[k : k + 8])) for k in range(0, len(text), 8)])
                  for code, text in ((1, b',"quality":"suspect"}'), (2, b',"quality":"bad"}'),
                                     (0, b',"quality":"good"}'))]


def _byte_at(words: np.ndarray, byte: int) -> np.ndarray:
    """Index (0..7) of the first byte equal to ``byte`` in each word; 8 where there is none.

    The zero-byte test of a word (``(x - 0x01..) & ~x & 0x80..``) can flag bytes after
    a true match, never before one, so its lowest flag is exact.
    """
    x = words ^ np.uint64(byte * 0x0101010101010101)
    flags = (x - _ONES) & ~x & _HIGHS
    lowest = (flags & (~flags + np.uint64(1))) >> np.uint64(7)  # 1 << 8k for a first match in byte k
    # Multiplying by bytes 7, 6, ..., 0 brings k into the top byte.
    index = ((lowest * np.uint64(0x0001020304050607)) >> np.uint64(56)).astype(np.int64)
    return np.where(flags != 0, index, 8)


def _find_quote(words: np.ndarray, start: np.ndarray, max_words: int) -> tuple[np.ndarray, np.ndarray]:
    """Position of the first quote at or after ``start`` (within ``max_words`` words), and whether
    a backslash comes before it; position -1 when not found."""
    limit = len(words) - 1
    # The first two words for every row (most fields end within 16 bytes), then word by word.
    first, second = words[np.minimum(start, limit)], words[np.minimum(start + 8, limit)]
    quote_1, quote_2 = _byte_at(first, _QUOTE), _byte_at(second, _QUOTE)
    found = np.where(quote_1 < 8, start + quote_1, np.where(quote_2 < 8, start + 8 + quote_2, -1)).astype(np.int64)
    escaped = (_byte_at(first, ord("\\")) < quote_1) | ((quote_1 == 8) & (_byte_at(second, ord("\\")) < quote_2))
    todo = np.flatnonzero(found < 0)
    for k in range(2, max_words):
        if len(todo) == 0:
            break
        word = words[np.minimum(start[todo] + 8 * k, limit)]
        quote = _byte_at(word, _QUOTE)
        escaped[todo] |= _byte_at(word, ord("\\")) < quote
        hit = quote < 8
        found[todo[hit]] = start[todo[hit]] + 8 * k + quote[hit]
        todo = todo[~hit]
    return found, escaped


def _json_as_written(buf: np.ndarray, starts: np.ndarray, ends: np.ndarray):
    """The fields of lines written exactly as the console writes them; ``ok`` False for every other line.

    ``{"t":"<time>","sensor":"<id>","value":<number>}`` with an optional
    ``,"quality":"<q>"`` before the brace. The closing quotes of the time and of
    the id are found eight bytes at a time, and the literal text around them is
    checked as 8-byte words; the time and the number are then parsed by value. An
    id with a backslash (an escape), or any line of another shape, is left to
    the general parser.
    """
    n = len(starts)
    ok = np.zeros(n, dtype=bool)
    id_start = np.zeros(n, dtype=np.int64)
    id_len = np.zeros(n, dtype=np.int64)
    t_ms = np.zeros(n, dtype=np.int64)
    value = np.zeros(n)
    quality = np.zeros(n, dtype=np.uint8)
    fields = [ok, id_start, id_len, t_ms, value, quality]
    size = int(ends[-1]) + 1 if n else 0
    if n == 0 or len(buf) < size + 40:  # words are read up to 40 bytes past a line's end
        return fields
    words = _words_at(buf)
    limit = len(words) - 1
    rows = np.flatnonzero(((words[starts] & _LOW_BYTES[6]) == _LINE_HEAD) & (ends - starts >= 60))
    if len(rows) == 0:
        return fields
    start, end = starts[rows], ends[rows]
    good = buf[end - 1] == ord("}")
    # The time: at least 20 characters, at most 32, then its closing quote.
    time_start = start + 6
    time_end, _ = _find_quote(words, time_start + 20, 2)
    time_end = np.where(time_end < 0, time_start, time_end)
    good &= time_end > time_start
    good &= (words[time_end] == _SENSOR_HEAD[0]) & ((words[time_end + 8] & _LOW_BYTES[4]) == _SENSOR_HEAD[1])
    ident_start = time_end + 12
    id_end, escaped = _find_quote(words, ident_start, 4)
    id_end = np.where(id_end < 0, ident_start, id_end)
    good &= (id_end > ident_start) & ~escaped
    value_tail = np.minimum(id_end + 8, limit)
    good &= (words[id_end] == _VALUE_HEAD[0]) & ((words[value_tail] & _LOW_BYTES[2]) == _VALUE_HEAD[1])
    value_start = id_end + 10
    value_end = end - 1
    q_code = np.zeros(len(rows), dtype=np.uint8)
    quoted_end = np.flatnonzero(good & (buf[end - 2] == _QUOTE))
    if len(quoted_end):
        matched = np.zeros(len(quoted_end), dtype=bool)
        for code, text, literal in _QUALITY_TAILS:
            at = end[quoted_end] - len(text)
            same = np.ones(len(quoted_end), dtype=bool)
            for k, word in enumerate(literal):
                same &= (words[at + 8 * k] & _LOW_BYTES[min(8, len(text) - 8 * k)]) == word
            same &= ~matched
            q_code[quoted_end[same]] = code
            value_end[quoted_end[same]] = at[same]
            matched |= same
        good[quoted_end[~matched]] = False

    time_len = time_end - time_start
    value_len = value_end - value_start
    good &= (value_len > 0) & (value_len <= 32)
    if not good.all():
        keep = np.flatnonzero(good)
        rows, time_start, time_len = rows[keep], time_start[keep], time_len[keep]
        value_start, value_len = value_start[keep], value_len[keep]
        ident_start, id_end, q_code = ident_start[keep], id_end[keep], q_code[keep]
    times, times_ok = _times_with_repeats(buf, words, time_start, time_len)
    numbers, numbers_ok = _short_decimals(words, value_start, value_len)
    longer = np.flatnonzero(~numbers_ok & (value_len > 8))
    if len(longer):
        numbers[longer], numbers_ok[longer] = _decimals_at(buf, value_start[longer], value_len[longer])
    other = np.flatnonzero(~numbers_ok)
    if len(other):  # exponents, long mantissas, or not a number at all
        numbers[other], numbers_ok[other] = _parse_numbers(buf, value_start[other], value_len[other],
                                                           np.ones(len(other), dtype=bool))
    ok[rows] = times_ok & numbers_ok
    id_start[rows] = ident_start
    id_len[rows] = id_end - ident_start
    t_ms[rows] = times
    value[rows] = numbers
    quality[rows] = q_code
    return fields


_MIX = np.uint64(0x9E3779B97F4A7C15)


def _times_with_repeats(buf, words, start: np.ndarray, length: np.ndarray):
    """RFC 3339 times (at most 32 bytes), each distinct text parsed once: a block holds few distinct times."""
    import pandas as pd

    n = len(start)
    if n == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=bool)
    if (length == length[0]).all():
        masks = [_LOW_BYTES[min(8, max(0, int(length[0]) - 8 * k))] for k in range(4)]
    else:
        masks = [_LOW_BYTES[np.clip(length - 8 * k, 0, 8)] for k in range(4)]
    text = [words[start + 8 * k] & masks[k] for k in range(4)]
    key = length.astype(np.uint64)
    for word in text:
        key = (key ^ word) * _MIX  # wraps modulo 2**64 by design
    codes, _ = pd.factorize(key)
    # Codes are numbered in order of first appearance: a row is a first one when its code is new.
    seen = np.maximum.accumulate(codes)
    first = np.ones(n, dtype=bool)
    first[1:] = codes[1:] > seen[:-1]
    heads = np.flatnonzero(first)
    chars, _ = _gather(buf, start[heads], length[heads])
    parsed, parsed_ok = parse_rfc3339_matrix(chars, length[heads])
    t_ms, ok = parsed[codes], parsed_ok[codes]
    # Two texts sharing a key would share a time: check every row against its first one.
    head = heads[codes]
    same = length == length[head]
    for word in text:
        same &= word == word[head]
    if not same.all():
        rows = np.flatnonzero(~same)
        chars, _ = _gather(buf, start[rows], length[rows])
        t_ms[rows], ok[rows] = parse_rfc3339_matrix(chars, length[rows])
    return t_ms, ok


_NIBBLES = np.uint64(0x0F0F0F0F0F0F0F0F)
_HIGH_NIBBLES = np.uint64(0xF0F0F0F0F0F0F0F0)


def _short_decimals(words: np.ndarray, start: np.ndarray, length: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``_decimals_at`` for tokens of at most 8 bytes, each read as one word (SWAR); False for the others.

    The minus and the point are taken out of the word, the digits checked byte by
    byte in parallel, and the eight-digit number assembled with three multiplications
    (D. Lemire's method).
    """
    word = words[start] & _LOW_BYTES[np.minimum(length, 8)]
    minus = (word & np.uint64(0xFF)) == _MINUS
    word = np.where(minus, word >> np.uint64(8), word)
    size = length - minus
    dot = _byte_at(word, 46)
    has_dot = dot < size
    below = _LOW_BYTES[np.minimum(dot, 8)]
    digits = np.where(has_dot, (word & below) | ((word >> np.uint64(8)) & ~below), word)
    count = size - has_dot
    mask = _LOW_BYTES[np.clip(count, 0, 8)]
    plain = (length <= 8) & (count >= 1) & (minus | (dot != 0))
    plain &= (digits & _HIGH_NIBBLES & mask) == (np.uint64(0x3030303030303030) & mask)
    plain &= (((digits & _NIBBLES) + np.uint64(0x0606060606060606)) & _HIGH_NIBBLES & mask) == 0
    # Leading zero digits: the number's last digit moves to the top byte.
    value = (digits & _NIBBLES & mask) << (np.uint64(8) * (np.uint64(8) - np.clip(count, 1, 8).astype(np.uint64)))
    value = (value * np.uint64(10) + (value >> np.uint64(8))) & np.uint64(0x00FF00FF00FF00FF)
    value = (value * np.uint64(100) + (value >> np.uint64(16))) & np.uint64(0x0000FFFF0000FFFF)
    value = (value * np.uint64(10000) + (value >> np.uint64(32))) & np.uint64(0xFFFFFFFF)
    decimals = np.where(has_dot & plain, size - dot - 1, 0)
    number = value.astype(np.int64) / _POWERS_OF_TEN[decimals]
    return np.where(minus, -number, number), plain


def _decimals_at(buf: np.ndarray, start: np.ndarray, length: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Exact float64 of plain decimal tokens (``-12.345``), column by column; False for other tokens.

    Plain: an optional minus, 1 to 15 digits, at most one point, no exponent. Such
    a decimal is an integer below 2**53 over a power of ten up to 10**15, both
    exact in float64, and IEEE division rounds correctly: the quotient is the very
    float ``float(text)`` gives.
    """
    n = len(start)
    width = int(length.max()) if n else 0
    mantissa = np.zeros(n, dtype=np.int64)
    digits = np.zeros(n, dtype=np.int64)
    decimals = np.zeros(n, dtype=np.int64)
    dots = np.zeros(n, dtype=np.int64)
    plain = np.ones(n, dtype=bool)
    minus = buf[start] == _MINUS
    for column in range(width):
        inside = column < length
        char = buf[start + column]
        digit = char - np.uint8(48)  # uint8: anything but a digit wraps above 9
        is_digit = (digit <= 9) & inside
        is_dot = (char == 46) & inside
        if column == 0:
            plain &= is_digit | minus  # as JSON: a number starts with a digit or a minus
        else:
            plain &= is_digit | is_dot | ~inside
        mantissa = np.where(is_digit, mantissa * 10 + digit, mantissa)
        digits += is_digit
        decimals += is_digit & (dots > 0)
        dots += is_dot
    plain &= (digits >= 1) & (digits <= 15) & (dots <= 1)
    value = mantissa / _POWERS_OF_TEN[np.where(plain, decimals, 0)]
    return np.where(minus, -value, value), plain


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


class LineProblem(ValueError):
    """A line the reader cannot use; the message says why."""


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


def _quality(name) -> int:
    if name is None or name == "":
        return int(Quality.GOOD)
    if not isinstance(name, str) or name.lower() not in QUALITY_BY_NAME:
        raise LineProblem(f"unknown quality {name!r} (want good, suspect or bad)")
    return int(QUALITY_BY_NAME[name.lower()])


# --- CSV -----------------------------------------------------------------------------------

CSV_COLUMNS = ("t", "sensor", "value", "quality")


def parse_csv_block(buf: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> ParsedRows:
    """Parse unquoted CSV rows ``t,sensor,value[,quality]``; other rows get ok = False."""
    n = len(starts)
    end = ends
    pos = starts.copy()
    first = buf[np.minimum(pos, len(buf) - 1)]
    ok = (first != _QUOTE) & (end > pos)
    t_len, found = _scan(buf, pos, end, b",")
    ok &= found
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


# --- writing -------------------------------------------------------------------------------


def text_field(texts: list[bytes]) -> tuple[np.ndarray, np.ndarray]:
    """Byte strings as a (matrix, mask) field for ``assemble_lines``."""
    width = max(1, max((len(t) for t in texts), default=1))
    fixed = np.array(texts, dtype=f"S{width}")
    chars = fixed.view(np.uint8).reshape(len(texts), width)
    lengths = np.fromiter((len(t) for t in texts), dtype=np.int64, count=len(texts))
    return chars, _COLUMNS[:width] < lengths[:, None]


def assemble_lines(count: int, parts: list, *, with_offsets: bool = False):
    """Concatenate per-row fields into one buffer.

    Each part is either ``bytes`` (the same text on every row) or a pair
    ``(chars, mask)``: an (count x w) uint8 matrix and which of its bytes belong to
    the row (None: all of them). The fields are laid side by side in one
    zero-padded matrix that is then read without its zero bytes, so text must
    not contain NUL (JSON text never does). With ``with_offsets`` the result is
    ``(bytes, start offset of each row)``.
    """
    widths = [len(part) if isinstance(part, bytes) else part[0].shape[1] for part in parts]
    table = np.zeros((count, sum(widths)), dtype=np.uint8)
    column = 0
    for part, width in zip(parts, widths, strict=True):
        target = table[:, column : column + width]
        if isinstance(part, bytes):
            target[:] = np.frombuffer(part, dtype=np.uint8)
        elif part[1] is None:
            target[:] = part[0]
        else:
            np.multiply(part[0], part[1], out=target, casting="unsafe")
        column += width
    kept = table != 0
    data = table[kept].tobytes()
    if not with_offsets:
        return data
    row_length = kept.sum(axis=1)
    return data, np.cumsum(row_length) - row_length


def format_fixed(values: np.ndarray, decimals) -> tuple[np.ndarray, np.ndarray]:
    """Numbers with at most ``decimals`` decimals (scalar or per row), trailing zeros dropped.

    Values must be finite and below 1e12 in magnitude.
    """
    values = np.asarray(values, dtype=np.float64)
    n = len(values)
    decimals = np.broadcast_to(np.asarray(decimals, dtype=np.int64), (n,))
    max_dec = int(decimals.max()) if n else 0
    # Every row as an integer count of 10**-max_dec, rounded at the row's own decimals.
    scaled = np.rint(np.abs(values) * 10.0**decimals).astype(np.int64) * 10 ** (max_dec - decimals)
    negative = (values < 0) & (scaled > 0)
    unit = 10**max_dec
    integer = scaled // unit
    fraction = scaled - integer * unit
    int_width = max(1, len(str(int(integer.max())))) if n else 1
    width = 1 + int_width + 1 + max_dec
    chars = np.empty((n, width), dtype=np.uint8)
    mask = np.zeros((n, width), dtype=bool)
    chars[:, 0] = _MINUS
    mask[:, 0] = negative
    int_digits = np.ones(n, dtype=np.int64)
    power = 10
    remaining = integer
    for column in range(int_width, 0, -1):
        chars[:, column] = remaining % 10 + 48
        remaining = remaining // 10
        if column < int_width:
            int_digits += integer >= power
            power *= 10
    mask[:, 1 : int_width + 1] = _COLUMNS[:int_width][::-1] < int_digits[:, None]
    if max_dec:
        # Decimals kept: up to the last non-zero digit of the fraction.
        kept = np.full(n, max_dec, dtype=np.int64)
        power = 10
        for _ in range(max_dec):
            kept -= fraction % power == 0
            power *= 10
        chars[:, int_width + 1] = ord(".")
        mask[:, int_width + 1] = kept > 0
        remaining = fraction
        for column in range(width - 1, int_width + 1, -1):
            chars[:, column] = remaining % 10 + 48
            remaining = remaining // 10
        mask[:, int_width + 2 :] = _COLUMNS[:max_dec] < kept[:, None]
    return chars, mask


def format_shortest(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Finite floats in the shortest text that reads back to the same float64."""
    texts = np.asarray(values, dtype=np.float64).astype("U32").astype("S32")
    chars = texts.view(np.uint8).reshape(len(texts), 32)
    return chars, chars != 0


_QUALITY_SUFFIX = text_field([b"", b',"quality":"suspect"', b',"quality":"bad"'])


def encode_json_readings(
    sensor: tuple[np.ndarray, np.ndarray],
    t_ms: np.ndarray,
    value: tuple[np.ndarray, np.ndarray],
    quality: np.ndarray | None,
    offset_minutes: int = 480,
) -> bytes:
    """Reading lines in the console's own JSON shape (the one ``parse_json_block`` reads fastest).

    ``sensor`` and ``value`` are (chars, mask) fields; ids must not need JSON escapes.
    """
    n = len(t_ms)
    if n == 0:
        return b""
    unique_t, inverse = np.unique(t_ms, return_inverse=True)
    times = format_rfc3339(unique_t, offset_minutes)[inverse.reshape(-1)]
    parts = [b'{"t":"', (times, None), b'","sensor":"', sensor, b'","value":', value]
    if quality is not None and np.any(quality):
        q = np.minimum(np.asarray(quality, dtype=np.int64), 2)
        parts.append((_QUALITY_SUFFIX[0][q], _QUALITY_SUFFIX[1][q]))
    parts.append(b"}\n")
    return assemble_lines(n, parts)
