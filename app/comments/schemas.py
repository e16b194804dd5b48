"""Wire models for comments."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from app.drafts.schemas import DraftPublic, draft_public
from app.validation import created_at_error, utc

Platform = Literal["instagram", "facebook", "x", "tiktok", "youtube", "web", "other"]
ACCOUNT_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$"


class CommentCreate(BaseModel):
    """A citizen comment to ingest."""

    model_config = ConfigDict(extra="forbid")

    platform: Platform
    external_id: str = Field(min_length=1, max_length=200, description="The platform's own id.")
    text: str = Field(min_length=1, description="Comment text (limit: TANGGAP_MAX_TEXT_CHARS).")
    author: str | None = Field(default=None, max_length=200)
    author_id: str | None = Field(default=None, max_length=200)
    post_id: str | None = Field(default=None, max_length=200)
    parent_id: str | None = Field(default=None, max_length=200)
    created_at: datetime | None = Field(
        default=None, description="From 2000-01-01 to a day ahead of the server's clock."
    )
    account: str | None = Field(default=None, pattern=ACCOUNT_PATTERN)

    @field_validator("external_id", "author", "author_id", "post_id", "parent_id")
    @classmethod
    def _no_nul(cls, value: str | None) -> str | None:
        if value is not None and "\x00" in value:
            raise ValueError("must not contain NUL characters")
        return value

    @field_validator("created_at")
    @classmethod
    def _created_at_in_range(cls, value: datetime | None) -> datetime | None:
        if value is None:
            return None
        problem = created_at_error(value)
        if problem:
            raise ValueError(f"created_at {problem}")
        return utc(value)


class CommentBatch(BaseModel):
    """Up to TANGGAP_MAX_BATCH_ITEMS comments; each item is validated on its own."""

    items: list[dict[str, Any]] = Field(min_length=1)


class Classification(BaseModel):
    intent: str
    sentiment: str
    abusive: bool
    action: str | None = Field(description="reply, no_reply or hide")
    action_reason: str | None = Field(
        description="why: spam, abuse, pii_other, model, chatter or addressed"
    )
    pii: list[dict[str, Any]] = Field(
        description='Personal data in the text: [{"type", "start", "end"}] (character offsets).'
    )
    scores: dict[str, Any]
    model_version: str | None


class Suggestion(BaseModel):
    action: Literal["hide"]
    reason: str
    draft_id: int
    status: str


class CommentPublic(BaseModel):
    id: int
    platform: str
    external_id: str
    account: str
    author: str | None
    post_id: str | None
    parent_id: str | None
    text: str
    source: str
    created_at: datetime
    received_at: datetime
    status: str = Field(description="new (waiting for the classifier), processed or failed")
    hidden: bool
    classification: Classification | None
    draft: DraftPublic | None = Field(description="The current reply draft; null for spam.")
    suggestion: Suggestion | None = Field(description="Set for spam: hide instead of reply.")


class AuditEntry(BaseModel):
    id: int
    at: datetime
    actor: str
    action: str
    comment_id: int | None
    draft_id: int | None
    account: str | None
    details: dict[str, Any]


class CommentDetail(CommentPublic):
    drafts: list[DraftPublic]
    history: list[AuditEntry]


class BatchItemResult(BaseModel):
    index: int
    status: Literal["created", "existing", "error"]
    comment: CommentPublic | None = None
    error: dict[str, Any] | None = None


class BatchResult(BaseModel):
    items: list[BatchItemResult]
    created: int
    existing: int
    errors: int


class LabelCorrection(BaseModel):
    """A reviewer's correction; stored as a training example."""

    model_config = ConfigDict(extra="forbid")

    intent: (
        Literal["pertanyaan", "keluhan", "kritik", "saran", "apresiasi", "spam", "lainnya"] | None
    ) = None
    sentiment: Literal["positif", "netral", "negatif"] | None = None
    abusive: bool | None = None


def comment_public(comment: Any, draft: Any | None) -> CommentPublic:
    """Build the public view of a comment with its current draft or hide suggestion."""
    classification = None
    if comment.status == "processed" and comment.intent is not None:
        classification = Classification(
            intent=comment.intent,
            sentiment=comment.sentiment or "netral",
            abusive=bool(comment.abusive),
            action=comment.action,
            action_reason=comment.action_reason,
            pii=list(comment.pii or []),
            scores=comment.scores or {},
            model_version=comment.model_version,
        )
    reply = None
    suggestion = None
    if draft is not None and draft.action == "hide":
        suggestion = Suggestion(
            action="hide", reason="spam", draft_id=draft.id, status=draft.status
        )
    elif draft is not None and draft.action != "no_reply":  # no_reply: see the drafts list
        reply = draft_public(draft)
    return CommentPublic(
        id=comment.id,
        platform=comment.platform,
        external_id=comment.external_id,
        account=comment.account,
        author=comment.author,
        post_id=comment.post_id,
        parent_id=comment.parent_id,
        text=comment.text,
        source=comment.source,
        created_at=comment.created_at,
        received_at=comment.received_at,
        status=comment.status,
        hidden=comment.hidden_at is not None,
        classification=classification,
        draft=reply,
        suggestion=suggestion,
    )
