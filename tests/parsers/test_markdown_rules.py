"""Markdown front matter: typed fields, and errors that name the file and the field."""

from __future__ import annotations

import pytest

from transforms.errors import InputError
from transforms.parse_markdown import parse_markdown

BODY = "\n## Why stretch after a run?\n\nIt eases stiffness, [one review](https://pubmed.ncbi.nlm.nih.gov/9/) suggests.\n"


def post(front: str) -> str:
    return f"---\n{front}\n---\n{BODY}"


@pytest.mark.parametrize(
    ("front", "message"),
    [
        ("date: next tuesday", "front matter field 'date': expected a date like 2024-05-01"),
        ("authors: 42", "front matter field 'authors': Input should be a valid list (got 42)"),
        ("url: www.site.example/post", "front matter field 'url': expected an absolute http(s) URL"),
        ("disclosures: [{kind: paid, text: Paid post.}]", "front matter field 'disclosures.0.kind'"),
        ("categories: [[nested]]", "front matter field 'categories.0'"),
        ("title: [unclosed", "the front matter is not valid YAML (near line"),
        ("- just\n- a list", "the front matter must be a mapping"),
    ],
)
def test_a_bad_front_matter_field_is_an_input_error_naming_file_and_field(front: str, message: str) -> None:
    with pytest.raises(InputError) as caught:
        parse_markdown(post(front), "posts/stretching.md")
    assert str(caught.value).startswith("posts/stretching.md: ")
    assert message in str(caught.value)


def test_without_a_front_matter_title_the_first_h1_is_the_title_and_the_file_names_the_slug() -> None:
    article = parse_markdown("# Stretching After Runs\n" + BODY, "posts/stretching-after-runs.md")
    assert article.title == "Stretching After Runs"
    assert article.slug == "stretching-after-runs"
    assert not any(b.kind == "heading" and b.level == 1 for b in article.blocks)


def test_sponsored_by_and_plain_string_disclosures() -> None:
    article = parse_markdown(post("sponsored_by: Lumen Running Co\ndisclosures: [We earn a commission from some links.]"), "p.md")
    assert [(d.kind, d.text) for d in article.disclosures] == [
        ("sponsorship", "Sponsored by Lumen Running Co."),
        ("affiliate", "We earn a commission from some links."),
    ]


def test_raw_html_in_markdown_is_sanitized() -> None:
    article = parse_markdown(post("title: Safe") + '\n<script>alert(1)</script>\n\n<a href="javascript:go()">x</a> ok\n', "p.md")
    dumped = article.model_dump_json()
    assert "alert" not in dumped and "javascript:" not in dumped
