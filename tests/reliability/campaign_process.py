"""A faulty campaign in its own process, for the kill test: `python -m tests.reliability.campaign_process DB PORT DATA OUT`.

It prints `in-flight <address>` the moment a report names a resent message, so what it reported
survives its SIGKILL.
"""

from __future__ import annotations

import sys
from pathlib import Path

from outputs.db import open_database
from outputs.email.campaign import SendReport, article_campaign, send_campaign
from tests.email.conftest import NOW
from tests.reliability.campaigns import campaign_settings, sample_article


def main(db_url: str, port: int, data_dir: str, out_dir: str) -> None:
    settings = campaign_settings(Path(data_dir).parent, port).model_copy(
        update={"database_url": db_url, "data_dir": Path(data_dir), "out_dir": Path(out_dir)})
    shown = 0

    def progress(report: SendReport, total: int) -> None:
        nonlocal shown
        for address in report.in_flight[shown:]:
            print(f"in-flight {address}", flush=True)
        shown = len(report.in_flight)

    report = send_campaign(article_campaign(sample_article(), settings, "all"), settings, open_database(db_url),
                           now=NOW, progress=progress, sleep=lambda _: None)
    progress(report, 0)
    print(report.counts(), flush=True)


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4])
