"""Dependencies: database session, components, clock and authentication.

Dependencies that only read app state are `async def`: FastAPI runs a plain `def` dependency in
the thread pool, and those hops were most of a `/classify` call's time outside the model. Only
the session stays sync; the key check is async and goes to a thread (with a session of its own)
only when the key is not in the short-lived `KeyCache`, so a route without `SessionDep`, like
`/classify`, usually takes no thread hop and no connection before its own work.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Iterator
from datetime import datetime
from typing import Annotated

import anyio.to_thread
from fastapi import Depends, Query, Request
from fastapi import Path as PathParam
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BeforeValidator
from sqlalchemy.engine import Engine
from sqlmodel import Session

from app.comments.pipeline import ProcessingBatcher
from app.config import Settings
from app.drafting.drafter import Drafter
from app.errors import Forbidden, ModelNotReady, NotAuthenticated
from app.keys import service as keys_service
from app.keys.cache import KeyCache
from app.nlp.classifier import Classifier
from app.security import Principal, hash_api_key
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


async def get_key_cache(request: Request) -> KeyCache:
    cache: KeyCache = request.app.state.key_cache
    return cache


KeyCacheDep = Annotated[KeyCache, Depends(get_key_cache)]


def _lookup_key(engine: Engine, key_hash: str) -> Principal | None:
    with Session(engine) as session:
        return keys_service.principal_for_hash(session=session, key_hash=key_hash)


async def _key_principal(request: Request, key: str) -> Principal | None:
    """The key's principal: from the cache, else from the database (in a thread)."""
    cache: KeyCache = request.app.state.key_cache
    key_hash = hash_api_key(key)
    principal = cache.get(key_hash)
    if principal is None:
        engine: Engine = request.app.state.engine
        principal = await anyio.to_thread.run_sync(_lookup_key, engine, key_hash)
        if principal is not None:
            cache.put(key_hash, principal)
    return principal


async def get_principal(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    """Resolve the caller from a Bearer API key, or from the web UI's session user.

    A key verified less than TANGGAP_API_KEY_CACHE_SECONDS ago is not looked up again. Each
    caller is counted against TANGGAP_API_RATE_LIMIT (429 with Retry-After beyond it).
    """
    principal: Principal | None = None
    if credentials is not None and credentials.scheme.lower() == "bearer":
        principal = await _key_principal(request, credentials.credentials)
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
