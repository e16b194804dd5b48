"""Background work of drafts: publishing approved drafts on Meta (`reply.publish`, `comment.hide`).

Failures that a retry can fix (5xx, 429, timeouts) raise, so the worker retries with backoff;
failures that it cannot (4xx, missing configuration) raise `PermanentJobError`. When a publish
job gives up, its draft becomes `failed` with the error, and the audit trail says so.
"""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import update
from sqlmodel import Session, col, select

from app import events
from app.accounts import service as accounts
from app.audit import service as audit
from app.drafts.service import draft_event
from app.integrations.meta import GraphClient, GraphError, own_ids, page_token
from app.outbox.jobs import ATTEMPT_KEY, JobContext
from app.outbox.service import PermanentJobError
from app.tables import Comment, Draft, Job, utcnow

log = logging.getLogger("tanggap.drafts")

ACTOR = "system:publisher"


def _load(session: Session, payload: dict[str, Any]) -> tuple[Draft, Comment]:
    query = select(Draft).where(Draft.id == payload["draft_id"])
    if session.get_bind().dialect.name == "postgresql":
        # Serialise with anything else touching this draft while we talk to the platform.
        query = query.with_for_update()
    draft = session.exec(query).first()
    if draft is None:
        raise PermanentJobError(f"draft {payload['draft_id']} does not exist")
    comment = session.get(Comment, draft.comment_id)
    if comment is None:  # pragma: no cover - foreign key
        raise PermanentJobError(f"comment {draft.comment_id} does not exist")
    return draft, comment


def _ready(draft: Draft, comment: Comment) -> dict[str, Any] | None:
    """None when the draft should be published now; else the job result explaining why not."""
    if draft.status == "posted" or draft.posted_external_id:
        return {"skipped": "already posted", "posted_external_id": draft.posted_external_id}
    if draft.status != "approved":
        raise PermanentJobError(f"draft {draft.id} is {draft.status}, not approved")
    if comment.deleted_at is not None:
        raise PermanentJobError("the comment was deleted on the platform")
    return None


def _token(ctx: JobContext, comment: Comment) -> str:
    token = page_token(ctx.settings, comment)
    if not token:
        raise PermanentJobError(f"no Meta page token configured for account '{comment.account}'")
    return token


def _graph_call(fn: Any, **kwargs: Any) -> Any:
    try:
        return fn(**kwargs)
    except GraphError as exc:
        if exc.transient:
            raise
        raise PermanentJobError(str(exc)) from exc


# Failures that mean the account's token is missing, expired or refused (Graph code 190).
TOKEN_ERRORS = ("no Meta page token", "(code 190)", "Graph API 401")


def is_token_error(error: str | None) -> bool:
    return bool(error) and any(marker in (error or "") for marker in TOKEN_ERRORS)


def _mark_posted(session: Session, draft: Draft, posted_id: str) -> None:
    now = utcnow()
    result = session.exec(
        update(Draft)
        .where(col(Draft.id) == draft.id)
        .where(col(Draft.status) == "approved")
        .values(
            status="posted",
            posted_at=now,
            posted_external_id=posted_id,
            publish_error=None,
            version=Draft.version + 1,
        )
    )
    if result.rowcount != 1:  # pragma: no cover - the draft lock / job claim prevent this
        raise PermanentJobError(f"draft {draft.id} changed while publishing")
    session.refresh(draft)
    comment = session.get(Comment, draft.comment_id)
    if comment is not None:  # the token works: a disconnected banner can go
        accounts.mark_connected(session=session, name=comment.account, actor=ACTOR)


def publish_reply(session: Session, payload: dict[str, Any], ctx: JobContext) -> dict[str, Any]:
    """Job: post an approved reply under the citizen's comment (once)."""
    draft, comment = _load(session, payload)
    done = _ready(draft, comment)
    if done is not None:
        return done
    if not draft.text:
        raise PermanentJobError("approved draft has no text")
    client = GraphClient(ctx.http, ctx.settings)
    target = {
        "platform": comment.platform,
        "comment_id": comment.external_id,
        "message": draft.text,
        "token": _token(ctx, comment),
    }
    posted_id = None
    if int(payload.get(ATTEMPT_KEY) or 1) > 1:
        # An earlier attempt may have posted before it timed out or its process died.
        own = own_ids(ctx.settings, comment)
        posted_id = _graph_call(client.find_reply, **target, own_ids=own)
    found = posted_id is not None
    if posted_id is None:
        posted_id = _graph_call(client.reply, **target)
    _mark_posted(session, draft, posted_id)
    details = {"platform": comment.platform, "posted_external_id": posted_id}
    audit.record(
        session=session,
        actor=ACTOR,
        action="reply.posted",
        comment_id=comment.id,
        draft_id=draft.id,
        account=comment.account,
        details=details | ({"found_earlier_attempt": True} if found else {}),
    )
    data = draft_event(draft, comment) | {"posted_external_id": posted_id}
    events.emit(session=session, event="reply.posted", data=data)
    log.info("reply.posted draft=%s platform=%s found=%s", draft.id, comment.platform, found)
    return {"posted_external_id": posted_id, "found_earlier_attempt": found}


def hide_comment(session: Session, payload: dict[str, Any], ctx: JobContext) -> dict[str, Any]:
    """Job: hide a spam comment on the platform (once)."""
    draft, comment = _load(session, payload)
    done = _ready(draft, comment)
    if done is not None:
        return done
    _graph_call(
        GraphClient(ctx.http, ctx.settings).hide,
        platform=comment.platform,
        comment_id=comment.external_id,
        token=_token(ctx, comment),
    )
    _mark_posted(session, draft, comment.external_id)
    comment.hidden_at = utcnow()
    session.add(comment)
    audit.record(
        session=session,
        actor=ACTOR,
        action="comment.hidden",
        comment_id=comment.id,
        draft_id=draft.id,
        account=comment.account,
        details={"platform": comment.platform, "external_id": comment.external_id},
    )
    log.info("comment.hidden draft=%s platform=%s", draft.id, comment.platform)
    return {"hidden": comment.external_id}


def publish_failed(session: Session, job: Job, ctx: JobContext) -> None:
    """Record a publication that gave up: the draft is `failed`, the audit says why."""
    draft = session.get(Draft, job.payload.get("draft_id"))
    if draft is None or draft.status != "approved":
        return
    error = (job.last_error or "unknown error")[:2000]
    draft.status = "failed"
    draft.publish_error = error
    draft.version += 1
    session.add(draft)
    comment = session.get(Comment, draft.comment_id)
    if comment is not None and is_token_error(error):
        accounts.mark_disconnected(session=session, name=comment.account, error=error)
    audit.record(
        session=session,
        actor=ACTOR,
        action="reply.failed",
        comment_id=draft.comment_id,
        draft_id=draft.id,
        account=comment.account if comment else None,
        details={"action": draft.action, "error": error, "attempts": job.attempts},
    )
