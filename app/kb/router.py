"""HTTP API: an account's knowledge-base entries (list, change, import)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response, status
from fastapi.concurrency import run_in_threadpool

from app.accounts.schemas import ACCOUNT_PATTERN
from app.deps import AdminKey, AnyKey, IdPath, SessionDep, SettingsDep
from app.drafting.knowledge import KbItem
from app.errors import BadRequest
from app.kb import service
from app.kb.schemas import KbEntryIn, KbEntryPublic, KbEntryUpdate, KbImportResult, KbList
from app.tables import KbEntry

router = APIRouter(prefix="/api/v1", tags=["knowledge base"])

AccountQuery = Annotated[str | None, Query(pattern=ACCOUNT_PATTERN)]


def _entry(row: KbEntry) -> KbEntryPublic:
    return KbEntryPublic.model_validate(row, from_attributes=True)


@router.get("/kb", response_model=KbList)
def list_kb_entries(
    session: SessionDep, settings: SettingsDep, _: AnyKey, account: AccountQuery = None
) -> KbList:
    """List an account's knowledge-base entries."""
    name = account or settings.default_account
    rows = service.list_kb(session=session, account=name)
    return KbList(account=name, items=[_entry(r) for r in rows])


@router.post("/kb", response_model=KbEntryPublic, status_code=status.HTTP_201_CREATED)
def create_kb_entry(
    body: KbEntryIn,
    session: SessionDep,
    settings: SettingsDep,
    principal: AdminKey,
    account: AccountQuery = None,
) -> KbEntryPublic:
    """Add a knowledge-base entry (account from the body, the query, or the default)."""
    item = KbItem(
        question=body.question,
        answer=body.answer,
        keywords=tuple(k.strip() for k in body.keywords if k.strip()),
        link=body.link,
        slug=body.slug,
    )
    name = body.account or account or settings.default_account
    row = service.create_kb(session=session, account=name, item=item, actor=principal.actor)
    return _entry(row)


@router.put("/kb/{entry_id}", response_model=KbEntryPublic)
def update_kb_entry(
    entry_id: IdPath, body: KbEntryUpdate, session: SessionDep, principal: AdminKey
) -> KbEntryPublic:
    """Change a knowledge-base entry."""
    values: dict[str, Any] = body.model_dump(exclude_unset=True)
    row = service.update_kb(
        session=session, entry_id=entry_id, values=values, actor=principal.actor
    )
    return _entry(row)


@router.delete("/kb/{entry_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_kb_entry(entry_id: IdPath, session: SessionDep, principal: AdminKey) -> Response:
    """Delete a knowledge-base entry."""
    service.delete_kb(session=session, entry_id=entry_id, actor=principal.actor)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post(
    "/kb/import",
    response_model=KbImportResult,
    openapi_extra={
        "requestBody": {
            "content": {
                "application/yaml": {"schema": {"type": "string"}},
                "text/csv": {"schema": {"type": "string"}},
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "properties": {"file": {"type": "string", "format": "binary"}},
                    }
                },
            },
            "required": True,
        }
    },
)
async def import_kb_entries(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    principal: AdminKey,
    account: AccountQuery = None,
    fmt: Annotated[str | None, Query(alias="format", pattern="^(yaml|csv)$")] = None,
) -> KbImportResult:
    """Import entries from a YAML or CSV body, or a multipart `file` upload."""
    content_type = request.headers.get("content-type", "").lower()
    filename = None
    if content_type.startswith("multipart/form-data"):
        form = await request.form()
        upload = form.get("file")
        if upload is None or isinstance(upload, str):
            raise BadRequest("Multipart upload needs a `file` field.")
        raw = await upload.read()
        filename = upload.filename
    else:
        raw = await request.body()
        if fmt is None and "csv" in content_type:
            fmt = "csv"
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BadRequest("The file must be UTF-8 text.") from exc
    if not text.strip():
        raise BadRequest("Empty body: send YAML or CSV.")
    result = await run_in_threadpool(
        service.import_kb,
        session=session,
        text=text,
        account=account,
        actor=principal.actor,
        fmt=fmt,
        filename=filename,
        default_account=settings.default_account,
    )
    return KbImportResult(
        account=result.account,
        created=result.created,
        updated=result.updated,
        unchanged=result.unchanged,
        total=result.total,
        account_created=result.account_created,
    )
