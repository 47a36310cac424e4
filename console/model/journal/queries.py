"""Reading the journal back: one sensor's readings, counts, integrity, and the shift report's questions."""

from __future__ import annotations

import json
import sqlite3

import numpy as np

from console.model.alarms import ANNUNCIATING_KINDS
from console.model.journal.blocks import blob_slice, block_times, read_block
from console.model.sensors import NO_TIME

__all__ = [
    "cap_warnings_between",
    "actions_between",
    "alarms_closed",
    "alarms_open_at",
    "alarms_raised",
    "annunciations_by_sensor",
    "count_readings",
    "first_dispatches",
    "integrity_check",
    "journal_meta",
    "last_action_ms",
    "query_readings",
    "sensor_alarm_events",
]


def query_readings(db: sqlite3.Connection, sensor_id: str, start_ms: int | None = None, end_ms: int | None = None):
    """Committed readings of one sensor in time order: (t_ms int64, value float64, quality uint8).

    A sensor and time written twice gives the first one written; one kept in a
    block wins over one in the ``reading`` rows.
    """
    start = NO_TIME if start_ms is None else int(start_ms)
    end = 2**63 - 1 if end_ms is None else int(end_ms)
    found = db.execute("SELECT sensor_key FROM sensor WHERE sensor_id = ?", (sensor_id,)).fetchone()
    if found is None:
        return np.empty(0, np.int64), np.empty(0), np.empty(0, np.uint8)
    key = found[0]
    parts = []
    for block_id, t_min, n, keys_blob in db.execute(
        "SELECT block_id, t_min, n, sensor_keys FROM reading_block WHERE t_max >= ? AND t_min <= ? "
        "ORDER BY block_id",
        (start, end),
    ).fetchall():
        keys = np.frombuffer(keys_blob, dtype="<i4")
        at = int(np.searchsorted(keys, key))
        if at == len(keys) or keys[at] != key:
            continue
        with db.blobopen("reading_block", "starts", block_id, readonly=True) as blob:
            blob.seek(4 * at)
            lo, hi = np.frombuffer(blob.read(8), dtype="<i4").tolist()
        parts.append((block_times(db, block_id, t_min, n, lo, hi),
                      blob_slice(db, "value", block_id, lo, hi, "<f8"),
                      blob_slice(db, "quality", block_id, lo, hi, np.uint8)))
    rows = db.execute(
        "SELECT t_ms, value, quality FROM reading WHERE sensor_key = ? AND t_ms >= ? AND t_ms <= ? ORDER BY t_ms",
        (key, start, end),
    ).fetchall()
    if rows:
        t, v, q = zip(*rows, strict=True)
        parts.append((np.array(t, np.int64), np.array(v, np.float64), np.array(q, np.uint8)))
    if not parts:
        return np.empty(0, np.int64), np.empty(0), np.empty(0, np.uint8)
    t, v, q = (np.concatenate(column) for column in zip(*parts, strict=True))
    order = np.argsort(t, kind="stable")  # the first written of equal times comes first
    t, v, q = t[order], v[order], q[order]
    keep = np.ones(len(t), dtype=bool)
    keep[1:] = t[1:] != t[:-1]
    keep &= (t >= start) & (t <= end)
    return t[keep], v[keep].astype(np.float64), q[keep].astype(np.uint8)

def count_readings(db: sqlite3.Connection, start_ms: int, end_ms: int) -> int:
    """How many readings with a time in [start_ms, end_ms] are stored, in rows and blocks.

    A sensor and time stored twice (once in a block, once in a row) counts twice.
    """
    count = db.execute("SELECT count(*) FROM reading WHERE t_ms BETWEEN ? AND ?", (start_ms, end_ms)).fetchone()[0]
    for (block_id,) in db.execute(
        "SELECT block_id FROM reading_block WHERE t_max >= ? AND t_min <= ?", (start_ms, end_ms)
    ).fetchall():
        t = read_block(db, block_id)[1]
        count += int(((t >= start_ms) & (t <= end_ms)).sum())
    return count

def integrity_check(db: sqlite3.Connection) -> str:
    """SQLite's ``PRAGMA integrity_check`` ("ok" when sound)."""
    return "; ".join(r[0] for r in db.execute("PRAGMA integrity_check").fetchall())


# The shift report's questions. Ranges are half-open [start_ms, end_ms) in UTC epoch ms;
# a level read "by" a moment is the most severe (or the latest) level change before it.

# The report's alarm figures are about process alarms (kind 'level'); sensor-fault items are the
# maintenance units' matter and never counted among them.
_LEVEL_BY_END = """COALESCE((SELECT min(t.level_to) FROM "transition" t
    WHERE t.alarm_id = a.alarm_id AND t.level_to > 0 AND t.t_ms < :end), a.peak_level)"""


def alarms_raised(db: sqlite3.Connection, start_ms: int, end_ms: int) -> list[tuple]:
    """Alarms first raised in the range: (alarm_id, sensor_id, category, family, level), level the most
    severe reached before ``end_ms``; in alarm order."""
    return db.execute(
        f"SELECT a.alarm_id, a.sensor_id, a.category, a.family, {_LEVEL_BY_END} FROM alarm a "
        "WHERE a.kind = 'level' AND a.raised_ms >= :start AND a.raised_ms < :end ORDER BY a.alarm_id",
        {"start": int(start_ms), "end": int(end_ms)},
    ).fetchall()


def alarms_closed(db: sqlite3.Connection, start_ms: int, end_ms: int) -> list[tuple]:
    """Alarms closed in the range: (alarm_id, sensor_id, category, family, level, classification,
    closed_by, closed_ms), level the most severe the alarm reached; in closing order."""
    return db.execute(
        f"SELECT a.alarm_id, a.sensor_id, a.category, a.family, {_LEVEL_BY_END}, a.classification, "
        "a.closed_by, a.closed_ms FROM alarm a WHERE a.kind = 'level' AND a.closed_ms >= :start AND a.closed_ms < :end "
        "ORDER BY a.closed_ms, a.alarm_id",
        {"start": int(start_ms), "end": int(end_ms)},
    ).fetchall()


def alarms_open_at(db: sqlite3.Connection, end_ms: int) -> list[tuple]:
    """Alarms raised before ``end_ms`` and not closed by then: (alarm_id, sensor_id, category, family,
    district, raised_ms, level, state, dispatched_to): the most severe level reached and the state
    after the latest transition before ``end_ms``, the unit of the latest dispatch before it (None:
    not dispatched); most severe first, then oldest."""
    rows = db.execute(
        f"""SELECT a.alarm_id, a.sensor_id, a.category, a.family, a.district, a.raised_ms,
            {_LEVEL_BY_END},
            (SELECT t.state_to FROM "transition" t WHERE t.alarm_id = a.alarm_id AND t.t_ms < :end
                ORDER BY t.seq DESC LIMIT 1),
            (SELECT x.detail FROM action x WHERE x.alarm_id = a.alarm_id AND x.action = 'dispatch'
                AND x.t_ms < :end ORDER BY x.seq DESC LIMIT 1)
        FROM alarm a WHERE a.kind = 'level' AND a.raised_ms < :end
            AND (a.closed_ms IS NULL OR a.closed_ms >= :end)""",
        {"end": int(end_ms)},
    ).fetchall()
    opened = [(*row[:8], _detail(row[8]).get("unit") if row[8] else None) for row in rows]
    return sorted(opened, key=lambda r: (r[6] or 9, r[5], r[0]))


def first_dispatches(db: sqlite3.Connection, before_ms: int) -> list[tuple]:
    """The first dispatch of every alarm dispatched before ``before_ms``: (alarm_id, sensor_id, category,
    level, unit, operator, dispatched_ms, closed_ms, due_handled_ms), level the most severe reached before
    ``before_ms``; ``due_handled_ms`` the handling deadline of the latest dispatch before then (None for a
    dispatch recorded without deadlines, before schema 4); in dispatch order."""
    rows = db.execute(
        f"""SELECT a.alarm_id, a.sensor_id, a.category, {_LEVEL_BY_END}, x.detail, x.operator, x.t_ms,
            a.closed_ms
        FROM action x JOIN alarm a ON a.alarm_id = x.alarm_id
        WHERE x.seq = (SELECT min(y.seq) FROM action y WHERE y.alarm_id = x.alarm_id AND y.action = 'dispatch')
            AND x.t_ms < :end AND a.kind = 'level'
        ORDER BY x.t_ms, x.seq""",
        {"end": int(before_ms)},
    ).fetchall()
    # A dispatch made again starts its deadlines afresh: the latest one before the end counts.
    due = {alarm_id: _detail(detail).get("due_handled_ms") for alarm_id, detail in db.execute(
        "SELECT alarm_id, detail FROM action WHERE action = 'dispatch' AND t_ms < ? ORDER BY seq",
        (int(before_ms),))}
    return [(*row[:4], _detail(row[4]).get("unit", ""), *row[5:], due.get(row[0])) for row in rows]


def actions_between(db: sqlite3.Connection, start_ms: int, end_ms: int) -> list[tuple]:
    """Operator actions in the range as ``action`` rows (seq, t_ms, operator, action, alarm_id,
    sensor_id, detail as a dict), in the order they were taken."""
    rows = db.execute(
        "SELECT seq, t_ms, operator, action, alarm_id, sensor_id, detail FROM action "
        "WHERE t_ms >= ? AND t_ms < ? ORDER BY seq",
        (int(start_ms), int(end_ms)),
    ).fetchall()
    return [(*row[:6], _detail(row[6])) for row in rows]


def annunciations_by_sensor(db: sqlite3.Connection, start_ms: int, end_ms: int, limit: int) -> list[tuple]:
    """The sensors whose alarms annunciated most often in the range (a transition to ``unack`` by one of
    ``ANNUNCIATING_KINDS``): (sensor_id, category, annunciations, alarms); most first, then by id."""
    kinds = [str(kind) for kind in ANNUNCIATING_KINDS]
    return db.execute(
        f"""SELECT a.sensor_id, a.category, count(*), count(DISTINCT a.alarm_id)
        FROM "transition" t JOIN alarm a ON a.alarm_id = t.alarm_id
        WHERE a.kind = 'level' AND t.t_ms >= ? AND t.t_ms < ? AND t.state_to = 'unack' AND t.kind IN ({",".join("?" * len(kinds))})
        GROUP BY a.sensor_id ORDER BY count(*) DESC, a.sensor_id LIMIT ?""",
        (int(start_ms), int(end_ms), *kinds, int(limit)),
    ).fetchall()


def last_action_ms(db: sqlite3.Connection, action: str, before_ms: int) -> int | None:
    """The time of the latest ``action`` (e.g. ``shift_start``) before ``before_ms``; None if there is none."""
    found = db.execute("SELECT max(t_ms) FROM action WHERE action = ? AND t_ms < ?", (action, int(before_ms))).fetchone()
    return None if found[0] is None else int(found[0])


# The steps of an alarm's handling a plot of its sensor marks, and where the journal keeps each:
# raise and reactivation, acknowledgement and closure are transitions; a dispatch and the dispatch
# loop's steps (the unit's acknowledgement, its arrival on site, its feedback, the console's
# escalation of an overdue step) are action rows.
ALARM_EVENT_KINDS = ("raise", "acknowledge", "dispatch", "unit_ack", "on_site", "feedback", "escalation", "close")
DISPATCH_STEP_EVENTS = ("unit_ack", "on_site", "feedback", "escalation")
_EVENT_OF_TRANSITION = {"raise": "raise", "reactivate": "raise", "ack": "acknowledge", "close": "close"}
_EVENT_OF_ACTION = {"dispatch": "dispatch", "unit_acknowledged": "unit_ack", "on_site": "on_site",
                    "feedback": "feedback", "escalate_overdue": "escalation"}


def _action_detail(event: str, detail: dict) -> str:
    """The one text of an action row the plot shows: the unit dispatched to, the note of a unit's step,
    the feedback's text, the step an escalation is for."""
    key = {"dispatch": "unit", "feedback": "text", "escalation": "step"}.get(event, "note")
    return str(detail.get(key) or "")


def sensor_alarm_events(db: sqlite3.Connection, sensor_id: str, start_ms: int | None = None,
                        end_ms: int | None = None) -> list[tuple]:
    """How the alarms of one sensor were raised, acknowledged, dispatched, followed up and closed in
    [start_ms, end_ms].

    Rows (t_ms, event, alarm_id, level, operator, detail) in time order (then journal order);
    ``event`` is one of ``ALARM_EVENT_KINDS``, ``level`` the level raised at (None for the
    other events), ``operator`` None for what the console did itself (an escalation's is
    ``system``), ``detail`` the unit of a dispatch, the classification of a closure, the note
    of the unit's acknowledgement or arrival, the text of a feedback, the step (``unit_ack``,
    ``on_site``, ``handled``) an escalation is for ("" otherwise).
    """
    bounds = {"sensor": sensor_id, "start": NO_TIME if start_ms is None else int(start_ms),
              "end": 2**63 - 1 if end_ms is None else int(end_ms)}
    kinds = ", ".join(f"'{kind}'" for kind in _EVENT_OF_TRANSITION)
    transitions = db.execute(
        f"""SELECT t.t_ms, t.kind, t.alarm_id, t.level_to, t.operator, a.classification, t.seq
        FROM "transition" t JOIN alarm a ON a.alarm_id = t.alarm_id
        WHERE a.sensor_id = :sensor AND t.kind IN ({kinds}) AND t.t_ms BETWEEN :start AND :end""",
        bounds,
    ).fetchall()
    actions = ", ".join(f"'{action}'" for action in _EVENT_OF_ACTION)
    steps = db.execute(
        f"""SELECT x.t_ms, x.action, x.alarm_id, x.operator, x.detail, x.seq
        FROM action x JOIN alarm a ON a.alarm_id = x.alarm_id
        WHERE a.sensor_id = :sensor AND x.action IN ({actions}) AND x.t_ms BETWEEN :start AND :end""",
        bounds,
    ).fetchall()
    events = [(t, _EVENT_OF_TRANSITION[kind], alarm, level if kind in ("raise", "reactivate") else None, operator,
               (classification or "") if kind == "close" else "", 0, seq)
              for t, kind, alarm, level, operator, classification, seq in transitions]
    for t, action, alarm, operator, detail, seq in steps:
        event = _EVENT_OF_ACTION[action]
        events.append((t, event, alarm, None, operator, _action_detail(event, _detail(detail)), 1, seq))
    events.sort(key=lambda e: (e[0], e[6], e[7]))
    return [e[:6] for e in events]


def cap_warnings_between(db: sqlite3.Connection, start_ms: int, end_ms: int) -> list[dict]:
    """CAP warnings that came into force or left it (expired, replaced, cancelled) in [start, end), by time.

    Empty for a journal older than schema 5 (it kept no warnings).
    """
    from console.model.journal.schema import CAP_WARNING_COLUMNS

    if db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'cap_warning'").fetchone() is None:
        return []
    rows = db.execute(f"SELECT {', '.join(CAP_WARNING_COLUMNS)} FROM cap_warning WHERE t_ms >= ? AND t_ms < ? "
                      "ORDER BY t_ms, rowid", (int(start_ms), int(end_ms))).fetchall()
    return [dict(zip(CAP_WARNING_COLUMNS, row, strict=True)) for row in rows]


def journal_meta(db: sqlite3.Connection) -> dict[str, str]:
    """The journal's ``meta`` rows (``created_utc``, ``console_version``; a drill's ``drill``, ``feed``...)."""
    return dict(db.execute("SELECT key, value FROM meta").fetchall())


def _detail(text: str | None) -> dict:
    try:
        detail = json.loads(text) if text else {}
    except ValueError:
        return {}
    return detail if isinstance(detail, dict) else {}
