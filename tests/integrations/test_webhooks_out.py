"""Outgoing webhooks: subscriptions API, signed deliveries, retries and the delivery log."""

from __future__ import annotations

import hashlib
import hmac
import json

from sqlmodel import Session, select

from app.tables import Job, WebhookDelivery

SECRET = "a-subscriber-secret-0123456789"


def _subscribe(client, headers, url: str, events: list[str], secret: str | None = SECRET) -> dict:
    body = {"url": url, "events": events, "description": "helpdesk"}
    if secret:
        body["secret"] = secret
    r = client.post("/api/v1/webhooks", json=body, headers=headers)
    assert r.status_code == 201, r.text
    return r.json()


def test_subscription_crud_admin_only(iclient, make_key):
    admin, reviewer = make_key("admin"), make_key("reviewer")
    body = {"url": "http://127.0.0.1:9/hook", "events": ["draft.created"]}
    assert iclient.post("/api/v1/webhooks", json=body, headers=reviewer).status_code == 403
    assert iclient.get("/api/v1/webhooks").status_code == 401
    bad = iclient.post("/api/v1/webhooks", json=body | {"events": ["nope"]}, headers=admin)
    assert bad.status_code == 422

    created = _subscribe(iclient, admin, body["url"], body["events"], secret=None)
    assert created["secret"].startswith("whsec_")  # generated, shown once
    listed = iclient.get("/api/v1/webhooks", headers=admin).json()["items"]
    assert [s["id"] for s in listed] == [created["id"]] and "secret" not in listed[0]

    sub_url = f"/api/v1/webhooks/{created['id']}"
    r = iclient.patch(sub_url, json={"is_active": False, "events": ["reply.posted"]}, headers=admin)
    assert r.status_code == 200 and r.json()["is_active"] is False
    assert r.json()["events"] == ["reply.posted"] and "secret" not in r.json()
    rotated = iclient.patch(sub_url, json={"rotate_secret": True}, headers=admin).json()
    assert rotated["secret"] != created["secret"]

    assert iclient.delete(sub_url, headers=admin).status_code == 204
    r = iclient.get(sub_url, headers=admin)
    assert r.status_code == 404 and r.json()["error"]["code"] == "subscription_not_found"


def test_deliveries_signed_retried_and_logged(iclient, engine, receiver, iworker, make_key):
    admin = make_key("admin")
    sub = _subscribe(iclient, admin, receiver.url + "/hook", ["comment.classified"])
    other = _subscribe(iclient, admin, receiver.url + "/other", ["draft.rejected"])
    receiver.fail_next(1, 500)

    r = iclient.post(
        "/api/v1/comments",
        json={"platform": "web", "external_id": "w-1", "text": "jalan rusak, tolong"},
        headers=make_key("integration"),
    )
    assert r.status_code == 201
    iworker.drain()

    calls = receiver.posts("/hook")
    assert len(calls) == 2  # one 500, then the retry
    assert receiver.posts("/other") == []
    for call in calls:
        ts = call.headers["x-tanggap-timestamp"]
        expected = hmac.new(SECRET.encode(), f"{ts}.".encode() + call.body, hashlib.sha256)
        assert call.headers["x-tanggap-signature"] == "sha256=" + expected.hexdigest()
        assert call.headers["x-tanggap-event"] == "comment.classified"
    payload = json.loads(calls[-1].body)
    assert payload["event"] == "comment.classified"
    assert payload["data"]["intent"] == "keluhan" and payload["data"]["external_id"] == "w-1"
    assert calls[-1].headers["x-tanggap-delivery"] == payload["id"]

    log = iclient.get(f"/api/v1/webhooks/{sub['id']}/deliveries", headers=admin).json()
    [delivery] = log["items"]
    assert delivery["status"] == "delivered" and delivery["attempts"] == 2
    assert delivery["response_status"] == 200 and delivery["last_error"] is None
    empty = iclient.get(f"/api/v1/webhooks/{other['id']}/deliveries", headers=admin).json()
    assert empty["items"] == []

    # A wrong secret on the receiver's side would not verify.
    wrong = hmac.new(b"other", f"{ts}.".encode() + calls[-1].body, hashlib.sha256).hexdigest()
    assert calls[-1].headers["x-tanggap-signature"] != f"sha256={wrong}"


def test_delivery_gives_up_after_max_attempts(iclient, engine, receiver, iworker, make_key):
    admin = make_key("admin")
    sub = _subscribe(iclient, admin, receiver.url + "/hook", ["comment.classified"])
    r = iclient.post(f"/api/v1/webhooks/{sub['id']}/ping", headers=admin)
    assert r.status_code == 202 and r.json()["event"] == "ping"
    receiver.fail_next(100, 503)
    iworker.drain()
    with Session(engine) as s:
        delivery = s.exec(select(WebhookDelivery)).one()
        job = s.exec(select(Job).where(Job.kind == "webhook.deliver")).one()
        assert job.status == "dead"
        assert delivery.status == "failed" and delivery.attempts == job.max_attempts
        assert delivery.response_status == 503 and "503" in delivery.last_error
    assert len(receiver.calls) == job.max_attempts

    # Redelivery once the receiver is back.
    receiver._faults.clear()
    r = iclient.post(
        f"/api/v1/webhooks/{sub['id']}/deliveries/{delivery.id}/redeliver", headers=admin
    )
    assert r.status_code == 202
    iworker.drain()
    log = iclient.get(
        f"/api/v1/webhooks/{sub['id']}/deliveries?status=delivered", headers=admin
    ).json()
    assert [d["event"] for d in log["items"]] == ["ping"]


def test_events_nobody_receives_queue_no_job(iclient, engine, receiver, make_key):
    """No subscription listens to draft.created: only the subscribed event gets a dispatch job."""
    admin = make_key("admin")
    r = iclient.post(
        "/api/v1/comments",
        json={"platform": "web", "external_id": "w-none", "text": "jalan rusak, tolong"},
        headers=make_key("integration"),
    )
    assert r.status_code == 201
    with Session(engine) as s:
        assert list(s.exec(select(Job).where(Job.kind == "event.dispatch"))) == []

    _subscribe(iclient, admin, receiver.url + "/hook", ["comment.classified"])
    r = iclient.post(
        "/api/v1/comments",
        json={"platform": "web", "external_id": "w-sub", "text": "lampu jalan mati, tolong"},
        headers=make_key("integration"),
    )
    assert r.status_code == 201
    with Session(engine) as s:
        events = [
            j.payload["event"] for j in s.exec(select(Job).where(Job.kind == "event.dispatch"))
        ]
    assert events == ["comment.classified"]
