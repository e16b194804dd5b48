"""The review queue and review decisions."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query

from app.deps import AnyKey, DrafterDep, IdPath, ReviewerKey, SessionDep, SettingsDep
from app.drafts import service
from app.drafts.schemas import (
    ApproveBody,
    AssignBody,
    DraftPage,
    MarkPostedBody,
    QueueItem,
    RegenerateBody,
    RejectBody,
    queue_item,
)

router = APIRouter(prefix="/api/v1/drafts", tags=["drafts"])

DraftStatus = Literal[
    "pending",
    "approved",
    "ready_to_post",
    "rejected",
    "superseded",
    "withdrawn",
    "posted",
    "failed",
    "no_reply",
    "dismissed",
]


@router.get("", response_model=DraftPage)
def list_drafts(
    session: SessionDep,
    settings: SettingsDep,
    principal: AnyKey,
    status: DraftStatus | None = "pending",
    intent: str | None = None,
    sentiment: str | None = None,
    account: str | None = None,
    platform: str | None = None,
    action: Literal["reply", "hide", "no_reply"] | None = None,
    abusive: bool | None = None,
    q: Annotated[str | None, Query(max_length=200, description="words of text or author")] = None,
    assigned: Annotated[
        Literal["me", "none"] | None, Query(description="mine, or nobody's")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    cursor: str | None = None,
) -> DraftPage:
    """The review queue: most urgent first (see docs/api.md for the priority rules).

    `status=no_reply` lists the comments that need no reply ("tidak perlu dibalas").
    """
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
            q=q,
            assigned_to={"me": principal.actor, "none": ""}.get(assigned or ""),
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
    done = service.approve(
        session=session,
        draft_id=draft_id,
        actor=principal.actor,
        settings=settings,
        text=body.text,
        expected_version=body.version,
    )
    return queue_item(done.draft, done.comment)


@router.post("/{draft_id}/undo", response_model=QueueItem)
def undo_approval(
    draft_id: IdPath, session: SessionDep, settings: SettingsDep, principal: ReviewerKey
) -> QueueItem:
    """Take an approval back within `TANGGAP_PUBLISH_DELAY_SECONDS` (409 `undo_expired` after)."""
    draft, comment = service.undo_approval(
        session=session, draft_id=draft_id, actor=principal.actor, settings=settings
    )
    return queue_item(draft, comment)


@router.post("/{draft_id}/mark-posted", response_model=QueueItem)
def mark_posted(
    draft_id: IdPath,
    session: SessionDep,
    principal: ReviewerKey,
    body: MarkPostedBody | None = None,
) -> QueueItem:
    """Record that a `ready_to_post` draft was posted by hand (optional `url` of the reply)."""
    draft, comment = service.mark_posted(
        session=session,
        draft_id=draft_id,
        actor=principal.actor,
        url=body.url if body else None,
    )
    return queue_item(draft, comment)


@router.post("/{draft_id}/retry", response_model=QueueItem)
def retry(
    draft_id: IdPath, session: SessionDep, settings: SettingsDep, principal: ReviewerKey
) -> QueueItem:
    """Send a `failed` draft again (or make it `ready_to_post` when its account cannot post)."""
    done = service.retry(
        session=session, draft_id=draft_id, actor=principal.actor, settings=settings
    )
    return queue_item(done.draft, done.comment)


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


@router.post("/{draft_id}/assign", response_model=QueueItem)
def assign(
    draft_id: IdPath, session: SessionDep, principal: ReviewerKey, body: AssignBody
) -> QueueItem:
    """Take a pending draft (`{"to": "me"}`) or give it back (`{"to": null}`)."""
    draft, comment = service.assign(
        session=session,
        draft_id=draft_id,
        actor=principal.actor,
        to=principal.actor if body.to == "me" else None,
    )
    return queue_item(draft, comment)


@router.post("/{draft_id}/dismiss", response_model=QueueItem)
def dismiss(draft_id: IdPath, session: SessionDep, principal: ReviewerKey) -> QueueItem:
    """Close a `no_reply` item ("Tutup"): nothing is posted or hidden (409 for other drafts)."""
    draft, comment = service.dismiss(session=session, draft_id=draft_id, actor=principal.actor)
    return queue_item(draft, comment)


@router.post("/{draft_id}/reply-thanks", response_model=QueueItem)
def reply_thanks(draft_id: IdPath, session: SessionDep, principal: ReviewerKey) -> QueueItem:
    """Turn the thank-you offered for praise into a pending reply draft (returned)."""
    draft, comment = service.reply_with_thanks(
        session=session, draft_id=draft_id, actor=principal.actor
    )
    return queue_item(draft, comment)
