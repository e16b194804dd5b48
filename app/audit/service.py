"""The audit trail: append-only records of every state change."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from app.tables import AuditEvent, utcnow


def record(
    *,
    session: Session,
    actor: str,
    action: str,
    comment_id: int | None = None,
    draft_id: int | None = None,
    account: str | None = None,
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    """Add an audit event to the current transaction (never flushes nor commits).

    The row is written with the next flush (autoflush before any query, or the commit), so a
    request's audit rows go to the database together; the event has no id until then.
    """
    event = AuditEvent(
        at=utcnow(),  # given, not defaulted: the model's default factory is slow to construct
        actor=actor,
        action=action,
        comment_id=comment_id,
        draft_id=draft_id,
        account=account,
        details=details or {},
    )
    session.add(event)
    return event


def search(
    *,
    session: Session,
    comment_id: int | None = None,
    draft_id: int | None = None,
    action: str | None = None,
    actor: str | None = None,
    account: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    before_id: int | None = None,
    limit: int = 50,
) -> list[AuditEvent]:
    """Newest first; `before_id` is the keyset cursor."""
    query = select(AuditEvent)
    if comment_id is not None:
        query = query.where(AuditEvent.comment_id == comment_id)
    if draft_id is not None:
        query = query.where(AuditEvent.draft_id == draft_id)
    if action:
        query = query.where(AuditEvent.action == action)
    if actor:
        query = query.where(AuditEvent.actor == actor)
    if account:
        query = query.where(AuditEvent.account == account)
    if since is not None:
        query = query.where(col(AuditEvent.at) >= since)
    if until is not None:
        query = query.where(col(AuditEvent.at) < until)
    if before_id is not None:
        query = query.where(col(AuditEvent.id) < before_id)
    query = query.order_by(col(AuditEvent.id).desc()).limit(limit)
    return list(session.exec(query))
