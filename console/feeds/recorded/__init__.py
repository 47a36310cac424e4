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

The package, by what each module holds: ``files`` (sniffing, gzip, blocks of
lines), ``vocabulary`` (sensor ids as codes), ``reorder`` (time order and
duplicates), ``reader`` (``FeedReader``), ``spawn`` and ``child`` (the reading
child process), ``adapter`` (``RecordedFeedAdapter``); recording is
``console.feeds.recorder``.
"""

from console.feeds.recorded.adapter import RecordedFeedAdapter
from console.feeds.recorded.files import is_gzip
from console.feeds.recorded.reader import FeedReader, problems_to, read_feed
from console.feeds.recorded.reorder import CodedReadings
from console.feeds.recorder import FeedRecorder

__all__ = ["CodedReadings", "FeedReader", "FeedRecorder", "RecordedFeedAdapter", "is_gzip", "problems_to",
           "read_feed"]
