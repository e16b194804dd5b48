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
from app.config import Settings
from app.drafting.drafter import Drafter, DraftRequest, DraftResult
from app.drafts import context as draft_context
from app.drafts.priority import priority
from app.drafts.publishing import enqueue_publication
from app.errors import (
    BadRequest,
    CommentNotFound,
    DraftDeclined,
    DraftNotFound,
    InvalidTransition,
    TextEmpty,
    TextTooLong,
)
from app.metrics import DRAFTS_CREATED, DRAFTS_DECIDED
from app.nlp.classifier import Prediction
from app.tables import Comment, Draft, utcnow
from app.validation import MAX_DB_INT

# --- creating drafts -------------------------------------------------------------------------


def prediction_of(comment: Comment) -> Prediction:
    """The stored labels of a comment as a `Prediction` (human corrections included)."""
    stored = dict((comment.extra or {}).get("classifier") or {})
    return Prediction(
        intent=comment.intent or "lainnya",
        sentiment=comment.sentiment or "netral",
        abusive=bool(comment.abusive),
        scores=dict(comment.scores or {}),
        action=str(stored.get("action") or "reply"),
        action_reason=str(stored.get("action_reason") or ""),
        pii=list(stored.get("pii") or []),
    )


def create_draft(
    *,
    session: Session,
    comment: Comment,
    drafter: Drafter,
    settings: Settings,
    tone: str | None = None,
    actor: str = "system",
) -> Draft | None:
    """Draft an action for a classified comment and queue it for review (flushes only).

    The drafter's inputs come from `drafts.context` (account, KB, approved replies, counters).
    A ``no_reply`` result stores no draft; the audit trail records why (and the one-line
    thank-you offered for praise).
    """
    profile = draft_context.profile_of(
        session=session, name=comment.account, knowledge_dir=settings.knowledge_dir
    )
    tone = tone or str(profile.preferences.get("default_tone") or "") or settings.default_tone
    prediction = prediction_of(comment)
    context = draft_context.build(
        session=session,
        account=comment.account,
        knowledge_dir=settings.knowledge_dir,
        intent=prediction.intent,
        tone=tone,
        comment_id=comment.id,
        profile=profile,
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
    if result.action not in ("reply", "hide"):
        audit.record(
            session=session,
            actor=actor,
            action="draft.skipped",
            comment_id=comment.id,
            account=comment.account,
            details={
                "action": result.action,
                "reason": result.reason or "policy",
                "flags": result.flags,
                "offered_text": result.text,
                "template_id": result.template_id,
            },
        )
        return None
    draft = Draft(
        comment_id=comment.id,  # type: ignore[arg-type]
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


def encode_cursor(draft: Draft, comment: Comment) -> str:
    raw = json.dumps([draft.priority, comment.created_at.isoformat(), draft.id])
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
    if cursor:
        prio, created, draft_id = decode_cursor(cursor)
        query = query.where(
            or_(
                col(Draft.priority) < prio,
                and_(col(Draft.priority) == prio, col(Comment.created_at) > created),
                and_(
                    col(Draft.priority) == prio,
                    col(Comment.created_at) == created,
                    col(Draft.id) > draft_id,
                ),
            )
        )
    query = query.order_by(
        col(Draft.priority).desc(), col(Comment.created_at).asc(), col(Draft.id).asc()
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
    *, session: Session, draft: Draft, expected_version: int | None, values: dict[str, Any]
) -> None:
    """Move a pending draft on, or raise InvalidTransition if someone else got there first."""
    version = expected_version if expected_version is not None else draft.version
    result = session.exec(
        update(Draft)
        .where(col(Draft.id) == draft.id)
        .where(col(Draft.status) == "pending")
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


def approve(
    *,
    session: Session,
    draft_id: int,
    actor: str,
    text: str | None = None,
    expected_version: int | None = None,
    max_chars: int = 5000,
) -> tuple[Draft, Comment]:
    """Approve a draft (optionally edited) and queue its publication in the same transaction."""
    draft, comment = get(session=session, draft_id=draft_id)
    if draft.status != "pending":
        raise InvalidTransition(details={"draft_id": draft.id, "status": draft.status})
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
    _transition(
        session=session,
        draft=draft,
        expected_version=expected_version,
        values={"status": "approved", "text": final_text, "decided_at": now, "decided_by": actor},
    )
    details: dict[str, Any] = {"action": draft.action, "edited": edited}
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
    enqueue_publication(session=session, draft=draft, comment=comment)
    events.emit(session=session, event="draft.approved", data=draft_event(draft, comment))
    session.commit()
    DRAFTS_DECIDED.labels(decision="approved_edited" if edited else "approved").inc()
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
    if new is None:
        raise DraftDeclined()
    return new, comment


def redraft_pending(
    *, session: Session, comment: Comment, drafter: Drafter, settings: Settings, actor: str
) -> Draft | None:
    """After a label correction: replace the comment's pending draft with one drafted from the
    new labels, in the same tone (flushes only). None when nothing was pending."""
    pending = session.exec(
        select(Draft)
        .where(col(Draft.comment_id) == comment.id, col(Draft.status) == "pending")
        .order_by(col(Draft.id).desc())
    ).first()
    if pending is None:
        return None
    _transition(
        session=session,
        draft=pending,
        expected_version=None,
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
