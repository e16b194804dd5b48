"""Publishing modes: manual posting, the undo window, failures in sight, retries."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr
from sqlmodel import Session, select

from app.accounts.service import get_account, set_publishing_mode
from app.analytics import service as analytics
from app.drafts import service as drafts_service
from app.drafts.tasks import publish_failed
from app.errors import UndoExpired
from app.tables import AuditEvent, Draft, Job
from tests.helpers import assert_error, post_comment


def _put_account(client, headers, name, mode):
    r = client.put(
        f"/api/v1/accounts/{name}",
        json={"institution_name": "Dinas Uji", "publishing_mode": mode},
        headers=headers,
    )
    assert r.status_code in (200, 201), r.text
    return r.json()


def test_manual_account_ready_to_post_then_mark_posted_counts_as_replied(client, make_key, engine):
    admin, reviewer = make_key("admin"), make_key("reviewer")
    assert _put_account(client, admin, "dinas-manual", "manual")["publishing_mode"] == "manual"
    created = post_comment(client, reviewer, "m1", "kapan kantor buka?", account="dinas-manual")
    draft_id = created["draft"]["id"]
    approved = client.post(f"/api/v1/drafts/{draft_id}/approve", headers=reviewer).json()
    assert approved["status"] == "ready_to_post"
    window = analytics.Window(
        since=datetime.now(UTC) - timedelta(days=1), until=datetime.now(UTC) + timedelta(hours=1)
    )
    with Session(engine) as s:
        assert s.exec(select(Job).where(Job.kind == "reply.publish")).all() == []
        before = analytics.overview(session=s, window=window, now=datetime.now(UTC), sla_hours=72)
    assert before.totals.replied == 0

    r = client.post(
        f"/api/v1/drafts/{draft_id}/mark-posted", json={"url": "ftp://x"}, headers=reviewer
    )
    assert_error(r, 422)
    r = client.post(
        f"/api/v1/drafts/{draft_id}/mark-posted",
        json={"url": "https://www.instagram.com/p/abc/c/123"},
        headers=reviewer,
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert (body["status"], body["posted_url"]) == (
        "posted",
        "https://www.instagram.com/p/abc/c/123",
    )
    assert body["posted_at"] is not None
    with Session(engine) as s:
        after = analytics.overview(session=s, window=window, now=datetime.now(UTC), sla_hours=72)
        event = s.exec(select(AuditEvent).where(AuditEvent.action == "draft.marked_posted")).one()
    assert (after.totals.replied, after.totals.actionable) == (1, 1)
    assert after.totals.median_first_response_hours is not None
    assert event.actor == "key:test-reviewer"
    # Twice is a conflict, not a second post.
    r = client.post(f"/api/v1/drafts/{draft_id}/mark-posted", headers=reviewer)
    assert_error(r, 409, "invalid_transition")


def _graph(settings):
    return settings.model_copy(update={"meta_page_token": SecretStr("page-token")})


@pytest.fixture
def gsettings(settings):
    return _graph(settings).model_copy(update={"publish_delay_seconds": 10.0})


def test_graph_approval_waits_and_can_be_undone(session, gsettings, make_key, client):
    reviewer = make_key("reviewer")
    draft_id = post_comment(client, reviewer, "g1", "jalan rusak tolong")["draft"]["id"]
    done = drafts_service.approve(
        session=session, draft_id=draft_id, actor="user:budi", settings=gsettings
    )
    assert (done.route, done.draft.status, done.undo_seconds) == ("graph", "approved", 10.0)
    job = session.exec(select(Job).where(Job.kind == "reply.publish")).one()
    wait = (job.run_after - datetime.now(UTC)).total_seconds()
    assert 8 < wait <= 10

    draft, _ = drafts_service.undo_approval(
        session=session, draft_id=draft_id, actor="user:budi", settings=gsettings
    )
    assert (draft.status, draft.decided_by) == ("pending", None)
    session.refresh(job)
    assert (job.status, job.dedupe_key) == ("cancelled", None)

    # Approving again queues a fresh job; once a worker has it, undo is too late.
    drafts_service.approve(
        session=session, draft_id=draft_id, actor="user:budi", settings=gsettings
    )
    jobs = session.exec(
        select(Job).where(Job.kind == "reply.publish", Job.status == "pending")
    ).all()
    assert len(jobs) == 1
    jobs[0].status = "running"
    session.add(jobs[0])
    session.commit()
    with pytest.raises(UndoExpired):
        drafts_service.undo_approval(
            session=session, draft_id=draft_id, actor="user:budi", settings=gsettings
        )
    assert session.get(Draft, draft_id).status == "approved"


def test_undo_after_the_window_is_refused(client, make_key, engine):
    reviewer = make_key("reviewer")
    draft_id = post_comment(client, reviewer, "u1", "jalan rusak tolong")["draft"]["id"]
    client.post(f"/api/v1/drafts/{draft_id}/approve", headers=reviewer)
    with Session(engine) as s:  # the test settings have no delay: the window is the grace only
        row = s.get(Draft, draft_id)
        row.decided_at = datetime.now(UTC) - timedelta(seconds=30)
        s.add(row)
        s.commit()
    assert_error(
        client.post(f"/api/v1/drafts/{draft_id}/undo", headers=reviewer), 409, "undo_expired"
    )


def test_failed_publication_is_listed_and_retried(session, settings, make_key, client):
    gs = _graph(settings)
    reviewer = make_key("reviewer")
    draft_id = post_comment(client, reviewer, "f1", "jalan rusak tolong", account="dinas-x")[
        "draft"
    ]["id"]
    drafts_service.approve(session=session, draft_id=draft_id, actor="user:budi", settings=gs)
    job = session.exec(select(Job).where(Job.kind == "reply.publish")).one()
    job.status, job.attempts = "dead", 8
    job.last_error = "timeout calling Graph API: ReadTimeout"
    publish_failed(session, job, None)  # type: ignore[arg-type]
    session.commit()
    assert session.get(Draft, draft_id).status == "failed"
    rows, _ = drafts_service.list_queue(
        session=session, filters=drafts_service.QueueFilter(status="failed"), limit=10
    )
    assert [d.id for d, _ in rows] == [draft_id]

    retried = drafts_service.retry(
        session=session, draft_id=draft_id, actor="user:budi", settings=gs
    )
    assert (retried.route, retried.draft.status, retried.draft.publish_error) == (
        "graph",
        "approved",
        None,
    )
    jobs = session.exec(select(Job).where(Job.kind == "reply.publish")).all()
    assert sorted(j.status for j in jobs) == ["dead", "pending"]  # a fresh job, the old one kept

    # Without a token any more, a retry is posted by hand instead of failing again.
    row = session.get(Draft, draft_id)
    row.status = "failed"
    session.add(row)
    session.commit()
    retried = drafts_service.retry(
        session=session, draft_id=draft_id, actor="user:budi", settings=settings
    )
    assert (retried.route, retried.reason, retried.draft.status) == (
        "manual",
        "no_token",
        "ready_to_post",
    )


def test_disconnected_account_is_told_and_parked(session, settings, make_key, client):
    from app.integrations import connections

    gs = _graph(settings)
    draft_id = post_comment(client, make_key("reviewer"), "d1", "jalan rusak", account="dinas-y")[
        "draft"
    ]["id"]
    connections.mark_disconnected(
        session=session, account="dinas-y", error="Graph API 400 (code 190): Session has expired"
    )
    session.commit()
    done = drafts_service.approve(
        session=session, draft_id=draft_id, actor="user:budi", settings=gs
    )
    assert (done.route, done.reason, done.draft.status) == ("graph", "disconnected", "approved")


def test_retry_through_the_api_and_mark_posted_needs_ready(client, make_key):
    reviewer = make_key("reviewer")
    draft_id = post_comment(client, reviewer, "r1", "jalan rusak tolong")["draft"]["id"]
    assert_error(client.post(f"/api/v1/drafts/{draft_id}/retry", headers=reviewer), 409)
    assert_error(client.post(f"/api/v1/drafts/{draft_id}/mark-posted", headers=reviewer), 409)
    integration = make_key("integration")
    r = client.post(f"/api/v1/drafts/{draft_id}/mark-posted", headers=integration)
    assert_error(r, 403)


def test_demo_account_posts_by_hand(session, settings):
    from app.kb import service as kb

    kb.seed_demo(session=session, knowledge_dir=settings.knowledge_dir)
    demo = get_account(session=session, name=kb.DEMO_ACCOUNT)
    assert demo.publishing_mode == "manual"
    # An admin's later choice survives the next `make run` (seed-demo is idempotent).
    set_publishing_mode(session=session, name=kb.DEMO_ACCOUNT, mode="graph", actor="user:kepala")
    kb.seed_demo(session=session, knowledge_dir=settings.knowledge_dir)
    assert get_account(session=session, name=kb.DEMO_ACCOUNT).publishing_mode == "graph"


def test_web_client_sees_no_stale_state(client: TestClient):
    # The API schema lists the new actions.
    paths = client.get("/openapi.json").json()["paths"]
    for action in ("undo", "mark-posted", "retry"):
        assert f"/api/v1/drafts/{{draft_id}}/{action}" in paths
