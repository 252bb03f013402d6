"""Each new example parsed and segmented, compared with its golden JSON (UPDATE_GOLDENS=1 rewrites them)."""

from __future__ import annotations

import json

import pytest

from tests.conftest import GOLDEN, assert_matches_golden
from tests.parsers.conftest import EXAMPLES, parse_file

EXAMPLE_FILES = ["magnesium-for-sleep.html", "walking-10000-steps.md", "morning-plate-feed.xml"]


@pytest.mark.parametrize("name", EXAMPLE_FILES)
def test_example_matches_its_golden_json(name: str) -> None:
    articles = [article.model_dump(mode="json") for article in parse_file(EXAMPLES / name)]
    actual = json.dumps(articles, indent=2, ensure_ascii=False) + "\n"
    assert_matches_golden(actual, GOLDEN / "parsers" / f"{name.rsplit('.', 1)[0]}.json")
