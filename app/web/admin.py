"""Web pages for admins: the accounts registry and the users."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, Response

from app.accounts import service as accounts_service
from app.deps import SessionDep
from app.drafts.publishing import MODES
from app.errors import AppError
from app.integrations import connections
from app.security import Principal
from app.users import service as users_service
from app.web.messages import friendly
from app.web.pages import Csrf, back, flash, render
from app.web.security import web_user

router = APIRouter(include_in_schema=False)


class NotAdmin(Exception):
    """A reviewer opened an admin page."""


def web_admin(user: Annotated[Principal, Depends(web_user)]) -> Principal:
    if user.role != "admin":
        raise NotAdmin()
    return user


WebAdmin = Annotated[Principal, Depends(web_admin)]


async def not_admin_page(request: Request, _: Exception) -> Response:
    context = {"title": "Khusus admin", "message": "Halaman ini hanya untuk admin."}
    return render(request, "error.html", context, status_code=403)


@router.get("/accounts", response_class=HTMLResponse)
def accounts_page(request: Request, user: WebAdmin, session: SessionDep) -> Response:
    """Every account: channels, remit, default tone, publishing mode and connection state."""
    rows = accounts_service.list_accounts(session=session)
    states = {a.name: connections.state_of(session=session, account=a.name) for a in rows}
    return render(request, "accounts.html", {"accounts": rows, "states": states, "modes": MODES})


@router.post("/accounts/{name}/mode", dependencies=[Csrf])
def set_mode(
    request: Request,
    name: str,
    user: WebAdmin,
    session: SessionDep,
    mode: Annotated[str, Form()] = "",
) -> Response:
    try:
        accounts_service.set_publishing_mode(
            session=session, name=name, mode=mode, actor=user.actor
        )
    except AppError as exc:
        flash(request, "error", friendly(exc))
        return back("/accounts")
    label = "kirim manual" if mode == "manual" else "kirim otomatis lewat Graph API"
    flash(request, "ok", f"Akun {name} sekarang {label}.")
    return back("/accounts")


@router.post("/accounts/{name}/connected", dependencies=[Csrf])
def mark_connected(request: Request, name: str, user: WebAdmin, session: SessionDep) -> Response:
    """The token in the settings was replaced: reconnect, and the parked jobs run again.

    (A new token of the account's own is set with `PUT /api/v1/accounts/{name}`.)
    """
    if connections.state_of(session=session, account=name)[0] != connections.DISCONNECTED:
        flash(request, "info", f"Akun {name} memang tidak terputus.")
        return back("/accounts")
    try:
        _, resumed = connections.update(
            session=session, account=name, changes={"reconnect": True}, actor=user.actor
        )
        session.commit()
    except AppError as exc:
        flash(request, "error", friendly(exc))
        return back("/accounts")
    flash(
        request,
        "ok",
        f"Akun {name} tersambung lagi; {len(resumed)} kiriman yang tertahan dilanjutkan.",
    )
    return back("/accounts")


@router.get("/users", response_class=HTMLResponse)
def users_page(request: Request, user: WebAdmin, session: SessionDep) -> Response:
    """Users, their roles and whether they may log in."""
    rows = users_service.list_users(session=session)
    context = {"users": rows, "roles": users_service.USER_ROLES, "new_password": None}
    return render(request, "users.html", context)


@router.post("/users/{username}/active", dependencies=[Csrf])
def set_active(
    request: Request,
    username: str,
    user: WebAdmin,
    session: SessionDep,
    active: Annotated[str, Form()] = "0",
) -> Response:
    on = active == "1"
    try:
        users_service.set_active(session=session, username=username, active=on, actor=user.actor)
    except AppError as exc:
        flash(request, "error", user_message(exc))
        return back("/users")
    if on:
        flash(request, "ok", f"{username} bisa masuk lagi.")
    else:
        flash(request, "ok", f"{username} dinonaktifkan; semua sesinya berakhir sekarang.")
    return back("/users")


@router.post("/users/{username}/role", dependencies=[Csrf])
def set_role(
    request: Request,
    username: str,
    user: WebAdmin,
    session: SessionDep,
    role: Annotated[str, Form()] = "",
) -> Response:
    try:
        users_service.set_role(session=session, username=username, role=role, actor=user.actor)
    except AppError as exc:
        flash(request, "error", user_message(exc))
        return back("/users")
    flash(request, "ok", f"Peran {username} sekarang {role}; ia perlu masuk lagi.")
    return back("/users")


@router.post("/users/{username}/password", dependencies=[Csrf])
def reset_password(
    request: Request, username: str, user: WebAdmin, session: SessionDep
) -> Response:
    """A random new password, shown once; every session of the user ends."""
    try:
        _, new = users_service.reset_password(session=session, username=username, actor=user.actor)
    except AppError as exc:
        flash(request, "error", user_message(exc))
        return back("/users")
    # Shown in this response only: never in a redirect's flash (the session cookie).
    rows = users_service.list_users(session=session)
    context = {"users": rows, "roles": users_service.USER_ROLES, "new_password": (username, new)}
    return render(request, "users.html", context)


def user_message(exc: AppError) -> str:
    return friendly(exc)
