"""Logout revokes the session on the server; the login throttle slows guessing, not the owner."""

from __future__ import annotations

from fastapi.testclient import TestClient

from app.web.security import LoginThrottle
from tests.web.test_web_forms import PASSWORD, _login, _token, _user


def test_old_cookie_is_refused_after_logout(client, engine) -> None:
    _user(engine)
    token = _login(client)
    stolen = dict(client.cookies)  # someone copied the cookie while logged in
    assert client.get("/queue").status_code == 200
    client.post("/logout", data={"csrf_token": token}, follow_redirects=False)
    with TestClient(client.app) as replay:  # type: ignore[arg-type]
        replay.cookies.update(stolen)
        r = replay.get("/queue", follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"].startswith("/login")
        assert replay.get("/api/v1/drafts").status_code == 401


def _attempt(client: TestClient, password: str) -> int:
    token = _token(client.get("/login").text)
    r = client.post(
        "/login",
        data={"username": "budi", "password": password, "csrf_token": token},
        follow_redirects=False,
    )
    return r.status_code


def test_attacker_is_slowed_but_the_owner_still_logs_in(app, engine) -> None:
    _user(engine)
    with TestClient(app, client=("203.0.113.9", 1000)) as attacker:
        codes = [_attempt(attacker, f"guess-{i}") for i in range(7)]
        assert codes[:5] == [401] * 5 and codes[5:] == [429, 429]
        assert _attempt(attacker, PASSWORD) == 429  # blocked for this address, right or wrong
    with TestClient(app, client=("198.51.100.7", 2000)) as owner:
        assert _attempt(owner, PASSWORD) == 303


def test_throttle_counters() -> None:
    throttle = LoginThrottle(per_user_address=3, per_address=5, per_user=4, window_seconds=60)
    for _ in range(3):
        throttle.failed("admin", "1.1.1.1")
    assert throttle.blocked("admin", "1.1.1.1")
    assert 0 < throttle.retry_after("admin", "1.1.1.1") <= 61
    assert not throttle.blocked("admin", "2.2.2.2")
    # many addresses against one account: those that failed are blocked, a clean one is not
    throttle.failed("admin", "3.3.3.3")
    assert throttle.blocked("admin", "3.3.3.3")
    assert not throttle.blocked("admin", "4.4.4.4")
    # one address spraying usernames
    for name in ("a", "b", "c", "d", "e"):
        throttle.failed(name, "5.5.5.5")
    assert throttle.blocked("someone-else", "5.5.5.5")
    throttle.succeeded("admin", "3.3.3.3")
    assert throttle.blocked("admin", "1.1.1.1")
