"""Comments that need no reply: listed as `no_reply` items, dismissed, never approved or hidden."""

from __future__ import annotations

from sqlmodel import Session, col, select

from app.drafting.drafter import load_drafter
from app.drafts import publishing
from app.drafts import service as drafts_service
from app.errors import InvalidTransition
from app.tables import AuditEvent, Comment, Draft, Job
from tests.helpers import post_comment

CHATTER = "@dewi.kusuma itu loh yang aku bilang kemarin 😂"


def _no_reply_items(client, headers) -> list[dict]:
    r = client.get("/api/v1/drafts?status=no_reply", headers=headers)
    assert r.status_code == 200, r.text
    return r.json()["items"]


def _praise_no_reply(engine, settings, client, headers) -> int:
    """A praise comment the classifier marked no_reply: its item offers a thank-you."""
    body = post_comment(client, headers, "praise-1", "mantap min, pelayanannya cepat")
    with Session(engine) as s:
        comment = s.get(Comment, body["id"])
        assert comment is not None
        for d in drafts_service.drafts_of(session=s, comment_id=comment.id or 0):
            d.status = "superseded"
            s.add(d)
        extra = dict(comment.extra or {})
        extra["classifier"] = {**(extra.get("classifier") or {}), "action": "no_reply"}
        comment.extra, comment.intent, comment.action = extra, "apresiasi", "no_reply"
        s.add(comment)
        item = drafts_service.create_draft(
            session=s, comment=comment, drafter=load_drafter(settings), settings=settings
        )
        s.commit()
        assert item is not None and item.id is not None
        return item.id


def test_chatter_is_listed_with_its_reason_and_no_reply_text(client, make_key, engine):
    headers = make_key("reviewer")
    post_comment(client, headers, "chat-1", CHATTER)
    post_comment(client, headers, "question-1", "kapan kantor buka?")
    items = _no_reply_items(client, headers)
    assert [i["comment"]["external_id"] for i in items] == ["chat-1"]
    item = items[0]
    assert (item["action"], item["status"], item["text"]) == ("no_reply", "no_reply", None)
    assert item["no_reply_reason"] == "chatter"
    # Not in the pending queue, and the comment's public view has no reply draft.
    pending = client.get("/api/v1/drafts?status=pending", headers=headers).json()["items"]
    assert "chat-1" not in {i["comment"]["external_id"] for i in pending}
    only = client.get("/api/v1/drafts?status=no_reply&action=no_reply", headers=headers).json()
    assert len(only["items"]) == 1
    with Session(engine) as s:
        skipped = s.exec(select(AuditEvent).where(AuditEvent.action == "draft.skipped")).one()
        assert skipped.draft_id == item["id"] and skipped.details["reason"] == "chatter"


def test_dismiss_closes_the_item_and_is_audited(client, make_key, engine):
    headers = make_key("reviewer")
    post_comment(client, headers, "chat-2", CHATTER)
    item_id = _no_reply_items(client, headers)[0]["id"]
    r = client.post(f"/api/v1/drafts/{item_id}/dismiss", headers=headers)
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "dismissed"
    assert _no_reply_items(client, headers) == []
    again = client.post(f"/api/v1/drafts/{item_id}/dismiss", headers=headers)
    assert again.status_code == 409
    with Session(engine) as s:
        event = s.exec(select(AuditEvent).where(AuditEvent.action == "draft.dismissed")).one()
        assert event.draft_id == item_id and event.details == {"reason": "chatter"}
        platform_jobs = select(Job).where(col(Job.kind).in_(("reply.publish", "comment.hide")))
        assert s.exec(platform_jobs).all() == []


def test_a_no_reply_item_is_never_approved_published_or_hidden(client, make_key, engine, settings):
    headers = make_key("reviewer")
    body = post_comment(client, headers, "chat-3", CHATTER, platform="instagram")
    item_id = _no_reply_items(client, headers)[0]["id"]
    r = client.post(f"/api/v1/drafts/{item_id}/approve", headers=headers)
    assert r.status_code == 409
    rejected = client.post(
        f"/api/v1/drafts/{item_id}/reject", json={"reason": "x"}, headers=headers
    )
    assert rejected.status_code == 409
    with Session(engine) as s:
        draft = s.get(Draft, item_id)
        assert draft is not None and draft.status == "no_reply"
        # Even forced to pending, approval is refused and no job is ever a hide job.
        draft.status = "pending"
        s.add(draft)
        s.commit()
        try:
            drafts_service.approve(session=s, draft_id=item_id, actor="t", settings=settings)
        except InvalidTransition:
            pass
        else:  # pragma: no cover - the assertion below explains
            raise AssertionError("a no_reply item was approved")
        try:
            publishing.kind_of(draft)
        except ValueError:
            pass
        else:  # pragma: no cover
            raise AssertionError("a no_reply item has a platform job")
        assert s.exec(select(Job).where(Job.kind == "comment.hide")).all() == []
        comment = s.get(Comment, body["id"])
        assert comment is not None and comment.hidden_at is None


def test_praise_offers_a_thank_you_that_becomes_a_reply_draft(client, make_key, engine, settings):
    headers = make_key("reviewer")
    item_id = _praise_no_reply(engine, settings, client, headers)
    item = client.get(f"/api/v1/drafts/{item_id}", headers=headers).json()
    assert item["status"] == "no_reply" and item["drafted_text"]
    offered = item["drafted_text"]
    r = client.post(f"/api/v1/drafts/{item_id}/reply-thanks", headers=headers)
    assert r.status_code == 200, r.text
    new = r.json()
    assert (new["action"], new["status"], new["text"]) == ("reply", "pending", offered)
    assert _no_reply_items(client, headers) == []
    approved = client.post(f"/api/v1/drafts/{new['id']}/approve", headers=headers)
    assert approved.status_code == 200 and approved.json()["action"] == "reply"
    with Session(engine) as s:
        assert s.get(Draft, item_id).status == "superseded"  # type: ignore[union-attr]
        assert s.exec(select(Job).where(Job.kind == "comment.hide")).all() == []


def test_chatter_has_no_thank_you_to_send(client, make_key):
    headers = make_key("reviewer")
    post_comment(client, headers, "chat-4", CHATTER)
    item_id = _no_reply_items(client, headers)[0]["id"]
    assert client.post(f"/api/v1/drafts/{item_id}/reply-thanks", headers=headers).status_code == 409
