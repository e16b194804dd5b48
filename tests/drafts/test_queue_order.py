"""The queue order (priority, then the oldest comment, then id) comes from one index."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import text
from sqlmodel import Session

from app.drafts import service
from app.tables import Comment, Draft, utcnow


def _comment(s: Session, n: int, age_days: int) -> Comment:
    c = Comment(
        platform="web",
        external_id=f"q-{n}",
        account="default",
        text=f"komentar {n}",
        source="test",
        created_at=utcnow() - timedelta(days=age_days),
        received_at=utcnow(),
    )
    s.add(c)
    s.flush()
    return c


def test_drafts_carry_their_comments_time_and_page_in_queue_order(engine):
    with Session(engine, expire_on_commit=False) as s:
        # priority 5 twice (the older comment first), then priority 1; ids out of age order
        young = _comment(s, 1, age_days=1)
        old = _comment(s, 2, age_days=9)
        low = _comment(s, 3, age_days=30)
        for comment, prio in ((young, 5), (old, 5), (low, 1)):
            s.add(Draft(comment_id=comment.id, text="balasan", priority=prio))  # type: ignore[arg-type]
        s.commit()
        rows, cursor = service.list_queue(session=s, filters=service.QueueFilter(), limit=2)
        assert [c.id for _, c in rows] == [old.id, young.id]
        assert all(d.comment_created_at == c.created_at for d, c in rows)
        rest, end = service.list_queue(
            session=s, filters=service.QueueFilter(), limit=2, cursor=cursor
        )
        assert [c.id for _, c in rest] == [low.id] and end is None


def test_the_queue_read_is_an_index_scan_not_a_sort(sqlite_engine):
    with sqlite_engine.connect() as conn:
        plan = conn.execute(
            text(
                "EXPLAIN QUERY PLAN SELECT drafts.id FROM drafts JOIN comments"
                " ON comments.id = drafts.comment_id WHERE drafts.status = 'pending'"
                " ORDER BY drafts.priority DESC, drafts.comment_created_at ASC, drafts.id ASC"
                " LIMIT 51"
            )
        ).all()
    details = " | ".join(str(row[-1]) for row in plan)
    assert "ix_drafts_queue" in details and "TEMP B-TREE" not in details, details
