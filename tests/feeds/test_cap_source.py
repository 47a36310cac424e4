"""``kind = "cap"`` sources: a file, a watched folder and an Atom/RSS feed over real local HTTP."""

from __future__ import annotations

import re
import shutil

import pytest

from console.cap import alerts_from_warning
from console.errors import InputError
from console.feeds.base import CapWarning, FeedStatus
from console.feeds.cap_adapter import CapFeedAdapter
from console.sources import CapSource, build_adapters, parse_sources
from tests.brokers import wait_until
from tests.cap.helpers import alert_xml
from tests.feeds.cap_server import CapServer, atom_feed, rss_feed

HOSTILE = (b'<?xml version="1.0"?><!DOCTYPE alert [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
           b'<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"><identifier>&x;</identifier></alert>')


class Taken:
    """What an adapter delivered, drained as the engine would."""

    def __init__(self, adapter):
        self.adapter = adapter
        self.warnings: list[CapWarning] = []
        self.statuses: list = []

    def drain(self):
        for event in self.adapter.poll():
            if isinstance(event, CapWarning):
                self.warnings.append(event)
            else:
                self.statuses.append(event)
        return self

    def until(self, condition, message: str, timeout: float = 15.0):
        wait_until(lambda: condition(self.drain()), timeout=timeout, message=message)
        return self


@pytest.fixture
def started():
    adapters = []

    def start(adapter):
        adapters.append(adapter)
        adapter.start()
        return Taken(adapter)

    yield start
    for adapter in adapters:
        adapter.stop()


# --- the sources file -----------------------------------------------------------------------


def test_cap_sources_load_with_a_path_or_a_url(tmp_path):
    (tmp_path / "warnings").mkdir()
    text = """
[[source]]
kind = "cap"
name = "met-folder"
path = "warnings"
poll_s = 5

[[source]]
kind = "cap"
name = "met-feed"
url = "http://127.0.0.1:8000/cap/feed.atom?region=420100"
poll_s = 30
timeout_s = 4
lonlat_circles = true
"""
    folder, feed = parse_sources(text, tmp_path / "sources.toml")
    assert folder == CapSource(name="met-folder", path=tmp_path / "warnings", poll_s=5.0,
                               origin=tmp_path / "sources.toml")
    assert feed.url == "http://127.0.0.1:8000/cap/feed.atom?region=420100"
    assert (feed.path, feed.poll_s, feed.timeout_s, feed.lonlat_circles) == (None, 30.0, 4.0, True)
    adapters = build_adapters([folder, feed])
    assert [type(a) for a in adapters] == [CapFeedAdapter, CapFeedAdapter]
    assert adapters[1].url == feed.url and adapters[1].lonlat_circles


@pytest.mark.parametrize(("body", "message"), [
    ('path = "w"\nurl = "http://x/feed"', "not both"),
    ("", "not neither"),
    ('path = "nowhere"', "no such file or folder"),
    ('url = "ftp://x/feed"', "http:// or https://"),
    ('path = "w"\npoll_s = 0', "positive"),
    ('path = "w"\nlonlat_circles = "yes"', "true or false"),
    ('path = "w"\nrefresh = 5', "unknown key 'refresh' for kind 'cap'"),
])
def test_cap_source_keys_are_checked(tmp_path, body, message):
    (tmp_path / "w").mkdir()
    with pytest.raises(InputError, match=re.escape(message)) as caught:
        parse_sources(f'[[source]]\nkind = "cap"\nname = "met"\n{body}\n', tmp_path / "s.toml")
    assert "source #1 'met'" in str(caught.value)


# --- files and folders ------------------------------------------------------------------------


def test_every_real_cap_file_in_a_watched_folder_is_delivered(realdata, tmp_path, started):
    files = sorted((realdata / "cap").iterdir())
    for file in files:
        shutil.copy(file, tmp_path / (file.stem + ".xml"))
    taken = started(CapFeedAdapter("met", path=tmp_path, poll_s=0.05))
    taken.until(lambda t: len(t.warnings) == len(files), "every real file")
    health = taken.adapter.health()
    assert (health.received, health.accepted, health.rejected_lines) == (len(files), len(files), 0)
    assert health.status is FeedStatus.LIVE
    alerts = [alert for warning in taken.warnings for alert in alerts_from_warning(warning, "met")]
    assert {"KSTO1055887203", "TRI13970876.2", "KAR0-0306112239-SW"} <= {a.identifier for a in alerts}  # the oasis examples
    assert any(a.language.lower() == "zh-tw" for a in alerts)  # the Taiwanese alert with its BOM


def test_a_folder_takes_new_and_changed_files_and_refuses_hostile_ones(tmp_path, started):
    first = tmp_path / "a.xml"
    first.write_text(alert_xml(identifier="A-1"), encoding="utf-8")
    (tmp_path / "notes.txt").write_text("not a warning")
    taken = started(CapFeedAdapter("met", path=tmp_path, poll_s=0.05))
    taken.until(lambda t: len(t.warnings) == 1, "the first file")

    (tmp_path / "evil.xml").write_bytes(HOSTILE)
    (tmp_path / "b.xml").write_text(alert_xml(identifier="B-1"), encoding="utf-8")
    taken.until(lambda t: len(t.warnings) == 2 and t.adapter.health().rejected_lines == 1, "b.xml and evil.xml")
    health = taken.adapter.health()
    assert health.rejected_by_reason == {"refused": 1}
    [rejection] = health.recent_rejected
    assert rejection.topic == str(tmp_path / "evil.xml")
    assert "DTD" in rejection.detail or "Entities" in rejection.detail
    assert "root:" not in rejection.detail  # the local file was never read

    first.write_text(alert_xml(identifier="A-2", msgType="Update",
                               references="warning@wuhan.example.cn,A-1,2026-07-21T03:15:00+08:00"), encoding="utf-8")
    taken.until(lambda t: len(t.warnings) == 3, "the changed a.xml")
    assert [alerts_from_warning(w)[0].identifier for w in taken.warnings] == ["A-1", "B-1", "A-2"]
    assert taken.adapter.status is FeedStatus.LIVE


def test_one_file_source_and_a_missing_folder(tmp_path, started):
    file = tmp_path / "one.xml"
    file.write_text(alert_xml(), encoding="utf-8")
    taken = started(CapFeedAdapter("met", path=file, poll_s=0.05))
    taken.until(lambda t: len(t.warnings) == 1, "the one file")
    assert taken.warnings[0].t_ms == 1784574900000  # its sent time, 2026-07-21T03:15:00+08:00

    gone = tmp_path / "gone"
    gone.mkdir()
    lost = started(CapFeedAdapter("lost", path=gone, poll_s=0.05))
    lost.until(lambda t: t.adapter.status is FeedStatus.LIVE, "watching")
    gone.rmdir()
    lost.until(lambda t: t.adapter.status is FeedStatus.FAILED, "the folder gone")
    assert "no such file or folder" in lost.adapter.health().message
    assert lost.adapter.health().failures["missing"] >= 1


# --- feeds over HTTP ------------------------------------------------------------------------------


def test_an_atom_feed_over_http_fetches_each_entry_once_and_survives_the_server_going_away(realdata, started):
    cap = realdata / "cap"
    server = CapServer({
        "/cap/a.xml": (cap / "oasiscap__v1dot2_appendix_adot2.xml").read_bytes(),
        "/cap/b.xml": (cap / "capparselib__taiwan.cap").read_bytes(),
        "/cap/evil.xml": HOSTILE,
    })
    server.put("/feed.atom", atom_feed([("urn:a", "/cap/a.xml"), ("urn:b", server.url("/cap/b.xml")),
                                        ("urn:evil", "cap/evil.xml"), ("urn:missing", "/cap/missing.xml")]))
    try:
        taken = started(CapFeedAdapter("met", url=server.url("/feed.atom"), poll_s=0.05))
        taken.until(lambda t: len(t.warnings) == 2 and t.adapter.health().rejected_lines == 2, "two warnings")
        wait_until(lambda: server.count("/feed.atom") >= 3, message="three polls")
        for path in ("/cap/a.xml", "/cap/b.xml", "/cap/evil.xml", "/cap/missing.xml"):
            assert server.count(path) == 1, path  # fetched once, however often the feed was read
        health = taken.adapter.health()
        assert health.rejected_by_reason == {"refused": 1, "fetch_failed": 1}
        details = {r.topic: r.detail for r in health.recent_rejected}
        assert "HTTP 404" in details[server.url("/cap/missing.xml")]
        assert "not allowed in CAP" in details[server.url("/cap/evil.xml")]
        assert health.status is FeedStatus.LIVE

        server.put("/cap/c.xml", alert_xml(identifier="C-1").encode())
        server.put("/feed.atom", atom_feed([("urn:a", "/cap/a.xml"), ("urn:c", "/cap/c.xml")]))
        taken.until(lambda t: len(t.warnings) == 3, "the new entry")
        assert alerts_from_warning(taken.warnings[-1])[0].identifier == "C-1"
    finally:
        server.stop()
    taken.until(lambda t: t.adapter.status is FeedStatus.FAILED, "the server gone")
    health = taken.adapter.health()
    assert health.failures.get("unreachable", 0) >= 1
    assert "cannot be reached" in health.message and "retrying" in health.message
    assert taken.adapter.running  # still trying


def test_an_rss_feed_and_a_feed_that_is_not_xml(started):
    server = CapServer({"/cap/1.xml": alert_xml(identifier="R-1").encode()})
    server.put("/feed.rss", rss_feed([("r1", "/cap/1.xml")]))
    server.put("/broken.atom", b"<feed><entry>")
    try:
        taken = started(CapFeedAdapter("rss", url=server.url("/feed.rss"), poll_s=0.05))
        taken.until(lambda t: len(t.warnings) == 1, "the RSS item")
        broken = started(CapFeedAdapter("broken", url=server.url("/broken.atom"), poll_s=0.05))
        broken.until(lambda t: t.adapter.status is FeedStatus.FAILED, "a feed that is not XML")
        assert "not well-formed XML" in broken.adapter.health().message
        assert broken.adapter.health().failures == {"bad_feed": broken.adapter.health().failures["bad_feed"]}
    finally:
        server.stop()


def test_the_real_swedish_feed_served_locally_with_its_links_rewritten(realdata, started):
    feed = (realdata / "cap-feeds" / "capparselib__sweden.atom").read_bytes()
    links = sorted(set(re.findall(rb'href="(http://api\.krisinformation\.se/v1/capmessage/[^"]+)"', feed)))
    assert links
    server = CapServer()
    for number, link in enumerate(links):
        feed = feed.replace(link, f"/cap/{number}.xml".encode())
        server.put(f"/cap/{number}.xml", alert_xml(identifier=f"SE-{number}").encode())
    server.put("/feed.atom", feed)
    try:
        taken = started(CapFeedAdapter("krisinformation", url=server.url("/feed.atom"), poll_s=0.05,
                                       lonlat_circles=True))
        taken.until(lambda t: len(t.warnings) == len(links), "every linked document")
        assert taken.adapter.health().rejected_lines == 0
    finally:
        server.stop()


def test_the_real_latin1_feed_is_refused_with_its_reason(realdata, started):
    server = CapServer({"/feed.atom": (realdata / "cap-feeds" / "capparselib__pelmorex.atom").read_bytes()})
    try:
        taken = started(CapFeedAdapter("pelmorex", url=server.url("/feed.atom"), poll_s=0.05))
        taken.until(lambda t: t.adapter.status is FeedStatus.FAILED, "the feed refused")
        assert "is not UTF-8" in taken.adapter.health().message
        assert taken.warnings == []
    finally:
        server.stop()
