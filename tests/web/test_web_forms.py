"""The web UI without a browser: login, session cookie, CSRF, redirects, security headers."""

from __future__ import annotations

import re

from sqlmodel import Session, select

from app.security import hash_password
from app.tables import Draft, User
from app.users import service as users_service

PASSWORD = "rahasia-123"


def _token(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "no CSRF field in the page"
    return match.group(1)


def _user(engine, username: str = "budi") -> User:
    with Session(engine) as s:
        return users_service.create(
            session=s, username=username, password=PASSWORD, role="reviewer"
        )


def _login(client, username: str = "budi") -> str:
    token = _token(client.get("/").text)
    r = client.post(
        "/login",
        data={"username": username, "password": PASSWORD, "csrf_token": token},
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    return _token(client.get("/queue").text)


def _comment(client, make_key, text: str = "jalan rusak tolong") -> int:
    r = client.post(
        "/api/v1/comments",
        json={"platform": "web", "external_id": text, "text": text},
        headers=make_key("integration"),
    )
    assert r.status_code == 201, r.text
    body = r.json()
    return (body["draft"] or {}).get("id") or body["suggestion"]["draft_id"]


def test_login_sets_hardened_cookie_and_rotates_csrf(client, engine):
    _user(engine)
    anonymous = _token(client.get("/").text)
    r = client.post(
        "/login",
        data={"username": "budi", "password": PASSWORD, "csrf_token": anonymous},
        follow_redirects=False,
    )
    assert (r.status_code, r.headers["location"]) == (303, "/queue")
    cookie = r.headers["set-cookie"].lower()
    assert "tanggap_session=" in cookie and "httponly" in cookie and "samesite=lax" in cookie
    assert _token(client.get("/queue").text) != anonymous


def test_wrong_password_and_missing_csrf_are_refused(client, engine):
    _user(engine)
    token = _token(client.get("/").text)
    r = client.post("/login", data={"username": "budi", "password": "nope", "csrf_token": token})
    assert r.status_code == 401
    assert "Nama pengguna atau kata sandi salah" in r.text
    r = client.post("/login", data={"username": "budi", "password": PASSWORD})
    assert r.status_code == 403
    assert "Formulir kedaluwarsa" in r.text


def test_pages_need_login_and_next_is_local_only(client, engine):
    r = client.get("/dashboard?account=x", follow_redirects=False)
    assert r.status_code == 303
    assert r.headers["location"] == "/login?next=%2Fdashboard%3Faccount%3Dx"
    _user(engine)
    token = _token(client.get("/").text)
    r = client.post(
        "/login",
        data={
            "username": "budi",
            "password": PASSWORD,
            "csrf_token": token,
            "next": "//evil.example/x",
        },
        follow_redirects=False,
    )
    assert r.headers["location"] == "/queue"


def test_form_action_without_csrf_is_refused(client, engine, make_key):
    draft_id = _comment(client, make_key)
    _user(engine)
    token = _login(client)
    r = client.post(f"/queue/{draft_id}/approve", data={"next": "/queue"})
    assert r.status_code == 403
    r = client.post(f"/queue/{draft_id}/approve", data={"csrf_token": "forged", "next": "/queue"})
    assert r.status_code == 403
    with Session(engine) as s:
        assert s.get(Draft, draft_id).status == "pending"
    r = client.post(
        f"/queue/{draft_id}/approve",
        data={"csrf_token": token, "next": "https://evil.example/"},
        follow_redirects=False,
    )
    assert (r.status_code, r.headers["location"]) == (303, "/queue")
    with Session(engine) as s:
        row = s.get(Draft, draft_id)
        assert (row.status, row.decided_by) == ("approved", "user:budi")


def test_cookie_api_calls_need_csrf_header_but_bearer_calls_do_not(client, engine, make_key):
    first = _comment(client, make_key, "jalan rusak tolong")
    second = _comment(client, make_key, "lampu mati tolong")
    _user(engine)
    token = _login(client)
    assert client.get("/api/v1/drafts").status_code == 200  # safe method: cookie is enough
    r = client.post(f"/api/v1/drafts/{first}/reject", json={"reason": "x"})
    assert r.status_code == 403
    assert r.json()["error"]["code"] == "csrf_failed"
    r = client.post(
        f"/api/v1/drafts/{first}/reject", json={"reason": "x"}, headers={"X-CSRF-Token": token}
    )
    assert r.status_code == 200
    assert r.json()["decided_by"] == "user:budi"
    r = client.post(f"/api/v1/drafts/{second}/approve", json={}, headers=make_key("reviewer"))
    assert r.status_code == 200


def test_conflict_shows_friendly_indonesian_message(client, engine, make_key):
    draft_id = _comment(client, make_key)
    _user(engine)
    token = _login(client)
    assert client.post(
        f"/api/v1/drafts/{draft_id}/approve", headers=make_key("reviewer")
    ).is_success
    r = client.post(f"/queue/{draft_id}/reject", data={"csrf_token": token, "reason": "dobel"})
    assert r.status_code == 200
    assert "Draf ini sudah disetujui oleh test-reviewer (API) lebih dulu" in r.text


def test_password_change_and_logout_end_the_session(client, engine):
    _user(engine)
    token = _login(client)
    assert client.get("/queue").status_code == 200
    with Session(engine) as s:
        user = s.exec(select(User)).one()
        user.password_hash = hash_password("another-password")
        s.add(user)
        s.commit()
    assert client.get("/queue", follow_redirects=False).status_code == 303
    with Session(engine) as s:
        user = s.exec(select(User)).one()
        user.password_hash = hash_password(PASSWORD)
        s.add(user)
        s.commit()
    token = _login(client)
    r = client.post("/logout", data={"csrf_token": token}, follow_redirects=False)
    assert r.headers["location"] == "/login"
    assert client.get("/queue", follow_redirects=False).status_code == 303


def test_pages_escape_and_send_security_headers(client, engine, make_key):
    # A question, so it is drafted (greeting-only chatter gets action no_reply and no draft).
    hostile = '<script>alert(1)</script><img src=x onerror="alert(2)"> kapan?'
    r = client.post(
        "/api/v1/comments",
        json={"platform": "web", "external_id": "h1", "text": hostile, "author": "<b>x</b>"},
        headers=make_key("integration"),
    )
    comment_id = r.json()["id"]
    _user(engine)
    _login(client)
    for path in ("/queue", f"/comments/{comment_id}", "/dashboard"):
        r = client.get(path)
        assert r.status_code == 200, path
        assert "<script>alert" not in r.text and "<img src=x" not in r.text
        assert "script-src 'self'" in r.headers["content-security-policy"]
        assert r.headers["x-frame-options"] == "DENY"
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in client.get("/queue").text


def test_dashboard_csv_export(client, engine, make_key):
    _comment(client, make_key, "jalan rusak tolong")
    _comment(client, make_key, "slot gacor maxwin")
    _user(engine)
    _login(client)
    r = client.get("/dashboard/export.csv")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/csv")
    assert "attachment" in r.headers["content-disposition"]
    lines = r.content.decode("utf-8-sig").splitlines()
    header = lines[0].split(",")
    row = dict(zip(header, lines[1].split(","), strict=True))
    assert (row["akun"], row["komentar"], row["spam"], row["intent_keluhan"]) == (
        "default",
        "2",
        "1",
        "1",
    )


def test_repeated_failed_logins_are_throttled(client, engine):
    _user(engine)
    token = _token(client.get("/").text)
    for _ in range(5):
        r = client.post("/login", data={"username": "budi", "password": "x", "csrf_token": token})
        assert r.status_code == 401
    r = client.post("/login", data={"username": "BUDI ", "password": PASSWORD, "csrf_token": token})
    assert r.status_code == 429
    assert "Terlalu banyak percobaan" in r.text


def test_no_reply_tab_dismiss_and_thank_you(client, engine, make_key, settings):
    from app.drafting.drafter import load_drafter
    from app.drafts import service as drafts_service
    from app.tables import AuditEvent, Comment

    headers = make_key("integration")
    chat = client.post(
        "/api/v1/comments",
        json={
            "platform": "web",
            "external_id": "c1",
            "text": "@dewi.kusuma itu loh yang aku bilang kemarin 😂",
        },
        headers=headers,
    ).json()
    praise = client.post(
        "/api/v1/comments",
        json={"platform": "web", "external_id": "p1", "text": "mantap min, cepat banget"},
        headers=headers,
    ).json()
    with Session(engine) as s:  # the classifier's action for praise: no_reply
        comment = s.get(Comment, praise["id"])
        assert comment is not None
        s.get(Draft, praise["draft"]["id"]).status = "superseded"  # type: ignore[union-attr]
        comment.extra = {"classifier": {"action": "no_reply"}}
        comment.intent, comment.action = "apresiasi", "no_reply"
        thanks = drafts_service.create_draft(
            session=s, comment=comment, drafter=load_drafter(settings), settings=settings
        )
        s.commit()
        assert thanks is not None and thanks.drafted_text
        thanks_id, offered = thanks.id, thanks.drafted_text
        chat_id = s.exec(select(Draft.id).where(Draft.comment_id == chat["id"])).one()
    _user(engine)
    token = _login(client)
    page = client.get("/queue?view=noreply").text
    assert 'data-testid="tab-noreply"' in page and "Tidak perlu dibalas" in page
    assert "Tidak perlu dibalas: obrolan antarpengguna." in page
    assert page.count('data-testid="dismiss"') == 2 and 'accesskey="t"' in page
    assert page.count('data-testid="reply-thanks"') == 1
    assert "yang aku bilang kemarin" not in client.get("/queue").text  # not in Menunggu
    # Approving a no_reply item through the web is refused; nothing is hidden.
    client.post(f"/queue/{chat_id}/approve", data={"csrf_token": token})
    r = client.post(f"/queue/{chat_id}/dismiss", data={"csrf_token": token}, follow_redirects=False)
    assert r.status_code == 303
    page = client.get("/queue?view=noreply").text
    assert "Ditutup. Komentar ini tidak dibalas." in page and "yang aku bilang kemarin" not in page
    r = client.post(f"/queue/{thanks_id}/thanks", data={"csrf_token": token})
    assert r.status_code == 200 and "Draf ucapan terima kasih dibuat" in r.text
    assert offered in client.get("/queue").text
    with Session(engine) as s:
        assert s.get(Draft, chat_id).status == "dismissed"  # type: ignore[union-attr]
        dismissed = s.exec(select(AuditEvent).where(AuditEvent.action == "draft.dismissed")).one()
        assert dismissed.actor.endswith("budi") and dismissed.draft_id == chat_id
        assert s.get(Comment, chat["id"]).hidden_at is None  # type: ignore[union-attr]
