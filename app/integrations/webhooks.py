"""Outgoing webhooks: subscriptions, fan-out of events to deliveries, signed delivery.

Each event becomes one `WebhookDelivery` row and one `webhook.deliver` job per subscriber, in
the dispatch job's transaction. A delivery body is fixed when it is created; every attempt signs
it again with a fresh timestamp:

    X-Tanggap-Signature: sha256=<hex HMAC-SHA256(secret, f"{timestamp}.{body}")>
"""

from __future__ import annotations

import json
import secrets
import time
from collections.abc import Sequence
from typing import Any

import httpx
from sqlalchemy import delete
from sqlmodel import Session, col, select

from app import __version__
from app.audit import service as audit
from app.config import Settings
from app.errors import NotFound, SubscriptionNotFound, ValidationFailed
from app.events import EVENTS
from app.integrations import signing, urlguard
from app.outbox import service as outbox
from app.outbox.jobs import JobKind
from app.outbox.service import PermanentJobError
from app.tables import WebhookDelivery, WebhookSubscription, utcnow

SIGNATURE_HEADER = "X-Tanggap-Signature"
TIMESTAMP_HEADER = "X-Tanggap-Timestamp"
EVENT_HEADER = "X-Tanggap-Event"
DELIVERY_HEADER = "X-Tanggap-Delivery"
PING_EVENT = "ping"


# --- subscriptions ---------------------------------------------------------------------------


def _check_events(events: list[str]) -> list[str]:
    unknown = sorted(set(events) - set(EVENTS))
    if unknown:
        raise ValidationFailed(
            "Unknown event names.", details={"unknown": unknown, "allowed": list(EVENTS)}
        )
    return list(dict.fromkeys(events))


def _check_url(url: str, allow: Sequence[str]) -> str:
    try:
        return urlguard.check_url(url, allow=allow)
    except urlguard.UnsafeUrl as exc:
        raise ValidationFailed(str(exc), details={"field": "url"}) from exc


def create_subscription(
    *,
    session: Session,
    url: str,
    allowed_targets: Sequence[str] = (),
    events: list[str],
    actor: str,
    secret: str | None = None,
    description: str | None = None,
) -> WebhookSubscription:
    """Register an endpoint; a secret is generated when none is given (shown once)."""
    sub = WebhookSubscription(
        url=_check_url(url, allowed_targets),
        events=_check_events(events),
        secret=secret or "whsec_" + secrets.token_urlsafe(32),
        description=description,
    )
    session.add(sub)
    session.flush()
    audit.record(
        session=session,
        actor=actor,
        action="webhook.created",
        details={"subscription_id": sub.id, "url": sub.url, "events": sub.events},
    )
    session.commit()
    return sub


def list_subscriptions(*, session: Session) -> list[WebhookSubscription]:
    return list(session.exec(select(WebhookSubscription).order_by(col(WebhookSubscription.id))))


def get_subscription(*, session: Session, subscription_id: int) -> WebhookSubscription:
    sub = session.get(WebhookSubscription, subscription_id)
    if sub is None:
        raise SubscriptionNotFound(details={"subscription_id": subscription_id})
    return sub


def update_subscription(
    *,
    session: Session,
    subscription_id: int,
    allowed_targets: Sequence[str] = (),
    actor: str,
    changes: dict[str, Any],
    rotate_secret: bool = False,
) -> WebhookSubscription:
    """Change url, events, description or is_active; optionally rotate the secret."""
    sub = get_subscription(session=session, subscription_id=subscription_id)
    if "url" in changes:
        sub.url = _check_url(changes["url"], allowed_targets)
    if "events" in changes:
        sub.events = _check_events(changes["events"])
    if "description" in changes:
        sub.description = changes["description"]
    if "is_active" in changes:
        sub.is_active = bool(changes["is_active"])
    if rotate_secret:
        sub.secret = "whsec_" + secrets.token_urlsafe(32)
    session.add(sub)
    audit.record(
        session=session,
        actor=actor,
        action="webhook.updated",
        details={
            "subscription_id": sub.id,
            "changes": sorted(changes),
            "secret_rotated": rotate_secret,
        },
    )
    session.commit()
    session.refresh(sub)
    return sub


def delete_subscription(*, session: Session, subscription_id: int, actor: str) -> None:
    """Remove a subscription and its delivery log."""
    sub = get_subscription(session=session, subscription_id=subscription_id)
    session.exec(delete(WebhookDelivery).where(col(WebhookDelivery.subscription_id) == sub.id))
    session.delete(sub)
    audit.record(
        session=session,
        actor=actor,
        action="webhook.deleted",
        details={"subscription_id": subscription_id, "url": sub.url},
    )
    session.commit()


def list_deliveries(
    *,
    session: Session,
    subscription_id: int,
    status: str | None = None,
    before_id: int | None = None,
    limit: int = 50,
) -> list[WebhookDelivery]:
    """A subscription's deliveries, newest first (`before_id` is the cursor)."""
    get_subscription(session=session, subscription_id=subscription_id)
    query = select(WebhookDelivery).where(WebhookDelivery.subscription_id == subscription_id)
    if status:
        query = query.where(WebhookDelivery.status == status)
    if before_id is not None:
        query = query.where(col(WebhookDelivery.id) < before_id)
    return list(session.exec(query.order_by(col(WebhookDelivery.id).desc()).limit(limit)))


# --- fan-out and delivery ---------------------------------------------------------------------


def _new_delivery(
    *, session: Session, sub: WebhookSubscription, event: str, data: dict[str, Any]
) -> WebhookDelivery:
    delivery = WebhookDelivery(subscription_id=sub.id, event=event)  # type: ignore[arg-type]
    session.add(delivery)
    session.flush()
    delivery.payload = {
        "id": str(delivery.id),
        "event": event,
        "created_at": delivery.created_at.isoformat(),
        "data": data,
    }
    session.add(delivery)
    outbox.enqueue(
        session=session,
        kind=JobKind.WEBHOOK_DELIVER,
        payload={"delivery_id": delivery.id},
        dedupe_key=f"webhook.deliver:{delivery.id}",
    )
    return delivery


def dispatch(*, session: Session, event: str, data: dict[str, Any]) -> list[WebhookDelivery]:
    """Create a delivery (and its job) for every active subscription to `event`; flushes."""
    subs = session.exec(
        select(WebhookSubscription).where(col(WebhookSubscription.is_active).is_(True))
    )
    return [
        _new_delivery(session=session, sub=sub, event=event, data=data)
        for sub in subs
        if event in (sub.events or [])
    ]


def ping(*, session: Session, subscription_id: int) -> WebhookDelivery:
    """Queue a `ping` delivery to check an endpoint and its signature check."""
    sub = get_subscription(session=session, subscription_id=subscription_id)
    delivery = _new_delivery(
        session=session, sub=sub, event=PING_EVENT, data={"subscription_id": sub.id}
    )
    session.commit()
    return delivery


def redeliver(*, session: Session, subscription_id: int, delivery_id: int) -> WebhookDelivery:
    """Send a delivery's body again as a new delivery."""
    sub = get_subscription(session=session, subscription_id=subscription_id)
    old = session.get(WebhookDelivery, delivery_id)
    if old is None or old.subscription_id != sub.id:
        raise NotFound("Delivery not found.", details={"delivery_id": delivery_id})
    delivery = _new_delivery(
        session=session, sub=sub, event=old.event, data=dict(old.payload).get("data") or {}
    )
    session.commit()
    return delivery


def body_bytes(delivery: WebhookDelivery) -> bytes:
    return json.dumps(delivery.payload, separators=(",", ":"), ensure_ascii=False).encode()


def signed_headers(*, secret: str, delivery: WebhookDelivery, body: bytes) -> dict[str, str]:
    timestamp = str(int(time.time()))
    return {
        "Content-Type": "application/json",
        "User-Agent": f"Tanggap-Webhooks/{__version__}",
        SIGNATURE_HEADER: signing.sign_timestamped(secret, timestamp, body),
        TIMESTAMP_HEADER: timestamp,
        EVENT_HEADER: delivery.event,
        DELIVERY_HEADER: str(delivery.id),
    }


class DeliveryFailed(Exception):
    """The endpoint did not answer 2xx; the job retries with backoff."""


def deliver(
    *, session: Session, delivery_id: int, http: httpx.Client, settings: Settings
) -> dict[str, Any]:
    """Send one delivery. Records every attempt (committed even when it fails), then raises."""
    delivery = session.get(WebhookDelivery, delivery_id)
    if delivery is None:
        raise PermanentJobError(f"delivery {delivery_id} does not exist")
    if delivery.status == "delivered":
        return {"skipped": "already delivered"}
    sub = session.get(WebhookSubscription, delivery.subscription_id)
    if sub is None or not sub.is_active:
        delivery.status = "failed"
        delivery.last_error = "subscription inactive"
        session.add(delivery)
        return {"skipped": "subscription inactive"}
    body = body_bytes(delivery)
    headers = signed_headers(secret=sub.secret, delivery=delivery, body=body)
    delivery.attempts += 1
    error: str | None = None
    status: int | None = None
    try:
        # again at delivery: the name may resolve to an inside address by now
        urlguard.check_url(sub.url, allow=settings.webhook_allowed_targets)
    except urlguard.UnsafeUrl as exc:
        delivery.status = "failed"
        delivery.last_error = f"refused: {exc}"[:500]
        session.add(delivery)
        session.commit()
        raise PermanentJobError(delivery.last_error) from exc
    try:
        response = http.post(
            sub.url, content=body, headers=headers, timeout=settings.http_timeout_seconds
        )
        status = response.status_code
        if not response.is_success:
            error = f"HTTP {status}"  # never the body: it may hold what we must not see
    except httpx.HTTPError as exc:
        error = f"{type(exc).__name__}: {exc}"[:500]
    delivery.response_status = status
    if error is None:
        delivery.status = "delivered"
        delivery.delivered_at = utcnow()
        delivery.last_error = None
        session.add(delivery)
        return {"delivered": delivery.id, "status": status}
    delivery.last_error = error
    session.add(delivery)
    session.commit()  # keep the attempt in the log; the worker rolls back the rest
    if status == 410:  # Gone: the receiver asks us to stop
        raise PermanentJobError(error)
    raise DeliveryFailed(error)


def mark_failed(*, session: Session, delivery_id: int, error: str | None) -> None:
    """No more retries for this delivery."""
    delivery = session.get(WebhookDelivery, delivery_id)
    if delivery is not None and delivery.status != "delivered":
        delivery.status = "failed"
        delivery.last_error = (error or delivery.last_error or "")[:2000]
        session.add(delivery)
