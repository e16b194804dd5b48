"""The audit trail."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel

from app.audit import service
from app.comments.schemas import AuditEntry
from app.deps import AnyKey, IdQuery, IsoDateTimeQuery, SessionDep
from app.validation import MAX_DB_INT

router = APIRouter(prefix="/api/v1/audit", tags=["audit"])


class AuditPage(BaseModel):
    items: list[AuditEntry]
    next_cursor: str | None


@router.get("", response_model=AuditPage)
def list_audit(
    session: SessionDep,
    _: AnyKey,
    comment_id: IdQuery = None,
    draft_id: IdQuery = None,
    action: str | None = None,
    actor: str | None = None,
    account: str | None = None,
    since: IsoDateTimeQuery = None,
    until: IsoDateTimeQuery = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    cursor: Annotated[
        int | None, Query(ge=1, le=MAX_DB_INT, description="`next_cursor` of the previous page")
    ] = None,
) -> AuditPage:
    """Audit events, newest first, filterable and paginated."""
    rows = service.search(
        session=session,
        comment_id=comment_id,
        draft_id=draft_id,
        action=action,
        actor=actor,
        account=account,
        since=since,
        until=until,
        before_id=cursor,
        limit=limit + 1,
    )
    next_cursor = str(rows[limit - 1].id) if len(rows) > limit else None
    return AuditPage(
        items=[AuditEntry.model_validate(r, from_attributes=True) for r in rows[:limit]],
        next_cursor=next_cursor,
    )
