"""A comment edited by its author is classified again and redrafted; a removed one's open drafts
are withdrawn."""

from __future__ import annotations

from sqlmodel import Session, col, select

from app.comments import service
from app.tables import Comment, Draft
from tests.helpers import post_comment


def _drafts(engine, comment_id):
    with Session(engine) as s:
        rows = s.exec(select(Draft).where(Draft.comment_id == comment_id).order_by(col(Draft.id)))
        return [(d.status, d.reject_reason) for d in rows]


def test_edit_reclassifies_and_redrafts(client, make_key, engine, worker):
    created = post_comment(client, make_key("integration"), "e1", "terima kasih, mantap")
    assert created["classification"]["intent"] == "apresiasi"
    with Session(engine) as s:
        row = s.get(Comment, created["id"])
        assert service.apply_edit(
            session=s, comment=row, text="jalan rusak tolong", actor="webhook:meta"
        )
        assert not service.apply_edit(session=s, comment=row, text="jalan rusak tolong", actor="x")
        s.commit()
    worker.drain()
    with Session(engine) as s:
        row = s.get(Comment, created["id"])
        assert (row.text, row.intent, row.status) == ("jalan rusak tolong", "keluhan", "processed")
    assert _drafts(engine, created["id"]) == [
        ("superseded", "diedit oleh penulis"),
        ("pending", None),
    ]


def test_removal_withdraws_open_drafts(client, make_key, engine):
    headers = make_key("reviewer")
    first = post_comment(client, headers, "r1", "jalan rusak tolong")
    second = post_comment(client, headers, "r2", "lampu mati tolong")
    client.post(f"/api/v1/drafts/{second['draft']['id']}/approve", headers=headers)
    with Session(engine) as s:
        for created in (first, second):
            row = s.get(Comment, created["id"])
            assert service.apply_removal(session=s, comment=row, actor="webhook:meta")
            assert not service.apply_removal(session=s, comment=row, actor="webhook:meta")
        s.commit()
    assert _drafts(engine, first["id"]) == [("withdrawn", "dihapus oleh penulis")]
    # ready to post by hand (no token): withdrawn too, nobody should answer a deleted comment
    assert _drafts(engine, second["id"]) == [("withdrawn", "dihapus oleh penulis")]
    queue = client.get("/api/v1/drafts?status=pending", headers=headers).json()["items"]
    assert queue == []
