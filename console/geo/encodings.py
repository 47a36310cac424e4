"""Text encodings of attribute files: named ones checked, unnamed ones guessed.

Chinese files come as UTF-8 or as GBK (CP936); GB18030 is the superset of GBK
that decodes what GBK does not.
"""

from __future__ import annotations

import codecs
from pathlib import Path

from console.errors import InputError

# Tried in this order when a file does not say its encoding.
GUESSED_ENCODINGS = ("UTF-8", "GBK", "GB18030")


def check_codec(path: Path, encoding: str) -> None:
    """Fail with an ``InputError`` naming ``path`` when Python knows no codec ``encoding``."""
    try:
        codecs.lookup(encoding)
    except LookupError:
        raise InputError(path, f"unknown encoding {encoding!r} (e.g. 'UTF-8', 'GBK')") from None


def decode_text(path: Path, raw: bytes, encoding: str | None) -> tuple[str, str]:
    """The text of a file's bytes and the encoding used: ``encoding`` when given, else the first guess that fits."""
    if encoding is not None:
        check_codec(path, encoding)
        try:
            return raw.decode(encoding), encoding
        except UnicodeDecodeError as exc:
            line = raw[: exc.start].count(b"\n") + 1
            raise InputError(path, f"text is not valid {encoding}: {exc.reason}", line=line) from None
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    for candidate in GUESSED_ENCODINGS:
        try:
            return raw.decode(candidate), candidate
        except UnicodeDecodeError:
            continue
    raise InputError(path, "text is neither UTF-8 nor GBK; give the encoding, e.g. encoding = \"CP1252\"")
