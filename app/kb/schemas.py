"""Wire models for the knowledge base."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field, field_validator

from app.accounts.schemas import ACCOUNT_PATTERN


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
