"""Hostile inputs, all in one batch with the sample: each gets at most one clear message, the sample is
syndicated through every channel, and nothing executable reaches any output."""

from __future__ import annotations

import re
from datetime import datetime, timezone

import pytest

from flows.pipeline import RunResult, run_pipeline
from flows.settings import Settings
from tests.conftest import EXAMPLES, ROOT
from tests.hostile.executable import executable_in_file, executable_in_html

CORPUS = ROOT / "tests" / "fixtures" / "hostile"
FIXTURES = sorted(p.name for p in CORPUS.iterdir() if p.name != "README.md")
GENERATED = {"text-10mb-single-line.txt": "error", "text-3mb-single-line.txt": "ok"}
NAMED_EXPECT = {"text-binary.txt": "error", "text-empty.txt": "error", "text-whitespace-only.txt": "error"}
NOW = datetime(2026, 11, 2, 9, 0, tzinfo=timezone.utc)


def expectation(name: str) -> str:
    """'error', 'ok' or 'either', from the file's own Expect line (or its name, for the headerless ones)."""
    if name in GENERATED:
        return GENERATED[name]
    if name in NAMED_EXPECT:
        return NAMED_EXPECT[name]
    header = (CORPUS / name).read_bytes()[:600].decode("utf-8", "replace")
    expect = re.search(r"Expect:\s*(.+)", header)
    assert expect, f"{name} does not say what it expects"
    words = expect.group(1).lower()
    return "either" if words.startswith("either") else "error" if words.startswith("error") else "ok"


@pytest.fixture(scope="module")
def batch(tmp_path_factory: pytest.TempPathFactory) -> tuple[RunResult, Settings, dict[str, str]]:
    work = tmp_path_factory.mktemp("hostile")
    inputs = work / "inputs"
    inputs.mkdir()
    paths: dict[str, str] = {}
    for name in FIXTURES:
        data = (CORPUS / name).read_bytes()
        if name.endswith(".txt") and data.startswith(b"Description:"):
            data = data.split(b"\n\n", 1)[1]  # the header states the test; it is not part of the input
        (inputs / name).write_bytes(data)
        paths[name] = str(inputs / name)
    (inputs / "text-10mb-single-line.txt").write_bytes(b"Walking helps. " * 700_000)
    (inputs / "text-3mb-single-line.txt").write_bytes(b"Walking Daily\n\n" + b"Walking helps your heart and mood. " * 90_000)
    for name in GENERATED:
        paths[name] = str(inputs / name)
    sample = EXAMPLES / "articles" / "acupuncture-for-neuropathy.txt"
    paths["sample"] = str(sample)
    settings = Settings(out_dir=work / "out", data_dir=work / "data")
    result = run_pipeline([*sorted(v for k, v in paths.items() if k != "sample"), str(sample)], settings, now=NOW)
    return result, settings, paths


@pytest.mark.parametrize("name", FIXTURES + sorted(GENERATED))
def test_each_hostile_file_gets_at_most_one_clear_message(batch, name: str) -> None:  # type: ignore[no-untyped-def]
    result, _, paths = batch
    mine = [p for p in result.problems if p.source == paths[name]]
    errors = [p for p in mine if p.level == "error"]
    assert len(mine) <= 1, [str(p) for p in mine]
    assert all("Traceback" not in p.message and len(p.message) < 400 for p in mine)
    expected = expectation(name)
    if expected == "error":
        assert len(errors) == 1, f"{name} should fail with one message, got {[str(p) for p in mine]}"
    elif expected == "ok":
        assert not errors, [str(p) for p in errors]


def test_the_sample_is_syndicated_alongside_the_hostile_batch(batch) -> None:  # type: ignore[no-untyped-def]
    result, settings, _ = batch
    slugs = {article.slug for article, _ in result.articles}
    assert "acupuncture-for-neuropathy" in slugs
    assert (settings.out_dir / "articles" / "acupuncture-for-neuropathy.json").exists()
    assert not [p for p in result.problems if p.source not in batch[2].values()], "a channel reported a problem"


def test_no_output_holds_anything_executable(batch) -> None:  # type: ignore[no-untyped-def]
    _, settings, _ = batch
    outputs = [p for p in settings.out_dir.rglob("*") if p.is_file()]
    assert outputs
    found = [problem for path in outputs for problem in executable_in_file(path)]
    assert found == []
    leaked = [p.name for p in outputs if b"root:x:0:0" in p.read_bytes()]
    assert leaked == [], "an external entity was resolved"


def test_no_stored_text_or_url_is_executable(batch) -> None:  # type: ignore[no-untyped-def]
    result, _, _ = batch
    for article, _ in result.articles:
        urls = [article.url or ""] + [c.url or "" for c in article.citations] + [i.url or "" for i in article.images]
        assert not [u for u in urls if re.match(r"\s*(javascript|vbscript|data):", u, re.I)], article.slug
        for block in article.blocks:
            assert "<script" not in block.text.lower() and not executable_in_html(block.text)


def test_the_scanner_itself_catches_what_it_looks_for() -> None:
    assert executable_in_html('<p onclick="x">a</p>') == ["onclick= on <p>"]
    assert executable_in_html('<a href=" javascript:alert(1)">a</a>')
    assert executable_in_html("<script>alert(1)</script>") == ["<script>"]
    assert executable_in_html('<p style="width: expression(alert(1))">a</p>')
    assert executable_in_html('<p>javascript: is just a word here</p>') == []
    assert executable_in_html('<iframe srcdoc="&lt;p&gt;ok&lt;/p&gt;" sandbox=""></iframe>') == []
    assert executable_in_html('<iframe srcdoc="&lt;p&gt;ok&lt;/p&gt;"></iframe>') == ["<iframe>"]
    assert executable_in_html('<iframe srcdoc="&lt;script&gt;x&lt;/script&gt;" sandbox=""></iframe>')
