"""Feeds: everything that brings readings in, recorded or live (Qt-free).

- ``base``: the adapter interface (``FeedAdapter``: start, stop, poll, status, health),
  the feed events and the registry of adapter kinds.
- ``recorded``: recorded feed files (JSON Lines / CSV, plain or gzip): ``read_feed``,
  ``RecordedFeedAdapter`` and ``FeedRecorder``.
- ``codec`` and ``timefmt``: whole-block parsing and writing of feed lines and times.
- ``replay``: a recorded feed played on its own state, with exact seeking (``Replay``).
- ``drill``: drill mode without Qt: a replay with its own drill journal (``DrillSession``).
- ``scenario``: drill scenarios with their ground truth (``console scenario``).
- ``evaluate``: alarm quality against a ground truth (``console evaluate``).
"""
