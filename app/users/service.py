"""Web UI users."""

from __future__ import annotations

from sqlmodel import Session, select

from app.errors import Conflict, ValidationFailed
from app.security import ROLES, Principal, hash_password, verify_password
from app.tables import User, utcnow

USER_ROLES = ("reviewer", "admin")


def create(*, session: Session, username: str, password: str, role: str) -> User:
    """Create a user with an Argon2-hashed password."""
    username = username.strip()
    if role not in USER_ROLES:
        raise ValidationFailed(f"Unknown role '{role}'.", details={"allowed": list(USER_ROLES)})
    if not username or len(username) > 100:
        raise ValidationFailed("Username must be 1-100 characters.")
    if len(password) < 8:
        raise ValidationFailed("Password must be at least 8 characters.")
    if session.exec(select(User).where(User.username == username)).first() is not None:
        raise Conflict(f"User '{username}' already exists.")
    user = User(username=username, password_hash=hash_password(password), role=role)
    session.add(user)
    session.commit()
    session.refresh(user)
    return user


def authenticate(*, session: Session, username: str, password: str) -> Principal | None:
    """Check a username and password; returns the principal or None."""
    user = session.exec(select(User).where(User.username == username.strip())).first()
    if user is None or not user.is_active:
        hash_password(password)  # same work either way: no user-enumeration by timing
        return None
    if not verify_password(password, user.password_hash):
        return None
    user.last_login_at = utcnow()
    session.add(user)
    session.commit()
    return principal_of(user)


def find(*, session: Session, user_id: int | None) -> User | None:
    """The user with this id, or None."""
    return session.get(User, user_id) if user_id is not None else None


def principal_of(user: User) -> Principal:
    assert user.role in ROLES
    return Principal(kind="user", name=user.username, role=user.role, id=user.id)
