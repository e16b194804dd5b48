"""Background work of comments: classify a stored comment and draft its reply."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from sqlmodel import Session, col, select

from app import events
from app.audit import service as audit
from app.config import Settings
from app.drafting.drafter import Drafter
from app.drafts import context as draft_context
from app.drafts.service import create_draft
from app.nlp.classifier import Classifier, Prediction, classify
from app.outbox import service as outbox
from app.outbox.jobs import JobContext, JobKind
from app.tables import Comment, utcnow

log = logging.getLogger("tanggap.comments")


def process_key(comment_id: int) -> str:
    return f"{JobKind.COMMENT_PROCESS}:{comment_id}"


def apply_prediction(comment: Comment, prediction: Prediction, model_version: str) -> None:
    comment.intent = prediction.intent
    comment.sentiment = prediction.sentiment
    comment.abusive = prediction.abusive
    comment.scores = prediction.scores
    comment.action = prediction.action
    comment.action_reason = prediction.action_reason
    comment.pii = list(prediction.pii)
    comment.model_version = model_version
    comment.classified_at = utcnow()
    comment.status = "processed"


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
    batch = draft_context.BatchContext(session=session, knowledge_dir=settings.knowledge_dir)
    batch.count_drafts([c.id for c in todo if c.id is not None])
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
        create_draft(
            session=session, comment=comment, drafter=drafter, settings=settings, batch=batch
        )
    outbox.mark_done_if_pending(
        session=session, dedupe_keys=[process_key(c.id) for c in todo if c.id is not None]
    )
    session.commit()


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
