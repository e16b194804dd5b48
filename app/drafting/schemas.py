"""Wire models for stateless drafting, the knowledge base and account reply settings."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

Tone = Literal["santai", "netral", "formal"]
Platform = Literal["instagram", "facebook", "x", "tiktok", "youtube", "web", "other"]
ACCOUNT_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$"


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
    draft: str | None = Field(description="The reply text; null for hide/none.")
    action: Literal["reply", "hide", "none"]
    tone: str
    account: str
    template_id: str | None
    template_hash: str | None
    kb_entry: KbRef | None
    reused_draft_id: int | None
    flags: list[str] = Field(description="Guardrail findings; empty when clean.")
    generator: str


class KbEntryIn(BaseModel):
    """A new FAQ entry."""

    model_config = ConfigDict(extra="forbid")

    account: str | None = Field(default=None, pattern=ACCOUNT_PATTERN)
    slug: str | None = Field(default=None, max_length=100)
    question: str = Field(min_length=1, max_length=2000)
    answer: str = Field(min_length=1, max_length=5000)
    keywords: list[str] = Field(default_factory=list, max_length=100)
    link: str | None = Field(default=None, max_length=500)

    @field_validator("question", "answer")
    @classmethod
    def not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("may not be blank")
        return value.strip()


class KbEntryUpdate(BaseModel):
    """Fields to change; omitted fields stay as they are."""

    model_config = ConfigDict(extra="forbid")

    slug: str | None = Field(default=None, max_length=100)
    question: str | None = Field(default=None, min_length=1, max_length=2000)
    answer: str | None = Field(default=None, min_length=1, max_length=5000)
    keywords: list[str] | None = Field(default=None, max_length=100)
    link: str | None = Field(default=None, max_length=500)


class KbEntryPublic(BaseModel):
    id: int
    account: str
    slug: str | None
    question: str
    answer: str
    keywords: list[str]
    link: str | None
    created_at: datetime
    updated_at: datetime


class KbList(BaseModel):
    account: str
    items: list[KbEntryPublic]


class KbImportResult(BaseModel):
    account: str
    created: int
    updated: int
    unchanged: int
    total: int
    account_created: bool


class AccountIn(BaseModel):
    """An account's reply settings: shown in drafts and used by the guardrails."""

    model_config = ConfigDict(extra="forbid")

    institution_name: str = Field(min_length=1, max_length=200)
    channels: dict[str, str] = Field(
        default_factory=dict,
        description="website, whatsapp, hotline, email, instagram, office_hours …",
    )
    preferences: dict[str, Any] = Field(
        default_factory=dict, description="default_tone (santai|netral|formal), abusive_reply"
    )


class AccountPublic(BaseModel):
    name: str
    institution_name: str
    channels: dict[str, Any]
    preferences: dict[str, Any]
    created_at: datetime
    updated_at: datetime
