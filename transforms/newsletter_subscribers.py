"""Subscriber CSV -> validated rows, with every bad row reported by its line number (none dropped silently).

Columns: `email` (required), `name`, `audiences` and `kinds` (each `;`-separated; empty kinds = every
kind), `status` (subscribed, unsubscribed, bounced or complained; default subscribed).
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field

from transforms.errors import InputError
from transforms.model import SEGMENT_KINDS

STATUSES = ("subscribed", "unsubscribed", "bounced", "complained")
COLUMNS = ("email", "name", "audiences", "kinds", "status")
_EMAIL = re.compile(
    r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}"
)
_AUDIENCE = re.compile(r"[a-z0-9][a-z0-9_-]{0,99}")


@dataclass(frozen=True)
class SubscriberRow:
    line: int
    email: str
    name: str
    audiences: frozenset[str]
    kinds: frozenset[str]  # empty: every kind
    status: str | None  # None: the column was empty (new rows subscribe, existing ones keep theirs)


@dataclass
class SubscriberCsv:
    rows: list[SubscriberRow] = field(default_factory=list)
    problems: list[tuple[int, str]] = field(default_factory=list)  # (line, what is wrong and what to do)


def normalize_email(email: str) -> str:
    return email.strip().lower()


def is_valid_email(email: str) -> bool:
    return len(email) <= 254 and _EMAIL.fullmatch(email) is not None


def parse_subscriber_csv(text: str, name: str) -> SubscriberCsv:
    """Every row of a subscriber CSV, validated; InputError only when the file as a whole is unusable."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff"), newline=""))
    header = [h.strip().lower() for h in (reader.fieldnames or [])]
    if "email" not in header:
        raise InputError(name, f"no `email` column in the header line; expected columns: {', '.join(COLUMNS)}")
    reader.fieldnames = header
    result = SubscriberCsv()
    unknown = [h for h in header if h not in COLUMNS]
    if unknown:
        result.problems.append((1, f"unknown column(s) {', '.join(unknown)} ignored; known: {', '.join(COLUMNS)}"))
    seen: dict[str, int] = {}
    previous_end = reader.line_num
    for record in reader:
        line, previous_end = previous_end + 1, reader.line_num
        if None in record:
            result.problems.append((line, "more fields than the header has columns; quote values containing commas"))
            continue
        values = {k: (v or "").strip() for k, v in record.items()}
        if not any(values.values()):
            result.problems.append((line, "empty row"))
            continue
        row, problem = _row(line, values)
        if problem:
            result.problems.append((line, problem))
        elif row.email in seen:
            result.problems.append((line, f"{row.email} repeats line {seen[row.email]}; keep one row per address"))
        else:
            seen[row.email] = line
            result.rows.append(row)
    return result


def _row(line: int, values: dict[str, str]) -> tuple[SubscriberRow, str]:
    email = normalize_email(values.get("email", ""))
    empty = SubscriberRow(line, email, "", frozenset(), frozenset(), None)
    if not email:
        return empty, "no email address"
    if not is_valid_email(email):
        return empty, f"{values['email']!r} is not a valid email address"
    name = " ".join(values.get("name", "").split())
    audiences = frozenset(a.strip().lower() for a in values.get("audiences", "").split(";") if a.strip())
    bad = sorted(a for a in audiences if not _AUDIENCE.fullmatch(a))
    if bad:
        return empty, f"audience name(s) {', '.join(bad)} invalid: use letters, digits, - and _"
    kinds = frozenset(k.strip().lower() for k in values.get("kinds", "").split(";") if k.strip())
    if kinds - set(SEGMENT_KINDS):
        wrong = ", ".join(sorted(kinds - set(SEGMENT_KINDS)))
        return empty, f"unknown segment kind(s) {wrong}; known: {', '.join(SEGMENT_KINDS)}"
    status = values.get("status", "").lower() or None
    if status is not None and status not in STATUSES:
        return empty, f"status {status!r} unknown; use one of {', '.join(STATUSES)}"
    return SubscriberRow(line, email, name, audiences, kinds, status), ""
