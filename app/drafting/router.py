"""HTTP API: stateless classification and drafts."""

from __future__ import annotations

from fastapi import APIRouter

from app.deps import AnyKey, ClassifierDep, DrafterDep, SessionDep, SettingsDep
from app.drafting import service
from app.drafting.schemas import ClassifyIn, ClassifyOut, DraftIn, DraftOut, KbRef

router = APIRouter(prefix="/api/v1", tags=["drafting"])


@router.post("/classify", response_model=ClassifyOut)
async def classify_text(
    body: ClassifyIn, settings: SettingsDep, classifier: ClassifierDep, _: AnyKey
) -> ClassifyOut:
    """Intent, sentiment, abuse, action, personal data and calibrated scores of one text;
    stores nothing."""
    # async: the text goes to the inference batcher from the event loop, without a thread hop
    prediction = await service.aclassify_text(
        settings=settings, classifier=classifier, text=body.text
    )
    return ClassifyOut(
        intent=prediction.intent,
        sentiment=prediction.sentiment,
        abusive=prediction.abusive,
        action=prediction.action,
        action_reason=prediction.action_reason,
        pii=prediction.pii,
        scores=prediction.scores,
        model_version=classifier.model_version,
    )


@router.post("/draft", response_model=DraftOut)
def draft_reply(
    body: DraftIn,
    session: SessionDep,
    settings: SettingsDep,
    classifier: ClassifierDep,
    drafter: DrafterDep,
    _: AnyKey,
) -> DraftOut:
    """Classify a text and draft a reply without storing anything (for helpdesk tools)."""
    out = service.draft_text(
        session=session,
        settings=settings,
        classifier=classifier,
        drafter=drafter,
        text=body.text,
        tone=body.tone,
        account=body.account,
        platform=body.platform,
        author=body.author,
    )
    result = out.result
    return DraftOut(
        intent=out.prediction.intent,
        sentiment=out.prediction.sentiment,
        abusive=out.prediction.abusive,
        scores=out.prediction.scores,
        model_version=out.model_version,
        draft=result.text,
        action=result.action,
        reason=result.reason,
        acts=list(result.acts),
        tone=out.tone,
        account=out.account,
        template_id=result.template_id,
        template_hash=result.template_hash,
        kb_entry=KbRef(**result.kb_entry) if result.kb_entry else None,
        reused_draft_id=result.reused_draft_id,
        flags=list(result.flags),
        generator=result.generator,
    )
