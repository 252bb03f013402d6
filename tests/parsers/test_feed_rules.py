"""Feed parsing rules beyond the example: Atom, never fetching, entries without links."""

from __future__ import annotations

import pytest

from transforms.errors import InputError
from transforms.parse_feed import parse_feed

ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>Trail Notes</title><id>tag:trail.example,2025:feed</id><updated>2025-04-02T10:00:00Z</updated>
  <entry>
    <title>Do Trekking Poles Save Your Knees?</title>
    <id>tag:trail.example,2025:poles</id>
    <published>2025-04-01T08:00:00+02:00</published><updated>2025-04-02T10:00:00Z</updated>
    <author><name>Jo Ferris</name></author>
    <category term="Hiking"/>
    <content type="html">&lt;p&gt;They reduce knee load on descents, &lt;a href="https://pubmed.ncbi.nlm.nih.gov/12345/"&gt;a lab study found&lt;/a&gt;.&lt;/p&gt;</content>
  </entry>
</feed>"""


def test_an_atom_entry_without_a_link_gets_a_slug_from_its_title_and_utc_dates() -> None:
    [article], warnings = parse_feed(ATOM, "trail.atom")
    assert warnings == []
    assert article.slug == "do-trekking-poles-save-your-knees"
    assert article.published is not None and article.published.isoformat() == "2025-04-01T06:00:00+00:00"
    assert article.updated is not None and article.updated.isoformat() == "2025-04-02T10:00:00+00:00"
    assert article.categories == ["Hiking"] and article.byline.authors[0].name == "Jo Ferris"
    assert article.citations[0].url == "https://pubmed.ncbi.nlm.nih.gov/12345/"


@pytest.mark.parametrize("data", [b"/etc/hostname", b"https://feeds.example/rss.xml"])
def test_bytes_that_name_a_path_or_url_are_never_opened(data: bytes) -> None:
    with pytest.raises(InputError, match="odd.xml: (not a valid RSS/Atom feed|the feed has no entries)"):
        parse_feed(data, "odd.xml")
