"""The subscriber store: addresses, status, audiences and wanted segment kinds, on the shared database."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy import Engine, func, select

from outputs.email.tables import audiences_table, subscribers_table
from transforms.errors import InputError
from transforms.newsletter_subscribers import STATUSES, SubscriberRow, normalize_email, parse_subscriber_csv

SUBSCRIBED = "subscribed"


@dataclass(frozen=True)
class Subscriber:
    id: int
    email: str
    name: str
    status: str
    audiences: frozenset[str]
    kinds: frozenset[str]  # empty: every kind

    def wants(self, kind: str) -> bool:
        return not self.kinds or kind in self.kinds


@dataclass
class ImportReport:
    added: int = 0
    updated: int = 0
    kept_suppressed: int = 0  # existing unsubscribed/bounced/complained addresses the file did not resubscribe
    problems: list[tuple[int, str]] = field(default_factory=list)


class SubscriberStore:
    """Subscribers keyed by lower-cased email; suppressed addresses stay suppressed on re-import."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def count(self) -> int:
        with self.engine.connect() as conn:
            return conn.execute(select(func.count()).select_from(subscribers_table)).scalar_one()

    def import_csv(self, path: Path, now: datetime | None = None) -> ImportReport:
        """Validate every row of `path`, store the good ones, and report each bad one by line."""
        try:
            text = path.read_text(encoding="utf-8-sig")
        except OSError as exc:
            raise InputError(str(path), f"cannot read it: {exc.strerror}") from None
        except UnicodeDecodeError:
            raise InputError(str(path), "not UTF-8 text; save the CSV as UTF-8") from None
        parsed = parse_subscriber_csv(text, str(path))
        report = self.import_rows(parsed.rows, now)
        report.problems = parsed.problems
        return report

    def import_rows(self, rows: Iterable[SubscriberRow], now: datetime | None = None) -> ImportReport:
        now = now or datetime.now(timezone.utc)
        report = ImportReport()
        with self.engine.begin() as conn:
            for row in rows:
                existing = conn.execute(
                    select(subscribers_table.c.id, subscribers_table.c.status).where(subscribers_table.c.email == row.email)
                ).first()
                values = dict(name=row.name, kinds=",".join(sorted(row.kinds)), updated=now)
                if existing is None:
                    subscriber_id = conn.execute(
                        subscribers_table.insert().values(
                            email=row.email, status=row.status or SUBSCRIBED, created=now, **values
                        )
                    ).inserted_primary_key[0]
                    report.added += 1
                else:
                    subscriber_id = existing.id
                    status = existing.status
                    # A file can suppress an address but never resubscribe one that opted out or bounced.
                    if row.status is not None and row.status != SUBSCRIBED:
                        status = row.status
                    elif status != SUBSCRIBED:
                        report.kept_suppressed += 1
                    conn.execute(
                        subscribers_table.update().where(subscribers_table.c.id == subscriber_id).values(status=status, **values)
                    )
                    conn.execute(audiences_table.delete().where(audiences_table.c.subscriber_id == subscriber_id))
                    report.updated += 1
                if row.audiences:
                    conn.execute(
                        audiences_table.insert(),
                        [dict(subscriber_id=subscriber_id, audience=a) for a in sorted(row.audiences)],
                    )
        return report

    def get(self, email: str) -> Subscriber | None:
        found = self._select(subscribers_table.c.email == normalize_email(email))
        return found[0] if found else None

    def by_ids(self, ids: Iterable[int]) -> list[Subscriber]:
        wanted = list(ids)
        found: list[Subscriber] = []
        for start in range(0, len(wanted), 500):  # stay under SQLite's bound-parameter limit
            found.extend(self._select(subscribers_table.c.id.in_(wanted[start:start + 500])))
        return sorted(found, key=lambda s: s.id)

    def all(self) -> list[Subscriber]:
        return self._select(None)

    def recipients(self, audiences: set[str] | None) -> list[Subscriber]:
        """Subscribed addresses in any of `audiences` (every subscribed address when None), by id."""
        condition = subscribers_table.c.status == SUBSCRIBED
        if audiences is not None:
            members = select(audiences_table.c.subscriber_id).where(audiences_table.c.audience.in_(sorted(audiences)))
            condition = condition & subscribers_table.c.id.in_(members)
        return self._select(condition)

    def unsubscribe(self, email: str, now: datetime | None = None) -> bool:
        """Mark `email` unsubscribed; True if it was subscribed until now."""
        return self.set_status(email, "unsubscribed", now)

    def set_status(self, email: str, status: str, now: datetime | None = None) -> bool:
        """Set a subscriber's status; True if it changed. Bounced/complained are never downgraded to unsubscribed."""
        if status not in STATUSES:
            raise ValueError(f"unknown status {status!r}")
        now = now or datetime.now(timezone.utc)
        with self.engine.begin() as conn:
            current = conn.execute(
                select(subscribers_table.c.status).where(subscribers_table.c.email == normalize_email(email))
            ).scalar_one_or_none()
            if current is None or current == status or (status == "unsubscribed" and current != SUBSCRIBED):
                return False
            conn.execute(
                subscribers_table.update()
                .where(subscribers_table.c.email == normalize_email(email))
                .values(status=status, updated=now)
            )
            return True

    def _select(self, condition) -> list[Subscriber]:  # type: ignore[no-untyped-def]
        query = select(subscribers_table).order_by(subscribers_table.c.id)
        if condition is not None:
            query = query.where(condition)
        with self.engine.connect() as conn:
            rows = conn.execute(query).all()
            audiences: dict[int, set[str]] = {}
            member_query = select(audiences_table)
            if condition is not None:
                member_query = member_query.where(audiences_table.c.subscriber_id.in_(query.with_only_columns(subscribers_table.c.id)))
            for member in conn.execute(member_query):
                audiences.setdefault(member.subscriber_id, set()).add(member.audience)
        return [
            Subscriber(
                id=r.id, email=r.email, name=r.name, status=r.status,
                audiences=frozenset(audiences.get(r.id, ())), kinds=frozenset(k for k in r.kinds.split(",") if k),
            )
            for r in rows
        ]
