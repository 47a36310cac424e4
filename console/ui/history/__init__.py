"""The closed-alarm history: a dialog that searches the journal's closed alarms."""

from console.ui.history.dialog import AlarmHistoryDialog, journal_path_of

__all__ = ["AlarmHistoryDialog", "journal_path_of"]
