"""The rows of the warning list: open alarms filtered, sorted and grouped into incident lines.

``AlarmList`` pulls ``book.changes_since(version)`` into an ``AlarmColumns``
store; filtering and sorting are vectorised over its columns. A row is keyed by
an alarm id (> 0) or by minus an incident id (an incident line): alarms of one
incident that pass the filter are shown as one line, their members beneath it
only while the line is expanded. No Qt here: the pane's table model turns the
rows into a Qt model, and labels that need translating come in as functions.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import IntEnum
from typing import NamedTuple

import numpy as np

from console.alarm_list.store import AlarmColumns
from console.model.alarms import AlarmState
from console.model.alarms.incidents import incident_trend
from console.model.sensors import CATEGORIES

# Sort rank of each AlarmState: what needs the operator first.
STATE_RANK = np.array([3, 0, 2, 1, 4, 5], dtype=np.int64)  # NORMAL, UNACK, ACK, RTN_UNACK, SHELVED, OOS
HIDDEN_STATES = (int(AlarmState.SHELVED), int(AlarmState.OUT_OF_SERVICE))
NEEDS_ACK = (int(AlarmState.UNACK), int(AlarmState.RTN_UNACK))
# State filter choices (key, ...); "attention" is every open alarm not shelved or out of service.
STATE_FILTERS = ("attention", "all", "needs_ack", "unack", "ack", "rtn_unack", "normal", "shelved", "out_of_service")
# What the list shows: process alarms (levels) or sensor-fault items, never both in one list.
KINDS = ("level", "fault")


class Column(IntEnum):
    """The list's columns, in display order."""

    LEVEL = 0
    TIME = 1
    SENSOR = 2
    CATEGORY = 3
    DISTRICT = 4
    VALUE = 5
    STATE = 6
    OWNER = 7
    INCIDENT = 8


_TEXT_SORT = {Column.SENSOR: "sensor_id", Column.CATEGORY: "category", Column.DISTRICT: "district",
              Column.OWNER: "owner"}


class AlarmFilter:
    """What the list shows: process alarms or sensor faults (``kind``), levels, family or category, district,
    state and free text."""

    def __init__(self):
        self.kind = "level"
        self.levels = {1, 2, 3, 4}
        self.family = ""
        self.category = ""
        self.district = ""
        self.state = "attention"
        self.text = ""


class IncidentGroups:
    """The shown members (slots) of each incident line, in display order, without a Python list per line."""

    def __init__(self, members=None, incidents=None):
        self.members = np.empty(0, dtype=np.int64) if members is None else members
        if incidents is None or len(incidents) == 0:
            self.spans: dict[int, tuple[int, int]] = {}
            return
        starts = np.flatnonzero(np.r_[True, incidents[1:] != incidents[:-1]])
        ends = np.r_[starts[1:], len(incidents)]
        self.spans = dict(zip(incidents[starts].tolist(), zip(starts.tolist(), ends.tolist(), strict=True),
                              strict=True))

    def get(self, incident_id: int, default=None):
        span = self.spans.get(incident_id)
        return default if span is None else self.members[span[0]: span[1]]


class Rows(NamedTuple):
    """A layout of the list: row keys, which rows are members under their incident line, the groups."""

    keys: np.ndarray
    is_child: np.ndarray
    groups: IncidentGroups


class AlarmList:
    """Open alarms of an AlarmBook as list rows, with filter, sort order and expanded incident lines.

    Parameters
    ----------
    category_label : callable, optional
        The text a category key is shown (so sorted and searched) as; default the key.

    Attributes
    ----------
    book, table : the bound AlarmBook and its SensorTable (None when unbound)
    names : ndarray or None
        Display name per table row (default ``table.name``).
    sign : ndarray or None
        +1 / -1 per table row: the direction of its rule (high or low).
    store : AlarmColumns
        The open alarms' columns.
    filter : AlarmFilter
    sort_column : Column
    descending : bool
    expanded : set of int
        Incident ids whose lines show their members.
    groups : IncidentGroups
        The shown members of each incident line, as of the last ``layout``.
    """

    def __init__(self, category_label: Callable[[str], str] = str):
        self.category_label = category_label
        self.book = None
        self.table = None
        self.names: np.ndarray | None = None
        self.sign: np.ndarray | None = None
        self.store = AlarmColumns()
        self.filter = AlarmFilter()
        self.sort_column = Column.LEVEL
        self.descending = False
        self.expanded: set[int] = set()
        self.groups = IncidentGroups()
        self.version = 0
        self._incident_summaries: dict[int, dict] = {}

    # --- binding and pulling ------------------------------------------------
    def bind(self, book, table, names=None, sign=None) -> None:
        """Show the open alarms of ``book`` (``table`` is its sensor table); forgets expanded lines."""
        self.book, self.table = book, table
        self.names = names if names is not None else (table.name if table is not None else None)
        self.sign = sign
        self.store.clear()
        self.version = 0
        self.expanded.clear()
        self.groups, self._incident_summaries = IncidentGroups(), {}

    def pull(self) -> tuple[int, np.ndarray | None]:
        """Take in what changed in the book since the last pull.

        Returns how many alarms changed and the keys of the rows they touch
        (alarms and incident lines; None when nothing changed).
        """
        if self.book is None:
            return 0, None
        changes = self.book.changes_since(self.version)
        self.version = changes.version
        if not changes.alarms and not changes.incidents:
            return 0, None
        touched_incidents = {incident.incident_id for incident in changes.incidents}
        touched_incidents.update(alarm.incident_id for alarm in changes.alarms)
        for alarm in changes.alarms:
            if alarm.closed_ms is not None:
                self.store.remove(alarm.alarm_id)
        self.store.upsert([alarm for alarm in changes.alarms if alarm.closed_ms is None],
                          self.table, self.names, self.sign)
        changed_keys = np.array([a.alarm_id for a in changes.alarms] + [-i for i in touched_incidents], dtype=np.int64)
        return len(changes.alarms), changed_keys

    # --- settings -----------------------------------------------------------
    def set_filter(self, **settings) -> None:
        """Change the filter (``kind``, ``levels``, ``family``, ``category``, ``district``, ``state``, ``text``)."""
        for name, value in settings.items():
            if not hasattr(self.filter, name):
                raise AttributeError(f"no filter setting {name!r}")
            if name == "kind" and value not in KINDS:
                raise ValueError(f"kind must be one of {', '.join(KINDS)}, not {value!r}")
            setattr(self.filter, name, set(value) if name == "levels" else value)

    def set_sort(self, column: int, descending: bool = False) -> None:
        self.sort_column = Column(column)
        self.descending = bool(descending)

    def set_expanded(self, incident_id: int, expanded: bool) -> None:
        if expanded:
            self.expanded.add(incident_id)
        else:
            self.expanded.discard(incident_id)

    # --- texts ----------------------------------------------------------------
    def search_text(self, slot: int) -> str:
        """What the free-text filter searches in: id, name, district, unit and category, lower case."""
        return self.store.text("search", slot, self._make_search_text)

    def _make_search_text(self, slot: int) -> str:
        c = self.store.arrays
        return " ".join((c["sensor_id"][slot], c["name"][slot], c["district"][slot], c["owner"][slot],
                         self.category_label(c["category"][slot]))).lower()

    # --- filtering, sorting, grouping -------------------------------------------
    def filter_mask(self, slots: np.ndarray) -> np.ndarray:
        """Which of ``slots`` pass the filter."""
        c, f = self.store.arrays, self.filter
        fault = c["fault"][slots]
        if f.kind == "fault":
            mask = fault.copy()  # sensor faults have no level to filter by
        else:
            level = np.where(c["active"][slots], c["level"][slots], c["peak"][slots])
            allowed = np.zeros(5, dtype=bool)
            allowed[list(f.levels)] = True
            mask = allowed[level] & ~fault
        if f.family:
            mask &= c["family"][slots] == f.family
        if f.category:
            mask &= c["category"][slots] == f.category
        if f.district:
            mask &= c["district"][slots] == f.district
        state = c["state"][slots]
        if f.state == "attention":
            mask &= ~np.isin(state, HIDDEN_STATES)
        elif f.state == "needs_ack":
            mask &= np.isin(state, NEEDS_ACK)
        elif f.state != "all":
            mask &= state == int(AlarmState.from_key(f.state))
        text = f.text.strip().lower()
        if text:
            search = [self.search_text(slot) for slot in slots.tolist()]
            mask &= np.fromiter((text in s for s in search), dtype=bool, count=len(search))
        return mask

    def sort_key(self, slots: np.ndarray) -> np.ndarray:
        """The sort column's key of ``slots``, ascending (floats)."""
        c = self.store.arrays
        column = self.sort_column
        if column == Column.LEVEL:
            # Active alarms by level (I first); returned ones after them.
            return np.where(c["active"][slots], c["level"][slots], 5 + c["peak"][slots]).astype(np.float64)
        if column == Column.TIME:
            return c["raised_ms"][slots].astype(np.float64)
        if column == Column.VALUE:
            threshold = c["threshold"][slots]
            scale = np.where(np.abs(threshold) > 0, np.abs(threshold), 1.0)
            beyond = c["sign"][slots] * (c["value"][slots] - threshold) / scale
            return np.nan_to_num(beyond, nan=-np.inf)
        if column == Column.STATE:
            return STATE_RANK[c["state"][slots]].astype(np.float64)
        if column == Column.INCIDENT:
            return c["incident"][slots].astype(np.float64)
        values = c[_TEXT_SORT[column]][slots]
        if len(values) == 0:
            return np.empty(0)
        if column == Column.CATEGORY:
            labels = {key: self.category_label(key) for key in CATEGORIES}
            values = np.array([labels.get(v, v) for v in values.tolist()], dtype=object)
        return np.unique(values, return_inverse=True)[1].astype(np.float64)

    def order(self, slots: np.ndarray) -> np.ndarray:
        """Positions of ``slots`` in display order: the sort column, then newest first, then by id."""
        key = self.sort_key(slots)
        if self.descending:
            key = -key
        c = self.store.arrays
        return np.lexsort((c["alarm_id"][slots], -c["raised_ms"][slots], key))

    def layout(self) -> Rows:
        """The rows to show; keeps their incident groups in ``groups``."""
        rows = self._layout()
        self.groups = rows.groups
        self._incident_summaries = {}
        return rows

    def _layout(self) -> Rows:
        slots = self.store.slots_in_use()
        slots = slots[self.filter_mask(slots)]
        order = slots[self.order(slots)]
        if len(order) == 0:
            return Rows(np.empty(0, dtype=np.int64), np.empty(0, dtype=bool), IncidentGroups())
        c = self.store.arrays
        incident = c["incident"][order]
        unique, first, counts = np.unique(incident, return_index=True, return_counts=True)
        grouped = (counts >= 2) & (unique > 0)
        where = np.searchsorted(unique, incident)
        is_grouped = grouped[where]
        position = np.arange(len(order))
        # An incident line takes the place of its first member in the sorted order.
        group_position = np.where(is_grouped, first[where], position)
        expanded = np.isin(incident, np.fromiter(self.expanded, dtype=np.int64)) if self.expanded else False
        shown = ~is_grouped | expanded
        header_incidents = unique[grouped]
        keys = np.concatenate((-header_incidents, c["alarm_id"][order[shown]]))
        slot_position = np.concatenate((first[grouped], group_position[shown]))
        within = np.concatenate((np.full(len(header_incidents), -1), position[shown]))
        is_child = np.concatenate((np.zeros(len(header_incidents), dtype=bool), is_grouped[shown]))
        rank = np.lexsort((within, slot_position))
        by_incident = np.argsort(incident[is_grouped], kind="stable")
        groups = IncidentGroups(order[is_grouped][by_incident], incident[is_grouped][by_incident])
        return Rows(keys[rank], is_child[rank], groups)

    # --- reading rows by key --------------------------------------------------------
    def slots_of_key(self, key: int) -> np.ndarray:
        """The slot of an alarm row, or the shown members' slots of an incident line."""
        if key > 0:
            return np.array([self.store.slot_of[key]], dtype=np.int64)
        return self.groups.get(-key, np.empty(0, dtype=np.int64))

    def alarm_ids_of_key(self, key: int) -> list[int]:
        """The alarm of a row, or the shown members of an incident line."""
        if key > 0:
            return [key]
        members = self.groups.get(-key)
        return [] if members is None else self.store.arrays["alarm_id"][members].tolist()

    def sensor_rows_of_key(self, key: int) -> np.ndarray:
        """Sensor table rows of a row's alarm or of an incident line's shown members."""
        return self.store.arrays["row"][self.slots_of_key(key)]

    def needs_ack(self, keys: np.ndarray) -> np.ndarray:
        """Per row key: its alarm (or one of its incident's shown members) awaits acknowledgement."""
        flags = np.zeros(len(keys), dtype=bool)
        state = self.store.arrays["state"]
        slot_of = self.store.slot_of
        for row, key in enumerate(keys.tolist()):
            if key > 0:
                flags[row] = state[slot_of[key]] in NEEDS_ACK
            else:
                flags[row] = bool(np.isin(state[self.groups.get(-key, [])], NEEDS_ACK).any())
        return flags

    def summary(self) -> dict:
        """Open process alarms per level (active, not shelved or out of service), unacknowledged, shelved, open;
        open sensor-fault items (``faults``) and those unacknowledged (``faults_unack``) apart."""
        c, size = self.store.arrays, self.store.size
        fault = c["fault"][:size] & c["used"][:size]
        used = c["used"][:size] & ~fault
        state = c["state"][:size]
        shown = used & c["active"][:size] & ~np.isin(state, HIDDEN_STATES)
        counts = np.bincount(c["level"][:size][shown], minlength=5)
        return {
            "levels": {level: int(counts[level]) for level in (1, 2, 3, 4)},
            "unack": int((used & np.isin(state, NEEDS_ACK)).sum()),
            "shelved": int((used & (state == AlarmState.SHELVED)).sum()),
            "open": int(used.sum()),
            "faults": int(fault.sum()),
            "faults_unack": int((fault & np.isin(state, NEEDS_ACK)).sum()),
        }

    def incident_summary(self, incident_id: int) -> dict:
        """What an incident line shows of its shown members (kept until the next layout)."""
        cached = self._incident_summaries.get(incident_id)
        if cached is not None:
            return cached
        c = self.store.arrays
        members = self.groups.get(incident_id, np.empty(0, dtype=np.int64))
        active = c["active"][members]
        levels = np.where(active, c["level"][members], c["peak"][members])
        first = members[np.argmin(c["raised_ms"][members])] if len(members) else -1
        states = c["state"][members]
        peaks = c["peak"][members]
        summary = {
            "count": len(members),
            "sensors": len(set(c["sensor_id"][members].tolist())),
            "level": int(levels.min()) if len(levels) else 0,
            "peak": int(peaks.min()) if len(peaks) else 0,
            "trend": self._trend(incident_id),
            "active": bool(active.any()),
            "first": int(first),
            "categories": sorted(set(c["category"][members].tolist())),
            "family": str(c["family"][first]) if first >= 0 else "",
            "districts": sorted(set(c["district"][members].tolist()) - {""}),
            "owners": sorted(set(c["owner"][members].tolist()) - {""}),
            "states": sorted(set(states.tolist())),
            "unack": int(np.isin(states, NEEDS_ACK).sum()),
        }
        self._incident_summaries[incident_id] = summary
        return summary

    def _trend(self, incident_id: int) -> str:
        """The incident's trend over the last minutes, on the book's clock (``steady`` when unknown)."""
        incident = getattr(self.book, "incidents", {}).get(incident_id)
        if incident is None:
            return "steady"
        return incident_trend(incident, int(getattr(self.book, "clock_ms", 0)))

    def districts(self) -> list[str]:
        """Districts of the bound table's sensors, sorted."""
        if self.table is None:
            return []
        return sorted({d for d in self.table.district.tolist() if d})
