"""How an approved draft reaches the platform: the Graph API, an admin by hand, or a helpdesk.

- `graph`: a platform job (posting a reply, hiding a comment) is queued; it waits
  `publish_delay_seconds` so the reviewer can still undo the approval.
- `manual`: the draft becomes `ready_to_post`; an admin copies it to the platform and marks it
  posted. Accounts in manual mode always go this way, and so does a Meta comment whose account
  has no token: an approval never turns into a silent failure. (A disconnected account, whose
  token was refused, still goes `graph`: `app/integrations/connections.py` parks the job until a
  new token is set, and the reviewer is told so.)
- `api`: other platforms; helpdesks pick approvals up through the API and webhooks.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Literal

from sqlalchemy import update
from sqlmodel import Session, col

from app.accounts.service import find_account
from app.config import Settings
from app.outbox import service as outbox
from app.outbox.jobs import JobKind
from app.tables import Comment, Draft, Job, utcnow

# Platforms with a publisher; approvals elsewhere are picked up by helpdesks via the API/webhooks.
PUBLISHABLE_PLATFORMS = frozenset({"instagram", "facebook"})
MODES = ("graph", "manual")

Route = Literal["graph", "manual", "api"]
# Why: manual by the account's choice or for want of a token; graph but parked (disconnected).
Reason = Literal["mode", "no_token", "disconnected"]


def route(*, session: Session, comment: Comment, settings: Settings) -> tuple[Route, Reason | None]:
    """Where an approval of this comment's draft goes, and why when it is not plain."""
    account = find_account(session=session, name=comment.account)
    if account is not None and account.publishing_mode == "manual":
        return "manual", "mode"
    if comment.platform not in PUBLISHABLE_PLATFORMS:
        return "api", None
    # Late: integrations imports the comments domain, which imports this module.
    from app.integrations import connections

    access = connections.meta_access(
        session=session,
        settings=settings,
        account=comment.account,
        entry_id=str((comment.extra or {}).get("meta_entry_id") or ""),
    )
    if not access.target.token:
        return "manual", "no_token"
    if not access.connected:
        return "graph", "disconnected"
    return "graph", None


def job_key(kind: str, draft_id: int | None) -> str:
    return f"{kind}:{draft_id}"


def kind_of(draft: Draft) -> JobKind:
    """The platform job of a draft; only ``hide`` drafts ever hide (never ``no_reply``)."""
    if draft.action == "reply":
        return JobKind.REPLY_PUBLISH
    if draft.action == "hide":
        return JobKind.COMMENT_HIDE
    raise ValueError(f"draft {draft.id} ({draft.action}) has nothing to publish")


def enqueue_publication(
    *, session: Session, draft: Draft, comment: Comment, delay_seconds: float = 0.0
) -> JobKind:
    """Queue the platform job for an approved draft, at most once per draft; returns its kind."""
    kind = kind_of(draft)
    outbox.enqueue(
        session=session,
        kind=kind,
        payload={"draft_id": draft.id, "comment_id": comment.id},
        dedupe_key=job_key(kind, draft.id),
        run_after=utcnow() + timedelta(seconds=max(0.0, delay_seconds)),
    )
    return kind


def cancel_publication(*, session: Session, draft: Draft) -> bool:
    """Cancel the draft's platform job if no worker has taken it yet; True when cancelled."""
    result = session.exec(
        update(Job)
        .where(col(Job.dedupe_key) == job_key(kind_of(draft), draft.id))
        .where(col(Job.status) == "pending")
        .values(status="cancelled", dedupe_key=None, updated_at=utcnow())
    )
    return bool(result.rowcount == 1)


def release_publication(*, session: Session, draft: Draft) -> None:
    """Free the dedupe key of a finished (dead) job so a retry can queue a new one."""
    session.exec(
        update(Job)
        .where(col(Job.dedupe_key) == job_key(kind_of(draft), draft.id))
        .where(col(Job.status).in_(("dead", "done", "cancelled")))
        .values(dedupe_key=None, updated_at=utcnow())
    )
