"""Texts and colours of a dispatch's countdown: the unit column, the tooltip and the overdue notice."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from console.model.alarms import STEPS, Deadline

# An overdue dispatch: a dark red unlike any level colour, white bold text, and the word OVERDUE.
OVERDUE_FILL = "#7F0A1E"
OVERDUE_TEXT = "#FFFFFF"
NOTICE_STYLE = ("background: #7F0A1E; color: white; font-weight: bold; padding: 4px 8px; border-radius: 3px;")


def _tr(text: str) -> str:
    return QCoreApplication.translate("AlarmDispatch", text)


def step_label(step: str) -> str:
    return {"unit_ack": _tr("unit ack"), "on_site": _tr("on site"), "handled": _tr("handled")}[step]


def duration_text(ms: int) -> str:
    """mm:ss under an hour, h:mm:ss above (a countdown read at a glance)."""
    seconds = max(0, int(ms) // 1000)
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes:02d}:{seconds:02d}"


def countdown_text(deadline: Deadline, now_ms: int) -> str:
    """``unit ack in 04:12`` before the deadline, ``OVERDUE unit ack +02:10`` after it."""
    left = deadline.due_ms - int(now_ms)
    if left > 0:
        return _tr("{step} in {time}").format(step=step_label(deadline.step), time=duration_text(left))
    return _tr("OVERDUE {step} +{time}").format(step=step_label(deadline.step), time=duration_text(-left))


def dispatch_lines(alarm, time_text) -> list[str]:
    """The dispatch's deadlines, the unit's steps and escalations, for an alarm's tooltip."""
    lines = []
    dues = [(step, getattr(alarm, f"due_{step}_ms")) for step in STEPS]
    if all(due is not None for _step, due in dues):
        lines.append(_tr("Deadlines: {deadlines}").format(deadlines=" · ".join(
            _tr("{step} by {time}").format(step=step_label(step), time=time_text(due)) for step, due in dues)))
    if alarm.dispatch_note:
        lines.append(_tr("Dispatch note: {note}").format(note=alarm.dispatch_note))
    if alarm.unit_acked_ms is not None:
        lines.append(_tr("Unit acknowledged at {time} (recorded by {operator})").format(
            time=time_text(alarm.unit_acked_ms), operator=alarm.unit_acked_by))
    if alarm.on_site_ms is not None:
        lines.append(_tr("Unit on site at {time} (recorded by {operator})").format(
            time=time_text(alarm.on_site_ms), operator=alarm.on_site_by))
    escalated = [s for s in alarm.escalated.split(",") if s]
    if escalated:
        lines.append(_tr("Escalated to the supervisor: {steps} overdue").format(
            steps=", ".join(step_label(s) for s in escalated)))
    return lines


def notice_text(overdue: list, now_ms: int) -> str:
    """The overdue notice: the most overdue alarm with its unit and step, and how many more there are."""
    alarm, deadline = overdue[0]
    text = _tr("OVERDUE: alarm {alarm} {sensor} — {unit}: {step} due {ago} ago").format(
        alarm=alarm.alarm_id, sensor=alarm.sensor_id, unit=alarm.dispatched_to, step=step_label(deadline.step),
        ago=duration_text(int(now_ms) - deadline.due_ms))
    if deadline.step in alarm.escalated.split(","):
        text += "; " + _tr("escalated to the supervisor")
    if len(overdue) > 1:
        text += "  " + _tr("(+{n} more overdue)").format(n=len(overdue) - 1)
    return text
