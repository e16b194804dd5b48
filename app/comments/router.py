"""Comment ingest and reading."""

from __future__ import annotations

from fastapi import APIRouter, Response, status
from pydantic import ValidationError

from app.accounts import service as accounts_service
from app.audit import service as audit_service
from app.comments import service
from app.comments.schemas import (
    AuditEntry,
    BatchItemResult,
    BatchResult,
    CommentBatch,
    CommentCreate,
    CommentDetail,
    CommentPublic,
    LabelCorrection,
    comment_public,
)
from app.deps import (
    AnyKey,
    ClassifierDep,
    DrafterDep,
    IdPath,
    ProcessingDep,
    ReviewerKey,
    SessionDep,
    SettingsDep,
)
from app.drafts import service as drafts_service
from app.drafts.schemas import DraftPublic, draft_public
from app.errors import AppError, ValidationFailed

router = APIRouter(prefix="/api/v1/comments", tags=["comments"])


def _new(body: CommentCreate) -> service.NewComment:
    return service.NewComment(**body.model_dump())


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=CommentPublic,
    responses={200: {"description": "Already stored: the same resource", "model": CommentPublic}},
)
def create_comment(
    body: CommentCreate,
    response: Response,
    session: SessionDep,
    settings: SettingsDep,
    classifier: ClassifierDep,
    drafter: DrafterDep,
    processing: ProcessingDep,
    principal: AnyKey,
) -> CommentPublic:
    """Store a comment, classify it and draft a reply (idempotent per platform + external_id)."""
    [result] = service.ingest(
        session=session,
        items=[_new(body)],
        source="api",
        actor=principal.actor,
        settings=settings,
        classifier=classifier,
        drafter=drafter,
        processing=processing,
    )
    if not result.created:
        response.status_code = status.HTTP_200_OK
    drafts = service.current_drafts(session=session, comment_ids=[result.comment.id])
    return comment_public(result.comment, drafts.get(result.comment.id))


@router.post("/batch", response_model=BatchResult)
def create_comments_batch(
    body: CommentBatch,
    session: SessionDep,
    settings: SettingsDep,
    classifier: ClassifierDep,
    drafter: DrafterDep,
    processing: ProcessingDep,
    principal: AnyKey,
) -> BatchResult:
    """Store up to TANGGAP_MAX_BATCH_ITEMS comments; each item gets its own result."""
    if len(body.items) > settings.max_batch_items:
        raise ValidationFailed(
            "Too many items in one batch.",
            details={"max_items": settings.max_batch_items, "items": len(body.items)},
        )
    results: list[BatchItemResult | None] = [None] * len(body.items)
    valid: list[tuple[int, service.NewComment]] = []
    for index, raw in enumerate(body.items):
        try:
            item = _new(CommentCreate.model_validate(raw))
            service.validate_text(item.text, settings)
            valid.append((index, item))
        except ValidationError as exc:
            results[index] = BatchItemResult(
                index=index,
                status="error",
                error={
                    "code": "validation_error",
                    "message": "Invalid item.",
                    "details": exc.errors(include_url=False, include_input=False),
                },
            )
        except AppError as exc:
            results[index] = BatchItemResult(
                index=index, status="error", error=exc.to_body()["error"]
            )
    if not settings.auto_create_accounts and valid:
        unknown = accounts_service.unknown_names(
            session=session,
            names={item.account or settings.default_account for _, item in valid},
            allowed={settings.default_account},
        )
        for index, item in valid:
            if (item.account or settings.default_account) in unknown:
                error = accounts_service.UnknownAccount(details={"accounts": [item.account]})
                results[index] = BatchItemResult(
                    index=index, status="error", error=error.to_body()["error"]
                )
        valid = [(i, item) for i, item in valid if results[i] is None]
    stored = (
        service.ingest(
            session=session,
            items=[item for _, item in valid],
            source="api",
            actor=principal.actor,
            settings=settings,
            classifier=classifier,
            drafter=drafter,
            processing=processing,
        )
        if valid
        else []
    )
    drafts = service.current_drafts(session=session, comment_ids=[r.comment.id for r in stored])
    for (index, _), res in zip(valid, stored, strict=True):
        results[index] = BatchItemResult(
            index=index,
            status="created" if res.created else "existing",
            comment=comment_public(res.comment, drafts.get(res.comment.id)),
        )
    items = [r for r in results if r is not None]
    return BatchResult(
        items=items,
        created=sum(r.status == "created" for r in items),
        existing=sum(r.status == "existing" for r in items),
        errors=sum(r.status == "error" for r in items),
    )


@router.get("/{comment_id}", response_model=CommentDetail)
def get_comment(comment_id: IdPath, session: SessionDep, _: AnyKey) -> CommentDetail:
    """A comment with all its drafts and its audit history."""
    comment = service.get(session=session, comment_id=comment_id)
    drafts = drafts_service.drafts_of(session=session, comment_id=comment_id)
    current = service.current_drafts(session=session, comment_ids=[comment_id]).get(comment_id)
    history = audit_service.search(session=session, comment_id=comment_id, limit=500)
    base = comment_public(comment, current)
    return CommentDetail(
        **base.model_dump(),
        drafts=[draft_public(d) for d in drafts],
        history=[AuditEntry.model_validate(e, from_attributes=True) for e in reversed(history)],
    )


@router.post("/{comment_id}/labels", response_model=CommentPublic)
def correct_comment_labels(
    comment_id: IdPath,
    body: LabelCorrection,
    session: SessionDep,
    principal: ReviewerKey,
    settings: SettingsDep,
    drafter: DrafterDep,
) -> CommentPublic:
    """Correct intent/sentiment/abuse (a training example); the pending draft is redrafted."""
    comment = service.correct_labels(
        session=session,
        comment_id=comment_id,
        actor=principal.actor,
        drafter=drafter,
        settings=settings,
        **body.model_dump(),
    )
    current = service.current_drafts(session=session, comment_ids=[comment_id]).get(comment_id)
    return comment_public(comment, current)


@router.post("/{comment_id}/hide-personal-data", response_model=DraftPublic)
def hide_personal_data(
    comment_id: IdPath, session: SessionDep, settings: SettingsDep, principal: ReviewerKey
) -> DraftPublic:
    """Hide the comment because it holds personal data: an approved hide draft with
    `hide_reason: "pii"` (not a spam label, not a training example)."""
    done = service.hide_for_privacy(
        session=session, comment_id=comment_id, actor=principal.actor, settings=settings
    )
    return draft_public(done.draft)
