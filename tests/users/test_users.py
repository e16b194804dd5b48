"""Managing users: list, deactivate, role, password reset; each ends the user's sessions."""

from __future__ import annotations

import re

import pytest
from sqlmodel import Session

from app.errors import ValidationFailed
from app.users import service
from app.users.service import LastAdmin, UserNotFound

PASSWORD = "rahasia-123"


def _token(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match
    return match.group(1)


def _login(client, username: str, password: str = PASSWORD) -> None:
    token = _token(client.get("/login").text)
    r = client.post(
        "/login",
        data={"username": username, "password": password, "csrf_token": token, "next": "/queue"},
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text


@pytest.fixture
def people(engine):
    with Session(engine) as s:
        service.create(session=s, username="kepala", password=PASSWORD, role="admin")
        service.create(session=s, username="budi", password=PASSWORD, role="reviewer")


def test_service_rules(engine, people):
    with Session(engine) as s:
        assert [u.username for u in service.list_users(session=s)] == ["budi", "kepala"]
        with pytest.raises(LastAdmin):
            service.set_active(session=s, username="kepala", active=False, actor="t")
        with pytest.raises(LastAdmin):
            service.set_role(session=s, username="kepala", role="reviewer", actor="t")
        with pytest.raises(UserNotFound):
            service.set_active(session=s, username="nobody", active=False, actor="t")
        with pytest.raises(ValidationFailed):
            service.reset_password(session=s, username="budi", actor="t", password="short")
        _, new = service.reset_password(session=s, username="budi", actor="t")
        assert len(new) >= 12
        assert service.authenticate(session=s, username="budi", password=new) is not None
        assert service.authenticate(session=s, username="budi", password=PASSWORD) is None
        service.set_role(session=s, username="budi", role="admin", actor="t")
        service.set_active(session=s, username="kepala", active=False, actor="t")  # budi remains


@pytest.mark.parametrize("change", ["deactivate", "reset", "role"])
def test_admin_change_ends_a_live_session(client, app, engine, people, change):
    from fastapi.testclient import TestClient

    _login(client, "budi")
    assert client.get("/queue", follow_redirects=False).status_code == 200
    with TestClient(app) as admin:
        _login(admin, "kepala")
        token = _token(admin.get("/users").text)
        path, data = {
            "deactivate": ("/users/budi/active", {"active": "0"}),
            "reset": ("/users/budi/password", {}),
            "role": ("/users/budi/role", {"role": "admin"}),
        }[change]
        r = admin.post(path, data={"csrf_token": token, **data}, follow_redirects=False)
        assert r.status_code in (200, 303), r.text
        if change == "reset":
            assert "Kata sandi baru" in r.text
    r = client.get("/queue", follow_redirects=False)
    assert (r.status_code, r.headers["location"]) == (303, "/login?next=%2Fqueue")


def test_reactivation_does_not_revive_old_sessions(client, engine, people):
    _login(client, "budi")
    with Session(engine) as s:
        service.set_active(session=s, username="budi", active=False, actor="t")
        service.set_active(session=s, username="budi", active=True, actor="t")
    assert client.get("/queue", follow_redirects=False).status_code == 303
    _login(client, "budi")  # a new login works
    assert client.get("/queue", follow_redirects=False).status_code == 200


def test_reviewer_cannot_open_admin_pages(client, people):
    _login(client, "budi")
    for path in ("/users", "/accounts"):
        r = client.get(path)
        assert r.status_code == 403
        assert "Khusus admin" in r.text


def test_cli_user_commands(engine, people, monkeypatch, capsys, settings):
    from app.cli import main
    from app.config import get_settings

    monkeypatch.setenv("TANGGAP_DATABASE_URL", settings.database_url)
    get_settings.cache_clear()
    try:
        assert main(["user", "list"]) == 0
        out = capsys.readouterr().out
        assert re.search(r"budi\s+reviewer\s+yes", out)
        assert main(["user", "set-role", "--username", "budi", "--role", "admin"]) == 0
        assert main(["user", "deactivate", "--username", "budi"]) == 0
        assert main(["user", "reset-password", "--username", "budi", "--generate"]) == 0
        new = capsys.readouterr().out.strip().splitlines()[-1]
        assert main(["user", "activate", "--username", "budi"]) == 0
        assert main(["user", "list"]) == 0
        assert re.search(r"budi\s+admin\s+yes", capsys.readouterr().out)
    finally:
        get_settings.cache_clear()
    with Session(engine) as s:
        assert service.authenticate(session=s, username="budi", password=new) is not None
