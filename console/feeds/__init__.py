"""Feeds: everything that brings readings in, recorded or live (Qt-free).

- ``events``: what feeds deliver (reading batches, sensor status, CAP warnings,
  adapter status changes) and ``FeedStatus``.
- ``base``: the adapter interface (``FeedAdapter``: start, stop, poll, status, health,
  ``FeedHealth``); re-exports the events and the registry.
- ``registry``: adapter kinds by id, label and priority (``register_adapter``,
  ``unregister_adapter``, ``create_adapter``).
- ``recorded``: recorded feed files (JSON Lines / CSV, plain or gzip): ``read_feed``,
  ``FeedReader`` and ``RecordedFeedAdapter``, a package by part (files, vocabulary,
  reorder, reader, reading child, adapter).
- ``mqtt``: the MQTT adapter (paho; QoS 1 persistent session, reconnect with backoff,
  redeliveries dropped, ``MqttHealth``); ``mqtt_network`` its network loop, ``payloads``
  the pure parsing of topics and payloads into reading columns with a reason per rejection.
- ``recorder``: writing feed events to a recorded feed (``FeedRecorder``).
- ``codec`` and ``timefmt``: whole-block parsing and writing of feed lines and times.
- ``columns``: a recorded feed decoded once into columns (``decode_feed``).
- ``replay``: a recorded feed played on its own state, with exact seeking (``Replay``).
- ``drill``: drill mode without Qt: a replay with its own drill journal (``DrillSession``).
- ``scenario``: drill scenarios with their ground truth (``console scenario``).
- ``evaluate``: alarm quality against a ground truth (``console evaluate``).
"""
