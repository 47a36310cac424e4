"""Reports from the journal, without Qt: the shift report's content and its Markdown and CSV forms.

``shift`` reads what happened between two moments into a ``ShiftReport``, ``render``
lays it out in one language (``labels``) and ``files`` writes it whole or not at
all. The PDF is typeset by ``console.ui.report_pdf`` from the same sections.
"""

from console.reports.files import TEXT_SUFFIXES, write_text_report
from console.reports.labels import LANGUAGES, Labels
from console.reports.render import report_heading, report_sections, to_csv, to_markdown
from console.reports.shift import (
    DEFAULT_OVERDUE_AFTER_MS,
    ShiftReport,
    build_shift_report,
    read_shift_report,
    shift_start_ms,
)

__all__ = [
    "DEFAULT_OVERDUE_AFTER_MS",
    "LANGUAGES",
    "TEXT_SUFFIXES",
    "Labels",
    "ShiftReport",
    "build_shift_report",
    "read_shift_report",
    "shift_start_ms",
    "report_heading",
    "report_sections",
    "to_csv",
    "to_markdown",
    "write_text_report",
]
