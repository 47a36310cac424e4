"""Texts and colours of a dispatch's countdown: the unit column, the tooltip and the overdue notice."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from console.model.alarms import STEPS, Deadline

# An overdue dispatch: a dark red unlike any level colour, white bold text, and the word OVERDUE.
OVERDUE_FILL = "#7F0A1E"
OVERDUE_TEXT = "#FFFFFF"
NOTICE_STYLE = "background: #7F0A1E; color: white; font-weight: bold; padding: 4px 8px; border-radius: 3px;"
translate = QCoreApplication.translate  # with the context and text as literals: lupdate reads them


def step_label(step: str) -> str:
    if step == "unit_ack":
        return translate("AlarmDispatch", "unit ack")
    if step == "on_site":
        return translate("AlarmDispatch", "on site")
    return translate("AlarmDispatch", "handled")


def duration_text(ms: int) -> str:
    """mm:ss under an hour, h:mm:ss above (a countdown read at a glance)."""
    seconds = max(0, int(ms) // 1000)
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes:02d}:{seconds:02d}"


def countdown_text(deadline: Deadline, now_ms: int) -> str:
    """``unit ack in 04:12`` before the deadline, ``OVERDUE unit ack +02:10`` after it."""
    left = deadline.due_ms - int(now_ms)
    step = step_label(deadline.step)
    if left > 0:
        return translate("AlarmDispatch", "{step} in {time}").format(step=step, time=duration_text(left))
    return translate("AlarmDispatch", "OVERDUE {step} +{time}").format(step=step, time=duration_text(-left))


def dispatch_lines(alarm, time_text) -> list[str]:
    """The dispatch's deadlines, the unit's steps and escalations, for an alarm's tooltip."""
    lines = []
    dues = [(step, getattr(alarm, f"due_{step}_ms")) for step in STEPS]
    if all(due is not None for _step, due in dues):
        each = [translate("AlarmDispatch", "{step} by {time}").format(step=step_label(step), time=time_text(due))
                for step, due in dues]
        lines.append(translate("AlarmDispatch", "Deadlines: {deadlines}").format(deadlines=" · ".join(each)))
    if alarm.dispatch_note:
        lines.append(translate("AlarmDispatch", "Dispatch note: {note}").format(note=alarm.dispatch_note))
    if alarm.unit_acked_ms is not None:
        lines.append(translate("AlarmDispatch", "Unit acknowledged at {time} (recorded by {operator})").format(
            time=time_text(alarm.unit_acked_ms), operator=alarm.unit_acked_by))
    if alarm.on_site_ms is not None:
        lines.append(translate("AlarmDispatch", "Unit on site at {time} (recorded by {operator})").format(
            time=time_text(alarm.on_site_ms), operator=alarm.on_site_by))
    escalated = [s for s in alarm.escalated.split(",") if s]
    if escalated:
        steps = ", ".join(step_label(s) for s in escalated)
        lines.append(translate("AlarmDispatch", "Escalated to the supervisor: {steps} overdue").format(steps=steps))
    return lines


def notice_text(overdue: list, now_ms: int) -> str:
    """The overdue notice: the most overdue alarm with its unit and step, and how many more there are."""
    alarm, deadline = overdue[0]
    text = translate("AlarmDispatch", "OVERDUE: alarm {alarm} {sensor} — {unit}: {step} due {ago} ago").format(
        alarm=alarm.alarm_id, sensor=alarm.sensor_id, unit=alarm.dispatched_to, step=step_label(deadline.step),
        ago=duration_text(int(now_ms) - deadline.due_ms))
    if deadline.step in alarm.escalated.split(","):
        text += translate("AlarmDispatch", "; escalated to the supervisor")
    if len(overdue) > 1:
        text += "  " + translate("AlarmDispatch", "(+{n} more overdue)").format(n=len(overdue) - 1)
    return text
