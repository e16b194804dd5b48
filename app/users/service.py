"""Web UI users."""

from __future__ import annotations

import secrets
from typing import Any

from sqlmodel import Session, col, select

from app.audit import service as audit
from app.errors import Conflict, NotFound, ValidationFailed
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


# --- managing users: every change that takes access away ends the user's sessions --------------


class UserNotFound(NotFound):
    code = "user_not_found"
    message = "User not found."


class LastAdmin(Conflict):
    code = "last_admin"
    message = "At least one active admin must remain."


def list_users(*, session: Session) -> list[User]:
    return list(session.exec(select(User).order_by(col(User.username))))


def get_by_name(*, session: Session, username: str) -> User:
    user = session.exec(select(User).where(User.username == username.strip())).first()
    if user is None:
        raise UserNotFound(details={"username": username})
    return user


def _other_active_admins(session: Session, user: User) -> int:
    rows = session.exec(
        select(User).where(User.role == "admin", col(User.is_active).is_(True), User.id != user.id)
    )
    return len(list(rows))


def _end_sessions(user: User) -> None:
    user.sessions_valid_after = utcnow()


def _audit(session: Session, actor: str, action: str, user: User, **details: Any) -> None:
    audit.record(
        session=session,
        actor=actor,
        action=action,
        details={"username": user.username, **details},
    )


def set_active(*, session: Session, username: str, active: bool, actor: str) -> User:
    """Deactivate (ends every session at once) or reactivate a user."""
    user = get_by_name(session=session, username=username)
    if not active and user.role == "admin" and _other_active_admins(session, user) == 0:
        raise LastAdmin()
    user.is_active = active
    _end_sessions(user)  # reactivation does not bring old sessions back either
    session.add(user)
    _audit(session, actor, "user.activated" if active else "user.deactivated", user)
    session.commit()
    session.refresh(user)
    return user


def set_role(*, session: Session, username: str, role: str, actor: str) -> User:
    """Change a user's role; their sessions end so the new role applies from the next login."""
    if role not in USER_ROLES:
        raise ValidationFailed(f"Unknown role '{role}'.", details={"allowed": list(USER_ROLES)})
    user = get_by_name(session=session, username=username)
    if user.role == "admin" and role != "admin" and _other_active_admins(session, user) == 0:
        raise LastAdmin()
    before = user.role
    user.role = role
    _end_sessions(user)
    session.add(user)
    _audit(session, actor, "user.role_changed", user, before=before, after=role)
    session.commit()
    session.refresh(user)
    return user


def reset_password(
    *, session: Session, username: str, actor: str, password: str | None = None
) -> tuple[User, str]:
    """Set a new password (a random one when omitted, returned once) and end every session."""
    new = password if password is not None else secrets.token_urlsafe(12)
    if len(new) < 8:
        raise ValidationFailed("Password must be at least 8 characters.")
    user = get_by_name(session=session, username=username)
    user.password_hash = hash_password(new)
    _end_sessions(user)
    session.add(user)
    _audit(session, actor, "user.password_reset", user)
    session.commit()
    session.refresh(user)
    return user, new


def session_valid(user: User, issued_at: float) -> bool:
    """Whether a web session issued at `issued_at` (epoch seconds) may still act for `user`."""
    if not user.is_active:
        return False
    cutoff = user.sessions_valid_after
    return cutoff is None or issued_at >= cutoff.timestamp()
