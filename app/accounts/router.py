"""HTTP API: account reply settings."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Response, status
from fastapi import Path as PathParam

from app.accounts import service
from app.accounts.schemas import ACCOUNT_PATTERN, AccountIn, AccountPublic
from app.deps import AdminKey, AnyKey, SessionDep
from app.integrations import connections
from app.tables import Account

router = APIRouter(prefix="/api/v1", tags=["accounts"])

AccountName = Annotated[str, PathParam(pattern=ACCOUNT_PATTERN)]


def _account(row: Account, session: SessionDep) -> AccountPublic:
    state, error = connections.state_of(session=session, account=row.name)
    public = AccountPublic.model_validate(row, from_attributes=True)
    return public.model_copy(update={"meta_state": state, "meta_error": error})


@router.get("/accounts/{name}", response_model=AccountPublic)
def get_account(name: AccountName, session: SessionDep, _: AnyKey) -> AccountPublic:
    """An account's reply settings (institution name, channels, preferences)."""
    return _account(service.get_account(session=session, name=name), session)


@router.put(
    "/accounts/{name}",
    response_model=AccountPublic,
    responses={201: {"description": "Created", "model": AccountPublic}},
)
def put_account(
    name: AccountName, body: AccountIn, response: Response, session: SessionDep, principal: AdminKey
) -> AccountPublic:
    """Create or replace an account's reply settings (optionally its connection, e.g. a token)."""
    row, created = service.put_account(
        session=session,
        name=name,
        institution_name=body.institution_name,
        channels=body.channels,
        preferences=body.preferences,
        actor=principal.actor,
        connection=body.connection.model_dump(exclude_unset=True) if body.connection else None,
        publishing_mode=body.publishing_mode,
    )
    if created:
        response.status_code = status.HTTP_201_CREATED
    return _account(row, session)
