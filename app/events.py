"""Domain events for outgoing webhooks, written to the outbox in the caller's transaction."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from app.outbox import service as outbox
from app.outbox.jobs import JobKind

EVENTS: tuple[str, ...] = (
    "comment.classified",
    "draft.created",
    "draft.approved",
    "draft.rejected",
    "reply.posted",
)


def emit(*, session: Session, event: str, data: dict[str, Any]) -> None:
    """Queue an event; the `event.dispatch` job fans it out to webhook subscribers."""
    if event not in EVENTS:
        raise ValueError(f"unknown event {event!r}")
    outbox.enqueue(
        session=session, kind=JobKind.EVENT_DISPATCH, payload={"event": event, "data": data}
    )
