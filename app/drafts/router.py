"""The review queue and review decisions."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query

from app.deps import AnyKey, DrafterDep, IdPath, ReviewerKey, SessionDep, SettingsDep
from app.drafts import service
from app.drafts.schemas import (
    ApproveBody,
    DraftPage,
    QueueItem,
    RegenerateBody,
    RejectBody,
    queue_item,
)

router = APIRouter(prefix="/api/v1/drafts", tags=["drafts"])

DraftStatus = Literal["pending", "approved", "rejected", "superseded", "posted", "failed"]


@router.get("", response_model=DraftPage)
def list_drafts(
    session: SessionDep,
    settings: SettingsDep,
    _: AnyKey,
    status: DraftStatus | None = "pending",
    intent: str | None = None,
    sentiment: str | None = None,
    account: str | None = None,
    platform: str | None = None,
    action: Literal["reply", "hide"] | None = None,
    abusive: bool | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    cursor: str | None = None,
) -> DraftPage:
    """The review queue: most urgent first (see docs/api.md for the priority rules)."""
    rows, next_cursor = service.list_queue(
        session=session,
        filters=service.QueueFilter(
            status=status,
            intent=intent,
            sentiment=sentiment,
            account=account,
            platform=platform,
            action=action,
            abusive=abusive,
        ),
        limit=min(limit, settings.page_size_max),
        cursor=cursor,
    )
    return DraftPage(items=[queue_item(d, c) for d, c in rows], next_cursor=next_cursor)


@router.get("/{draft_id}", response_model=QueueItem)
def get_draft(draft_id: IdPath, session: SessionDep, _: AnyKey) -> QueueItem:
    """One draft with its comment."""
    return queue_item(*service.get(session=session, draft_id=draft_id))


@router.post("/{draft_id}/approve", response_model=QueueItem)
def approve_draft(
    draft_id: IdPath,
    session: SessionDep,
    settings: SettingsDep,
    principal: ReviewerKey,
    body: ApproveBody | None = None,
) -> QueueItem:
    """Approve as drafted, or with edited `text`; publication is queued in the same commit."""
    body = body or ApproveBody()
    draft, comment = service.approve(
        session=session,
        draft_id=draft_id,
        actor=principal.actor,
        text=body.text,
        expected_version=body.version,
        max_chars=settings.max_text_chars,
    )
    return queue_item(draft, comment)


@router.post("/{draft_id}/reject", response_model=QueueItem)
def reject_draft(
    draft_id: IdPath, body: RejectBody, session: SessionDep, principal: ReviewerKey
) -> QueueItem:
    """Reject with a reason."""
    draft, comment = service.reject(
        session=session,
        draft_id=draft_id,
        actor=principal.actor,
        reason=body.reason,
        expected_version=body.version,
    )
    return queue_item(draft, comment)


@router.post("/{draft_id}/regenerate", response_model=QueueItem)
def regenerate_draft(
    draft_id: IdPath,
    body: RegenerateBody,
    session: SessionDep,
    settings: SettingsDep,
    drafter: DrafterDep,
    principal: ReviewerKey,
) -> QueueItem:
    """Replace the draft with a new one in another tone (santai, netral, formal)."""
    draft, comment = service.regenerate(
        session=session,
        draft_id=draft_id,
        actor=principal.actor,
        tone=body.tone,
        drafter=drafter,
        settings=settings,
        expected_version=body.version,
    )
    return queue_item(draft, comment)
