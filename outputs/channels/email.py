"""The email channel: each article's newsletter to its audience, through the configured backend.

On a fresh store it first imports `email.subscribers_csv` (the examples' sample subscribers), so
`syndicate run examples` leaves real .eml files under out/outbox/<campaign>/. The ledger makes a
re-run send nothing twice.
"""

from __future__ import annotations

from typing import ClassVar

from outputs.base import ChannelReport, RunContext
from outputs.email.campaign import article_campaign, send_campaign
from outputs.email.subscribers import SubscriberStore
from transforms.errors import DeliveryError, InputError, OutputError
from transforms.model import Article


class EmailChannel:
    name: ClassVar[str] = "email"
    order: ClassVar[int] = 20

    def publish(self, articles: list[Article], ctx: RunContext) -> ChannelReport:
        report = ChannelReport(self.name)
        settings = ctx.settings
        engine = ctx.store.engine
        subscribers = SubscriberStore(engine)
        csv_path = settings.email.subscribers_csv
        if subscribers.count() == 0 and csv_path.is_file():
            try:
                imported = subscribers.import_csv(csv_path, ctx.now)
            except InputError as exc:
                report.problems.append(str(exc))
            else:
                report.counts["subscribers_imported"] = imported.added
                report.problems.extend(f"{csv_path}:{line}: {problem}" for line, problem in imported.problems)
        totals = {"sent": 0, "skipped": 0, "failed": 0, "bounced": 0, "in_flight_resent": 0}
        for article in articles:
            campaign = article_campaign(article, settings)
            try:
                sent = send_campaign(campaign, settings, engine, now=ctx.now)
            except (OutputError, DeliveryError) as exc:
                report.problems.append(f"{article.slug}: {exc}")
                continue
            for name, value in sent.counts().items():
                totals[name] += value
            report.problems.extend(f"{campaign.id}: {p}" for p in sent.problems)
            if sent.sent and settings.email.backend == "outbox":
                report.written.append(str(settings.out_dir / "outbox" / campaign.id))
        report.counts.update(totals)
        return report


CHANNEL = EmailChannel()
