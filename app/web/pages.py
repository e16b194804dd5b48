"""What every web page shares: templates, rendering with flash messages, safe redirects."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import jinja2
from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.templating import Jinja2Templates
from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from app.integrations import connections
from app.security import Principal
from app.tables import Draft
from app.web import format as fmt
from app.web.security import check_csrf, csrf_token, web_user

TEMPLATES_DIR = Path(__file__).parent / "templates"
PAGE_SIZE = 50
PLATFORMS = tuple(fmt.PLATFORM_LABELS)

_env = jinja2.Environment(
    loader=jinja2.FileSystemLoader(TEMPLATES_DIR),
    autoescape=True,  # always, whatever the file name: comment text is hostile input
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
_env.filters.update(fmt.FILTERS)
_env.globals.update(fmt.GLOBALS)
templates = Jinja2Templates(env=_env)

# Defence in depth behind autoescaping: no inline script, no foreign origin, no framing.
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}

WebUser = Annotated[Principal, Depends(web_user)]
Csrf = Depends(check_csrf)


def render(
    request: Request, name: str, context: dict[str, Any], *, status_code: int = 200
) -> HTMLResponse:
    """Render a page with the user, CSRF token and pending flash messages."""
    settings = request.app.state.settings
    user = getattr(request.state, "user", None)
    base = {
        "user": user,
        "status_bar": status_bar(request.app.state.engine) if user else None,
        "undo_seconds": int(settings.publish_delay_seconds),
        "csrf_token": csrf_token(request.session),
        "flashes": request.session.pop("flash", []),
        "tz": fmt.timezone_of(settings.display_timezone),
        "local_time": fmt.local_time,
        "path": request.url.path,
    }
    response = templates.TemplateResponse(request, name, {**base, **context}, status_code)
    response.headers.update(SECURITY_HEADERS)
    return response


@dataclass(frozen=True)
class StatusBar:
    """What every page shows above its content: broken connections, failed publications."""

    disconnected: list[tuple[str, str | None]]
    failed: int
    ready: int


def status_bar(engine: Engine) -> StatusBar:
    with Session(engine) as db:
        names = connections.disconnected_accounts(session=db)
        broken = [(name, connections.state_of(session=db, account=name)[1]) for name in names]
        counts = dict(
            db.exec(
                select(Draft.status, func.count())
                .where(col(Draft.status).in_(("failed", "ready_to_post")))
                .group_by(Draft.status)
            ).all()
        )
    return StatusBar(
        disconnected=broken,
        failed=int(counts.get("failed", 0)),
        ready=int(counts.get("ready_to_post", 0)),
    )


def flash(request: Request, kind: str, text: str, *, undo: int | None = None) -> None:
    """A message for the next page; `undo`: the draft whose approval it offers to take back."""
    entry: dict[str, Any] = {"kind": kind, "text": text}
    if undo is not None:
        entry["undo"] = undo
    request.session.setdefault("flash", []).append(entry)


def safe_next(target: str | None, default: str = "/queue") -> str:
    """Only local paths: never an open redirect."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return default
    return target


def back(target: str | None) -> RedirectResponse:
    return RedirectResponse(safe_next(target), status_code=303)


def choice(value: str | None, allowed: tuple[str, ...]) -> str | None:
    """`value` when it is one of `allowed`, else None (a filter from a query string)."""
    return value if value in allowed else None
