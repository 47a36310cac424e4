"""What a reading child process runs: the feed read in order, sent to the parent in pickled messages."""

from __future__ import annotations

import contextlib
from collections.abc import Callable

from console.errors import InputError
from console.feeds.recorded.reader import FeedReader
from console.feeds.recorded.reorder import CodedReadings

# Events the reading child puts in one message (the last batch of a message may make it longer).
CHILD_MESSAGE_READINGS = 200_000


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
