"""Publishing as Meta documents it: threads, rate limits, tokens; replayed against a fake Graph.

Error bodies and headers follow Meta's pages, cited at each fixture:
- "Handling Errors": developers.facebook.com/docs/graph-api/guides/error-handling
- "Rate Limits": developers.facebook.com/docs/graph-api/overview/rate-limiting
- "IG Comment Replies": developers.facebook.com/docs/instagram-platform/instagram-graph-api/
  reference/ig-comment/replies
"""

from __future__ import annotations

import json
import logging

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.tables import AccountConnection, AuditEvent, Comment, Draft, Job
from tests.integrations.conftest import (
    APP_SECRET,
    IG_ID,
    PAGE_ID,
    PAGE_TOKEN,
    fb_change,
    fb_payload,
    ig_payload,
    meta_body,
    meta_headers,
)
from tests.integrations.fakes import TOKEN_EXPIRED, appsecret_proof

NEW_TOKEN = "EAAGnewpagetoken0123456789abcdef"

# "Rate Limits", Business Use Case: error 80002 is Instagram's, and the response carries
# X-Business-Use-Case-Usage with `estimated_time_to_regain_access` in minutes.
IG_THROTTLED = {
    "error": {
        "message": "There have been too many calls to this Instagram account. Wait a bit and "
        "try again.",
        "type": "OAuthException",
        "code": 80002,
        "fbtrace_id": "AbCdEfGhIjM",
    }
}
# "Rate Limits": 80001 is the Pages business use case.
PAGE_THROTTLED = {
    "error": {
        "message": "There have been too many calls to this Page account. Wait a bit and try again.",
        "type": "OAuthException",
        "code": 80001,
        "fbtrace_id": "AbCdEfGhIjN",
    }
}


def buc_header(object_id: str, *, kind: str, percent: int, minutes: int) -> dict[str, str]:
    """`X-Business-Use-Case-Usage` in the shape of the "Rate Limits" page."""
    usage = {
        object_id: [
            {
                "type": kind,
                "call_count": percent,
                "total_cputime": 10,
                "total_time": 10,
                "estimated_time_to_regain_access": minutes,
            }
        ]
    }
    return {"X-Business-Use-Case-Usage": json.dumps(usage)}


def _webhook(client: TestClient, payload: dict) -> dict:
    body = meta_body(payload)
    r = client.post("/webhooks/meta", content=body, headers=meta_headers(body))
    assert r.status_code == 200, r.text
    return r.json()


def _draft_of(engine, external_id: str) -> Draft:
    with Session(engine) as s:
        comment = s.exec(select(Comment).where(Comment.external_id == external_id)).one()
        return s.exec(select(Draft).where(Draft.comment_id == comment.id)).one()


def _approve(client: TestClient, draft: Draft, headers: dict, text: str | None = None) -> None:
    body = {"text": text} if text else None
    r = client.post(f"/api/v1/drafts/{draft.id}/approve", json=body, headers=headers)
    assert r.status_code == 200, r.text


def _job(engine, draft_id: int) -> Job:
    with Session(engine) as s:
        return s.exec(select(Job).where(Job.dedupe_key == f"reply.publish:{draft_id}")).one()


# --- threads ----------------------------------------------------------------------------------


def test_instagram_reply_to_a_reply_goes_to_the_top_level_comment_once(
    iclient, engine, graph, make_key, iworker
):
    _webhook(iclient, ig_payload("ig-top", "Jalan rusak di depan pasar", username="ani"))
    _webhook(
        iclient,
        ig_payload("ig-child", "Bagaimana cara lapor jalan rusak?", parent_id="ig-top"),
    )
    iworker.drain()
    draft = _draft_of(engine, "ig-child")
    # Meta writes the reply, then answers 500: the retry must find it where it went.
    graph.fail_after_work(500)
    _approve(iclient, draft, make_key("reviewer"), "Bisa lewat aplikasi ya kak.")
    iworker.drain()

    posts = graph.posts(r"/v21\.0/ig-.*/replies")
    assert [c.path for c in posts] == ["/v21.0/ig-top/replies"]
    assert posts[0].form()["message"] == "@warga01 Bisa lewat aplikasi ya kak."
    assert [c.path for c in graph.calls if c.method == "GET"] == ["/v21.0/ig-top/replies"]
    assert len(graph.responder.replies["ig-top"]) == 1
    assert "ig-child" not in graph.responder.replies
    with Session(engine) as s:
        d = s.get(Draft, draft.id)
        assert d.status == "posted" and d.posted_external_id == "ig-top_reply"
        posted = s.exec(select(AuditEvent).where(AuditEvent.action == "reply.posted")).one()
        assert posted.details["found_earlier_attempt"] is True
        assert posted.details["to"] == "ig-top/replies"


def test_facebook_reply_to_a_reply_goes_to_the_parent_once(
    iclient, engine, graph, make_key, iworker
):
    # Comment reference: a reply to a reply has can_comment false.
    graph.responder.nodes["fb-child"] = {"can_comment": False, "parent": {"id": "fb-top"}}
    _webhook(iclient, fb_payload(fb_change("fb-top", "Lampu jalan mati")))
    _webhook(
        iclient,
        fb_payload(fb_change("fb-child", "Bagaimana cara lapor lampu mati?", parent_id="fb-top")),
    )
    iworker.drain()
    draft = _draft_of(engine, "fb-child")
    graph.fail_after_work(500, match="POST .*")
    _approve(iclient, draft, make_key("reviewer"), "Bisa lewat aplikasi ya kak.")
    iworker.drain()

    assert [c.path for c in graph.posts(r".*/comments")] == ["/v21.0/fb-top/comments"]
    assert len(graph.responder.replies["fb-top"]) == 1
    # can_comment read once per try; the retry looked under the parent before posting again.
    gets = [c.path for c in graph.calls if c.method == "GET"]
    assert gets == ["/v21.0/fb-child", "/v21.0/fb-child", "/v21.0/fb-top/comments"]
    assert graph.calls[0].query["fields"] == ["can_comment,parent{id}"]
    with Session(engine) as s:
        assert s.get(Draft, draft.id).posted_external_id == "fb-top_reply"


def test_facebook_top_level_and_replyable_comments_are_answered_in_place(
    iclient, engine, graph, make_key, iworker
):
    _webhook(iclient, fb_payload(fb_change("fb-a", "Bagaimana cara urus KTP?")))
    _webhook(iclient, fb_payload(fb_change("fb-b", "Bagaimana cara urus KK?", parent_id="fb-a")))
    iworker.drain()
    reviewer = make_key("reviewer")
    for ext in ("fb-a", "fb-b"):
        _approve(iclient, _draft_of(engine, ext), reviewer)
    iworker.drain()
    assert sorted(c.path for c in graph.posts(r".*/comments")) == [
        "/v21.0/fb-a/comments",
        "/v21.0/fb-b/comments",
    ]


# --- rate limits -----------------------------------------------------------------------------


def test_80001_is_retried_after_the_advertised_wait_and_pauses_the_account(
    iclient, engine, graph, make_key, iworker, clock
):
    _webhook(iclient, fb_payload(fb_change("fb-1", "Bagaimana cara urus KTP?")))
    _webhook(iclient, fb_payload(fb_change("fb-2", "Bagaimana cara urus KK?")))
    iworker.drain()
    d1, d2 = _draft_of(engine, "fb-1"), _draft_of(engine, "fb-2")
    graph.fail_next(
        1, 400, PAGE_THROTTLED, buc_header(PAGE_ID, kind="pages", percent=100, minutes=5)
    )
    reviewer = make_key("reviewer")
    _approve(iclient, d1, reviewer)
    _approve(iclient, d2, reviewer)
    iworker.drain()
    # One call, throttled; the other job waits without calling Meta.
    assert len(graph.calls) == 1
    for d in (d1, d2):
        job = _job(engine, d.id)
        assert job.status == "pending" and job.attempts == 1
        wait = (job.run_after - clock.now).total_seconds()
        assert 299 <= wait <= 331, wait
    with Session(engine) as s:
        row = s.exec(select(AccountConnection)).one()
        assert row.meta_paused_until is not None
        assert row.meta_usage["regain_seconds"] == 300
        assert s.get(Draft, d1.id).status == "approved"  # not failed

    clock.advance(200)
    iworker.drain()
    assert len(graph.calls) == 1  # still waiting
    clock.advance(140)
    iworker.drain()
    assert len(graph.posts(r".*/comments")) == 3  # the throttled one and both replies
    with Session(engine) as s:
        assert {s.get(Draft, d.id).status for d in (d1, d2)} == {"posted"}
        # The throttled attempt does not count against the job's tries.
        job = _job(engine, d1.id)
        assert job.status == "done" and job.max_attempts == 9


def test_short_advertised_wait_is_slept_in_the_worker(
    engine, graph, make_app, make_key, make_worker, isettings, clock
):
    s = isettings.model_copy(update={"meta_retry_inline_max_seconds": 120.0})
    with TestClient(make_app(s)) as c:
        _webhook(c, ig_payload("ig-1", "Bagaimana cara urus KTP?"))
        worker = make_worker(s)
        worker.drain()
        draft = _draft_of(engine, "ig-1")
        graph.fail_next(
            1, 400, IG_THROTTLED, buc_header(IG_ID, kind="instagram", percent=100, minutes=1)
        )
        _approve(c, draft, make_key("reviewer"))
        worker.drain()
    assert len(clock.sleeps) == 1 and 60 <= clock.sleeps[0] <= 66
    assert [c.method for c in graph.calls] == ["POST", "POST"]
    job = _job(engine, draft.id)
    assert job.status == "done" and job.attempts == 1


def test_usage_above_threshold_slows_the_account(
    iclient, engine, graph, make_key, iworker, clock, isettings
):
    _webhook(iclient, ig_payload("ig-1", "Bagaimana cara urus KTP?"))
    _webhook(iclient, ig_payload("ig-2", "Bagaimana cara urus KK?"))
    iworker.drain()
    # "Rate Limits", Platform: X-App-Usage gives percentages of the app's limit.
    graph.responder.usage_headers = {
        "X-App-Usage": json.dumps({"call_count": 95, "total_time": 20, "total_cputime": 15})
    }
    reviewer = make_key("reviewer")
    _approve(iclient, _draft_of(engine, "ig-1"), reviewer)
    iworker.drain()
    assert len(graph.posts()) == 1
    _approve(iclient, _draft_of(engine, "ig-2"), reviewer)
    iworker.drain()
    assert len(graph.posts()) == 1  # paused: the account is near its limit
    with Session(engine) as s:
        row = s.exec(select(AccountConnection)).one()
        assert row.meta_usage["percent"] == 95
    r = iclient.get("/api/v1/accounts/default/connection", headers=make_key("admin"))
    assert r.json()["meta"]["paused_until"] is not None
    graph.responder.usage_headers = {}
    clock.advance(isettings.meta_usage_pause_seconds + 1)
    iworker.drain()
    assert len(graph.posts()) == 2


def test_replies_per_hour_limit_defers_the_next_reply(
    engine, graph, make_app, make_key, make_worker, isettings, clock
):
    s = isettings.model_copy(update={"meta_replies_per_hour": 1})
    with TestClient(make_app(s)) as c:
        _webhook(c, ig_payload("ig-1", "Bagaimana cara urus KTP?"))
        _webhook(c, ig_payload("ig-2", "Bagaimana cara urus KK?"))
        worker = make_worker(s)
        worker.drain()
        reviewer = make_key("reviewer")
        for ext in ("ig-1", "ig-2"):
            _approve(c, _draft_of(engine, ext), reviewer)
        worker.drain()
        assert len(graph.posts()) == 1
        second = _job(engine, _draft_of(engine, "ig-2").id)
        assert second.status == "pending" and "limit 1" in second.last_error
        clock.advance(3601)
        worker.drain()
    assert len(graph.posts()) == 2


def test_permission_error_stops(iclient, engine, graph, make_key, iworker):
    _webhook(iclient, ig_payload("ig-1", "Bagaimana cara urus KTP?"))
    iworker.drain()
    draft = _draft_of(engine, "ig-1")
    # "Handling Errors": 10 is "API Permission Denied".
    graph.fail_next(
        1,
        403,
        {
            "error": {
                "message": "(#10) Application does not have permission for this action",
                "type": "OAuthException",
                "code": 10,
                "fbtrace_id": "AbCdEfGhIjO",
            }
        },
    )
    _approve(iclient, draft, make_key("reviewer"))
    iworker.drain()
    assert len(graph.calls) == 1
    with Session(engine) as s:
        d = s.get(Draft, draft.id)
        assert d.status == "failed" and "code 10" in d.publish_error


# --- tokens ----------------------------------------------------------------------------------


def test_expired_token_parks_jobs_until_a_new_token_is_set(
    iclient, engine, graph, make_key, iworker, caplog
):
    caplog.set_level(logging.DEBUG)
    admin = make_key("admin")
    _webhook(iclient, ig_payload("ig-1", "Bagaimana cara urus KTP?"))
    _webhook(iclient, ig_payload("ig-2", "Bagaimana cara urus KK?"))
    iworker.drain()
    d1, d2 = _draft_of(engine, "ig-1"), _draft_of(engine, "ig-2")
    graph.responder.revoked.add(PAGE_TOKEN)
    reviewer = make_key("reviewer")
    _approve(iclient, d1, reviewer)
    iworker.drain()
    assert len(graph.calls) == 1 and graph.calls[0].method == "POST"
    _approve(iclient, d2, reviewer)
    iworker.drain()
    assert len(graph.calls) == 1  # disconnected: the second job does not even try

    with Session(engine) as s:
        for d in (d1, d2):
            assert s.get(Draft, d.id).status == "approved"
            assert _job(engine, d.id).status == "parked"
        audit = s.exec(select(AuditEvent).where(AuditEvent.action == "meta.disconnected")).one()
        assert audit.account == "default" and "190" in audit.details["error"]
    listed = iclient.get("/api/v1/accounts/connections", headers=admin).json()["items"]
    assert [(i["account"], i["meta"]["state"]) for i in listed] == [("default", "disconnected")]
    r = iclient.get("/api/v1/accounts/default/connection", headers=admin)
    assert r.status_code == 200
    meta = r.json()["meta"]
    assert meta["state"] == "disconnected" and "code 190/463" in meta["error"]
    assert meta["token"] == "…" + PAGE_TOKEN[-4:] and meta["token_source"] == "settings"

    # A reviewer may not set tokens; a short value is refused.
    url = "/api/v1/accounts/default/connection"
    assert iclient.put(url, json={"meta_token": NEW_TOKEN}, headers=reviewer).status_code == 403
    assert iclient.put(url, json={"meta_token": "short"}, headers=admin).status_code == 422
    r = iclient.put(url, json={"meta_token": NEW_TOKEN}, headers=admin)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["meta"]["state"] == "connected" and body["resumed_jobs"] == 2
    assert body["meta"]["token"] == "…" + NEW_TOKEN[-4:]
    assert NEW_TOKEN not in r.text

    iworker.drain()
    posts = graph.posts()
    assert len(posts) == 3
    for call in posts[1:]:
        assert call.headers["authorization"] == f"Bearer {NEW_TOKEN}"
        assert call.form()["appsecret_proof"] == appsecret_proof(APP_SECRET, NEW_TOKEN)
    with Session(engine) as s:
        assert {s.get(Draft, d.id).status for d in (d1, d2)} == {"posted"}
        updated = s.exec(
            select(AuditEvent).where(AuditEvent.action == "account.connection_updated")
        ).one()
        assert updated.details["secrets_set"] == ["meta_token"]
        stored = " ".join(
            str(j.payload) + str(j.result) + str(j.last_error) for j in s.exec(select(Job))
        ) + " ".join(str(a.details) for a in s.exec(select(AuditEvent)))
        assert NEW_TOKEN not in stored and PAGE_TOKEN not in stored
    assert NEW_TOKEN not in caplog.text and PAGE_TOKEN not in caplog.text


def test_token_error_body_is_classified_from_its_code():
    from app.integrations.meta import TOKEN, classify

    error = TOKEN_EXPIRED["error"]
    kind = classify(status=400, code=error["code"], subcode=error["error_subcode"], transient=False)
    assert kind == TOKEN


def test_cli_sets_a_token_and_resumes(engine, graph, make_app, make_key, make_worker, isettings):
    from app.integrations import commands

    with TestClient(make_app(isettings)) as c:
        _webhook(c, ig_payload("ig-1", "Bagaimana cara urus KTP?"))
        worker = make_worker(isettings)
        worker.drain()
        graph.responder.revoked.add(PAGE_TOKEN)
        _approve(c, _draft_of(engine, "ig-1"), make_key("reviewer"))
        worker.drain()
        with Session(engine) as s:
            resumed = commands.set_connection(
                session=s,
                settings=isettings,
                account="default",
                changes={"meta_token": NEW_TOKEN},
            )
        assert resumed["resumed_jobs"] == 1
        worker.drain()
    assert graph.posts()[-1].headers["authorization"] == f"Bearer {NEW_TOKEN}"


# --- hide / unhide and mentions ---------------------------------------------------------------


def test_facebook_hide_and_unhide_are_reflected_on_the_comment(iclient, engine):
    _webhook(iclient, fb_payload(fb_change("fb-h", "Pelayanan lambat sekali")))
    # Page `feed` webhook reference: item=comment with verb hide / unhide.
    receipt = _webhook(
        iclient, fb_payload(fb_change("fb-h", "Pelayanan lambat sekali", verb="hide"))
    )
    assert receipt["hidden"] == 1
    with Session(engine) as s:
        assert s.exec(select(Comment)).one().hidden_at is not None
    assert _webhook(iclient, fb_payload(fb_change("fb-h", "", verb="hide")))["hidden"] == 0
    assert _webhook(iclient, fb_payload(fb_change("fb-h", "", verb="unhide")))["hidden"] == 1
    with Session(engine) as s:
        assert s.exec(select(Comment)).one().hidden_at is None
        actions = [a.action for a in s.exec(select(AuditEvent).order_by(AuditEvent.id))]
        assert actions.count("comment.hidden_on_platform") == 1
        assert actions.count("comment.unhidden_on_platform") == 1


def test_instagram_mention_is_read_ingested_and_answered_through_mentions(
    iclient, engine, graph, make_key, iworker
):
    # Mentions guide: the `mentions` webhook carries ids only; the comment is read with
    # GET /{ig-user-id}?fields=mentioned_comment.comment_id(...) and answered with
    # POST /{ig-user-id}/mentions.
    graph.responder.mentioned["ig-m1"] = {
        "id": "ig-m1",
        "text": "@dinas.kota bagaimana cara urus KTP?",
        "username": "warga77",
        "timestamp": "2026-12-04T01:00:00+0000",
        "media": {"id": "media-other"},
    }
    payload = {
        "object": "instagram",
        "entry": [
            {
                "id": IG_ID,
                "time": 1700000000,
                "changes": [
                    {
                        "field": "mentions",
                        "value": {"media_id": "media-other", "comment_id": "ig-m1"},
                    }
                ],
            }
        ],
    }
    assert _webhook(iclient, payload)["mentions"] == 1
    assert _webhook(iclient, payload)["mentions"] == 1  # re-delivery: the same job (dedupe)
    iworker.drain()
    [read] = [c for c in graph.calls if c.method == "GET"]
    assert read.path == f"/v21.0/{IG_ID}"
    assert read.query["fields"][0].startswith("mentioned_comment.comment_id(ig-m1)")
    with Session(engine) as s:
        comment = s.exec(select(Comment)).one()
        assert (comment.external_id, comment.author, comment.post_id) == (
            "ig-m1",
            "warga77",
            "media-other",
        )
        assert comment.extra["mention"] is True and comment.status == "processed"
    draft = _draft_of(engine, "ig-m1")
    _approve(iclient, draft, make_key("reviewer"), "Bisa di kantor kecamatan ya kak.")
    iworker.drain()
    [post] = graph.posts(rf"/v21\.0/{IG_ID}/mentions")
    form = post.form()
    assert (form["comment_id"], form["media_id"], form["message"]) == (
        "ig-m1",
        "media-other",
        "Bisa di kantor kecamatan ya kak.",
    )
    with Session(engine) as s:
        assert s.get(Draft, draft.id).status == "posted"


def test_caption_mentions_are_skipped(iclient, engine):
    payload = {
        "object": "instagram",
        "entry": [{"id": IG_ID, "changes": [{"field": "mentions", "value": {"media_id": "m9"}}]}],
    }
    receipt = _webhook(iclient, payload)
    assert receipt["mentions"] == 0 and receipt["skipped"] == 1


def test_instagram_reply_to_a_hidden_comment_is_refused(iclient, engine, graph, make_key, iworker):
    _webhook(iclient, ig_payload("ig-hid", "Bagaimana cara urus KTP?"))
    iworker.drain()
    with Session(engine) as s:
        comment = s.exec(select(Comment)).one()
        comment.hidden_at = comment.received_at
        s.add(comment)
        s.commit()
    draft = _draft_of(engine, "ig-hid")
    _approve(iclient, draft, make_key("reviewer"))
    iworker.drain()
    assert graph.calls == []
    with Session(engine) as s:
        assert "hidden" in s.get(Draft, draft.id).publish_error


def test_reconnect_after_the_settings_token_was_replaced(
    engine, graph, make_app, make_key, make_worker, isettings
):
    from pydantic import SecretStr

    with TestClient(make_app(isettings)) as c:
        _webhook(c, ig_payload("ig-1", "Bagaimana cara urus KTP?"))
        make_worker(isettings).drain()
        graph.responder.revoked.add(PAGE_TOKEN)
        _approve(c, _draft_of(engine, "ig-1"), make_key("reviewer"))
        make_worker(isettings).drain()
    # The operator puts a new token in the environment and restarts.
    s = isettings.model_copy(update={"meta_page_token": SecretStr(NEW_TOKEN)})
    with TestClient(make_app(s)) as c:
        r = c.put(
            "/api/v1/accounts/default/connection",
            json={"reconnect": True},
            headers=make_key("admin"),
        )
        assert r.json()["resumed_jobs"] == 1 and r.json()["meta"]["state"] == "connected"
        make_worker(s).drain()
    assert graph.posts()[-1].headers["authorization"] == f"Bearer {NEW_TOKEN}"
    with Session(engine) as db:
        assert db.exec(select(Draft)).one().status == "posted"


def test_account_put_sets_a_new_token_and_account_shows_the_state(
    iclient, engine, graph, make_key, iworker
):
    admin = make_key("admin")
    body = {"institution_name": "Dinas Kota", "channels": {}, "preferences": {}}
    assert iclient.put("/api/v1/accounts/default", json=body, headers=admin).status_code == 201
    _webhook(iclient, ig_payload("ig-1", "Bagaimana cara urus KTP?"))
    iworker.drain()
    graph.responder.revoked.add(PAGE_TOKEN)
    _approve(iclient, _draft_of(engine, "ig-1"), make_key("reviewer"))
    iworker.drain()
    account = iclient.get("/api/v1/accounts/default", headers=admin).json()
    assert account["meta_state"] == "disconnected" and "190" in account["meta_error"]

    r = iclient.put(
        "/api/v1/accounts/default",
        json=body | {"connection": {"meta_token": NEW_TOKEN}},
        headers=admin,
    )
    assert r.status_code == 200, r.text
    assert r.json()["meta_state"] == "connected" and NEW_TOKEN not in r.text
    iworker.drain()
    assert graph.posts()[-1].headers["authorization"] == f"Bearer {NEW_TOKEN}"
    with Session(engine) as s:
        assert s.exec(select(Draft)).one().status == "posted"


def test_only_instagram_handles_are_addressed():
    from app.integrations.meta import instagram_place
    from app.tables import Comment as Row

    def place(author: str | None) -> str:
        row = Row(platform="instagram", external_id="c", account="a", text="t", parent_id="top")
        row.author = author
        return instagram_place(row).message("Halo")

    assert place("warga.01_x") == "@warga.01_x Halo"
    assert place("budi\n@admin semua") == "Halo"
    assert place(None) == "Halo"


def test_cli_command_reads_the_token_from_stdin(engine, isettings, monkeypatch, capsys):
    import io

    from app.cli import build_parser
    from app.config import get_settings

    monkeypatch.setenv("TANGGAP_DATABASE_URL", isettings.database_url)
    get_settings.cache_clear()
    try:
        monkeypatch.setattr("sys.stdin", io.StringIO(NEW_TOKEN + "\n"))
        args = build_parser().parse_args(
            ["connection", "dinas", "--meta-token-stdin", "--graph-version", "v25.0"]
        )
        assert args.func(args) == 0
        out = capsys.readouterr().out
        assert NEW_TOKEN not in out and '"graph_version": "v25.0"' in out
        args = build_parser().parse_args(["connection", "dinas", "--reconnect"])
        assert args.func(args) == 0
    finally:
        get_settings.cache_clear()
    with Session(engine) as s:
        row = s.exec(select(AccountConnection)).one()
        assert row.meta_token == NEW_TOKEN and row.meta_graph_version == "v25.0"


def test_clearing_appsecret_proof_falls_back_to_the_default(make_app, make_key, isettings):
    """`null` clears a field; for appsecret_proof that is its default (on), never a 500."""
    with TestClient(make_app(isettings)) as c:
        url = "/api/v1/accounts/default/connection"
        admin = make_key("admin")
        assert c.put(url, json={"meta_appsecret_proof": False}, headers=admin).status_code == 200
        assert c.get(url, headers=admin).json()["meta"]["appsecret_proof"] is False
        r = c.put(url, json={"meta_appsecret_proof": None}, headers=admin)
        assert r.status_code == 200, r.text
        assert c.get(url, headers=admin).json()["meta"]["appsecret_proof"] is True
