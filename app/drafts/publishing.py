"""Which approved drafts become platform jobs (posting a reply, hiding a comment)."""

from __future__ import annotations

from sqlmodel import Session

from app.outbox import service as outbox
from app.outbox.jobs import JobKind
from app.tables import Comment, Draft

# Platforms with a publisher; approvals elsewhere are picked up by helpdesks via the API/webhooks.
PUBLISHABLE_PLATFORMS = frozenset({"instagram", "facebook"})


def enqueue_publication(*, session: Session, draft: Draft, comment: Comment) -> JobKind | None:
    """Queue the platform job for an approved draft, at most once per draft; returns its kind."""
    if comment.platform not in PUBLISHABLE_PLATFORMS:
        return None
    kind = JobKind.REPLY_PUBLISH if draft.action == "reply" else JobKind.COMMENT_HIDE
    outbox.enqueue(
        session=session,
        kind=kind,
        payload={"draft_id": draft.id, "comment_id": comment.id},
        dedupe_key=f"{kind}:{draft.id}",
    )
    return kind
