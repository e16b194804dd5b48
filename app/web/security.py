"""Web sessions: signed cookie, the logged-in user, CSRF tokens.

The session is Starlette's signed cookie (HttpOnly, SameSite=Lax, `Secure` when
TANGGAP_SESSION_COOKIE_SECURE is set). It holds only the user id, a fingerprint of the password
hash (changing the password ends every session), the login time (absolute expiry) and the CSRF
token. `WebSessionAuth` turns it into `request.state.user`, which `app.deps.get_principal`
accepts, so the logged-in browser may also call the JSON API, but then every unsafe method must
carry the token in `X-CSRF-Token`. Bearer-key calls ignore the cookie entirely.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
import threading
import time
from collections import deque
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Annotated, Any

from fastapi import FastAPI, Form, Request
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, delete
from starlette.concurrency import run_in_threadpool
from starlette.middleware.sessions import SessionMiddleware
from starlette.types import ASGIApp, Receive, Scope, Send

from app.config import Settings
from app.security import Principal
from app.tables import RevokedSession, User
from app.users import service as users_service

log = logging.getLogger("tanggap.web")

STATIC_DIR = Path(__file__).parent / "static"
SESSION_COOKIE = "tanggap_session"
CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class LoginThrottle:
    """Failed logins in a sliding window, in this process; slows guessing, never the owner.

    Three counters: per username and address (5), per address over all usernames (20) and per
    username over all addresses (10). The first two block that address. The third means the
    account is under attack from many places: then every address that already failed for it is
    blocked, but an address with no failure for it (the owner at their own desk) still gets in
    with the right password, so nobody can lock an admin out by guessing. Argon2 already makes
    each guess slow. Limits are per process: with several replicas an attacker gets that many
    times the attempts. The address is the client's unless it came through a proxy named in
    TANGGAP_TRUSTED_PROXIES, so X-Forwarded-For from anyone else changes nothing.
    """

    def __init__(
        self,
        *,
        per_user_address: int = 5,
        per_address: int = 20,
        per_user: int = 10,
        window_seconds: float = 300.0,
    ) -> None:
        self.limits = {"ua": per_user_address, "addr": per_address, "user": per_user}
        self.window = window_seconds
        self._failures: dict[tuple[str, ...], deque[float]] = {}
        self._lock = threading.Lock()

    @staticmethod
    def _keys(username: str, address: str) -> dict[str, tuple[str, ...]]:
        name = username.strip().lower()
        return {"ua": ("ua", name, address), "addr": ("addr", address), "user": ("user", name)}

    def _recent(self, key: tuple[str, ...], now: float) -> deque[float]:
        times = self._failures.setdefault(key, deque())
        while times and now - times[0] > self.window:
            times.popleft()
        return times

    def retry_after(self, username: str, address: str) -> int:
        """Seconds until this address may try this username again; 0 when it may now."""
        now = time.monotonic()
        keys = self._keys(username, address)
        with self._lock:
            counts = {kind: self._recent(key, now) for kind, key in keys.items()}
            blocking: list[deque[float]] = [
                counts[kind] for kind in ("ua", "addr") if len(counts[kind]) >= self.limits[kind]
            ]
            if len(counts["user"]) >= self.limits["user"] and counts["ua"]:
                blocking.append(counts["ua"])
            if not blocking:
                return 0
            oldest = min(times[0] for times in blocking)
        return max(1, int(self.window - (now - oldest)) + 1)

    def blocked(self, username: str, address: str) -> bool:
        return self.retry_after(username, address) > 0

    def failed(self, username: str, address: str) -> None:
        now = time.monotonic()
        with self._lock:
            for key in self._keys(username, address).values():
                self._recent(key, now).append(now)
            if len(self._failures) > 10_000:  # bound memory under a spray of names
                self._failures = {k: v for k, v in self._failures.items() if v}

    def succeeded(self, username: str, address: str) -> None:
        with self._lock:
            self._failures.pop(self._keys(username, address)["ua"], None)


class LoginRequired(Exception):
    """A web page was asked for without a valid session: redirect to the login form."""


class CsrfFailed(Exception):
    """A form arrived without the session's CSRF token."""


def password_fingerprint(password_hash: str) -> str:
    return hashlib.sha256(password_hash.encode()).hexdigest()[:16]


def csrf_token(session: dict[str, Any]) -> str:
    """The session's CSRF token, created on first use (the login form gets one too)."""
    token = session.get("csrf")
    if not isinstance(token, str) or not token:
        token = secrets.token_urlsafe(32)
        session["csrf"] = token
    return token


def csrf_valid(session: dict[str, Any], token: str | None) -> bool:
    expected = session.get("csrf")
    if not isinstance(expected, str) or not expected or not token:
        return False
    return secrets.compare_digest(expected.encode(), token.encode())


def start_session(session: dict[str, Any], user: User) -> None:
    """Log a user in: a fresh session (no fixation) with a new CSRF token."""
    session.clear()
    session["sid"] = secrets.token_urlsafe(24)  # revocable on the server (`revoke_session`)
    session["uid"] = user.id
    session["pw"] = password_fingerprint(user.password_hash)
    session["iat"] = time.time()
    session["csrf"] = secrets.token_urlsafe(32)


def _sid_hash(sid: str) -> str:
    return hashlib.sha256(sid.encode()).hexdigest()


def revoke_session(request: Request, *, max_age_seconds: int) -> None:
    """Logout: the cookie's session id is refused from now on, on every replica."""
    sid = request.session.get("sid")
    request.session.clear()
    if not isinstance(sid, str) or not sid:
        return
    now = datetime.now(UTC)
    with Session(request.app.state.engine) as db:
        db.exec(delete(RevokedSession).where(col(RevokedSession.expires_at) < now))
        if db.get(RevokedSession, _sid_hash(sid)) is None:
            db.add(
                RevokedSession(
                    sid_hash=_sid_hash(sid),
                    user_id=None,
                    revoked_at=now,
                    expires_at=now + timedelta(seconds=max_age_seconds),
                )
            )
        db.commit()


def _load_principal(engine: Engine, session_data: dict[str, Any]) -> Principal | None:
    sid = session_data.get("sid")
    if not isinstance(sid, str) or not sid:
        return None  # a cookie from before server-side sessions: log in again
    with Session(engine) as db:
        if db.get(RevokedSession, _sid_hash(sid)) is not None:
            return None
        user = db.get(User, session_data.get("uid"))
        if user is None:
            return None
        # Deactivation, a role change and a password reset end the sessions started before.
        if not users_service.session_valid(user, float(session_data.get("iat", 0))):
            return None
        if session_data.get("pw") != password_fingerprint(user.password_hash):
            return None
        return users_service.principal_of(user)


class WebSessionAuth:
    """Resolve the session cookie's user into `request.state.user`; CSRF-check cookie API calls."""

    def __init__(self, app: ASGIApp, *, max_age_seconds: int) -> None:
        self.app = app
        self.max_age_seconds = max_age_seconds

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or "session" not in scope:
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        session: dict[str, Any] = scope["session"]
        if b"authorization" in headers or "uid" not in session:
            await self.app(scope, receive, send)
            return
        principal = None
        if time.time() - float(session.get("iat", 0)) <= self.max_age_seconds:
            principal = await run_in_threadpool(
                _load_principal, scope["app"].state.engine, dict(session)
            )
        if principal is None:
            session.clear()
            await self.app(scope, receive, send)
            return
        scope.setdefault("state", {})["user"] = principal
        path: str = scope.get("path", "")
        if path.startswith("/api/") and scope["method"] not in SAFE_METHODS:
            token = headers.get(CSRF_HEADER.encode(), b"").decode("latin-1")
            if not csrf_valid(session, token):
                response = JSONResponse(
                    {
                        "error": {
                            "code": "csrf_failed",
                            "message": "Missing or invalid X-CSRF-Token header.",
                            "details": None,
                        }
                    },
                    status_code=403,
                )
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)


def web_user(request: Request) -> Principal:
    """The logged-in user of a web page, or a redirect to the login form."""
    user = getattr(request.state, "user", None)
    if not isinstance(user, Principal) or user.kind != "user":
        raise LoginRequired()
    return user


def check_csrf(request: Request, csrf_token: Annotated[str, Form()] = "") -> None:
    """Every web form carries the session's token in a hidden `csrf_token` field."""
    if not csrf_valid(request.session, csrf_token):
        raise CsrfFailed()


def _secret(settings: Settings) -> str:
    secret = settings.secret_key.get_secret_value()
    if not secret:
        log.warning(
            "web.secret_key.missing TANGGAP_SECRET_KEY is empty: using a random key, so web "
            "sessions end on every restart and are not shared between replicas"
        )
        secret = secrets.token_urlsafe(48)
    return secret


def install_web(app: FastAPI, settings: Settings) -> None:
    """Session cookie, web auth, static files and the web error pages (called by create_app)."""
    from app.web.admin import NotAdmin, not_admin_page
    from app.web.auth import csrf_failed_page, login_redirect

    app.add_middleware(WebSessionAuth, max_age_seconds=settings.session_max_age_seconds)
    app.add_middleware(
        SessionMiddleware,
        secret_key=_secret(settings),
        session_cookie=SESSION_COOKIE,
        max_age=settings.session_max_age_seconds,
        same_site="lax",
        https_only=settings.session_cookie_secure,
    )
    app.state.login_throttle = LoginThrottle(
        per_user_address=settings.login_failures_per_user_address,
        per_address=settings.login_failures_per_address,
        per_user=settings.login_failures_per_user,
        window_seconds=settings.login_window_seconds,
    )
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    app.add_exception_handler(LoginRequired, login_redirect)
    app.add_exception_handler(CsrfFailed, csrf_failed_page)
    app.add_exception_handler(NotAdmin, not_admin_page)
