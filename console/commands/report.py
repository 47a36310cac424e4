"""``console report --journal J --from T --to T --out FILE``: the shift report of a journal.

The format follows the suffix of ``--out``: ``.md`` and ``.csv`` are written without
Qt; ``.pdf`` is typeset by Qt (vector text, the CJK font) and loads it only then.
Times without an offset are read in ``--tz``, the zone the report shows.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from datetime import datetime
from pathlib import Path

from console.errors import InputError
from console.model.levels import DISPLAY_ZONE

SUFFIXES = (".pdf", ".csv", ".md")
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(h|min|m|s)\s*$")
_UNIT_MS = {"h": 3600_000, "min": 60_000, "m": 60_000, "s": 1000}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--journal", metavar="J", required=True, help="the SQLite journal to report on")
    parser.add_argument("--from", dest="start", metavar="T", required=True,
                        help="start of the range, e.g. 2026-07-21T08:00 (in --tz) or 2026-07-21T08:00+08:00")
    parser.add_argument("--to", dest="end", metavar="T", required=True, help="end of the range (not included)")
    parser.add_argument("--out", metavar="FILE", required=True, help="report file: .pdf, .csv or .md")
    parser.add_argument("--lang", choices=["zh_CN", "en"], help="language of the report (default: system locale)")
    parser.add_argument("--tz", default=DISPLAY_ZONE, help=f"time zone of the times shown (default {DISPLAY_ZONE})")
    parser.add_argument("--overdue-after", default="2h", metavar="D",
                        help="a dispatch recorded without deadlines (older journals) not closed within this is "
                             "overdue, e.g. 2h, 90min (default 2h); newer ones have their own")


def parse_time(text: str, option: str, zone) -> int:
    """An ISO 8601 time as UTC epoch ms; one without an offset is read in ``zone``."""
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise InputError(option, f"{text!r} is not a time, e.g. 2026-07-21T08:00 or 2026-07-21T08:00+08:00") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone)
    return int(moment.timestamp() * 1000)


def parse_duration(text: str, option: str) -> int:
    found = _DURATION.match(text)
    if found is None or float(found.group(1)) <= 0:
        raise InputError(option, f"{text!r} is not a duration, e.g. 2h, 90min, 30s")
    return round(float(found.group(1)) * _UNIT_MS[found.group(2)])


def report_language(requested: str | None) -> str:
    """``--lang``, else CONSOLE_LANG, else the locale of the environment; Chinese for any zh locale."""
    language = requested or os.environ.get("CONSOLE_LANG") or os.environ.get("LC_ALL") or os.environ.get("LANG") or ""
    return "zh_CN" if language.lower().startswith("zh") else "en"


def run(args: argparse.Namespace) -> int:
    from console.commands.summary import time_zone
    from console.reports import Labels, read_shift_report, write_text_report

    zone = time_zone(args.tz)
    out = Path(args.out)
    suffix = out.suffix.lower()
    if suffix not in SUFFIXES:
        raise InputError(out, f"unknown report format {suffix or '(no suffix)'!r}: use .pdf, .csv or .md")
    start_ms = parse_time(args.start, "--from", zone)
    end_ms = parse_time(args.end, "--to", zone)
    if start_ms >= end_ms:
        raise InputError("--from", f"{args.start} is not before --to {args.end}: the range is empty")
    overdue_after_ms = parse_duration(args.overdue_after, "--overdue-after")
    language = report_language(args.lang)
    report = read_shift_report(args.journal, start_ms, end_ms, args.tz, overdue_after_ms=overdue_after_ms)
    words = Labels(language)
    if suffix == ".pdf":
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        from console.ui.app import application

        application(language)
        from console.ui.report_pdf import write_pdf_report

        write_pdf_report(report, out, words)
    else:
        write_text_report(report, out, words)
    print(out.resolve(), file=sys.stdout)
    return 0
