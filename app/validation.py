"""Plain checks for hostile input shared by the API, the webhooks and the import.

The REST API refuses what does not fit (a typed 422); platform deliveries (Meta, Chatwoot) are
not ours to refuse, so their fields are cleaned and cut to the column instead, and one odd field
never fails the whole delivery.
"""

from __future__ import annotations

import hashlib
import unicodedata
from datetime import UTC, datetime, timedelta
from typing import Any

# Ids are INTEGER columns: 32-bit signed on PostgreSQL, the common range of both engines.
MAX_DB_INT = 2**31 - 1
# A comment's own time: not before social media, not more than a day ahead of our clock.
EARLIEST_CREATED_AT = datetime(2000, 1, 1, tzinfo=UTC)
MAX_CLOCK_SKEW = timedelta(days=1)
# Characters that show nothing: controls, formats (zero-width space, joiners, BOM), separators.
_INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf", "Zs", "Zl", "Zp", "Mn", "Me"})


def utc(value: datetime) -> datetime:
    """Naive times are UTC."""
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def created_at_error(value: datetime, *, now: datetime | None = None) -> str | None:
    """Why a comment time is out of range, or None when it is fine."""
    now = now or datetime.now(UTC)
    try:
        value = utc(value)
        if value < EARLIEST_CREATED_AT:
            return f"must not be before {EARLIEST_CREATED_AT.date().isoformat()}"
        if value > now + MAX_CLOCK_SKEW:
            return "must not be more than a day in the future"
    except (OverflowError, ValueError):
        return "is out of range"
    return None


def sane_created_at(value: datetime | None) -> datetime | None:
    """A platform's time if it is in range, else None (the service uses the receive time)."""
    if value is None or created_at_error(value) is not None:
        return None
    return utc(value)


def from_unix(value: Any) -> datetime | None:
    """Unix seconds as a UTC time; None for anything that is not a time in range."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    try:
        seconds = float(value)
        moment = datetime.fromtimestamp(seconds, UTC)
    except (OverflowError, OSError, ValueError):
        return None
    return sane_created_at(moment)


def has_visible_text(text: str) -> bool:
    """Whether `text` has at least one character that shows (not only zero-width/controls)."""
    return any(unicodedata.category(ch) not in _INVISIBLE_CATEGORIES for ch in text)


def strip_nul(value: str) -> str:
    return value.replace("\x00", "")


def fit_field(value: str | None, max_len: int) -> str | None:
    """A platform's display field cut to the column; NUL removed (PostgreSQL refuses it)."""
    if value is None:
        return None
    cleaned = strip_nul(value)
    return cleaned[:max_len] or None


def fit_id(value: str, max_len: int = 200) -> str:
    """A platform id that fits the column and stays unique: long ones end in a hash of the rest."""
    cleaned = strip_nul(value)
    if len(cleaned) <= max_len:
        return cleaned
    digest = hashlib.sha256(cleaned.encode("utf-8", "surrogatepass")).hexdigest()[:16]
    return f"{cleaned[: max_len - 17]}~{digest}"
