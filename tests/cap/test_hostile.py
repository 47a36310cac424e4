"""Hostile XML is refused quickly with a message, reads no local file and never stops the reader."""

from __future__ import annotations

import time

import pytest

from console.cap import MAX_DEPTH, MAX_DOCUMENT_BYTES, parse_alert, parse_alerts, parse_feed, parse_xml
from console.errors import InputError
from tests.cap.helpers import alert_xml

# A refusal must not take anywhere near this long; a generous bound, so a loaded machine passes.
QUICK_S = 2.0


def refuse(data, **kw) -> str:
    start = time.perf_counter()
    with pytest.raises(InputError) as caught:
        parse_alerts(data, "hostile.xml", **kw)
    assert time.perf_counter() - start < QUICK_S
    return str(caught.value)


def test_external_entity_never_reads_the_local_file(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-CONTENT")
    for declaration in (f'<!ENTITY xxe SYSTEM "file://{secret}">', f'<!ENTITY % xxe SYSTEM "{secret}"> %xxe;'):
        doc = alert_xml(identifier="&xxe;").replace(
            '<alert', f"<!DOCTYPE alert [{declaration}]><alert", 1)
        message = refuse(doc)
        assert "TOP-SECRET-CONTENT" not in message
        assert message.startswith("hostile.xml: refused: DTD declarations are not allowed in CAP")


def test_external_dtd_is_refused():
    doc = alert_xml().replace("<alert", '<!DOCTYPE alert SYSTEM "http://example.invalid/cap.dtd"><alert', 1)
    assert "refused: DTD declarations are not allowed" in refuse(doc)


def test_billion_laughs_is_refused_before_any_expansion():
    entities = '<!ENTITY lol "lol">' + "".join(
        f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10 if i > 1 else "&lol;" * 10}">' for i in range(1, 10))
    doc = f"<?xml version='1.0'?><!DOCTYPE alert [{entities}]><alert>&lol9;</alert>"
    assert "refused: DTD declarations are not allowed" in refuse(doc)


def test_a_huge_document_is_refused_before_parsing_naming_the_limit():
    doc = alert_xml().replace("</alert>", "<note>" + "x" * MAX_DOCUMENT_BYTES + "</note></alert>")
    message = refuse(doc.encode())
    assert f"larger than the limit of {MAX_DOCUMENT_BYTES} bytes" in message
    assert f"larger than the limit of {MAX_DOCUMENT_BYTES} bytes" in refuse(doc)  # as text too


def test_deep_nesting_is_refused_while_parsing_naming_the_limit():
    depth = 140_000  # about 1 MB of tags: under the size limit, far over the depth limit
    doc = "<a>" * depth + "</a>" * depth
    assert len(doc) < MAX_DOCUMENT_BYTES
    assert f"elements nest deeper than the limit of {MAX_DEPTH} levels" in refuse(doc)
    with pytest.raises(InputError, match="deeper than the limit of 5 levels"):
        parse_xml("<a><b><c><d><e><f/></e></d></c></b></a>", "x", max_depth=5)


@pytest.mark.parametrize(("data", "problem"), [
    ("", "empty document"),
    (b"   ", "empty document"),
    ("<alert", "not well-formed XML: unclosed token"),
    ("<alert>&nbsp;</alert>", "not well-formed XML: undefined entity"),
    ("plain text", "not well-formed XML: syntax error"),
    ("\ud800", "not readable as XML text"),
])
def test_garbage_is_refused_with_a_reason(data, problem):
    assert problem in refuse(data)


def test_a_refusal_does_not_stop_the_next_message():
    # A source reading message after message goes on after a hostile one.
    hostile = '<!DOCTYPE a [<!ENTITY x SYSTEM "file:///etc/passwd">]><a>&x;</a>'
    results = []
    for doc in (hostile, alert_xml(), "<" * 10, alert_xml(identifier="second")):
        try:
            results.append(parse_alert(doc, "feed").identifier)
        except InputError:
            results.append(None)
    assert results == [None, "WH-2026-0721-001", None, "second"]


def test_feed_reader_refuses_hostile_input_the_same_way():
    with pytest.raises(InputError, match="refused: DTD declarations"):
        parse_feed('<!DOCTYPE feed [<!ENTITY x "y">]><feed xmlns="http://www.w3.org/2005/Atom"/>', "f")
    with pytest.raises(InputError, match=r"root element is <alert>, not an Atom <feed>"):
        parse_feed(alert_xml(), "f")
