"""What a CAP message out is about: an alarm or an incident, read from a journal or a book (no Qt).

CAP speaks of messages, the console of alarms that change. Each change that a
receiving department should hear of becomes one revision of the subject: the
raise is an ``Alert``; an escalation, a de-escalation, a reactivation or (for an
incident) an alarm joining is an ``Update``; the return to normal (or a closure
while still active) is a ``Cancel``. Acknowledgements, notes and shelving are
the duty room's own business and make no revision. Revisions are numbered from
1 and keep their times, so exporting the same journal twice writes the same
messages.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from console.errors import InputError

__all__ = ["Revision", "SensorSite", "Subject", "alarm_subject", "incident_subject", "journal_stamp",
           "read_journal_subject", "sites_of_table"]

ALERT, UPDATE, CANCEL = "Alert", "Update", "Cancel"
# Transition kinds that change an alarm's level (console.model.alarms.lifecycle.LEVEL_KINDS).
_LEVEL_KINDS = ("raise", "reactivate", "escalate", "deescalate", "return")


@dataclass(frozen=True)
class SensorSite:
    """Where a sensor stands (lon/lat degrees) and what to call it."""

    lon: float
    lat: float
    name: str = ""
    unit: str = ""


@dataclass(frozen=True)
class Revision:
    """One CAP message of a subject.

    Attributes
    ----------
    number : int
        1 for the first message; the identifier carries it.
    t_ms : int
        When the change happened (CAP ``sent`` and ``effective``).
    msg_type : str
        ``Alert``, ``Update`` or ``Cancel``.
    level : int
        1..4; for a Cancel, the last level that was in force.
    sensors : tuple of str
        The sensors the area covers at this revision (for an incident: every alarm joined so far).
    value, threshold : float or None
        An alarm's value at the change and the threshold it crossed (None for an incident).
    """

    number: int
    t_ms: int
    msg_type: str
    level: int
    sensors: tuple[str, ...]
    value: float | None = None
    threshold: float | None = None


@dataclass(frozen=True)
class Subject:
    """An alarm or an incident, with what the CAP messages need.

    Attributes
    ----------
    kind : str
        ``"alarm"`` or ``"incident"``.
    key : int
        The alarm or incident id.
    stamp : str
        Names the journal in identifiers (its creation time, ``20260721T031500Z``).
    drill : bool
        The journal records a drill: messages are ``Exercise``.
    raised_ms : int
    alarms : tuple of dict
        The alarm rows concerned (``sensor_id``, ``category``, ``family``, ``district``,
        ``owner``, ``quantity``, ``value``, ``threshold``, ``peak_level``, ``alarm_id``).
    revisions : tuple of Revision
    incident_id : int
        The incident the alarm belongs to (0: none).
    """

    kind: str
    key: int
    stamp: str
    drill: bool
    raised_ms: int
    alarms: tuple[dict, ...]
    revisions: tuple[Revision, ...]
    incident_id: int = 0

    @property
    def latest(self) -> Revision:
        return self.revisions[-1]


def _steps_to_revisions(steps, sensor: str, closed_ms: int | None) -> list[Revision]:
    """Revisions of one alarm from its level steps ``(t_ms, level_from, level_to[, value, threshold])`` in order."""
    revisions: list[Revision] = []
    level = 0
    for step in steps:
        t_ms, level_to = step[0], int(step[2] or 0)
        value, threshold = (step[3], step[4]) if len(step) > 4 else (None, None)
        if level_to == level:
            continue
        if level_to == 0:
            kind = CANCEL
        else:
            kind = ALERT if not revisions else UPDATE
        revisions.append(Revision(len(revisions) + 1, int(t_ms), kind,
                                  level_to or (revisions[-1].level if revisions else level), (sensor,),
                                  None if value is None else float(value),
                                  None if threshold is None else float(threshold)))
        level = level_to
    if closed_ms is not None and revisions and revisions[-1].msg_type != CANCEL:
        revisions.append(Revision(len(revisions) + 1, int(closed_ms), CANCEL, revisions[-1].level, (sensor,)))
    return revisions


def _check_alarm(row: dict) -> None:
    if row.get("kind", "level") != "level":
        raise InputError(f"alarm {row['alarm_id']}", "is a sensor-fault item, not a warning: it is not published as CAP")


def alarm_subject(row: dict, steps, *, stamp: str, drill: bool) -> Subject:
    """The subject of one alarm: its row (``Alarm`` fields as a dict) and level steps
    ``(t_ms, level_from, level_to, value, threshold)`` (value and threshold may be left out)."""
    _check_alarm(row)
    revisions = _steps_to_revisions(steps, row["sensor_id"], row.get("closed_ms"))
    if not revisions:
        raise InputError(f"alarm {row['alarm_id']}", "has never raised a level: there is nothing to publish")
    return Subject("alarm", int(row["alarm_id"]), stamp, drill, int(row["raised_ms"]), (row,), tuple(revisions),
                   int(row.get("incident_id") or 0))


def incident_subject(incident_id: int, rows: list[dict], steps_of: dict, *, stamp: str, drill: bool) -> Subject:
    """The subject of an incident: its alarms' rows and each alarm's level steps (``steps_of[alarm_id]``).

    The incident's level is the most severe level in force among its alarms; it is
    cancelled when none is in force any more.
    """
    rows = [row for row in rows if row.get("kind", "level") == "level"]
    if not rows:
        raise InputError(f"incident {incident_id}", "has no process alarm: there is nothing to publish")
    by_id = {int(row["alarm_id"]): row for row in rows}
    events = []  # (t_ms, order, alarm_id, level_to)
    for alarm_id, row in by_id.items():
        for order, step in enumerate(steps_of.get(alarm_id, ())):
            events.append((int(step[0]), alarm_id, order, int(step[2] or 0)))
        if row.get("closed_ms") is not None:
            events.append((int(row["closed_ms"]), alarm_id, 1 << 30, 0))
    events.sort()
    in_force: dict[int, int] = {}
    joined: list[str] = []
    revisions: list[Revision] = []
    shown = (0, ())
    for t_ms, alarm_id, _order, level_to in events:
        sensor = by_id[alarm_id]["sensor_id"]
        if level_to:
            in_force[alarm_id] = level_to
            if sensor not in joined:
                joined.append(sensor)
        else:
            in_force.pop(alarm_id, None)
        level = min(in_force.values()) if in_force else 0
        state = (level, tuple(joined))
        if state == shown or (level == 0 and not revisions):
            continue
        if level == 0:
            if revisions[-1].msg_type == CANCEL:
                continue
            kind, level = CANCEL, revisions[-1].level
        else:
            kind = ALERT if not revisions else UPDATE
        # Several alarms moving in the same millisecond make one revision, not several.
        if revisions and revisions[-1].t_ms == t_ms and revisions[-1].msg_type != CANCEL and kind != CANCEL:
            revisions[-1] = Revision(revisions[-1].number, t_ms, revisions[-1].msg_type, level, tuple(joined))
        else:
            revisions.append(Revision(len(revisions) + 1, t_ms, kind, level, tuple(joined)))
        shown = state
    if not revisions:
        raise InputError(f"incident {incident_id}", "never had an alarm in force: there is nothing to publish")
    first = min(int(row["raised_ms"]) for row in rows)
    return Subject("incident", int(incident_id), stamp, drill, first, tuple(rows), tuple(revisions), int(incident_id))


def journal_stamp(meta: dict) -> str:
    """The journal's name in identifiers: its creation time as ``20260721T031500Z`` ("J" when unknown)."""
    from datetime import UTC, datetime

    created = meta.get("created_utc", "")
    try:
        moment = datetime.fromisoformat(created)
    except ValueError:
        return "J"
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _alarm_rows(db, where: str, params: tuple) -> list[dict]:
    cursor = db.execute(f"SELECT * FROM alarm WHERE {where} ORDER BY alarm_id", params)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _steps(db, alarm_ids: list[int]) -> dict[int, list[tuple]]:
    kinds = ", ".join(f"'{kind}'" for kind in _LEVEL_KINDS)
    marks = ", ".join("?" * len(alarm_ids))
    steps: dict[int, list[tuple]] = {alarm_id: [] for alarm_id in alarm_ids}
    for alarm_id, *step in db.execute(
            f'SELECT alarm_id, t_ms, level_from, level_to, value, threshold FROM "transition" '
            f"WHERE alarm_id IN ({marks}) AND kind IN ({kinds}) ORDER BY seq", alarm_ids):
        steps[alarm_id].append(tuple(step))
    return steps


def read_journal_subject(path, *, alarm: int | None = None, incident: int | None = None) -> Subject:
    """The subject of ``--alarm`` or ``--incident`` in a journal file, read-only.

    Raises
    ------
    InputError
        The journal cannot be read, or has no such alarm or incident (the message names it).
    """
    from console.model.journal.queries import journal_meta
    from console.model.journal.schema import connect_reader

    if (alarm is None) == (incident is None):
        raise ValueError("give exactly one of alarm and incident")
    path = Path(path)
    db = connect_reader(path)
    try:
        meta = journal_meta(db)
        stamp, drill = journal_stamp(meta), meta.get("drill") == "1"
        if alarm is not None:
            rows = _alarm_rows(db, "alarm_id = ?", (int(alarm),))
            if not rows:
                last = db.execute("SELECT max(alarm_id) FROM alarm").fetchone()[0]
                known = f"its alarms are 1..{last}" if last else "it holds no alarm"
                raise InputError(path, f"no alarm {alarm} in this journal ({known})")
            return alarm_subject(rows[0], _steps(db, [int(alarm)])[int(alarm)], stamp=stamp, drill=drill)
        rows = _alarm_rows(db, "incident_id = ?", (int(incident),))
        if not rows:
            last = db.execute("SELECT max(incident_id) FROM incident").fetchone()[0]
            known = f"its incidents are 1..{last}" if last else "it holds no incident"
            raise InputError(path, f"no incident {incident} in this journal ({known})")
        steps = _steps(db, [int(r["alarm_id"]) for r in rows])
        return incident_subject(int(incident), rows, steps, stamp=stamp, drill=drill)
    finally:
        db.close()


def sites_of_table(table) -> dict[str, SensorSite]:
    """Every sensor of a ``SensorTable`` with its position in lon/lat."""
    from console.geo.crs import from_display

    lon, lat = from_display(table.x, table.y, "EPSG:4326", source="sensor table")
    names = np.asarray(table.name).tolist()
    units = np.asarray(table.unit).tolist()
    return {str(sensor_id): SensorSite(float(x), float(y), str(name), str(unit))
            for sensor_id, x, y, name, unit in zip(np.asarray(table.ids).tolist(), lon.tolist(), lat.tolist(),
                                                    names, units, strict=True)}
