"""Outgoing webhook URLs (SSRF), unsigned Chatwoot deliveries, no response bodies in the log."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.integrations.urlguard import UnsafeUrl, check_url
from app.tables import Comment, WebhookDelivery
from tests.integrations.test_chatwoot import _message

PUBLIC = "93.184.215.14"


def _resolver(table: dict[str, list[str]]):  # type: ignore[no-untyped-def]
    def resolve(host: str, port: int) -> list[str]:
        if host not in table:
            raise OSError("no such host")
        return table[host]

    return resolve


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/hook",
        "http://localhost:8000/hook",
        "http://[::1]/hook",
        "http://[::ffff:127.0.0.1]/hook",
        "http://169.254.169.254/latest/meta-data/",
        "http://metadata.google.internal/computeMetadata/v1/",
        "http://10.0.0.5/hook",
        "http://192.168.1.1/hook",
        "http://172.16.0.1/hook",
        "http://[fd00:ec2::254]/",
        "http://0.0.0.0/",
        "http://2130706433/",
        "http://0x7f.1/",
        "http://017700000001/",
        "http://127.1/",
        "http://rebind.example/hook",
        "https://user:pass@hooks.example/x",
        "https://hooks.example@127.0.0.1/x",
        "ftp://hooks.example/x",
        "http://nowhere.example/x",
        "http://hooks.example:99999/x",
    ],
)
def test_inside_or_odd_urls_are_refused(url: str) -> None:
    resolve = _resolver(
        {
            "localhost": ["127.0.0.1", "::1"],
            "metadata.google.internal": ["169.254.169.254"],
            "rebind.example": [PUBLIC, "10.0.0.7"],  # one inside address is enough to refuse
            "hooks.example": [PUBLIC],
        }
    )
    with pytest.raises(UnsafeUrl):
        check_url(url, resolver=resolve)


def test_public_and_allow_listed_urls_pass() -> None:
    resolve = _resolver({"hooks.example": [PUBLIC], "hooks.internal": ["10.1.2.3"]})
    assert check_url("https://hooks.example/x", resolver=resolve)
    assert check_url("http://hooks.internal/x", allow=["hooks.internal"], resolver=resolve)
    assert check_url("http://hooks.internal/x", allow=["10.1.2.0/24"], resolver=resolve)
    assert check_url("http://127.0.0.1:9000/x", allow=["127.0.0.1"], resolver=resolve)
    with pytest.raises(UnsafeUrl):
        check_url("http://hooks.internal/x", allow=["10.9.0.0/16"], resolver=resolve)


def test_api_refuses_loopback_and_credentials_by_default(make_app, settings, make_key) -> None:
    admin = make_key("admin")
    with TestClient(make_app(settings)) as c:
        for url in ("http://127.0.0.1:9/x", "http://2130706433/x", "https://a:b@example.com/x"):
            r = c.post(
                "/api/v1/webhooks", json={"url": url, "events": ["draft.approved"]}, headers=admin
            )
            assert r.status_code == 422, r.text
            assert r.json()["error"]["details"] == {"field": "url"}


def test_delivery_log_keeps_no_response_body(iclient, iworker, receiver, engine, make_key) -> None:
    admin = make_key("admin")
    receiver.fail_next(1, 500, body="SECRET-INTERNAL-PAGE " * 20)  # type: ignore[attr-defined]
    sub = iclient.post(
        "/api/v1/webhooks",
        json={"url": receiver.url + "/hook", "events": ["draft.approved"]},
        headers=admin,
    ).json()
    iclient.post(f"/api/v1/webhooks/{sub['id']}/ping", headers=admin)
    iworker.drain()
    with Session(engine) as s:
        errors = [d.last_error or "" for d in s.exec(select(WebhookDelivery))]
    assert errors and all("SECRET" not in e for e in errors)


def test_delivery_to_a_url_that_turned_private_is_refused(
    make_app, isettings, make_worker, receiver, engine, make_key
) -> None:
    admin = make_key("admin")
    with TestClient(make_app(isettings)) as c:
        sub = c.post(
            "/api/v1/webhooks",
            json={"url": receiver.url + "/hook", "events": ["draft.approved"]},
            headers=admin,
        ).json()
        c.post(f"/api/v1/webhooks/{sub['id']}/ping", headers=admin)
    strict = isettings.model_copy(update={"webhook_allowed_targets": []})
    make_worker(strict).drain()
    with Session(engine) as s:
        delivery = s.exec(select(WebhookDelivery)).one()
    assert delivery.status == "failed" and "refused: " in (delivery.last_error or "")


def test_chatwoot_unsigned_refused_by_default(make_app, settings, engine) -> None:
    body = json.dumps(_message(9, "halo min")).encode()
    with TestClient(make_app(settings)) as c:
        r = c.post("/webhooks/chatwoot", content=body, headers={"Content-Type": "application/json"})
    assert r.status_code == 403
    assert r.json()["error"]["code"] == "webhook_not_configured"
    with Session(engine) as s:
        assert s.exec(select(Comment)).first() is None
