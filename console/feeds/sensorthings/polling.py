"""Where polling a service's Observations stands: the query to ask and what is new (no I/O, no Qt).

Observations are asked for in ``phenomenonTime`` order from the latest start
time seen, inclusive (``ge``): an observation that shares that time but had not
made it into the last page still comes. The ones already taken at that time are
remembered by ``@iot.id`` and dropped, so none comes twice. Within one walk
over ``@iot.nextLink`` pages every id is remembered, because a ``$skip`` page
can repeat the last entity of the page before it when the collection grew
under the walk. The order is total (``phenomenonTime``, then ``id``), so equal
times cannot swap places between two pages.
"""

from __future__ import annotations

import numpy as np

from console.feeds.sensorthings.entities import ObservationColumns
from console.feeds.timefmt import format_rfc3339

ORDER = "phenomenonTime asc,id asc"
EXPAND = "Datastream($select=id)"
SELECT = "id,phenomenonTime,result,resultQuality"


def odata_time(t_ms: int) -> str:
    """An epoch-ms time as an OData/RFC 3339 literal in UTC with milliseconds (``2026-07-21T03:15:00.000Z``)."""
    text = format_rfc3339(np.array([t_ms], dtype=np.int64), 0, millis=True)[0].tobytes().decode("ascii")
    return text.replace("+00:00", "Z")


class ObservationCursor:
    """The resume point of one source's polling.

    Parameters
    ----------
    since_ms : int
        Observations starting at or after this time (UTC epoch ms) are asked for first.

    Attributes
    ----------
    since_ms : int
        The latest ``phenomenonTime`` start taken so far (or the starting point).
    """

    def __init__(self, since_ms: int):
        self.since_ms = int(since_ms)
        self._walk_since = self.since_ms
        self._seen: dict = {}  # @iot.id -> start ms, for the ids at since_ms (and, during a walk, all of its ids)

    def query(self, page_size: int) -> dict[str, str]:
        """The query parameters of the first page of the next walk (which begins here)."""
        self._walk_since = self.since_ms
        return {"$filter": f"phenomenonTime ge {odata_time(self.since_ms)}", "$orderby": ORDER,
                "$top": str(int(page_size)), "$expand": EXPAND, "$select": SELECT}

    def fresh(self, columns: ObservationColumns) -> np.ndarray:
        """Mask of the rows not taken before; remembers them and moves ``since_ms`` on."""
        seen = self._seen
        since = self._walk_since
        start = columns.start_ms.tolist()
        keep = np.zeros(len(columns), dtype=bool)
        for row, (oid, t) in enumerate(zip(columns.ids, start, strict=True)):
            key = oid if not isinstance(oid, float) else int(oid)
            if t < since or key in seen:
                continue  # older than the resume point (the service ignored the filter) or taken already
            seen[key] = t
            keep[row] = True
        if len(start):
            self.since_ms = max(self.since_ms, max(start))
        return keep

    def end_walk(self) -> None:
        """Forget the ids the next walk cannot return again (those older than ``since_ms``)."""
        since = self.since_ms
        self._seen = {key: t for key, t in self._seen.items() if t >= since}

    @property
    def remembered(self) -> int:
        return len(self._seen)
