"""Shapefiles before GDAL reads them: their parts checked, the text encoding of the ``.dbf`` found.

Encoding: an explicit ``encoding`` wins; otherwise a ``.cpg`` file decides (GDAL
reads it); otherwise the code page byte (LDID) of the ``.dbf`` header, and failing
that whichever of UTF-8, GBK and GB18030 decodes every text value.
"""

from __future__ import annotations

import struct
from pathlib import Path

import numpy as np

from console.errors import InputError
from console.geo.encodings import GUESSED_ENCODINGS, check_codec

__all__ = ["check_shapefile", "dbf_undecodable", "detect_dbf_encoding", "encoding_for", "sidecar"]

# Code pages named by the language-driver byte of a dBASE header. Only unambiguous ones:
# 0x57 ("ANSI") means the writer's system code page, which is unknown here.
_LDID_CODEPAGES = {
    0x01: "CP437",
    0x02: "CP850",
    0x03: "CP1252",
    0x13: "CP932",
    0x4D: "CP936",
    0x4E: "CP949",
    0x4F: "CP950",
    0x7A: "CP936",
    0x7B: "CP932",
    0xC8: "CP1250",
    0xC9: "CP1251",
}


def sidecar(path: Path, suffix: str) -> Path | None:
    """The file beside ``path`` with ``suffix`` (either case), or None."""
    for candidate in (path.with_suffix(suffix), path.with_suffix(suffix.upper())):
        if candidate.exists():
            return candidate
    return None


def check_shapefile(path: Path) -> None:
    """Catch missing and truncated parts, which GDAL would read as silently missing geometries."""
    for suffix in (".shx", ".dbf"):
        if not sidecar(path, suffix):
            raise InputError(path, f"the {suffix} file that belongs to this shapefile is missing")
    for part in (path, sidecar(path, ".shx")):
        with open(part, "rb") as fh:
            header = fh.read(100)
        if len(header) < 100 or struct.unpack(">i", header[:4])[0] != 9994:
            raise InputError(part, "not a shapefile (bad header); the file is corrupt")
        declared = struct.unpack(">i", header[24:28])[0] * 2  # length in 16-bit words
        actual = part.stat().st_size
        if actual < declared:
            raise InputError(part, f"file is truncated: its header says {declared} bytes but it has {actual}")
    dbf = sidecar(path, ".dbf")
    header = _dbf_header(dbf)
    expected = header["header_length"] + header["records"] * header["record_length"]
    actual = dbf.stat().st_size
    if actual < expected:
        raise InputError(dbf, f"file is truncated: {header['records']} records need {expected} bytes, it has {actual}")


def encoding_for(path: Path, fmt: str, encoding: str | None) -> str | None:
    """The encoding to hand GDAL: the one given, the detected one of a Shapefile without ``.cpg``, else None."""
    if encoding is not None:
        check_codec(path, encoding)
        return encoding
    if fmt != "Shapefile" or sidecar(path, ".cpg"):
        return None  # GDAL reads the .cpg, and other formats declare UTF-8
    return detect_dbf_encoding(sidecar(path, ".dbf"))


def detect_dbf_encoding(dbf_path) -> str:
    """The text encoding of a ``.dbf`` that has no ``.cpg``.

    The header's language-driver byte decides when it names a code page and the text
    decodes with it; otherwise the first of UTF-8, GBK and GB18030 that decodes every
    text value and field name. Pure ASCII files report UTF-8.
    """
    dbf_path = Path(dbf_path)
    header = _dbf_header(dbf_path)
    candidates = list(GUESSED_ENCODINGS)
    ldid_codepage = _LDID_CODEPAGES.get(header["ldid"])
    if ldid_codepage:
        candidates.insert(0, ldid_codepage)
    for candidate in candidates:
        if dbf_undecodable(dbf_path, candidate, header) is None:
            return candidate
    raise InputError(
        dbf_path,
        f"text is in none of {', '.join(candidates)} and there is no .cpg file; give the encoding, e.g. encoding = \"CP1252\"",
    )


def _dbf_header(dbf_path: Path) -> dict:
    with open(dbf_path, "rb") as fh:
        head = fh.read(32)
        if len(head) < 32:
            raise InputError(dbf_path, "not a dBASE file (shorter than its header); the file is corrupt")
        records, header_length, record_length = struct.unpack("<IHH", head[4:12])
        descriptors = fh.read(max(0, header_length - 32))
    fields = []
    offset = 1  # each record starts with a deletion flag
    for start in range(0, len(descriptors) - 31, 32):
        desc = descriptors[start : start + 32]
        if desc[0] == 0x0D:
            break
        fields.append({"name": desc[:11].split(b"\0")[0], "type": chr(desc[11]), "offset": offset, "length": desc[16]})
        offset += desc[16]
    return {
        "records": records,
        "header_length": header_length,
        "record_length": record_length,
        "ldid": head[29],
        "fields": fields,
    }


def dbf_undecodable(dbf_path: Path, encoding: str, header: dict | None = None) -> tuple[str, int] | None:
    """(field name, record index) of the first text value that does not decode, or None.

    Each text column is decoded as one block (fixed-width values side by side), which is
    fast even for tens of thousands of records.
    """
    header = header or _dbf_header(dbf_path)
    for field in header["fields"]:
        try:
            field["name"].decode(encoding)
        except UnicodeDecodeError:
            return field["name"].decode(encoding, errors="replace"), -1
    record_length = header["record_length"]
    data = np.fromfile(dbf_path, dtype=np.uint8, offset=header["header_length"])
    records = min(header["records"], len(data) // max(record_length, 1))
    if records == 0:
        return None
    table = data[: records * record_length].reshape(records, record_length)
    for field in header["fields"]:
        if field["type"] not in "CM" or field["length"] == 0:
            continue
        width = field["length"]
        block = np.ascontiguousarray(table[:, field["offset"] : field["offset"] + width]).tobytes()
        try:
            block.decode(encoding)
        except UnicodeDecodeError as exc:
            return field["name"].decode(encoding, errors="replace"), exc.start // width
    return None
