"""Library parts against the console's own, side by side in one run: feed reading, RFC 3339 times, sensor-id codes.

For each part the console's code and the library replacement run on the same
input in the same process, one after the other (best of ``--repeat`` runs),
and the figures are printed as readings/s with the ratio library / console
(above 1: the library is faster).

1. Reading a whole feed file. Console: ``FeedReader.coded()`` to the end, with
   everything it does (reorder window, duplicate drop, bad-line reporting).
   Library: gunzip, ``pyarrow.json.read_json`` (``pyarrow.csv.read_csv`` for the
   CSV form) with an explicit schema, times cast to epoch ms, sensor ids
   dictionary-encoded, reading rows selected: columns only, without the
   ordering, duplicate and bad-line work the reader must also do, so the
   library gets the better of the comparison. Then the block parse alone, one
   thread: the console's codec against pyarrow's typed parse, and for CSV a
   third way, pyarrow splitting the fields and the console's parsers reading
   them (the only way that takes exactly the rows the console takes: pyarrow's
   own time and number parsing accepts other forms, see part 2).
2. RFC 3339 times to epoch ms. Console: ``timefmt.parse_rfc3339_matrix`` on a
   byte matrix (what the block parser holds). Libraries: a cast of an Arrow
   string array to ``timestamp[ms, UTC]``, and ``pandas.to_datetime``.
3. Sensor ids to codes that stay the same from block to block. Console:
   ``recorded.vocabulary._Vocabulary.encode`` per block. Libraries: per-block
   ``pyarrow.compute.dictionary_encode`` and ``pandas.factorize``, their
   block-local codes mapped to feed-wide ones through a dict of the uniques.

Inputs: the bundled feed (``assets/feeds/demo_rainstorm_gasleak.jsonl.gz``) and
the scenario feed of ``bench_process.py`` (generated on first use into
``/tmp/console-bench``, reused after), and a CSV copy of the bundled feed's
readings written into a temporary folder.

    python bench/bench_feed_libraries.py              # the 24-hour feed (~28 M readings)
    python bench/bench_feed_libraries.py --hours 2    # a quicker look
"""

from __future__ import annotations

import argparse
import gzip
import io
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from bench_process import bench_feed  # noqa: E402

BUNDLED = REPO / "assets" / "feeds" / "demo_rainstorm_gasleak.jsonl.gz"
BLOCK_ROWS = 120_000  # about one 8 MB reader block of reading lines


def best_of(repeat: int, work):
    """(best seconds, result of the last run)."""
    best, result = float("inf"), None
    for _ in range(repeat):
        began = time.perf_counter()
        result = work()
        best = min(best, time.perf_counter() - began)
    return best, result


def line(what: str, n: int, console_s: float, library: dict[str, float]) -> None:
    print(f"  {what}: console {n / console_s:>12,.0f} readings/s ({console_s:.2f} s)")
    for name, seconds in library.items():
        print(f"  {'':{len(what)}}  {name:<26} {n / seconds:>12,.0f} readings/s ({seconds:.2f} s), "
              f"ratio library/console {console_s / seconds:.2f}")


# --- 1. whole feed ---------------------------------------------------------------------------------


def console_read(path: Path) -> int:
    from console.feeds.recorded import CodedReadings, read_feed

    reader = read_feed(path)
    return sum(len(e) for e in reader.coded() if isinstance(e, CodedReadings))


def _gunzip(path: Path) -> bytes:
    raw = path.read_bytes()
    return gzip.decompress(raw) if raw[:2] == b"\x1f\x8b" else raw  # all members, as the reader does


def arrow_read_json(path: Path) -> int:
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.json as pj

    schema = pa.schema([("t", pa.string()), ("sensor", pa.string()), ("value", pa.float64()),
                        ("quality", pa.string()), ("status", pa.string()), ("cap", pa.string())])
    table = pj.read_json(io.BytesIO(_gunzip(path)), read_options=pj.ReadOptions(block_size=8 << 20),
                         parse_options=pj.ParseOptions(explicit_schema=schema))
    return _arrow_columns(table, pa, pc)


def arrow_read_csv(path: Path) -> int:
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pv

    types = {"t": pa.string(), "sensor": pa.string(), "value": pa.float64(), "quality": pa.string()}
    table = pv.read_csv(io.BytesIO(_gunzip(path)), read_options=pv.ReadOptions(block_size=8 << 20),
                        convert_options=pv.ConvertOptions(column_types=types))
    return _arrow_columns(table, pa, pc)


def _arrow_columns(table, pa, pc) -> int:
    """The reader's columns from an Arrow table: codes, t_ms, value, quality of the reading rows."""
    readings = table.filter(pc.is_valid(table.column("value")))
    t_ms = pc.cast(pc.cast(readings.column("t"), pa.timestamp("ms", tz="UTC")), pa.int64()).to_numpy()
    codes = pc.dictionary_encode(readings.column("sensor")).combine_chunks().indices.to_numpy()
    value = readings.column("value").to_numpy()
    quality = (pc.fill_null(readings.column("quality"), "").to_numpy(zero_copy_only=False)
               if "quality" in readings.column_names else np.zeros(len(value), dtype=np.uint8))
    assert len(t_ms) == len(codes) == len(value) == len(quality)
    return len(value)


def write_csv_copy(source: Path, folder: Path) -> Path:
    """The readings of a JSON Lines feed as a CSV feed (gzip), through the console's own reader."""
    from console.feeds.recorded import read_feed
    from console.feeds.timefmt import format_rfc3339
    from console.model.readings import ReadingBatch

    path = folder / (source.name.split(".")[0] + ".csv.gz")
    with gzip.open(path, "wt", compresslevel=1, newline="") as out:
        out.write("t,sensor,value\n")
        for event in read_feed(source):
            if isinstance(event, ReadingBatch):
                times = format_rfc3339(event.t_ms).view(f"S{25}").ravel().astype(str).tolist()
                out.writelines(f"{t},{s},{v!r}\n" for t, s, v in
                               zip(times, event.sensor.tolist(), event.value.tolist(), strict=True))
    return path


def block_parse(path: Path, repeat: int) -> None:
    """The fast paths alone, block by block on one thread: the console's codec against pyarrow's reader."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pv
    import pyarrow.json as pj

    from console.feeds import codec
    from console.feeds.recorded import FeedReader
    from console.feeds.recorded.files import _BlockSource

    reader = FeedReader(path)
    blocks = []
    for kind, block in _BlockSource(path, 8 << 20):
        if kind != "block":
            continue
        buf = np.frombuffer(block.data, dtype=np.uint8)
        starts, ends = codec.split_lines(buf[: block.size])
        if not blocks and reader.format == "csv":
            starts, ends, _ = reader._skip_csv_header(block.data, starts, ends, starts)
        blocks.append((buf, starts, ends, bytes(block.data[starts[0] : block.size])))
    parse = codec.parse_json_block if reader.format == "jsonl" else codec.parse_csv_block

    def console() -> int:
        return sum(int(parse(buf, starts, ends).ok.sum()) for buf, starts, ends, _ in blocks)

    def arrow() -> int:
        count = 0
        for *_, text in blocks:
            if reader.format == "jsonl":
                schema = pa.schema([("t", pa.string()), ("sensor", pa.string()), ("value", pa.float64()),
                                    ("quality", pa.string()), ("status", pa.string()), ("cap", pa.string())])
                table = pj.read_json(pa.py_buffer(text), read_options=pj.ReadOptions(use_threads=False,
                                                                                     block_size=len(text) + 1),
                                     parse_options=pj.ParseOptions(explicit_schema=schema))
            else:
                table = pv.read_csv(pa.py_buffer(text),
                                    read_options=pv.ReadOptions(column_names=["t", "sensor", "value"],
                                                                use_threads=False, block_size=len(text) + 1),
                                    convert_options=pv.ConvertOptions(column_types={
                                        "t": pa.string(), "sensor": pa.string(), "value": pa.float64()}))
            count += _arrow_columns(table, pa, pc)
        return count

    console_s, n = best_of(repeat, console)
    arrow_s, _ = best_of(repeat, arrow)
    variants = {"pyarrow, one thread": arrow_s}
    if reader.format == "csv":
        def split() -> int:
            count = 0
            for buf, starts, ends, _ in blocks:
                mine, theirs = parse(buf, starts, ends), arrow_split_csv_block(buf, starts, ends)
                assert theirs is not None and all(
                    np.array_equal(getattr(mine, name), getattr(theirs, name))
                    for name in ("ok", "sensor_words", "t_ms", "value", "quality"))
                count += int(theirs.ok.sum())
            return count

        def split_only() -> int:
            return sum(int(arrow_split_csv_block(buf, starts, ends).ok.sum()) for buf, starts, ends, _ in blocks)

        assert split() == n
        variants["pyarrow splits, console parses fields"] = best_of(repeat, split_only)[0]
    line(f"{path.name} blocks", n, console_s, variants)


def arrow_split_csv_block(buf: np.ndarray, starts: np.ndarray, ends: np.ndarray):
    """``codec.parse_csv_block`` with the fields split by ``pyarrow.csv``; None for a block it cannot split alike.

    pyarrow only finds the commas; each field's bytes then go through the
    console's own parsers, so a row is taken exactly when the console takes it
    (checked block by block in ``block_parse``). Blocks with quotes, blank lines
    inside, a lone carriage return or rows of different lengths give None.
    """
    import pyarrow as pa
    import pyarrow.csv as pv

    from console.feeds.codec.csv_rows import parse_time_fields
    from console.feeds.codec.cursor import _COLUMNS, _QUOTE, _finish, _parse_numbers, _quality_codes

    filled = np.flatnonzero(ends > starts)
    if len(filled) == 0:
        return None
    lines, n = len(starts), int(filled[-1]) + 1  # blank lines at the end are not rows (a file's last newline)
    if len(filled) != n:
        return None
    text = buf[int(starts[0]) : int(ends[n - 1]) + 1]  # with the last line's end (pyarrow wants one)
    if (text == _QUOTE).any():
        return None

    try:
        table = pv.read_csv(
            pa.py_buffer(text),
            read_options=pv.ReadOptions(autogenerate_column_names=True, use_threads=False, block_size=len(text) + 64),
            parse_options=pv.ParseOptions(quote_char=False, escape_char=False, ignore_empty_lines=False),
            convert_options=pv.ConvertOptions(column_types={f"f{k}": pa.string() for k in range(4)},
                                              strings_can_be_null=False, quoted_strings_can_be_null=False),
        )
    except pa.ArrowInvalid:  # rows of different lengths, among others
        return None
    if table.num_rows != n or table.num_columns not in (3, 4):
        return None
    # The fields of every column one after the other in one zero-padded buffer.
    parts, field_start, field_len, base = [], [], [], 0
    for k in range(table.num_columns):
        column = table.column(k).combine_chunks()
        offsets = np.frombuffer(column.buffers()[1], dtype=np.int32)[column.offset : column.offset + n + 1]
        data = np.frombuffer(column.buffers()[2], dtype=np.uint8) if column.buffers()[2] else np.zeros(0, np.uint8)
        data = data[int(offsets[0]) : int(offsets[-1])]
        parts.append(data)
        field_start.append(base + offsets[:-1].astype(np.int64) - int(offsets[0]))
        field_len.append(np.diff(offsets).astype(np.int64))
        base += len(data)
    fields = np.concatenate([*parts, np.zeros(64, dtype=np.uint8)])
    pos, t_len = field_start[0], field_len[0]
    ok = t_len > 0
    t_ms = parse_time_fields(fields, pos, t_len, ok)
    id_start, id_len = field_start[1], field_len[1]
    ok &= (id_len > 0) & (id_len < _COLUMNS[-1] + 1)  # the NumPy cursor looks no further for the next comma
    value, ok = _parse_numbers(fields, field_start[2], field_len[2], ok)
    quality = np.zeros(n, dtype=np.uint8)
    if table.num_columns == 4:
        q_pos, q_len = field_start[3], field_len[3]
        empty = q_len == 0
        codes, named_ok = _quality_codes(fields, q_pos, q_len, ok & ~empty)
        quality[:] = codes
        ok &= named_ok | empty
    return _finish(np.concatenate((ok, np.zeros(lines - n, dtype=bool))), fields, id_start, id_len, t_ms, value,
                   quality)


def bad_line_report(folder: Path) -> None:
    """What each side says about one unusable line in the middle of a file."""
    import pyarrow as pa
    import pyarrow.json as pj

    from console.feeds.recorded import read_feed

    lines = gzip.decompress(BUNDLED.read_bytes()).splitlines(keepends=True)[:50_000]
    lines[30_000] = b'{"t":"2026-07-21T03:15:00+08:00","sensor":"S-1","value":"broken"}\n'
    path = folder / "one-bad-line.jsonl"
    path.write_bytes(b"".join(lines))
    reader = read_feed(path)
    for _ in reader.coded():
        pass
    print(f"  console: {reader.problem_count} problem: line {reader.problems[0][0]}: {reader.problems[0][1]}")
    schema = pa.schema([("t", pa.string()), ("sensor", pa.string()), ("value", pa.float64()),
                        ("status", pa.string()), ("cap", pa.string())])
    try:
        pj.read_json(path, parse_options=pj.ParseOptions(explicit_schema=schema))
        print("  pyarrow: read it without a word")
    except pa.ArrowInvalid as exc:
        print(f"  pyarrow: the whole read fails: {str(exc).splitlines()[0][:120]}")


# --- 2. times --------------------------------------------------------------------------------------


def time_texts(path: Path, limit: int) -> list[str]:
    import pyarrow as pa
    import pyarrow.json as pj

    schema = pa.schema([("t", pa.string())])
    table = pj.read_json(io.BytesIO(_gunzip(path)),
                         parse_options=pj.ParseOptions(explicit_schema=schema, unexpected_field_behavior="ignore"))
    return table.column("t").to_pylist()[:limit]


def compare_times(texts: list[str], repeat: int) -> None:
    import pandas as pd
    import pyarrow as pa
    import pyarrow.compute as pc

    from console.feeds.timefmt import parse_rfc3339_matrix

    width = max(len(t) for t in texts)
    chars = np.frombuffer("".join(t.ljust(width, "\0") for t in texts).encode("ascii"), dtype=np.uint8)
    chars = chars.reshape(-1, width)
    lengths = np.array([len(t) for t in texts], dtype=np.int64)
    arrow_texts = pa.array(texts, pa.string())
    series = pd.Series(texts)
    console_s, (mine, ok) = best_of(repeat, lambda: parse_rfc3339_matrix(chars, lengths))
    arrow_s, theirs = best_of(repeat, lambda: pc.cast(pc.cast(arrow_texts, pa.timestamp("ms", tz="UTC")),
                                                      pa.int64()).to_numpy())
    pandas_s, pandas_ms = best_of(repeat, lambda: pd.to_datetime(series, format="ISO8601", utc=True)
                                  .dt.tz_convert(None).dt.as_unit("ms").astype(np.int64).to_numpy())
    assert ok.all() and np.array_equal(mine, theirs) and np.array_equal(mine, pandas_ms)
    line("RFC 3339", len(texts), console_s, {"pyarrow cast": arrow_s, "pandas.to_datetime": pandas_s})
    # The forms accepted differ: a replacement would change which feed lines are refused.
    for text in ("2026-07-21T03:15:00+0800", "2026-07-21t03:15:00Z", "2026-07-21 03:15:00+08:00"):
        try:
            arrow_ok = pc.cast(pa.array([text]), pa.timestamp("ms", tz="UTC")).is_valid().to_pylist()[0]
        except pa.ArrowInvalid:
            arrow_ok = False
        console_ok = bool(parse_rfc3339_matrix(np.frombuffer(text.encode(), dtype=np.uint8)[None, :],
                                               np.array([len(text)]))[1][0])
        print(f"    {text!r}: console {'takes' if console_ok else 'refuses'}, "
              f"pyarrow {'takes' if arrow_ok else 'refuses'}")


# --- 3. sensor codes --------------------------------------------------------------------------------


def compare_codes(ids: list[str], repeat: int) -> None:
    import pandas as pd
    import pyarrow as pa
    import pyarrow.compute as pc

    from console.feeds.recorded.vocabulary import _Vocabulary

    raw_blocks = [np.array(ids[k : k + BLOCK_ROWS], dtype="S") for k in range(0, len(ids), BLOCK_ROWS)]
    arrow_blocks = [pa.array(ids[k : k + BLOCK_ROWS], pa.string()) for k in range(0, len(ids), BLOCK_ROWS)]
    object_blocks = [np.array(ids[k : k + BLOCK_ROWS], dtype=object) for k in range(0, len(ids), BLOCK_ROWS)]

    def console() -> np.ndarray:
        vocabulary = _Vocabulary()
        return np.concatenate([vocabulary.encode(block) for block in raw_blocks])

    def to_global(codes: dict, uniques) -> np.ndarray:
        return np.array([codes.setdefault(u, len(codes)) for u in uniques], dtype=np.int64)

    def arrow() -> np.ndarray:
        codes: dict = {}
        out = []
        for block in arrow_blocks:
            encoded = pc.dictionary_encode(block)
            out.append(to_global(codes, encoded.dictionary.to_pylist())[encoded.indices.to_numpy()])
        return np.concatenate(out)

    def pandas() -> np.ndarray:
        codes: dict = {}
        out = []
        for block in object_blocks:
            local, uniques = pd.factorize(block)
            out.append(to_global(codes, uniques.tolist())[local])
        return np.concatenate(out)

    console_s, mine = best_of(repeat, console)
    arrow_s, theirs = best_of(repeat, arrow)
    pandas_s, pandas_codes = best_of(repeat, pandas)
    assert np.array_equal(mine, theirs) and np.array_equal(mine, pandas_codes)
    line("sensor codes", len(ids), console_s, {"pyarrow dictionary_encode": arrow_s, "pandas.factorize": pandas_s})


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hours", type=float, default=24.0)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    feed, how = bench_feed(args.hours)
    print(f"feeds: {BUNDLED.name} (bundled); {feed.name}: {how}")
    with tempfile.TemporaryDirectory(prefix="feed-libraries-") as tmp:
        folder = Path(tmp)
        csv_copy = write_csv_copy(BUNDLED, folder)
        print("1. whole feed to columns (console: with ordering, duplicates and bad-line reporting)")
        for path, library in ((BUNDLED, arrow_read_json), (feed, arrow_read_json), (csv_copy, arrow_read_csv)):
            console_s, n = best_of(args.repeat, lambda p=path: console_read(p))
            library_s, m = best_of(args.repeat, lambda p=path, f=library: f(p))
            assert m >= n, (m, n)  # the library keeps duplicates the reader drops
            line(path.name, n, console_s, {library.__name__: library_s})
        print("   the block parse alone (one thread, no ordering, duplicates or vocabulary):")
        for path in (feed, csv_copy):
            block_parse(path, args.repeat)
        print("   one bad line in 50,000:")
        bad_line_report(folder)
    texts = time_texts(BUNDLED, 2_000_000)
    print("2. RFC 3339 times to epoch ms (every time parsed; the reader parses each distinct time once)")
    compare_times(texts, args.repeat)
    print("3. sensor ids to feed-wide codes, in blocks of 120,000")
    from console.feeds.recorded import read_feed
    from console.model.readings import ReadingBatch

    ids = []
    for event in read_feed(BUNDLED):
        if isinstance(event, ReadingBatch):
            ids.extend(event.sensor.tolist())
    compare_codes(ids[:3_000_000], args.repeat)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
