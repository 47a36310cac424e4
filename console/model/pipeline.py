"""One batch through the chain: SensorTable -> RuleEngine -> AlarmBook -> Journal.

The same ``Pipeline`` serves the ``console process`` command, replay and the
live console: a feed hands it batches, the UI reads the table and the book it
owns, and operator actions go to ``pipeline.book`` (journaled from the book's
``records_emitted`` signal). Everything of one batch (readings, sensor states, alarm records) goes to
the journal as one entry, so a crash never leaves a level without its alarm.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from console.model.alarms import AlarmBook, BookRecords
from console.model.journal import Journal, JournalEntry, state_snapshot
from console.model.readings import ReadingBatch
from console.model.rules import FaultChange, LevelChange, RuleEngine, RuleSet
from console.model.sensors import NO_TIME, SensorStatus, SensorTable

__all__ = ["BatchReport", "Pipeline"]


@dataclass
class BatchReport:
    """What happened to one batch.

    ``rejected`` lists (line, sensor id, reason) of readings that were refused.
    ``raised`` are the ids of alarms (and sensor-fault items) opened by this batch;
    ``faults`` the sensor faults that began or ended.
    """

    source: str
    n_total: int = 0
    n_accepted: int = 0
    n_unknown: int = 0
    n_duplicate: int = 0
    n_history_only: int = 0
    rejected: list[tuple[int, str, str]] = field(default_factory=list)
    unknown: dict[str, int] = field(default_factory=dict)
    changes: list[LevelChange] = field(default_factory=list)
    faults: list[FaultChange] = field(default_factory=list)
    raised: list[int] = field(default_factory=list)


class Pipeline:
    """Sensor table, rule engine, alarm book and (optionally) journal, wired together.

    Parameters
    ----------
    table : SensorTable
    rules : RuleSet, RuleEngine (bound to ``table``), path or None
        None: the shipped default rules.
    journal : Journal, optional
        Bound to the table; with ``restore`` the table's live state and the book
        are first rebuilt from it, so a restarted console continues where it stopped.
    incident_distance_m, incident_window_s : float
        Incident grouping (see ``AlarmBook``).

    Attributes
    ----------
    table : SensorTable
    engine : RuleEngine
    book : AlarmBook
    journal : Journal or None

    Raises
    ------
    InputError
        From the rules (before anything is processed).
    """

    def __init__(
        self,
        table: SensorTable,
        rules: RuleSet | RuleEngine | str | Path | None = None,
        *,
        journal: Journal | None = None,
        incident_distance_m: float = 500.0,
        incident_window_s: float = 600.0,
        restore: bool = True,
    ):
        if isinstance(rules, RuleEngine):
            if rules.table is not table:
                raise ValueError("the rule engine is bound to another sensor table")
            self.engine = rules
        else:
            self.engine = RuleEngine(rules if isinstance(rules, RuleSet) else RuleSet.load(rules), table)
        self.table = table
        self.journal = journal
        options = {"incident_distance_m": incident_distance_m, "incident_window_s": incident_window_s}
        if journal is not None:
            journal.bind(table)
            self.book = journal.restore(table, **options) if restore else AlarmBook(table, **options)
            self.book.records_emitted.connect(self._journal_records)
        else:
            self.book = AlarmBook(table, **options)

    def process(self, batch: ReadingBatch, source: str = "", now_ms: int | None = None) -> BatchReport:
        """Ingest a batch, judge it, update the alarms and journal it.

        ``now_ms`` (the feed's clock) also runs ``tick`` in the same journal entry.
        """
        table, book = self.table, self.book
        start_version = table.version
        first_new_alarm = book.next_alarm_id
        with book.holding():
            ingest = table.ingest(batch, source)
            changes = self.engine.evaluate(ingest)
            book.apply(changes)
            faults = self.engine.checks.take_changes()
            if faults:
                book.apply_faults(faults)
            if now_ms is not None:
                self._tick(now_ms)
        records = book.take_records()
        journal = self.journal
        if journal is not None:
            readings = (ingest.rows, ingest.t_ms, ingest.value, ingest.quality) if journal.keep_readings else None
            states = state_snapshot(table, table.changed_since(start_version), start_version) \
                if journal.keep_states else None
            if readings is not None or states is not None or records:
                journal.submit(JournalEntry(readings=readings, states=states, records=records))
        report = BatchReport(
            source=source,
            n_total=ingest.n_total,
            n_accepted=ingest.n_accepted,
            n_unknown=ingest.n_unknown,
            n_duplicate=ingest.n_duplicate,
            n_history_only=ingest.n_history_only,
            unknown=ingest.unknown,
            changes=changes,
            faults=faults,
            raised=list(range(first_new_alarm, book.next_alarm_id)),
        )
        if ingest.n_rejected:
            report.rejected = list(
                zip(
                    ingest.rejected_line.tolist(),
                    ingest.rejected_sensor.tolist(),
                    ingest.rejected_reason.tolist(),
                    strict=True,
                )
            )
        return report

    def tick(self, now_ms: int) -> None:
        """Let time pass without readings: stale sensors, calmed chattering, ended shelves, overdue dispatches."""
        start_version = self.table.version
        with self.book.holding():
            self._tick(now_ms)
        self._journal_changes(start_version)

    def mark_offline(self, sensor_ids, t_ms: int) -> np.ndarray:
        """A source reported these sensors offline at ``t_ms``; returns the rows that changed.

        A sensor with a reading newer than the report stays as it is.
        """
        start_version = self.table.version
        rows = self._rows_before(sensor_ids, t_ms)
        rows = self.table.set_status(rows, SensorStatus.OFFLINE)
        self._journal_changes(start_version)
        return rows

    def mark_online(self, sensor_ids, t_ms: int) -> np.ndarray:
        """A source reported these sensors back online; offline ones turn live (or no data)."""
        start_version = self.table.version
        table = self.table
        rows = self._rows_before(sensor_ids, t_ms + 1)
        rows = rows[table.status[rows] == SensorStatus.OFFLINE]
        heard = table.t_ms[rows] != NO_TIME
        changed = np.concatenate(
            (table.set_status(rows[heard], SensorStatus.LIVE), table.set_status(rows[~heard], SensorStatus.NO_DATA))
        )
        self._journal_changes(start_version)
        return np.sort(changed)

    def _rows_before(self, sensor_ids, t_ms: int) -> np.ndarray:
        rows = self.table.rows_of(sensor_ids)
        rows = rows[rows >= 0]
        return rows[self.table.t_ms[rows] < t_ms]

    def close(self) -> None:
        """Write everything queued and close the journal."""
        if self.journal is not None:
            self.journal.close()

    def _tick(self, now_ms: int) -> None:
        self.engine.check_stale(now_ms)
        self.book.chatter_ended(self.engine.expire_chatter(now_ms), now_ms)
        faults = self.engine.checks.take_changes()
        if faults:
            self.book.apply_faults(faults)
        self.book.expire_shelves(now_ms)
        self.book.check_deadlines(now_ms)  # overdue dispatch steps escalate on the same clock

    def _journal_changes(self, start_version: int) -> None:
        records = self.book.take_records()
        if self.journal is None:
            return
        rows = self.table.changed_since(start_version) if self.journal.keep_states else np.empty(0, np.int64)
        if rows.size or records:
            self.journal.submit(JournalEntry(states=state_snapshot(self.table, rows, start_version), records=records))

    def _journal_records(self, records: BookRecords) -> None:
        if self.journal is not None:
            self.journal.submit(JournalEntry(records=records))
