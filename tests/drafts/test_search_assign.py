"""Queue search (FTS5 on SQLite, to_tsvector on PostgreSQL) and assignment."""

from __future__ import annotations

import pytest
from sqlmodel import Session

from app.comments.search import terms
from app.drafts import service as drafts_service
from app.errors import InvalidTransition
from tests.helpers import post_comment


def _queue(engine, **filters):
    with Session(engine) as s:
        rows, _ = drafts_service.list_queue(
            session=s, filters=drafts_service.QueueFilter(**filters), limit=50
        )
    return sorted(c.external_id for _, c in rows)


def test_search_text_and_author(client, make_key, engine):
    headers = make_key("integration")
    post_comment(client, headers, "s1", "Jalan rusak parah di depan SDN 3", author="rina.s")
    post_comment(client, headers, "s2", "Kapan pendaftaran beasiswa dibuka?", author="adit")
    post_comment(client, headers, "s3", "lampu jalan mati", author="Bayu Pratama")
    assert _queue(engine, q="jalan") == ["s1", "s3"]
    assert _queue(engine, q="jalan rus") == ["s1"]  # every word, as a prefix
    assert _queue(engine, q="BEASISWA") == ["s2"]
    assert _queue(engine, q="pratama") == ["s3"]  # the author
    assert _queue(engine, q="rina") == ["s1"]
    assert _queue(engine, q="tidakada") == []
    # FTS syntax in the query is just words.
    assert _queue(engine, q='jalan" OR "x* NEAR(') == []
    assert _queue(engine, q="jalan' --") == ["s1", "s3"]
    assert _queue(engine, q="  ") == ["s1", "s2", "s3"]


def test_search_follows_edits(client, make_key, engine):
    from app.tables import Comment

    headers = make_key("integration")
    created = post_comment(client, headers, "e1", "halo min, ada info?")  # chatter: no draft
    with Session(engine) as s:
        row = s.get(Comment, created["id"])
        row.text = "halo min, sampah menumpuk"
        s.add(row)
        s.commit()
    assert _queue(engine, q="sampah") == ["e1"]


def test_terms():
    assert terms("Jalan-Rusak, 'OR' *") == ["jalan", "rusak", "or"]
    assert len(terms("a " * 50)) == 8


def test_take_and_filter_mine_unassigned(client, make_key, engine):
    headers = make_key("integration")
    a = post_comment(client, headers, "a1", "jalan rusak tolong")["draft"]["id"]
    post_comment(client, headers, "a2", "lampu mati tolong")
    with Session(engine) as s:
        draft, _ = drafts_service.assign(session=s, draft_id=a, actor="user:budi", to="user:budi")
        assert draft.assigned_to == "user:budi"
    assert _queue(engine, assigned_to="user:budi") == ["a1"]
    assert _queue(engine, assigned_to="") == ["a2"]
    with Session(engine) as s:
        drafts_service.assign(session=s, draft_id=a, actor="user:budi", to=None)
        drafts_service.reject(session=s, draft_id=a, actor="user:budi", reason="x")
        with pytest.raises(InvalidTransition):
            drafts_service.assign(session=s, draft_id=a, actor="user:budi", to="user:budi")
    assert _queue(engine, assigned_to="", status=None) == ["a1", "a2"]


def test_api_search_assign_and_hide_personal_data(client, make_key, engine):
    reviewer = make_key("reviewer")
    a = post_comment(client, reviewer, "api1", "jalan rusak tolong")
    post_comment(client, reviewer, "api2", "lampu mati tolong")
    items = client.get("/api/v1/drafts?q=jalan", headers=reviewer).json()["items"]
    assert [i["comment"]["external_id"] for i in items] == ["api1"]
    r = client.post(
        f"/api/v1/drafts/{a['draft']['id']}/assign", json={"to": "me"}, headers=reviewer
    )
    assert r.json()["assigned_to"] == "key:test-reviewer"
    mine = client.get("/api/v1/drafts?assigned=me", headers=reviewer).json()["items"]
    assert [i["id"] for i in mine] == [a["draft"]["id"]]
    nobody = client.get("/api/v1/drafts?assigned=none", headers=reviewer).json()["items"]
    assert [i["comment"]["external_id"] for i in nobody] == ["api2"]

    r = client.post(f"/api/v1/comments/{a['id']}/hide-personal-data", headers=reviewer)
    assert r.status_code == 200, r.text
    assert (r.json()["action"], r.json()["hide_reason"]) == ("hide", "pii")
    r = client.post(
        f"/api/v1/comments/{a['id']}/hide-personal-data", headers=make_key("integration")
    )
    assert r.status_code == 403
