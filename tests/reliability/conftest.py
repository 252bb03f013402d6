"""The signing key comes only from the environment (outputs/email/config.py refuses it otherwise)."""

from __future__ import annotations

import pytest

from tests.email.conftest import SIGNING_KEY


@pytest.fixture(autouse=True)
def signing_key_in_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SYNDICATE_EMAIL__SIGNING_KEY", SIGNING_KEY)
