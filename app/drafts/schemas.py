"""Wire models for drafts and the review queue."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

Tone = Literal["santai", "netral", "formal"]


class CommentBrief(BaseModel):
    id: int
    platform: str
    external_id: str
    account: str
    author: str | None
    text: str
    created_at: datetime
    intent: str | None
    sentiment: str | None
    abusive: bool | None
    action: str | None = Field(default=None, description="reply, no_reply or hide")
    action_reason: str | None = None
    pii: list[dict[str, Any]] = Field(default_factory=list)
    scores: dict[str, Any]


class DraftPublic(BaseModel):
    id: int
    comment_id: int
    action: str = Field(description="reply, hide for spam, or no_reply (nothing to answer)")
    status: str = Field(
        description="pending, approved, ready_to_post, rejected, superseded, withdrawn, posted, "
        "failed; no_reply (in the 'tidak perlu dibalas' tab) or dismissed"
    )
    text: str | None
    drafted_text: str | None
    tone: str
    priority: int
    template_id: str | None
    template_hash: str | None
    kb_entry_id: int | None
    flags: list[Any]
    model_version: str | None
    generator: str | None
    version: int
    created_at: datetime
    decided_at: datetime | None
    decided_by: str | None
    reject_reason: str | None
    posted_at: datetime | None
    posted_external_id: str | None
    publish_error: str | None
    posted_url: str | None = None
    hide_reason: str | None = None
    assigned_to: str | None = None
    no_reply_reason: str | None = Field(
        default=None,
        description="For no_reply items: why (chatter, grief, election, abuse, …); "
        "`drafted_text` then holds the thank-you offered for praise, if any.",
    )


class QueueItem(DraftPublic):
    comment: CommentBrief


class DraftPage(BaseModel):
    items: list[QueueItem]
    next_cursor: str | None


class ApproveBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: str | None = Field(default=None, description="Edited reply; omit to approve as drafted.")
    version: int | None = Field(default=None, description="Expected draft version (optional).")


class MarkPostedBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    url: str | None = Field(
        default=None,
        max_length=1000,
        pattern=r"^https?://\S+$",
        description="Where the reply was posted (optional).",
    )


class AssignBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    to: Literal["me"] | None = Field(description='"me" takes the draft; null gives it back.')


class RejectBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(min_length=1, max_length=1000)
    version: int | None = None


class RegenerateBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    tone: Tone
    version: int | None = None


def _no_reply_reason(draft: Any) -> str | None:
    if draft.action != "no_reply":
        return None
    # Late: the service imports the drafting engine; schemas stay light.
    from app.drafts.service import no_reply_reason

    return no_reply_reason(draft)


def draft_public(draft: Any) -> DraftPublic:
    out = DraftPublic.model_validate(draft, from_attributes=True)
    out.no_reply_reason = _no_reply_reason(draft)
    return out


_DRAFT_FIELDS = tuple(f for f in DraftPublic.model_fields if f != "no_reply_reason")


def queue_item(draft: Any, comment: Any) -> QueueItem:
    # One validation from the ORM attributes (not a DraftPublic dumped and validated again).
    data = {name: getattr(draft, name) for name in _DRAFT_FIELDS}
    data["no_reply_reason"] = _no_reply_reason(draft)
    data["comment"] = comment
    return QueueItem.model_validate(data, from_attributes=True)
