"""Classify a stored comment and draft its reply; the `comment.process` job."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from sqlmodel import Session, col, select

from app import events
from app.audit import service as audit
from app.config import Settings
from app.drafting.drafter import AccountProfile, Drafter, DraftRequest, DraftResult
from app.drafts.priority import priority
from app.metrics import CLASSIFY_SECONDS, DRAFTS_CREATED
from app.nlp.classifier import Classifier, Prediction
from app.outbox import service as outbox
from app.outbox.worker import JobContext, handles
from app.tables import Account, Comment, Draft, utcnow

log = logging.getLogger("tanggap.pipeline")


def process_key(comment_id: int) -> str:
    return f"comment.process:{comment_id}"


def account_profile(*, session: Session | None, name: str, settings: Settings) -> AccountProfile:
    """The account's reply settings, or neutral defaults when it has none."""
    row = None
    if session is not None:
        row = session.exec(select(Account).where(Account.name == name)).first()
    if row is None:
        return AccountProfile(name=name, institution_name="kami", channels={}, preferences={})
    return AccountProfile(
        name=row.name,
        institution_name=row.institution_name,
        channels=dict(row.channels),
        preferences=dict(row.preferences),
    )


def classify(classifier: Classifier, texts: Sequence[str]) -> list[Prediction]:
    with CLASSIFY_SECONDS.time():
        return classifier.predict(list(texts))


def apply_prediction(comment: Comment, prediction: Prediction, model_version: str) -> None:
    comment.intent = prediction.intent
    comment.sentiment = prediction.sentiment
    comment.abusive = prediction.abusive
    comment.scores = prediction.scores
    comment.model_version = model_version
    comment.classified_at = utcnow()
    comment.status = "processed"


def prediction_of(comment: Comment) -> Prediction:
    """The stored labels of a comment as a `Prediction` (human corrections included)."""
    return Prediction(
        intent=comment.intent or "lainnya",
        sentiment=comment.sentiment or "netral",
        abusive=bool(comment.abusive),
        scores=dict(comment.scores or {}),
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
    """Draft an action for a classified comment and queue it for review (flushes only)."""
    profile = account_profile(session=session, name=comment.account, settings=settings)
    tone = tone or profile.preferences.get("default_tone") or settings.default_tone
    prediction = prediction_of(comment)
    result: DraftResult = drafter.draft(
        DraftRequest(
            text=comment.text,
            prediction=prediction,
            tone=tone,
            account=profile,
            platform=comment.platform,
            author=comment.author,
            comment_id=comment.id,
        ),
        session=session,
    )
    if result.action not in ("reply", "hide"):
        audit.record(
            session=session,
            actor=actor,
            action="draft.skipped",
            comment_id=comment.id,
            account=comment.account,
            details={"reason": result.flags or ["policy"], "template_id": result.template_id},
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


def process(
    *,
    session: Session,
    comments: Sequence[Comment],
    classifier: Classifier,
    drafter: Drafter,
    settings: Settings,
) -> None:
    """Classify and draft new comments in one batch; commits."""
    todo = [c for c in comments if c.status != "processed"]
    if not todo:
        return
    predictions = classify(classifier, [c.text for c in todo])
    for comment, prediction in zip(todo, predictions, strict=True):
        apply_prediction(comment, prediction, classifier.model_version)
        session.add(comment)
        audit.record(
            session=session,
            actor="system",
            action="comment.classified",
            comment_id=comment.id,
            account=comment.account,
            details={
                "intent": prediction.intent,
                "sentiment": prediction.sentiment,
                "abusive": prediction.abusive,
                "model_version": classifier.model_version,
            },
        )
        events.emit(
            session=session,
            event="comment.classified",
            data={
                "comment_id": comment.id,
                "platform": comment.platform,
                "external_id": comment.external_id,
                "account": comment.account,
                "intent": prediction.intent,
                "sentiment": prediction.sentiment,
                "abusive": prediction.abusive,
                "model_version": classifier.model_version,
            },
        )
        create_draft(session=session, comment=comment, drafter=drafter, settings=settings)
        outbox.mark_done_if_pending(session=session, dedupe_key=process_key(comment.id))  # type: ignore[arg-type]
    session.commit()


@handles("comment.process")
def handle_process(session: Session, payload: dict[str, Any], ctx: JobContext) -> dict[str, Any]:
    """Job: classify and draft one stored comment (idempotent)."""
    if ctx.classifier is None or ctx.drafter is None:
        raise RuntimeError("model not loaded")
    ids = payload.get("comment_ids") or [payload["comment_id"]]
    comments = list(session.exec(select(Comment).where(col(Comment.id).in_(ids))))
    process(
        session=session,
        comments=comments,
        classifier=ctx.classifier,
        drafter=ctx.drafter,
        settings=ctx.settings,
    )
    return {"processed": [c.id for c in comments]}
