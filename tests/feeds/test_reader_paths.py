"""The reader's other roads give the same feed: a child process, lines as written, multi-member gzip."""

from __future__ import annotations

import gzip
import json
import random

import numpy as np
import pytest

from console.errors import InputError
from console.feeds.recorded import CodedReadings, read_feed
from console.model.readings import ReadingBatch

T0_MS = 1784574900000


def messy_lines(n: int = 40_000) -> list[str]:
    """Lines as the console writes them and others: blanks, epoch times, quality, disorder, repeats, bad lines."""
    rng = random.Random(7)
    lines = []
    for i in range(n):
        t = T0_MS + (i // 20) * 1000 + rng.randint(-3000, 3000)  # clock jitter: small disorder
        sensor, value = f"S-{i % 300:04d}", round(rng.uniform(-50, 50), rng.randint(0, 4))
        shape = i % 7
        if shape == 0:
            lines.append(json.dumps({"t": t, "sensor": sensor, "value": value}))
        elif shape == 1:
            lines.append(f'{{"t":"{_rfc3339(t)}","sensor":"{sensor}","value":{value},"quality":"suspect"}}')
        else:
            lines.append(f'{{"t":"{_rfc3339(t)}","sensor":"{sensor}","value":{value}}}')
        if i % 97 == 0:
            lines.append(lines[-1])  # sent twice
        if i % 1999 == 0:
            lines.append(f'{{"t":"{_rfc3339(t)}","sensor":"{sensor}","value":"broken"}}')
        if i % 5003 == 0:
            lines.append(json.dumps({"t": t, "status": "offline", "sensor": sensor}))
        if i % 9001 == 0:
            lines.append(json.dumps({"t": t - 3_600_000, "sensor": sensor, "value": 1}))  # far too late
    lines.append(json.dumps({"t": T0_MS + n * 50, "cap": '<alert xmlns="urn:oasis">x</alert>'}))
    return lines


def _rfc3339(t_ms: int) -> str:
    from console.feeds.timefmt import format_time

    return format_time(t_ms)


def everything(reader) -> tuple:
    events = list(reader)
    batch = ReadingBatch.concat([e for e in events if isinstance(e, ReadingBatch)])
    others = [e for e in events if not isinstance(e, ReadingBatch)]
    return (batch.sensor.tolist(), batch.t_ms.tolist(), batch.value.tolist(), batch.quality.tolist(),
            batch.line.tolist(), others, reader.problems, reader.problem_count, reader.duplicates_dropped,
            reader.time_span())


@pytest.fixture(scope="module")
def messy(tmp_path_factory):
    path = tmp_path_factory.mktemp("paths") / "messy.jsonl.gz"
    path.write_bytes(gzip.compress(("\n".join(messy_lines()) + "\n").encode()))
    return path


def test_a_child_process_reads_exactly_what_threads_read(messy):
    threads = everything(read_feed(messy, block_bytes=200_000))
    child = everything(read_feed(messy, block_bytes=200_000, in_process=True))
    assert child == threads
    sensors, times, values, _, _, others, problems, problem_count, duplicates, span = threads
    assert len(sensors) == 40_000 and duplicates > 400 and problem_count > 20  # repeats dropped, bad lines out
    assert any("behind earlier lines" in reason for _, reason in problems)
    assert any("not a number" in reason for _, reason in problems)
    assert [type(e).__name__ for e in others].count("SensorStatusEvent") == 8
    assert times == sorted(times) and span == (times[0], max(times[-1], others[-1].t_ms))


def test_coded_readings_name_their_sensors_by_code(messy):
    reader = read_feed(messy, in_process=True)
    coded = [e for e in reader.coded() if isinstance(e, CodedReadings)]
    codes = np.concatenate([c.code for c in coded])
    names = np.array(reader.sensor_ids, dtype=object)[codes]
    again = ReadingBatch.concat([e for e in read_feed(messy) if isinstance(e, ReadingBatch)])
    assert names.tolist() == again.sensor.tolist()


def test_a_prefetched_child_is_taken_over_by_the_next_read_or_stopped(messy):
    reader = read_feed(messy, in_process=True)
    reader.prefetch()
    child = reader._early[0]
    assert child.poll() is None  # reading ahead already
    assert everything(reader) == everything(read_feed(messy))
    assert child.poll() is not None and reader._early is None
    idle = read_feed(messy, in_process=True)
    idle.prefetch()
    child = idle._early[0]
    idle.close()
    assert child.poll() is not None


def test_a_truncated_file_read_by_a_child_keeps_what_was_read(tmp_path):
    lines = [json.dumps({"t": T0_MS + i * 1000, "sensor": f"S{i % 9}", "value": i}) for i in range(5000)]
    whole = gzip.compress(("\n".join(lines) + "\n").encode())
    path = tmp_path / "cut.jsonl.gz"
    path.write_bytes(whole[: len(whole) * 2 // 3])
    reader = read_feed(path, in_process=True)
    batch = ReadingBatch.concat([e for e in reader if isinstance(e, ReadingBatch)])
    assert 1000 < len(batch) < 5000
    assert np.array_equal(batch.value, np.arange(len(batch), dtype=float))
    assert any("ends early" in reason for _, reason in reader.problems)


def test_gzip_members_one_after_another_and_zero_padding_read_as_one_file(tmp_path):
    first = gzip.compress(b'{"t":1784574900000,"sensor":"A","value":1}\n')
    second = gzip.compress(b'{"t":1784574960000,"sensor":"B","value":2}\n{"t":1784575020000,"sensor":"A","value":3}')
    path = tmp_path / "members.jsonl.gz"
    path.write_bytes(first + second + bytes(64))
    reader = read_feed(path)
    batch = ReadingBatch.concat([e for e in reader if isinstance(e, ReadingBatch)])
    assert batch.sensor.tolist() == ["A", "B", "A"] and batch.value.tolist() == [1.0, 2.0, 3.0]
    assert reader.problems == []


@pytest.mark.parametrize(
    ("line", "value", "quality"),
    [
        ('{"t":"2026-07-21T03:15:00+08:00","sensor":"GAS-1","value":-0.25,"quality":"bad"}', -0.25, 2),
        ('{"t":"2026-07-21T03:15:00+08:00","sensor":"GAS-1","value":12345678.5}', 12345678.5, 0),
        ('{"t":"2026-07-21T03:15:00+08:00","sensor":"GAS-1","value":1e-3}', 0.001, 0),
        ('{"t":"2026-07-21T03:15:00+08:00","sensor":"GAS-1","value":0.1234567890123456789}', 0.12345678901234568, 0),
        ('{"t":"2026-07-21T03:15:00.250+08:00","sensor":"GAS-1","value":7,"quality":"good"}', 7.0, 0),
        ('{"t":"2026-07-21T03:15:00+08:00","sensor":"GAS-\\\\1","value":7}', 7.0, 0),
        ('{"t":"2026-07-21T03:15:00+08:00","sensor":"中文-1","value":-12}', -12.0, 0),
    ],
)
def test_lines_as_written_and_their_neighbours_give_the_json_values(tmp_path, line, value, quality):
    path = tmp_path / "one.jsonl"
    path.write_text(line + "\n", encoding="utf-8")
    reader = read_feed(path)
    batch = ReadingBatch.concat([e for e in reader if isinstance(e, ReadingBatch)])
    record = json.loads(line)
    assert reader.problems == []
    assert batch.sensor.tolist() == [record["sensor"]]
    assert batch.value.tolist() == [value] and batch.quality.tolist() == [quality]


def test_a_missing_file_fails_before_any_child_starts(tmp_path):
    with pytest.raises(InputError, match="no such feed file"):
        read_feed(tmp_path / "absent.jsonl.gz", in_process=True)
