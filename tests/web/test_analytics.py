"""Dashboard numbers on both backends."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from app.analytics import service as analytics
from app.comments import service as comments_service
from app.drafting.drafter import load_drafter
from app.nlp.keyword import KeywordClassifier
from app.tables import Comment, Draft

T0 = datetime(2026, 3, 1, tzinfo=UTC)
NOW = datetime(2026, 3, 10, 12, tzinfo=UTC)
WINDOW = analytics.Window(since=T0, until=T0 + timedelta(days=10))


def _ingest(session, settings, text: str, created_at: datetime, account: str = "pemkot"):
    [result] = comments_service.ingest(
        session=session,
        items=[
            comments_service.NewComment(
                platform="web",
                external_id=f"{text}-{created_at.isoformat()}",
                text=text,
                created_at=created_at,
                account=account,
            )
        ],
        source="api",
        actor="test",
        settings=settings,
        classifier=KeywordClassifier(),
        drafter=load_drafter(settings),
    )
    comment = result.comment
    draft = comments_service.current_drafts(session=session, comment_ids=[comment.id])[comment.id]
    return comment, draft


def _decide(session, draft: Draft, status: str, at: datetime, posted_at=None) -> None:
    draft.status = status
    draft.decided_at = at
    draft.posted_at = posted_at
    session.add(draft)
    session.commit()


def _at(day: int, hour: int = 0) -> datetime:
    return datetime(2026, 3, day, hour, tzinfo=UTC)


@pytest.fixture
def seeded(session, settings) -> dict[str, Comment]:
    c1, d1 = _ingest(session, settings, "jalan rusak tolong", _at(2, 10))
    _decide(session, d1, "approved", _at(2, 12))  # 2 h
    _, d2 = _ingest(session, settings, "kapan dibuka?", _at(3, 8))
    _decide(session, d2, "posted", _at(3, 13), posted_at=_at(3, 14))  # posted: 6 h
    _, d3 = _ingest(session, settings, "terima kasih mantap", _at(4))
    _decide(session, d3, "rejected", _at(4, 1))
    _, d4 = _ingest(session, settings, "slot gacor maxwin", _at(5))
    _decide(session, d4, "approved", _at(5, 1))  # hidden spam
    c5, _ = _ingest(session, settings, "lampu mati tolong", _at(9, 12), account="dinkes")
    c6, _ = _ingest(session, settings, "jalan rusak tolong", datetime(2026, 2, 20, 12, tzinfo=UTC))
    c7, d7 = _ingest(session, settings, "gimana cara daftar?", _at(6))
    _decide(session, d7, "superseded", _at(6, 1))  # a superseded draft is no reply
    session.add(
        Draft(comment_id=c7.id, action="reply", status="approved", decided_at=_at(6, 10), text="ok")
    )
    session.commit()
    return {"c1": c1, "c5": c5, "c6": c6}


def test_overview_numbers(session, seeded):
    o = analytics.overview(session=session, window=WINDOW, now=NOW, sla_hours=72)
    t = o.totals
    assert (t.comments, t.spam, t.actionable, t.replied, t.hidden) == (6, 1, 5, 3, 1)
    assert t.reply_rate == pytest.approx(0.6)
    assert t.median_first_response_hours == pytest.approx(6.0)
    assert o.backlog.size == 2
    assert o.backlog.overdue == 1
    assert o.backlog.oldest_hours == pytest.approx(18 * 24)
    assert o.backlog.median_age_hours == pytest.approx((18 * 24 + 24) / 2)
    assert o.backlog.age_buckets == [(24, 1), (48, 0), (72, 0), (None, 1)]
    assert o.intent_mix == {
        "pertanyaan": 2,
        "keluhan": 2,
        "kritik": 0,
        "saran": 0,
        "apresiasi": 1,
        "spam": 1,
        "lainnya": 0,
    }
    days = {d.day: d.counts for d in o.sentiment_per_day}
    assert len(days) == 10
    assert days[date(2026, 3, 2)] == {"positif": 0, "netral": 0, "negatif": 1}
    assert days[date(2026, 3, 4)]["positif"] == 1
    assert sum(d.total for d in o.sentiment_per_day) == 5  # spam left out
    per = {s.account: s for s in o.per_account}
    assert set(per) == {"dinkes", "pemkot"}
    assert (per["dinkes"].comments, per["dinkes"].replied, per["dinkes"].backlog) == (1, 0, 1)
    assert per["dinkes"].reply_rate == 0
    assert (per["pemkot"].comments, per["pemkot"].replied, per["pemkot"].backlog) == (5, 3, 1)
    assert per["pemkot"].reply_rate == pytest.approx(0.75)
    assert per["pemkot"].backlog_oldest_hours == pytest.approx(18 * 24)


def test_overview_for_one_account(session, seeded):
    window = analytics.Window(since=WINDOW.since, until=WINDOW.until, account="dinkes")
    o = analytics.overview(session=session, window=window, now=NOW, sla_hours=72)
    assert (o.totals.comments, o.totals.replied, o.backlog.size, o.backlog.overdue) == (1, 0, 1, 0)
    assert o.totals.median_first_response_hours is None
    assert [s.account for s in o.per_account] == ["dinkes"]


def test_empty_window(session, seeded):
    window = analytics.Window(since=_at(1) - timedelta(days=40), until=_at(1) - timedelta(days=30))
    o = analytics.overview(session=session, window=window, now=NOW, sla_hours=72)
    assert (o.totals.comments, o.totals.reply_rate, o.totals.median_first_response_hours) == (
        0,
        None,
        None,
    )
    assert o.backlog.size == 2  # the backlog is now, whatever the window


def test_daily_rows_and_local_days(session, settings, seeded):
    rows = analytics.daily(session=session, window=WINDOW)
    by_key = {(r.day, r.account): r for r in rows}
    first = by_key[(date(2026, 3, 2), "pemkot")]
    assert (first.comments, first.replied, first.median_first_response_hours) == (1, 1, 2.0)
    spam = by_key[(date(2026, 3, 5), "pemkot")]
    assert (spam.spam, spam.hidden, spam.actionable, spam.reply_rate) == (1, 1, 0, None)
    assert sum(r.comments for r in rows) == 6

    # 20:00 UTC on the 2nd is 03:00 on the 3rd in Jakarta.
    _ingest(session, settings, "kapan?", _at(2, 20), account="dinkes")
    jakarta = analytics.daily(session=session, window=WINDOW, tz=ZoneInfo("Asia/Jakarta"))
    assert (date(2026, 3, 3), "dinkes") in {(r.day, r.account) for r in jakarta}


def test_accounts(session, seeded):
    assert analytics.accounts(session=session) == ["dinkes", "pemkot"]
