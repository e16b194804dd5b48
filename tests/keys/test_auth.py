"""Authentication and roles on the REST API."""

from sqlmodel import Session

from app.keys import service as keys_service
from tests.helpers import assert_error

COMMENT = {"platform": "web", "external_id": "a1", "text": "kapan pelayanan buka?"}


def test_missing_key_is_401(client):
    assert_error(client.post("/api/v1/comments", json=COMMENT), 401, "not_authenticated")


def test_unknown_key_is_401(client):
    r = client.get("/api/v1/drafts", headers={"Authorization": "Bearer tgp_not-a-real-key"})
    assert_error(r, 401, "not_authenticated")


def test_revoked_key_is_401(client, engine):
    with Session(engine) as s:
        row, key = keys_service.create(session=s, name="old", role="admin")
        keys_service.revoke(session=s, key_id=row.id)
    r = client.get("/api/v1/drafts", headers={"Authorization": f"Bearer {key}"})
    assert_error(r, 401)


def test_integration_cannot_review(client, make_key):
    headers = make_key("integration")
    created = client.post("/api/v1/comments", json=COMMENT, headers=headers).json()
    r = client.post(f"/api/v1/drafts/{created['draft']['id']}/approve", headers=headers)
    assert_error(r, 403, "forbidden")


def test_reviewer_cannot_manage_keys(client, make_key):
    r = client.post(
        "/api/v1/keys", json={"name": "x", "role": "admin"}, headers=make_key("reviewer")
    )
    assert_error(r, 403)


def test_admin_creates_key_shown_once_and_usable(client, make_key, engine):
    admin = make_key("admin")
    r = client.post("/api/v1/keys", json={"name": "helpdesk", "role": "integration"}, headers=admin)
    assert r.status_code == 201
    key = r.json()["key"]
    assert key.startswith("tgp_")
    listed = client.get("/api/v1/keys", headers=admin).json()["items"]
    assert all("key" not in item for item in listed)
    assert any(item["name"] == "helpdesk" and key.startswith(item["prefix"]) for item in listed)
    # only the hash is stored
    from sqlmodel import select

    from app.tables import ApiKey

    with Session(engine) as s:
        stored = s.exec(select(ApiKey).where(ApiKey.name == "helpdesk")).one()
    assert key not in stored.key_hash
    ok = client.post("/api/v1/comments", json=COMMENT, headers={"Authorization": f"Bearer {key}"})
    assert ok.status_code == 201


def test_ops_endpoints_need_no_key(client):
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json()["checks"]["database"] == "ok"
    assert client.get("/metrics").status_code == 200
