"""API key management (admin only)."""

from fastapi import APIRouter, status

from app.deps import AdminKey, IdPath, KeyCacheDep, SessionDep
from app.keys import service
from app.keys.schemas import ApiKeyCreate, ApiKeyCreated, ApiKeyList, ApiKeyPublic

router = APIRouter(prefix="/api/v1/keys", tags=["keys"])


@router.post("", status_code=status.HTTP_201_CREATED, response_model=ApiKeyCreated)
def create_key(body: ApiKeyCreate, session: SessionDep, _: AdminKey) -> ApiKeyCreated:
    """Create an API key; the key is returned once."""
    row, key = service.create(session=session, name=body.name, role=body.role)
    return ApiKeyCreated(**row.model_dump(), key=key)


@router.get("", response_model=ApiKeyList)
def list_keys(session: SessionDep, _: AdminKey) -> ApiKeyList:
    """List API keys (without secrets)."""
    items = [ApiKeyPublic(**r.model_dump()) for r in service.list_keys(session=session)]
    return ApiKeyList(items=items)


@router.delete("/{key_id}", response_model=ApiKeyPublic)
def revoke_key(
    key_id: IdPath, session: SessionDep, key_cache: KeyCacheDep, principal: AdminKey
) -> ApiKeyPublic:
    """Revoke an API key (the last admin key may not revoke itself: 409)."""
    caller = principal.id if principal.kind == "key" else None
    row = service.revoke(session=session, key_id=key_id, caller_key_id=caller)
    key_cache.forget(key_id)  # at once here; other processes within their cache's seconds
    return ApiKeyPublic(**row.model_dump())
