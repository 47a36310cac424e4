"""WarningBook: an Update replaces, a Cancel removes, effective/onset/expires on the feed clock."""

from __future__ import annotations

import pytest

from console.cap import WarningBook, alerts_from_warning, parse_alert
from console.cap.parse import parse_time_ms
from console.errors import InputError
from console.feeds.events import CapWarning
from tests.cap.helpers import alert_xml, info_xml

SENDER = "warning@wuhan.example.cn"


def at(text: str) -> int:
    return parse_time_ms(f"2026-07-21T{text}:00+08:00")[0]


def alert(identifier: str, msg_type: str = "Alert", refs: tuple[str, ...] = (), *, sent="03:00",
          effective="03:00", onset=None, expires="09:00", status="Actual", headline="暴雨黄色预警"):
    references = " ".join(f"{SENDER},{r},2026-07-21T03:00:00+08:00" for r in refs) or None
    t = "2026-07-21T{}:00+08:00".format
    info = info_xml(effective=t(effective) if effective else None, onset=t(onset) if onset else None,
                    expires=t(expires) if expires else None, headline=headline)
    infos = () if msg_type == "Cancel" else (info,)
    return parse_alert(alert_xml(*infos, identifier=identifier, msgType=msg_type, sent=t(sent), status=status,
                                 references=references), "book")


def ids(book: WarningBook, now: str, **kw) -> list[str]:
    return [a.identifier for a in book.active(at(now), **kw)]


def test_alert_is_in_force_from_effective_until_expires():
    book = WarningBook()
    book.apply(alert("A", effective="04:00", expires="06:00"))
    assert ids(book, "03:59") == []
    assert ids(book, "04:00") == ["A"]
    assert ids(book, "05:59") == ["A"]
    assert ids(book, "06:00") == []


def test_effective_defaults_to_sent_and_no_expiry_means_in_force():
    book = WarningBook()
    book.apply(alert("A", sent="02:00", effective=None, expires=None))
    assert ids(book, "01:59") == [] and ids(book, "23:59") == ["A"]


def test_onset_is_honoured_when_asked_for_what_has_started():
    book = WarningBook()
    book.apply(alert("A", onset="05:00"))
    assert ids(book, "04:00") == ["A"]
    assert ids(book, "04:00", started=True) == []
    assert ids(book, "05:00", started=True) == ["A"]


def test_update_replaces_and_cancel_removes():
    book = WarningBook()
    book.apply(alert("A"))
    book.apply(alert("B", headline="大风蓝色预警"))
    assert ids(book, "04:00") == ["A", "B"]  # yellow (III) before blue (IV)
    removed = book.apply(alert("A2", "Update", ("A",), sent="04:00", headline="暴雨橙色预警"))
    assert [a.identifier for a in removed] == ["A"]
    active = book.active(at("05:00"))
    assert [(a.identifier, a.level) for a in active] == [("A2", 2), ("B", 4)]
    removed = book.apply(alert("C", "Cancel", ("A2", "B"), sent="06:00"))
    assert [a.identifier for a in removed] == ["A2", "B"]
    assert ids(book, "06:30") == [] and len(book) == 0


def test_a_late_original_does_not_revive_what_was_cancelled():
    book = WarningBook()
    book.apply(alert("X", "Cancel", ("A",)))
    book.apply(alert("A"))
    assert ids(book, "04:00") == [] and (SENDER, "A") not in book


def test_exercises_and_tests_are_not_warnings_in_force_unless_asked():
    book = WarningBook()
    book.apply(alert("E", status="Exercise"))
    book.apply(alert("T", status="Test"))
    assert ids(book, "04:00") == []
    drill = WarningBook(statuses=("Actual", "Exercise"))
    drill.apply(alert("E", status="Exercise"))
    assert ids(drill, "04:00") == ["E"]


def test_prune_forgets_expired_warnings():
    book = WarningBook()
    book.apply(alert("A", expires="05:00"))
    book.apply(alert("B", expires=None))
    assert book.prune(at("05:00")) == 1
    assert len(book) == 1 and (SENDER, "B") in book


def test_feed_warnings_go_into_the_book_on_the_feed_clock():
    book = WarningBook()
    first = CapWarning(at("03:00"), alert_xml(identifier="A"), line=7)
    for warning in (first, CapWarning(at("04:00"), alert_xml(identifier="A", msgType="Cancel", references=(
            f"{SENDER},A,2026-07-21T03:15:00+08:00")), line=8)):
        for cap in alerts_from_warning(warning, "rain.jsonl"):
            book.apply(cap)
        if warning is first:
            assert ids(book, "03:30") == ["A"]
    assert ids(book, "04:30") == []
    with pytest.raises(InputError, match=r"^rain.jsonl:9: alert 'A': missing required element: scope$"):
        alerts_from_warning(CapWarning(at("05:00"), alert_xml(identifier="A", scope=None), line=9), "rain.jsonl")
