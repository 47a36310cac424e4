"""The live warning pane: its Qt model, view, level chips, action dialogs and the pane itself.

The list's rows (columns, filter, sort order, incident lines) are made without
Qt by ``console.alarm_list``.
"""

from console.alarm_list import STATE_FILTERS, AlarmFilter, Column
from console.ui.alarm_pane.chips import LevelChip
from console.ui.alarm_pane.dialogs import (
    CloseDialog,
    DispatchDialog,
    FeedbackDialog,
    NoteDialog,
    ShelveDialog,
)
from console.ui.alarm_pane.dispatch_controls import DispatchControls
from console.ui.alarm_pane.labels import (
    category_label,
    classification_label,
    family_label,
    state_filter_label,
)
from console.ui.alarm_pane.pane import FLOOD_PER_10_MIN, LIST_REFRESH_INTERVAL_MS, AlarmPane
from console.ui.alarm_pane.table_model import AlarmListModel, FontKind, RowLook
from console.ui.alarm_pane.view import ROW_HEIGHT_PX, AlarmRowPainter, AlarmTableView

__all__ = [
    "FLOOD_PER_10_MIN", "LIST_REFRESH_INTERVAL_MS", "ROW_HEIGHT_PX", "STATE_FILTERS", "AlarmFilter", "AlarmListModel",
    "AlarmPane", "AlarmRowPainter", "AlarmTableView", "CloseDialog", "Column", "DispatchControls", "DispatchDialog",
    "FeedbackDialog", "FontKind",
    "LevelChip", "NoteDialog", "RowLook", "ShelveDialog", "category_label", "classification_label", "family_label",
    "state_filter_label",
]
