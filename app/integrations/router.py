"""HTTP endpoints for integrations.

- `inbound_router`: `/webhooks/meta` (GET handshake, POST events) and `/webhooks/chatwoot`;
  no API key, the signature is the authentication.
- `subscriptions_router`: `/api/v1/webhooks` outgoing webhook subscriptions (admin).
- `transfer_router`: `/api/v1/import` and `/api/v1/export/{queue|audit}`.
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import (
    APIRouter,
    Depends,
    File,
    Form,
    Header,
    Path,
    Query,
    Request,
    Response,
    UploadFile,
)
from fastapi.responses import PlainTextResponse, StreamingResponse

from app.comments.schemas import ACCOUNT_PATTERN
from app.deps import AdminKey, AnyKey, IdPath, IsoDateTimeQuery, SessionDep, SettingsDep
from app.errors import Forbidden, WebhookNotConfigured
from app.integrations import connections, meta, service, transfer, webhooks
from app.integrations.schemas import (
    ConnectionList,
    ConnectionPublic,
    ConnectionUpdate,
    DeliveryPage,
    DeliveryPublic,
    ImportResult,
    SubscriptionCreate,
    SubscriptionList,
    SubscriptionPublic,
    SubscriptionUpdate,
    SubscriptionWithSecret,
    WebhookReceipt,
)
from app.validation import MAX_DB_INT


async def raw_body(request: Request) -> bytes:
    """The request body exactly as received (signatures are computed over these bytes)."""
    return await request.body()


RawBody = Annotated[bytes, Depends(raw_body)]

# --- incoming webhooks -------------------------------------------------------------------------

inbound_router = APIRouter(prefix="/webhooks", tags=["webhooks-in"])


@inbound_router.get("/meta", response_class=PlainTextResponse)
def verify_meta_webhook(
    settings: SettingsDep,
    mode: Annotated[str | None, Query(alias="hub.mode")] = None,
    token: Annotated[str | None, Query(alias="hub.verify_token")] = None,
    challenge: Annotated[str, Query(alias="hub.challenge", max_length=500)] = "",
) -> PlainTextResponse:
    """Meta's subscription handshake: echo `hub.challenge` when the verify token matches."""
    if not settings.meta_verify_token.get_secret_value():
        raise WebhookNotConfigured("TANGGAP_META_VERIFY_TOKEN is not set.")
    if not meta.verify_challenge(settings=settings, mode=mode, token=token):
        raise Forbidden("Verification token mismatch.")
    return PlainTextResponse(challenge)


@inbound_router.post("/meta", response_model=WebhookReceipt)
def receive_meta_webhook(
    body: RawBody,
    session: SessionDep,
    settings: SettingsDep,
    signature: Annotated[str | None, Header(alias="X-Hub-Signature-256")] = None,
) -> WebhookReceipt:
    """Instagram `comments` and Facebook `feed` changes; signed with the app secret."""
    receipt = service.receive_meta(
        session=session, body=body, signature=signature, settings=settings
    )
    return WebhookReceipt(**receipt.as_dict())


@inbound_router.post("/chatwoot", response_model=WebhookReceipt)
def receive_chatwoot_webhook(
    body: RawBody,
    session: SessionDep,
    settings: SettingsDep,
    signature: Annotated[str | None, Header(alias="X-Chatwoot-Signature")] = None,
    timestamp: Annotated[str | None, Header(alias="X-Chatwoot-Timestamp")] = None,
) -> WebhookReceipt:
    """Chatwoot agent-bot / webhook `message_created`: the suggestion comes back as a note."""
    receipt = service.receive_chatwoot(
        session=session, body=body, signature=signature, timestamp=timestamp, settings=settings
    )
    return WebhookReceipt(**receipt.as_dict())


# --- outgoing webhook subscriptions ------------------------------------------------------------

subscriptions_router = APIRouter(prefix="/api/v1/webhooks", tags=["webhooks"])


def _public(sub: object) -> SubscriptionPublic:
    return SubscriptionPublic.model_validate(sub, from_attributes=True)


@subscriptions_router.post("", status_code=201, response_model=SubscriptionWithSecret)
def create_webhook(
    body: SubscriptionCreate, session: SessionDep, settings: SettingsDep, principal: AdminKey
) -> SubscriptionWithSecret:
    """Subscribe a URL to events; the signing secret is returned once."""
    sub = webhooks.create_subscription(
        session=session,
        actor=principal.actor,
        allowed_targets=settings.webhook_allowed_targets,
        **body.model_dump(),
    )
    return SubscriptionWithSecret.model_validate(sub, from_attributes=True)


@subscriptions_router.get("", response_model=SubscriptionList)
def list_webhooks(session: SessionDep, _: AdminKey) -> SubscriptionList:
    """All subscriptions (secrets are never listed)."""
    return SubscriptionList(
        items=[_public(s) for s in webhooks.list_subscriptions(session=session)]
    )


@subscriptions_router.get("/{subscription_id}", response_model=SubscriptionPublic)
def get_webhook(subscription_id: IdPath, session: SessionDep, _: AdminKey) -> SubscriptionPublic:
    """One subscription."""
    return _public(webhooks.get_subscription(session=session, subscription_id=subscription_id))


@subscriptions_router.patch(
    "/{subscription_id}",
    response_model=SubscriptionPublic | SubscriptionWithSecret,
)
def update_webhook(
    subscription_id: IdPath,
    body: SubscriptionUpdate,
    session: SessionDep,
    settings: SettingsDep,
    principal: AdminKey,
) -> SubscriptionPublic | SubscriptionWithSecret:
    """Change url, events, description or is_active; `rotate_secret` returns the new secret."""
    changes = body.model_dump(exclude_unset=True, exclude={"rotate_secret"})
    changes = {k: v for k, v in changes.items() if v is not None or k == "description"}
    sub = webhooks.update_subscription(
        session=session,
        subscription_id=subscription_id,
        allowed_targets=settings.webhook_allowed_targets,
        actor=principal.actor,
        changes=changes,
        rotate_secret=body.rotate_secret,
    )
    if body.rotate_secret:
        return SubscriptionWithSecret.model_validate(sub, from_attributes=True)
    return _public(sub)


@subscriptions_router.delete("/{subscription_id}", status_code=204)
def delete_webhook(subscription_id: IdPath, session: SessionDep, principal: AdminKey) -> Response:
    """Delete a subscription and its delivery log."""
    webhooks.delete_subscription(
        session=session, subscription_id=subscription_id, actor=principal.actor
    )
    return Response(status_code=204)


@subscriptions_router.get("/{subscription_id}/deliveries", response_model=DeliveryPage)
def list_webhook_deliveries(
    subscription_id: IdPath,
    session: SessionDep,
    _: AdminKey,
    status: Literal["pending", "delivered", "failed"] | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    cursor: Annotated[
        int | None, Query(ge=1, le=MAX_DB_INT, description="`next_cursor` of the previous page")
    ] = None,
) -> DeliveryPage:
    """The delivery log of a subscription, newest first."""
    rows = webhooks.list_deliveries(
        session=session,
        subscription_id=subscription_id,
        status=status,
        before_id=cursor,
        limit=limit + 1,
    )
    next_cursor = str(rows[limit - 1].id) if len(rows) > limit else None
    return DeliveryPage(
        items=[DeliveryPublic.model_validate(r, from_attributes=True) for r in rows[:limit]],
        next_cursor=next_cursor,
    )


@subscriptions_router.post(
    "/{subscription_id}/ping", status_code=202, response_model=DeliveryPublic
)
def ping_webhook(subscription_id: IdPath, session: SessionDep, _: AdminKey) -> DeliveryPublic:
    """Queue a signed `ping` delivery to test the endpoint."""
    delivery = webhooks.ping(session=session, subscription_id=subscription_id)
    return DeliveryPublic.model_validate(delivery, from_attributes=True)


@subscriptions_router.post(
    "/{subscription_id}/deliveries/{delivery_id}/redeliver",
    status_code=202,
    response_model=DeliveryPublic,
)
def redeliver_webhook(
    subscription_id: IdPath, delivery_id: IdPath, session: SessionDep, _: AdminKey
) -> DeliveryPublic:
    """Send a past delivery's body again (as a new delivery)."""
    delivery = webhooks.redeliver(
        session=session, subscription_id=subscription_id, delivery_id=delivery_id
    )
    return DeliveryPublic.model_validate(delivery, from_attributes=True)


# --- account connections ---------------------------------------------------------------------

connections_router = APIRouter(prefix="/api/v1/accounts", tags=["accounts"])
ConnectionAccount = Annotated[str, Path(pattern=ACCOUNT_PATTERN)]


@connections_router.get("/connections", response_model=ConnectionList)
def list_connections(session: SessionDep, settings: SettingsDep, _: AdminKey) -> ConnectionList:
    """Accounts with their own connection settings or state, disconnected ones first."""
    views = connections.list_views(session=session, settings=settings)
    return ConnectionList(items=[ConnectionPublic.model_validate(v) for v in views])


@connections_router.get("/{name}/connection", response_model=ConnectionPublic)
def get_connection(
    name: ConnectionAccount, session: SessionDep, settings: SettingsDep, _: AdminKey
) -> ConnectionPublic:
    """How the account reaches Meta and Chatwoot (state, host, version; secrets masked)."""
    return ConnectionPublic.model_validate(
        connections.view(session=session, settings=settings, account=name)
    )


@connections_router.put("/{name}/connection", response_model=ConnectionPublic)
def put_connection(
    name: ConnectionAccount,
    body: ConnectionUpdate,
    session: SessionDep,
    settings: SettingsDep,
    principal: AdminKey,
) -> ConnectionPublic:
    """Set a token, Graph host/version or Chatwoot settings; a new token resumes parked jobs."""
    return ConnectionPublic.model_validate(
        connections.put(
            session=session,
            settings=settings,
            account=name,
            changes=body.model_dump(exclude_unset=True),
            actor=principal.actor,
        )
    )


# --- import and export -------------------------------------------------------------------------

transfer_router = APIRouter(prefix="/api/v1", tags=["import-export"])


@transfer_router.post("/import", response_model=ImportResult)
def import_comments(
    session: SessionDep,
    settings: SettingsDep,
    principal: AnyKey,
    file: Annotated[UploadFile, File(description="CSV (with header) or JSONL")],
    format: Annotated[Literal["csv", "jsonl"] | None, Form()] = None,
    platform: Annotated[str | None, Form(description="for rows without one")] = None,
    account: Annotated[str | None, Form(description="for rows without one")] = None,
) -> ImportResult:
    """Import comments from a CSV/JSONL file; the worker classifies and drafts them."""
    fmt = transfer.detect_format(file.filename, format)
    report = transfer.import_comments(
        session=session,
        data=file.file.read(),
        fmt=fmt,
        actor=principal.actor,
        settings=settings,
        platform=platform,
        account=account,
    )
    return ImportResult.model_validate(report.as_dict())


@transfer_router.get("/export/{kind}", response_class=StreamingResponse)
def export_data(
    kind: Literal["queue", "audit"],
    request: Request,
    _: AnyKey,
    format: Literal["csv", "jsonl"] = "csv",
    status: Annotated[
        str | None, Query(description="queue: draft status, default pending; `all` for every one")
    ] = "pending",
    account: str | None = None,
    action: Annotated[str | None, Query(description="audit: action name")] = None,
    since: IsoDateTimeQuery = None,
    until: IsoDateTimeQuery = None,
) -> StreamingResponse:
    """Export the queue (drafts with comments) or the audit trail as CSV or JSONL."""
    if kind == "queue":
        filters: dict[str, object] = {
            "status": None if status == "all" else status,
            "account": account,
        }
    else:
        filters = {"action": action, "account": account, "since": since, "until": until}
    chunks = transfer.stream_export(
        engine=request.app.state.engine, kind=kind, fmt=format, **filters
    )
    filename = f"tanggap-{kind}.{format}"
    return StreamingResponse(
        chunks,
        media_type=transfer.MEDIA_TYPES[format],
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
