"""HMAC-SHA256 signatures for webhooks, in and out. Always over the raw body bytes."""

from __future__ import annotations

import hashlib
import hmac
import time

PREFIX = "sha256="


def hmac_hex(secret: str, message: bytes) -> str:
    """Hex HMAC-SHA256 of `message` with `secret`."""
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def sign_body(secret: str, body: bytes) -> str:
    """`sha256=<hex>` over the body alone (Meta's `X-Hub-Signature-256`)."""
    return PREFIX + hmac_hex(secret, body)


def sign_timestamped(secret: str, timestamp: str, body: bytes) -> str:
    """`sha256=<hex>` over `{timestamp}.{body}` (Tanggap and Chatwoot)."""
    return PREFIX + hmac_hex(secret, timestamp.encode() + b"." + body)


def matches(expected: str, provided: str | None) -> bool:
    """Constant-time comparison of two signature header values."""
    if not provided:
        return False
    return hmac.compare_digest(expected.encode(), provided.strip().encode())


def timestamp_fresh(timestamp: str | None, *, tolerance: int, now: float | None = None) -> bool:
    """True when `timestamp` (unix seconds) is within `tolerance` seconds of now."""
    if not timestamp or not timestamp.strip().isdigit():
        return False
    current = time.time() if now is None else now
    return abs(current - int(timestamp)) <= tolerance
