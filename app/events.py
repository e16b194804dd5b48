"""Domain events for outgoing webhooks, written to the outbox in the caller's transaction."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event as sa_event
from sqlalchemy.orm import Session as OrmSession
from sqlalchemy.orm import SessionTransaction
from sqlmodel import Session, col, select

from app.outbox import service as outbox
from app.outbox.jobs import JobKind
from app.tables import WebhookSubscription

EVENTS: tuple[str, ...] = (
    "comment.classified",
    "draft.created",
    "draft.approved",
    "draft.rejected",
    "reply.posted",
)


# Events the Chatwoot integration follows up on its own comments (a note in the conversation),
# whether or not a webhook subscription listens (`integrations.tasks._chatwoot_follow_up`).
CHATWOOT_FOLLOW_UP = ("comment.classified", "draft.created")
CHATWOOT_PLATFORM = "chatwoot"

_SUBSCRIBED = "tanggap.events.subscribed"


def _subscribed(session: Session) -> frozenset[str]:
    """Events some active subscription listens to, read once per transaction."""
    cached = session.info.get(_SUBSCRIBED)
    if cached is None:
        rows = session.exec(
            select(WebhookSubscription.events).where(col(WebhookSubscription.is_active).is_(True))
        )
        cached = frozenset(str(e) for events in rows for e in (events or ()))
        session.info[_SUBSCRIBED] = cached
    return cached


@sa_event.listens_for(OrmSession, "after_transaction_end")
def _forget_subscribed(session: OrmSession, transaction: SessionTransaction) -> None:
    if transaction.parent is None:  # the outermost transaction, not a flush's subtransaction
        session.info.pop(_SUBSCRIBED, None)


def emit(*, session: Session, event: str, data: dict[str, Any]) -> None:
    """Queue an event; the `event.dispatch` job fans it out to webhook subscribers.

    Nothing is queued when no active subscription listens to the event and no integration
    follows it up: under load, two jobs per comment nobody receives were a large share of the
    write and worker cost.
    """
    if event not in EVENTS:
        raise ValueError(f"unknown event {event!r}")
    follow_up = event in CHATWOOT_FOLLOW_UP and data.get("platform") == CHATWOOT_PLATFORM
    if not follow_up and event not in _subscribed(session):
        return
    outbox.enqueue(
        session=session, kind=JobKind.EVENT_DISPATCH, payload={"event": event, "data": data}
    )
