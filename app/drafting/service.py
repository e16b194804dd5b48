"""Stateless drafting use cases: classify a text, draft its reply, store nothing.

Plain Python: keyword-only arguments; the drafter's inputs come from `app.drafts.context`.
"""

from __future__ import annotations

from dataclasses import dataclass

import anyio.to_thread
from sqlmodel import Session

from app.config import Settings
from app.drafting.drafter import Drafter, DraftRequest, DraftResult
from app.drafts import context as draft_context
from app.errors import ValidationFailed
from app.metrics import CLASSIFY_SECONDS
from app.nlp.classifier import Classifier, Prediction, classify


@dataclass(frozen=True)
class StatelessDraft:
    prediction: Prediction
    model_version: str
    tone: str
    account: str
    result: DraftResult


def _check_length(settings: Settings, text: str) -> None:
    if len(text) > settings.max_text_chars:
        raise ValidationFailed(
            "Text too long.", details={"max_chars": settings.max_text_chars, "chars": len(text)}
        )


def classify_text(*, settings: Settings, classifier: Classifier, text: str) -> Prediction:
    """Classify one text for a caller that stores nothing (the stateless classify API)."""
    _check_length(settings, text)
    if not text.strip():
        raise ValidationFailed("Text is empty.", details={"field": "text"})
    [prediction] = classify(classifier, [text])
    return prediction


async def aclassify_text(*, settings: Settings, classifier: Classifier, text: str) -> Prediction:
    """`classify_text` awaited on the event loop: the batcher's future, no worker thread."""
    _check_length(settings, text)
    if not text.strip():
        raise ValidationFailed("Text is empty.", details={"field": "text"})
    apredict = getattr(classifier, "apredict", None)
    with CLASSIFY_SECONDS.time():
        if apredict is not None:
            [prediction] = await apredict([text])
        else:
            [prediction] = await anyio.to_thread.run_sync(classifier.predict, [text])
    return prediction  # type: ignore[no-any-return]


def draft_text(
    *,
    session: Session | None,
    settings: Settings,
    classifier: Classifier,
    drafter: Drafter,
    text: str,
    tone: str | None = None,
    account: str | None = None,
    platform: str | None = None,
    author: str | None = None,
    prediction: Prediction | None = None,
) -> StatelessDraft:
    """Classify a text and draft its reply; reads the account and KB, stores nothing."""
    _check_length(settings, text)
    name = account or settings.default_account
    profile = draft_context.profile_of(
        session=session, name=name, knowledge_dir=settings.knowledge_dir
    )
    tone = tone or str(profile.preferences.get("default_tone") or "") or settings.default_tone
    if prediction is None:
        [prediction] = classifier.predict([text])
    context = draft_context.build(
        session=session,
        account=name,
        knowledge_dir=settings.knowledge_dir,
        intent=prediction.intent,
        tone=tone,
        profile=profile,
    )
    result = drafter.draft(
        DraftRequest(
            text=text,
            prediction=prediction,
            tone=tone,
            platform=platform or "other",
            author=author,
        ),
        context,
    )
    return StatelessDraft(
        prediction=prediction,
        model_version=classifier.model_version,
        tone=tone,
        account=name,
        result=result,
    )
