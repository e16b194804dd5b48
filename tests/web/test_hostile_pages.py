"""One comment with a far-future time must not break the queue or its page for everyone."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlmodel import Session

from app.tables import Comment
from tests.web.test_web_forms import _login, _user


def test_far_future_comment_renders_in_queue_and_detail(client, engine, make_key) -> None:
    r = client.post(
        "/api/v1/comments",
        json={"platform": "web", "external_id": "future", "text": "kapan KTP saya jadi?"},
        headers=make_key("integration"),
    )
    comment_id = r.json()["id"]
    with Session(engine) as s:  # stored by an older build, or a platform clock gone wrong
        row = s.get(Comment, comment_id)
        assert row is not None
        row.created_at = datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC)
        s.add(row)
        s.commit()
    _user(engine)
    _login(client)
    assert client.get("/queue").status_code == 200
    page = client.get(f"/comments/{comment_id}")
    assert page.status_code == 200 and "9999" in page.text
    assert client.get("/dashboard").status_code == 200
