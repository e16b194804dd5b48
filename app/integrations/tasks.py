"""Background work of integrations: outgoing webhook deliveries and Chatwoot notes.

Failures that a retry can fix raise, so the worker retries with backoff; failures that it cannot
raise `PermanentJobError`.
"""

from __future__ import annotations

import logging
from typing import Any

from sqlmodel import Session, col, select

from app.audit import service as audit
from app.comments import service as comments
from app.integrations import chatwoot, connections, meta, publisher, webhooks
from app.integrations.meta import GraphClient
from app.outbox import service as outbox
from app.outbox.jobs import JobContext, JobKind
from app.outbox.service import PermanentJobError
from app.tables import Comment, Draft, Job

log = logging.getLogger("tanggap.integrations")


def _chatwoot_follow_up(session: Session, event: str, data: dict[str, Any]) -> None:
    """Queue the Chatwoot note for comments that came from Chatwoot."""
    if event not in ("comment.classified", "draft.created") or not data.get("comment_id"):
        return
    comment = session.get(Comment, data["comment_id"])
    if comment is None or comment.source != chatwoot.PLATFORM:
        return
    if event == "comment.classified":
        key = f"chatwoot.note:{comment.id}"
        payload: dict[str, Any] = {"comment_id": comment.id}
    else:
        # The first draft goes out with the classification note; later ones (regenerate) alone.
        first = session.exec(
            select(Draft.id).where(Draft.comment_id == comment.id).order_by(col(Draft.id))
        ).first()
        if first == data.get("draft_id"):
            return
        key = f"chatwoot.note:draft:{data['draft_id']}"
        payload = {"comment_id": comment.id, "draft_id": data["draft_id"]}
    outbox.enqueue(session=session, kind=JobKind.CHATWOOT_NOTE, payload=payload, dedupe_key=key)


def dispatch_event(session: Session, payload: dict[str, Any], ctx: JobContext) -> dict[str, Any]:
    """Job: fan an event out to its webhook subscribers (and Chatwoot follow-ups)."""
    event, data = payload["event"], payload.get("data") or {}
    deliveries = webhooks.dispatch(session=session, event=event, data=data)
    _chatwoot_follow_up(session, event, data)
    return {"deliveries": [d.id for d in deliveries]}


def deliver_webhook(session: Session, payload: dict[str, Any], ctx: JobContext) -> dict[str, Any]:
    """Job: POST one signed delivery to its subscriber."""
    return webhooks.deliver(
        session=session, delivery_id=payload["delivery_id"], http=ctx.http, settings=ctx.settings
    )


def delivery_failed(session: Session, job: Job, ctx: JobContext) -> None:
    webhooks.mark_failed(
        session=session, delivery_id=int(job.payload["delivery_id"]), error=job.last_error
    )


def chatwoot_note(session: Session, payload: dict[str, Any], ctx: JobContext) -> dict[str, Any]:
    """Job: put the classification and the suggested reply into the conversation as a note."""
    comment = session.get(Comment, payload["comment_id"])
    if comment is None:
        raise PermanentJobError(f"comment {payload['comment_id']} does not exist")
    ids = (comment.extra or {}).get("chatwoot") or {}
    if not ids.get("account_id") or not ids.get("conversation_id"):
        raise PermanentJobError("comment has no Chatwoot conversation")
    if payload.get("draft_id"):
        draft = session.get(Draft, payload["draft_id"])
    else:
        draft = session.exec(
            select(Draft)
            .where(Draft.comment_id == comment.id)
            .where(Draft.status != "superseded")
            .order_by(col(Draft.id).desc())
        ).first()
    access = connections.chatwoot_access(
        session=session, settings=ctx.settings, account=comment.account
    )
    first = not payload.get("draft_id")
    try:
        client = chatwoot.ChatwootClient(
            ctx.http, url=access.url, token=access.token, timeout=ctx.settings.http_timeout_seconds
        )
        # The note first: it is what the agents need. Labels and the hand-off come after it and
        # are best effort, so their failure can never hold the note back or post it twice.
        note_id = client.post_note(
            account_id=ids["account_id"],
            conversation_id=ids["conversation_id"],
            content=chatwoot.note_text(comment, draft),
        )
    except chatwoot.ChatwootError as exc:
        if exc.transient:
            raise
        raise PermanentJobError(str(exc)) from exc
    details: dict[str, Any] = {"note_id": note_id, **ids}
    if access.labels and first:
        details["labels"] = _best_effort(
            session,
            comment,
            "labels",
            lambda: client.add_labels(
                account_id=ids["account_id"],
                conversation_id=ids["conversation_id"],
                labels=chatwoot.labels_for(comment),
            ),
        )
    if access.handoff == "open" and first:
        details["status"] = _best_effort(
            session,
            comment,
            "handoff",
            lambda: client.set_status(
                account_id=ids["account_id"], conversation_id=ids["conversation_id"], status="open"
            ),
        )
    audit.record(
        session=session,
        actor="system:chatwoot",
        action="chatwoot.note_posted",
        comment_id=comment.id,
        draft_id=draft.id if draft else None,
        account=comment.account,
        details=details,
    )
    return {k: details.get(k) for k in ("note_id", "labels", "status") if k in details}


def _best_effort(session: Session, comment: Comment, step: str, call: Any) -> Any:
    """Run a follow-up Chatwoot call; a failure is logged and audited, never raised."""
    try:
        return call()
    except chatwoot.ChatwootError as exc:
        log.warning("chatwoot.%s_failed comment=%s status=%s", step, comment.id, exc.status)
        audit.record(
            session=session,
            actor="system:chatwoot",
            action=f"chatwoot.{step}_failed",
            comment_id=comment.id,
            account=comment.account,
            details={"status": exc.status, "error": str(exc)[:300]},
        )
        return None


def read_mention(session: Session, payload: dict[str, Any], ctx: JobContext) -> dict[str, Any]:
    """Job: read a comment that @mentions the account (the webhook has no text) and ingest it."""
    entry_id, comment_id = str(payload["entry_id"]), str(payload["comment_id"])
    account = str(payload.get("account") or ctx.settings.default_account)
    access = connections.meta_access(
        session=session, settings=ctx.settings, account=account, entry_id=entry_id
    )
    publisher.check_ready(session=session, access=access, now=ctx.clock(), counts_reply=False)
    client = GraphClient(ctx.http, access.target, timeout=ctx.settings.http_timeout_seconds)
    # Mentions guide: GET /{ig-user-id}?fields=mentioned_comment.comment_id({id}){fields}
    fields = f"mentioned_comment.comment_id({comment_id}){{id,text,username,timestamp,media{{id}}}}"
    body = publisher.call_graph(
        lambda _: client.read(entry_id, fields=fields),
        session=session,
        settings=ctx.settings,
        access=access,
        client=client,
        now=ctx.clock(),
        sleep=ctx.sleep,
    )
    found = body.get("mentioned_comment")
    item = meta.mention_comment(
        found if isinstance(found, dict) else {},
        entry_id=entry_id,
        comment_id=comment_id,
        media_id=payload.get("media_id"),
        account=account,
        settings=ctx.settings,
    )
    if isinstance(item, str):
        return {"skipped": item}
    results = comments.ingest(
        session=session,
        items=[item],
        source="meta",
        actor="webhook:meta",
        settings=ctx.settings,
        classifier=None,
        drafter=None,
        inline=False,
    )
    return {"comment_id": results[0].comment.id, "created": results[0].created}
