"""Background work of drafts: publishing approved drafts on Meta (`reply.publish`, `comment.hide`).

Where a reply goes and how Graph failures are handled (retries, pacing, parking while the
account is disconnected) is in `app/integrations/publisher.py` and `meta.py`. When a publish job
gives up, its draft becomes `failed` with the error, and the audit trail says so.
"""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import update
from sqlmodel import Session, col, select

from app import events
from app.audit import service as audit
from app.drafts.service import draft_event
from app.integrations import connections, publisher
from app.integrations.meta import (
    TRANSIENT,
    GraphClient,
    GraphError,
    ReplyPlace,
    facebook_place,
    instagram_place,
    own_ids,
)
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


def _meta(
    session: Session, ctx: JobContext, comment: Comment, *, counts_reply: bool
) -> tuple[connections.MetaAccess, GraphClient]:
    access = connections.meta_access(
        session=session,
        settings=ctx.settings,
        account=comment.account,
        entry_id=str((comment.extra or {}).get("meta_entry_id") or ""),
    )
    publisher.check_ready(
        session=session, access=access, now=ctx.clock(), counts_reply=counts_reply
    )
    return access, GraphClient(ctx.http, access.target, timeout=ctx.settings.http_timeout_seconds)


def _reply_place(client: GraphClient, comment: Comment) -> ReplyPlace:
    if comment.platform == "instagram":
        return instagram_place(comment)
    node = None
    if comment.parent_id:
        # A reply to a reply cannot take replies: read `can_comment` to know where to post.
        node = client.read(comment.external_id, fields="can_comment,parent{id}")
    return facebook_place(comment, node)


def publish_reply(session: Session, payload: dict[str, Any], ctx: JobContext) -> dict[str, Any]:
    """Job: post an approved reply in the comment's thread (once)."""
    draft, comment = _load(session, payload)
    done = _ready(draft, comment)
    if done is not None:
        return done
    if not draft.text:
        raise PermanentJobError("approved draft has no text")
    if comment.platform == "instagram" and comment.hidden_at and not publisher.is_mention(comment):
        raise PermanentJobError("Instagram does not accept replies to hidden comments")
    access, client = _meta(session, ctx, comment, counts_reply=True)
    own = own_ids(ctx.settings, comment)
    text = draft.text
    # An earlier attempt may have posted before it timed out, failed with a 5xx, or its process
    # died: then look where the reply goes before posting again. A throttling or request error
    # is Meta refusing the post, so the next try posts without looking.
    uncertain = int(payload.get(ATTEMPT_KEY) or 1) > 1

    def attempt(_: int) -> tuple[str, bool, ReplyPlace]:
        nonlocal uncertain
        place = _reply_place(client, comment)
        message = place.message(text)
        if uncertain:
            found = client.find_reply(
                path=place.lookup, text_field=place.text_field, message=message, own_ids=own
            )
            if found is not None:
                return found, True, place
        try:
            posted = client.post_reply(path=place.path, message=message, extra=place.extra)
        except GraphError as exc:
            uncertain = uncertain or exc.kind == TRANSIENT
            raise
        return posted, False, place

    posted_id, found, place = publisher.call_graph(
        attempt,
        session=session,
        settings=ctx.settings,
        access=access,
        client=client,
        now=ctx.clock(),
        sleep=ctx.sleep,
    )
    _mark_posted(session, draft, posted_id)
    details = {"platform": comment.platform, "posted_external_id": posted_id, "to": place.path}
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
    return {"posted_external_id": posted_id, "found_earlier_attempt": found, "to": place.path}


def hide_comment(session: Session, payload: dict[str, Any], ctx: JobContext) -> dict[str, Any]:
    """Job: hide a spam comment on the platform (once; hiding again is harmless)."""
    draft, comment = _load(session, payload)
    if draft.action != "hide":  # a reply or a no_reply item never hides the comment
        raise PermanentJobError(f"draft {draft.id} is a {draft.action} draft, not hide")
    done = _ready(draft, comment)
    if done is not None:
        return done
    access, client = _meta(session, ctx, comment, counts_reply=False)
    publisher.call_graph(
        lambda _: client.hide(platform=comment.platform, comment_id=comment.external_id),
        session=session,
        settings=ctx.settings,
        access=access,
        client=client,
        now=ctx.clock(),
        sleep=ctx.sleep,
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
    audit.record(
        session=session,
        actor=ACTOR,
        action="reply.failed",
        comment_id=draft.comment_id,
        draft_id=draft.id,
        account=comment.account if comment else None,
        details={"action": draft.action, "error": error, "attempts": job.attempts},
    )
