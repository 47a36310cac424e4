"""The CAP warnings the engine keeps: CapWarning events into a WarningBook, on the engine's clock (no Qt).

Each warning event is parsed once here (the adapter already checked it; a line
of a recorded feed has not been). What is in force is worked out again when a
message arrives and once a second as time passes, so a warning whose
``effective`` time comes shows up, and one that expires leaves, without any
message. ``version`` grows whenever the set in force changes: the window is sent
the warnings only then. Each warning coming into force and leaving it (expired,
replaced by an Update, cancelled) becomes a journal row (``journal_rows``), so
the record of what was in force outlives the map.
"""

from __future__ import annotations

import logging
from collections import Counter, deque

from console.cap import ActiveWarning, WarningBook, active_warning, alerts_from_warning
from console.errors import InputError

PROBLEMS_KEPT = 20
log = logging.getLogger(__name__)


class EngineWarnings:
    """The warnings in force and how they came.

    Attributes
    ----------
    book : WarningBook
    active : list of ActiveWarning
        In force at the last ``refresh``, most severe first.
    version : int
        Grows when ``active`` changes.
    received : Counter
        Messages taken, by source name.
    refused : Counter
        Warning events the parser refused, by source name.
    problems : deque of str
        The last refusals, each naming its source and line.
    """

    def __init__(self, statuses: tuple[str, ...] = ("Actual",)):
        self.book = WarningBook(statuses)
        self.active: list[ActiveWarning] = []
        self.version = 0
        self.received: Counter = Counter()
        self.refused: Counter = Counter()
        self.problems: deque[str] = deque(maxlen=PROBLEMS_KEPT)
        self._source: dict[tuple[str, str], str] = {}
        self._shown: tuple = ()
        self._dirty = False
        self._withdrawn: dict[str, tuple[str, str]] = {}  # warning id -> (replaced/cancelled, by which id)
        self.journal_rows: list[tuple] = []  # (t_ms, warning_id, change, reason, ...) until the engine takes them

    def take(self, warning, source: str, *, lonlat_circles: bool = False) -> int:
        """Apply the alerts of one ``CapWarning``; returns how many it held (0 when refused)."""
        try:
            alerts = alerts_from_warning(warning, source, lonlat_circles=lonlat_circles)
        except InputError as exc:
            self.refused[source] += 1
            self.problems.append(str(exc))
            return 0
        except Exception as exc:  # one message must never stop the engine's loop
            log.exception("CAP warning from %s", source)
            self.refused[source] += 1
            self.problems.append(f"{source}: internal error reading a CAP warning: {type(exc).__name__}: {exc}")
            return 0
        for alert in alerts:
            self.received[source] += 1
            by = f"{alert.sender},{alert.identifier}"
            for old in self.book.apply(alert):
                reason = "replaced" if alert.msg_type == "Update" else "cancelled"
                self._withdrawn[f"{old.sender},{old.identifier}"] = (reason, by)
            if alert.key in self.book:
                self._source[alert.key] = source
        self._dirty = True
        return len(alerts)

    def refresh(self, now_ms: int, *, prune: bool = False) -> bool:
        """Work out what is in force at ``now_ms``; True when that changed."""
        if prune and self.book.prune(now_ms):
            self._dirty = True
        alerts = self.book.active(now_ms)
        shown = tuple((a.key, a.sent_ms) for a in alerts)
        self._dirty = False
        if shown == self._shown:
            return False
        self._shown = shown
        before = {w.id: w for w in self.active}
        self.active = [active_warning(alert, self._source.get(alert.key, "")) for alert in alerts]
        self._journal_changes(before, now_ms)
        self._source = {key: source for key, source in self._source.items() if key in self.book}
        self.version += 1
        return True

    def _journal_changes(self, before: dict, now_ms: int) -> None:
        now = {w.id: w for w in self.active}
        for warning in self.active:
            if warning.id not in before:
                self.journal_rows.append(journal_row(warning, now_ms, "in_force", "", ""))
        for warning_id, warning in before.items():
            if warning_id in now:
                continue
            reason, by = self._withdrawn.pop(warning_id, ("", ""))
            if not reason:
                expired = warning.expires_ms is not None and now_ms >= warning.expires_ms
                reason = "expired" if expired else "not_in_force"
            self.journal_rows.append(journal_row(warning, now_ms, "left", reason, by))

    def take_journal_rows(self) -> list[tuple]:
        rows, self.journal_rows = self.journal_rows, []
        return rows

    @property
    def dirty(self) -> bool:
        """A message arrived since the last ``refresh``."""
        return self._dirty


def journal_row(warning, t_ms: int, change: str, reason: str, by: str) -> tuple:
    """A row of the journal's ``cap_warning`` table (``console.model.journal.schema.CAP_WARNING_COLUMNS``)."""
    return (int(t_ms), warning.id, change, reason, by, warning.level, warning.event, warning.headline,
            warning.area_desc, warning.sender, warning.source, warning.msg_type, warning.sent_ms,
            warning.effective_ms, warning.expires_ms, warning.description, warning.area_wkb)
