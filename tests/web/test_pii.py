"""Personal data: masked in every view by default, revealed on purpose (audited), hidden with its
own reason (not spam, not spam training data)."""

from __future__ import annotations

import re

from sqlmodel import Session, select

from app.tables import AuditEvent, Comment, Draft, LabelFeedback
from app.users import service as users_service
from app.web.format import mask_parts, mask_pii
from tests.helpers import post_comment

TEXT = "min NIK saya 3578015506900001 hp 0812-3456-7890 kok belum terdaftar?"
NIK = (TEXT.index("3578"), TEXT.index("3578") + 16)
PHONE = (TEXT.index("0812"), TEXT.index("0812") + 14)
SPANS = [
    {"type": "nik", "start": NIK[0], "end": NIK[1]},
    {"type": "phone", "start": PHONE[0], "end": PHONE[1]},
]


def test_mask_pii_keeps_the_shape_and_the_last_two():
    masked = mask_pii(TEXT, SPANS)
    assert "3578015506900001" not in masked and "0812-3456-7890" not in masked
    assert "••••••••••••••01" in masked
    assert "••••-••••-••90" in masked
    assert masked.startswith("min NIK saya ") and masked.endswith(" kok belum terdaftar?")
    assert mask_pii(TEXT, []) == TEXT
    # Bad or overlapping spans never break the text.
    odd = [
        {"start": 5, "end": 3},
        {"start": 0, "end": 3},
        {"start": 1, "end": 2},
        {"start": 60, "end": 999},
    ]
    assert len(mask_pii(TEXT, odd)) == len(TEXT)
    assert [p.masked for p in mask_parts("abc", [{"start": 1, "end": 2}], reveal=True)] == [
        False,
        True,
        False,
    ]


def _login(client, engine):
    with Session(engine) as s:
        users_service.create(session=s, username="budi", password="rahasia-123", role="reviewer")
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").text).group(1)
    client.post(
        "/login",
        data={"username": "budi", "password": "rahasia-123", "csrf_token": token},
        follow_redirects=False,
    )
    return token


def _pii_comment(client, make_key, engine) -> int:
    created = post_comment(client, make_key("integration"), "p1", TEXT)
    with Session(engine) as s:
        row = s.get(Comment, created["id"])
        row.extra = {**row.extra, "classifier": {**row.extra.get("classifier", {}), "pii": SPANS}}
        s.add(row)
        s.commit()
    return created["id"]


def test_pages_mask_reveal_is_audited_and_once(client, make_key, engine):
    comment_id = _pii_comment(client, make_key, engine)
    _login(client, engine)
    for path in ("/queue", f"/comments/{comment_id}"):
        html = client.get(path).text
        assert "3578015506900001" not in html and "0812-3456-7890" not in html, path
        assert "Data pribadi" in html
    page = client.get(f"/comments/{comment_id}").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    r = client.post(f"/comments/{comment_id}/reveal", data={"csrf_token": token})
    assert "3578015506900001" in r.text  # followed the redirect: shown this once
    assert "3578015506900001" not in client.get(f"/comments/{comment_id}").text
    with Session(engine) as s:
        event = s.exec(select(AuditEvent).where(AuditEvent.action == "pii.revealed")).one()
    assert (event.actor, event.comment_id) == ("user:budi", comment_id)


def test_hide_as_personal_data_is_not_spam(client, make_key, engine):
    comment_id = _pii_comment(client, make_key, engine)
    token = _login(client, engine)
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/queue").text).group(1)
    r = client.post(
        f"/comments/{comment_id}/hide-pii", data={"csrf_token": token, "next": "/queue"}
    )
    assert r.status_code == 200
    with Session(engine) as s:
        comment = s.get(Comment, comment_id)
        drafts = s.exec(
            select(Draft).where(Draft.comment_id == comment_id).order_by(Draft.id)
        ).all()
        feedback = s.exec(select(LabelFeedback)).all()
    assert comment.intent != "spam"
    assert feedback == []  # nothing for spam training
    assert [(d.action, d.status, d.hide_reason) for d in drafts] == [
        ("reply", "superseded", None),
        ("hide", "ready_to_post", "pii"),  # no Meta token in the tests: hidden by hand
    ]
