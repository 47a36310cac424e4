"""Reading a recorded feed file into events in time order (``FeedReader``).

Reading runs in large blocks: a background thread reads and decompresses
(``files``), two threads parse blocks with NumPy (``console.feeds.codec``) and
code their sensor ids (``vocabulary``), and the caller's thread puts them in
order (``reorder``). With ``in_process=True`` all of it runs in a child process
(``spawn`` starts it, ``child`` is what it runs).
"""

from __future__ import annotations

import csv
import gzip
import zlib
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import numpy as np

from console.errors import InputError
from console.feeds import codec
from console.feeds.events import CapWarning, FeedEvent, SensorStatusEvent
from console.feeds.recorded.ahead import _ahead
from console.feeds.recorded.files import (
    _PAD,
    BLOCK_BYTES,
    Block,
    _BlockSource,
    _open_binary,
    _sniff_format,
    is_gzip,
)
from console.feeds.recorded.reorder import CodedReadings, _Reorder
from console.feeds.recorded.spawn import start_child, stop_child
from console.feeds.recorded.vocabulary import _Vocabulary
from console.model.readings import ReadingBatch

# Blocks parsed ahead of the one being ordered, and batches read ahead of a background consumer.
PARSE_AHEAD = 3
BACKGROUND_BATCHES = 16


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
        child, messages, errors = self._early or start_child(self._child_settings())
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
            stop_child(child, messages, errors)

    def _child_settings(self) -> dict:
        return {"path": str(self.path), "reorder_window_s": self.reorder_window_ms / 1000,
                "batch_rows": self.batch_rows, "block_bytes": self.block_bytes, "max_problems": self.max_problems}

    def prefetch(self) -> None:
        """Start reading now, so that the child process works while the caller gets ready (``in_process`` only).

        The next iteration takes what it read; ``close`` stops it when there is none.
        """
        if self.in_process and self._early is None:
            self._early = start_child(self._child_settings())

    def close(self) -> None:
        """Stop a prefetching child process that no iteration took over."""
        if self._early is not None:
            stop_child(*self._early)
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


def problems_to(problems: list) -> Callable[[int, str], None]:
    """A problem callback that collects (line, reason) pairs into ``problems``."""
    return lambda line, reason: problems.append((line, reason))



def read_feed(path: str | Path, **options) -> FeedReader:
    """Open a recorded feed for reading (see ``FeedReader`` for the options)."""
    return FeedReader(path, **options)
