"""Wire models for account reply settings."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from app.integrations.schemas import ConnectionUpdate

ACCOUNT_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$"


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
    connection: ConnectionUpdate | None = Field(
        default=None,
        description="Optional: Meta/Chatwoot connection fields to change (a new `meta_token` "
        "reconnects the account and resumes its parked jobs). Omitted: unchanged.",
    )
    publishing_mode: Literal["graph", "manual"] | None = Field(
        default=None,
        description="graph: post approved replies through the Graph API; manual: an admin posts "
        "them by hand and marks them posted. Omitted: unchanged (new accounts: graph).",
    )


class AccountPublic(BaseModel):
    name: str
    institution_name: str
    channels: dict[str, Any]
    preferences: dict[str, Any]
    publishing_mode: str = "graph"
    created_at: datetime
    updated_at: datetime
    meta_state: str = Field(
        default="connected",
        description="connected, or disconnected after a token error: a new token is needed",
    )
    meta_error: str | None = None
