"""The sample article's posts, checked by eye once and pinned as golden files (`make goldens` rewrites them)."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from outputs.social.config import ScheduleSettings, SocialSettings
from outputs.social.render import platform_json, schedule_csv
from outputs.social.schedule import plan_schedule
from tests.conftest import GOLDEN, assert_matches_golden
from transforms.model import Article
from transforms.parse import parse_and_segment
from transforms.social.compose import compose_posts
from transforms.social.platforms import PLATFORMS, Platform

NOW = datetime(2026, 11, 2, 8, 0, tzinfo=timezone.utc)
SETTINGS = SocialSettings(schedule=ScheduleSettings(timezone="Europe/Berlin"))


@pytest.fixture(scope="module")
def article() -> Article:
    from tests.conftest import EXAMPLES

    path = EXAMPLES / "articles" / "acupuncture-for-neuropathy.txt"
    return parse_and_segment(path.read_bytes(), path.name).articles[0]


@pytest.fixture(scope="module")
def posts(article: Article) -> list:  # type: ignore[type-arg]
    return compose_posts(article, SETTINGS, "https://example.com")


@pytest.mark.parametrize("platform", PLATFORMS)
def test_sample_posts_match_the_golden_file(article: Article, posts: list, platform: Platform) -> None:  # type: ignore[type-arg]
    mine = [p for p in posts if p.platform == platform]
    assert_matches_golden(platform_json(article, platform, mine), GOLDEN / "social" / article.slug / f"{platform}.json")


def test_sample_schedule_matches_the_golden_file(posts: list) -> None:  # type: ignore[type-arg]
    csv_text = schedule_csv(plan_schedule([posts], SETTINGS.schedule, NOW))
    assert csv_text.startswith("date_time,text,link,platform,") and csv_text.endswith("\r\n")  # RFC 4180 rows
    # Golden files are read with universal newlines, so compare with the rows' CRLF as LF.
    assert_matches_golden(csv_text.replace("\r\n", "\n"), GOLDEN / "social" / "schedule.csv")


def test_every_sample_post_starts_with_the_affiliate_disclosure_and_notes_medical_advice(posts: list) -> None:  # type: ignore[type-arg]
    for post in posts:
        for part in post.parts:
            assert part.text.startswith("Contains affiliate links: ")
            assert "Not medical advice." in part.text


def test_a_cited_faq_names_its_source_on_x(posts: list) -> None:  # type: ignore[type-arg]
    post = next(p for p in posts if p.platform == "x" and p.segment_id == "faq-what-is-neuropathy")
    assert "via Mayo Clinic" in post.text
    assert [c.source for c in post.citations] == ["Mayo Clinic"]


def test_posts_come_from_tips_faqs_lists_and_definitions_only_by_default(article: Article, posts: list) -> None:  # type: ignore[type-arg]
    kinds = {p.segment_kind for p in posts}
    assert kinds == {"tip", "faq", "list", "definition"}
    expected = sum(1 for s in article.segments if s.kind in kinds)
    assert len(posts) == expected * len(PLATFORMS)


def test_a_list_post_says_how_many_and_shows_the_first_items(posts: list) -> None:  # type: ignore[type-arg]
    post = next(p for p in posts if p.platform == "mastodon" and p.segment_id == "list-home-remedies-for-nerve-pain-treatment")
    assert "7 things to know:" in post.text and "Modify your diet" in post.text


def test_a_definition_reads_term_colon_meaning(posts: list) -> None:  # type: ignore[type-arg]
    post = next(p for p in posts if p.platform == "x" and p.segment_kind == "definition")
    assert post.text.startswith('Contains affiliate links: Qi (pronounced "chee"): A term used')


def test_long_faqs_become_threads_only_where_threads_exist(posts: list) -> None:  # type: ignore[type-arg]
    threaded = {p.platform for p in posts if p.thread}
    assert threaded == {"x", "bluesky", "threads"}


def test_the_image_alt_text_carries_its_credit(posts: list) -> None:  # type: ignore[type-arg]
    assert all(p.alt_text and p.alt_text.endswith("(Image: Getty Images)") for p in posts)


def test_instagram_keeps_at_most_five_hashtags_and_no_link_in_the_caption() -> None:
    from transforms.model import Disclosure, Segment

    article = Article(
        id="i", slug="s", title="T", categories=[f"Topic {i}" for i in range(9)],
        disclosures=[Disclosure(kind="sponsorship", text="Paid for by Acme.")],
        segments=[Segment(id="tip-1", kind="tip", heading="Tip", text="Drink water.", position=0, anchor="tip")],
    )
    asking_for_30 = SocialSettings(hashtags={"caps": {"instagram": 30}})
    [post] = compose_posts(article, asking_for_30, "https://example.com", ["instagram"])
    assert len(post.hashtags) == 5, "Instagram's own maximum wins over the configured cap"
    assert post.text.startswith("Sponsored: Drink water.") and "https://" not in post.text
    assert post.link.startswith("https://example.com/articles/s?utm_source=instagram")
