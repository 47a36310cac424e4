"""The warnings in force: CAP Alert / Update / Cancel applied on the feed clock."""

from __future__ import annotations

from console.cap.alert import CapAlert

__all__ = ["WarningBook"]


class WarningBook:
    """The set of CAP warnings in force, kept by the rules of ``msgType`` and ``references``.

    An Alert adds itself; an Update removes every message it references and adds
    itself; a Cancel removes what it references and adds nothing. A message arriving
    after something already withdrew it (feeds reorder) is not added. Only the
    statuses in ``statuses`` are kept: by default ``Actual``, so exercises and tests
    never show as real warnings.

    Parameters
    ----------
    statuses : tuple of str
        CAP ``status`` values to keep.
    """

    def __init__(self, statuses: tuple[str, ...] = ("Actual",)):
        self.statuses = statuses
        self._alerts: dict[tuple[str, str], CapAlert] = {}
        self._withdrawn: set[tuple[str, str]] = set()

    def apply(self, alert: CapAlert) -> list[CapAlert]:
        """Apply one message; returns the warnings it removed (replaced or cancelled)."""
        if alert.status not in self.statuses or alert.msg_type not in ("Alert", "Update", "Cancel"):
            return []
        removed = []
        if alert.msg_type in ("Update", "Cancel"):
            for ref in alert.references:
                self._withdrawn.add(ref.key)
                old = self._alerts.pop(ref.key, None)
                if old is not None:
                    removed.append(old)
        if alert.msg_type != "Cancel" and alert.key not in self._withdrawn:
            self._alerts[alert.key] = alert
        return removed

    def active(self, now_ms: int, *, started: bool = False) -> list[CapAlert]:
        """The warnings in force at ``now_ms``, most severe level first, then by sent time.

        In force means ``effective`` (which defaults to ``sent``) has come and
        ``expires`` (when given) has not; with ``started=True`` the ``onset`` (when
        given) must have come too, for "what is happening now" rather than "what is
        announced".
        """
        def in_force(a: CapAlert) -> bool:
            if a.effective_ms is not None and now_ms < a.effective_ms:
                return False
            if a.expires_ms is not None and now_ms >= a.expires_ms:
                return False
            return not (started and a.onset_ms is not None and now_ms < a.onset_ms)

        found = [a for a in self._alerts.values() if in_force(a)]
        return sorted(found, key=lambda a: (a.level or 5, a.sent_ms, a.identifier))

    def prune(self, now_ms: int) -> int:
        """Forget the warnings expired at ``now_ms``; returns how many."""
        expired = [k for k, a in self._alerts.items() if a.expires_ms is not None and now_ms >= a.expires_ms]
        for key in expired:
            del self._alerts[key]
        return len(expired)

    def __len__(self) -> int:
        return len(self._alerts)

    def __contains__(self, key: tuple[str, str]) -> bool:
        return key in self._alerts
