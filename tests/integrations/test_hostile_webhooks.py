"""Platform deliveries with hostile fields are cut to fit, never failed whole (issue 16)."""

from __future__ import annotations

import json

from pydantic import SecretStr
from sqlmodel import Session, select

from app.tables import Comment
from tests.integrations.conftest import (
    fb_change,
    fb_payload,
    ig_payload,
    meta_body,
    meta_headers,
)
from tests.integrations.test_chatwoot import _message, _signed


def _post(client, payload) -> dict:
    body = meta_body(payload)
    r = client.post("/webhooks/meta", content=body, headers=meta_headers(body))
    assert r.status_code == 200, r.text
    return r.json()


def test_meta_over_long_author_and_ids_are_cut_and_the_rest_is_stored(iclient, engine) -> None:
    long_id = "9" * 500
    payload = ig_payload(long_id, "kapan jalan diperbaiki?", username="u" * 400, user_id="1" * 300)
    second = ig_payload("ig-ok", "terima kasih min")["entry"][0]["changes"][0]
    payload["entry"][0]["changes"].append(second)
    payload["entry"][0]["changes"][0]["value"]["media"]["id"] = "m\x00" * 300
    assert len(_post(iclient, payload)["comment_ids"]) == 2
    with Session(engine) as s:
        rows = {c.text: c for c in s.exec(select(Comment))}
    cut = rows["kapan jalan diperbaiki?"]
    assert len(cut.external_id) == 200 and len(cut.author or "") == 200
    assert "\x00" not in (cut.post_id or "")
    assert rows["terima kasih min"].external_id == "ig-ok"
    # the same over-long id again is a duplicate, not a second comment
    assert _post(iclient, ig_payload(long_id, "kapan jalan diperbaiki?"))["duplicates"]


def test_meta_out_of_range_times_fall_back_to_the_receive_time(iclient, engine) -> None:
    change = fb_change("fb-far", "Pelayanan lambat")
    change["value"]["created_time"] = 10**30
    payload = fb_payload(change)
    payload["entry"][0]["time"] = 10**30
    assert len(_post(iclient, payload)["comment_ids"]) == 1
    with Session(engine) as s:
        row = s.exec(select(Comment)).one()
    assert row.created_at.year < 3000


def test_meta_edits_apply_only_when_newer(iclient, engine) -> None:
    def at(time: int, text: str, verb: str) -> dict:
        payload = fb_payload(fb_change("fb-e", text, verb=verb))
        payload["entry"][0]["time"] = time
        return payload

    _post(iclient, at(1_700_001_000, "teks asli", "add"))
    assert _post(iclient, at(1_700_003_000, "ralat kedua", "edited"))["edited"] == 1
    stale = _post(
        iclient, at(1_700_002_000, "ralat pertama", "edited")
    )  # late delivery of an older edit
    assert stale["edited"] == 0 and stale["skipped"] == 1
    _post(iclient, at(1_700_003_000, "ralat kedua", "edited"))  # a replay changes nothing
    with Session(engine) as s:
        assert s.exec(select(Comment)).one().text == "ralat kedua"


def test_webhook_deeply_nested_json_is_malformed_json(iclient) -> None:
    body = b'{"entry": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    r = iclient.post("/webhooks/meta", content=body, headers=meta_headers(body))
    assert r.status_code == 400
    assert r.json()["error"]["code"] == "malformed_json"


def test_chatwoot_over_long_sender_is_cut(make_app, isettings, engine) -> None:
    from fastapi.testclient import TestClient

    s = isettings.model_copy(
        update={"chatwoot_webhook_secret": SecretStr("chatwoot-webhook-secret")}
    )
    payload = _message(5, "halo min, mau tanya", sender={"id": "7" * 400, "name": "n" * 999})
    body = json.dumps(payload).encode()
    with TestClient(make_app(s)) as c:
        r = c.post("/webhooks/chatwoot", content=body, headers=_signed(body))
    assert r.status_code == 200, r.text
    with Session(engine) as db:
        row = db.exec(select(Comment)).one()
    assert len(row.author or "") == 200 and len(row.author_id or "") == 200
