"""Reading recorded feeds: good and bad lines, gzip, CSV, epoch times, disorder, duplicates, recording."""

from __future__ import annotations

import gzip
import json
from datetime import datetime

import numpy as np
import pytest

from console.errors import InputError
from console.feeds.base import CapWarning, SensorStatusEvent
from console.feeds.recorded import FeedRecorder, read_feed
from console.feeds.timefmt import format_rfc3339, parse_rfc3339
from console.model.readings import Quality, ReadingBatch

T0 = "2026-07-21T03:15:00+08:00"
T0_MS = int(datetime.fromisoformat(T0).timestamp() * 1000)

GOOD = [
    '{"t": "2026-07-21T03:15:00+08:00", "sensor": "GAS-00123", "value": 12.5}',
    '{"t": "2026-07-21T03:15:00+08:00", "sensor": "RG-0042", "value": 38.0, "quality": "suspect"}',
    '{"t": "2026-07-21T03:16:00+08:00", "status": "offline", "sensor": "WL-0007"}',
    '{"t": "2026-07-21T03:20:00+08:00", "cap": "<alert xmlns=\\"urn:oasis:names:tc:emergency:cap:1.2\\">x</alert>"}',
    '{"t":"2026-07-20T19:17:00Z","sensor":"GAS-00124","value":-0.25,"quality":"bad"}',
    '{"sensor":"GAS-00125","value":7,"t":"2026-07-21T03:15:30.250+08:00"}',
]


def write_lines(path, lines, *, compress=False):
    data = ("\n".join(lines) + "\n").encode("utf-8")
    path.write_bytes(gzip.compress(data) if compress else data)
    return path


def readings(reader) -> ReadingBatch:
    return ReadingBatch.concat([e for e in reader if isinstance(e, ReadingBatch)])


def test_good_lines_give_readings_status_and_cap_in_time_order(tmp_path):
    reader = read_feed(write_lines(tmp_path / "feed.jsonl", GOOD))
    events = list(reader)
    batch = ReadingBatch.concat([e for e in events if isinstance(e, ReadingBatch)])
    assert list(batch.sensor) == ["GAS-00123", "RG-0042", "GAS-00125", "GAS-00124"]
    assert batch.t_ms.tolist() == [T0_MS, T0_MS, T0_MS + 30_250, T0_MS + 2 * 60_000]
    assert batch.value.tolist() == [12.5, 38.0, 7.0, -0.25]
    assert batch.quality.tolist() == [Quality.GOOD, Quality.SUSPECT, Quality.GOOD, Quality.BAD]
    assert batch.line.tolist() == [1, 2, 6, 5]
    status = [e for e in events if isinstance(e, SensorStatusEvent)]
    assert status == [SensorStatusEvent(T0_MS + 60_000, "WL-0007", "offline", 3)]
    cap = [e for e in events if isinstance(e, CapWarning)]
    assert len(cap) == 1 and cap[0].xml.startswith('<alert xmlns="urn:oasis') and cap[0].t_ms == T0_MS + 300_000
    # Everything comes out in time order: each event is no earlier than the one before.
    starts = [int(e.t_ms[0]) if isinstance(e, ReadingBatch) else e.t_ms for e in events]
    assert starts == sorted(starts)
    assert reader.problems == []
    assert reader.time_span() == (T0_MS, T0_MS + 300_000)


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ('{"t": "2026-07-21T03:15:00+08:00", "sensor": "A", "value": 1', "broken JSON"),
        ("just words", "broken JSON"),
        ('["t", "sensor"]', "not a JSON object"),
        ('{"sensor": "A", "value": 1}', "missing field 't'"),
        ('{"t": "2026-07-21T03:15:00+08:00", "value": 1}', "missing field 'sensor'"),
        ('{"t": "2026-07-21T03:15:00+08:00", "sensor": "A"}', "missing field 'value'"),
        ('{"t": "2026-07-21T03:15:00", "sensor": "A", "value": 1}', "bad time"),
        ('{"t": "2026-02-30T03:15:00+08:00", "sensor": "A", "value": 1}', "bad time"),
        ('{"t": "yesterday", "sensor": "A", "value": 1}', "bad time"),
        ('{"t": "2026-07-21T03:15:00+08:00", "sensor": "A", "value": "high"}', "not a number"),
        ('{"t": "2026-07-21T03:15:00+08:00", "sensor": "A", "value": null}', "not a number"),
        ('{"t": "2026-07-21T03:15:00+08:00", "sensor": "A", "value": true}', "not a number"),
        ('{"t": "2026-07-21T03:15:00+08:00", "sensor": "A", "value": 1, "quality": "meh"}', "unknown quality"),
        ('{"t": "2026-07-21T03:15:00+08:00", "status": "asleep", "sensor": "A"}', "unknown status"),
    ],
)
def test_a_bad_line_is_reported_with_its_number_and_skipped(tmp_path, line, reason):
    lines = [GOOD[0], line, '{"t": "2026-07-21T03:16:00+08:00", "sensor": "GAS-00123", "value": 13.0}']
    reader = read_feed(write_lines(tmp_path / "feed.jsonl", lines))
    batch = readings(reader)
    assert batch.value.tolist() == [12.5, 13.0]
    assert batch.line.tolist() == [1, 3]
    assert len(reader.problems) == 1
    number, text = reader.problems[0]
    assert number == 2 and reason in text


def test_many_bad_lines_in_a_big_file_do_not_stop_the_read(tmp_path):
    lines = []
    for i in range(30_000):
        lines.append(f'{{"t":{1784574900000 + i * 1000},"sensor":"S-{i % 50}","value":{i}}}')
        if i % 1000 == 999:
            lines.append('{"t":"2026-07-21T03:15:00+08:00","sensor":"S-1","value":"x"}')
    reader = read_feed(write_lines(tmp_path / "feed.jsonl", lines), block_bytes=64 << 10)
    batch = readings(reader)
    assert len(batch) == 30_000
    assert np.array_equal(batch.value, np.arange(30_000, dtype=float))
    assert [line for line, _ in reader.problems] == [1001 * k for k in range(1, 31)]


def test_gzip_and_plain_give_the_same_events_and_gzip_is_found_by_its_magic(tmp_path):
    plain = read_feed(write_lines(tmp_path / "feed.jsonl", GOOD))
    # A gzip file whose name does not say so.
    packed = read_feed(write_lines(tmp_path / "feed_packed.jsonl", GOOD, compress=True))
    assert packed.compressed and not plain.compressed
    a, b = list(plain), list(packed)
    assert len(a) == len(b)
    for x, y in zip(a, b, strict=True):
        if isinstance(x, ReadingBatch):
            assert list(x.sensor) == list(y.sensor)
            assert np.array_equal(x.t_ms, y.t_ms) and np.array_equal(x.value, y.value)
        else:
            assert x == y


def test_csv_form_with_and_without_quality(tmp_path):
    path = tmp_path / "feed.csv"
    path.write_text(
        "t,sensor,value,quality\n"
        "2026-07-21T03:15:00+08:00,GAS-1,1.5,\n"
        f"{T0_MS + 60_000},GAS-2,2,suspect\n"
        "2026-07-21T03:15:00+08:00,GAS-3,abc\n"
        '"2026-07-21T03:15:30+08:00","GAS-4",3\n'
        "2026-07-21T03:15:00+08:00,GAS-5,1,awful\n"
    )
    reader = read_feed(path)
    batch = readings(reader)
    assert reader.format == "csv"
    assert list(batch.sensor) == ["GAS-1", "GAS-4", "GAS-2"]
    assert batch.t_ms.tolist() == [T0_MS, T0_MS + 30_000, T0_MS + 60_000]
    assert batch.quality.tolist() == [Quality.GOOD, Quality.GOOD, Quality.SUSPECT]
    assert [(line, reason.split(":")[0]) for line, reason in reader.problems] == [
        (4, "value is not a number"), (6, "unknown quality 'awful' (want good, suspect or bad)")]


def test_csv_without_its_header_is_refused_with_the_file_and_line(tmp_path):
    path = tmp_path / "feed.csv"
    path.write_text("time,id,reading\n2026-07-21T03:15:00+08:00,GAS-1,1.5\n")
    with pytest.raises(InputError, match=r"feed.csv:1: .*t,sensor,value"):
        read_feed(path)


def test_epoch_millisecond_times_equal_rfc3339_times(tmp_path):
    lines = [f'{{"t": {T0_MS}, "sensor": "A", "value": 1}}', '{"t": "2026-07-20T19:15:00Z", "sensor": "B", "value": 2}']
    batch = readings(read_feed(write_lines(tmp_path / "feed.jsonl", lines)))
    assert batch.t_ms.tolist() == [T0_MS, T0_MS]


def test_small_disorder_is_sorted_and_exact_duplicates_dropped(tmp_path):
    lines = []
    for minute in range(30):
        for sensor in range(20):
            jitter = (sensor * 7 + minute) % 5 - 2  # seconds early or late
            lines.append(json.dumps({"t": T0_MS + minute * 60_000 + jitter * 1000, "sensor": f"S{sensor}",
                                     "value": minute + sensor / 100}))
    # A line repeated a little later, and a line that arrives two minutes late.
    lines.insert(50, lines[40])
    late = lines.pop(100)
    lines.insert(140, late)
    # Same sensor and time but another value: not a duplicate, kept in file order.
    lines.append(json.dumps({"t": T0_MS + 29 * 60_000 + 2000, "sensor": "S0", "value": -1}))
    reader = read_feed(write_lines(tmp_path / "feed.jsonl", lines), block_bytes=4096)
    batch = readings(reader)
    assert len(batch) == 600 + 1
    assert reader.duplicates_dropped == 1
    assert np.all(np.diff(batch.t_ms) >= 0)
    assert reader.problems == []
    last_s0 = batch.value[batch.sensor == "S0"][-2:]
    assert last_s0.tolist() == [29.0, -1.0]


def test_a_reading_later_than_the_reorder_window_is_reported(tmp_path):
    lines = [json.dumps({"t": T0_MS + m * 60_000, "sensor": "A", "value": m}) for m in range(20)]
    lines.append(json.dumps({"t": T0_MS, "sensor": "B", "value": 5}))
    reader = read_feed(write_lines(tmp_path / "feed.jsonl", lines), reorder_window_s=120)
    batch = readings(reader)
    assert "B" not in set(batch.sensor)
    assert len(reader.problems) == 1 and reader.problems[0][0] == 21
    assert "reorder window 120 s" in reader.problems[0][1]


def test_a_truncated_gzip_file_reports_the_damage_and_keeps_what_was_read(tmp_path):
    lines = [json.dumps({"t": T0_MS + i * 1000, "sensor": f"S{i % 9}", "value": i}) for i in range(5000)]
    whole = gzip.compress(("\n".join(lines) + "\n").encode())
    path = tmp_path / "cut.jsonl.gz"
    path.write_bytes(whole[: len(whole) * 2 // 3])
    reader = read_feed(path)
    batch = readings(reader)
    assert 1000 < len(batch) < 5000
    assert np.array_equal(batch.value, np.arange(len(batch), dtype=float))
    assert any("ends early" in reason for _, reason in reader.problems)


def test_missing_file_is_an_input_error(tmp_path):
    with pytest.raises(InputError, match="no such feed file"):
        read_feed(tmp_path / "nothing.jsonl")


def test_time_span_before_reading_comes_from_the_first_and_last_blocks(tmp_path):
    lines = [json.dumps({"t": T0_MS + i * 60_000, "sensor": "A", "value": i}) for i in range(50_000)]
    path = write_lines(tmp_path / "feed.jsonl.gz", lines, compress=True)
    reader = read_feed(path)
    assert reader.time_span() == (T0_MS, T0_MS + 49_999 * 60_000)


def test_recorder_round_trip_replays_identically(tmp_path):
    rng = np.random.default_rng(4)
    lines = [json.dumps({"t": T0_MS + int(i) * 997, "sensor": f"S-{i % 37}", "value": float(v)})
             for i, v in enumerate(rng.normal(10, 30, 3000))]
    lines.insert(10, '{"t": "2026-07-21T03:15:05+08:00", "status": "offline", "sensor": "S-3"}')
    lines.insert(20, '{"t": "2026-07-21T03:15:09+08:00", "cap": "<alert>暴雨 \\"红色\\"</alert>"}')
    lines.insert(30, '{"t": 1784574920000, "sensor": "S-\\"odd\\" id", "value": 1e-7, "quality": "suspect"}')
    original = list(read_feed(write_lines(tmp_path / "in.jsonl", lines)))
    with FeedRecorder(tmp_path / "out.jsonl.gz") as recorder:
        recorder.write(original)
    replayed = list(read_feed(tmp_path / "out.jsonl.gz"))

    def flatten(events):
        batch = ReadingBatch.concat([e for e in events if isinstance(e, ReadingBatch)])
        others = [e.__class__(**{**e.__dict__, "line": 0}) for e in events if not isinstance(e, ReadingBatch)]
        return batch, others

    a, a_other = flatten(original)
    b, b_other = flatten(replayed)
    assert list(a.sensor) == list(b.sensor)
    assert np.array_equal(a.t_ms, b.t_ms)
    assert np.array_equal(a.value, b.value)  # bit for bit
    assert np.array_equal(a.quality, b.quality)
    assert a_other == b_other and len(a_other) == 2
    # The recorded file itself is gzip with a reproducible header.
    again = tmp_path / "again.jsonl.gz"
    with FeedRecorder(again) as recorder:
        recorder.write(original)
    assert again.read_bytes() == (tmp_path / "out.jsonl.gz").read_bytes()


def test_rfc3339_formatting_and_parsing_agree_with_datetime():
    rng = np.random.default_rng(9)
    t_ms = rng.integers(-2_000_000_000_000, 4_000_000_000_000, 2000)
    for offset in (480, -330, 0):
        text = format_rfc3339(t_ms, offset, millis=True)
        strings = [row.tobytes().decode() for row in text]
        parsed, ok = parse_rfc3339(strings)
        assert ok.all() and np.array_equal(parsed, t_ms)
        for s, t in zip(strings[:50], t_ms[:50], strict=True):
            assert int(round(datetime.fromisoformat(s).timestamp() * 1000)) == t


def test_epoch_times_out_of_range_are_bad_times_and_a_second_pass_reports_afresh(tmp_path):
    lines = ['{"t": 1e30, "sensor": "A", "value": 1}', f'{{"t": {T0_MS}, "sensor": "A", "value": 2}}']
    reader = read_feed(write_lines(tmp_path / "feed.jsonl", lines))
    assert readings(reader).value.tolist() == [2.0]
    assert [(line, reason.split(":")[0]) for line, reason in reader.problems] == [(1, "bad time 1e+30")]
    assert readings(reader).value.tolist() == [2.0]
    assert reader.problem_count == 1 and len(reader.problems) == 1
