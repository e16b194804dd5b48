"""Wire models for stateless classification and drafting."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from app.accounts.schemas import ACCOUNT_PATTERN

Tone = Literal["santai", "netral", "formal"]
Platform = Literal["instagram", "facebook", "x", "tiktok", "youtube", "web", "other"]


class DraftIn(BaseModel):
    """A text to classify and draft a reply for; nothing is stored."""

    model_config = ConfigDict(extra="forbid")

    text: str = Field(min_length=1, description="Comment text (limit: TANGGAP_MAX_TEXT_CHARS).")
    tone: Tone | None = Field(default=None, description="Default: the account's, else santai.")
    account: str | None = Field(default=None, pattern=ACCOUNT_PATTERN)
    platform: Platform | None = Field(default=None, description="Sets the length limit.")
    author: str | None = Field(default=None, max_length=200, description="Handle to greet.")


class ClassifyIn(BaseModel):
    """A text to classify; nothing is stored."""

    model_config = ConfigDict(extra="forbid")

    text: str = Field(min_length=1, description="Comment text (limit: TANGGAP_MAX_TEXT_CHARS).")


class ClassifyOut(BaseModel):
    intent: str
    sentiment: str
    abusive: bool
    action: str = Field(description="reply, no_reply or hide")
    action_reason: str = Field(
        description="why: spam, abuse, pii_other, model, chatter or addressed"
    )
    pii: list[dict[str, Any]] = Field(
        description='Personal data in the text: [{"type", "start", "end"}] (character offsets).'
    )
    scores: dict[str, Any] = Field(
        description='Calibrated probabilities: {"intent": {label: p}, "sentiment": {...}, '
        '"abusive": p}.'
    )
    model_version: str


class KbRef(BaseModel):
    """The knowledge-base entry a draft used (`id` is null for entries from YAML files)."""

    id: int | None
    slug: str | None = None
    question: str
    link: str | None


class DraftOut(BaseModel):
    intent: str
    sentiment: str
    abusive: bool
    scores: dict[str, Any]
    model_version: str | None
    draft: str | None = Field(
        description="The reply text; null for hide; for no_reply an optional one-line thank-you."
    )
    action: Literal["reply", "hide", "no_reply"]
    reason: str | None = Field(
        default=None, description="Why hide / no_reply (spam, abuse, chatter, grief, election …)."
    )
    acts: list[str] = Field(default_factory=list, description="The plan the reply realises.")
    tone: str
    account: str
    template_id: str | None
    template_hash: str | None
    kb_entry: KbRef | None
    reused_draft_id: int | None
    flags: list[str] = Field(description="Guardrail findings; empty when clean.")
    generator: str
