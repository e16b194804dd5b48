"""Accounts are a registry: ingest to an unknown account is refused unless auto-creation is on."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.drafting.drafter import load_drafter
from app.main import create_app
from app.tables import Account, Comment
from tests.helpers import assert_error


def _strict_client(settings, engine, classifier):
    strict = settings.model_copy(update={"auto_create_accounts": False})
    app = create_app(
        strict,
        engine=engine,
        classifier=classifier,
        drafter=load_drafter(strict),
        start_worker=False,
    )
    return TestClient(app)


def test_unknown_account_is_422_and_creates_nothing(settings, engine, classifier, make_key):
    headers = make_key("integration")
    admin = make_key("admin")
    with _strict_client(settings, engine, classifier) as client:
        body = {
            "platform": "instagram",
            "external_id": "t1",
            "text": "halo",
            "account": "dinsos-typo",
        }
        r = client.post("/api/v1/comments", json=body, headers=headers)
        error = assert_error(r, 422, "unknown_account")
        assert error["details"] == {"accounts": ["dinsos-typo"]}
        # The default account is always accepted.
        del body["account"]
        assert client.post("/api/v1/comments", json=body, headers=headers).status_code == 201
        # Registered: accepted.
        client.put("/api/v1/accounts/dinsos", json={"institution_name": "Dinsos"}, headers=admin)
        body |= {"external_id": "t2", "account": "dinsos"}
        assert client.post("/api/v1/comments", json=body, headers=headers).status_code == 201
        # A batch refuses only the items with an unknown account.
        items = [
            {"platform": "x", "external_id": "b1", "text": "halo", "account": "dinsos"},
            {"platform": "x", "external_id": "b2", "text": "halo", "account": "dinsos-typo"},
        ]
        r = client.post("/api/v1/comments/batch", json={"items": items}, headers=headers)
        assert r.status_code == 200, r.text
        out = r.json()
        assert [i["status"] for i in out["items"]] == ["created", "error"]
        assert out["items"][1]["error"]["code"] == "unknown_account"
    with Session(engine) as s:
        names = {a.name for a in s.exec(select(Account))}
        accounts_of_comments = {c.account for c in s.exec(select(Comment))}
    assert "dinsos-typo" not in names | accounts_of_comments


def test_auto_create_registers_the_account(client, make_key, engine):
    # The test settings have TANGGAP_AUTO_CREATE_ACCOUNTS=true.
    headers = make_key("integration")
    body = {"platform": "instagram", "external_id": "a1", "text": "halo", "account": "baru"}
    assert client.post("/api/v1/comments", json=body, headers=headers).status_code == 201
    with Session(engine) as s:
        row = s.exec(select(Account).where(Account.name == "baru")).one()
    assert row.publishing_mode == "graph"


def test_publishing_mode_through_put_and_get(client, make_key):
    admin = make_key("admin")
    r = client.put(
        "/api/v1/accounts/kota",
        json={"institution_name": "Kota", "publishing_mode": "teleport"},
        headers=admin,
    )
    assert_error(r, 422)
    r = client.put(
        "/api/v1/accounts/kota",
        json={"institution_name": "Kota", "publishing_mode": "manual"},
        headers=admin,
    )
    assert r.status_code == 201
    # Omitted on a later PUT: unchanged.
    client.put("/api/v1/accounts/kota", json={"institution_name": "Kota B"}, headers=admin)
    body = client.get("/api/v1/accounts/kota", headers=admin).json()
    assert (body["publishing_mode"], body["meta_state"]) == ("manual", "connected")
