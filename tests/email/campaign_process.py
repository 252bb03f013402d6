"""A campaign in its own process, for the crash test to kill: `python -m tests.email.campaign_process DB PORT DATA OUT`."""

from __future__ import annotations

import sys
from pathlib import Path

from flows.settings import Settings
from outputs.db import open_database
from outputs.email.campaign import article_campaign, send_campaign
from outputs.email.config import EmailSettings
from tests.email.conftest import NOW, SAMPLE
from tests.conftest import EXAMPLES
from transforms.parse import parse_and_segment


def main(db_url: str, port: int, data_dir: str, out_dir: str) -> None:
    settings = Settings(
        database_url=db_url, data_dir=Path(data_dir), out_dir=Path(out_dir),
        # Slow enough (250/s) that the test can kill it mid-campaign.
        email=EmailSettings(backend="smtp", smtp_host="127.0.0.1", smtp_port=port, smtp_starttls=False, rate_limit=250,
                            kinds=["tip"]),
    )
    article = parse_and_segment(SAMPLE.read_bytes(), str(SAMPLE.relative_to(EXAMPLES.parent))).articles[0]
    report = send_campaign(article_campaign(article, settings, "all"), settings, open_database(db_url), now=NOW)
    print(report.counts(), flush=True)


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4])
