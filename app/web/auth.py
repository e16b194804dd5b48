"""Web pages: login and logout, and the pages for a missing login or a stale form."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from app.deps import SessionDep
from app.security import Principal
from app.users import service as users_service
from app.web.pages import Csrf, back, flash, render, safe_next
from app.web.security import revoke_session, start_session

router = APIRouter(include_in_schema=False)


# Exception handlers (installed by app.web.security.install_web).


async def login_redirect(request: Request, _: Exception) -> Response:
    if request.method == "GET":
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse("/login?" + urlencode({"next": target}), status_code=303)
    return RedirectResponse("/login", status_code=303)


async def csrf_failed_page(request: Request, _: Exception) -> Response:
    return render(
        request,
        "error.html",
        {
            "title": "Formulir kedaluwarsa",
            "message": "Token keamanan formulir tidak cocok atau sesi sudah berakhir. "
            "Muat ulang halaman lalu coba lagi.",
        },
        status_code=403,
    )


@router.get("/", response_class=HTMLResponse)
def index(request: Request) -> Response:
    """The login form, or the queue when already logged in."""
    if isinstance(getattr(request.state, "user", None), Principal):
        return RedirectResponse("/queue", status_code=303)
    return render(request, "login.html", {"error": None, "username": "", "next": "/queue"})


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, next: str = "/queue") -> Response:
    """The login form."""
    if isinstance(getattr(request.state, "user", None), Principal):
        return RedirectResponse(safe_next(next), status_code=303)
    return render(request, "login.html", {"error": None, "username": "", "next": safe_next(next)})


@router.post("/login", response_class=HTMLResponse, dependencies=[Csrf])
def login(
    request: Request,
    session: SessionDep,
    username: Annotated[str, Form(max_length=100)] = "",
    password: Annotated[str, Form(max_length=1000)] = "",
    next: Annotated[str, Form()] = "/queue",
) -> Response:
    """Check the username and password and start a session."""
    throttle = request.app.state.login_throttle
    address = request.client.host if request.client else "unknown"
    context = {"username": username, "next": safe_next(next)}
    if throttle.blocked(username, address):
        context["error"] = "Terlalu banyak percobaan masuk. Coba lagi beberapa menit lagi."
        return render(request, "login.html", context, status_code=429)
    principal = users_service.authenticate(session=session, username=username, password=password)
    user = users_service.find(session=session, user_id=principal.id) if principal else None
    if user is None:
        throttle.failed(username, address)
        context["error"] = "Nama pengguna atau kata sandi salah."
        return render(request, "login.html", context, status_code=401)
    throttle.succeeded(username, address)
    start_session(request.session, user)
    return back(next)


@router.post("/logout", dependencies=[Csrf])
def logout(request: Request) -> Response:
    """End the session (revoked on the server: the old cookie no longer works)."""
    revoke_session(request, max_age_seconds=request.app.state.settings.session_max_age_seconds)
    flash(request, "ok", "Anda sudah keluar.")
    return RedirectResponse("/login", status_code=303)
