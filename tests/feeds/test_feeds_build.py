"""Building feeds from the store: deterministic bytes, only changed feeds rewritten, partners, WebSub."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs

import feedparser
import pytest

from outputs.feeds.build import build_feeds
from tests.feeds.conftest import STORED_AT, make_settings
from transforms.errors import ConfigError


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_same_store_gives_byte_identical_files_and_a_rebuild_writes_nothing(tmp_path, settings, store) -> None:
    first = build_feeds(settings, store)
    before = _files(settings.out_dir / "feeds")
    again = build_feeds(settings, store)
    assert _files(settings.out_dir / "feeds") == before
    assert first.rewritten == ["articles", "faqs", "tips", "lists", "definitions", "quotes"]
    assert again.rewritten == [] and again.written == []
    assert len(again.unchanged) == 6 * 3 + 2


def test_a_fresh_folder_gets_the_very_same_bytes(tmp_path, settings, store) -> None:
    build_feeds(settings, store)
    elsewhere = make_settings(tmp_path / "elsewhere")
    build_feeds(elsewhere, store)
    assert _files(elsewhere.out_dir / "feeds") == _files(settings.out_dir / "feeds")


def test_a_changed_article_keeps_its_guids_gets_a_new_updated_and_only_changed_feeds_are_rewritten(
    settings, store, article
) -> None:
    build_feeds(settings, store)
    tip = next(s for s in article.segments if s.kind == "tip")
    edited_tip = tip.model_copy(update={"text": tip.text + " Ask about their training."})
    edited = article.model_copy(update={"version": "edited",
                                        "segments": [edited_tip if s.id == tip.id else s for s in article.segments]})
    store.save(edited, STORED_AT + timedelta(days=2))
    report = build_feeds(settings, store)
    # Every item's `updated` moves with the article, so every feed changes; the tip's guid stays.
    assert report.rewritten == ["articles", "faqs", "tips", "lists", "definitions", "quotes"]
    entry = feedparser.parse((settings.out_dir / "feeds" / "tips.atom").read_bytes()).entries[0]
    assert entry.id.endswith(f":{article.id}:{tip.id}")
    assert entry.updated.startswith("2025-03-16") and entry.published.startswith("2025-03-14")
    assert "Ask about their training." in entry.content[0].value


def test_only_feeds_whose_bytes_changed_are_rewritten(tmp_path, store) -> None:
    settings = make_settings(tmp_path, partners=[{"name": "acme", "title": "ACME tips", "filters": {"kinds": ["tip"]}}])
    build_feeds(settings, store)
    renamed = make_settings(tmp_path, partners=[{"name": "acme", "title": "ACME's tips",
                                                  "filters": {"kinds": ["tip"]}}])
    report = build_feeds(renamed, store)
    assert report.rewritten == ["acme"]
    assert {Path(p).name for p in report.written} == {"acme.rss", "acme.atom", "acme.json", "index.html", "feeds.opml"}


def test_only_builds_just_the_named_feed(settings, store) -> None:
    report = build_feeds(settings, store, only="tips")
    assert [f.name for f in report.feeds] == ["tips"]
    assert sorted(p.name for p in (settings.out_dir / "feeds").iterdir() if not p.name.startswith(".")) == [
        "feeds.opml", "index.html", "tips.atom", "tips.json", "tips.rss"]


def test_an_unknown_feed_name_is_a_config_error_naming_the_known_ones(settings, store) -> None:
    with pytest.raises(ConfigError, match="no feed named 'tipz'; known feeds: articles, faqs, tips"):
        build_feeds(settings, store, only="tipz")


def test_partner_feed_has_its_selection_summary_content_and_utm_links(tmp_path, store, article) -> None:
    settings = make_settings(tmp_path, partners=[{
        "name": "wellness-weekly", "title": "Wellness Weekly", "description": "FAQs for Wellness Weekly",
        "filters": {"kinds": ["faq"], "categories": ["acupuncture"], "authors": ["Mona Freund"], "since": "2025-01-01"},
        "limit": 3, "content": "summary", "utm": {"source": "wellness-weekly", "medium": "feed"},
    }])
    build_feeds(settings, store)
    parsed = feedparser.parse((settings.out_dir / "feeds" / "wellness-weekly.rss").read_bytes())
    assert parsed.feed.title == "Wellness Weekly"
    assert parsed.feed.link == "https://example.com?utm_source=wellness-weekly&utm_medium=feed"
    assert len(parsed.entries) == 3
    for entry in parsed.entries:
        assert entry.id.split(":")[-1].startswith("faq-")
        assert "utm_source=wellness-weekly&utm_medium=feed#" in entry.link
        for disclosure in article.disclosures:
            assert disclosure.text in entry.content[0].value


def test_partner_since_after_every_article_gives_an_empty_but_valid_feed(tmp_path, store) -> None:
    settings = make_settings(tmp_path, partners=[{"name": "late", "title": "Late", "filters": {"since": "2030-01-01"}}])
    build_feeds(settings, store)
    parsed = feedparser.parse((settings.out_dir / "feeds" / "late.atom").read_bytes())
    assert parsed.bozo == 0 and parsed.entries == []


def test_a_partner_cannot_take_a_built_in_feed_name(tmp_path) -> None:
    with pytest.raises(Exception, match="partner feed name 'tips' is already used"):
        make_settings(tmp_path, partners=[{"name": "tips", "title": "Mine"}])


def test_index_and_opml_list_every_feed_in_every_format(tmp_path, store) -> None:
    settings = make_settings(tmp_path, partners=[{"name": "acme", "title": "ACME & Co"}])
    build_feeds(settings, store)
    index = (settings.out_dir / "feeds" / "index.html").read_text(encoding="utf-8")
    opml = (settings.out_dir / "feeds" / "feeds.opml").read_text(encoding="utf-8")
    for name in ["articles", "faqs", "tips", "lists", "definitions", "quotes", "acme"]:
        for ext in ("rss", "atom", "json"):
            assert f'href="https://feeds.example.org/partners/{name}.{ext}"' in index
        assert f'xmlUrl="https://feeds.example.org/partners/{name}.rss"' in opml
    assert "ACME &amp; Co" in index


class _Hub(BaseHTTPRequestHandler):
    pings: list[dict[str, list[str]]] = []

    def do_POST(self) -> None:  # noqa: N802 - http.server's naming
        body = self.rfile.read(int(self.headers["Content-Length"])).decode()
        _Hub.pings.append(parse_qs(body))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def hub() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Hub)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    _Hub.pings.clear()
    yield f"http://127.0.0.1:{server.server_address[1]}/hub"
    server.shutdown()
    server.server_close()


def test_websub_hub_is_advertised_and_pinged_for_each_rewritten_feed(tmp_path, store, hub) -> None:
    settings = make_settings(tmp_path, websub_hub=hub)
    report = build_feeds(settings, store, only="tips")
    assert report.problems == []
    rss = feedparser.parse((settings.out_dir / "feeds" / "tips.rss").read_bytes())
    assert {(link.rel, link.href) for link in rss.feed.links} >= {("hub", hub)}
    assert sorted(p["hub.url"][0] for p in _Hub.pings) == [
        "https://feeds.example.org/partners/tips.atom", "https://feeds.example.org/partners/tips.json",
        "https://feeds.example.org/partners/tips.rss"]
    assert all(p["hub.mode"] == ["publish"] for p in _Hub.pings)
    _Hub.pings.clear()
    build_feeds(settings, store, only="tips")
    assert _Hub.pings == []  # nothing changed, nobody pinged


def test_an_unreachable_hub_is_a_problem_in_words_not_a_failed_build(tmp_path, store) -> None:
    settings = make_settings(tmp_path, websub_hub="http://127.0.0.1:9/hub")
    report = build_feeds(settings, store, only="tips")
    assert report.rewritten == ["tips"]
    assert report.problems and "could not notify it" in report.problems[0] and "feeds.websub_hub" in report.problems[0]


def test_a_deleted_feed_file_is_written_again_and_only_it(settings, store) -> None:
    build_feeds(settings, store)
    (settings.out_dir / "feeds" / "tips.rss").unlink()
    report = build_feeds(settings, store)
    assert [Path(p).name for p in report.written] == ["tips.rss"]
    assert report.rewritten == ["tips"]


def test_published_files_are_readable_by_a_web_server(settings, store) -> None:
    build_feeds(settings, store, only="tips")
    assert (settings.out_dir / "feeds" / "tips.rss").stat().st_mode & 0o777 == 0o644
