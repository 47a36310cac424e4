"""The alarm book: alarm lifecycle, operator actions and incidents.

One open alarm per sensor at most. A sensor's level changes (from the rule
engine) raise, escalate, de-escalate, return and reactivate its alarm; operators
acknowledge, shelve, annotate, dispatch and close. Every transition and every
operator action is recorded for the journal. Alarms of the same family in one
area (district or warning area) and close in time form one incident, so a storm
reads as a few events per district (``incidents``).

Which transition leads where is the table of ``lifecycle``; the book applies it.
Views pull ``changes_since(version)`` on a timer; the book never calls back per
alarm. Not thread-safe: the thread that runs the pipeline owns the book.
"""

from __future__ import annotations

import json
from collections import deque
from contextlib import contextmanager

from psygnal import EmitLoopError, Signal

from console.model.alarms.checkpoints import BookCheckpoints
from console.model.alarms.deadlines import DeadlineTable
from console.model.alarms.dispatch import BookDispatch
from console.model.alarms.faults import BookFaults
from console.model.alarms.incidents import BookIncidents, IncidentIndex, severity
from console.model.alarms.lifecycle import (
    AlarmState,
    OperatorAction,
    TransitionKind,
    allowed,
    annunciates,
    next_state,
)
from console.model.alarms.rate import RATE_WINDOW_S, AlarmRate
from console.model.alarms.records import (
    CLASSIFICATIONS,
    FAULT_KIND,
    ActionRecord,
    Alarm,
    BookChanges,
    BookRecords,
    Incident,
    LevelStep,
    Note,
    TransitionRecord,
    alarm_row,
    incident_row,
)
from console.model.alarms.records import (
    checked_operator as _operator,
)
from console.model.alarms.records import (
    id_list as _ids,
)
from console.model.rules import LevelChange
from console.model.sensors import SensorTable

__all__ = ["ActionsRefused", "AlarmBook"]

_CHANGE_LOG_LIMIT = 100_000


class ActionsRefused(ValueError):
    """The book takes no operator action on alarms or sensors now (``AlarmBook.actions_refused`` says why)."""


class AlarmBook(BookCheckpoints, BookFaults, BookIncidents, BookDispatch):
    """Alarms and incidents of one sensor table.

    Parameters
    ----------
    table : SensorTable
        The book writes ``alarm_id``, ``alarm_state``, ``fault_id`` and ``out_of_service``.
    incident_distance_m : float
        A sensor with no district joins an incident when within this ground
        distance of one of its alarms of the same family raised at most
        ``incident_window_s`` before.
    incident_window_s : float
        An alarm joins the incident of its family and area while its last alarm
        came at most this long before (or, with active members, up to
        ``incidents.ACTIVE_JOIN_MS``); see ``incidents.BookIncidents``.
    deadlines : DeadlineTable, optional
        Response deadlines of a dispatch (default: ``DeadlineTable.configured()``, see ``dispatch``).

    Attributes
    ----------
    alarms : dict of int to Alarm
        Every alarm, open and closed (``purge_closed`` forgets old closed ones), and
        the sensor-fault items (``kind == "fault"``, see ``apply_faults``).
    incidents : dict of int to Incident
    version : int
        Grows with every change; see ``changes_since``.
    clock_ms : int
        The newest time the book has seen (level change or operator action).
    actions_refused : str or None
        While set, operator actions on alarms and sensors raise ``ActionsRefused``
        with this reason (a replay whose state is provisional sets it); actions
        that concern no alarm (``record_action``) are still taken.

    Events
    ------
    records_emitted(BookRecords)
        The records of each operation (level changes, operator actions), emitted
        synchronously on the calling thread when the operation ends; inside
        ``holding()`` records wait for ``take_records`` instead. The journal
        serialises them; it never reads the book.

    Operator actions take the operator's name and the time (UTC epoch ms) and are
    recorded with both. Actions on several alarms skip those they do not apply to
    and return the ids they changed; they apply to all or to none: every id is
    checked before the first alarm changes (an unknown id or sensor refuses the
    whole action with a ValueError naming it).
    """

    records_emitted = Signal(BookRecords)

    def __init__(self, table: SensorTable, *, incident_distance_m: float = 500.0, incident_window_s: float = 600.0,
                 deadlines: DeadlineTable | None = None):
        self.table = table
        self.deadlines = deadlines
        self.incident_distance_m = float(incident_distance_m)
        self.incident_window_ms = round(incident_window_s * 1000)
        self.alarms: dict[int, Alarm] = {}
        self.incidents: dict[int, Incident] = {}
        self.version = 0
        self.clock_ms = 0
        self.actions_refused: str | None = None
        self._hold = 0
        self._next_alarm_id = 1
        self._next_transition = 1
        self._next_action = 1
        self._next_incident = 1
        self._annunciations = AlarmRate()
        self._change_log: deque[tuple[int, str, int]] = deque()
        self._index = IncidentIndex(self.incident_distance_m, self.incident_window_ms, table.ground_scale)
        self._warning_area: list | None = None  # per table row: the warning area grouping it, or ""
        self._shelved: set[int] = set()
        self._dispatched: dict[int, int] = {}  # dispatched alarms to watch -> next escalation at the earliest
        self._records = BookRecords()
        self._dirty_alarms: dict[int, None] = {}
        self._dirty_incidents: dict[int, None] = {}

    # --- reading ---------------------------------------------------------
    @property
    def next_alarm_id(self) -> int:
        """The id the next raised alarm will get (ids only grow)."""
        return self._next_alarm_id

    def alarm(self, alarm_id: int) -> Alarm:
        return self.alarms[alarm_id]

    def open_alarms(self) -> list[Alarm]:
        """Process alarms not closed, by id (sensor-fault items: ``fault_items``)."""
        return [a for a in self.alarms.values() if a.closed_ms is None and a.kind != FAULT_KIND]

    def active_alarms(self) -> list[Alarm]:
        """Open process alarms whose condition is active, by id."""
        return [a for a in self.alarms.values() if a.closed_ms is None and a.active and a.kind != FAULT_KIND]

    def alarms_of_incident(self, incident_id: int) -> list[Alarm]:
        return [self.alarms[i] for i in self.incidents[incident_id].alarm_ids if i in self.alarms]

    def counts_by_level(self, *, include_shelved: bool = False) -> dict[int, int]:
        """Active open alarms per level (1..4 = I..IV); shelved and out-of-service ones left out by default."""
        hidden = {AlarmState.OUT_OF_SERVICE} | (set() if include_shelved else {AlarmState.SHELVED})
        counts = dict.fromkeys((1, 2, 3, 4), 0)
        for alarm in self.alarms.values():
            if alarm.closed_ms is None and alarm.active and alarm.state not in hidden and alarm.level:
                counts[alarm.level] += 1
        return counts

    def counts_by_state(self) -> dict[str, int]:
        """Open process alarms per state key."""
        counts = {state.key: 0 for state in AlarmState}
        for alarm in self.alarms.values():
            if alarm.closed_ms is None and alarm.kind != FAULT_KIND:
                counts[alarm.state.key] += 1
        return counts

    def alarm_rate(self, now_ms: int | None = None, window_s: float = RATE_WINDOW_S) -> int:
        """Alarms annunciated in the ``window_s`` up to ``now_ms`` (default: the book's clock).

        An annunciation is a raise, reactivation or escalation that reaches the
        operator (not shelved or out of service); sensor-fault items never count.
        EEMUA 191 calls more than 10 per 10 minutes a flood.
        """
        now = self.clock_ms if now_ms is None else int(now_ms)
        return self._annunciations.count(now, window_s)

    def changes_since(self, version: int) -> BookChanges:
        """Alarms and incidents changed after ``version`` (each once, by id)."""
        log = self._change_log
        if log and version < log[0][0] - 1:
            alarms = [a for a in self.alarms.values() if a.version > version]
            incidents = [i for i in self.incidents.values() if i.version > version]
            return BookChanges(self.version, alarms, incidents)
        alarm_ids: set[int] = set()
        incident_ids: set[int] = set()
        for entry_version, kind, key in reversed(log):
            if entry_version <= version:
                break
            (alarm_ids if kind == "alarm" else incident_ids).add(key)
        return BookChanges(
            self.version,
            [self.alarms[i] for i in sorted(alarm_ids) if i in self.alarms],
            [self.incidents[i] for i in sorted(incident_ids) if i in self.incidents],
        )

    # --- level changes from the rules -------------------------------------
    def apply(self, changes: list[LevelChange]) -> None:
        """Raise, escalate, de-escalate, return or reactivate alarms (changes in time order)."""
        for change in sorted(changes, key=lambda c: (c.t_ms, c.row)):
            self._apply_one(change)
        self._flush()

    def _apply_one(self, change: LevelChange) -> None:
        table = self.table
        row = change.row
        self.clock_ms = max(self.clock_ms, change.t_ms)
        alarm_id = int(table.alarm_id[row])
        alarm = self.alarms[alarm_id] if alarm_id >= 0 else None
        if alarm is None:
            if change.level_to == 0 or table.out_of_service[row]:
                return
            alarm = self._raise(
                row, change.t_ms, change.level_from, change.level_to, change.value, change.threshold, change.trigger
            )
            alarm.reason = change.reason
        else:
            step = LevelStep(change.t_ms, change.level_from, change.level_to, change.value, change.threshold, change.trigger)
            if change.level_to == 0:
                kind = TransitionKind.RETURN
            elif not alarm.active:
                kind = TransitionKind.REACTIVATE
            elif change.level_to < alarm.level:
                kind = TransitionKind.ESCALATE
            else:
                kind = TransitionKind.DEESCALATE
            alarm.history.append(step)
            self._incident_step(alarm, change.t_ms, severity(change.level_to) - severity(alarm.level))
            alarm.level = change.level_to
            alarm.active = change.level_to > 0
            alarm.value = change.value
            if change.level_to:
                # A return keeps what raised the alarm on show.
                alarm.threshold, alarm.trigger = change.threshold, change.trigger
                if change.reason:
                    alarm.reason = change.reason  # what confirmed the worse level
            alarm.changed_ms = change.t_ms
            if change.level_to and change.level_to < alarm.peak_level:
                alarm.peak_level = change.level_to
                self._raise_incident_peak(alarm)
            self._transition(alarm, change.t_ms, kind, step, None)
        if change.chattering != alarm.chattering:
            self._set_chattering(alarm, change.chattering, change.t_ms)

    def chatter_ended(self, rows, t_ms: int) -> None:
        """The sensors at ``rows`` stopped chattering (from ``RuleEngine.expire_chatter``)."""
        for row in rows:
            alarm_id = int(self.table.alarm_id[row])
            if alarm_id >= 0 and self.alarms[alarm_id].chattering:
                self._set_chattering(self.alarms[alarm_id], False, t_ms)
        self._flush()

    def _raise(
        self, row: int, t_ms: int, level_from: int, level: int, value: float, threshold: float, trigger: str
    ) -> Alarm:
        table = self.table
        alarm = Alarm(
            alarm_id=self._next_alarm_id,
            sensor_row=row,
            sensor_id=table.ids[row],
            quantity=table.quantity[row],
            category=table.category[row],
            family=table.family[row],
            district=table.district[row],
            owner=table.owner[row],
            rule=table.rule[row],
            trigger=trigger,
            level=level,
            peak_level=level,
            threshold=threshold,
            value=value,
            raised_ms=t_ms,
            changed_ms=t_ms,
            state=AlarmState.NORMAL,
            active=True,
            incident_id=0,
        )
        self._next_alarm_id += 1
        self.alarms[alarm.alarm_id] = alarm
        step = LevelStep(t_ms, level_from, level, value, threshold, trigger)
        alarm.history.append(step)
        self._join_incident(alarm)
        self._transition(alarm, t_ms, TransitionKind.RAISE, step, None)
        return alarm

    # --- operator actions --------------------------------------------------
    def _acting(self, operator: str) -> str:
        """The operator's checked name, for an action on alarms or sensors (refused while ``actions_refused``)."""
        if self.actions_refused:
            raise ActionsRefused(self.actions_refused)
        return _operator(operator)

    def acknowledge(self, alarm_ids, operator: str, at_ms: int) -> list[int]:
        """Acknowledge: ``unack`` -> ``ack``, ``rtn_unack`` -> ``normal``."""
        operator = self._acting(operator)
        done = []
        for alarm in self._open(alarm_ids):
            if not allowed(TransitionKind.ACK, alarm.state):
                continue
            alarm.acked_by, alarm.acked_ms = operator, int(at_ms)
            self._transition(alarm, at_ms, TransitionKind.ACK, None, operator)
            self._action(at_ms, operator, OperatorAction.ACKNOWLEDGE, alarm, {})
            done.append(alarm.alarm_id)
        self._flush()
        return done

    def shelve(self, alarm_ids, reason: str, until_ms: int, operator: str, at_ms: int) -> list[int]:
        """Hide alarms until ``until_ms`` for a stated reason."""
        operator = self._acting(operator)
        reason = (reason or "").strip()
        if not reason:
            raise ValueError("shelving needs a reason")
        if int(until_ms) <= int(at_ms):
            raise ValueError("a shelf must end after it starts")
        done = []
        for alarm in self._open(alarm_ids):
            if not allowed(TransitionKind.SHELVE, alarm.state):
                continue
            alarm.shelved_reason, alarm.shelved_by, alarm.shelved_until_ms = reason, operator, int(until_ms)
            self._transition(alarm, at_ms, TransitionKind.SHELVE, None, operator)
            self._action(at_ms, operator, OperatorAction.SHELVE, alarm, {"reason": reason, "until_ms": int(until_ms)})
            done.append(alarm.alarm_id)
        self._flush()
        return done

    def unshelve(self, alarm_ids, operator: str, at_ms: int) -> list[int]:
        """End shelving now: an active alarm comes back unacknowledged."""
        operator = self._acting(operator)
        done = []
        for alarm in self._open(alarm_ids):
            if not allowed(TransitionKind.UNSHELVE, alarm.state):
                continue
            self._transition(alarm, at_ms, TransitionKind.UNSHELVE, None, operator)
            self._action(at_ms, operator, OperatorAction.UNSHELVE, alarm, {})
            done.append(alarm.alarm_id)
        self._flush()
        return done

    def note(self, alarm_ids, text: str, operator: str, at_ms: int) -> None:
        """Add an operator's note to one alarm or several (closed ones too); all or none."""
        operator = self._acting(operator)
        text = (text or "").strip()
        if not text:
            raise ValueError("a note needs text")
        for alarm in [self._known(i) for i in _ids(alarm_ids)]:
            alarm.notes.append(Note(int(at_ms), operator, text))
            self._action(at_ms, operator, OperatorAction.NOTE, alarm, {"text": text})
            self._touch_alarm(alarm)
        self._flush()

    def record_action(self, action: str, operator: str, at_ms: int, **detail) -> None:
        """Journal an operator action that concerns no alarm, e.g. ``shift_start`` at a handover."""
        if not action:
            raise ValueError("an action needs a name")
        self._action(at_ms, _operator(operator), action, None, detail)
        self._flush()

    def close(self, alarm_ids, classification: str, note: str, operator: str, at_ms: int) -> None:
        """Close one alarm or several with a classification (``CLASSIFICATIONS``) and a note; all or none.

        The sensor's next level change opens a new alarm.
        """
        operator = self._acting(operator)
        if classification not in CLASSIFICATIONS:
            raise ValueError(f"classification must be one of {', '.join(CLASSIFICATIONS)}, not {classification!r}")
        note = (note or "").strip()
        # Every alarm is checked before the first one is closed.
        for alarm in [self._open_one(i) for i in _ids(alarm_ids)]:
            self._close_one(alarm, classification, note, operator, at_ms)
        self._flush()

    def _close_one(self, alarm: Alarm, classification: str, note: str, operator: str, at_ms: int) -> None:
        if alarm.active:
            self._incident_step(alarm, int(at_ms), -severity(alarm.level))
        alarm.closed_ms, alarm.classification, alarm.closed_by, alarm.close_note = int(at_ms), classification, operator, note
        self._transition(alarm, at_ms, TransitionKind.CLOSE, None, operator)
        self._action(at_ms, operator, OperatorAction.CLOSE, alarm, {"classification": classification, "note": note})
        row = alarm.sensor_row
        if row >= 0 and alarm.kind == FAULT_KIND and self.table.fault_id[row] == alarm.alarm_id:
            self.table.fault_id[row] = -1
            self.table.mark_changed([row], style=False)
        elif row >= 0 and self.table.alarm_id[row] == alarm.alarm_id:
            self.table.alarm_id[row] = -1
            self.table.alarm_state[row] = AlarmState.NORMAL
            self.table.mark_changed([row], style=True)

    def set_out_of_service(self, sensor_ids, out_of_service: bool, reason: str, operator: str, at_ms: int) -> list[str]:
        """Take sensors out of service (no new alarms) or put them back.

        Back in service, a sensor still above a threshold raises its alarm again.
        Returns the ids whose service state changed.
        """
        operator = self._acting(operator)
        reason = (reason or "").strip()
        table = self.table
        sensor_ids = list(dict.fromkeys(sensor_ids))
        rows = table.rows_of(sensor_ids)  # every sensor checked before the first one changes
        unknown = [s for s, row in zip(sensor_ids, rows.tolist(), strict=True) if row < 0]
        if unknown:
            raise ValueError(f"no sensor {', '.join(map(str, unknown))}")
        done = []
        for sensor_id, row in zip(sensor_ids, rows.tolist(), strict=True):
            if bool(table.out_of_service[row]) == bool(out_of_service):
                continue
            table.out_of_service[row] = bool(out_of_service)
            table.mark_changed([row], style=True)
            self._records.service.append((row, bool(out_of_service)))
            alarm_id = int(table.alarm_id[row])
            alarm = self.alarms[alarm_id] if alarm_id >= 0 else None
            kind = TransitionKind.OUT_OF_SERVICE if out_of_service else TransitionKind.IN_SERVICE
            action = OperatorAction.OUT_OF_SERVICE if out_of_service else OperatorAction.IN_SERVICE
            if alarm is not None and (out_of_service or alarm.state == AlarmState.OUT_OF_SERVICE):
                if allowed(kind, alarm.state):
                    self._transition(alarm, at_ms, kind, None, operator)
            elif alarm is None and not out_of_service and table.level[row] > 0:
                level = int(table.level[row])
                threshold = float(table.levels[row, 4 - level])
                alarm = self._raise(row, int(at_ms), 0, level, float(table.value[row]), threshold, "threshold")
            self._action(at_ms, operator, action, alarm, {"reason": reason}, sensor_id=sensor_id)
            done.append(sensor_id)
        self._flush()
        return done

    def expire_shelves(self, now_ms: int) -> list[int]:
        """Unshelve alarms whose shelf ended by ``now_ms``."""
        done = []
        for alarm_id in sorted(self._shelved):
            alarm = self.alarms[alarm_id]
            if alarm.shelved_until_ms is not None and alarm.shelved_until_ms <= now_ms:
                self._transition(alarm, alarm.shelved_until_ms, TransitionKind.SHELF_EXPIRED, None, None)
                done.append(alarm.alarm_id)
        self._flush()
        return done

    def purge_closed(self, before_ms: int) -> int:
        """Forget alarms closed before ``before_ms`` (they stay in the journal); returns how many."""
        old = [i for i, a in self.alarms.items() if a.closed_ms is not None and a.closed_ms < before_ms]
        for alarm_id in old:
            del self.alarms[alarm_id]
        return len(old)

    # --- internals --------------------------------------------------------
    def _open(self, alarm_ids) -> list[Alarm]:
        alarms = [self._known(i) for i in _ids(alarm_ids)]
        return [a for a in alarms if a.closed_ms is None]

    def _known(self, alarm_id) -> Alarm:
        """The alarm of ``alarm_id``; a ValueError (checked before anything changes) when there is none."""
        alarm = self.alarms.get(int(alarm_id))
        if alarm is None:
            raise ValueError(f"no alarm {int(alarm_id)}")
        return alarm

    def _open_one(self, alarm_id: int) -> Alarm:
        alarm = self._known(alarm_id)
        if alarm.closed_ms is not None:
            raise ValueError(f"alarm {alarm_id} is closed")
        return alarm

    def _set_chattering(self, alarm: Alarm, chattering: bool, t_ms: int) -> None:
        alarm.chattering = chattering
        kind = TransitionKind.CHATTER_ON if chattering else TransitionKind.CHATTER_OFF
        self._transition(alarm, t_ms, kind, None, None)

    def _transition(self, alarm: Alarm, at_ms, kind: TransitionKind, step: LevelStep | None, operator) -> None:
        """Move an alarm as the lifecycle table says, record it and annunciate if it does."""
        at_ms = int(at_ms)
        self.clock_ms = max(self.clock_ms, at_ms)
        state_from = alarm.state
        state_to = next_state(kind, state_from, alarm.active)
        alarm.state = state_to
        if state_to == AlarmState.SHELVED:
            self._shelved.add(alarm.alarm_id)
        else:
            self._shelved.discard(alarm.alarm_id)
        self._records.transitions.append(
            TransitionRecord(
                self._next_transition,
                alarm.alarm_id,
                at_ms,
                kind.value,
                state_from.key,
                state_to.key,
                step.level_from if step else None,
                step.level_to if step else None,
                step.value if step else None,
                step.threshold if step else None,
                step.trigger if step else None,
                operator,
            )
        )
        self._next_transition += 1
        row = alarm.sensor_row
        fault = alarm.kind == FAULT_KIND
        if row >= 0 and alarm.closed_ms is None:
            if fault:  # a fault item leaves the sensor's symbol as it is
                self.table.fault_id[row] = alarm.alarm_id
            else:
                self.table.alarm_id[row], self.table.alarm_state[row] = alarm.alarm_id, state_to
            self.table.mark_changed([row], style=not fault)
        self._touch_alarm(alarm)
        if not fault and annunciates(kind, state_to):
            self._annunciations.add(at_ms, self.clock_ms)

    def _action(self, at_ms, operator, action, alarm: Alarm | None, detail: dict, sensor_id: str | None = None) -> None:
        at_ms = int(at_ms)
        self.clock_ms = max(self.clock_ms, at_ms)
        self._records.actions.append(
            ActionRecord(
                self._next_action,
                at_ms,
                operator,
                str(action),
                alarm.alarm_id if alarm else None,
                sensor_id if sensor_id is not None else (alarm.sensor_id if alarm else None),
                json.dumps(detail, ensure_ascii=False, sort_keys=True),
            )
        )
        self._next_action += 1

    def _touch_alarm(self, alarm: Alarm) -> None:
        self.version += 1
        alarm.version = self.version
        self._change_log.append((self.version, "alarm", alarm.alarm_id))
        self._dirty_alarms[alarm.alarm_id] = None
        self._trim_log()

    def _touch_incident(self, incident: Incident) -> None:
        self.version += 1
        incident.version = self.version
        self._change_log.append((self.version, "incident", incident.incident_id))
        self._dirty_incidents[incident.incident_id] = None
        self._trim_log()

    def _trim_log(self) -> None:
        while len(self._change_log) > _CHANGE_LOG_LIMIT:
            self._change_log.popleft()

    @contextmanager
    def holding(self):
        """Keep records for ``take_records`` instead of emitting ``records_emitted`` per operation."""
        self._hold += 1
        try:
            yield
        finally:
            self._hold -= 1

    def take_records(self) -> BookRecords:
        """The records since the last call, with a snapshot of each changed alarm and incident."""
        records = self._records
        records.alarms = [alarm_row(self.alarms[i]) for i in self._dirty_alarms if i in self.alarms]
        records.incidents = [incident_row(self.incidents[i]) for i in self._dirty_incidents]
        self._records = BookRecords()
        self._dirty_alarms = {}
        self._dirty_incidents = {}
        return records

    def full_records(self) -> BookRecords:
        """Snapshot rows of every alarm and incident the book holds (a journal's rewrite after a seek)."""
        return BookRecords(
            alarms=[alarm_row(a) for a in self.alarms.values()],
            incidents=[incident_row(i) for i in self.incidents.values()],
        )

    def _flush(self) -> None:
        if self._hold:
            return
        records = self.take_records()
        if records:
            try:
                self.records_emitted.emit(records)
            except EmitLoopError as error:
                # A listener's own error (the journal's JournalError) reaches the caller unwrapped, as it did.
                raise error.__cause__ from None

