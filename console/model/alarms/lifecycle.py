"""The alarm lifecycle as a table: which transition leads from which state to which.

States are those of ISA-18.2 (``normal``, ``unack``, ``ack``, ``rtn_unack``,
``shelved``, ``out_of_service``); the workflow of the duty room (dispatched,
closed) lies on top of them and is recorded as operator actions. The book asks
``next_state`` for every transition and never decides a state itself, so the
lifecycle is read, tested and changed here only. The enums are ``StrEnum`` /
``IntEnum`` so the journal's stored strings and the table's codes stay as they are.
"""

from __future__ import annotations

from enum import IntEnum, StrEnum

__all__ = [
    "ANNUNCIATING_KINDS",
    "LEVEL_KINDS",
    "TRANSITIONS",
    "AlarmState",
    "OperatorAction",
    "RefusedTransition",
    "TransitionKind",
    "allowed",
    "annunciates",
    "next_state",
]


class AlarmState(IntEnum):
    """State of an alarm (ISA-18.2); the codes are those of ``SensorTable.alarm_state``."""

    NORMAL = 0  # inactive and acknowledged (or no alarm)
    UNACK = 1
    ACK = 2
    RTN_UNACK = 3
    SHELVED = 4
    OUT_OF_SERVICE = 5

    @property
    def key(self) -> str:
        """The lower-case name used in the journal and in DESIGN.md (``unack``...)."""
        return self.name.lower()

    @classmethod
    def from_key(cls, key: str) -> AlarmState:
        return cls[key.upper()]


class TransitionKind(StrEnum):
    """What moved an alarm; the value is the ``kind`` stored in the journal."""

    RAISE = "raise"
    REACTIVATE = "reactivate"
    ESCALATE = "escalate"
    DEESCALATE = "deescalate"
    RETURN = "return"
    ACK = "ack"
    SHELVE = "shelve"
    UNSHELVE = "unshelve"
    SHELF_EXPIRED = "shelf_expired"
    OUT_OF_SERVICE = "out_of_service"
    IN_SERVICE = "in_service"
    CLOSE = "close"
    CHATTER_ON = "chatter_on"
    CHATTER_OFF = "chatter_off"


class OperatorAction(StrEnum):
    """An operator's action; the value is the ``action`` stored in the journal.

    ``AlarmBook.record_action`` also journals actions that concern no alarm under
    other names (``shift_start`` at a handover).
    """

    ACKNOWLEDGE = "acknowledge"
    SHELVE = "shelve"
    UNSHELVE = "unshelve"
    NOTE = "note"
    DISPATCH = "dispatch"
    UNIT_ACKNOWLEDGED = "unit_acknowledged"
    ON_SITE = "on_site"
    FEEDBACK = "feedback"
    CLOSE = "close"
    OUT_OF_SERVICE = "out_of_service"
    IN_SERVICE = "in_service"
    SHIFT_START = "shift_start"


class RefusedTransition(ValueError):
    """A transition the lifecycle does not allow from the alarm's state."""


S = AlarmState
K = TransitionKind
# A target that depends on whether the alarm's condition is active: (if active, if not).
_BY_ACTIVITY = (S.UNACK, S.NORMAL)
_ALL = tuple(S)
# An active alarm is unack, ack, shelved or out of service; an inactive one normal, rtn_unack, shelved or oos.
_ACTIVE = (S.UNACK, S.ACK, S.SHELVED, S.OUT_OF_SERVICE)

# (kind) -> {state from: state to, or (to if active, to if inactive)}. A state not listed is refused.
TRANSITIONS: dict[TransitionKind, dict[AlarmState, AlarmState | tuple[AlarmState, AlarmState]]] = {
    # A new alarm starts from normal.
    K.RAISE: {S.NORMAL: S.UNACK},
    # Shelved and out-of-service alarms stay suppressed through level changes.
    K.REACTIVATE: {S.NORMAL: S.UNACK, S.RTN_UNACK: S.UNACK, S.SHELVED: S.SHELVED,
                   S.OUT_OF_SERVICE: S.OUT_OF_SERVICE},
    # A worse level must reach the operator again, even if the alarm was acknowledged.
    K.ESCALATE: {S.UNACK: S.UNACK, S.ACK: S.UNACK, S.SHELVED: S.SHELVED, S.OUT_OF_SERVICE: S.OUT_OF_SERVICE},
    K.DEESCALATE: {state: state for state in _ACTIVE},
    K.RETURN: {S.UNACK: S.RTN_UNACK, S.ACK: S.NORMAL, S.SHELVED: S.SHELVED, S.OUT_OF_SERVICE: S.OUT_OF_SERVICE},
    K.ACK: {S.UNACK: S.ACK, S.RTN_UNACK: S.NORMAL},
    K.SHELVE: {state: S.SHELVED for state in (S.NORMAL, S.UNACK, S.ACK, S.RTN_UNACK)},
    K.UNSHELVE: {S.SHELVED: _BY_ACTIVITY},
    K.SHELF_EXPIRED: {S.SHELVED: _BY_ACTIVITY},
    K.OUT_OF_SERVICE: {state: S.OUT_OF_SERVICE for state in _ALL if state != S.OUT_OF_SERVICE},
    K.IN_SERVICE: {S.OUT_OF_SERVICE: _BY_ACTIVITY},
    # Closing ends the episode whatever its state; the sensor's next change opens a new alarm.
    K.CLOSE: dict.fromkeys(_ALL, S.NORMAL),
    K.CHATTER_ON: {state: state for state in _ALL},
    K.CHATTER_OFF: {state: state for state in _ALL},
}
del S, K

# Level changes from the rules (the journal rebuilds an alarm's history from these).
LEVEL_KINDS = (TransitionKind.RAISE, TransitionKind.REACTIVATE, TransitionKind.ESCALATE,
               TransitionKind.DEESCALATE, TransitionKind.RETURN)
# Transitions that annunciate (count in the alarm rate) when they lead to ``unack``.
ANNUNCIATING_KINDS = (TransitionKind.RAISE, TransitionKind.REACTIVATE, TransitionKind.ESCALATE,
                      TransitionKind.UNSHELVE, TransitionKind.SHELF_EXPIRED, TransitionKind.IN_SERVICE)


def allowed(kind: TransitionKind, state: AlarmState) -> bool:
    """Whether ``kind`` may happen to an alarm in ``state``."""
    return state in TRANSITIONS[kind]


def next_state(kind: TransitionKind, state: AlarmState, active: bool) -> AlarmState:
    """The state after ``kind`` from ``state``; ``active``: the alarm's condition after it.

    Raises
    ------
    RefusedTransition
        The lifecycle does not allow ``kind`` from ``state``.
    """
    target = TRANSITIONS[kind].get(state)
    if target is None:
        raise RefusedTransition(f"{kind.value} is not allowed from {AlarmState(state).key}")
    if isinstance(target, tuple):
        return target[0] if active else target[1]
    return target


def annunciates(kind: TransitionKind, state_to: AlarmState) -> bool:
    """Whether a transition reaches the operator as a new annunciation (see ``AlarmBook.alarm_rate``)."""
    return state_to == AlarmState.UNACK and kind in ANNUNCIATING_KINDS
