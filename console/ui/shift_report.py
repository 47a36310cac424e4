"""The window's "Shift report…": the report of the shift on duty, from its handover until now.

The shift begins at the latest handover in the live journal (``shift_start``); the
report covers it up to and including the console's "now" (the feed clock when a feed
sets one). It is written in the window's language as PDF, CSV or Markdown.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from console.errors import InputError
from console.model.levels import DISPLAY_ZONE
from console.reports import Labels, read_shift_report, shift_start_ms, write_text_report
from console.ui.i18n import current_language

__all__ = ["ask_shift_report", "write_shift_report"]

FLUSH_TIMEOUT_S = 5.0


def write_shift_report(session, path: str | Path, language: str | None = None, zone: str = DISPLAY_ZONE) -> Path:
    """Write the report of the session's current shift to ``path`` (.pdf, .csv or .md).

    Raises
    ------
    InputError
        No journal, an unknown suffix or a file that cannot be written.
    """
    path = Path(path)
    journal = session.journal
    if journal is None:
        raise InputError(path, "the console runs without a journal: there is nothing to report on")
    if path.suffix.lower() not in (".pdf", ".csv", ".md"):
        raise InputError(path, f"unknown report format {path.suffix or '(no suffix)'!r}: use .pdf, .csv or .md")
    journal.flush(timeout=FLUSH_TIMEOUT_S)  # the report reads what the writer thread has committed
    end_ms = session.now_ms() + 1  # an action taken just now belongs to this shift
    report = read_shift_report(journal.path, shift_start_ms(journal.path, end_ms), end_ms, zone)
    words = Labels(language or current_language())
    if path.suffix.lower() == ".pdf":
        from console.ui.report_pdf import write_pdf_report

        return write_pdf_report(report, path, words)
    return write_text_report(report, path, words)


def ask_shift_report(window: QWidget) -> Path | None:
    """Ask where to save the current shift's report, write it and say so in the status bar."""
    translate = QCoreApplication.translate
    title = translate("ShiftReport", "Shift report")
    session = window.session
    if session.journal is None:
        QMessageBox.information(window, title, translate(
            "ShiftReport", "The console runs without a journal: there is nothing to report on."))
        return None
    now = datetime.fromtimestamp(session.now_ms() / 1000, UTC).astimezone(ZoneInfo(DISPLAY_ZONE))
    suggested = Path(session.journal.path).parent / f"shift-report-{now:%Y%m%d-%H%M}.pdf"
    name, _ = QFileDialog.getSaveFileName(window, title, str(suggested),
                                          translate("ShiftReport", "PDF (*.pdf);;CSV (*.csv);;Markdown (*.md)"))
    if not name:
        return None
    path = Path(name) if Path(name).suffix else Path(name).with_suffix(".pdf")
    try:
        write_shift_report(session, path)
    except InputError as error:
        QMessageBox.warning(window, title, translate(
            "ShiftReport", "The shift report cannot be written:\n{error}").format(error=error))
        return None
    window.statusBar().showMessage(translate("ShiftReport", "Shift report written to {path}").format(path=path))
    return path
