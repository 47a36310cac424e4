"""The alarm lifecycle table: every allowed and every refused transition (no Qt, no book)."""

import pytest

from console.model.alarms import AlarmState, OperatorAction, RefusedTransition, TransitionKind
from console.model.alarms.lifecycle import TRANSITIONS, allowed, annunciates, next_state

S, K = AlarmState, TransitionKind
# (kind, from) -> (to when the condition is active, to when it is not); anything else is refused.
EXPECTED = {
    (K.RAISE, S.NORMAL): (S.UNACK, S.UNACK),
    (K.REACTIVATE, S.NORMAL): (S.UNACK, S.UNACK),
    (K.REACTIVATE, S.RTN_UNACK): (S.UNACK, S.UNACK),
    (K.REACTIVATE, S.SHELVED): (S.SHELVED, S.SHELVED),
    (K.REACTIVATE, S.OUT_OF_SERVICE): (S.OUT_OF_SERVICE, S.OUT_OF_SERVICE),
    (K.ESCALATE, S.UNACK): (S.UNACK, S.UNACK),
    (K.ESCALATE, S.ACK): (S.UNACK, S.UNACK),
    (K.ESCALATE, S.SHELVED): (S.SHELVED, S.SHELVED),
    (K.ESCALATE, S.OUT_OF_SERVICE): (S.OUT_OF_SERVICE, S.OUT_OF_SERVICE),
    (K.DEESCALATE, S.UNACK): (S.UNACK, S.UNACK),
    (K.DEESCALATE, S.ACK): (S.ACK, S.ACK),
    (K.DEESCALATE, S.SHELVED): (S.SHELVED, S.SHELVED),
    (K.DEESCALATE, S.OUT_OF_SERVICE): (S.OUT_OF_SERVICE, S.OUT_OF_SERVICE),
    (K.RETURN, S.UNACK): (S.RTN_UNACK, S.RTN_UNACK),
    (K.RETURN, S.ACK): (S.NORMAL, S.NORMAL),
    (K.RETURN, S.SHELVED): (S.SHELVED, S.SHELVED),
    (K.RETURN, S.OUT_OF_SERVICE): (S.OUT_OF_SERVICE, S.OUT_OF_SERVICE),
    (K.ACK, S.UNACK): (S.ACK, S.ACK),
    (K.ACK, S.RTN_UNACK): (S.NORMAL, S.NORMAL),
    **{(K.SHELVE, s): (S.SHELVED, S.SHELVED) for s in (S.NORMAL, S.UNACK, S.ACK, S.RTN_UNACK)},
    (K.UNSHELVE, S.SHELVED): (S.UNACK, S.NORMAL),
    (K.SHELF_EXPIRED, S.SHELVED): (S.UNACK, S.NORMAL),
    **{(K.OUT_OF_SERVICE, s): (S.OUT_OF_SERVICE, S.OUT_OF_SERVICE) for s in S if s != S.OUT_OF_SERVICE},
    (K.IN_SERVICE, S.OUT_OF_SERVICE): (S.UNACK, S.NORMAL),
    **{(K.CLOSE, s): (S.NORMAL, S.NORMAL) for s in S},
    **{(K.CHATTER_ON, s): (s, s) for s in S},
    **{(K.CHATTER_OFF, s): (s, s) for s in S},
}
ALL_PAIRS = [(kind, state) for kind in K for state in S]


@pytest.mark.parametrize(("kind", "state"), [p for p in ALL_PAIRS if p in EXPECTED])
def test_an_allowed_transition_leads_where_the_lifecycle_says(kind, state):
    assert allowed(kind, state)
    assert next_state(kind, state, active=True) == EXPECTED[kind, state][0]
    assert next_state(kind, state, active=False) == EXPECTED[kind, state][1]


@pytest.mark.parametrize(("kind", "state"), [p for p in ALL_PAIRS if p not in EXPECTED])
def test_a_refused_transition_raises_and_names_kind_and_state(kind, state):
    assert not allowed(kind, state)
    for active in (True, False):
        with pytest.raises(RefusedTransition, match=f"{kind.value} is not allowed from {state.key}"):
            next_state(kind, state, active)


def test_the_table_lists_every_kind_and_nothing_else():
    assert set(TRANSITIONS) == set(K)
    assert {(k, s) for k, table in TRANSITIONS.items() for s in table} == set(EXPECTED)


def test_only_raises_reactivations_escalations_and_returns_to_view_annunciate():
    annunciating = {(k, s) for k in K for s in S if annunciates(k, s)}
    assert annunciating == {(k, S.UNACK) for k in (K.RAISE, K.REACTIVATE, K.ESCALATE, K.UNSHELVE,
                                                    K.SHELF_EXPIRED, K.IN_SERVICE)}


def test_kinds_and_actions_are_the_strings_the_journal_stores():
    assert [k.value for k in K] == ["raise", "reactivate", "escalate", "deescalate", "return", "ack", "shelve",
                                    "unshelve", "shelf_expired", "out_of_service", "in_service", "close",
                                    "chatter_on", "chatter_off"]
    assert K.ESCALATE == "escalate" and OperatorAction.ACKNOWLEDGE == "acknowledge"
    assert [a.value for a in OperatorAction] == ["acknowledge", "shelve", "unshelve", "note", "dispatch",
                                                 "unit_acknowledged", "on_site", "feedback", "close",
                                                 "out_of_service", "in_service", "shift_start"]
