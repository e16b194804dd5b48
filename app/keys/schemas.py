"""Wire models for API keys."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field


class ApiKeyCreate(BaseModel):
    name: str = Field(min_length=1, max_length=100)
    role: Literal["integration", "reviewer", "admin"]


class ApiKeyPublic(BaseModel):
    id: int
    name: str
    role: str
    prefix: str = Field(description="First characters of the key, for recognising it.")
    created_at: datetime
    revoked_at: datetime | None


class ApiKeyCreated(ApiKeyPublic):
    key: str = Field(description="The plaintext key. Shown only once.")


class ApiKeyList(BaseModel):
    items: list[ApiKeyPublic]
