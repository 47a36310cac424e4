"""File ▸ Export briefing… in the window: the current view as a PNG or a PDF page.

The file dialog's filter chooses the format and the paper (PNG 16:9, PDF A4 or
A3 landscape); a problem is shown to the operator and the console goes on.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QFileDialog

from console.errors import InputError


def briefing_filters() -> dict[str, str]:
    """File-dialog filter -> layout name."""
    translate = QCoreApplication.translate
    return {
        translate("Briefing", "PDF, A4 landscape (*.pdf)"): "a4",
        translate("Briefing", "PDF, A3 landscape (*.pdf)"): "a3",
        translate("Briefing", "PNG image, 16:9 (*.png)"): "screen",
    }


def export_briefing(window, path, layout: str | None = None, size: tuple[int, int] | None = None) -> Path:
    """Write the briefing of what ``window`` shows now to ``path`` (.png or .pdf).

    Raises
    ------
    InputError
        Unknown format or layout, or the file cannot be written (nothing is left behind).
    """
    from console.ui.briefing import write_briefing
    from console.ui.briefing.build import briefing_of_window

    window.refresh_live()  # the map's sensors as the state is now, not as of the last 10 Hz refresh
    write_briefing(briefing_of_window(window), path, layout, size)
    return Path(path)


def ask_briefing(window) -> Path | None:
    """Ask where to write the briefing (and as what), write it, and say so in the status bar."""
    translate = QCoreApplication.translate
    filters = briefing_filters()
    path, chosen = QFileDialog.getSaveFileName(window, translate("Briefing", "Export briefing"), "briefing.pdf",
                                               ";;".join(filters))
    if not path:
        return None
    layout = filters.get(chosen)
    suffix = ".png" if layout == "screen" else ".pdf"
    if Path(path).suffix.lower() not in (".png", ".pdf"):
        path += suffix
    elif Path(path).suffix.lower() != suffix:
        layout = None  # the name says otherwise: its suffix wins, with that format's usual layout
    try:
        written = export_briefing(window, path, layout)
    except InputError as exc:
        window.show_error(str(exc), translate("Briefing", "Briefing not written"))
        return None
    window.statusBar().showMessage(translate("Briefing", "Briefing written: {path}").format(path=written), 15000)
    return written
