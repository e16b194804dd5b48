"""The review queue and decisions, including concurrent reviewers."""

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

from pydantic import SecretStr
from sqlmodel import Session, select

from app.drafts import service as drafts_service
from app.errors import InvalidTransition
from app.tables import AuditEvent, Draft, Job
from tests.helpers import assert_error, post_comment

T0 = datetime(2026, 11, 1, 8, 0, tzinfo=UTC)


def _at(minutes: int) -> str:
    return (T0 + timedelta(minutes=minutes)).isoformat()


def _seed_queue(client, headers):
    post_comment(client, headers, "q-praise", "mantap terima kasih", created_at=_at(0))
    post_comment(client, headers, "q-question", "kapan kantor buka?", created_at=_at(1))
    post_comment(client, headers, "q-complaint-new", "jalan rusak tolong", created_at=_at(5))
    post_comment(client, headers, "q-complaint-old", "lampu mati, tolong", created_at=_at(2))
    # "halo min" alone is chatter (action no_reply: no draft); this one asks something.
    post_comment(
        client, headers, "q-other", "halo min, sabtu buka?", created_at=_at(3), account="kota-b"
    )


def test_queue_is_ordered_by_priority_then_age(client, make_key):
    headers = make_key("reviewer")
    _seed_queue(client, headers)
    items = client.get("/api/v1/drafts?status=pending", headers=headers).json()["items"]
    order = [i["comment"]["external_id"] for i in items]
    assert order == ["q-complaint-old", "q-complaint-new", "q-question", "q-other", "q-praise"]
    prios = [i["priority"] for i in items]
    assert prios == sorted(prios, reverse=True)


def test_queue_filters(client, make_key):
    headers = make_key("reviewer")
    _seed_queue(client, headers)

    def ids(query):
        r = client.get(f"/api/v1/drafts?{query}", headers=headers)
        assert r.status_code == 200
        return {i["comment"]["external_id"] for i in r.json()["items"]}

    assert ids("intent=keluhan") == {"q-complaint-old", "q-complaint-new"}
    assert ids("sentiment=positif") == {"q-praise"}
    assert ids("account=kota-b") == {"q-other"}
    assert ids("status=approved") == set()


def test_queue_pagination_covers_everything_once(client, make_key):
    headers = make_key("reviewer")
    for i in range(7):
        post_comment(
            client,
            headers,
            f"p{i}",
            "jalan rusak tolong" if i % 2 else "kapan buka?",
            created_at=_at(i),
        )
    seen, cursor, pages = [], None, 0
    while True:
        url = "/api/v1/drafts?limit=3" + (f"&cursor={cursor}" if cursor else "")
        page = client.get(url, headers=headers).json()
        seen += [i["id"] for i in page["items"]]
        pages += 1
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert pages == 3
    assert len(seen) == len(set(seen)) == 7
    full = [i["id"] for i in client.get("/api/v1/drafts?limit=50", headers=headers).json()["items"]]
    assert seen == full


def test_invalid_cursor_is_400(client, make_key):
    assert_error(client.get("/api/v1/drafts?cursor=%%%", headers=make_key("reviewer")), 400)


def test_approve_as_drafted(client, make_key, engine):
    headers = make_key("reviewer")
    created = post_comment(client, headers, "a1", "kapan kantor buka?")
    draft_id = created["draft"]["id"]
    r = client.post(f"/api/v1/drafts/{draft_id}/approve", headers=headers)
    assert r.status_code == 200, r.text
    body = r.json()
    # instagram, but no Meta token configured: posted by hand, never a job bound to fail
    assert body["status"] == "ready_to_post"
    assert body["text"] == created["draft"]["text"]
    assert body["decided_by"] == "key:test-reviewer"
    with Session(engine) as s:
        event = s.exec(select(AuditEvent).where(AuditEvent.action == "draft.approved")).one()
        assert event.details["edited"] is False
        assert (event.details["route"], event.details["route_reason"]) == ("manual", "no_token")
        assert s.exec(select(Job).where(Job.kind == "reply.publish")).all() == []


def test_edit_and_approve_records_a_diff(client, make_key, engine):
    headers = make_key("reviewer")
    created = post_comment(client, headers, "a2", "jalan rusak tolong", platform="web")
    r = client.post(
        f"/api/v1/drafts/{created['draft']['id']}/approve",
        json={"text": "Makasih infonya, kami cek hari ini juga ya."},
        headers=headers,
    )
    assert r.json()["text"] == "Makasih infonya, kami cek hari ini juga ya."
    assert r.json()["drafted_text"] == created["draft"]["text"]
    with Session(engine) as s:
        event = s.exec(select(AuditEvent).where(AuditEvent.action == "draft.approved")).one()
        assert event.details["edited"] is True
        assert "+Makasih infonya" in event.details["diff"]
        # web comments have no publisher: nothing to post
        assert s.exec(select(Job).where(Job.kind == "reply.publish")).first() is None


def test_empty_edit_is_rejected(client, make_key):
    headers = make_key("reviewer")
    created = post_comment(client, headers, "a3", "kapan buka?")
    assert_error(
        client.post(
            f"/api/v1/drafts/{created['draft']['id']}/approve",
            json={"text": "   "},
            headers=headers,
        ),
        400,
    )


def test_reject_needs_a_reason(client, make_key):
    headers = make_key("reviewer")
    draft_id = post_comment(client, headers, "r1", "kapan buka?")["draft"]["id"]
    assert_error(client.post(f"/api/v1/drafts/{draft_id}/reject", json={}, headers=headers), 422)
    r = client.post(
        f"/api/v1/drafts/{draft_id}/reject", json={"reason": "terlalu kaku"}, headers=headers
    )
    assert r.json()["status"] == "rejected"
    assert r.json()["reject_reason"] == "terlalu kaku"
    assert_error(
        client.post(f"/api/v1/drafts/{draft_id}/approve", headers=headers),
        409,
        "invalid_transition",
    )


def test_regenerate_in_another_tone(client, make_key):
    headers = make_key("reviewer")
    created = post_comment(client, headers, "g1", "kapan buka?")
    old_id = created["draft"]["id"]
    r = client.post(f"/api/v1/drafts/{old_id}/regenerate", json={"tone": "formal"}, headers=headers)
    assert r.status_code == 200, r.text
    new = r.json()
    assert new["id"] != old_id and new["tone"] == "formal" and new["status"] == "pending"
    old = client.get(f"/api/v1/drafts/{old_id}", headers=headers).json()
    assert old["status"] == "superseded"
    current = client.get(f"/api/v1/comments/{created['id']}", headers=headers).json()
    assert current["draft"]["id"] == new["id"]
    assert_error(
        client.post(
            f"/api/v1/drafts/{old_id}/regenerate", json={"tone": "santai"}, headers=headers
        ),
        409,
    )
    assert_error(
        client.post(
            f"/api/v1/drafts/{new['id']}/regenerate", json={"tone": "kasar"}, headers=headers
        ),
        422,
    )


def test_stale_version_is_409(client, make_key):
    headers = make_key("reviewer")
    draft = post_comment(client, headers, "v1", "kapan buka?")["draft"]
    r = client.post(
        f"/api/v1/drafts/{draft['id']}/approve",
        json={"version": draft["version"] + 1},
        headers=headers,
    )
    assert_error(r, 409)


def test_unknown_draft_is_404(client, make_key):
    assert_error(
        client.post("/api/v1/drafts/424242/approve", headers=make_key("reviewer")),
        404,
        "draft_not_found",
    )


def test_concurrent_reviewers_one_wins(engine, client, make_key, settings):
    """Real concurrent transactions on the same draft: exactly one decision lands."""
    headers = make_key("reviewer")
    draft_id = post_comment(client, headers, "race", "jalan rusak tolong")["draft"]["id"]
    graph = settings.model_copy(update={"meta_page_token": SecretStr("page-token")})
    n = 6
    barrier = threading.Barrier(n)

    def act(i: int) -> str:
        with Session(engine, expire_on_commit=False) as s:
            barrier.wait()
            try:
                if i % 2:
                    drafts_service.reject(session=s, draft_id=draft_id, actor=f"r{i}", reason="x")
                else:
                    drafts_service.approve(
                        session=s,
                        draft_id=draft_id,
                        actor=f"r{i}",
                        settings=graph,
                        text=f"balasan {i}",
                    )
                return f"won:{i}"
            except InvalidTransition:
                return "conflict"

    with ThreadPoolExecutor(n) as pool:
        outcomes = list(pool.map(act, range(n)))
    winners = [o for o in outcomes if o.startswith("won")]
    assert len(winners) == 1, outcomes
    assert outcomes.count("conflict") == n - 1
    winner = int(winners[0].split(":")[1])
    with Session(engine) as s:
        draft = s.get(Draft, draft_id)
        assert draft.decided_by == f"r{winner}"
        assert draft.status == ("rejected" if winner % 2 else "approved")
        if draft.status == "approved":
            assert draft.text == f"balasan {winner}"
        decisions = s.exec(
            select(AuditEvent)
            .where(AuditEvent.draft_id == draft_id)
            .where(AuditEvent.action.in_(["draft.approved", "draft.rejected"]))
        ).all()
        assert len(decisions) == 1
        assert len(s.exec(select(Job).where(Job.kind == "reply.publish")).all()) == (
            1 if draft.status == "approved" else 0
        )


def test_concurrent_http_approvals(client, make_key):
    headers = make_key("reviewer")
    draft_id = post_comment(client, headers, "race-http", "kapan buka?")["draft"]["id"]
    with ThreadPoolExecutor(4) as pool:
        codes = list(
            pool.map(
                lambda i: (
                    client.post(
                        f"/api/v1/drafts/{draft_id}/approve",
                        json={"text": f"jawaban {i}"},
                        headers=headers,
                    ).status_code
                ),
                range(4),
            )
        )
    assert sorted(codes) == [200, 409, 409, 409]
