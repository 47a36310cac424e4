"""JSON reading lines exactly as the console writes them, eight bytes at a time."""

from __future__ import annotations

import numpy as np

from console.feeds.codec.cursor import (
    _LOW_BYTES,
    _MINUS,
    _POWERS_OF_TEN,
    _QUOTE,
    _gather,
    _parse_numbers,
    _word,
    _words_at,
)
from console.feeds.timefmt import parse_rfc3339_matrix

_LINE_HEAD = np.uint64(_word(b'{"t":"'))
_SENSOR_HEAD = (np.uint64(_word(b'","senso')), np.uint64(_word(b'r":"')))
_VALUE_HEAD = (np.uint64(_word(b'","value')), np.uint64(_word(b'":')))
_QUALITY_HEAD = (np.uint64(_word(b',"qualit')), np.uint64(_word(b'y":"')))


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
