"""Bad inputs: each gives exactly one clear message naming the file and the problem; the batch goes on."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest
from typer.testing import CliRunner

from flows.cli import app
from flows.pipeline import run_pipeline
from flows.settings import Settings
from tests.parsers.conftest import EXAMPLES, FIXTURES, ROOT
from transforms.errors import InputError
from transforms.parse import parse_and_segment

BAD = FIXTURES / "bad"
GOOD = EXAMPLES / "magnesium-for-sleep.html"
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
# file -> the words its one message must contain
EXPECTED_ERRORS = {
    "empty.md": "the file is empty",
    "binary-photo.html": "looks like a binary file",
    "malformed-feed.xml": "not a valid RSS/Atom feed: not well-formed (invalid token) at line 7",
}


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(out_dir=tmp_path / "out", data_dir=tmp_path / "data", channels=["articles"])


@pytest.fixture
def huge_file(tmp_path: Path) -> Path:
    path = tmp_path / "huge-article.txt"
    paragraph = b"Hydration matters for long runs, and so does sodium. " * 20 + b"\n\n"
    path.write_bytes(paragraph * (10_000_000 // len(paragraph) + 1))
    return path


@pytest.mark.parametrize("name", sorted(EXPECTED_ERRORS))
def test_each_bad_file_gives_one_error_naming_the_file(name: str, settings: Settings) -> None:
    path = BAD / name
    result = run_pipeline([str(path), str(GOOD)], settings, now=NOW)
    assert [(p.source, p.level) for p in result.problems] == [(str(path), "error")]
    assert EXPECTED_ERRORS[name] in result.problems[0].message
    assert [a.slug for a, _ in result.articles] == ["magnesium-for-sleep"]  # the rest of the batch succeeded
    assert result.failed


def test_a_file_over_the_size_cap_is_refused_before_it_is_read(huge_file: Path, settings: Settings) -> None:
    result = run_pipeline([str(huge_file), str(GOOD)], settings, now=NOW)
    assert [str(p) for p in result.problems] == [
        f"{huge_file}: the file is 10.0 MB, over the 5.0 MB limit (raise max_input_bytes to accept it)"
    ]
    assert len(result.articles) == 1


def test_latin1_text_is_read_with_one_warning_and_the_run_does_not_fail(settings: Settings) -> None:
    path = BAD / "latin1-cafe.txt"
    result = run_pipeline([str(path)], settings, now=NOW)
    assert [(p.source, p.level) for p in result.problems] == [(str(path), "warning")]
    assert "not valid UTF-8" in result.problems[0].message
    assert not result.failed
    [(article, _)] = result.articles
    assert article.title == "Café au lait: is it good for you?"
    assert article.byline.authors[0].name == "Renée Dubois"


def test_hostile_html_parses_with_scripts_handlers_and_script_urls_stripped(settings: Settings) -> None:
    path = BAD / "hostile-page.html"
    result = run_pipeline([str(path)], settings, now=NOW)
    assert result.problems == []
    [(article, _)] = result.articles
    dumped = article.model_dump_json().lower()
    for leak in ("javascript:", "data:", "<script", "alert(", "steal", "cookie", "onerror", "onclick", "iframe fallback",
                 "svg text", "enable javascript", "evil.example"):
        assert leak not in dumped, leak
    assert [c.url for c in article.citations] == ["https://pubmed.ncbi.nlm.nih.gov/27304504/"]
    assert article.segments[0].heading == "Is a cold shower safe?"


def test_a_damaged_feed_with_readable_entries_is_a_warning_not_a_failure() -> None:
    parsed = parse_and_segment((BAD / "damaged-feed.xml").read_bytes(), "damaged-feed.xml")
    assert [a.title for a in parsed.articles] == ["Is Sparkling Water as Hydrating as Still Water?"]
    assert parsed.articles[0].citations[0].url == "https://pubmed.ncbi.nlm.nih.gov/26702122/"
    assert parsed.warnings == [  # one warning for the file, however many things are wrong with it
        "the feed is not well-formed (no element found at line 15); used the 1 readable entries; skipped entry 2: no text"
    ]


def test_a_feed_with_no_entries_is_an_input_error() -> None:
    data = b'<?xml version="1.0"?><rss version="2.0"><channel><title>Quiet</title></channel></rss>'
    with pytest.raises(InputError, match="quiet.xml: the feed has no entries"):
        parse_and_segment(data, "quiet.xml")


def test_syndicate_run_reports_every_bad_file_once_and_exits_non_zero(tmp_path: Path, huge_file: Path) -> None:
    config = tmp_path / "syndicate.yaml"
    config.write_text(f"out_dir: {tmp_path / 'out'}\ndata_dir: {tmp_path / 'data'}\nchannels: [articles]\n")
    bad = [str((BAD / name).relative_to(ROOT)) for name in sorted(EXPECTED_ERRORS)] + [str(huge_file)]
    result = CliRunner().invoke(app, ["run", *bad, str(GOOD.relative_to(ROOT)), "--config", str(config)])
    output = result.output  # stdout and stderr, interleaved
    assert result.exit_code == 1
    assert "Traceback" not in output and result.exception is None or isinstance(result.exception, SystemExit)
    for name in bad:
        assert output.count(f"error: {name}:") == 1, output
    assert (tmp_path / "out" / "articles" / "magnesium-for-sleep.json").exists()  # the good file still went through


def test_syndicate_segment_on_a_bad_file_prints_one_error_and_exits_1() -> None:
    result = CliRunner().invoke(app, ["segment", str((BAD / "malformed-feed.xml").relative_to(ROOT))])
    output = result.output  # stdout and stderr, interleaved
    assert result.exit_code == 1
    assert output.count("error:") == 1 and "not a valid RSS/Atom feed" in output
    assert "Traceback" not in output
