"""What a run did to the alarms, as plain data: shared by ``console process`` and ``console serve``."""

from __future__ import annotations

from datetime import UTC, datetime


def alarm_figures(pipeline, first_alarm: int, zone) -> dict:
    """Alarms raised since ``first_alarm`` by level and category, incidents, open and stale counts;
    sensor-fault items apart (never counted as alarms), and what the rules held back."""
    from console.model.levels import LEVEL_NAMES
    from console.model.sensors import SensorStatus

    book, table = pipeline.book, pipeline.table
    raised = [a for a in book.alarms.values() if a.alarm_id >= first_alarm]
    alarms = [a for a in raised if not a.is_fault]
    faults: dict[str, list[str]] = {}
    for item in raised:
        if item.is_fault:
            faults.setdefault(item.trigger, []).append(item.sensor_id)
    by_level = {LEVEL_NAMES[level]: 0 for level in (1, 2, 3, 4)}
    by_category: dict[str, dict[str, int]] = {}
    for alarm in alarms:
        name = LEVEL_NAMES[alarm.peak_level]
        by_level[name] += 1
        by_category.setdefault(alarm.category, {n: 0 for n in by_level})[name] += 1
    incidents = []
    for incident_id in sorted({a.incident_id for a in alarms}):
        incident = book.incidents[incident_id]
        incidents.append(
            {
                "incident": incident.incident_id,
                "family": incident.family,
                "first_alarm": incident.first_alarm_id,
                "first_sensor": incident.first_sensor_id,
                "first_time": format_time(incident.first_ms, zone),
                "alarms": len(incident.alarm_ids),
                "peak_level": LEVEL_NAMES[incident.peak_level],
                "districts": incident.districts,
            }
        )
    stale = table.status == SensorStatus.STALE
    return {
        "alarms": len(alarms),
        "alarms_by_level": by_level,
        "alarms_by_category": dict(sorted(by_category.items())),
        "open_alarms": len(book.open_alarms()),
        "active_alarms": len(book.active_alarms()),
        "stale_sensors": int(stale.sum()),
        "stale_sensor_ids": sorted(table.ids[stale].tolist()),
        "incidents": incidents,
        "sensor_faults": sum(len(ids) for ids in faults.values()),
        "sensor_faults_by_kind": {kind: sorted(ids) for kind, ids in sorted(faults.items())},
        "open_sensor_faults": len(book.fault_items()),
        "levels_held_back": pipeline.engine.held_back,
        "suspect_readings": pipeline.engine.checks.suspect_readings,
    }


TEXT_STALE_LIMIT = 20


def alarm_lines(summary: dict) -> list[str]:
    """The text lines of ``alarm_figures``: alarms by level and category, open ones, stale sensors by id."""
    lines = [
        f"alarms raised: {summary['alarms']}  "
        + "  ".join(f"{name}: {count}" for name, count in summary["alarms_by_level"].items()),
    ]
    for category, counts in summary["alarms_by_category"].items():
        lines.append(f"  {category:<16}" + "  ".join(f"{name}: {count}" for name, count in counts.items()))
    lines.append(
        f"open alarms: {summary['open_alarms']} ({summary['active_alarms']} active)   "
        f"stale sensors: {summary['stale_sensors']}"
    )
    faults = summary["sensor_faults_by_kind"]
    lines.append(
        f"sensor faults (for the maintenance units, not alarms): {summary['sensor_faults']}"
        + "".join(f"  {kind}: {len(ids)}" for kind, ids in faults.items())
        + f"   open: {summary['open_sensor_faults']}"
    )
    for kind, ids in faults.items():
        shown = ", ".join(ids[:TEXT_STALE_LIMIT])
        more = f" ... and {len(ids) - TEXT_STALE_LIMIT} more" if len(ids) > TEXT_STALE_LIMIT else ""
        lines.append(f"  {kind}: {shown}{more}")
    lines.append(f"held back: {summary['levels_held_back']} level(s) never confirmed, "
                 f"{summary['suspect_readings']} implausible reading(s) marked suspect")
    return lines + stale_lines(summary["stale_sensor_ids"])


def stale_lines(ids: list[str]) -> list[str]:
    """The stale sensors by id, for a text summary (``--json`` lists every one)."""
    if not ids:
        return []
    shown = ", ".join(ids[:TEXT_STALE_LIMIT])
    more = f" ... and {len(ids) - TEXT_STALE_LIMIT} more" if len(ids) > TEXT_STALE_LIMIT else ""
    return [f"  stale: {shown}{more}"]


def format_time(t_ms: int, zone) -> str:
    return datetime.fromtimestamp(t_ms / 1000, UTC).astimezone(zone).isoformat(timespec="seconds")


def time_zone(name: str):
    """The zone of the times shown; an unknown name is the caller's input error."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    from console.errors import InputError

    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise InputError("--tz", f"unknown time zone {name!r}") from None
