"""Recorded feed files as bytes: gzip or plain, JSON Lines or CSV, read in blocks of whole lines.

Gzip is recognised by its magic bytes, whatever the file is called; the format
from the name when it says, else from the first line. ``_BlockSource`` reads and
decompresses on a background thread and hands over blocks of whole lines, each
padded with zeros so that the parser may look a few bytes past its end.
"""

from __future__ import annotations

import gzip
import queue
import threading
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from console.errors import InputError
from console.feeds import codec

GZIP_MAGIC = b"\x1f\x8b"
BLOCK_BYTES = 8 << 20
_PAD = bytes(64)  # lets the parser look a few bytes past a block's last line without bounds checks
JSON_SUFFIXES = (".jsonl", ".ndjson", ".json")


def is_gzip(path: str | Path) -> bool:
    """True when the file starts with the gzip magic bytes."""
    with open(path, "rb") as handle:
        return handle.read(2) == GZIP_MAGIC


def _open_binary(path: Path):
    return gzip.open(path, "rb") if is_gzip(path) else open(path, "rb")


def _plain_suffix(path: Path) -> str:
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes and suffixes[-1] in (".gz", ".gzip"):
        suffixes = suffixes[:-1]
    return suffixes[-1] if suffixes else ""


def _sniff_format(path: Path) -> str:
    """'jsonl' or 'csv', from the name when it says, else from the first non-blank line."""
    suffix = _plain_suffix(path)
    try:
        with _open_binary(path) as handle:
            head = handle.read(64 << 10)
    except (OSError, EOFError, zlib.error) as exc:
        raise InputError(path, f"cannot read: {exc}") from None
    head = head.removeprefix(b"\xef\xbb\xbf")
    first = next((line.strip() for line in head.splitlines() if line.strip()), b"")
    if suffix == ".csv" or (suffix not in JSON_SUFFIXES and first and not first.startswith(b"{")):
        columns = [c.strip().lower() for c in first.decode("utf-8", "replace").split(",")]
        if tuple(columns) not in (codec.CSV_COLUMNS[:3], codec.CSV_COLUMNS):
            raise InputError(
                path,
                f"not a recorded feed: a CSV feed starts with the header t,sensor,value[,quality], "
                f"found {first[:80].decode('utf-8', 'replace')!r}",
                line=1,
            )
        return "csv"
    return "jsonl"


@dataclass
class Block:
    """Whole lines of a feed file: ``data[:size]``, followed by at least 64 zero bytes.

    The zeros let the parser look a few bytes past the last line without bounds checks.
    """

    data: bytearray
    size: int


def _whole_lines(pieces: list[bytes], size: int) -> tuple[bytearray, int]:
    """The pieces copied once into a zero-padded buffer, and the end of its last whole line."""
    block = bytearray(size + len(_PAD))
    at = 0
    for piece in pieces:
        block[at : at + len(piece)] = piece
        at += len(piece)
    return block, block.rfind(b"\n", 0, size) + 1


def _gunzip(raw) -> Iterator[bytes]:
    """Decompressed pieces of a gzip file (several members one after the other allowed).

    Raises EOFError when the file ends inside a member (truncated), zlib.error when
    it is damaged; everything decompressed before has been yielded.
    """
    stream = zlib.decompressobj(wbits=31)
    started = False
    pending = b""
    while True:
        chunk, pending = pending or raw.read(1 << 20), b""
        if not chunk:
            if started:
                raise EOFError("the compressed stream ends before its end marker")
            return
        if not started:
            chunk = chunk.lstrip(b"\0")  # zero padding may follow the last member
            if not chunk:
                continue
            started = True
        piece = stream.decompress(chunk)
        if piece:
            yield piece
        if stream.eof:  # a member ended; another may follow
            pending = stream.unused_data
            stream = zlib.decompressobj(wbits=31)
            started = False


class _BlockSource:
    """Blocks of whole lines from a file, read and decompressed on a background thread."""

    def __init__(self, path: Path, block_bytes: int):
        self.path = path
        self.block_bytes = block_bytes
        self._queue: queue.Queue = queue.Queue(maxsize=3)
        self._closing = threading.Event()
        self._thread = threading.Thread(target=self._read, name="feed-reader", daemon=True)
        self._thread.start()

    def _put(self, item) -> bool:
        while not self._closing.is_set():
            try:
                self._queue.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def _read(self) -> None:
        pieces: list[bytes] = []  # pieces[0]: the unfinished last line of the previous block
        size = 0
        first = True
        try:
            with open(self.path, "rb") as raw:
                compressed = raw.read(2) == GZIP_MAGIC
                raw.seek(0)
                for piece in (_gunzip(raw) if compressed else iter(lambda: raw.read(1 << 20), b"")):
                    if self._closing.is_set():
                        return
                    if first:
                        piece = piece.removeprefix(b"\xef\xbb\xbf")
                        first = False
                    pieces.append(piece)
                    size += len(piece)
                    if size >= self.block_bytes:
                        block, cut = _whole_lines(pieces, size)
                        pieces = [bytes(block[cut:size])]
                        size = len(pieces[0])
                        if cut and not self._put(("block", Block(block, cut))):
                            return
        except (EOFError, zlib.error) as exc:
            block, cut = _whole_lines(pieces, size)
            if cut:  # whole lines only: a line cut by the damage is not a line
                self._put(("block", Block(block, cut)))
            self._put(("truncated", str(exc)))
            self._put(("end", None))
            return
        except OSError as exc:
            self._put(("error", exc))
            return
        if size:
            pieces.append(b"\n")  # a last line without its newline
            block, cut = _whole_lines(pieces, size + 1)
            self._put(("block", Block(block, cut)))
        self._put(("end", None))

    def __iter__(self) -> Iterator[tuple[str, object]]:
        try:
            while True:
                kind, payload = self._queue.get()
                yield kind, payload
                if kind in ("end", "error"):
                    return
        finally:
            self._closing.set()
