"""2,000-subscriber campaigns against a real SMTP server that answers 421 and 451 at random, cuts the
connection mid-DATA and refuses some recipients with 550, with and without a SIGKILLed process:
every deliverable subscriber gets exactly one Message-ID, nobody is missed, a second copy only where a
report named the message in flight, and every 550 is bounced and suppressed.

FAULT_SEEDS=N runs N seeds (default 3); bench/bench_reliability.py runs many and prints the table.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.reliability.campaigns import SUBSCRIBERS, Tally, run_faulty_campaign, sample_article
from transforms.model import Article

SEEDS = range(int(os.environ.get("FAULT_SEEDS", "3")))


@pytest.fixture(scope="module")
def article() -> Article:
    return sample_article()


def assert_nothing_lost_or_doubled(result: Tally) -> None:
    assert result.lost == 0, "a deliverable subscriber got nothing"
    assert result.mixed_ids == 0, "a subscriber got two different Message-IDs"
    assert result.unreported_duplicates == 0, "a second copy no report named as in flight"
    assert result.refused_but_sent == 0
    assert result.bounced == len(result.refused) and result.wrongly_bounced == 0
    assert result.recipients == SUBSCRIBERS - len(result.refused)


def test_random_faults_lose_nothing_and_every_duplicate_is_a_reported_in_flight_resend(
    tmp_path: Path, article: Article
) -> None:
    result = run_faulty_campaign(tmp_path, seed=1000, article=article)
    assert_nothing_lost_or_doubled(result)
    # The faults really happened, and the report names no more resends than the server made ambiguous.
    assert {"421", "451", "451 at DATA", "550", "cut mid-DATA, not kept", "cut after keeping, before 250"} <= set(result.faults)
    ambiguous = result.faults["cut mid-DATA, not kept"] + result.faults["cut after keeping, before 250"]
    assert result.duplicates <= result.faults["cut after keeping, before 250"]
    assert result.duplicates <= result.in_flight_resent <= ambiguous


@pytest.mark.parametrize("seed", SEEDS)
def test_a_process_killed_at_a_random_point_then_resumed_under_faults_sends_each_subscriber_one_message_id(
    tmp_path: Path, article: Article, seed: int
) -> None:
    result = run_faulty_campaign(tmp_path, seed=seed, article=article, kill=True)
    assert result.killed_at is not None and 0 < result.killed_at < SUBSCRIBERS
    assert_nothing_lost_or_doubled(result)
