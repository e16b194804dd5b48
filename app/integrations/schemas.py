"""Wire models for integrations: webhook receipts, subscriptions, deliveries, import results."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

EventName = Literal[
    "comment.classified", "draft.created", "draft.approved", "draft.rejected", "reply.posted"
]


class WebhookReceipt(BaseModel):
    """What an incoming webhook delivery did (stored now; classified by the worker)."""

    stored: int
    duplicates: int
    edited: int = 0
    removed: int = 0
    hidden: int = Field(default=0, description="Facebook hide/unhide reflected on comments.")
    mentions: int = Field(default=0, description="Instagram @mentions queued to be read.")
    skipped: int
    comment_ids: list[int]


class SubscriptionCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    url: str = Field(min_length=8, max_length=1000, description="http(s) endpoint to POST to.")
    events: list[EventName] = Field(min_length=1)
    secret: str | None = Field(
        default=None,
        min_length=16,
        max_length=200,
        description="Signing secret; generated when omitted. Returned only on creation.",
    )
    description: str | None = Field(default=None, max_length=200)


class SubscriptionUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    url: str | None = Field(default=None, min_length=8, max_length=1000)
    events: list[EventName] | None = Field(default=None, min_length=1)
    description: str | None = Field(default=None, max_length=200)
    is_active: bool | None = None
    rotate_secret: bool = Field(default=False, description="Issue a new secret (returned once).")


class SubscriptionPublic(BaseModel):
    id: int
    url: str
    events: list[str]
    description: str | None
    is_active: bool
    created_at: datetime


class SubscriptionWithSecret(SubscriptionPublic):
    secret: str = Field(description="Shown once: verify `X-Tanggap-Signature` with it.")


class SubscriptionList(BaseModel):
    items: list[SubscriptionPublic]


class DeliveryPublic(BaseModel):
    id: int
    subscription_id: int
    event: str
    status: str = Field(description="pending, delivered or failed")
    attempts: int
    response_status: int | None
    last_error: str | None
    created_at: datetime
    delivered_at: datetime | None
    payload: dict[str, Any]


class DeliveryPage(BaseModel):
    items: list[DeliveryPublic]
    next_cursor: str | None


class ImportRowError(BaseModel):
    line: int
    message: str


class ImportResult(BaseModel):
    """Per-file import summary; comments are classified and drafted by the worker."""

    rows: int
    created: int
    existing: int
    failed: int
    errors: list[ImportRowError] = Field(description="The first 100 rows that were refused.")


class MetaConnectionPublic(BaseModel):
    state: str = Field(description="connected, or disconnected after a token error (code 190)")
    error: str | None
    disconnected_at: datetime | None
    token: str | None = Field(description="Only the last four characters.")
    token_source: str | None = Field(description="account, settings, or none")
    token_set_at: datetime | None
    graph_host: str
    graph_version: str
    version_warning: str | None = None
    appsecret_proof: bool
    replies_per_hour: int
    paused_until: datetime | None
    usage: dict[str, Any]


class ChatwootConnectionPublic(BaseModel):
    url: str | None
    token: str | None = Field(description="Only the last four characters.")
    labels: bool
    handoff: str


class ConnectionPublic(BaseModel):
    """How an account reaches Meta and Chatwoot; secrets are never shown in full."""

    account: str
    meta: MetaConnectionPublic
    chatwoot: ChatwootConnectionPublic
    resumed_jobs: int = 0


class ConnectionUpdate(BaseModel):
    """Fields to change; omitted ones stay, `null` falls back to the settings."""

    model_config = ConfigDict(extra="forbid")

    reconnect: bool = Field(
        default=False,
        description="Mark the account connected again (its token in the settings was replaced).",
    )
    meta_token: str | None = Field(
        default=None, min_length=20, max_length=2000, description="Write-only; reconnects."
    )
    meta_graph_host: Literal["https://graph.facebook.com", "https://graph.instagram.com"] | None = (
        None
    )
    meta_graph_version: str | None = Field(default=None, pattern=r"^v\d+\.\d$")
    meta_appsecret_proof: bool | None = None
    meta_replies_per_hour: int | None = Field(default=None, ge=1, le=10000)
    chatwoot_url: str | None = Field(default=None, max_length=500)
    chatwoot_token: str | None = Field(default=None, min_length=8, max_length=500)
    chatwoot_labels: bool | None = None
    chatwoot_handoff: Literal["none", "open"] | None = None


class ConnectionList(BaseModel):
    items: list[ConnectionPublic]
