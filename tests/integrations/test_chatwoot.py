"""Chatwoot agent bot: message_created in, private note with labels out (fake Chatwoot)."""

from __future__ import annotations

import hashlib
import hmac
import json
import time

from fastapi.testclient import TestClient
from pydantic import SecretStr
from sqlmodel import Session, func, select

from app.tables import AuditEvent, Comment, Job

SECRET = "chatwoot-webhook-secret"


def _message(message_id: int, content: str, **overrides) -> dict:
    payload = {
        "event": "message_created",
        "id": message_id,
        "content": content,
        "message_type": "incoming",
        "private": False,
        "content_type": "text",
        "account": {"id": 3, "name": "Pemkot"},
        "inbox": {"id": 7, "name": "Website"},
        "conversation": {"id": 42, "inbox_id": 7, "channel": "Channel::WebWidget"},
        "sender": {"id": 99, "name": "Siti", "type": "contact"},
    }
    payload.update(overrides)
    return payload


def _signed(body: bytes, secret: str = SECRET, ts: int | None = None) -> dict[str, str]:
    stamp = str(int(time.time()) if ts is None else ts)
    digest = hmac.new(secret.encode(), stamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return {
        "X-Chatwoot-Signature": f"sha256={digest}",
        "X-Chatwoot-Timestamp": stamp,
        "Content-Type": "application/json",
    }


def test_message_becomes_private_note_with_labels(
    engine, chatwoot, make_app, make_worker, isettings
):
    s = isettings.model_copy(
        update={
            "chatwoot_webhook_secret": SecretStr(SECRET),
            "chatwoot_accounts": {"3": "pemkot"},
        }
    )
    chatwoot.responder.labels["3/42"] = ["vip"]
    body = json.dumps(_message(501, "Jalan di depan rumah rusak parah, tolong diperbaiki")).encode()
    with TestClient(make_app(s)) as c:
        assert c.post("/webhooks/chatwoot", content=body).status_code == 401
        bad = _signed(body, "wrong-secret")
        assert c.post("/webhooks/chatwoot", content=body, headers=bad).status_code == 403
        stale = _signed(body, ts=int(time.time()) - 3600)
        assert c.post("/webhooks/chatwoot", content=body, headers=stale).status_code == 403
        with Session(engine) as db:
            assert db.exec(select(func.count()).select_from(Comment)).one() == 0

        r = c.post("/webhooks/chatwoot", content=body, headers=_signed(body))
        assert r.status_code == 200 and r.json()["stored"] == 1
        r = c.post("/webhooks/chatwoot", content=body, headers=_signed(body))
        assert r.json()["duplicates"] == 1
    make_worker(s).drain()

    notes = chatwoot.posts(r"/api/v1/accounts/3/conversations/42/messages")
    assert len(notes) == 1
    note = notes[0].json()
    assert note["private"] is True and note["message_type"] == "outgoing"
    assert notes[0].headers["api_access_token"] == "cw-token"
    with Session(engine) as db:
        comment = db.exec(select(Comment)).one()
        assert comment.platform == "chatwoot" and comment.account == "pemkot"
        assert comment.external_id == "3:501" and comment.intent == "keluhan"
    assert "Intent: keluhan" in note["content"] and "Saran balasan" in note["content"]
    # Existing labels are kept; intent and sentiment are added.
    assert chatwoot.responder.labels["3/42"] == ["vip", "intent-keluhan", "sentiment-negatif"]
    with Session(engine) as db:
        audit = db.exec(select(AuditEvent).where(AuditEvent.action == "chatwoot.note_posted")).one()
        assert audit.comment_id == comment.id


def test_ignores_own_notes_and_agent_messages(iclient, engine, chatwoot, iworker):
    for payload in (
        _message(1, "catatan", private=True),
        _message(2, "balasan agen", message_type="outgoing"),
        _message(3, "bot", sender={"id": 1, "type": "agent_bot"}),
        _message(4, "x", event="conversation_created"),
    ):
        r = iclient.post("/webhooks/chatwoot", json=payload)  # unsigned: allowed explicitly
        assert r.status_code == 200 and r.json()["skipped"] == 1
    iworker.drain()
    with Session(engine) as db:
        assert db.exec(select(func.count()).select_from(Comment)).one() == 0
    assert chatwoot.calls == []


def test_chatwoot_outage_is_retried(iclient, engine, chatwoot, iworker):
    chatwoot.fail_next(2, 502)
    r = iclient.post("/webhooks/chatwoot", json=_message(7, "Bagaimana cara urus akta lahir?"))
    assert r.json()["stored"] == 1
    iworker.drain()
    # The note goes first: two 502s (nothing written), then the one note.
    assert len(chatwoot.posts(r".*/messages")) == 3
    with Session(engine) as db:
        job = db.exec(select(Job).where(Job.kind == "chatwoot.note")).one()
        assert job.status == "done" and job.attempts == 3
        assert job.result["note_id"] == "1001"


def _ingest(client, engine, message: dict) -> None:
    r = client.post("/webhooks/chatwoot", json=message)
    assert r.status_code == 200 and r.json()["stored"] == 1, r.text


def test_label_401_for_a_bot_token_still_posts_the_note(
    engine, chatwoot, make_app, make_worker, isettings
):
    chatwoot.responder.bot_tokens.add("cw-token")
    with TestClient(make_app(isettings)) as c:
        _ingest(c, engine, _message(11, "Jalan di depan rumah rusak parah, tolong diperbaiki"))
    make_worker(isettings).drain()
    assert len(chatwoot.posts(r".*/messages")) == 1
    with Session(engine) as db:
        job = db.exec(select(Job).where(Job.kind == "chatwoot.note")).one()
        assert job.status == "done" and job.result["labels"] is None
        actions = {a.action: a for a in db.exec(select(AuditEvent))}
        assert actions["chatwoot.labels_failed"].details["status"] == 401
        assert actions["chatwoot.note_posted"].details["labels"] is None


def test_labels_audited_as_chatwoot_returned_them(
    engine, chatwoot, make_app, make_worker, isettings
):
    chatwoot.responder.labels["3/42"] = ["vip"]
    with TestClient(make_app(isettings)) as c:
        _ingest(c, engine, _message(12, "Jalan di depan rumah rusak parah, tolong diperbaiki"))
    make_worker(isettings).drain()
    with Session(engine) as db:
        audit = db.exec(select(AuditEvent).where(AuditEvent.action == "chatwoot.note_posted")).one()
        assert audit.details["labels"] == ["vip", "intent-keluhan", "sentiment-negatif"]


def test_handoff_opens_the_conversation_after_the_note(
    engine, chatwoot, make_app, make_worker, isettings
):
    s = isettings.model_copy(update={"chatwoot_handoff": "open"})
    with TestClient(make_app(s)) as c:
        _ingest(c, engine, _message(13, "Bagaimana cara urus akta lahir?"))
    make_worker(s).drain()
    kinds = [c.path.rsplit("/", 1)[1] for c in chatwoot.calls if c.method == "POST"]
    assert kinds == ["messages", "labels", "toggle_status"]
    [toggle] = chatwoot.posts(r".*/toggle_status")
    assert toggle.json() == {"status": "open"}
    assert chatwoot.responder.status["3/42"] == "open"
    with Session(engine) as db:
        audit = db.exec(select(AuditEvent).where(AuditEvent.action == "chatwoot.note_posted")).one()
        assert audit.details["status"] == "open"


def test_per_account_chatwoot_settings(
    engine, chatwoot, make_app, make_worker, make_key, isettings
):
    s = isettings.model_copy(
        update={"chatwoot_accounts": {"3": "pemkot"}, "chatwoot_url": "", "chatwoot_labels": False}
    )
    with TestClient(make_app(s)) as c:
        r = c.put(
            "/api/v1/accounts/pemkot/connection",
            json={
                "chatwoot_url": chatwoot.url,
                "chatwoot_token": "pemkot-bot-token",
                "chatwoot_labels": True,
                "chatwoot_handoff": "open",
            },
            headers=make_key("admin"),
        )
        assert r.status_code == 200, r.text
        assert r.json()["chatwoot"]["token"] == "…" + "pemkot-bot-token"[-4:]
        assert "pemkot-bot-token" not in r.text
        _ingest(c, engine, _message(14, "Bagaimana cara urus akta lahir?"))
    make_worker(s).drain()
    assert {call.headers["api_access_token"] for call in chatwoot.calls} == {"pemkot-bot-token"}
    assert len(chatwoot.posts(r".*/toggle_status")) == 1
    assert chatwoot.responder.labels["3/42"]
