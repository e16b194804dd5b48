"""Every database table (`table=True` SQLModel classes).

Timestamps are stored in UTC and always come back timezone-aware. Columns are snake_case and
timestamps end in `_at`.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.types import TypeDecorator
from sqlmodel import Field, SQLModel

from app.db import NAMING_CONVENTION

SQLModel.metadata.naming_convention = NAMING_CONVENTION


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware datetime that SQLite (which drops the zone) also returns as UTC."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def utcnow() -> datetime:
    return datetime.now(UTC)


def _ts(*, nullable: bool = False, index: bool = False) -> Any:
    column: sa.Column[datetime] = sa.Column(UTCDateTime(), nullable=nullable, index=index)
    if nullable:
        return Field(default=None, sa_column=column)
    return Field(default_factory=utcnow, sa_column=column)


def _json(*, default: Any = dict) -> Any:
    return Field(default_factory=default, sa_column=sa.Column(sa.JSON(), nullable=False))


class ApiKey(SQLModel, table=True):
    """An API key for integrations and scripts. Only a SHA-256 hash of the key is stored."""

    __tablename__ = "api_keys"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=100)
    role: str = Field(max_length=20)
    prefix: str = Field(max_length=16, index=True)
    key_hash: str = Field(max_length=64, unique=True)
    created_at: datetime = _ts()
    last_used_at: datetime | None = _ts(nullable=True)
    revoked_at: datetime | None = _ts(nullable=True)


class User(SQLModel, table=True):
    """A person who logs into the web UI."""

    __tablename__ = "users"

    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(max_length=100, unique=True)
    password_hash: str = Field(max_length=255)
    role: str = Field(max_length=20)
    is_active: bool = True
    created_at: datetime = _ts()
    last_login_at: datetime | None = _ts(nullable=True)
    # Sessions that started before this time are over (deactivation, password reset).
    sessions_valid_after: datetime | None = _ts(nullable=True)


class Account(SQLModel, table=True):
    """An institution account (one deployment can serve several) and its reply settings."""

    __tablename__ = "accounts"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=100, unique=True)
    institution_name: str = Field(max_length=200)
    # hotline, whatsapp, website, email, instagram, office_hours ... shown in drafts
    channels: dict[str, Any] = _json()
    # default_tone, abusive_reply ("calm" | "none"), signature ...
    preferences: dict[str, Any] = _json()
    # graph: approved drafts are posted through the Graph API; manual: an admin posts them by hand
    publishing_mode: str = Field(default="graph", max_length=10)
    created_at: datetime = _ts()
    updated_at: datetime = _ts()


class Comment(SQLModel, table=True):
    """A citizen comment as received, with its classification."""

    __tablename__ = "comments"
    __table_args__ = (sa.UniqueConstraint("platform", "external_id"),)

    id: int | None = Field(default=None, primary_key=True)
    platform: str = Field(max_length=20)
    external_id: str = Field(max_length=200)
    account: str = Field(max_length=100, index=True)
    author: str | None = Field(default=None, max_length=200)
    author_id: str | None = Field(default=None, max_length=200)
    post_id: str | None = Field(default=None, max_length=200)
    parent_id: str | None = Field(default=None, max_length=200)
    text: str = Field(sa_column=sa.Column(sa.Text(), nullable=False))
    source: str = Field(default="api", max_length=20)  # api, meta, chatwoot, import
    created_at: datetime = _ts(index=True)  # when the citizen wrote it
    received_at: datetime = _ts()
    # new -> processed | failed
    status: str = Field(default="new", max_length=20, index=True)
    intent: str | None = Field(default=None, max_length=20, index=True)
    sentiment: str | None = Field(default=None, max_length=20, index=True)
    abusive: bool | None = None
    scores: dict[str, Any] = _json()
    # reply | no_reply | hide, why (app.nlp.action), and personal data found: [{type, start, end}]
    action: str | None = Field(default=None, max_length=10, index=True)
    action_reason: str | None = Field(default=None, max_length=30)
    pii: list[dict[str, Any]] = _json(default=list)
    model_version: str | None = Field(default=None, max_length=100)
    classified_at: datetime | None = _ts(nullable=True)
    hidden_at: datetime | None = _ts(nullable=True)
    deleted_at: datetime | None = _ts(nullable=True)
    # Platform data needed to answer (e.g. Chatwoot account/conversation ids)
    extra: dict[str, Any] = _json()


class Draft(SQLModel, table=True):
    """A proposed action on a comment: a reply to post, or hiding spam. Reviewers decide."""

    __tablename__ = "drafts"

    id: int | None = Field(default=None, primary_key=True)
    comment_id: int = Field(foreign_key="comments.id", index=True)
    action: str = Field(default="reply", max_length=10)  # reply | hide
    # pending -> approved | ready_to_post | rejected | superseded | withdrawn
    # approved -> posted | failed (graph) ; ready_to_post -> posted (manual) ; failed -> approved
    status: str = Field(default="pending", max_length=20, index=True)
    text: str | None = Field(default=None, sa_column=sa.Column(sa.Text(), nullable=True))
    drafted_text: str | None = Field(default=None, sa_column=sa.Column(sa.Text(), nullable=True))
    tone: str = Field(default="santai", max_length=10)
    priority: int = Field(default=0, index=True)
    template_id: str | None = Field(default=None, max_length=200)
    template_hash: str | None = Field(default=None, max_length=64)
    kb_entry_id: int | None = Field(default=None, foreign_key="kb_entries.id")
    reused_draft_id: int | None = Field(default=None)
    flags: list[Any] = _json(default=list)
    model_version: str | None = Field(default=None, max_length=100)
    generator: str | None = Field(default=None, max_length=50)  # template | llm:<model>
    version: int = 1  # bumped on every change; optimistic concurrency
    created_at: datetime = _ts(index=True)
    decided_at: datetime | None = _ts(nullable=True)
    decided_by: str | None = Field(default=None, max_length=150)
    reject_reason: str | None = Field(default=None, max_length=1000)
    posted_at: datetime | None = _ts(nullable=True)
    posted_external_id: str | None = Field(default=None, max_length=200)
    publish_error: str | None = Field(default=None, max_length=2000)
    posted_url: str | None = Field(default=None, max_length=1000)  # manual: where it was posted
    hide_reason: str | None = Field(default=None, max_length=20)  # spam | pii
    assigned_to: str | None = Field(default=None, max_length=150, index=True)
    # The comment's created_at, copied so the queue order (priority, then oldest comment first)
    # is one index scan instead of sorting every pending draft joined to its comment.
    comment_created_at: datetime | None = _ts(nullable=True)


class AuditEvent(SQLModel, table=True):
    """An append-only record of every state change."""

    __tablename__ = "audit_events"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = _ts(index=True)
    actor: str = Field(max_length=150)
    action: str = Field(max_length=50, index=True)
    comment_id: int | None = Field(default=None, index=True)
    draft_id: int | None = Field(default=None, index=True)
    account: str | None = Field(default=None, max_length=100, index=True)
    details: dict[str, Any] = _json()


class LabelFeedback(SQLModel, table=True):
    """A reviewer's correction of a comment's labels; training data for `train --with-feedback`."""

    __tablename__ = "label_feedback"

    id: int | None = Field(default=None, primary_key=True)
    comment_id: int = Field(foreign_key="comments.id", index=True)
    text: str = Field(sa_column=sa.Column(sa.Text(), nullable=False))
    intent: str | None = Field(default=None, max_length=20)
    sentiment: str | None = Field(default=None, max_length=20)
    abusive: bool | None = None
    previous: dict[str, Any] = _json()
    created_by: str = Field(max_length=150)
    created_at: datetime = _ts()


class KbEntry(SQLModel, table=True):
    """A fact of an institution's knowledge base used to answer questions."""

    __tablename__ = "kb_entries"

    id: int | None = Field(default=None, primary_key=True)
    account: str = Field(max_length=100, index=True)
    slug: str | None = Field(default=None, max_length=100)
    question: str = Field(sa_column=sa.Column(sa.Text(), nullable=False))
    answer: str = Field(sa_column=sa.Column(sa.Text(), nullable=False))
    keywords: list[Any] = _json(default=list)
    link: str | None = Field(default=None, max_length=500)
    created_at: datetime = _ts()
    updated_at: datetime = _ts()


class Job(SQLModel, table=True):
    """A durable background job (outbox): written in the same transaction as its cause."""

    __tablename__ = "jobs"

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=50, index=True)
    payload: dict[str, Any] = _json()
    # pending -> running -> done | dead ; running -> pending (retry)
    status: str = Field(default="pending", max_length=10)
    attempts: int = 0
    max_attempts: int = 8
    run_after: datetime = _ts()
    locked_at: datetime | None = _ts(nullable=True)
    locked_by: str | None = Field(default=None, max_length=100)
    last_error: str | None = Field(default=None, max_length=2000)
    result: dict[str, Any] = _json()
    dedupe_key: str | None = Field(default=None, max_length=200, unique=True)
    created_at: datetime = _ts()
    updated_at: datetime = _ts()


class WebhookSubscription(SQLModel, table=True):
    """A helpdesk endpoint that receives signed event deliveries."""

    __tablename__ = "webhook_subscriptions"

    id: int | None = Field(default=None, primary_key=True)
    url: str = Field(max_length=1000)
    secret: str = Field(max_length=200)
    events: list[Any] = _json(default=list)
    description: str | None = Field(default=None, max_length=200)
    is_active: bool = True
    created_at: datetime = _ts()


class WebhookDelivery(SQLModel, table=True):
    """One event sent (or being sent) to one subscription: the delivery log."""

    __tablename__ = "webhook_deliveries"

    id: int | None = Field(default=None, primary_key=True)
    subscription_id: int = Field(foreign_key="webhook_subscriptions.id", index=True)
    event: str = Field(max_length=50)
    payload: dict[str, Any] = _json()
    status: str = Field(default="pending", max_length=10)  # pending, delivered, failed
    attempts: int = 0
    response_status: int | None = None
    last_error: str | None = Field(default=None, max_length=2000)
    created_at: datetime = _ts(index=True)
    delivered_at: datetime | None = _ts(nullable=True)


class AccountConnection(SQLModel, table=True):
    """How an account reaches Meta and Chatwoot: its tokens, Graph host and version, state.

    Secrets here (`meta_token`, `chatwoot_token`) are never logged or returned by the API in full.
    Empty columns fall back to the `TANGGAP_META_*` / `TANGGAP_CHATWOOT_*` settings.
    """

    __tablename__ = "account_connections"

    id: int | None = Field(default=None, primary_key=True)
    account: str = Field(max_length=100, unique=True)
    meta_token: str | None = Field(default=None, sa_column=sa.Column(sa.Text(), nullable=True))
    meta_token_set_at: datetime | None = _ts(nullable=True)
    meta_graph_host: str | None = Field(default=None, max_length=200)
    meta_graph_version: str | None = Field(default=None, max_length=20)
    meta_appsecret_proof: bool = True
    meta_replies_per_hour: int | None = None
    # connected | disconnected (a token error: code 190); jobs are parked while disconnected
    meta_state: str = Field(default="connected", max_length=20)
    meta_error: str | None = Field(default=None, max_length=500)
    meta_disconnected_at: datetime | None = _ts(nullable=True)
    # Slowed down (throttled, or usage above the threshold): no Graph call before this time
    meta_paused_until: datetime | None = _ts(nullable=True)
    meta_usage: dict[str, Any] = _json()
    chatwoot_url: str | None = Field(default=None, max_length=500)
    chatwoot_token: str | None = Field(default=None, sa_column=sa.Column(sa.Text(), nullable=True))
    chatwoot_labels: bool | None = None
    chatwoot_handoff: str | None = Field(default=None, max_length=20)
    created_at: datetime = _ts()
    updated_at: datetime = _ts()


class RevokedSession(SQLModel, table=True):
    """A web session ended by logout: its signed cookie is refused from then on (any replica).

    Only a hash of the session id is kept, until the cookie would have expired anyway.
    """

    __tablename__ = "revoked_sessions"

    sid_hash: str = Field(primary_key=True, max_length=64)
    user_id: int | None = Field(default=None, index=True)
    revoked_at: datetime = _ts()
    expires_at: datetime = _ts(index=True)


# The review queue's order (`drafts.service.list_queue`): a LIMIT-ed index scan per status.
sa.Index(
    "ix_drafts_queue",
    Draft.__table__.c.status,  # type: ignore[attr-defined]
    Draft.__table__.c.priority.desc(),  # type: ignore[attr-defined]
    Draft.__table__.c.comment_created_at,  # type: ignore[attr-defined]
    Draft.__table__.c.id,  # type: ignore[attr-defined]
)


@sa.event.listens_for(Draft, "before_insert")
def _copy_comment_created_at(mapper: Any, connection: Any, target: Draft) -> None:
    """Every draft carries its comment's created_at (code that builds a draft may set it)."""
    if target.comment_created_at is None and target.comment_id is not None:
        comments = Comment.__table__  # type: ignore[attr-defined]
        target.comment_created_at = connection.execute(
            sa.select(comments.c.created_at).where(comments.c.id == target.comment_id)
        ).scalar()
