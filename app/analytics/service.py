"""Dashboard numbers ("data, not followers"): plain queries, the same on SQLite and PostgreSQL.

Definitions (also in docs/ui.md):

- A comment belongs to the window when the citizen wrote it (`Comment.created_at`) in
  [since, until).
- Spam: comments classified (or corrected) as intent ``spam``; they are left out of the reply rate.
- Replied: a non-spam comment with a reply draft that was approved (status approved or posted).
- First-response time: from the comment to its first reply, taken as the posting time when the
  reply was posted, else the approval time. The median is over replied comments in the window.
- Hidden: comments whose hide suggestion was approved.
- Backlog: pending drafts right now (independent of the window), aged from their comment.

Day buckets use the display time zone (Asia/Jakarta by default), computed in Python so that
SQLite and PostgreSQL agree. Rows are fetched compactly (one small tuple per comment), which is
fine for the tens of thousands of comments a period of one institution holds.
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, tzinfo

from sqlalchemy import func
from sqlmodel import Session, col, select

from app.nlp.labels import INTENTS, SENTIMENTS
from app.tables import Comment, Draft

REPLIED_STATUSES = ("approved", "posted")
MAX_DAYS = 366


@dataclass(frozen=True)
class Window:
    """A period of comments, optionally for one account. `until` is exclusive."""

    since: datetime
    until: datetime
    account: str | None = None

    @property
    def days(self) -> int:
        return max(1, (self.until - self.since).days)


@dataclass
class Stats:
    """Counts and timings of one account (or of all, account ``None``) over a window."""

    account: str | None
    comments: int = 0
    spam: int = 0
    replied: int = 0
    hidden: int = 0
    median_first_response_hours: float | None = None
    backlog: int = 0
    backlog_oldest_hours: float | None = None

    @property
    def actionable(self) -> int:
        """Comments that deserve an answer: everything but spam."""
        return self.comments - self.spam

    @property
    def reply_rate(self) -> float | None:
        """Replied / actionable, 0..1; None when nothing needed an answer."""
        return self.replied / self.actionable if self.actionable else None


@dataclass(frozen=True)
class Backlog:
    """Pending drafts now, and how old their comments are."""

    size: int
    overdue: int
    oldest_hours: float | None
    median_age_hours: float | None
    # (upper bound in hours or None for "older", count): thirds of the SLA, then overdue
    age_buckets: list[tuple[float | None, int]] = field(default_factory=list)


@dataclass(frozen=True)
class DaySentiment:
    day: date
    counts: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass
class Overview:
    """Everything the dashboard shows for one window."""

    window: Window
    totals: Stats
    per_account: list[Stats]
    intent_mix: dict[str, int]
    sentiment_per_day: list[DaySentiment]
    backlog: Backlog
    sla_hours: float


@dataclass
class DailyRow:
    """One CSV row: one account on one local day."""

    day: date
    account: str
    comments: int = 0
    spam: int = 0
    replied: int = 0
    hidden: int = 0
    response_hours: list[float] = field(default_factory=list)
    sentiments: Counter[str] = field(default_factory=Counter)
    intents: Counter[str] = field(default_factory=Counter)

    @property
    def actionable(self) -> int:
        return self.comments - self.spam

    @property
    def reply_rate(self) -> float | None:
        return self.replied / self.actionable if self.actionable else None

    @property
    def median_first_response_hours(self) -> float | None:
        return statistics.median(self.response_hours) if self.response_hours else None


@dataclass(frozen=True)
class _Row:
    account: str
    created_at: datetime
    intent: str | None
    sentiment: str | None
    responded_at: datetime | None
    hidden: bool

    @property
    def is_spam(self) -> bool:
        return self.intent == "spam"

    @property
    def response_hours(self) -> float | None:
        if self.responded_at is None or self.is_spam:
            return None
        return max(0.0, (self.responded_at - self.created_at).total_seconds() / 3600)


def _aware(value: datetime | str | None) -> datetime | None:
    """Aggregates over UTC columns come back naive (or as text on SQLite); make them UTC."""
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def _rows(session: Session, window: Window) -> list[_Row]:
    replied = (
        select(
            col(Draft.comment_id).label("comment_id"),
            func.min(func.coalesce(Draft.posted_at, Draft.decided_at)).label("responded_at"),
        )
        .where(Draft.action == "reply", col(Draft.status).in_(REPLIED_STATUSES))
        .group_by(col(Draft.comment_id))
        .subquery()
    )
    hidden = (
        select(col(Draft.comment_id).label("comment_id"))
        .where(Draft.action == "hide", col(Draft.status).in_(REPLIED_STATUSES))
        .group_by(col(Draft.comment_id))
        .subquery()
    )
    query = (
        select(  # type: ignore[call-overload]
            Comment.account,
            Comment.created_at,
            Comment.intent,
            Comment.sentiment,
            replied.c.responded_at,
            hidden.c.comment_id,
        )
        .outerjoin(replied, replied.c.comment_id == col(Comment.id))
        .outerjoin(hidden, hidden.c.comment_id == col(Comment.id))
        .where(col(Comment.created_at) >= window.since, col(Comment.created_at) < window.until)
        .where(col(Comment.deleted_at).is_(None))
    )
    if window.account:
        query = query.where(Comment.account == window.account)
    return [
        _Row(
            account=account,
            created_at=_aware(created_at),  # type: ignore[arg-type]
            intent=intent,
            sentiment=sentiment,
            responded_at=_aware(responded_at),
            hidden=hidden_id is not None,
        )
        for account, created_at, intent, sentiment, responded_at, hidden_id in session.exec(query)
    ]


def _pending(session: Session, account: str | None) -> list[tuple[str, datetime]]:
    query = (
        select(Comment.account, Comment.created_at)
        .join(Draft, col(Draft.comment_id) == col(Comment.id))
        .where(Draft.status == "pending")
    )
    if account:
        query = query.where(Comment.account == account)
    return [(a, _aware(c)) for a, c in session.exec(query)]  # type: ignore[misc]


def _stats(account: str | None, rows: Iterable[_Row]) -> Stats:
    stats = Stats(account=account)
    hours: list[float] = []
    for row in rows:
        stats.comments += 1
        if row.is_spam:
            stats.spam += 1
            stats.hidden += row.hidden
            continue
        if row.responded_at is not None:
            stats.replied += 1
            hours.append(row.response_hours or 0.0)
    stats.median_first_response_hours = statistics.median(hours) if hours else None
    return stats


def _age_hours(now: datetime, created_at: datetime) -> float:
    return max(0.0, (now - created_at).total_seconds() / 3600)


def local_day(value: datetime, tz: tzinfo) -> date:
    return value.astimezone(tz).date()


def overview(
    *,
    session: Session,
    window: Window,
    now: datetime,
    sla_hours: float,
    tz: tzinfo = UTC,
) -> Overview:
    """Reply rate, first response, backlog, intent mix, sentiment per day, spam, per account."""
    rows = _rows(session, window)
    pending = _pending(session, window.account)

    by_account: dict[str, list[_Row]] = defaultdict(list)
    for row in rows:
        by_account[row.account].append(row)
    pending_by_account: dict[str, list[float]] = defaultdict(list)
    ages: list[float] = []
    for account, created_at in pending:
        age = _age_hours(now, created_at)
        pending_by_account[account].append(age)
        ages.append(age)

    per_account = []
    for account in sorted(set(by_account) | set(pending_by_account)):
        stats = _stats(account, by_account.get(account, []))
        account_ages = pending_by_account.get(account, [])
        stats.backlog = len(account_ages)
        stats.backlog_oldest_hours = max(account_ages) if account_ages else None
        per_account.append(stats)

    totals = _stats(window.account, rows)
    totals.backlog = len(ages)
    totals.backlog_oldest_hours = max(ages) if ages else None

    intents = Counter(row.intent or "lainnya" for row in rows)
    intent_mix = {name: intents.get(name, 0) for name in INTENTS}
    for name, count in intents.items():  # labels a newer model may add
        intent_mix.setdefault(name, count)

    return Overview(
        window=window,
        totals=totals,
        per_account=per_account,
        intent_mix=intent_mix,
        sentiment_per_day=_sentiment_per_day(rows, window, tz),
        backlog=Backlog(
            size=len(ages),
            overdue=sum(age > sla_hours for age in ages),
            oldest_hours=max(ages) if ages else None,
            median_age_hours=statistics.median(ages) if ages else None,
            age_buckets=_age_buckets(ages, sla_hours),
        ),
        sla_hours=sla_hours,
    )


def _age_buckets(ages: list[float], sla_hours: float) -> list[tuple[float | None, int]]:
    bounds: list[float | None] = [sla_hours / 3, 2 * sla_hours / 3, sla_hours, None]
    counts = [0] * len(bounds)
    for age in ages:
        index = next(i for i, b in enumerate(bounds) if b is None or age <= b)
        counts[index] += 1
    return list(zip(bounds, counts, strict=True))


def _days(window: Window, tz: tzinfo) -> list[date]:
    first = local_day(window.since, tz)
    last = local_day(window.until - timedelta(microseconds=1), tz)
    count = min((last - first).days + 1, MAX_DAYS)
    return [first + timedelta(days=i) for i in range(max(count, 0))]


def _sentiment_per_day(rows: list[_Row], window: Window, tz: tzinfo) -> list[DaySentiment]:
    counts: dict[date, Counter[str]] = defaultdict(Counter)
    for row in rows:
        if row.is_spam:
            continue
        counts[local_day(row.created_at, tz)][row.sentiment or "netral"] += 1
    return [
        DaySentiment(day=day, counts={s: counts[day].get(s, 0) for s in SENTIMENTS})
        for day in _days(window, tz)
    ]


def daily(*, session: Session, window: Window, tz: tzinfo = UTC) -> list[DailyRow]:
    """One row per account and local day that had comments: the CSV export."""
    table: dict[tuple[date, str], DailyRow] = {}
    for row in _rows(session, window):
        day = local_day(row.created_at, tz)
        entry = table.setdefault((day, row.account), DailyRow(day=day, account=row.account))
        entry.comments += 1
        entry.intents[row.intent or "lainnya"] += 1
        if row.is_spam:
            entry.spam += 1
            entry.hidden += row.hidden
            continue
        entry.sentiments[row.sentiment or "netral"] += 1
        if row.responded_at is not None:
            entry.replied += 1
            entry.response_hours.append(row.response_hours or 0.0)
    return [table[key] for key in sorted(table)]


def accounts(*, session: Session) -> list[str]:
    """Every account that has comments, for filters."""
    return list(session.exec(select(Comment.account).distinct().order_by(col(Comment.account))))
