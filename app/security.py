"""API keys, passwords and roles."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

from pwdlib import PasswordHash

ROLES: tuple[str, ...] = ("integration", "reviewer", "admin")
_RANK = {role: i for i, role in enumerate(ROLES)}
KEY_PREFIX = "tgp_"

_password_hash = PasswordHash.recommended()


@dataclass(frozen=True)
class Principal:
    """Who is calling: an API key or a logged-in user."""

    kind: str  # "key" | "user"
    name: str
    role: str
    id: int | None = None

    @property
    def actor(self) -> str:
        return f"{self.kind}:{self.name}"

    def has_role(self, required: str) -> bool:
        return _RANK[self.role] >= _RANK[required]


def generate_api_key() -> str:
    """A new random key; shown to the user once."""
    return KEY_PREFIX + secrets.token_urlsafe(32)


def hash_api_key(key: str) -> str:
    """Keys are 256-bit random, so a fast hash is enough (unlike passwords)."""
    return hashlib.sha256(key.encode()).hexdigest()


def key_display_prefix(key: str) -> str:
    """The part of a key that may be shown and logged."""
    return key[: len(KEY_PREFIX) + 6]


def hash_password(password: str) -> str:
    return _password_hash.hash(password)


def verify_password(password: str, hashed: str) -> bool:
    return _password_hash.verify(password, hashed)
