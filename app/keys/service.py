"""API key use cases."""

from __future__ import annotations

from sqlmodel import Session, col, select

from app.errors import LastAdminKey, NotFound, ValidationFailed
from app.security import (
    ROLES,
    Principal,
    generate_api_key,
    hash_api_key,
    key_display_prefix,
)
from app.tables import ApiKey, utcnow


def create(*, session: Session, name: str, role: str) -> tuple[ApiKey, str]:
    """Create a key; returns the row and the plaintext key (never stored)."""
    if role not in ROLES:
        raise ValidationFailed(f"Unknown role '{role}'.", details={"allowed": list(ROLES)})
    if not name.strip():
        raise ValidationFailed("Key name must not be empty.")
    key = generate_api_key()
    row = ApiKey(
        name=name.strip(), role=role, prefix=key_display_prefix(key), key_hash=hash_api_key(key)
    )
    session.add(row)
    session.commit()
    session.refresh(row)
    return row, key


def authenticate(*, session: Session, key: str) -> Principal | None:
    """Return the principal for a valid, unrevoked key."""
    return principal_for_hash(session=session, key_hash=hash_api_key(key))


def principal_for_hash(*, session: Session, key_hash: str) -> Principal | None:
    """Return the principal of the unrevoked key with this SHA-256 (`hash_api_key`)."""
    row = session.exec(select(ApiKey).where(ApiKey.key_hash == key_hash)).first()
    if row is None or row.revoked_at is not None:
        return None
    return Principal(kind="key", name=row.name, role=row.role, id=row.id)


def list_keys(*, session: Session) -> list[ApiKey]:
    return list(session.exec(select(ApiKey).order_by(col(ApiKey.id))))


def revoke(*, session: Session, key_id: int, caller_key_id: int | None = None) -> ApiKey:
    """Revoke a key; the last active admin key may not revoke itself (nobody could then)."""
    row = session.get(ApiKey, key_id)
    if row is None:
        raise NotFound("API key not found.")
    if row.revoked_at is None and caller_key_id == row.id and row.role == "admin":
        others = session.exec(
            select(ApiKey.id)
            .where(ApiKey.role == "admin")
            .where(col(ApiKey.revoked_at).is_(None))
            .where(ApiKey.id != row.id)
        ).first()
        if others is None:
            raise LastAdminKey(details={"key_id": row.id})
    if row.revoked_at is None:
        row.revoked_at = utcnow()
        session.add(row)
        session.commit()
        session.refresh(row)
    return row
