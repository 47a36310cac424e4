"""Acknowledging many alarms at once: every alarm of an incident line, or the whole selection, on one confirmation.

In a storm an incident line holds hundreds of alarms; acknowledging them one
by one is no help, and acknowledging them all by a stray F4 is none either.
One alarm is acknowledged at once, as before; two or more ask once, saying how
many and where, and then go through the book as one action (all or none).
"""

from __future__ import annotations

from PySide6.QtWidgets import QLabel

from console.model.alarms import AlarmState
from console.ui.alarm_pane.dialogs import _Dialog

_NEEDS_ACK = (AlarmState.UNACK, AlarmState.RTN_UNACK)


class AcknowledgeDialog(_Dialog):
    """"Acknowledge 323 alarms in 江北区、滨江区?" with OK and Cancel."""

    def __init__(self, count: int, districts: list[str], parent=None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Acknowledge {n} alarms").format(n=count))
        where = "、".join(districts[:4]) + (f" +{len(districts) - 4}" if len(districts) > 4 else "")
        text = (self.tr("Acknowledge {n} alarms in {districts}?").format(n=count, districts=where) if where
                else self.tr("Acknowledge {n} alarms?").format(n=count))
        self.message = QLabel(text)
        self.message.setWordWrap(True)
        self.form.addRow(self.message)


def awaiting(book, alarm_ids) -> list[int]:
    """Those of ``alarm_ids`` the book holds open and awaiting acknowledgement."""
    alarms = [book.alarms.get(i) for i in alarm_ids]
    return [a.alarm_id for a in alarms if a is not None and a.closed_ms is None and a.state in _NEEDS_ACK]


def ask_acknowledge(pane):
    """F4 / Acknowledge: at once for one alarm, after one confirmation for several (returns the dialog then)."""
    ids = pane._selection_for_dialog()
    if not ids:
        return None
    book = pane.model.book
    pending = awaiting(book, ids)
    if len(pending) <= 1:
        return pane.acknowledge_selected()
    districts = sorted({book.alarms[i].district for i in pending if book.alarms[i].district})
    return pane._open_dialog(AcknowledgeDialog(len(pending), districts, pane),
                             lambda _dialog: pane.acknowledge_selected())
