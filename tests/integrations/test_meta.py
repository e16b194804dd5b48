"""Meta webhooks in, Graph API out: real HTTP against a fake Graph API on 127.0.0.1."""

from __future__ import annotations

import threading
from datetime import timedelta

from fastapi.testclient import TestClient
from pydantic import SecretStr
from sqlmodel import Session, func, select

from app.tables import AuditEvent, Comment, Draft, Job, WebhookSubscription, utcnow
from tests.integrations.conftest import (
    APP_SECRET,
    IG_ID,
    PAGE_TOKEN,
    VERIFY_TOKEN,
    fb_change,
    fb_payload,
    ig_payload,
    meta_body,
    meta_headers,
)
from tests.integrations.fakes import appsecret_proof


def _count(engine, model) -> int:
    with Session(engine) as s:
        return s.exec(select(func.count()).select_from(model)).one()


def _post_ig(client: TestClient, comment_id: str, text: str, **kw) -> dict:
    body = meta_body(ig_payload(comment_id, text, **kw))
    r = client.post("/webhooks/meta", content=body, headers=meta_headers(body))
    assert r.status_code == 200, r.text
    return r.json()


def _draft_of(engine, external_id: str) -> Draft:
    with Session(engine) as s:
        comment = s.exec(select(Comment).where(Comment.external_id == external_id)).one()
        return s.exec(select(Draft).where(Draft.comment_id == comment.id)).one()


# --- verification handshake ------------------------------------------------------------------


def test_verify_handshake(iclient, make_app, isettings):
    params = {"hub.mode": "subscribe", "hub.verify_token": VERIFY_TOKEN, "hub.challenge": "98765"}
    r = iclient.get("/webhooks/meta", params=params)
    assert r.status_code == 200 and r.text == "98765"

    r = iclient.get("/webhooks/meta", params=params | {"hub.verify_token": "wrong"})
    assert r.status_code == 403 and r.json()["error"]["code"] == "forbidden"
    r = iclient.get("/webhooks/meta", params=params | {"hub.mode": "unsubscribe"})
    assert r.status_code == 403

    unconfigured = isettings.model_copy(update={"meta_verify_token": SecretStr("")})
    with TestClient(make_app(unconfigured)) as c:
        r = c.get("/webhooks/meta", params=params | {"hub.verify_token": ""})
        assert r.status_code == 403
        assert r.json()["error"]["code"] == "webhook_not_configured"


# --- signatures ---------------------------------------------------------------------------------


def test_bad_or_missing_signature_stores_nothing(iclient, engine, make_app, isettings):
    body = meta_body(ig_payload("ig-1", "jalan rusak tolong"))
    r = iclient.post("/webhooks/meta", content=body, headers={"Content-Type": "application/json"})
    assert r.status_code == 401
    assert r.json()["error"]["code"] == "missing_signature"

    r = iclient.post("/webhooks/meta", content=body, headers=meta_headers(body, "other-secret"))
    assert r.status_code == 403 and r.json()["error"]["code"] == "invalid_signature"

    # Signed bytes differ from the sent bytes (same JSON, re-serialised): refused.
    tampered = body.replace(b"\n", b"")
    r = iclient.post("/webhooks/meta", content=tampered, headers=meta_headers(body))
    assert r.status_code == 403

    no_secret = isettings.model_copy(update={"meta_app_secret": SecretStr("")})
    with TestClient(make_app(no_secret)) as c:
        r = c.post("/webhooks/meta", content=body, headers=meta_headers(body, ""))
        assert r.status_code == 403

    assert _count(engine, Comment) == 0
    assert _count(engine, Job) == 0


# --- ingest ---------------------------------------------------------------------------------------


def test_instagram_redelivery_stores_once_then_worker_drafts(iclient, engine, iworker):
    first = _post_ig(iclient, "ig-100", "Kapan jalan di depan pasar diperbaiki? rusak parah")
    assert first["stored"] == 1 and first["duplicates"] == 0
    again = _post_ig(iclient, "ig-100", "Kapan jalan di depan pasar diperbaiki? rusak parah")
    assert again["stored"] == 0 and again["duplicates"] == 1
    assert _count(engine, Comment) == 1

    with Session(engine) as s:
        comment = s.exec(select(Comment)).one()
        assert comment.status == "new"  # answered before classifying
        assert (comment.platform, comment.author, comment.post_id, comment.source) == (
            "instagram",
            "warga01",
            "media-1",
            "meta",
        )
    iworker.drain()
    with Session(engine) as s:
        comment = s.exec(select(Comment)).one()
        assert comment.status == "processed" and comment.intent is not None
        assert s.exec(select(Draft).where(Draft.comment_id == comment.id)).one().text


def test_own_comments_skipped_and_facebook_edit_remove(iclient, engine):
    payload = fb_payload(
        fb_change("fb-1", "Pelayanan KTP lambat sekali, kecewa"),
        fb_change("fb-own", "Terima kasih atas masukannya", from_id="1234567890"),
    )
    body = meta_body(payload)
    r = iclient.post("/webhooks/meta", content=body, headers=meta_headers(body))
    assert r.json()["stored"] == 1 and r.json()["skipped"] == 1
    # The page's Instagram username in meta_page_ids is skipped as well.
    assert _post_ig(iclient, "ig-own", "Halo semua", username="dinas.kota")["skipped"] == 1

    with Session(engine) as s:
        comment = s.exec(select(Comment)).one()
        assert comment.external_id == "fb-1" and comment.parent_id is None
        assert comment.created_at.timestamp() == 1700000100

    body = meta_body(fb_payload(fb_change("fb-1", "Pelayanan KTP lambat, ralat", verb="edited")))
    assert (
        iclient.post("/webhooks/meta", content=body, headers=meta_headers(body)).json()["edited"]
        == 1
    )
    body = meta_body(fb_payload(fb_change("fb-1", "", verb="remove")))
    assert (
        iclient.post("/webhooks/meta", content=body, headers=meta_headers(body)).json()["removed"]
        == 1
    )
    with Session(engine) as s:
        comment = s.exec(select(Comment)).one()
        assert comment.text == "Pelayanan KTP lambat, ralat"
        assert comment.deleted_at is not None
        actions = set(s.exec(select(AuditEvent.action)))
        assert {"comment.edited", "comment.deleted"} <= actions
    assert _count(engine, Comment) == 1


# --- publishing -----------------------------------------------------------------------------------


def test_approval_posts_exactly_once(iclient, engine, graph, make_key, make_worker, isettings):
    reviewer = make_key("reviewer")
    with Session(engine) as s:  # someone listens to reply.posted, so the event is queued
        s.add(
            WebhookSubscription(
                url="https://hooks.example/x", secret="s" * 20, events=["reply.posted"]
            )
        )
        s.commit()
    _post_ig(iclient, "ig-200", "Bagaimana cara daftar BPJS?")
    w1, w2 = make_worker(isettings), make_worker(isettings)
    w1.drain()
    draft = _draft_of(engine, "ig-200")
    r = iclient.post(
        f"/api/v1/drafts/{draft.id}/approve",
        json={"text": "Silakan daftar di kantor BPJS."},
        headers=reviewer,
    )
    assert r.status_code == 200, r.text
    r2 = iclient.post(f"/api/v1/drafts/{draft.id}/approve", headers=reviewer)
    assert r2.status_code == 409

    # Two workers drain at the same time, then each drains again.
    threads = [threading.Thread(target=w.drain) for w in (w1, w2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    w1.drain()
    w2.drain()

    posts = graph.posts(r"/v21\.0/ig-200/replies")
    assert len(posts) == 1 and len(graph.calls) == 1
    assert posts[0].form() == {
        "message": "Silakan daftar di kantor BPJS.",
        "appsecret_proof": appsecret_proof(APP_SECRET, PAGE_TOKEN),
    }
    assert posts[0].headers["authorization"] == f"Bearer {PAGE_TOKEN}"
    assert PAGE_TOKEN not in posts[0].path and not posts[0].query

    with Session(engine) as s:
        d = s.get(Draft, draft.id)
        assert d.status == "posted" and d.posted_external_id == "ig-200_reply"
        assert d.posted_at is not None
        audit = s.exec(select(AuditEvent).where(AuditEvent.action == "reply.posted")).one()
        assert audit.details["posted_external_id"] == "ig-200_reply"
        dispatch = s.exec(select(Job).where(Job.kind == "event.dispatch"))
        assert "reply.posted" in [j.payload["event"] for j in dispatch]
        # Nothing token-like lands in jobs or audit.
        for job in s.exec(select(Job)):
            assert PAGE_TOKEN not in str(job.payload) + str(job.result) + str(job.last_error)


def test_retry_after_500_and_throttling_posts_once(
    iclient, engine, graph, make_key, make_worker, isettings, clock
):
    worker = make_worker(isettings)
    _post_ig(iclient, "ig-300", "Bagaimana cara urus KK?")
    worker.drain()
    draft = _draft_of(engine, "ig-300")
    graph.fail_next(1, 500)
    # Graph throttling comes as HTTP 400 with code 4: retried, not failed. It hits the retry's
    # look for an earlier reply, which runs before the second post; with no advertised wait the
    # job waits `meta_throttle_min_seconds` in the queue.
    graph.fail_next(1, 400, {"error": {"message": "Application request limit reached", "code": 4}})
    assert (
        iclient.post(f"/api/v1/drafts/{draft.id}/approve", headers=make_key("reviewer")).status_code
        == 200
    )
    worker.drain()
    assert [c.method for c in graph.calls] == ["POST", "GET"]
    with Session(engine) as s:
        job = s.exec(select(Job).where(Job.kind == "reply.publish")).one()
        assert job.status == "pending" and "code 4" in job.last_error
        wait = (job.run_after - clock.now).total_seconds()
        assert 60 <= wait <= 66
    worker.drain()  # not due yet
    assert len(graph.calls) == 2
    clock.advance(70)
    worker.drain()
    assert [c.method for c in graph.calls] == ["POST", "GET", "GET", "POST"]
    assert len(graph.responder.replies["ig-300"]) == 1
    with Session(engine) as s:
        assert s.get(Draft, draft.id).status == "posted"
        job = s.exec(select(Job).where(Job.kind == "reply.publish")).one()
        assert job.status == "done" and job.attempts == 2
        assert job.result["found_earlier_attempt"] is False


def test_reply_that_reached_meta_before_a_timeout_is_not_posted_twice(
    iclient, engine, graph, make_key, make_worker, isettings
):
    worker = make_worker(isettings.model_copy(update={"http_timeout_seconds": 0.3}))
    _post_ig(iclient, "ig-310", "Bagaimana cara urus KK?")
    worker.drain()
    draft = _draft_of(engine, "ig-310")
    # Meta takes the post but answers after the client gave up.
    graph.delay_next(1, 1.0)
    r = iclient.post(
        f"/api/v1/drafts/{draft.id}/approve",
        json={"text": "Bisa lewat aplikasi ya kak."},
        headers=make_key("reviewer"),
    )
    assert r.status_code == 200
    worker.drain()
    assert len(graph.posts(r"/v21\.0/ig-310/replies")) == 1
    assert len(graph.responder.replies["ig-310"]) == 1
    with Session(engine) as s:
        d = s.get(Draft, draft.id)
        assert d.status == "posted" and d.posted_external_id == "ig-310_reply"
        audit = s.exec(select(AuditEvent).where(AuditEvent.action == "reply.posted")).one()
        assert audit.details["found_earlier_attempt"] is True
        # The worker's own retry looked before posting again: one job attempt.
        job = s.exec(select(Job).where(Job.kind == "reply.publish")).one()
        assert job.status == "done" and job.attempts == 1


def test_client_error_is_permanent_and_audited(iclient, engine, graph, make_key, iworker):
    _post_ig(iclient, "ig-400", "Bagaimana cara urus KK?")
    iworker.drain()
    draft = _draft_of(engine, "ig-400")
    graph.fail_next(1, 400, {"error": {"message": "Invalid parameter", "code": 100}})
    iclient.post(f"/api/v1/drafts/{draft.id}/approve", headers=make_key("reviewer"))
    iworker.drain()
    assert len(graph.calls) == 1  # no retry on 4xx
    with Session(engine) as s:
        d = s.get(Draft, draft.id)
        assert d.status == "failed" and "400" in d.publish_error
        assert "Invalid parameter" in d.publish_error
        failed = s.exec(select(AuditEvent).where(AuditEvent.action == "reply.failed")).one()
        assert failed.draft_id == draft.id


def test_pending_jobs_finish_after_restart(
    engine, graph, make_app, make_key, make_worker, isettings
):
    reviewer = make_key("reviewer")
    with TestClient(make_app(isettings)) as c:
        _post_ig(c, "ig-500", "Bagaimana cara urus KTP?")
        _post_ig(c, "ig-501", "Bagaimana cara urus SIM?")
        make_worker(isettings).drain()
        d1, d2 = _draft_of(engine, "ig-500"), _draft_of(engine, "ig-501")
        for d in (d1, d2):
            assert c.post(f"/api/v1/drafts/{d.id}/approve", headers=reviewer).status_code == 200
    # The first process dies mid-job: its claim stays "running" with an old lease.
    with Session(engine) as s:
        job = s.exec(select(Job).where(Job.kind == "reply.publish").order_by(Job.id)).first()
        job.status, job.locked_by = "running", "dead-process"
        job.locked_at = utcnow() - timedelta(hours=1)
        s.add(job)
        s.commit()
    assert graph.calls == []

    # "Restart": a new app and a new worker on the same database.
    with TestClient(make_app(isettings)):
        make_worker(isettings).drain()
    assert len(graph.posts(r"/v21\.0/ig-50[01]/replies")) == 2
    with Session(engine) as s:
        assert {s.get(Draft, d.id).status for d in (d1, d2)} == {"posted"}


def test_spam_is_hidden_with_account_token(
    engine, graph, make_app, make_key, make_worker, isettings
):
    s2 = isettings.model_copy(
        update={
            "meta_accounts": {IG_ID: "dinas", "1234567890": "dinas"},
            "meta_page_tokens": {"dinas": SecretStr("token-dinas")},
        }
    )
    reviewer = make_key("reviewer")
    with TestClient(make_app(s2)) as c:
        _post_ig(c, "ig-spam", "slot gacor maxwin depo 10rb")
        body = meta_body(fb_payload(fb_change("fb-spam", "togel online wd cepat")))
        c.post("/webhooks/meta", content=body, headers=meta_headers(body))
        worker = make_worker(s2)
        worker.drain()
        ig, fb = _draft_of(engine, "ig-spam"), _draft_of(engine, "fb-spam")
        assert ig.action == fb.action == "hide"
        for d in (ig, fb):
            assert c.post(f"/api/v1/drafts/{d.id}/approve", headers=reviewer).status_code == 200
        worker.drain()
    [ig_call] = graph.posts(r"/v21\.0/ig-spam")
    [fb_call] = graph.posts(r"/v21\.0/fb-spam")
    assert ig_call.form()["hide"] == "true"
    assert fb_call.form()["is_hidden"] == "true"
    assert ig_call.headers["authorization"] == "Bearer token-dinas"
    with Session(engine) as s:
        for ext in ("ig-spam", "fb-spam"):
            comment = s.exec(select(Comment).where(Comment.external_id == ext)).one()
            assert comment.hidden_at is not None and comment.account == "dinas"
        hidden = s.exec(select(AuditEvent).where(AuditEvent.action == "comment.hidden"))
        assert len(list(hidden)) == 2


def test_reply_to_deleted_comment_is_not_posted(iclient, engine, graph, make_key, iworker):
    body = meta_body(fb_payload(fb_change("fb-9", "Bagaimana cara urus KK?")))
    iclient.post("/webhooks/meta", content=body, headers=meta_headers(body))
    iworker.drain()
    draft = _draft_of(engine, "fb-9")
    assert (
        iclient.post(f"/api/v1/drafts/{draft.id}/approve", headers=make_key("reviewer")).status_code
        == 200
    )
    body = meta_body(fb_payload(fb_change("fb-9", "", verb="remove")))
    iclient.post("/webhooks/meta", content=body, headers=meta_headers(body))
    iworker.drain()
    assert graph.calls == []
    with Session(engine) as s:
        d = s.get(Draft, draft.id)
        assert d.status == "failed" and "deleted" in d.publish_error
