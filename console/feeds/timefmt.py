"""RFC 3339 times to and from UTC epoch milliseconds, whole arrays at a time.

Feeds carry millions of timestamps; parsing them one ``datetime`` at a time would
dominate the read. These functions work on byte matrices (one row per time) with
integer arithmetic: civil date <-> day number after H. Hinnant's public-domain
``days_from_civil`` / ``civil_from_days`` algorithms.

Accepted form: ``YYYY-MM-DDTHH:MM:SS[.fraction](Z|+HH:MM|-HH:MM)``; ``t`` or a
space may replace ``T``. A time without an offset is refused: feed times must be
unambiguous. Fractions finer than a millisecond are truncated.
"""

from __future__ import annotations

import numpy as np

_ZERO = ord("0")
_DAYS_IN_MONTH = np.array([0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31], dtype=np.int64)


def days_from_civil(year: np.ndarray, month: np.ndarray, day: np.ndarray) -> np.ndarray:
    """Days since 1970-01-01 of a proleptic Gregorian date (int64 arrays)."""
    year = year - (month <= 2)
    era = year // 400
    year_of_era = year - era * 400
    day_of_year = (153 * np.where(month > 2, month - 3, month + 9) + 2) // 5 + day - 1
    day_of_era = year_of_era * 365 + year_of_era // 4 - year_of_era // 100 + day_of_year
    return era * 146097 + day_of_era - 719468


def civil_from_days(days: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(year, month, day) of day numbers since 1970-01-01."""
    z = days + 719468
    era = z // 146097
    day_of_era = z - era * 146097
    year_of_era = (day_of_era - day_of_era // 1460 + day_of_era // 36524 - day_of_era // 146096) // 365
    year = year_of_era + era * 400
    day_of_year = day_of_era - (365 * year_of_era + year_of_era // 4 - year_of_era // 100)
    mp = (5 * day_of_year + 2) // 153
    day = day_of_year - (153 * mp + 2) // 5 + 1
    month = np.where(mp < 10, mp + 3, mp - 9)
    return year + (month <= 2), month, day


def _is_leap(year: np.ndarray) -> np.ndarray:
    return (year % 4 == 0) & ((year % 100 != 0) | (year % 400 == 0))


def _number(digits: np.ndarray) -> np.ndarray:
    """Columns of ASCII digits (n x k, already checked) to int64."""
    value = np.zeros(len(digits), dtype=np.int64)
    for column in range(digits.shape[1]):
        value = value * 10 + digits[:, column].astype(np.int64)
    return value


def parse_rfc3339_matrix(chars: np.ndarray, lengths: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Parse times held as a byte matrix.

    Parameters
    ----------
    chars : ndarray of uint8, shape (n, w)
        One time per row, left-aligned; bytes past a row's length are ignored.
    lengths : ndarray of int
        Length of each row's text.

    Returns
    -------
    t_ms : ndarray of int64
        UTC epoch milliseconds (0 where not ok).
    ok : ndarray of bool
    """
    n = len(lengths)
    t_ms = np.zeros(n, dtype=np.int64)
    ok = np.zeros(n, dtype=bool)
    if n == 0:
        return t_ms, ok
    lengths = np.asarray(lengths, dtype=np.int64)
    width = chars.shape[1]
    last = chars[np.arange(n), np.clip(lengths - 1, 0, width - 1)]
    is_zulu = (last == ord("Z")) | (last == ord("z"))
    # Rows are grouped by (length, zone form): within a group every field sits at the same column.
    for length in np.unique(lengths):
        if length < 20 or length > width:
            continue
        for zulu in (True, False):
            rows = np.flatnonzero((lengths == length) & (is_zulu == zulu))
            if len(rows) == 0:
                continue
            zone_len = 1 if zulu else 6
            frac_len = int(length) - 19 - zone_len
            if frac_len == 1 or frac_len < 0:  # a lone '.' without digits
                continue
            block = chars[rows, : int(length)]
            t_ms[rows], ok[rows] = _parse_group(block, frac_len, zulu)
    return t_ms, ok


def _parse_group(block: np.ndarray, frac_len: int, zulu: bool) -> tuple[np.ndarray, np.ndarray]:
    digit_cols = [0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18]
    if frac_len:
        digit_cols += list(range(20, 19 + frac_len))
    if not zulu:
        zone_at = 19 + frac_len
        digit_cols += [zone_at + 1, zone_at + 2, zone_at + 4, zone_at + 5]
    digits = block - np.uint8(_ZERO)  # uint8: non-digits wrap to values above 9
    ok = (digits[:, digit_cols] <= 9).all(axis=1)
    sep = block[:, 10]
    ok &= (block[:, 4] == ord("-")) & (block[:, 7] == ord("-")) & (block[:, 13] == ord(":")) & (block[:, 16] == ord(":"))
    ok &= (sep == ord("T")) | (sep == ord("t")) | (sep == ord(" "))
    if frac_len:
        ok &= block[:, 19] == ord(".")
    offset_min = np.zeros(len(block), dtype=np.int64)
    if not zulu:
        sign = block[:, zone_at]
        ok &= ((sign == ord("+")) | (sign == ord("-"))) & (block[:, zone_at + 3] == ord(":"))
        off_h = _number(digits[:, zone_at + 1 : zone_at + 3])
        off_m = _number(digits[:, zone_at + 4 : zone_at + 6])
        ok &= (off_h <= 23) & (off_m <= 59)
        offset_min = np.where(sign == ord("-"), -1, 1) * (off_h * 60 + off_m)
    year = _number(digits[:, 0:4])
    month = _number(digits[:, 5:7])
    day = _number(digits[:, 8:10])
    hour = _number(digits[:, 11:13])
    minute = _number(digits[:, 14:16])
    second = _number(digits[:, 17:19])
    month_ok = (month >= 1) & (month <= 12)
    max_day = _DAYS_IN_MONTH[np.where(month_ok, month, 1)] - ((np.where(month_ok, month, 1) == 2) & ~_is_leap(year))
    ok &= month_ok & (day >= 1) & (day <= max_day) & (hour <= 23) & (minute <= 59) & (second <= 59)
    millis = np.zeros(len(block), dtype=np.int64)
    if frac_len:
        frac_digits = digits[:, 20 : 19 + frac_len][:, :3]
        millis = _number(frac_digits) * 10 ** (3 - frac_digits.shape[1])
    date_key = (year * 100 + month) * 100 + day
    if len(date_key) and (date_key == date_key[0]).all():  # the usual block: one calendar day
        days = days_from_civil(year[:1], month[:1], day[:1])
    else:
        days = days_from_civil(year, month, day)
    t_ms = (((days * 24 + hour) * 60 + minute) * 60 + second) * 1000 + millis - offset_min * 60_000
    return np.where(ok, t_ms, 0), ok


def parse_rfc3339(texts) -> tuple[np.ndarray, np.ndarray]:
    """Parse a sequence of RFC 3339 strings; returns (t_ms, ok) like ``parse_rfc3339_matrix``."""
    encoded = [t.encode("ascii", "replace") if isinstance(t, str) else bytes(t) for t in texts]
    if not encoded:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=bool)
    width = max(1, max(len(e) for e in encoded))
    chars = np.frombuffer(b"".join(e.ljust(width, b"\0") for e in encoded), dtype=np.uint8).reshape(-1, width)
    return parse_rfc3339_matrix(chars, np.array([len(e) for e in encoded]))


# Epoch milliseconds of 0001-01-01 and 10000-01-01: what RFC 3339 can write.
_EPOCH_MS_RANGE = (-62135596800000, 253402300800000)


def parse_time_value(value) -> int | None:
    """One feed time (RFC 3339 string or epoch milliseconds as a JSON number) to epoch ms, or None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        if not np.isfinite(value) or not _EPOCH_MS_RANGE[0] <= value < _EPOCH_MS_RANGE[1]:
            return None
        return int(value)
    if isinstance(value, str):
        t_ms, ok = parse_rfc3339([value])
        return int(t_ms[0]) if ok[0] else None
    return None


def _digits(value: np.ndarray, count: int) -> np.ndarray:
    """int64 values to ``count`` ASCII digit columns (zero-padded)."""
    out = np.empty((len(value), count), dtype=np.uint8)
    for column in range(count - 1, -1, -1):
        out[:, column] = value % 10 + _ZERO
        value = value // 10
    return out


def format_rfc3339(t_ms: np.ndarray, offset_minutes: int = 480, *, millis: bool | None = None) -> np.ndarray:
    """Format epoch milliseconds as RFC 3339 local times with a fixed UTC offset.

    Parameters
    ----------
    t_ms : ndarray of int64
    offset_minutes : int
        The offset written (and applied), e.g. 480 for ``+08:00``.
    millis : bool, optional
        Write ``.mmm``; by default only when some time has a millisecond part.

    Returns
    -------
    ndarray of uint8, shape (n, 25) or (n, 29)
    """
    t_ms = np.asarray(t_ms, dtype=np.int64)
    if millis is None:
        millis = bool(np.any(t_ms % 1000))
    local_ms = t_ms + offset_minutes * 60_000
    days = local_ms // 86_400_000
    ms_of_day = local_ms - days * 86_400_000
    year, month, day = civil_from_days(days)
    seconds = ms_of_day // 1000
    n = len(t_ms)
    width = 29 if millis else 25
    out = np.empty((n, width), dtype=np.uint8)
    out[:, 0:4] = _digits(year, 4)
    out[:, 4] = ord("-")
    out[:, 5:7] = _digits(month, 2)
    out[:, 7] = ord("-")
    out[:, 8:10] = _digits(day, 2)
    out[:, 10] = ord("T")
    out[:, 11:13] = _digits(seconds // 3600, 2)
    out[:, 13] = ord(":")
    out[:, 14:16] = _digits(seconds // 60 % 60, 2)
    out[:, 16] = ord(":")
    out[:, 17:19] = _digits(seconds % 60, 2)
    at = 19
    if millis:
        out[:, 19] = ord(".")
        out[:, 20:23] = _digits(ms_of_day % 1000, 3)
        at = 23
    out[:, at] = ord("+") if offset_minutes >= 0 else ord("-")
    off = abs(int(offset_minutes))
    out[:, at + 1 : at + 3] = _digits(np.full(n, off // 60, dtype=np.int64), 2)
    out[:, at + 3] = ord(":")
    out[:, at + 4 : at + 6] = _digits(np.full(n, off % 60, dtype=np.int64), 2)
    return out


def format_time(t_ms: int, offset_minutes: int = 480) -> str:
    """One epoch-ms time as an RFC 3339 string (for truth files and messages)."""
    return format_rfc3339(np.array([t_ms], dtype=np.int64), offset_minutes)[0].tobytes().decode("ascii")
