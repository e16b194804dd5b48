"""Dependencies: database session, components, clock and authentication.

Dependencies that only read app state are `async def`: FastAPI runs a plain `def` dependency in
the thread pool, and those hops were most of a `/classify` call's time outside the model. Only
the ones that touch the database (the session, the key lookup) stay sync.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Iterator
from datetime import datetime
from typing import Annotated

from fastapi import Depends, Query, Request
from fastapi import Path as PathParam
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BeforeValidator
from sqlmodel import Session

from app.comments.pipeline import ProcessingBatcher
from app.config import Settings
from app.drafting.drafter import Drafter
from app.errors import Forbidden, ModelNotReady, NotAuthenticated
from app.keys import service as keys_service
from app.nlp.classifier import Classifier
from app.security import Principal
from app.tables import utcnow
from app.validation import MAX_DB_INT


def _iso_only(value: object) -> object:
    # pydantic would read "0.5" or "1700000000" as unix seconds; a filter takes dates only
    if isinstance(value, str) and not _ISO_START.match(value.strip()):
        raise ValueError("must be an ISO 8601 date-time, e.g. 2026-12-01T00:00:00Z")
    return value


_ISO_START = re.compile(r"^\d{4}-\d{2}-\d{2}")
IsoDateTimeQuery = Annotated[
    datetime | None,
    BeforeValidator(_iso_only),
    Query(description="ISO 8601 date-time, e.g. 2026-12-01T00:00:00+07:00"),
]

# Ids are 32-bit INTEGER columns: a larger id is a 422, not a database error.
IdPath = Annotated[int, PathParam(ge=1, le=MAX_DB_INT)]
IdQuery = Annotated[int | None, Query(ge=1, le=MAX_DB_INT)]


async def get_settings_dep(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_session(request: Request) -> Iterator[Session]:
    with Session(request.app.state.engine, expire_on_commit=False) as session:
        yield session


async def get_classifier(request: Request) -> Classifier:
    classifier: Classifier | None = getattr(request.app.state, "classifier", None)
    if classifier is None:
        raise ModelNotReady()
    return classifier


async def get_drafter(request: Request) -> Drafter:
    drafter: Drafter | None = getattr(request.app.state, "drafter", None)
    if drafter is None:
        raise ModelNotReady("The drafter is not loaded yet.")
    return drafter


async def get_clock() -> Callable[[], datetime]:
    return utcnow


SettingsDep = Annotated[Settings, Depends(get_settings_dep)]
SessionDep = Annotated[Session, Depends(get_session)]


async def get_processing(request: Request) -> ProcessingBatcher | None:
    """The micro-batched processing of API ingests (None: process in the request)."""
    return getattr(request.app.state, "processing", None)


ClassifierDep = Annotated[Classifier, Depends(get_classifier)]
ProcessingDep = Annotated[ProcessingBatcher | None, Depends(get_processing)]
DrafterDep = Annotated[Drafter, Depends(get_drafter)]
ClockDep = Annotated[Callable[[], datetime], Depends(get_clock)]

_bearer = HTTPBearer(auto_error=False)


def get_principal(
    request: Request,
    session: SessionDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    """Resolve the caller from a Bearer API key, or from the web UI's session user.

    Each caller is counted against TANGGAP_API_RATE_LIMIT (429 with Retry-After beyond it).
    """
    principal: Principal | None = None
    if credentials is not None and credentials.scheme.lower() == "bearer":
        principal = keys_service.authenticate(session=session, key=credentials.credentials)
        if principal is None:
            raise NotAuthenticated("Invalid or revoked API key.")
    else:
        user = getattr(request.state, "user", None)
        if isinstance(user, Principal):
            principal = user
    if principal is None:
        raise NotAuthenticated()
    limiter = getattr(request.app.state, "rate_limiter", None)
    if limiter is not None:
        limiter.check(f"{principal.kind}:{principal.id}")
    return principal


def require_role(role: str) -> Callable[..., Awaitable[Principal]]:
    async def dependency(principal: Annotated[Principal, Depends(get_principal)]) -> Principal:
        if not principal.has_role(role):
            raise Forbidden(f"Requires role '{role}' or higher.")
        return principal

    return dependency


AnyKey = Annotated[Principal, Depends(require_role("integration"))]
ReviewerKey = Annotated[Principal, Depends(require_role("reviewer"))]
AdminKey = Annotated[Principal, Depends(require_role("admin"))]
