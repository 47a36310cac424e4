"""The shift report as words: sections of tables in one language, written as Markdown or CSV.

``report_sections`` turns a ``ShiftReport`` into titled tables once; each format only
lays them out, so Markdown, CSV and the PDF (``console.ui.report_pdf``) say exactly the same.
"""

from __future__ import annotations

import csv
import functools
import io
from dataclasses import dataclass, field
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from console.model.levels import LEVEL_ROMAN, level_name
from console.reports.labels import Labels
from console.reports.shift import ShiftReport

__all__ = ["Section", "clock", "report_heading", "report_sections", "to_csv", "to_markdown"]


@dataclass
class Section:
    """One part of the report: a title, sentences, and a table (or ``empty`` when it has no rows)."""

    key: str
    title: str
    notes: list[str] = field(default_factory=list)
    headers: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    empty: str = ""


def clock(t_ms: int | None, zone: str) -> str:
    """A journal time in the report's zone, to the second."""
    if t_ms is None:
        return ""
    return datetime.fromtimestamp(t_ms / 1000, UTC).astimezone(_zone(zone)).strftime("%Y-%m-%d %H:%M:%S")


@functools.cache
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def report_heading(report: ShiftReport, words: Labels) -> tuple[str, list[str]]:
    """The title and the lines under it: journal, range, zone, when made, and the drill notice."""
    offset = datetime.fromtimestamp(report.start_ms / 1000, UTC).astimezone(ZoneInfo(report.zone)).strftime("%z")
    lines = [
        words.pair(words["journal"], report.journal) if report.journal else "",
        words["range"].format(start=clock(report.start_ms, report.zone), end=clock(report.end_ms, report.zone)),
        words["zone"].format(zone=f"{report.zone} (UTC{offset[:3]}:{offset[3:]})"),
        words["made"].format(time=clock(report.made_ms, report.zone)),
    ]
    if report.drill:
        lines.insert(0, words["drill"])
    if report.no_alarms:
        lines.append(words["no_alarms"])
    return words["title"], [line for line in lines if line]


def report_sections(report: ShiftReport, words: Labels) -> list[Section]:
    zone = report.zone
    levels = [words.level(LEVEL_ROMAN[level]) for level in LEVEL_ROMAN]
    sections = []
    for key, counts, totals, empty in (
        ("raised", report.raised, report.raised_by_level, "none_raised"),
        ("closed", report.closed, report.closed_by_level, "none_closed"),
    ):
        section = Section(key, words[key], headers=[words["family"], words["category"], *levels, words["total"]],
                          empty=words[empty])
        for row in counts:
            section.rows.append([words.name("family", row.family), words.name("category", row.category),
                                 *map(str, row.by_level), str(row.total)])
        if section.rows:
            section.rows.append([words["total"], "", *map(str, totals), str(sum(totals))])
        if key == "closed" and report.closed_by_classification:
            section.notes.append("  ".join(words.pair(words.name("classification", name), str(n))
                                           for name, n in sorted(report.closed_by_classification.items())))
        sections.append(section)
    sections.append(Section(
        "open", words["open"],
        headers=[words["alarm"], words["sensor"], words["category"], words["district"], words["level"],
                 words["state"], words["raised_at"], words["dispatched_to"]],
        rows=[[str(item.alarm_id), item.sensor_id, words.name("category", item.category), item.district,
               words.level(level_name(item.level)), words.name("state", item.state), clock(item.raised_ms, zone),
               item.dispatched_to or ""] for item in report.open_at_end],
        empty=words["none_open"],
    ))
    sections.append(Section(
        "overdue", words["overdue"], notes=[words["overdue_rule"].format(limit=words.duration(report.overdue_after_ms))],
        headers=[words["alarm"], words["sensor"], words["level"], words["unit"], words["dispatched_at"],
                 words["dispatched_by"], words["due"], words["closed_at"]],
        rows=[[str(d.alarm_id), d.sensor_id, words.level(level_name(d.level)), d.unit, clock(d.dispatched_ms, zone),
               d.operator, clock(d.due_ms, zone), clock(d.closed_ms, zone) or words["not_closed"]]
              for d in report.overdue],
        empty=words["none_overdue"],
    ))
    sections.append(Section(
        "false_share", words["false_share"],
        headers=[words["category"], words["closed_count"], words["false_count"], words["share"]],
        rows=[[words.name("category", s.category), str(s.closed), str(s.false_alarms), f"{s.share:.0%}"]
              for s in report.false_alarms],
        empty=words["none_false"],
    ))
    sections.append(Section(
        "noisiest", words["noisiest"], notes=[words["noisiest_rule"]] if report.noisiest else [],
        headers=[words["sensor"], words["category"], words["annunciations"], words["alarms"]],
        rows=[[s.sensor_id, words.name("category", s.category), str(s.annunciations), str(s.alarms)]
              for s in report.noisiest],
        empty=words["none_noisy"],
    ))
    by_operator = "  ".join(words.pair(name, str(n)) for name, n in report.actions_by_operator.items())
    sections.append(Section(
        "actions", words["actions"], notes=[words.pair(words["by_operator"], by_operator)] if by_operator else [],
        headers=[words["time"], words["operator"], words["action"], words["alarm"], words["sensor"], words["detail"]],
        rows=[[clock(a.t_ms, zone), a.operator, words.name("action", a.action),
               "" if a.alarm_id is None else str(a.alarm_id), a.sensor_id or "", _detail(a.action, a.detail, words, zone)]
              for a in report.actions],
        empty=words["none_actions"],
    ))
    sections.append(Section("outages", words["outages"],
                            notes=[] if report.source_status_recorded else [words["outages_unknown"]]))
    return sections


def _detail(action: str, detail: dict, words: Labels, zone: str) -> str:
    """What an action said, in words: the unit, the classification and note, the reason..."""
    if action == "drill_seek" and {"from_ms", "to_ms"} <= detail.keys():
        return _seek_detail(detail, words, zone)
    detail = dict(detail)
    parts = []
    if "unit" in detail:
        parts.append(str(detail.pop("unit")))
    if "classification" in detail:
        parts.append(words.name("classification", detail.pop("classification")))
    for key in ("reason", "text", "note"):
        if detail.get(key):
            parts.append(str(detail.pop(key)))
        detail.pop(key, None)
    if "until_ms" in detail:
        parts.append(words["until"].format(time=clock(int(detail.pop("until_ms")), zone)))
    if detail.get("previous"):
        parts.append(words["previous"].format(name=detail.pop("previous")))
    detail.pop("previous", None)
    parts.extend(f"{key}: {value}" for key, value in sorted(detail.items()))
    return words["separator"].join(parts)


def _seek_detail(detail: dict, words: Labels, zone: str) -> str:
    """A drill's seek: the stretch it skipped and what happened in it, or the moment it went back to."""
    start, end = clock(int(detail["from_ms"]), zone), clock(int(detail["to_ms"]), zone)
    if "raised" not in detail:
        return words["seek_back"].format(start=start, end=end, undone=detail.get("undone_actions", 0))
    by_level = detail.get("raised_by_level") or [0, 0, 0, 0]
    levels = " ".join(f"{words.level(roman)} {n}" for roman, n in zip(LEVEL_ROMAN.values(), by_level, strict=False))
    return words["seek_forward"].format(start=start, end=end, raised=detail["raised"], levels=levels,
                                        reactivated=detail.get("reactivated", 0),
                                        escalated=detail.get("escalated", 0), returned=detail.get("returned", 0),
                                        cap=detail.get("cap_warnings", 0), offline=detail.get("offline_reports", 0))


def to_markdown(report: ShiftReport, words: Labels) -> str:
    title, lines = report_heading(report, words)
    out = [f"# {title}", "", *(f"{line}  " for line in lines), ""]
    for section in report_sections(report, words):
        out += [f"## {section.title}", ""]
        out += [*section.notes, ""] if section.notes else []
        if section.rows:
            out.append("| " + " | ".join(map(_cell, section.headers)) + " |")
            out.append("|" + "|".join(" --- " for _ in section.headers) + "|")
            out += ["| " + " | ".join(map(_cell, row)) + " |" for row in section.rows]
            out.append("")
        elif section.empty:
            out += [section.empty, ""]
    return "\n".join(out)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def to_csv(report: ShiftReport, words: Labels) -> str:
    """Each section as a titled block (title row, header row, data rows), blocks apart by an empty row."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    title, lines = report_heading(report, words)
    writer.writerow([title])
    for line in lines:
        writer.writerow([line])
    for section in report_sections(report, words):
        writer.writerow([])
        writer.writerow([section.title])
        for note in section.notes:
            writer.writerow([note])
        if section.rows:
            writer.writerow(section.headers)
            writer.writerows(section.rows)
        elif section.empty:
            writer.writerow([section.empty])
    return buffer.getvalue()
