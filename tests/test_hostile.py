"""Hostile input gets a typed 4xx, never a 500 (issue 16), on both engines."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime

import pytest
from sqlmodel import Session, select

from app.tables import ApiKey, Comment
from tests.helpers import assert_error, post_comment

HUGE = [2**31, 2**63, 2**64 + 7]


def _body(external_id: str = "h-1", **extra: object) -> dict[str, object]:
    return {"platform": "instagram", "external_id": external_id, "text": "jalan rusak", **extra}


@pytest.mark.parametrize(
    "created_at", ["9999-12-31T23:59:59Z", "1970-01-01T00:00:00Z", "1e20", 10**20, -(10**15)]
)
def test_out_of_range_created_at_is_422(client, make_key, created_at) -> None:
    r = client.post(
        "/api/v1/comments", json=_body(created_at=created_at), headers=make_key("integration")
    )
    assert_error(r, 422, "validation_error")


def test_far_future_comment_in_the_database_does_not_break_the_queue(
    client, engine, make_key
) -> None:
    """A row already stored with year 9999 (an older build let it in) renders everywhere."""
    headers = make_key("reviewer")
    comment = post_comment(client, headers, "future-1", "kapan KTP jadi?")
    with Session(engine) as s:
        row = s.get(Comment, comment["id"])
        assert row is not None
        row.created_at = datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC)
        s.add(row)
        s.commit()
    assert client.get("/api/v1/drafts?status=pending", headers=headers).status_code == 200
    assert client.get(f"/api/v1/comments/{comment['id']}", headers=headers).status_code == 200
    from app.web.format import local_time, timezone_of

    assert "9999" in local_time(datetime(9999, 12, 31, 23, 59, tzinfo=UTC), timezone_of("WIB"))


@pytest.mark.parametrize("big", HUGE)
@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/comments/{n}",
        "/api/v1/drafts/{n}",
        "/api/v1/audit?comment_id={n}",
        "/api/v1/audit?cursor={n}",
        "/api/v1/webhooks/{n}",
        "/api/v1/webhooks/1/deliveries?cursor={n}",
    ],
)
def test_ids_and_cursors_beyond_the_column_are_422(client, make_key, path, big) -> None:
    r = client.get(path.format(n=big), headers=make_key("admin"))
    assert_error(r, 422, "validation_error")


@pytest.mark.parametrize("big", HUGE)
def test_huge_ids_in_a_queue_cursor_are_400(client, make_key, big) -> None:
    import base64

    raw = json.dumps([big, "2026-01-01T00:00:00+00:00", big]).encode()
    cursor = base64.urlsafe_b64encode(raw).decode().rstrip("=")
    r = client.get(f"/api/v1/drafts?cursor={cursor}", headers=make_key("reviewer"))
    assert_error(r, 400, "bad_request")


def test_nul_bytes_are_refused_in_fields_and_never_500(client, make_key) -> None:
    headers = make_key("admin")
    for field in ("external_id", "author", "post_id"):
        r = client.post("/api/v1/comments", json=_body(**{field: "a\x00b"}), headers=headers)
        assert_error(r, 422, "validation_error")
    # query strings reach the database as they are: PostgreSQL refuses NUL, SQLite stores it
    for url in (
        "/api/v1/drafts?account=a%00b",
        "/api/v1/audit?actor=a%00b",
        "/api/v1/comments/1/labels",
    ):
        r = client.get(url, headers=headers)
        assert r.status_code < 500, r.text
    r = client.post("/api/v1/keys", json={"name": "x\x00y", "role": "integration"}, headers=headers)
    assert r.status_code < 500, r.text


@pytest.mark.parametrize(
    "text", ["\u200b\u200c\u200d", "\ufeff\u2060", "\x01\x02\x7f", " \u00a0\t"]
)
def test_text_of_only_invisible_characters_is_422(client, make_key, text) -> None:
    r = client.post("/api/v1/comments", json=_body(text=text), headers=make_key("integration"))
    assert_error(r, 422, "validation_error")


def test_deeply_nested_json_is_malformed_json(client, make_key) -> None:
    body = "[" * 100_000 + "]" * 100_000
    r = client.post(
        "/api/v1/comments",
        content=body,
        headers={**make_key("integration"), "Content-Type": "application/json"},
    )
    assert_error(r, 400, "malformed_json")


def test_chunked_body_over_the_limit_is_413(client, make_key, settings) -> None:
    chunk = b"x" * 65536
    count = settings.max_body_bytes // len(chunk) + 2

    def stream():  # no Content-Length: sent in chunks
        yield b'{"platform": "web", "external_id": "big", "text": "'
        for _ in range(count):
            yield chunk
        yield b'"}'

    r = client.post(
        "/api/v1/comments",
        content=stream(),
        headers={**make_key("integration"), "Content-Type": "application/json"},
    )
    error = assert_error(r, 413, "payload_too_large")
    assert error["details"] == {"max_bytes": settings.max_body_bytes}


@pytest.mark.parametrize("param", ["until=0.5", "since=1700000000", "until=abc"])
@pytest.mark.parametrize("path", ["/api/v1/audit", "/api/v1/export/audit"])
def test_date_filters_take_iso_dates_only(client, make_key, path, param) -> None:
    r = client.get(f"{path}?{param}", headers=make_key("reviewer"))
    assert_error(r, 422, "validation_error")
    ok = client.get(f"{path}?until=2026-12-01T00:00:00Z", headers=make_key("reviewer"))
    assert ok.status_code == 200


def test_last_admin_key_cannot_revoke_itself(client, engine, make_key) -> None:
    admin = make_key("admin")
    with Session(engine) as s:
        own = s.exec(select(ApiKey).where(ApiKey.role == "admin")).one()
    assert_error(client.delete(f"/api/v1/keys/{own.id}", headers=admin), 409, "last_admin_key")
    other = make_key("admin")
    assert client.delete(f"/api/v1/keys/{own.id}", headers=admin).status_code == 200
    assert client.get("/api/v1/keys", headers=admin).status_code == 401
    assert client.get("/api/v1/keys", headers=other).status_code == 200


def _import(client, headers, name: str, data: bytes):
    return client.post("/api/v1/import", files={"file": (name, data)}, headers=headers)


def test_import_survives_huge_csv_fields_deep_jsonl_and_bad_times(client, make_key) -> None:
    headers = make_key("integration")
    huge = "x" * (200 * 1024)
    csv_data = (f"platform,external_id,text\nweb,c1,{huge}\nweb,c2,jalan rusak\n").encode()
    r = _import(client, headers, "a.csv", csv_data)
    assert r.status_code == 200, r.text
    report = r.json()
    assert report["created"] == 1 and report["failed"] == 1

    lines = [
        json.dumps({"platform": "web", "external_id": "j1", "text": "halo min"}),
        '{"a": ' + "[" * 50_000 + "]" * 50_000 + "}",
        json.dumps({"platform": "web", "external_id": "j2", "text": "x", "created_at": 1e300}),
        json.dumps(
            {"platform": "web", "external_id": "j3", "text": "x", "created_at": "9999-01-01"}
        ),
        json.dumps(
            {"platform": "web", "external_id": "j4", "text": "x", "created_at": 99999999999999}
        ),
    ]
    r = _import(client, headers, "a.jsonl", "\n".join(lines).encode())
    assert r.status_code == 200, r.text
    report = r.json()
    assert report["created"] == 1 and report["failed"] == 4, report


def test_csv_export_escapes_formulas(client, make_key) -> None:
    headers = make_key("reviewer")
    # Each text asks something, so each gets a reply draft and shows in the queue export.
    texts = ['=HYPERLINK("http://x") min', "+1+1 min", "-2+3 min", "@SUM(A1) min", "aman"]
    for i, text in enumerate(f"{t}, syarat bikin KTP apa ya?" for t in texts):
        post_comment(client, headers, f"f{i}", text)
    r = client.get("/api/v1/export/queue?format=csv&status=all", headers=headers)
    assert r.status_code == 200
    cells = r.text
    for bad in ("=HYPERLINK", "+1+1", "-2+3", "@SUM"):
        assert re.search(rf"(^|,)\"?'{re.escape(bad)}", cells, re.M), bad
        assert not re.search(rf"(^|,)\"?{re.escape(bad)}", cells, re.M), bad
