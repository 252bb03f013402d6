"""Reliability: many seeded fault-injection runs, with the figures issue 7 asks for.

- SMTP: 2,000-subscriber campaigns against aiosmtpd answering 421/451 at random, cutting connections
  mid-DATA and refusing 1% of recipients with 550; half the runs also SIGKILL the campaign process at a
  seeded point and resume. Counts messages, duplicates, unreported duplicates, lost, in-flight resends.
- S3: feeds published twice through a proxy failing 30% of requests in front of moto, a reader polling
  S3 throughout: partial or unparsable files seen.

FAULT_SEEDS=N sets the number of seeds for each (default 6, about 45 s on 2 cores).
"""

from __future__ import annotations

import logging
import os
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
SEEDS = int(os.environ.get("FAULT_SEEDS", "6"))


def main() -> None:
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # moto's request log
    os.environ.setdefault("SYNDICATE_EMAIL__SIGNING_KEY", "bench-signing-key-0123456789abcdef")
    for name, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                        "AWS_DEFAULT_REGION": "us-east-1"}.items():
        os.environ.setdefault(name, value)
    from tests.reliability.campaigns import SUBSCRIBERS, run_faulty_campaign, sample_article
    from tests.reliability.feeds_publish import publish_under_faults

    article = sample_article()
    smtp = []
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as folder:
        for seed in range(SEEDS):
            smtp.append(run_faulty_campaign(Path(folder) / f"smtp-{seed}", 100 + seed, article, kill=seed % 2 == 1))
        smtp_seconds = time.perf_counter() - started
        started = time.perf_counter()
        os.environ["SYNDICATE_CONFIG"] = str(Path(folder) / "absent.yaml")
        s3 = [publish_under_faults(Path(folder) / f"s3-{seed}", 200 + seed) for seed in range(SEEDS)]
        s3_seconds = time.perf_counter() - started

    faults: Counter[str] = Counter()
    for run in smtp:
        faults.update(run.faults)
    kills = [r.killed_at for r in smtp if r.killed_at is not None]
    print(f"SMTP fault injection: {len(smtp)} runs x {SUBSCRIBERS:,} subscribers ({len(kills)} SIGKILLed at "
          f"{', '.join(map(str, kills))} messages, then resumed), {smtp_seconds:.1f} s")
    print(f"  faults injected: {', '.join(f'{k} {v}' for k, v in sorted(faults.items()))}")
    print(f"  messages kept {sum(r.messages for r in smtp):,}; recipients {sum(r.recipients for r in smtp):,}; "
          f"lost {sum(r.lost for r in smtp)}; mixed Message-IDs {sum(r.mixed_ids for r in smtp)}")
    print(f"  duplicates {sum(r.duplicates for r in smtp)} (all same Message-ID); unreported duplicates "
          f"{sum(r.unreported_duplicates for r in smtp)}; in-flight resends reported {sum(r.in_flight_resent for r in smtp)}")
    print(f"  550s bounced and suppressed {sum(r.bounced for r in smtp)}/{sum(len(r.refused) for r in smtp)}; "
          f"wrongly bounced {sum(r.wrongly_bounced for r in smtp)}; resume rounds {sum(r.rounds for r in smtp)}")
    s3_faults: Counter[str] = Counter()
    for run in s3:
        s3_faults.update(run.faults)
    print(f"S3 fault injection: {len(s3)} runs, {sum(r.requests for r in s3)} requests, {s3_seconds:.1f} s")
    print(f"  faults injected: {', '.join(f'{k} {v}' for k, v in sorted(s3_faults.items()))}; botocore retries "
          f"{sum(r.retries for r in s3)}; failed builds (rebuilt) {sum(r.failed_builds for r in s3)}")
    print(f"  reads while publishing: old {sum(r.reads['old'] for r in s3)}, new {sum(r.reads['new'] for r in s3)}, "
          f"partial or unparsable {sum(len(r.problems) for r in s3)}; final feeds all new: {all(r.final_is_new for r in s3)}")
    clean = all(r.clean for r in smtp) and not any(r.problems for r in s3) and all(r.final_is_new for r in s3)
    print("result: " + ("every check held" if clean else "A CHECK FAILED"))


if __name__ == "__main__":
    main()
