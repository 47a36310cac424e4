"""Feed lines written from columns: byte fields scattered into one buffer."""

from __future__ import annotations

import numpy as np

from console.feeds.codec.cursor import (
    _COLUMNS,
    _MINUS,
)
from console.feeds.timefmt import format_rfc3339

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
