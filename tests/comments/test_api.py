"""Ingest: idempotency, classification, drafts, validation and limits."""

import json

from sqlmodel import Session, func, select

from app.tables import AuditEvent, Comment, Draft, LabelFeedback
from tests.helpers import assert_error, post_comment


def test_create_returns_classification_and_draft(client, make_key):
    body = post_comment(
        client,
        make_key("integration"),
        "ig-1",
        "Jalan di depan pasar rusak parah, tolong",
        author="warga_1",
        account="kota-a",
        post_id="p9",
    )
    assert body["id"] > 0
    assert body["account"] == "kota-a"
    c = body["classification"]
    assert c["intent"] == "keluhan" and c["sentiment"] == "negatif" and c["abusive"] is False
    assert set(c["scores"]) == {"intent", "sentiment", "abusive"}
    assert c["model_version"]
    assert (c["action"], c["action_reason"], c["pii"]) == ("reply", "addressed", [])
    assert body["draft"]["status"] == "pending"
    assert body["draft"]["text"]
    assert body["suggestion"] is None


def test_same_external_id_returns_same_resource(client, make_key, engine):
    headers = make_key("integration")
    payload = {"platform": "facebook", "external_id": "fb-7", "text": "terima kasih pak"}
    first = client.post("/api/v1/comments", json=payload, headers=headers)
    again = client.post("/api/v1/comments", json=payload, headers=headers)
    assert first.status_code == 201 and again.status_code == 200
    assert first.json()["id"] == again.json()["id"]
    with Session(engine) as s:
        assert s.exec(select(func.count()).select_from(Comment)).one() == 1
        assert s.exec(select(func.count()).select_from(Draft)).one() == 1


def test_same_external_id_on_other_platform_is_new(client, make_key):
    headers = make_key("integration")
    a = post_comment(client, headers, "x-1", "halo", platform="x")
    b = post_comment(client, headers, "x-1", "halo", platform="tiktok")
    assert a["id"] != b["id"]


def test_spam_has_no_draft_but_a_hide_suggestion(client, make_key):
    body = post_comment(client, make_key("integration"), "s1", "slot gacor maxwin depo 10rb KING88")
    assert body["classification"]["intent"] == "spam"
    assert body["draft"] is None
    assert body["suggestion"]["action"] == "hide"
    assert body["suggestion"]["status"] == "pending"


def test_validation_errors_use_the_envelope(client, make_key):
    headers = make_key("integration")
    r = client.post(
        "/api/v1/comments",
        json={"platform": "myspace", "external_id": "1", "text": "x"},
        headers=headers,
    )
    err = assert_error(r, 422, "validation_error")
    assert any(d["loc"][-1] == "platform" for d in err["details"])
    assert_error(client.post("/api/v1/comments", json={"platform": "web"}, headers=headers), 422)
    assert_error(
        client.post(
            "/api/v1/comments",
            json={"platform": "web", "external_id": "1", "text": "  "},
            headers=headers,
        ),
        422,
    )


def test_malformed_json_is_400(client, make_key):
    r = client.post(
        "/api/v1/comments",
        content=b'{"platform": "web", "text": ',
        headers={**make_key("integration"), "Content-Type": "application/json"},
    )
    assert_error(r, 400, "malformed_json")


def test_text_over_limit_is_422_and_nothing_stored(client, make_key, engine):
    r = client.post(
        "/api/v1/comments",
        json={"platform": "web", "external_id": "long", "text": "a" * 5001},
        headers=make_key("integration"),
    )
    err = assert_error(r, 422)
    assert err["details"]["max_chars"] == 5000
    with Session(engine) as s:
        assert s.exec(select(func.count()).select_from(Comment)).one() == 0


def test_oversized_body_is_413(client, make_key):
    big = json.dumps({"platform": "web", "external_id": "big", "text": "a" * (3 * 1024 * 1024)})
    r = client.post(
        "/api/v1/comments",
        content=big,
        headers={**make_key("integration"), "Content-Type": "application/json"},
    )
    assert_error(r, 413, "payload_too_large")


def test_batch_reports_each_item(client, make_key, engine):
    headers = make_key("integration")
    post_comment(client, headers, "b-0", "sudah ada")
    items = [
        {"platform": "instagram", "external_id": "b-0", "text": "sudah ada"},
        {"platform": "instagram", "external_id": "b-1", "text": "kapan KTP saya jadi?"},
        {"platform": "nope", "external_id": "b-2", "text": "x"},
        {"platform": "instagram", "external_id": "b-3", "text": "mantap, terima kasih"},
        {"platform": "instagram", "external_id": "b-1", "text": "kapan KTP saya jadi?"},
    ]
    r = client.post("/api/v1/comments/batch", json={"items": items}, headers=headers)
    assert r.status_code == 200, r.text
    body = r.json()
    statuses = [i["status"] for i in body["items"]]
    assert statuses == ["existing", "created", "error", "created", "existing"]
    assert [i["index"] for i in body["items"]] == [0, 1, 2, 3, 4]
    assert body["items"][1]["comment"]["id"] == body["items"][4]["comment"]["id"]
    assert body["items"][1]["comment"]["classification"]["intent"] == "pertanyaan"
    assert (body["created"], body["existing"], body["errors"]) == (2, 2, 1)
    with Session(engine) as s:
        assert s.exec(select(func.count()).select_from(Comment)).one() == 3


def test_batch_over_limit_is_rejected_whole(client, make_key, engine):
    items = [{"platform": "web", "external_id": str(i), "text": "hai"} for i in range(501)]
    r = client.post(
        "/api/v1/comments/batch", json={"items": items}, headers=make_key("integration")
    )
    err = assert_error(r, 422)
    assert err["details"]["max_items"] == 500
    with Session(engine) as s:
        assert s.exec(select(func.count()).select_from(Comment)).one() == 0


def test_get_comment_with_history(client, make_key):
    headers = make_key("reviewer")
    created = post_comment(client, headers, "h1", "lampu jalan mati, tolong")
    client.post(
        f"/api/v1/drafts/{created['draft']['id']}/approve",
        json={"text": "Siap, dicek ya"},
        headers=headers,
    )
    detail = client.get(f"/api/v1/comments/{created['id']}", headers=headers).json()
    actions = [e["action"] for e in detail["history"]]
    assert actions[:3] == ["comment.ingested", "comment.classified", "draft.created"]
    assert "draft.approved" in actions
    assert detail["drafts"][0]["status"] == "ready_to_post"  # no Meta token: posted by hand
    assert detail["drafts"][0]["drafted_text"] != detail["drafts"][0]["text"]


def test_unknown_comment_is_404(client, make_key):
    assert_error(
        client.get("/api/v1/comments/999", headers=make_key("integration")),
        404,
        "comment_not_found",
    )


def test_label_correction_is_stored_for_training(client, make_key, engine):
    headers = make_key("reviewer")
    created = post_comment(client, headers, "l1", "jalan rusak tolong")
    r = client.post(
        f"/api/v1/comments/{created['id']}/labels",
        json={"intent": "kritik", "sentiment": "netral"},
        headers=headers,
    )
    assert r.status_code == 200
    assert r.json()["classification"]["intent"] == "kritik"
    with Session(engine) as s:
        fb = s.exec(select(LabelFeedback)).one()
        assert (fb.intent, fb.sentiment, fb.text) == ("kritik", "netral", "jalan rusak tolong")
        assert fb.previous["intent"] == "keluhan"
        assert s.exec(select(AuditEvent).where(AuditEvent.action == "labels.corrected")).one()
    assert_error(
        client.post(
            f"/api/v1/comments/{created['id']}/labels",
            json={"intent": "kritik"},
            headers=make_key("integration"),
        ),
        403,
    )
    assert_error(
        client.post(
            f"/api/v1/comments/{created['id']}/labels", json={"intent": "bogus"}, headers=headers
        ),
        422,
    )


def test_label_correction_redrafts_the_pending_draft(client, make_key, engine):
    headers = make_key("reviewer")
    created = post_comment(client, headers, "l2", "mantap pelayanannya cepat")
    before = client.get(f"/api/v1/comments/{created['id']}", headers=headers).json()["drafts"]
    r = client.post(
        f"/api/v1/comments/{created['id']}/labels",
        json={"intent": "keluhan", "sentiment": "negatif"},
        headers=headers,
    )
    assert r.status_code == 200
    drafts = client.get(f"/api/v1/comments/{created['id']}", headers=headers).json()["drafts"]
    assert len(drafts) == len(before) + 1
    assert [d["status"] for d in drafts] == ["superseded", "pending"]
    assert "maaf" in drafts[-1]["text"].lower()  # drafted as a complaint now
    with Session(engine) as s:
        assert s.exec(select(AuditEvent).where(AuditEvent.action == "draft.redrafted")).one()


def test_stored_comment_keeps_action_and_pii_and_the_queue_shows_them(client, make_key, engine):
    headers = make_key("reviewer")
    text = "KTP saya kapan jadi? NIK 3578014506900002, hubungi saya di 081234567890"
    body = post_comment(client, headers, "ig-pii", text)
    c = body["classification"]
    assert c["action"] == "reply"
    assert [p["type"] for p in c["pii"]] == ["nik", "phone"]
    with Session(engine) as s:
        row = s.exec(select(Comment).where(Comment.external_id == "ig-pii")).one()
        assert (row.action, row.action_reason) == ("reply", "addressed")
        assert text[row.pii[0]["start"] : row.pii[0]["end"]] == "3578014506900002"
    chatter = post_comment(client, headers, "ig-chat", "@budi wkwk iya bener")
    assert chatter["classification"]["action"] == "no_reply"
    items = client.get("/api/v1/drafts?status=pending", headers=headers).json()["items"]
    queued = {i["comment"]["external_id"]: i["comment"] for i in items}
    assert queued["ig-pii"]["action"] == "reply"
    assert [p["type"] for p in queued["ig-pii"]["pii"]] == ["nik", "phone"]
