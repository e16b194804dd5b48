"""Comment use cases: ingest (idempotent per platform + external id), read, label corrections."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from app.accounts import service as accounts_service
from app.audit import service as audit
from app.comments.pipeline import ProcessingBatcher
from app.comments.tasks import process, process_key
from app.config import Settings
from app.drafting.drafter import Drafter
from app.drafts import service as drafts_service
from app.errors import CommentNotFound, InvalidTransition, ValidationFailed
from app.metrics import COMMENTS_INGESTED
from app.nlp.classifier import Classifier
from app.nlp.data import Example
from app.nlp.labels import INTENTS, SENTIMENTS
from app.outbox import service as outbox
from app.outbox.jobs import JobKind
from app.tables import AuditEvent, Comment, Draft, KbEntry, LabelFeedback, utcnow
from app.validation import fit_field, fit_id, has_visible_text, sane_created_at

log = logging.getLogger("tanggap.comments")

# A comment processed inline has its safety-net job closed in the same commit; if the inline
# step fails or the process dies, a worker picks the job up after
# TANGGAP_INLINE_GRACE_SECONDS (60 by default).


@dataclass(frozen=True)
class NewComment:
    platform: str
    external_id: str
    text: str
    author: str | None = None
    author_id: str | None = None
    post_id: str | None = None
    parent_id: str | None = None
    created_at: datetime | None = None
    account: str | None = None
    extra: dict[str, Any] | None = None


@dataclass
class IngestResult:
    comment: Comment
    created: bool


def validate_text(text: str, settings: Settings) -> str:
    cleaned = text.replace("\x00", "").strip()
    if not cleaned or not has_visible_text(cleaned):
        raise ValidationFailed(
            "Comment text must not be empty (or only invisible characters).",
            details={"field": "text"},
        )
    if len(cleaned) > settings.max_text_chars:
        raise ValidationFailed(
            "Comment text is too long.",
            details={"field": "text", "max_chars": settings.max_text_chars, "chars": len(cleaned)},
        )
    return cleaned


def validate_text_or_none(text: str, settings: Settings) -> str | None:
    """`validate_text` for platform deliveries: None instead of an error."""
    try:
        return validate_text(text, settings)
    except ValidationFailed:
        return None


def ingest(
    *,
    session: Session,
    items: list[NewComment],
    source: str,
    actor: str,
    settings: Settings,
    classifier: Classifier | None,
    drafter: Drafter | None,
    inline: bool = True,
    processing: ProcessingBatcher | None = None,
) -> list[IngestResult]:
    """Store comments at once, then classify and draft them.

    Duplicates (same platform + external id, in the database or within `items`) return the
    stored comment. Storing never depends on the model: when `inline` is false, or the inline
    step fails, the `comment.process` job finishes the work. With `processing`, the inline step
    runs in its shared batches (together with concurrent requests' comments).
    """
    for _ in range(3):
        try:
            results = _store(
                session=session,
                items=items,
                source=source,
                actor=actor,
                settings=settings,
                inline=inline,
            )
            break
        except IntegrityError:
            # A concurrent request stored one of these first; retry sees it as existing.
            session.rollback()
    else:  # pragma: no cover - three races in a row
        raise
    new = [r.comment for r in results if r.created]
    if inline and new and processing is not None:
        ids = [c.id for c in _unique(new) if c.id is not None]
        if processing.process(ids, timeout=settings.processing_wait_seconds):
            # Processed in the batcher's session: read the labels it stored.
            list(
                session.exec(
                    select(Comment)
                    .where(col(Comment.id).in_(ids))
                    .execution_options(populate_existing=True)
                )
            )
    elif inline and new and classifier is not None and drafter is not None:
        try:
            process(
                session=session,
                comments=_unique(new),
                classifier=classifier,
                drafter=drafter,
                settings=settings,
            )
        except Exception:  # stored already; the queued job retries the processing
            log.exception("comments.process.inline_failed count=%d", len(new))
            session.rollback()
            for comment in _unique(new):
                session.refresh(comment)
    return results


def _unique(comments: list[Comment]) -> list[Comment]:
    seen: dict[int, Comment] = {}
    for c in comments:
        seen.setdefault(c.id, c)  # type: ignore[arg-type]
    return list(seen.values())


def _store(
    *,
    session: Session,
    items: list[NewComment],
    source: str,
    actor: str,
    settings: Settings,
    inline: bool,
) -> list[IngestResult]:
    items = [replace(i, external_id=fit_id(i.external_id)) for i in items]
    keys = {(i.platform, i.external_id) for i in items}
    names = {i.account or settings.default_account for i in items}
    # A typo in `account` must not create an account; webhooks map ids to names the operator
    # configured, so their accounts are registered as they come.
    accounts_service.require_known(
        session=session,
        names=names,
        allowed={settings.default_account},
        auto_create=settings.auto_create_accounts or source != "api",
    )
    existing: dict[tuple[str, str], Comment] = {}
    if keys:
        ext_ids = [k[1] for k in keys]
        for row in session.exec(select(Comment).where(col(Comment.external_id).in_(ext_ids))):
            if (row.platform, row.external_id) in keys:
                existing[(row.platform, row.external_id)] = row
    results: list[IngestResult] = []
    created: list[Comment] = []
    now = utcnow()
    for item in items:
        key = (item.platform, item.external_id)
        if key in existing:
            results.append(IngestResult(existing[key], created=False))
            continue
        # The API validated these already; platform deliveries are cut to fit, never refused.
        comment = Comment(
            platform=item.platform,
            external_id=item.external_id,
            account=item.account or settings.default_account,
            author=fit_field(item.author, 200),
            author_id=fit_field(item.author_id, 200),
            post_id=fit_field(item.post_id, 200),
            parent_id=fit_field(item.parent_id, 200),
            text=validate_text(item.text, settings),
            source=source,
            created_at=sane_created_at(item.created_at) or now,
            received_at=now,
            extra=item.extra or {},
            scores={},  # given, not defaulted: the model's default factories are slow
            pii=[],
        )
        session.add(comment)
        existing[key] = comment
        created.append(comment)
        results.append(IngestResult(comment, created=True))
    session.flush()
    outbox.enqueue_unique(
        session=session,
        kind=JobKind.COMMENT_PROCESS,
        jobs=[(process_key(c.id), {"comment_id": c.id}) for c in created],  # type: ignore[arg-type]
        run_after=now + timedelta(seconds=settings.inline_grace_seconds) if inline else now,
    )
    for comment in created:
        audit.record(
            session=session,
            actor=actor,
            action="comment.ingested",
            comment_id=comment.id,
            account=comment.account,
            details={
                "platform": comment.platform,
                "external_id": comment.external_id,
                "source": source,
            },
        )
    session.commit()
    for comment in created:
        COMMENTS_INGESTED.labels(platform=comment.platform, source=source).inc()
    return results


def get(*, session: Session, comment_id: int) -> Comment:
    comment = session.get(Comment, comment_id)
    if comment is None:
        raise CommentNotFound(details={"comment_id": comment_id})
    return comment


def current_drafts(
    *, session: Session, comment_ids: Sequence[int | None]
) -> dict[int | None, Draft]:
    """The newest non-superseded draft of each comment."""
    if not comment_ids:
        return {}
    rows = session.exec(
        select(Draft)
        .where(col(Draft.comment_id).in_(comment_ids))
        .where(Draft.status != "superseded")
        .order_by(col(Draft.id))
    )
    latest: dict[int | None, Draft] = {}
    for d in rows:
        latest[d.comment_id] = d
    return latest


def correct_labels(
    *,
    session: Session,
    comment_id: int,
    actor: str,
    intent: str | None,
    sentiment: str | None,
    abusive: bool | None,
    drafter: Drafter | None = None,
    settings: Settings | None = None,
) -> Comment:
    """Store a reviewer's correction as a training example and apply it to the comment.

    With a drafter, the comment's pending draft is drafted again from the new labels.
    """
    comment = get(session=session, comment_id=comment_id)
    if intent is None and sentiment is None and abusive is None:
        raise ValidationFailed("Give at least one of intent, sentiment, abusive.")
    previous = {
        "intent": comment.intent,
        "sentiment": comment.sentiment,
        "abusive": comment.abusive,
    }
    session.add(
        LabelFeedback(
            comment_id=comment.id,  # type: ignore[arg-type]
            text=comment.text,
            intent=intent,
            sentiment=sentiment,
            abusive=abusive,
            previous=previous,
            created_by=actor,
        )
    )
    if intent is not None:
        comment.intent = intent
    if sentiment is not None:
        comment.sentiment = sentiment
    if abusive is not None:
        comment.abusive = abusive
    session.add(comment)
    audit.record(
        session=session,
        actor=actor,
        action="labels.corrected",
        comment_id=comment.id,
        account=comment.account,
        details={
            "previous": previous,
            "new": {"intent": intent, "sentiment": sentiment, "abusive": abusive},
        },
    )
    if drafter is not None and settings is not None:
        drafts_service.redraft_pending(
            session=session, comment=comment, drafter=drafter, settings=settings, actor=actor
        )
    session.commit()
    session.refresh(comment)
    return comment


def hide_as_spam(
    *, session: Session, draft_id: int, actor: str, settings: Settings, drafter: Drafter
) -> int:
    """The id of a hide draft for this draft's comment, ready to approve.

    A reply draft first corrects the comment's intent to spam (a training example), then asks
    the drafter for a fresh draft, which for spam is a hide suggestion.
    """
    draft, comment = drafts_service.get(session=session, draft_id=draft_id)
    if draft.action == "hide":
        return draft_id
    if draft.action == drafts_service.NO_REPLY:
        raise InvalidTransition(details={"draft_id": draft.id, "action": draft.action})
    if comment.intent != "spam":
        correct_labels(
            session=session,
            comment_id=draft.comment_id,
            actor=actor,
            intent="spam",
            sentiment=None,
            abusive=None,
        )
    new, _ = drafts_service.regenerate(
        session=session,
        draft_id=draft_id,
        actor=actor,
        tone=draft.tone,
        drafter=drafter,
        settings=settings,
        expected_version=draft.version,
    )
    if new.action != "hide":
        raise InvalidTransition("The drafter did not suggest hiding this comment.")
    assert new.id is not None  # stored: flushed drafts have ids
    return new.id


EDITED_REASON = "diedit oleh penulis"
REMOVED_REASON = "dihapus oleh penulis"


def apply_edit(*, session: Session, comment: Comment, text: str, actor: str) -> bool:
    """The author edited the comment: new text, classified again, its pending draft redrafted.

    The pending draft is superseded and a `comment.process` job classifies and drafts the new
    text (an approved draft stays: a person decided it). Flushes; returns whether it changed.
    """
    if text == comment.text:
        return False
    audit.record(
        session=session,
        actor=actor,
        action="comment.edited",
        comment_id=comment.id,
        account=comment.account,
        details={"before": comment.text, "after": text},
    )
    comment.text = text
    comment.status = "new"
    comment.classified_at = None
    session.add(comment)
    drafts_service.withdraw_open(
        session=session,
        comment=comment,
        actor=actor,
        reason=EDITED_REASON,
        statuses=("pending", drafts_service.NO_REPLY),
        to="superseded",
    )
    outbox.enqueue(
        session=session, kind=JobKind.COMMENT_PROCESS, payload={"comment_id": comment.id}
    )
    session.flush()
    return True


def apply_removal(*, session: Session, comment: Comment, actor: str) -> bool:
    """The author deleted the comment: its open drafts are withdrawn. Flushes."""
    if comment.deleted_at is not None:
        return False
    comment.deleted_at = utcnow()
    session.add(comment)
    audit.record(
        session=session,
        actor=actor,
        action="comment.deleted",
        comment_id=comment.id,
        account=comment.account,
        details={"platform": comment.platform, "external_id": comment.external_id},
    )
    drafts_service.withdraw_open(
        session=session, comment=comment, actor=actor, reason=REMOVED_REASON
    )
    session.flush()
    return True


def record_reveal(*, session: Session, comment_id: int, actor: str) -> Comment:
    """Audit that someone looked at a comment's personal data unmasked."""
    comment = get(session=session, comment_id=comment_id)
    audit.record(
        session=session,
        actor=actor,
        action="pii.revealed",
        comment_id=comment.id,
        account=comment.account,
    )
    session.commit()
    return comment


def hide_for_privacy(
    *, session: Session, comment_id: int, actor: str, settings: Settings
) -> drafts_service.Approval:
    """Hide a comment because it holds personal data: its own reason, no spam label.

    The pending draft (if any) is superseded by an approved hide draft with
    `hide_reason="pii"`; no label correction is stored, so nothing becomes spam training data.
    """
    comment = get(session=session, comment_id=comment_id)
    if comment.hidden_at is not None or comment.deleted_at is not None:
        raise InvalidTransition(
            "The comment is already hidden or deleted.", details={"comment_id": comment_id}
        )
    for draft in drafts_service.drafts_of(session=session, comment_id=comment_id):
        if draft.status == "pending":
            draft.status = "superseded"
            draft.decided_at = utcnow()
            draft.decided_by = actor
            draft.version += 1
            session.add(draft)
    hide = Draft(
        comment_id=comment_id,
        comment_created_at=comment.created_at,
        action="hide",
        hide_reason="pii",
        tone="netral",
        template_id="policy/pii",
        flags=[],
        model_version=comment.model_version,
        generator="reviewer",
    )
    session.add(hide)
    session.flush()
    audit.record(
        session=session,
        actor=actor,
        action="draft.created",
        comment_id=comment_id,
        draft_id=hide.id,
        account=comment.account,
        details={"action": "hide", "reason": "data pribadi", "template_id": "policy/pii"},
    )
    session.commit()
    assert hide.id is not None
    return drafts_service.approve(session=session, draft_id=hide.id, actor=actor, settings=settings)


@dataclass(frozen=True)
class CommentDetail:
    """A comment with its drafts (newest first), the KB entries they used and its history."""

    comment: Comment
    drafts: list[Draft]
    pending: Draft | None
    kb: dict[int, KbEntry | None]
    history: list[AuditEvent]


def detail(*, session: Session, comment_id: int) -> CommentDetail:
    """Everything the comment page shows; `CommentNotFound` when there is no such comment."""
    comment = get(session=session, comment_id=comment_id)
    drafts = drafts_service.drafts_of(session=session, comment_id=comment_id)
    kb_ids = {d.kb_entry_id for d in drafts if d.kb_entry_id is not None}
    kb = {i: session.get(KbEntry, i) for i in kb_ids}
    history = list(reversed(audit.search(session=session, comment_id=comment_id, limit=500)))
    pending = next((d for d in reversed(drafts) if d.status == "pending"), None)
    return CommentDetail(
        comment=comment,
        drafts=list(reversed(drafts)),
        pending=pending,
        kb=kb,
        history=history,
    )


def corrections(
    *, session: Session, comment_ids: Sequence[int | None]
) -> dict[int, dict[str, str]]:
    """Who last corrected which label of each comment: `{comment_id: {"intent": actor, ...}}`."""
    ids = [i for i in comment_ids if i is not None]
    if not ids:
        return {}
    out: dict[int, dict[str, str]] = {}
    rows = session.exec(
        select(LabelFeedback)
        .where(col(LabelFeedback.comment_id).in_(ids))
        .order_by(col(LabelFeedback.id))
    )
    for row in rows:
        fields = out.setdefault(row.comment_id, {})
        for name in ("intent", "sentiment", "abusive"):
            if getattr(row, name) is not None:
                fields[name] = row.created_by
    return out


def feedback_examples(*, session: Session) -> list[Example]:
    """Reviewer corrections from the ``label_feedback`` table, as training examples."""
    out = []
    for row in session.exec(select(LabelFeedback)):
        intent = row.intent if row.intent in INTENTS else None
        sentiment = row.sentiment if row.sentiment in SENTIMENTS else None
        abusive = getattr(row, "abusive", None)
        out.append(Example(row.text, "feedback", intent, sentiment, abusive))
    return out
