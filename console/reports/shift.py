"""The shift report's content: what the journal says happened between two moments, as plain data.

Everything is read from the journal's own tables through ``console.model.journal.queries``;
nothing is recomputed from readings. The range is half-open, [start, end): an alarm
raised at the very end belongs to the next shift.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from console.model.journal import queries
from console.model.journal.schema import connect_reader
from console.model.levels import LEVELS

__all__ = [
    "DEFAULT_OVERDUE_AFTER_MS",
    "DEFAULT_SHIFT_MS",
    "NOISIEST_LIMIT",
    "CategoryCounts",
    "FalseAlarmShare",
    "NoisySensor",
    "OpenItem",
    "OperatorActionRow",
    "OverdueDispatch",
    "ShiftReport",
    "build_shift_report",
    "read_shift_report",
    "shift_start_ms",
]

# A dispatch recorded without deadlines (a journal of schema 3 or older) not closed within this is overdue;
# a newer dispatch is overdue past the handling deadline it was given (docs/alarms.md).
DEFAULT_OVERDUE_AFTER_MS = 2 * 3600_000
NOISIEST_LIMIT = 10
# The shift assumed when the journal records no handover.
DEFAULT_SHIFT_MS = 12 * 3600_000


@dataclass(frozen=True)
class CategoryCounts:
    """Alarms of one category counted by level (``by_level[0]`` is level I)."""

    family: str
    category: str
    by_level: tuple[int, int, int, int]

    @property
    def total(self) -> int:
        return sum(self.by_level)


@dataclass(frozen=True)
class OpenItem:
    """An alarm not closed at the end of the range: the most severe level it reached, its state then."""

    alarm_id: int
    sensor_id: str
    category: str
    family: str
    district: str
    raised_ms: int
    level: int
    state: str
    dispatched_to: str | None


@dataclass(frozen=True)
class OverdueDispatch:
    """A dispatch whose alarm was not closed by ``due_ms`` (``closed_ms`` None: still open at the end)."""

    alarm_id: int
    sensor_id: str
    category: str
    level: int
    unit: str
    operator: str
    dispatched_ms: int
    due_ms: int
    closed_ms: int | None


@dataclass(frozen=True)
class FalseAlarmShare:
    category: str
    closed: int
    false_alarms: int

    @property
    def share(self) -> float:
        return self.false_alarms / self.closed if self.closed else 0.0


@dataclass(frozen=True)
class NoisySensor:
    sensor_id: str
    category: str
    annunciations: int
    alarms: int


@dataclass(frozen=True)
class OperatorActionRow:
    """One journaled operator action; ``detail`` as stored (unit, classification, note, reason...)."""

    t_ms: int
    operator: str
    action: str
    alarm_id: int | None
    sensor_id: str | None
    detail: dict


@dataclass
class ShiftReport:
    """What happened between ``start_ms`` and ``end_ms`` (UTC epoch ms), shown in ``zone``.

    ``raised`` and ``closed`` count alarms by category and level (the most severe level
    the alarm reached before the end); ``open_at_end`` are the alarms not closed at the
    end, most severe first; ``overdue`` the dispatches not closed by their handling
    deadline (``due_handled_ms``, stored at the dispatch), or within ``overdue_after_ms``
    of the first dispatch for one recorded without deadlines. ``source_status_recorded`` is False: the journal keeps no
    history of source status, and the report says so instead of guessing outages.
    """

    journal: str
    start_ms: int
    end_ms: int
    zone: str
    made_ms: int
    drill: bool
    overdue_after_ms: int
    raised: list[CategoryCounts] = field(default_factory=list)
    closed: list[CategoryCounts] = field(default_factory=list)
    closed_by_classification: dict[str, int] = field(default_factory=dict)
    open_at_end: list[OpenItem] = field(default_factory=list)
    overdue: list[OverdueDispatch] = field(default_factory=list)
    false_alarms: list[FalseAlarmShare] = field(default_factory=list)
    noisiest: list[NoisySensor] = field(default_factory=list)
    actions: list[OperatorActionRow] = field(default_factory=list)
    source_status_recorded: bool = False

    @property
    def raised_by_level(self) -> tuple[int, int, int, int]:
        return _sum_levels(self.raised)

    @property
    def closed_by_level(self) -> tuple[int, int, int, int]:
        return _sum_levels(self.closed)

    @property
    def actions_by_operator(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for action in self.actions:
            counts[action.operator] = counts.get(action.operator, 0) + 1
        return dict(sorted(counts.items(), key=lambda item: (-item[1], item[0])))

    @property
    def no_alarms(self) -> bool:
        """No alarm raised, closed or open in the range: the report says "no alarms in this range"."""
        return not (self.raised or self.closed or self.open_at_end)

    @property
    def empty(self) -> bool:
        """Nothing happened and nothing was left open."""
        return self.no_alarms and not (self.overdue or self.actions)


def read_shift_report(path: str | Path, start_ms: int, end_ms: int, zone: str, **options) -> ShiftReport:
    """Open the journal at ``path`` read-only and build its report (see ``build_shift_report``).

    Raises
    ------
    JournalError
        No such file, or not a console journal.
    """
    db = connect_reader(Path(path))
    try:
        return build_shift_report(db, start_ms, end_ms, zone, journal=Path(path).name, **options)
    finally:
        db.close()


def shift_start_ms(path: str | Path, now_ms: int, fallback_ms: int = DEFAULT_SHIFT_MS) -> int:
    """When the current shift began: the latest handover journaled before ``now_ms``, else ``fallback_ms`` earlier."""
    db = connect_reader(Path(path))
    try:
        started = queries.last_action_ms(db, "shift_start", now_ms)
    finally:
        db.close()
    return now_ms - fallback_ms if started is None else started


def build_shift_report(
    db,
    start_ms: int,
    end_ms: int,
    zone: str,
    *,
    journal: str = "",
    overdue_after_ms: int = DEFAULT_OVERDUE_AFTER_MS,
    noisiest: int = NOISIEST_LIMIT,
    made_ms: int | None = None,
) -> ShiftReport:
    """The report of [``start_ms``, ``end_ms``) from an open journal connection."""
    if end_ms <= start_ms:
        raise ValueError("the end of a report's range must come after its start")
    meta = queries.journal_meta(db)
    report = ShiftReport(
        journal=journal,
        start_ms=int(start_ms),
        end_ms=int(end_ms),
        zone=zone,
        made_ms=int(time.time() * 1000) if made_ms is None else int(made_ms),
        drill=meta.get("drill") == "1",
        overdue_after_ms=int(overdue_after_ms),
    )
    raised = queries.alarms_raised(db, start_ms, end_ms)
    report.raised = _by_category((family, category, level) for _, _, category, family, level in raised)
    closed = queries.alarms_closed(db, start_ms, end_ms)
    report.closed = _by_category((row[3], row[2], row[4]) for row in closed)
    for row in closed:
        report.closed_by_classification[row[5]] = report.closed_by_classification.get(row[5], 0) + 1
    report.false_alarms = _false_shares(closed)
    report.open_at_end = [OpenItem(*row[:6], row[6], row[7], row[8])
                          for row in queries.alarms_open_at(db, end_ms)]
    report.overdue = _overdue(queries.first_dispatches(db, end_ms), start_ms, end_ms, overdue_after_ms)
    report.noisiest = [NoisySensor(*row) for row in queries.annunciations_by_sensor(db, start_ms, end_ms, noisiest)]
    report.actions = [OperatorActionRow(*row[1:]) for row in queries.actions_between(db, start_ms, end_ms)]
    return report


def _by_category(rows) -> list[CategoryCounts]:
    counts: dict[tuple[str, str], list[int]] = {}
    for family, category, level in rows:
        by_level = counts.setdefault((family, category), [0, 0, 0, 0])
        if level in LEVELS:
            by_level[level - 1] += 1
    return [CategoryCounts(family, category, tuple(levels)) for (family, category), levels in sorted(counts.items())]


def _sum_levels(rows: list[CategoryCounts]) -> tuple[int, int, int, int]:
    return tuple(sum(row.by_level[i] for row in rows) for i in range(4))


def _false_shares(closed) -> list[FalseAlarmShare]:
    counts: dict[str, list[int]] = {}
    for row in closed:
        category_counts = counts.setdefault(row[2], [0, 0])
        category_counts[0] += 1
        category_counts[1] += row[5] == "false_alarm"
    return [FalseAlarmShare(category, n, false) for category, (n, false) in sorted(counts.items())]


def _overdue(dispatches, start_ms: int, end_ms: int, after_ms: int) -> list[OverdueDispatch]:
    """Dispatches due before the end and not closed by then; one closed late before the range is history."""
    overdue = []
    for alarm_id, sensor_id, category, level, unit, operator, dispatched_ms, closed_ms, stored_due in dispatches:
        due_ms = stored_due if stored_due is not None else dispatched_ms + after_ms
        if closed_ms is not None and closed_ms >= end_ms:
            closed_ms = None  # closed after the range: still open as far as this report can tell
        if due_ms >= end_ms or (closed_ms is not None and (closed_ms <= due_ms or closed_ms < start_ms)):
            continue
        overdue.append(OverdueDispatch(alarm_id, sensor_id, category, level or 0, unit, operator,
                                       dispatched_ms, due_ms, closed_ms))
    return overdue
