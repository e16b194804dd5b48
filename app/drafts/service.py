"""Review use cases: the queue, approve, reject, regenerate.

Every decision is a conditional UPDATE on (status = 'pending', version = expected), so two
reviewers acting on one draft at once cannot both win: the loser gets `InvalidTransition` (409).
"""

from __future__ import annotations

import base64
import difflib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, or_, update
from sqlmodel import Session, col, select

from app import events
from app.audit import service as audit
from app.comments import search
from app.config import Settings
from app.drafting.drafter import Drafter, DraftRequest, DraftResult
from app.drafts import context as draft_context
from app.drafts import publishing
from app.drafts.priority import priority
from app.errors import (
    BadRequest,
    CommentNotFound,
    DraftDeclined,
    DraftNotFound,
    InvalidTransition,
    TextEmpty,
    TextTooLong,
    UndoExpired,
)
from app.metrics import DRAFTS_CREATED, DRAFTS_DECIDED
from app.nlp.classifier import Prediction
from app.tables import Comment, Draft, utcnow
from app.validation import MAX_DB_INT

# --- creating drafts -------------------------------------------------------------------------


def prediction_of(comment: Comment) -> Prediction:
    """The stored labels of a comment as a `Prediction` (human corrections included)."""
    # Comments classified before the action/pii columns kept them in extra["classifier"].
    stored = dict((comment.extra or {}).get("classifier") or {})
    return Prediction(
        intent=comment.intent or "lainnya",
        sentiment=comment.sentiment or "netral",
        abusive=bool(comment.abusive),
        scores=dict(comment.scores or {}),
        action=comment.action or str(stored.get("action") or "reply"),
        action_reason=comment.action_reason or str(stored.get("action_reason") or ""),
        pii=list(comment.pii or stored.get("pii") or []),
    )


def create_draft(
    *,
    session: Session,
    comment: Comment,
    drafter: Drafter,
    settings: Settings,
    tone: str | None = None,
    actor: str = "system",
    batch: draft_context.BatchContext | None = None,
) -> Draft | None:
    """Draft an action for a classified comment and queue it for review (flushes only).

    The drafter's inputs come from `drafts.context` (account, KB, approved replies, counters);
    pass one `batch` for all the comments of a transaction to read them once.
    A ``no_reply`` result is stored as a draft with action and status ``no_reply`` (the queue's
    "Tidak perlu dibalas" tab): it can only be dismissed, or, for praise, turned into a reply
    draft from the offered thank-you; it never reaches approve / publish / hide.
    """
    batch = batch or draft_context.BatchContext(
        session=session, knowledge_dir=settings.knowledge_dir
    )
    profile = batch.profile(comment.account)
    tone = tone or str(profile.preferences.get("default_tone") or "") or settings.default_tone
    prediction = prediction_of(comment)
    context = batch.context(
        account=comment.account, intent=prediction.intent, tone=tone, comment_id=comment.id
    )
    result: DraftResult = drafter.draft(
        DraftRequest(
            text=comment.text,
            prediction=prediction,
            tone=tone,
            platform=comment.platform,
            author=comment.author,
            comment_id=comment.id,
        ),
        context,
    )
    batch.drafted(account=comment.account, comment_id=comment.id, text=result.text)
    if result.action not in ("reply", "hide"):
        return _store_no_reply(
            session=session, comment=comment, result=result, tone=tone, actor=actor
        )
    draft = Draft(
        comment_id=comment.id,  # type: ignore[arg-type]
        comment_created_at=comment.created_at,
        action=result.action,
        text=result.text,
        drafted_text=result.text,
        tone=tone,
        priority=priority(prediction),
        template_id=result.template_id,
        template_hash=result.template_hash,
        kb_entry_id=result.kb_entry_id,
        reused_draft_id=result.reused_draft_id,
        flags=list(result.flags),
        model_version=comment.model_version,
        generator=result.generator,
        created_at=utcnow(),  # given, not defaulted: the model's default factory is slow
    )
    session.add(draft)
    session.flush()
    DRAFTS_CREATED.labels(action=draft.action).inc()
    audit.record(
        session=session,
        actor=actor,
        action="draft.created",
        comment_id=comment.id,
        draft_id=draft.id,
        account=comment.account,
        details={
            "action": draft.action,
            "tone": tone,
            "template_id": draft.template_id,
            "template_hash": draft.template_hash,
            "model_version": draft.model_version,
            "kb_entry_id": draft.kb_entry_id,
            "flags": draft.flags,
            "generator": draft.generator,
            "acts": result.acts,
            "facts": result.facts,
        },
    )
    events.emit(session=session, event="draft.created", data=draft_event(draft, comment))
    return draft


NO_REPLY = "no_reply"  # the action and the status of a "tidak perlu dibalas" item
NO_REPLY_PREFIX = "policy/no_reply/"


def _store_no_reply(
    *, session: Session, comment: Comment, result: DraftResult, tone: str, actor: str
) -> Draft:
    """Store a no_reply item: reason in `template_id`, the offered thank-you in `drafted_text`."""
    reason = result.reason or "policy"
    draft = Draft(
        comment_id=comment.id,  # type: ignore[arg-type]
        comment_created_at=comment.created_at,
        action=NO_REPLY,
        status=NO_REPLY,
        text=None,
        drafted_text=result.text,
        tone=tone,
        template_id=f"{NO_REPLY_PREFIX}{reason}"[:200],
        flags=list(result.flags),
        model_version=comment.model_version,
        generator=result.generator,
        created_at=utcnow(),
    )
    session.add(draft)
    session.flush()
    audit.record(
        session=session,
        actor=actor,
        action="draft.skipped",
        comment_id=comment.id,
        draft_id=draft.id,
        account=comment.account,
        details={
            "action": result.action,
            "reason": reason,
            "flags": result.flags,
            "offered_text": result.text,
            "template_id": result.template_id,
        },
    )
    return draft


def no_reply_reason(draft: Draft) -> str:
    """Why a no_reply item needs no reply (a short code: chatter, grief, election, abuse, …)."""
    template = draft.template_id or ""
    return template[len(NO_REPLY_PREFIX) :] if template.startswith(NO_REPLY_PREFIX) else "policy"


def _no_reply_item(*, session: Session, draft_id: int) -> tuple[Draft, Comment]:
    draft, comment = get(session=session, draft_id=draft_id)
    if draft.action != NO_REPLY or draft.status != NO_REPLY:
        raise InvalidTransition(
            details={"draft_id": draft.id, "status": draft.status, "action": draft.action}
        )
    return draft, comment


def dismiss(*, session: Session, draft_id: int, actor: str) -> tuple[Draft, Comment]:
    """Close a "tidak perlu dibalas" item ("Tutup"): nothing is posted or hidden."""
    draft, comment = _no_reply_item(session=session, draft_id=draft_id)
    _transition(
        session=session,
        draft=draft,
        expected_version=None,
        from_status=NO_REPLY,
        values={"status": "dismissed", "decided_at": utcnow(), "decided_by": actor},
    )
    audit.record(
        session=session,
        actor=actor,
        action="draft.dismissed",
        comment_id=comment.id,
        draft_id=draft.id,
        account=comment.account,
        details={"reason": no_reply_reason(draft)},
    )
    session.commit()
    DRAFTS_DECIDED.labels(decision="dismissed").inc()
    return draft, comment


def reply_with_thanks(*, session: Session, draft_id: int, actor: str) -> tuple[Draft, Comment]:
    """Turn the thank-you offered for praise into a pending reply draft (usual approval)."""
    draft, comment = _no_reply_item(session=session, draft_id=draft_id)
    text = (draft.drafted_text or "").strip()
    if not text:
        raise InvalidTransition(
            "No thank-you is offered for this comment.",
            details={"draft_id": draft.id, "status": draft.status},
        )
    _transition(
        session=session,
        draft=draft,
        expected_version=None,
        from_status=NO_REPLY,
        values={"status": "superseded", "decided_at": utcnow(), "decided_by": actor},
    )
    new = Draft(
        comment_id=comment.id,  # type: ignore[arg-type]
        comment_created_at=comment.created_at,
        action="reply",
        text=text,
        drafted_text=text,
        tone=draft.tone,
        priority=priority(prediction_of(comment)),
        template_id="thanks.short",
        model_version=draft.model_version,
        generator=draft.generator,
    )
    session.add(new)
    session.flush()
    DRAFTS_CREATED.labels(action="reply").inc()
    audit.record(
        session=session,
        actor=actor,
        action="draft.created",
        comment_id=comment.id,
        draft_id=new.id,
        account=comment.account,
        details={"action": "reply", "tone": new.tone, "from_no_reply": draft.id},
    )
    events.emit(session=session, event="draft.created", data=draft_event(new, comment))
    session.commit()
    session.refresh(new)
    return new, comment


def draft_event(draft: Draft, comment: Comment) -> dict[str, Any]:
    return {
        "draft_id": draft.id,
        "comment_id": comment.id,
        "platform": comment.platform,
        "external_id": comment.external_id,
        "account": comment.account,
        "action": draft.action,
        "status": draft.status,
        "text": draft.text,
        "tone": draft.tone,
    }


@dataclass(frozen=True)
class QueueFilter:
    status: str | None = "pending"
    intent: str | None = None
    sentiment: str | None = None
    account: str | None = None
    platform: str | None = None
    action: str | None = None
    abusive: bool | None = None
    q: str | None = None  # words of the comment text or author
    assigned_to: str | None = None  # a reviewer's actor id; "" for unassigned drafts


def encode_cursor(draft: Draft, comment: Comment) -> str:
    created = draft.comment_created_at or comment.created_at
    raw = json.dumps([draft.priority, created.isoformat(), draft.id])
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[int, datetime, int]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        prio, created, draft_id = json.loads(base64.urlsafe_b64decode(padded))
        prio, draft_id = int(prio), int(draft_id)
        if not (-MAX_DB_INT <= prio <= MAX_DB_INT and 0 <= draft_id <= MAX_DB_INT):
            raise ValueError("out of range")
        return prio, datetime.fromisoformat(created), draft_id
    except (ValueError, TypeError, OverflowError, RecursionError) as exc:
        raise BadRequest("Invalid cursor.", details={"cursor": cursor[:200]}) from exc


def list_queue(
    *, session: Session, filters: QueueFilter, limit: int, cursor: str | None = None
) -> tuple[list[tuple[Draft, Comment]], str | None]:
    """Drafts ordered by priority (desc), then comment age (oldest first), then id."""
    query = select(Draft, Comment).join(Comment, col(Comment.id) == col(Draft.comment_id))
    if filters.status:
        query = query.where(Draft.status == filters.status)
    if filters.intent:
        query = query.where(Comment.intent == filters.intent)
    if filters.sentiment:
        query = query.where(Comment.sentiment == filters.sentiment)
    if filters.account:
        query = query.where(Comment.account == filters.account)
    if filters.platform:
        query = query.where(Comment.platform == filters.platform)
    if filters.action:
        query = query.where(Draft.action == filters.action)
    if filters.abusive is not None:
        query = query.where(Comment.abusive == filters.abusive)
    if filters.q:
        clause = search.matches(session=session, query=filters.q)
        if clause is not None:
            query = query.where(clause)
    if filters.assigned_to == "":
        query = query.where(col(Draft.assigned_to).is_(None))
    elif filters.assigned_to:
        query = query.where(Draft.assigned_to == filters.assigned_to)
    if cursor:
        prio, created, draft_id = decode_cursor(cursor)
        query = query.where(
            or_(
                col(Draft.priority) < prio,
                and_(col(Draft.priority) == prio, col(Draft.comment_created_at) > created),
                and_(
                    col(Draft.priority) == prio,
                    col(Draft.comment_created_at) == created,
                    col(Draft.id) > draft_id,
                ),
            )
        )
    # The order of the ix_drafts_queue index (status, priority desc, comment_created_at, id).
    query = query.order_by(
        col(Draft.priority).desc(), col(Draft.comment_created_at).asc(), col(Draft.id).asc()
    ).limit(limit + 1)
    rows = [(d, c) for d, c in session.exec(query)]
    next_cursor = None
    if len(rows) > limit:
        rows = rows[:limit]
        next_cursor = encode_cursor(*rows[-1])
    return rows, next_cursor


def get(*, session: Session, draft_id: int) -> tuple[Draft, Comment]:
    draft = session.get(Draft, draft_id)
    if draft is None:
        raise DraftNotFound(details={"draft_id": draft_id})
    comment = session.get(Comment, draft.comment_id)
    if comment is None:  # pragma: no cover - FK guarantees it
        raise CommentNotFound()
    return draft, comment


def _transition(
    *,
    session: Session,
    draft: Draft,
    expected_version: int | None,
    values: dict[str, Any],
    from_status: str = "pending",
) -> None:
    """Move a draft on from `from_status`, or raise InvalidTransition if someone else got there."""
    version = expected_version if expected_version is not None else draft.version
    result = session.exec(
        update(Draft)
        .where(col(Draft.id) == draft.id)
        .where(col(Draft.status) == from_status)
        .where(col(Draft.version) == version)
        .values(version=version + 1, **values)
    )
    if result.rowcount != 1:
        session.rollback()
        current = session.get(Draft, draft.id)
        raise InvalidTransition(
            details={
                "draft_id": draft.id,
                "status": current.status if current else None,
                "version": current.version if current else None,
                "decided_by": current.decided_by if current else None,
            }
        )
    session.refresh(draft)


def text_diff(before: str | None, after: str | None) -> str:
    return "\n".join(
        difflib.unified_diff(
            (before or "").splitlines(),
            (after or "").splitlines(),
            fromfile="draft",
            tofile="approved",
            lineterm="",
        )
    )


@dataclass(frozen=True)
class Approval:
    """An approved draft and where it went (see `publishing.route`)."""

    draft: Draft
    comment: Comment
    route: publishing.Route
    reason: publishing.Reason | None
    undo_seconds: float


def approve(
    *,
    session: Session,
    draft_id: int,
    actor: str,
    settings: Settings,
    text: str | None = None,
    expected_version: int | None = None,
) -> Approval:
    """Approve a draft (optionally edited) and queue its publication in the same transaction.

    Graph accounts get a platform job that waits `publish_delay_seconds` (the undo window);
    manual accounts, and Meta comments without a working token, get `ready_to_post`.
    """
    max_chars = settings.max_text_chars
    draft, comment = get(session=session, draft_id=draft_id)
    if draft.status != "pending" or draft.action not in ("reply", "hide"):
        raise InvalidTransition(
            details={"draft_id": draft.id, "status": draft.status, "action": draft.action}
        )
    final_text = draft.text
    edited = False
    if text is not None and draft.action == "reply":
        final_text = text.strip()
        if not final_text:
            raise TextEmpty("Edited text must not be empty.")
        if len(final_text) > max_chars:
            raise TextTooLong("Edited text is too long.", details={"max_chars": max_chars})
        edited = final_text != (draft.text or "")
    before = draft.text
    now = utcnow()
    where, why = publishing.route(session=session, comment=comment, settings=settings)
    status = "ready_to_post" if where == "manual" else "approved"
    _transition(
        session=session,
        draft=draft,
        expected_version=expected_version,
        values={"status": status, "text": final_text, "decided_at": now, "decided_by": actor},
    )
    details: dict[str, Any] = {"action": draft.action, "edited": edited, "route": where}
    if why:
        details["route_reason"] = why
    if edited:
        details["diff"] = text_diff(before, final_text)
    audit.record(
        session=session,
        actor=actor,
        action="draft.approved",
        comment_id=comment.id,
        draft_id=draft.id,
        account=comment.account,
        details=details,
    )
    if where == "graph":
        publishing.enqueue_publication(
            session=session,
            draft=draft,
            comment=comment,
            delay_seconds=settings.publish_delay_seconds,
        )
    events.emit(session=session, event="draft.approved", data=draft_event(draft, comment))
    session.commit()
    DRAFTS_DECIDED.labels(decision="approved_edited" if edited else "approved").inc()
    undo = settings.publish_delay_seconds if where in ("graph", "manual") else 0.0
    return Approval(draft, comment, where, why, undo)


# A little longer than the window the page shows: a click in its last second still counts.
UNDO_GRACE_SECONDS = 2.0


def undo_approval(
    *, session: Session, draft_id: int, actor: str, settings: Settings
) -> tuple[Draft, Comment]:
    """Take an approval back within the undo window: the draft is pending again, nothing is sent.

    Graph approvals can be undone while their platform job has not started; manual ones while
    the window lasts. Later: `InvalidTransition` (the reply may already be on the platform).
    """
    draft, comment = get(session=session, draft_id=draft_id)
    if draft.status not in ("approved", "ready_to_post"):
        raise InvalidTransition(details={"draft_id": draft.id, "status": draft.status})
    window = settings.publish_delay_seconds + UNDO_GRACE_SECONDS
    decided = draft.decided_at or utcnow()
    if (utcnow() - decided).total_seconds() > window:
        raise UndoExpired(details={"draft_id": draft.id, "status": draft.status})
    status = draft.status
    if status == "approved" and not publishing.cancel_publication(session=session, draft=draft):
        session.rollback()
        raise UndoExpired(details={"draft_id": draft.id, "status": draft.status})
    _transition(
        session=session,
        draft=draft,
        expected_version=None,
        from_status=status,
        values={"status": "pending", "decided_at": None, "decided_by": None},
    )
    audit.record(
        session=session,
        actor=actor,
        action="draft.undone",
        comment_id=comment.id,
        draft_id=draft.id,
        account=comment.account,
        details={"was": status},
    )
    session.commit()
    return draft, comment


def mark_posted(
    *, session: Session, draft_id: int, actor: str, url: str | None = None
) -> tuple[Draft, Comment]:
    """Record that an admin posted a `ready_to_post` draft by hand (or hid the comment)."""
    draft, comment = get(session=session, draft_id=draft_id)
    if draft.status != "ready_to_post":
        raise InvalidTransition(details={"draft_id": draft.id, "status": draft.status})
    now = utcnow()
    _transition(
        session=session,
        draft=draft,
        expected_version=None,
        from_status="ready_to_post",
        values={"status": "posted", "posted_at": now, "posted_url": url or None},
    )
    if draft.action == "hide" and comment.hidden_at is None:
        comment.hidden_at = now
        session.add(comment)
    audit.record(
        session=session,
        actor=actor,
        action="draft.marked_posted",
        comment_id=comment.id,
        draft_id=draft.id,
        account=comment.account,
        details={"action": draft.action, "url": url},
    )
    if draft.action == "reply":  # as for a reply posted through the Graph API
        data = draft_event(draft, comment) | {"url": url, "manual": True}
        events.emit(session=session, event="reply.posted", data=data)
    session.commit()
    return draft, comment


def retry(*, session: Session, draft_id: int, actor: str, settings: Settings) -> Approval:
    """Send a failed draft again: a new platform job, or manual posting when it has no token."""
    draft, comment = get(session=session, draft_id=draft_id)
    if draft.status != "failed":
        raise InvalidTransition(details={"draft_id": draft.id, "status": draft.status})
    where, why = publishing.route(session=session, comment=comment, settings=settings)
    if where == "api":  # pragma: no cover - only Meta drafts fail
        where = "graph"
    status = "ready_to_post" if where == "manual" else "approved"
    _transition(
        session=session,
        draft=draft,
        expected_version=None,
        from_status="failed",
        values={"status": status, "publish_error": None},
    )
    audit.record(
        session=session,
        actor=actor,
        action="draft.retried",
        comment_id=comment.id,
        draft_id=draft.id,
        account=comment.account,
        details={"route": where, "route_reason": why},
    )
    if where == "graph":
        publishing.release_publication(session=session, draft=draft)
        publishing.enqueue_publication(session=session, draft=draft, comment=comment)
    session.commit()
    return Approval(draft, comment, where, why, 0.0)


def withdraw_open(
    *,
    session: Session,
    comment: Comment,
    actor: str,
    reason: str,
    statuses: tuple[str, ...] = ("pending", "ready_to_post", NO_REPLY),
    to: str = "withdrawn",
) -> list[Draft]:
    """Take the comment's open drafts out of the queue (flushes only); returns them."""
    out = []
    for draft in drafts_of(session=session, comment_id=comment.id or 0):
        if draft.status not in statuses:
            continue
        _transition(
            session=session,
            draft=draft,
            expected_version=None,
            from_status=draft.status,
            values={
                "status": to,
                "reject_reason": reason,
                "decided_at": utcnow(),
                "decided_by": actor,
            },
        )
        audit.record(
            session=session,
            actor=actor,
            action="draft.withdrawn",
            comment_id=comment.id,
            draft_id=draft.id,
            account=comment.account,
            details={"reason": reason},
        )
        out.append(draft)
    return out


def assign(*, session: Session, draft_id: int, actor: str, to: str | None) -> tuple[Draft, Comment]:
    """Take a pending draft ("ambil"), or give it back (`to=None`)."""
    draft, comment = get(session=session, draft_id=draft_id)
    if draft.status != "pending":
        raise InvalidTransition(details={"draft_id": draft.id, "status": draft.status})
    draft.assigned_to = to
    session.add(draft)
    audit.record(
        session=session,
        actor=actor,
        action="draft.assigned" if to else "draft.unassigned",
        comment_id=comment.id,
        draft_id=draft.id,
        account=comment.account,
        details={"to": to},
    )
    session.commit()
    session.refresh(draft)
    return draft, comment


def reject(
    *,
    session: Session,
    draft_id: int,
    actor: str,
    reason: str,
    expected_version: int | None = None,
) -> tuple[Draft, Comment]:
    """Reject a draft with a reason; nothing is posted."""
    draft, comment = get(session=session, draft_id=draft_id)
    if draft.status != "pending":
        raise InvalidTransition(details={"draft_id": draft.id, "status": draft.status})
    _transition(
        session=session,
        draft=draft,
        expected_version=expected_version,
        values={
            "status": "rejected",
            "reject_reason": reason.strip(),
            "decided_at": utcnow(),
            "decided_by": actor,
        },
    )
    audit.record(
        session=session,
        actor=actor,
        action="draft.rejected",
        comment_id=comment.id,
        draft_id=draft.id,
        account=comment.account,
        details={"reason": reason.strip()},
    )
    events.emit(session=session, event="draft.rejected", data=draft_event(draft, comment))
    session.commit()
    DRAFTS_DECIDED.labels(decision="rejected").inc()
    return draft, comment


def regenerate(
    *,
    session: Session,
    draft_id: int,
    actor: str,
    tone: str,
    drafter: Drafter,
    settings: Settings,
    expected_version: int | None = None,
) -> tuple[Draft, Comment]:
    """Replace a pending draft with a new one in another tone."""
    draft, comment = get(session=session, draft_id=draft_id)
    if draft.status != "pending":
        raise InvalidTransition(details={"draft_id": draft.id, "status": draft.status})
    _transition(
        session=session,
        draft=draft,
        expected_version=expected_version,
        values={"status": "superseded", "decided_at": utcnow(), "decided_by": actor},
    )
    new = create_draft(
        session=session, comment=comment, drafter=drafter, settings=settings, tone=tone, actor=actor
    )
    audit.record(
        session=session,
        actor=actor,
        action="draft.regenerated",
        comment_id=comment.id,
        draft_id=draft.id,
        account=comment.account,
        details={"tone": tone, "new_draft_id": new.id if new else None},
    )
    session.commit()
    DRAFTS_DECIDED.labels(decision="regenerated").inc()
    if new is None or new.action == NO_REPLY:
        raise DraftDeclined()
    return new, comment


def redraft_pending(
    *, session: Session, comment: Comment, drafter: Drafter, settings: Settings, actor: str
) -> Draft | None:
    """After a label correction: replace the comment's pending draft with one drafted from the
    new labels, in the same tone (flushes only). None when nothing was pending."""
    pending = session.exec(
        select(Draft)
        .where(col(Draft.comment_id) == comment.id, col(Draft.status).in_(("pending", NO_REPLY)))
        .order_by(col(Draft.id).desc())
    ).first()
    if pending is None:
        return None
    _transition(
        session=session,
        draft=pending,
        expected_version=None,
        from_status=pending.status,
        values={"status": "superseded", "decided_at": utcnow(), "decided_by": actor},
    )
    new = create_draft(
        session=session,
        comment=comment,
        drafter=drafter,
        settings=settings,
        tone=pending.tone,
        actor=actor,
    )
    audit.record(
        session=session,
        actor=actor,
        action="draft.redrafted",
        comment_id=comment.id,
        draft_id=pending.id,
        account=comment.account,
        details={"reason": "labels.corrected", "new_draft_id": new.id if new else None},
    )
    return new


def drafts_of(*, session: Session, comment_id: int) -> list[Draft]:
    return list(
        session.exec(select(Draft).where(Draft.comment_id == comment_id).order_by(col(Draft.id)))
    )
