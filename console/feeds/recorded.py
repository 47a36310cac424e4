"""Recorded feeds: read JSON Lines or CSV files (plain or gzip), replay them, record new ones.

The file format is the recorded feed of DESIGN.md: one event per line, readings
``{"t": ..., "sensor": ..., "value": ...[, "quality": ...]}``, sensor status lines
``{"t": ..., "status": "offline"|"online", "sensor": ...}`` and CAP lines
``{"t": ..., "cap": "<alert ...>"}``; or CSV with the header ``t,sensor,value[,quality]``.
``t`` is RFC 3339 with an offset or epoch milliseconds. Gzip is recognised by its
magic bytes, whatever the file is called.

Reading runs in large blocks: a background thread reads and decompresses, two
threads parse blocks with NumPy (``console.feeds.codec``) and code their sensor
ids, and the caller's thread puts them in order. Events come out in time order:
a reorder window (5 minutes by default) absorbs small disorder, exact duplicates
are dropped, and a reading that arrives later than the window allows is reported
and skipped. Every unusable line is reported with its line number and skipped;
nothing stops the read.

``FeedReader.coded()`` gives readings with sensor codes instead of id strings
(``CodedReadings``); with ``in_process=True`` all of the reading runs in a child
process, beside the caller rather than sharing its interpreter lock.
"""

from __future__ import annotations

import contextlib
import csv
import gzip
import json
import queue
import threading
import time
import zlib
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from console.errors import InputError
from console.feeds import codec
from console.feeds.base import (
    CapWarning,
    FeedAdapter,
    FeedEvent,
    FeedStatus,
    SensorStatusEvent,
    register_adapter,
)
from console.feeds.timefmt import format_time
from console.model.readings import ReadingBatch

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


class _Vocabulary:
    """Sensor ids seen so far, each with a small integer code (first-seen order).

    Ids are looked up by a 64-bit key made from their bytes (as 8-byte words) in a
    pandas hash index, no Python per reading, and the key is checked against the
    stored bytes. ``lookup`` only reads an immutable snapshot, so the parsing
    threads use it; what it does not find (new ids, two ids sharing a key) the
    reading thread settles with ``encode_words``.
    """

    def __init__(self):
        self.codes: dict[bytes, int] = {}
        self.ids: list[str] = []
        self._array = np.empty(0, dtype=object)
        self._raw: list[bytes] = []
        # (index of keys, code of each indexed key, each word of the ids as a column per code):
        # replaced whole, never changed.
        self._snapshot = (None, np.zeros(0, dtype=np.int64), [])

    def lookup(self, words: np.ndarray) -> np.ndarray:
        """Codes of ids given as zero-padded words (n x k); -1 where not found for sure. Thread-safe."""
        index, key_codes, known_columns = self._snapshot
        n = len(words)
        if index is None or n == 0:
            return np.full(n, -1, dtype=np.int64)
        position = index.get_indexer(_id_key(words))
        same = position >= 0
        codes = key_codes[np.where(same, position, 0)]
        # Check the bytes, word by word: the key of two different ids may be the same.
        for column in range(max(words.shape[1], len(known_columns))):
            given = words[:, column] if column < words.shape[1] else 0
            stored = known_columns[column][codes] if column < len(known_columns) else 0
            same &= given == stored
        return np.where(same, codes, -1)

    def encode_words(self, words: np.ndarray) -> np.ndarray:
        """Codes of ids given as words, adding new ids; -1 where an id is not UTF-8."""
        codes = self.lookup(words)
        missing = np.flatnonzero(codes < 0)
        if len(missing) == 0:
            return codes
        # New ids are added once each, in file order, so codes follow first appearance.
        _, first = np.unique(_id_key(words[missing]), return_index=True)
        added = False
        for row in missing[np.sort(first)].tolist():
            raw = words[row].tobytes().rstrip(b"\0")
            if raw not in self.codes:
                try:
                    self.add(raw.decode("utf-8"), raw)
                except UnicodeDecodeError:
                    continue
                added = True
        if added:
            self._publish()
            codes[missing] = self.lookup(words[missing])
        for row in np.flatnonzero(codes < 0).tolist():  # two ids sharing a key, or not UTF-8
            codes[row] = self.codes.get(words[row].tobytes().rstrip(b"\0"), -1)
        return codes

    def encode(self, raw_ids: np.ndarray) -> np.ndarray:
        """Codes of an ``S<width>`` array of UTF-8 ids; -1 where an id is not UTF-8."""
        return self.encode_words(_fixed_to_words(raw_ids))

    def _publish(self) -> None:
        import pandas as pd

        words = _fixed_to_words(np.array(self._raw))
        keys = _id_key(words)
        unique_keys, owner = np.unique(keys, return_index=True)  # the first id with a key owns it
        self._snapshot = (pd.Index(unique_keys), owner.astype(np.int64),
                          [np.ascontiguousarray(words[:, k]) for k in range(words.shape[1])])

    def add(self, text: str, raw: bytes | None = None) -> int:
        """The code of an id, adding it when new."""
        raw = text.encode("utf-8") if raw is None else raw
        code = self.codes.get(raw)
        if code is None:
            code = self.codes[raw] = len(self.ids)
            self.ids.append(text)
            self._raw.append(raw)
        return code

    def strings(self, codes: np.ndarray) -> np.ndarray:
        """Sensor ids (one shared ``str`` object per id) for codes."""
        if len(self._array) != len(self.ids):
            self._array = np.array(self.ids, dtype=object)
        return self._array[codes]


_MIX = np.uint64(0x9E3779B97F4A7C15)


def _id_key(words: np.ndarray) -> np.ndarray:
    """A 64-bit key per row of id words; trailing zero words do not count, so any padding gives the same key."""
    key = np.zeros(len(words), dtype=np.uint64)
    for column in range(words.shape[1]):
        word = words[:, column]
        key = np.where(word != 0, (key ^ word) * _MIX, key)  # wraps modulo 2**64 by design
    return key


def _fixed_to_words(raw_ids: np.ndarray) -> np.ndarray:
    """An ``S<width>`` array as zero-padded 8-byte words (n x ceil(width / 8))."""
    n, width = len(raw_ids), max(1, raw_ids.dtype.itemsize)
    chars = np.zeros((n, -(-width // 8) * 8), dtype=np.uint8)
    if n:
        chars[:, : raw_ids.dtype.itemsize] = raw_ids.view(np.uint8).reshape(n, raw_ids.dtype.itemsize)
    return chars.view(np.uint64)


def _time_order(t_ms: np.ndarray) -> np.ndarray:
    """The stable order of times: two radix passes on 16-bit digits when the span allows (most blocks)."""
    if len(t_ms) == 0:
        return np.zeros(0, dtype=np.intp)
    span = t_ms - t_ms.min()
    if int(span.max()) >= 1 << 32:
        return np.argsort(t_ms, kind="stable")
    low = np.argsort((span & 0xFFFF).astype(np.uint16), kind="stable")
    return low[np.argsort((span[low] >> 16).astype(np.uint16), kind="stable")]


def _record_key(code, t_ms, value, quality) -> np.ndarray:
    """A 64-bit hash of (time, sensor, value, quality) per reading (wrapping arithmetic by design)."""
    mix = np.uint64(0x9E3779B97F4A7C15)
    key = t_ms.view(np.uint64) * mix
    key = (key ^ code.astype(np.uint64)) * mix
    key = (key ^ value.view(np.uint64)) * mix
    return key ^ quality.astype(np.uint64)


@dataclass
class CodedReadings:
    """Readings in columns with sensors as codes (``FeedReader.coded``).

    Attributes
    ----------
    code : ndarray of int64
        Index into the reader's ``sensor_ids``.
    t_ms : ndarray of int64
    value : ndarray of float64
    quality : ndarray of uint8
    line : ndarray of int64
    """

    code: np.ndarray
    t_ms: np.ndarray
    value: np.ndarray
    quality: np.ndarray
    line: np.ndarray

    def __len__(self) -> int:
        return len(self.t_ms)


class _Reorder:
    """Holds events back for ``window_ms`` of feed time to put them in order and drop duplicates."""

    def __init__(self, window_ms: int, batch_rows: int, reject: Callable[[int, str], None]):
        self.window_ms = window_ms
        self.batch_rows = batch_rows
        self.reject = reject
        self.duplicates = 0
        self._columns = [np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64), np.empty(0),
                         np.empty(0, dtype=np.uint8), np.empty(0, dtype=np.int64)]
        self._events: list[tuple[int, int, object]] = []  # (t_ms, line, event)
        self._max_t: int | None = None
        self._delivered_until = np.iinfo(np.int64).min

    def push(self, code, t_ms, value, quality, line, events) -> list[FeedEvent]:
        """Take a block's readings (in file order) and events; return what is ready, in time order."""
        # Late: older than the window behind the newest time seen on any earlier line.
        prior = self._max_t if self._max_t is not None else np.iinfo(np.int64).min + self.window_ms
        if len(t_ms):
            newest_before = np.maximum.accumulate(np.concatenate(([prior], t_ms[:-1])))
            newest_before = np.maximum(newest_before, prior)
        else:
            newest_before = np.zeros(0, dtype=np.int64)
        late = (t_ms < newest_before - self.window_ms) | (t_ms < self._delivered_until)
        if late.any():
            for k, row in enumerate(np.flatnonzero(late).tolist()):
                if k < 100:  # words with times for the first few; a file in reverse order must not crawl
                    self._reject_late(int(line[row]), int(t_ms[row]), max(int(newest_before[row]), self._delivered_until))
                else:
                    self.reject(int(line[row]), f"time is behind earlier lines (reorder window "
                                                f"{self.window_ms / 1000:.0f} s)")
            keep = ~late
            code, t_ms, value, quality, line = code[keep], t_ms[keep], value[keep], quality[keep], line[keep]
        for event in events:
            if event.t_ms < max(self._delivered_until, prior - self.window_ms):
                self._reject_late(event.line, event.t_ms, max(self._delivered_until, prior))
            else:
                self._events.append((event.t_ms, event.line, event))
        newest = [int(t_ms.max())] if len(t_ms) else []
        newest += [event.t_ms for event in events]
        if len(t_ms):
            self._merge(code, t_ms, value, quality, line)
        if newest:
            self._max_t = max(newest) if self._max_t is None else max(self._max_t, max(newest))
        if self._max_t is None:
            return []
        return self._release(self._max_t - self.window_ms)

    def flush(self) -> list[FeedEvent]:
        return self._release(np.iinfo(np.int64).max)

    def _reject_late(self, line: int, t_ms: int, newest: int) -> None:
        behind_s = (newest - t_ms) / 1000
        self.reject(line, f"time {format_time(t_ms)} is {behind_s:.0f} s behind earlier lines "
                          f"(reorder window {self.window_ms / 1000:.0f} s)")

    def _merge(self, code, t_ms, value, quality, line) -> None:
        """Add a block's readings (file order) to the held ones (time order), dropping exact repeats.

        A repeat has the time of its first copy, so only held readings at or after
        the block's earliest time can be first copies: the check looks at those and
        the block, never at the whole window again.
        """
        held = self._columns
        held_t = held[1]
        since = int(np.searchsorted(held_t, t_ms.min(), side="left"))
        key = _record_key(code, t_ms, value, quality)
        keys = np.concatenate((_record_key(*(column[since:] for column in held[:4])), key))
        ordered = np.sort(keys)
        repeated = np.unique(ordered[1:][ordered[1:] == ordered[:-1]])
        if len(repeated):
            # The few readings whose key occurs twice: settle them by their full record, in order
            # (held readings first, then the block by line), keeping the first copy.
            # A 16-bit filter first, so that only a few keys are searched for.
            low = np.zeros(1 << 16, dtype=bool)
            low[(repeated & np.uint64(0xFFFF)).astype(np.intp)] = True
            maybe = np.flatnonzero(low[(keys & np.uint64(0xFFFF)).astype(np.intp)])
            at = np.minimum(np.searchsorted(repeated, keys[maybe]), len(repeated) - 1)
            suspects = maybe[repeated[at] == keys[maybe]]
            tail = len(held_t) - since
            columns = [np.concatenate((c[since:], n)) for c, n in
                       zip(held[:4], (code, t_ms, value, quality), strict=True)]
            seen = set()
            repeat = np.zeros(len(key), dtype=bool)
            for row in suspects.tolist():
                record = (int(columns[0][row]), int(columns[1][row]), float(columns[2][row]).hex(),
                          int(columns[3][row]))
                if record not in seen:
                    seen.add(record)
                elif row >= tail:
                    repeat[row - tail] = True
            if repeat.any():
                self.duplicates += int(repeat.sum())
                keep = ~repeat
                code, t_ms, value, quality, line = code[keep], t_ms[keep], value[keep], quality[keep], line[keep]
        # Stable: among equal times, held readings (earlier lines) first, then the block in file order.
        order = _time_order(t_ms)
        new = [column[order] for column in (code, t_ms, value, quality, line)]
        old = held
        new_t = new[1]
        if len(held_t) and len(new_t) and new_t[0] < held_t[-1]:
            # Most of a block comes after everything held; only its stragglers are merged in,
            # and only the held readings from the earliest straggler on are rebuilt.
            late = int(np.searchsorted(new_t, held_t[-1], side="left"))
            first = int(np.searchsorted(held_t, new_t[0], side="right"))
            at = np.searchsorted(held_t[first:], new_t[:late], side="right") + np.arange(late)
            total = len(held_t) - first + late
            from_block = np.zeros(total, dtype=bool)
            from_block[at] = True
            for k, (before, fresh) in enumerate(zip(old, new, strict=True)):
                middle = np.empty(total, dtype=fresh.dtype)
                middle[at] = fresh[:late]
                middle[~from_block] = before[first:]
                new[k] = np.concatenate((before[:first], middle, fresh[late:]))
        else:
            new = [np.concatenate((before, fresh)) for before, fresh in zip(old, new, strict=True)]
        self._columns = new

    def _release(self, watermark: int) -> list[FeedEvent]:
        code, t_ms, value, quality, line = self._columns
        cut = int(np.searchsorted(t_ms, watermark, side="right"))
        self._columns = [code[cut:], t_ms[cut:], value[cut:], quality[cut:], line[cut:]]
        self._events.sort(key=lambda item: (item[0], item[1]))
        ready_events, seen = [], set()
        while self._events and self._events[0][0] <= watermark:
            _, _, event = self._events.pop(0)
            key = (event.t_ms, getattr(event, "sensor", None), getattr(event, "status", None), getattr(event, "xml", None))
            if key in seen:
                self.duplicates += 1
                continue
            seen.add(key)
            ready_events.append(event)
        out: list[FeedEvent] = []
        start = 0
        for event in ready_events:
            stop = int(np.searchsorted(t_ms[:cut], event.t_ms, side="right"))
            out.extend(self._batches(code, t_ms, value, quality, line, start, max(start, stop)))
            start = max(start, stop)
            out.append(event)
        out.extend(self._batches(code, t_ms, value, quality, line, start, cut))
        if cut:
            self._delivered_until = max(self._delivered_until, int(t_ms[cut - 1]))
        if ready_events:
            self._delivered_until = max(self._delivered_until, ready_events[-1].t_ms)
        return out

    def _batches(self, code, t_ms, value, quality, line, start: int, stop: int) -> list[CodedReadings]:
        out = []
        for lo in range(start, stop, self.batch_rows):
            hi = min(stop, lo + self.batch_rows)
            out.append(CodedReadings(code[lo:hi], t_ms[lo:hi], value[lo:hi], quality[lo:hi], line[lo:hi]))
        return out


class FeedReader:
    """An iterable over the events of a recorded feed file, in time order.

    Parameters
    ----------
    path : path-like
        JSON Lines or CSV, plain or gzip.
    reorder_window_s : float
        How far (feed time) a line may arrive behind later lines and still be put in order.
    batch_rows : int
        Most readings in one ``ReadingBatch``.
    max_problems : int
        Problems kept in ``problems`` (all are counted in ``problem_count``).
    on_problem : callable, optional
        Called with ``(line, reason)`` for every rejected line, as it happens.
    in_process : bool
        Read and parse in a child process (a command reading a large file fast);
        otherwise on threads of this process.

    Attributes
    ----------
    problems : list of (int, str)
        Rejected lines: line number and reason, in the order found.
    problem_count : int
    duplicates_dropped : int
    format : str
        ``"jsonl"`` or ``"csv"``.
    compressed : bool
    sensor_ids : list of str
        Every sensor id met so far, in first-seen order.
    """

    def __init__(
        self,
        path: str | Path,
        *,
        reorder_window_s: float = 300.0,
        batch_rows: int = 100_000,
        max_problems: int = 10_000,
        on_problem: Callable[[int, str], None] | None = None,
        block_bytes: int = BLOCK_BYTES,
        in_process: bool = False,
    ):
        self.path = Path(path)
        if not self.path.is_file():
            raise InputError(self.path, "no such feed file")
        self.compressed = is_gzip(self.path)
        self.format = _sniff_format(self.path)
        self.reorder_window_ms = int(reorder_window_s * 1000)
        self.batch_rows = int(batch_rows)
        self.max_problems = int(max_problems)
        self.on_problem = on_problem
        self.block_bytes = int(block_bytes)
        self.in_process = bool(in_process)
        self._early = None  # a child process started by ``prefetch``
        self.problems: list[tuple[int, str]] = []
        self.problem_count = 0
        self.duplicates_dropped = 0
        self._vocabulary = _Vocabulary()
        self._span: tuple[int, int] | None = None
        self._complete = False

    @property
    def sensor_ids(self) -> list[str]:
        return self._vocabulary.ids

    def _problem(self, line: int, reason: str) -> None:
        self.problem_count += 1
        if len(self.problems) < self.max_problems:
            self.problems.append((line, reason))
        if self.on_problem is not None:
            self.on_problem(line, reason)

    def __iter__(self) -> Iterator[FeedEvent]:
        strings = self._vocabulary.strings
        for event in self.coded():
            if isinstance(event, CodedReadings):
                yield ReadingBatch(strings(event.code), event.t_ms, event.value, event.quality, event.line)
            else:
                yield event

    def coded(self, *, background: bool = False) -> Iterator[CodedReadings | SensorStatusEvent | CapWarning]:
        """The feed's events in time order like iterating, with readings as ``CodedReadings``.

        A reading's sensor is a code, ``sensor_ids[code]`` its id: cheaper than
        strings for a consumer that maps codes to its own rows once per id.

        With ``background`` the whole reading (ordering and duplicate checks
        included) runs on a thread of its own, a few batches ahead of the caller,
        so that a consumer with work of its own per batch keeps both busy.
        ``sensor_ids`` may then grow ahead of the batch being handed over; codes of
        a batch are always in it. ``problems`` and the counts are complete once the
        iteration has ended.
        """
        if background:
            return _ahead(self._coded(), depth=BACKGROUND_BATCHES)
        return self._coded()

    def _coded(self) -> Iterator[CodedReadings | SensorStatusEvent | CapWarning]:
        self.problems, self.problem_count, self.duplicates_dropped = [], 0, 0  # a second pass starts afresh
        reorder = _Reorder(self.reorder_window_ms, self.batch_rows, self._problem)
        span_lo, span_hi = None, None
        events = self._read_from_process() if self.in_process else self._read(reorder)
        for event in events:
            if isinstance(event, CodedReadings):
                lo, hi = int(event.t_ms[0]), int(event.t_ms[-1])
            else:
                lo = hi = event.t_ms
            span_lo = lo if span_lo is None else min(span_lo, lo)
            span_hi = hi if span_hi is None else max(span_hi, hi)
            yield event
        if not self.in_process:
            self.duplicates_dropped = reorder.duplicates
        self._span = None if span_lo is None else (span_lo, span_hi)
        self._complete = True

    def _read(self, reorder: _Reorder) -> Iterator[FeedEvent]:
        # Blocks are parsed on two worker threads (NumPy releases the GIL for most of the work)
        # while this thread turns finished blocks, in file order, into events.
        self._line_base = 0  # lines before the next block collected
        first_block = True
        parsing: deque[Future] = deque()
        with ThreadPoolExecutor(max_workers=2, thread_name_prefix="feed-parse") as pool:
            for kind, payload in _BlockSource(self.path, self.block_bytes):
                if kind == "error":
                    raise InputError(self.path, f"cannot read: {payload}")
                if kind == "truncated":
                    while parsing:
                        yield from self._collect(parsing.popleft().result(), reorder)
                    self._problem(self._line_base + 1,
                                  f"the file ends early (truncated or damaged compression: {payload})")
                    continue
                if kind == "end":
                    break
                block: Block = payload
                parsing.append(pool.submit(self._parse_rows, block, first_block and self.format == "csv"))
                first_block = False
                while len(parsing) > PARSE_AHEAD:
                    yield from self._collect(parsing.popleft().result(), reorder)
            while parsing:
                yield from self._collect(parsing.popleft().result(), reorder)
        yield from reorder.flush()
        self.duplicates_dropped = reorder.duplicates

    def _read_from_process(self) -> Iterator[CodedReadings | SensorStatusEvent | CapWarning]:
        """The events of the feed as a child process reads, parses, codes and orders them.

        Threads of one process share one interpreter lock, and NumPy work cut in
        many small steps passes it back and forth; a child process reads with a
        lock of its own, truly beside the consumer. It is a plain ``python -c``
        child talking pickles over a pipe, so it never imports the caller's main
        module. New sensor ids, problems and the duplicate count come with the
        events.
        """
        child, messages, errors = self._early or self._start_child()
        self._early = None
        try:
            for kind, payload in messages:
                if kind == "end":
                    break
                if kind == "error":
                    raise InputError(self.path, payload)
                new_ids, problems, problem_count, duplicates, events = payload
                for sensor_id in new_ids:
                    self._vocabulary.add(sensor_id)
                for line, reason in problems:
                    self._problem(line, reason)
                self.problem_count = max(self.problem_count, problem_count)  # beyond the problems kept
                self.duplicates_dropped = duplicates
                yield from events
            else:
                child.wait(5)
                errors.seek(0)
                detail = errors.read().decode("utf-8", "replace").strip().splitlines()
                raise InputError(self.path, f"the reading process ended unexpectedly (exit {child.returncode}"
                                            f"{': ' + detail[-1] if detail else ''})")
        finally:
            _stop_child(child, messages, errors)

    def _start_child(self):
        import json
        import subprocess
        import sys
        import tempfile

        code = ("import sys, json; sys.path[:0] = json.loads(sys.argv[1]); "
                "from console.feeds.recorded import _child_main; _child_main()")
        settings = json.dumps({"path": str(self.path), "reorder_window_s": self.reorder_window_ms / 1000,
                               "batch_rows": self.batch_rows, "block_bytes": self.block_bytes,
                               "max_problems": self.max_problems})
        # A file, not a pipe: a chatty child never blocks on it. Closed by _stop_child.
        errors = tempfile.TemporaryFile()  # noqa: SIM115
        child = subprocess.Popen([sys.executable, "-c", code, json.dumps(sys.path), settings],
                                 stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=errors)
        return child, _ahead(_messages_from(child), depth=PROCESS_MESSAGES_AHEAD), errors

    def prefetch(self) -> None:
        """Start reading now, so that the child process works while the caller gets ready (``in_process`` only).

        The next iteration takes what it read; ``close`` stops it when there is none.
        """
        if self.in_process and self._early is None:
            self._early = self._start_child()

    def close(self) -> None:
        """Stop a prefetching child process that no iteration took over."""
        if self._early is not None:
            _stop_child(*self._early)
            self._early = None

    def _parse_rows(self, block: Block, skip_header: bool):
        """The thread-safe part of a block's parse: lines and the vectorised fast path.

        Line numbers count from 1 at the block's start; ``_collect`` adds the lines before it.
        """
        data = block.data
        buf = np.frombuffer(data, dtype=np.uint8)
        starts, ends = codec.split_lines(buf[: block.size])
        count = len(starts)
        lines = 1 + np.arange(count, dtype=np.int64)
        if skip_header:
            starts, ends, lines = self._skip_csv_header(data, starts, ends, lines)
        parse = codec.parse_json_block if self.format == "jsonl" else codec.parse_csv_block
        rows = parse(buf, starts, ends)
        # Known ids are coded here, off the reading thread; the rest come back as -1.
        return data, starts, ends, lines, rows, self._vocabulary.lookup(rows.sensor_words), count

    def _collect(self, parsed, reorder: _Reorder) -> list[FeedEvent]:
        data, starts, ends, lines, rows, codes, count = parsed
        lines += self._line_base
        self._line_base += count
        events = reorder.push(*self._block_columns(data, starts, ends, lines, rows, self._vocabulary, self._problem,
                                                   codes))
        self.duplicates_dropped = reorder.duplicates
        return events

    def _skip_csv_header(self, data, starts, ends, lines):
        # The header is the first non-blank line (checked when the format was sniffed).
        for i in range(len(starts)):
            if data[starts[i] : ends[i]].strip():
                return starts[i + 1 :], ends[i + 1 :], lines[i + 1 :]
        return starts, ends, lines

    def _block_columns(self, data: bytes, starts, ends, lines, rows: codec.ParsedRows, vocabulary: _Vocabulary,
                       problem: Callable[[int, str], None], codes: np.ndarray | None = None):
        """Columns (codes, t_ms, value, quality, line) of a block's readings, in file order, and its other events.

        ``codes``: what ``lookup`` found already (-1 for the rest).
        """
        if codes is None or (codes < 0).any():
            codes = vocabulary.encode_words(rows.sensor_words)
        ok_lines = lines[rows.ok]
        t_ms, value, quality = rows.t_ms, rows.value, rows.quality
        if (codes < 0).any():
            for line in ok_lines[codes < 0]:
                problem(int(line), "sensor id is not UTF-8 text")
            good = codes >= 0
            codes, t_ms, value, quality, ok_lines = codes[good], t_ms[good], value[good], quality[good], ok_lines[good]
        careful = np.flatnonzero(~rows.ok & (ends > starts))
        extra: list[tuple] = []
        events: list = []
        for i in careful.tolist():
            line = int(lines[i])
            text = data[starts[i] : ends[i]]
            try:
                parsed = self._parse_line(text)
            except codec.LineProblem as exc:
                problem(line, str(exc))
                continue
            if parsed is None:
                continue
            if parsed[0] == "reading":
                _, t, sensor, v, q = parsed
                extra.append((vocabulary.add(sensor), t, v, q, line))
            elif parsed[0] == "status":
                events.append(SensorStatusEvent(parsed[1], parsed[2], parsed[3], line))
            else:
                events.append(CapWarning(parsed[1], parsed[2], line))
        if extra:
            c, t, v, q, ln = (np.array(col) for col in zip(*extra, strict=True))
            codes = np.concatenate((codes, c.astype(np.int64)))
            t_ms = np.concatenate((t_ms, t.astype(np.int64)))
            value = np.concatenate((value, v.astype(np.float64)))
            quality = np.concatenate((quality, q.astype(np.uint8)))
            ok_lines = np.concatenate((ok_lines, ln.astype(np.int64)))
            order = np.argsort(ok_lines, kind="stable")  # back to file order before the time sort
            codes, t_ms, value, quality, ok_lines = codes[order], t_ms[order], value[order], quality[order], ok_lines[order]
        return codes, t_ms, value, quality, ok_lines, events

    def _parse_line(self, text: bytes):
        if self.format == "jsonl":
            return codec.parse_json_line(text)
        try:
            decoded = text.decode("utf-8")
        except UnicodeDecodeError:
            raise codec.LineProblem("not UTF-8 text") from None
        fields = next(csv.reader([decoded]), [])
        return codec.parse_csv_row(fields)

    def time_span(self) -> tuple[int, int] | None:
        """(first, last) feed time in epoch ms, or None for a feed without events.

        Exact once the feed has been read through; before that it is taken from the
        first and last blocks of the file (which the reorder window keeps in order).
        """
        if self._complete:
            return self._span
        return self._estimate_span()

    def _estimate_span(self) -> tuple[int, int] | None:
        head = b""
        tail = b""
        with _open_binary(self.path) as handle:
            try:
                head = handle.read(1 << 20)
                tail = head
                if not self.compressed:
                    size = self.path.stat().st_size
                    if size > 2 << 20:
                        handle.seek(size - (1 << 20))
                        tail = handle.read()
                else:
                    while chunk := handle.read(BLOCK_BYTES):
                        tail = (tail + chunk)[-(1 << 20) :]
            except (EOFError, zlib.error, gzip.BadGzipFile):
                pass
        times = []
        for part, trim_first in ((head, False), (tail, tail is not head)):
            part = part.removeprefix(b"\xef\xbb\xbf")
            if trim_first:
                part = part[part.find(b"\n") + 1 :]
            part = part[: part.rfind(b"\n") + 1]
            if not part:
                continue
            buf = np.frombuffer(part + _PAD, dtype=np.uint8)
            starts, ends = codec.split_lines(buf[: len(part)])
            if self.format == "csv" and not trim_first:
                starts, ends, _ = self._skip_csv_header(part, starts, ends, starts)
            lines = np.arange(len(starts), dtype=np.int64)
            parse = codec.parse_json_block if self.format == "jsonl" else codec.parse_csv_block
            rows = parse(buf, starts, ends)
            _, t_ms, _, _, _, events = self._block_columns(part, starts, ends, lines, rows, _Vocabulary(),
                                                           lambda line, reason: None)
            if len(t_ms):
                times.extend((int(t_ms.min()), int(t_ms.max())))
            times.extend(e.t_ms for e in events)
        return (min(times), max(times)) if times else None


# Blocks parsed ahead of the one being ordered, and batches read ahead of a background consumer.
PARSE_AHEAD = 3
BACKGROUND_BATCHES = 16


def _ahead(events: Iterator, depth: int) -> Iterator:
    """Run an iterator on a thread of its own, ``depth`` items ahead; errors are raised to the consumer.

    The thread starts at once, before the first item is asked for.
    """
    items: queue.Queue = queue.Queue(maxsize=depth)
    stop = threading.Event()
    end = object()

    def put(entry) -> bool:
        while not stop.is_set():
            try:
                items.put(entry, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        try:
            for item in events:
                if not put(("item", item)):
                    events.close()  # the consumer left early
                    return
            put(("end", end))
        except BaseException as exc:  # handed to the consumer, raised there
            put(("error", exc))

    thread = threading.Thread(target=produce, name="feed-ahead", daemon=True)
    thread.start()
    return _Consumer(items, stop, thread)


class _Consumer:
    """The consuming end of ``_ahead``: iterate it; ``close`` stops the producing thread."""

    def __init__(self, items: queue.Queue, stop: threading.Event, thread: threading.Thread):
        self._items, self._stop, self._thread = items, stop, thread
        self._done = False

    def __iter__(self) -> _Consumer:
        return self

    def __next__(self):
        if self._done:
            raise StopIteration
        kind, item = self._items.get()
        if kind == "end":
            self.close()
            raise StopIteration
        if kind == "error":
            self.close()
            raise item
        return item

    def close(self) -> None:
        self._done = True
        self._stop.set()
        self._thread.join(5)

    def __del__(self) -> None:  # a consumer that stopped early: let the thread go
        self._stop.set()


PROCESS_MESSAGES_AHEAD = 8
# Events the reading child puts in one message (the last batch of a message may make it longer).
CHILD_MESSAGE_READINGS = 200_000


def _stop_child(child, messages, errors) -> None:
    messages.close()
    if child.poll() is None:
        child.kill()
    child.wait(5)
    child.stdout.close()
    errors.close()


def _messages_from(child) -> Iterator[tuple[str, object]]:
    """The pickled messages a reading child writes on its standard output, until it closes it."""
    import pickle

    while True:
        try:
            yield pickle.load(child.stdout)
        except EOFError:
            return


def _child_main() -> None:
    """Entry point of a reading child (see ``FeedReader._read_from_process``)."""
    import json
    import pickle
    import sys

    settings = json.loads(sys.argv[2])
    out = sys.stdout.buffer

    def send(message) -> None:
        pickle.dump(message, out, protocol=pickle.HIGHEST_PROTOCOL)
        out.flush()

    with contextlib.suppress(BrokenPipeError):  # the parent stopped reading
        _read_in_child(settings, send)


def _read_in_child(settings: dict, send: Callable[[tuple], None]) -> None:
    """A reading child's work: the feed's events in order, sent in messages of about 200,000 readings.

    Each message carries the sensor ids new since the last one (codes follow
    them), the problems found since, and the duplicate count so far.
    """
    try:
        reader = FeedReader(settings["path"], reorder_window_s=settings["reorder_window_s"],
                            batch_rows=settings["batch_rows"], block_bytes=settings["block_bytes"],
                            max_problems=settings["max_problems"])
        known_ids = known_problems = 0
        pending: list = []
        size = 0

        def flush() -> None:
            nonlocal known_ids, known_problems, pending, size
            ids = reader.sensor_ids
            new_ids, known_ids = ids[known_ids:], len(ids)
            problems, known_problems = reader.problems[known_problems:], len(reader.problems)
            send(("events", (new_ids, problems, reader.problem_count, reader.duplicates_dropped, pending)))
            pending, size = [], 0

        for event in reader.coded():
            pending.append(event)
            size += len(event) if isinstance(event, CodedReadings) else 1
            if size >= CHILD_MESSAGE_READINGS:
                flush()
        flush()
        send(("end", None))
    except (InputError, OSError, ValueError) as exc:  # the parent raises it as an InputError naming the file
        send(("error", str(exc)))


def problems_to(problems: list) -> Callable[[int, str], None]:
    """A problem callback that collects (line, reason) pairs into ``problems``."""
    return lambda line, reason: problems.append((line, reason))


def _empty_columns() -> list[np.ndarray]:
    return [np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64), np.empty(0), np.empty(0, dtype=np.uint8),
            np.empty(0, dtype=np.int64)]


def read_feed(path: str | Path, **options) -> FeedReader:
    """Open a recorded feed for reading (see ``FeedReader`` for the options)."""
    return FeedReader(path, **options)


# --- replay through the adapter interface -------------------------------------------------


@register_adapter("recorded", label="Recorded feed file (JSON Lines / CSV)", priority=10)
class RecordedFeedAdapter(FeedAdapter):
    """A recorded feed file played through the live adapter interface.

    Parameters
    ----------
    path : path-like
    speed : float, optional
        Feed seconds per wall-clock second (1 = real time, 3600 = an hour a second);
        None delivers as fast as the consumer takes it.
    reorder_window_s : float
        See ``FeedReader``.
    name : str, optional

    Notes
    -----
    The feed clock (``feed_clock_ms``) starts at the first event of the file; at a
    finite speed readings are released when the clock passes their time, in slices
    of at most ``tick_s`` of wall time.
    """

    tick_s = 0.05

    def __init__(self, path: str | Path, *, speed: float | None = None, reorder_window_s: float = 300.0,
                 name: str = "", **options):
        super().__init__(name or Path(path).name, **options)
        if speed is not None and not speed > 0:
            raise InputError(str(path), f"replay speed must be positive, not {speed!r}")
        self.path = Path(path)
        self.speed = speed
        self.reorder_window_s = reorder_window_s
        self.feed_clock_ms: int | None = None
        self.reader: FeedReader | None = None

    @classmethod
    def can_open(cls, source) -> bool:
        """True for an existing file that reads as a recorded feed."""
        try:
            path = Path(source)
            return path.is_file() and _sniff_format(path) in ("jsonl", "csv")
        except (InputError, OSError, TypeError):
            return False

    def _run(self) -> None:
        self.reader = FeedReader(self.path, reorder_window_s=self.reorder_window_s, on_problem=self._reject)
        self._set_status(FeedStatus.LIVE, f"replaying {self.path.name}")
        wall0 = feed0 = None
        duplicates_counted = 0
        for event in self.reader:
            if self._stop_requested:
                return
            if self.reader.duplicates_dropped != duplicates_counted:
                self._count_duplicates(self.reader.duplicates_dropped - duplicates_counted)
                duplicates_counted = self.reader.duplicates_dropped
            if self.speed is None:
                if not self._deliver(event):
                    return
                self.feed_clock_ms = _event_end(event)
                continue
            if wall0 is None:
                wall0, feed0 = time.monotonic(), _event_start(event)
            if isinstance(event, ReadingBatch):
                start = 0
                while start < len(event):
                    clock = feed0 + int((time.monotonic() - wall0) * self.speed * 1000)
                    self.feed_clock_ms = clock
                    stop = int(np.searchsorted(event.t_ms, clock, side="right"))
                    if stop > start:
                        if not self._deliver(event.take(slice(start, stop))):
                            return
                        start = stop
                        continue
                    wait_s = (int(event.t_ms[start]) - clock) / 1000 / self.speed
                    if self._stopping.wait(min(self.tick_s, max(wait_s, 0.001))):
                        return
            else:
                while True:
                    clock = feed0 + int((time.monotonic() - wall0) * self.speed * 1000)
                    self.feed_clock_ms = clock
                    if clock >= event.t_ms:
                        break
                    if self._stopping.wait(min(self.tick_s, (event.t_ms - clock) / 1000 / self.speed)):
                        return
                if not self._deliver(event):
                    return
        self._count_duplicates(self.reader.duplicates_dropped - duplicates_counted)
        self._set_status(FeedStatus.FINISHED, f"end of {self.path.name}")


def _event_start(event: FeedEvent) -> int:
    return int(event.t_ms[0]) if isinstance(event, ReadingBatch) else int(event.t_ms)


def _event_end(event: FeedEvent) -> int:
    return int(event.t_ms[-1]) if isinstance(event, ReadingBatch) else int(event.t_ms)


# --- recording -----------------------------------------------------------------------------


class FeedRecorder:
    """Writes feed events to a JSON Lines file (gzip when the name ends in ``.gz``).

    What is written reads back (``read_feed``) as the same readings, status events
    and CAP warnings in the same order. Adapter status events are not part of a feed
    and are skipped; so are readings whose value is not finite (JSON has no NaN),
    counted in ``skipped_non_finite``.

    Parameters
    ----------
    path : path-like
    utc_offset_minutes : int
        Offset the times are written in (480: ``+08:00``, China Standard Time).
    compresslevel : int
        Gzip level (1 fastest .. 9 smallest).
    """

    def __init__(self, path: str | Path, *, utc_offset_minutes: int = 480, compresslevel: int = 6):
        self.path = Path(path)
        self.utc_offset_minutes = int(utc_offset_minutes)
        if self.path.name.lower().endswith(".gz"):
            # mtime=0 and no file name in the header: the same events give the same bytes.
            raw = open(self.path, "wb")  # noqa: SIM115 - held open across write() calls, closed in close()
            self._handle = gzip.GzipFile(filename="", mode="wb", fileobj=raw, compresslevel=compresslevel, mtime=0)
            self._raw = raw
        else:
            self._handle = open(self.path, "wb")  # noqa: SIM115 - as above
            self._raw = None
        self._escaped: dict[str, bytes] = {}
        self.readings_written = 0
        self.events_written = 0
        self.skipped_non_finite = 0

    def write(self, events) -> None:
        """Write one event or an iterable of events."""
        if isinstance(events, ReadingBatch | SensorStatusEvent | CapWarning) or not hasattr(events, "__iter__"):
            events = [events]
        for event in events:
            if isinstance(event, ReadingBatch):
                self._write_readings(event)
            elif isinstance(event, SensorStatusEvent):
                self._write_json({"t": format_time(event.t_ms, self.utc_offset_minutes), "status": event.status,
                                  "sensor": event.sensor})
            elif isinstance(event, CapWarning):
                self._write_json({"t": format_time(event.t_ms, self.utc_offset_minutes), "cap": event.xml})

    def _write_json(self, record: dict) -> None:
        self._handle.write(json.dumps(record, ensure_ascii=False, separators=(",", ":")).encode("utf-8") + b"\n")
        self.events_written += 1

    def _id_bytes(self, sensor: str) -> bytes:
        escaped = self._escaped.get(sensor)
        if escaped is None:
            escaped = self._escaped[sensor] = json.dumps(str(sensor), ensure_ascii=False)[1:-1].encode("utf-8")
        return escaped

    def _write_readings(self, batch: ReadingBatch) -> None:
        finite = np.isfinite(batch.value)
        if not finite.all():
            self.skipped_non_finite += int((~finite).sum())
            batch = batch.take(finite)
        if len(batch) == 0:
            return
        names, inverse = np.unique(batch.sensor.astype(str), return_inverse=True)
        chars, mask = codec.text_field([self._id_bytes(name) for name in names.tolist()])
        inverse = inverse.reshape(-1)
        self._handle.write(codec.encode_json_readings(
            (chars[inverse], mask[inverse]), batch.t_ms, codec.format_shortest(batch.value), batch.quality,
            self.utc_offset_minutes,
        ))
        self.readings_written += len(batch)

    def close(self) -> None:
        self._handle.close()
        if self._raw is not None:
            self._raw.close()

    def __enter__(self) -> FeedRecorder:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
