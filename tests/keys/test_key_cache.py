"""The verified-key cache: expiry, revocation through the API at once, elsewhere within the TTL."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session

from app.keys import service as keys_service
from app.keys.cache import KeyCache
from app.security import Principal
from tests.helpers import assert_error

TEXT = {"text": "kapan pelayanan buka?"}


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _principal(key_id: int) -> Principal:
    return Principal(kind="key", name=f"k{key_id}", role="integration", id=key_id)


def test_an_entry_lives_for_the_ttl_and_no_longer() -> None:
    clock = FakeClock()
    cache = KeyCache(ttl_seconds=5, clock=clock)
    cache.put("h1", _principal(1))
    clock.now += 4.9
    assert cache.get("h1") == _principal(1)
    clock.now += 0.1
    assert cache.get("h1") is None
    assert cache.get("unknown") is None


def test_a_forgotten_key_is_dropped_and_never_kept_again() -> None:
    cache = KeyCache(ttl_seconds=5, clock=FakeClock())
    cache.put("h1", _principal(1))
    cache.put("h2", _principal(2))
    cache.forget(1)
    assert cache.get("h1") is None
    assert cache.get("h2") == _principal(2)
    cache.put("h1", _principal(1))  # a lookup that started before the revocation
    assert cache.get("h1") is None


def test_ttl_zero_keeps_nothing_and_the_size_is_bounded() -> None:
    off = KeyCache(ttl_seconds=0, clock=FakeClock())
    off.put("h1", _principal(1))
    assert off.get("h1") is None
    clock = FakeClock()
    small = KeyCache(ttl_seconds=5, max_entries=2, clock=clock)
    small.put("h1", _principal(1))
    clock.now += 10  # h1 expired: dropped first when full
    small.put("h2", _principal(2))
    small.put("h3", _principal(3))
    assert [small.get(h) for h in ("h1", "h2", "h3")] == [None, _principal(2), _principal(3)]
    small.put("h4", _principal(4))  # full of live entries: start over
    assert [small.get(h) for h in ("h2", "h3", "h4")] == [None, None, _principal(4)]


def _new_key(engine: Engine, role: str = "integration") -> tuple[int, dict[str, str]]:
    with Session(engine) as s:
        row, key = keys_service.create(session=s, name=f"cached-{role}", role=role)
    assert row.id is not None
    return row.id, {"Authorization": f"Bearer {key}"}


def test_a_key_revoked_through_the_api_stops_at_once(client: TestClient, engine: Engine) -> None:
    key_id, headers = _new_key(engine)
    _, admin = _new_key(engine, "admin")
    assert client.post("/api/v1/classify", json=TEXT, headers=headers).status_code == 200
    assert client.delete(f"/api/v1/keys/{key_id}", headers=admin).status_code == 200
    r = client.post("/api/v1/classify", json=TEXT, headers=headers)
    assert_error(r, 401, "not_authenticated")


def test_a_key_revoked_elsewhere_stops_when_its_entry_expires(
    client: TestClient, engine: Engine
) -> None:
    clock = FakeClock()
    client.app.state.key_cache = KeyCache(ttl_seconds=5, clock=clock)  # type: ignore[attr-defined]
    key_id, headers = _new_key(engine)
    assert client.post("/api/v1/classify", json=TEXT, headers=headers).status_code == 200
    with Session(engine) as s:  # as `tanggap apikey revoke` or another replica does
        keys_service.revoke(session=s, key_id=key_id)
    clock.now += 4
    assert client.post("/api/v1/classify", json=TEXT, headers=headers).status_code == 200
    clock.now += 1
    assert_error(client.post("/api/v1/classify", json=TEXT, headers=headers), 401)
    clock.now += 60  # and an unknown or revoked key is never remembered
    assert_error(client.post("/api/v1/classify", json=TEXT, headers=headers), 401)


def test_with_the_cache_off_a_revocation_elsewhere_stops_the_next_call(
    client: TestClient, engine: Engine
) -> None:
    client.app.state.key_cache = KeyCache(ttl_seconds=0)  # type: ignore[attr-defined]
    key_id, headers = _new_key(engine)
    assert client.post("/api/v1/classify", json=TEXT, headers=headers).status_code == 200
    with Session(engine) as s:
        keys_service.revoke(session=s, key_id=key_id)
    assert_error(client.post("/api/v1/classify", json=TEXT, headers=headers), 401)


def test_the_default_cache_is_five_seconds(client: TestClient) -> None:
    assert client.app.state.key_cache.ttl == 5.0  # type: ignore[attr-defined]
