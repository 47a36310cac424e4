"""The warning list without Qt: open alarms as columns, filtered, sorted and grouped into incident lines."""

from console.alarm_list.rows import (
    HIDDEN_STATES,
    KINDS,
    NEEDS_ACK,
    STATE_FILTERS,
    STATE_RANK,
    AlarmFilter,
    AlarmList,
    Column,
    IncidentGroups,
    Rows,
)
from console.alarm_list.store import AlarmColumns

__all__ = ["HIDDEN_STATES", "KINDS", "NEEDS_ACK", "STATE_FILTERS", "STATE_RANK", "AlarmColumns", "AlarmFilter", "AlarmList",
           "Column", "IncidentGroups", "Rows"]
