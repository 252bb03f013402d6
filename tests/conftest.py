"""Shared test helpers: paths to the examples and golden-file comparison."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
GOLDEN = ROOT / "tests" / "golden"
UPDATE_GOLDENS = os.environ.get("UPDATE_GOLDENS") == "1"


def assert_matches_golden(actual: str, golden_path: Path) -> None:
    """Compare with a golden file; `make goldens` (UPDATE_GOLDENS=1) rewrites it instead."""
    if UPDATE_GOLDENS or not golden_path.exists():
        golden_path.parent.mkdir(parents=True, exist_ok=True)
        golden_path.write_text(actual, encoding="utf-8")
        if not UPDATE_GOLDENS:
            pytest.fail(f"{golden_path} did not exist; written now — review and commit it")
    assert actual == golden_path.read_text(encoding="utf-8"), f"differs from {golden_path}; run `make goldens` if intended"


@pytest.fixture
def sample_bytes() -> bytes:
    return (EXAMPLES / "articles" / "acupuncture-for-neuropathy.txt").read_bytes()
